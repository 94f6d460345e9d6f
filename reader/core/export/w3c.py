"""JSON: a W3C Web Annotation collection (https://www.w3.org/TR/annotation-model/).

One AnnotationCollection whose `first` AnnotationPage holds every highlight as
an Annotation:

- `id` urn:uuid:<the highlight's stable uid>, `created`/`modified`;
- `motivation` "commenting" when the highlight has a note, else "highlighting";
- `body`: a TextualBody with the note (purpose commenting) and one TextualBody
  per tag (purpose tagging);
- `target`: a SpecificResource with `source` (the article's URL, else
  urn:x-reader:article:<id>), a TextQuoteSelector (exact, prefix, suffix) and,
  when placed, a TextPositionSelector (start, end in the article's text), and
  the colour as `styleClass`.

The colours are CSS classes (`styleClass`) of the annotation's `stylesheet`, an
embedded CssStylesheet (model 4.4: a styleClass needs its stylesheet). Notes are
Markdown: their bodies say `text/markdown`. The page embeds the collection it is
part of (`partOf`), as the W3C test suite expects.

The collection also carries `articles`, Reader's extension with each article's
metadata, note (and who wrote it), tags, archived, favorite and reading progress;
each annotation carries who made and last edited it and its place in the daily
review with every answer given, so a restore loses none of the reader's state. Its terms are defined in a context of their own (the
second entry of `@context`, IRIs under urn:x-reader:vocab:), so a JSON-LD
processor keeps them on expansion; Reader reads them back.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypedDict, TypeGuard

import orjson

from reader import __version__
from reader.core import domain
from reader.core.dates import now
from reader.core.export.common import (
    COLOR_HEX,
    ExportOptions,
    Json,
    article_source,
    article_urn,
    article_values,
    color_name,
    highlight_iri,
    iso,
    parse_iso,
    reading_order,
)
from reader.core.review import ANSWERS

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
VOCAB = "urn:x-reader:vocab:"
# Reader's own terms: the `articles` extension survives JSON-LD expansion.
READER_CONTEXT = {
    "reader": VOCAB,
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "articles": {"@id": "reader:articles", "@container": "@set"},
    "title": "dcterms:title",
    "pageTitle": {"@id": "reader:pageTitle"},  # the page's own, when `title` is the reader's
    "author": "dcterms:creator",
    "site": "schema:publisher",
    "url": {"@id": "schema:url", "@type": "@id"},
    "published": "dcterms:issued",
    "added": {"@id": "reader:added", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "tags": {"@id": "reader:tag", "@container": "@set"},
    "note": {"@id": "reader:note"},
    "highlightCount": {"@id": "reader:highlightCount", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    # A highlight's place in the daily review (FSRS); names prefixed so none
    # shadows a Web Annotation term ("state" is one).
    "review": {"@id": "reader:review"},
    "reviewState": {"@id": "reader:reviewState", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    "stability": {"@id": "reader:stability", "@type": "http://www.w3.org/2001/XMLSchema#double"},
    "difficulty": {"@id": "reader:difficulty", "@type": "http://www.w3.org/2001/XMLSchema#double"},
    "due": {"@id": "reader:due", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "lastReviewed": {"@id": "reader:lastReviewed", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "reviewCount": {"@id": "reader:reviewCount", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    "retired": {"@id": "reader:retired", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
    "reviewStep": {"@id": "reader:reviewStep", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    # Every answer given, oldest first: a restored card keeps its history, streak and chart.
    "answers": {"@id": "reader:answers", "@container": "@list"},
    "answer": {"@id": "reader:answer"},
    "reviewed": {"@id": "reader:reviewed", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "durationMs": {"@id": "reader:durationMs", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    # The reader's own state of an article, and who wrote what (display names).
    "archived": {"@id": "reader:archived", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
    "favorite": {"@id": "reader:favorite", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
    "readingProgress": {"@id": "reader:readingProgress", "@type": "http://www.w3.org/2001/XMLSchema#double"},
    "noteBy": {"@id": "reader:noteBy"},
    "createdBy": {"@id": "reader:createdBy"},
    "modifiedBy": {"@id": "reader:modifiedBy"},
}
CONTEXT = [ANNO_CONTEXT, READER_CONTEXT]
COLLECTION_URN = "urn:x-reader:export:"
MARKDOWN = "text/markdown"


def stylesheet() -> Json:
    """An embedded CssStylesheet with a class per colour (the styleClass of each target)."""
    rules = [f".{name} {{ background-color: {hex_} }}" for name, hex_ in COLOR_HEX.items()]
    return {"type": "CssStylesheet", "value": " ".join(rules)}


# The article fields the `articles` extension carries (each a term of its context).
ARTICLE_FIELDS = ("title", "author", "site", "url", "published", "added", "language", "tags", "note")


def article_metadata(article: domain.Article) -> Json:
    values = article_values(article)
    return {
        "id": article_urn(article),
        "source": article_source(article),
        **{name: values[name] for name in ARTICLE_FIELDS},
        "highlightCount": len(article.highlights),
        **({"pageTitle": article.page_title} if article.renamed else {}),
        "archived": article.archived,
        "favorite": article.favorite,
        "readingProgress": article.progress,
        **({"noteBy": article.note_by} if article.note and article.note_by else {}),
    }


def annotation(article: domain.Article, h: domain.Highlight, color_names: dict[str, str]) -> Json:
    body: list[Json] = []
    if h.note:
        body.append({"type": "TextualBody", "value": h.note, "format": MARKDOWN, "purpose": "commenting"})
    for tag in h.tags:
        body.append({"type": "TextualBody", "value": tag, "purpose": "tagging"})
    selectors: list[Json] = [{"type": "TextQuoteSelector", "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}]
    if h.placed:
        selectors.append({"type": "TextPositionSelector", "start": h.start, "end": h.end})
    item: Json = {
        "id": highlight_iri(h.uid),
        "type": "Annotation",
        "motivation": "commenting" if h.note else "highlighting",
        "created": iso(h.created),
        "modified": iso(h.updated),
    }
    if h.created_by:
        item["createdBy"] = h.created_by
    if h.updated_by:
        item["modifiedBy"] = h.updated_by
    if body:
        item["body"] = body
    item["stylesheet"] = stylesheet()
    item["target"] = {
        "type": "SpecificResource",
        "source": article_source(article),
        "selector": selectors,
        "styleClass": h.color,
    }
    name = color_name(h.color, color_names)
    if name != h.color:
        item["label"] = name
    if h.review is not None:
        item["review"] = review_json(h.review)
    return item


def review_json(review: domain.ReviewState) -> Json:
    value: Json = {
        "reviewState": review.state,
        "stability": review.stability,
        "difficulty": review.difficulty,
        "due": iso(review.due),
        "lastReviewed": iso(review.last_reviewed),
        "reviewCount": review.reviews,
        "retired": review.retired,
    }
    if review.step is not None:
        value["reviewStep"] = review.step
    if review.answers:
        value["answers"] = [
            {
                "answer": a.answer,
                "reviewed": iso(a.reviewed),
                **({"durationMs": a.duration_ms} if a.duration_ms is not None else {}),
            }
            for a in review.answers
        ]
    return value


# What an imported review may hold: times the library can compute with (FSRS adds
# days to them), numbers its columns take (PostgreSQL's integer is 32 bits).
EARLIEST = datetime(1970, 1, 1)
LATEST_DUE = datetime(2400, 1, 1)  # FSRS schedules at most 100 years ahead
MAX_INT = 2**31 - 1
MAX_NAME = 1000  # characters of a display name


def _whole(value: object, low: int, high: int) -> bool:
    return _is_int(value) and low <= value <= high


def _real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _time_problem(value: object, name: str, latest: datetime, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    parsed = parse_iso(value)
    if parsed is None:
        return f"'{name}' is not an ISO 8601 time"
    if not EARLIEST <= parsed <= latest:
        return f"'{name}' ({value}) is out of range ({EARLIEST.year} to {latest:%Y-%m-%d})"
    return None


def review_problem(value: object) -> str | None:
    """Why an annotation's `review` cannot be restored as it is, or None."""
    if not isinstance(value, dict):
        return "'review' is not a review state (reviewState, due...)"
    happened = now() + timedelta(days=2)  # a little room for another machine's clock
    if not _whole(value.get("reviewState"), 0, 3):
        return "'reviewState' is not 0 to 3"
    for key in ("stability", "difficulty"):
        if value.get(key) is not None and not (_real(value[key]) and 0 <= value[key] <= 1e9):
            return f"'{key}' is not a number from 0 to 1e9"
    for problem in (
        _time_problem(value.get("due"), "due", LATEST_DUE, required=True),
        _time_problem(value.get("lastReviewed"), "lastReviewed", happened),
    ):
        if problem:
            return problem
    if value.get("reviewStep") is not None and not _whole(value["reviewStep"], 0, 1000):
        return "'reviewStep' is not a whole number from 0 to 1000"
    if "retired" in value and not isinstance(value["retired"], bool):
        return "'retired' is not true or false"
    answers = value.get("answers")
    if answers is None:
        return None
    if not isinstance(answers, list):
        return "'answers' is not a list"
    for index, entry in enumerate(answers, 1):
        if not isinstance(entry, dict):
            return f"answer {index} is not an object"
        if entry.get("answer") not in ANSWERS:
            return f"answer {index}: 'answer' is not one of {', '.join(ANSWERS)}"
        problem = _time_problem(entry.get("reviewed"), "reviewed", happened, required=True)
        if problem:
            return f"answer {index}: {problem}"
        if entry.get("durationMs") is not None and not _whole(entry["durationMs"], 0, MAX_INT):
            return f"answer {index}: 'durationMs' is not a whole number of milliseconds"
    return None


def parse_review(value: object) -> domain.ReviewState | None:
    """The review state of an imported annotation (checked by review_problem); None if absent."""
    if not isinstance(value, dict) or review_problem(value) is not None:
        return None
    due = parse_iso(value["due"])
    assert due is not None  # review_problem checked it
    count = value.get("reviewCount")
    answers: dict[tuple[datetime, str], domain.ReviewAnswerRecord] = {}
    for entry in value.get("answers") or ():
        reviewed = parse_iso(entry["reviewed"])
        assert reviewed is not None
        answers.setdefault(
            (reviewed, entry["answer"]), domain.ReviewAnswerRecord(entry["answer"], reviewed, entry.get("durationMs"))
        )
    given = tuple(sorted(answers.values(), key=lambda a: a.reviewed))
    stability, difficulty = value.get("stability"), value.get("difficulty")
    return domain.ReviewState(
        state=value["reviewState"],
        stability=float(stability) if stability is not None else None,
        difficulty=float(difficulty) if difficulty is not None else None,
        due=due,
        last_reviewed=parse_iso(value.get("lastReviewed")),
        reviews=len(given) or (count if _is_int(count) and 0 <= count <= MAX_INT else 0),
        retired=value.get("retired") is True,
        step=value.get("reviewStep"),
        answers=given,
    )


def collection(articles: Sequence[domain.Article], color_names: dict[str, str] | None = None) -> Json:
    color_names = color_names or {}
    articles = sorted(articles, key=lambda a: a.id)
    items = [annotation(a, h, color_names) for a in articles for h in reading_order(a)]
    digest = hashlib.sha256(",".join(str(a.id) for a in articles).encode()).hexdigest()[:16]
    collection_id = COLLECTION_URN + digest
    label = articles[0].title if len(articles) == 1 else f"Reader: {len(articles)} articles"
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "generator": {"type": "Software", "name": f"Reader {__version__}"},
        "total": len(items),
        "first": {
            "id": collection_id + ":page:1",
            "type": "AnnotationPage",
            "partOf": {"id": collection_id, "type": "AnnotationCollection", "label": label, "total": len(items)},
            "startIndex": 0,
            "items": items,
        },
        "articles": [article_metadata(a) for a in articles],
    }


class JsonFormat:
    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.color_names = options.color_names

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        return pretty_json(collection(articles, self.color_names))


def pretty_json(data: object) -> str:
    """`data` as json.dumps(ensure_ascii=False, indent=2) writes it, in C: the same text
    but for very small or large floats (1e-05 is 0.00001), which read back equal. A value
    orjson refuses (an integer beyond 64 bits, a lone surrogate) takes the slow path."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- reading back -------------------------------------------------------------


def read_annotations(data: object) -> tuple[list[Json], list[Json]]:
    """(annotations, Reader article records) from a collection, a page, a list of
    annotations or a single annotation (Reader's export or another tool's)."""
    annotations: list[Json] = []
    articles: list[Json] = []

    def take(node: object, depth: int = 0) -> None:
        if depth > 50:
            return
        if isinstance(node, list):
            for entry in node:
                take(entry, depth + 1)
            return
        if not isinstance(node, dict):
            return
        kinds = node.get("type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if "type" not in node and isinstance(node.get("annotations"), list):
            # The Hypothesis client's export: {"annotations": [...]} in its API's form.
            from reader.core.export.hypothesis import from_hypothesis

            for entry in node["annotations"]:
                converted = from_hypothesis(entry)
                if converted is None:
                    continue
                kind, value = converted
                (annotations if kind == "annotation" else articles).append(value)
            return
        if isinstance(node.get("articles"), list):
            articles.extend(a for a in node["articles"] if isinstance(a, dict))
        if kinds & {"Annotation", "oa:Annotation"}:
            annotations.append(node)
        elif kinds & {"AnnotationCollection", "AnnotationPage"} or "items" in node or "first" in node:
            take(node.get("first"), depth + 1)
            take(node.get("items"), depth + 1)
            nxt = node.get("next")
            if isinstance(nxt, dict):
                take(nxt, depth + 1)

    take(data)
    return annotations, articles


def _listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def annotation_problem(node: Json) -> str | None:
    """Why an annotation cannot be imported as it is (a field of the wrong type), or None.

    Checked before anything is used, so a malformed field never becomes
    something else (a string of tags read as its letters, a date as a number)."""
    for key in ("id", "created", "modified", "bodyValue", "motivation"):
        if key in node and node[key] is not None and not isinstance(node[key], str):
            return f"'{key}' is not text"
    for body in _listed(node.get("body")):
        if isinstance(body, str):
            continue
        if not isinstance(body, dict):
            return "a body is neither text nor an object"
        for key in ("value", "purpose", "format", "type"):
            if key in body and not isinstance(body[key], str):
                return f"the body's '{key}' is not text"
    for target in _listed(node.get("target")):
        if isinstance(target, str):
            continue
        if not isinstance(target, dict):
            return "a target is neither text nor an object"
        if "styleClass" in target and not isinstance(target["styleClass"], str):
            return "'styleClass' is not text"
        source = target.get("source")
        if source is not None and not isinstance(source, str | dict):
            return "the target's 'source' is not text"
        for selector in _listed(target.get("selector")):
            if not isinstance(selector, dict):
                return "a selector is not an object"
            kind = selector.get("type")
            if kind == "TextQuoteSelector":
                for key in ("exact", "prefix", "suffix"):
                    if key in selector and not isinstance(selector[key], str):
                        return f"the quote's '{key}' is not text"
            elif kind == "TextPositionSelector":
                start, end = selector.get("start"), selector.get("end")
                if not (_is_int(start) and _is_int(end)) or not 0 <= start <= end:
                    return "the position's 'start' and 'end' are not two ordered whole numbers"
    for key in ("createdBy", "modifiedBy"):
        problem = _name_problem(node, key)
        if problem:
            return problem
    if node.get("review") is not None:
        return review_problem(node["review"])
    return None


def _name_problem(node: Json, key: str) -> str | None:
    value = node.get(key)
    if value is not None and not (isinstance(value, str) and len(value) <= MAX_NAME):
        return f"'{key}' is not a name (text of at most {MAX_NAME} characters)"
    return None


def article_record_problem(record: Json) -> str | None:
    """The same check for one of Reader's article records (notes and tags)."""
    for key in ("id", "source", "url", "title", "note"):
        if key in record and record[key] is not None and not isinstance(record[key], str):
            return f"'{key}' is not text"
    tags = record.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        return "'tags' is not a list of text"
    for key in ("archived", "favorite"):
        if record.get(key) is not None and not isinstance(record[key], bool):
            return f"'{key}' is not true or false"
    progress = record.get("readingProgress")
    if progress is not None and not (_real(progress) and 0 <= progress <= 1):
        return "'readingProgress' is not a number from 0 to 1"
    return _name_problem(record, "noteBy")


class ParsedAnnotation(TypedDict):
    """The parts of an Annotation that make a highlight (see parse_annotation)."""

    id: object  # as found: annotation_problem checks it is text
    source: str
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    color: str | None  # the first style class
    note: str
    tags: list[str]
    created: object  # as found, like id
    modified: object
    review: domain.ReviewState | None
    created_by: str  # display names; "" when not known
    modified_by: str


def parse_annotation(node: Json) -> ParsedAnnotation | None:
    """The parts of one Annotation that make a highlight; None if it has no text quote."""
    targets = node.get("target")
    targets = targets if isinstance(targets, list) else [targets]
    for target in targets:
        if isinstance(target, str) or not isinstance(target, dict):
            continue
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id")
        selectors = target.get("selector")
        selectors = selectors if isinstance(selectors, list) else [selectors]
        quote: Json | None = None
        position: Json | None = None
        for selector in selectors:
            if not isinstance(selector, dict):
                continue
            if selector.get("type") == "TextQuoteSelector" and isinstance(selector.get("exact"), str):
                quote = selector
            elif selector.get("type") == "TextPositionSelector":
                position = selector
        if quote is None or not isinstance(source, str):
            continue
        style = target.get("styleClass")
        note_parts: list[str] = []
        tags: list[str] = []
        bodies = node.get("body")
        bodies = bodies if isinstance(bodies, list) else [bodies] if bodies is not None else []
        for body in bodies:
            if isinstance(body, str):
                continue
            if not isinstance(body, dict) or not isinstance(body.get("value"), str):
                continue
            if body.get("purpose") == "tagging":
                tags.append(body["value"])
            else:
                note_parts.append(body["value"])
        if isinstance(node.get("bodyValue"), str):
            note_parts.append(node["bodyValue"])
        start: int | None = None
        end: int | None = None
        if position is not None and isinstance(position.get("start"), int) and isinstance(position.get("end"), int):
            start, end = position["start"], position["end"]
        return {
            "id": node.get("id"),
            "source": source,
            "exact": quote["exact"],
            "prefix": quote["prefix"] if isinstance(quote.get("prefix"), str) else "",
            "suffix": quote["suffix"] if isinstance(quote.get("suffix"), str) else "",
            "start": start,
            "end": end,
            "color": style.split()[0] if isinstance(style, str) and style.split() else None,
            "note": "\n\n".join(note_parts),
            "tags": tags,
            "created": node.get("created"),
            "modified": node.get("modified"),
            "review": parse_review(node.get("review")),
            "created_by": node["createdBy"] if isinstance(node.get("createdBy"), str) else "",
            "modified_by": node["modifiedBy"] if isinstance(node.get("modifiedBy"), str) else "",
        }
    return None
