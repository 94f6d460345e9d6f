"""Reading a W3C Web Annotation JSON export back into the library.

Each annotation re-attaches to the article its target's source names: the
article with that URL, else the one whose urn:x-reader:article:<id> it is (when
the title matches the exported metadata, so a fresh library's article 1 is not
mistaken for another's). It is anchored by its quote on the article's current
text (reader.core.anchoring.reanchor: the position if the quote is still there,
else the quote by its context, else a fuzzy match); a highlight that cannot be
found is kept as "could not be placed". Highlight uids come from the annotation
ids, so importing the same file twice adds nothing. Article notes are restored
where the article has none; article tags are added; a title the reader had set
(the record's `title` beside the page's own `pageTitle`) is restored where the
article has none of the reader's. An article is known by its page's title as well
as by the reader's, whichever was renamed since. The reader's state comes back
where the library holds nothing newer: archived and favorite are set (never
cleared), progress takes the further point, review answers are merged by time,
and a card keeps its own schedule unless the export's was reviewed later.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit, urlunsplit

from reader.core import anchoring, domain
from reader.core.dates import now
from reader.core.export.common import ARTICLE_URN, Json, parse_iso, uid_from_iri
from reader.core.export.w3c import (
    ParsedAnnotation,
    annotation_problem,
    article_record_problem,
    parse_annotation,
    read_annotations,
)
from reader.core.tags import MAX_TAG_CHARS


class AnnotatedLibrary(Protocol):
    """What import_annotations reads and writes (reader.core.Library is one)."""

    def iter_articles(self) -> Iterable[domain.ArticleSummary]: ...

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]: ...

    def page_titles(self) -> dict[int, str]: ...

    def insert_highlights(self, highlights: Sequence[domain.Highlight]) -> list[domain.Highlight]: ...

    def restore_reading_state(
        self,
        article_id: int,
        *,
        archived: bool = False,
        favorite: bool = False,
        progress: float | None = None,
        note: str = "",
        note_by: str = "",
    ) -> tuple[str, ...]: ...

    def restore_reviews(
        self,
        states: Mapping[str, domain.ReviewState],
        article_id: int | None = None,
        quotes: Mapping[str, str] | None = None,
    ) -> tuple[int, list[int], list[str]]: ...

    def add_tags(self, article_id: int, tags: Iterable[str]) -> object: ...

    def restore_title(self, article_id: int, title: str) -> bool: ...


@dataclass
class AnnotationImport:
    """What import_annotations did."""

    added: int = 0  # highlights added (orphans included)
    orphans: int = 0  # of those, how many could not be placed in the current text
    present: int = 0  # already in the library (same highlight id): left as they are
    elsewhere: int = 0  # their ids are highlights of other articles here: skipped
    unmatched: int = 0  # annotations whose article is not in the library
    invalid: int = 0  # annotations without a text quote (not highlights of a text)
    articles: int = 0  # articles that received highlights, a note or tags
    notes: int = 0  # article notes restored
    tags: int = 0  # article tags added
    titles: int = 0  # titles the reader had set, restored
    states: int = 0  # articles whose archived, favorite or reading progress was restored
    answers: int = 0  # review answers restored (with new highlights, or merged into present ones)
    unmatched_sources: list[str] = field(default_factory=list)
    changes: list[domain.Change] = field(default_factory=list)
    # "annotation 3: 'tags' is not ..." for each entry skipped for a malformed field
    problems: list[str] = field(default_factory=list)
    long_tags: list[str] = field(default_factory=list)  # over tags.MAX_TAG_CHARS: left out

    def summary(self) -> str:
        parts = [f"{self.added} highlights added"]
        if self.orphans:
            parts[0] += f" ({self.orphans} could not be placed, kept as orphans)"
        parts.append(f"{self.present} already present")
        if self.unmatched:
            parts.append(f"{self.unmatched} skipped: no matching article")
        if self.invalid:
            parts.append(f"{self.invalid} skipped: not a text highlight")
        if self.elsewhere:
            parts.append(f"{self.elsewhere} skipped: their ids are highlights of other articles here")
        if self.problems:
            parts.append(f"{len(self.problems)} skipped: malformed")
        if self.notes or self.tags:
            parts.append(f"{self.notes} article notes and {self.tags} article tags restored")
        if self.titles:
            parts.append(f"{self.titles} article titles restored")
        if self.states:
            parts.append(f"{self.states} articles' reading state restored")
        if self.answers:
            parts.append(f"{self.answers} review answers restored")
        if self.long_tags:
            parts.append(f"{len(self.long_tags)} tags over {MAX_TAG_CHARS} characters left out")
        return ", ".join(parts)


def load(path: str | os.PathLike[str]) -> Any:  # parsed JSON, any shape
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a JSON file: {exc}") from None
    except RecursionError:
        raise ValueError(f"{path} is nested too deeply to read") from None


def _normal_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _title_key(title: object) -> str:
    return " ".join(title.split()).casefold() if isinstance(title, str) else ""


def _record_titles(record: Json) -> list[str]:
    """The titles an article record knows its article by: the one shown, and the
    page's own when that one was the reader's (as keys, see _title_key)."""
    page_title = record.get("pageTitle")
    return [_title_key(record.get("title")), *([_title_key(page_title)] if isinstance(page_title, str) else [])]


class _Matcher:
    """Finds the library article an annotation's source names."""

    def __init__(self, library: AnnotatedLibrary, records: Iterable[Json]) -> None:
        self.library = library
        self.by_url: dict[str, int] = {}
        self.by_normal_url: dict[str, int] = {}
        self.titles: dict[int, str] = {}
        self.by_title: dict[str, list[int]] = {}
        # The page's own titles of renamed articles: an export from before the rename, or
        # from another library, names the article by it.
        self.page_titles = library.page_titles()
        self.by_page_title: dict[str, list[int]] = {}
        for article_id, page_title in sorted(self.page_titles.items()):
            self.by_page_title.setdefault(_title_key(page_title), []).append(article_id)
        for a in sorted(library.iter_articles(), key=lambda a: a.id, reverse=True):
            self.titles[a.id] = a.title
            self.by_title.setdefault(_title_key(a.title), []).insert(0, a.id)
            if a.url:
                self.by_url[a.url] = a.id  # the oldest article wins a shared URL
                self.by_normal_url[_normal_url(a.url)] = a.id
        self.records: dict[str, Json] = {}
        for record in records:
            for key in (record.get("source"), record.get("id"), record.get("url")):
                if isinstance(key, str) and key:
                    self.records.setdefault(key, record)
        self.cache: dict[str, int | None] = {}

    def find(self, source: str, quotes: Iterable[str] = ()) -> int | None:
        """The article `source` names; when only its title matches (a page without a URL
        imported into another library), the one holding most of `quotes`."""
        if source not in self.cache:
            found = self._find(source)
            if found is None:
                found = self._by_title(source, list(quotes))
            self.cache[source] = found
        return self.cache[source]

    def _by_title(self, source: str, quotes: list[str]) -> int | None:
        record = self.records.get(source)
        candidates: list[int] = []
        for key in _record_titles(record) if record else ():
            candidates = self.by_title.get(key) or self.by_page_title.get(key) or []
            if candidates:
                break
        if not candidates:
            return None
        if not quotes:
            return candidates[0] if len(candidates) == 1 else None
        best, best_hits = None, 0
        for article in self.library.get_many(candidates, content=True):
            hits = sum(1 for q in quotes if anchoring.find_quote(article.text, q))
            if hits > best_hits:
                best, best_hits = article.id, hits
        return best

    def _find(self, source: str) -> int | None:
        record = self.records.get(source, {})
        urls = [u for u in (source, record.get("url")) if isinstance(u, str) and not u.startswith(ARTICLE_URN)]
        for url in urls:
            if url in self.by_url:
                return self.by_url[url]
        for url in urls:
            found = self.by_normal_url.get(_normal_url(url))
            if found is not None:
                return found
        for urn in (source, record.get("id")):
            if isinstance(urn, str) and urn.startswith(ARTICLE_URN):
                try:
                    article_id = int(urn[len(ARTICLE_URN) :])
                except ValueError:
                    continue
                if article_id in self.titles and (not record or self._titled(record, article_id)):
                    return article_id
        return None

    def _titled(self, record: Json, article_id: int) -> bool:
        """Whether the record's titles name the article: its title, or the page's own
        title it keeps beside the reader's (renamed since the export, or before it)."""
        wanted = _record_titles(record)
        page_title = self.page_titles.get(article_id)
        return _title_key(self.titles[article_id]) in wanted or (
            page_title is not None and _title_key(page_title) in wanted
        )


def _now() -> datetime:
    return now()


def _uid(parsed: ParsedAnnotation) -> str:
    uid = uid_from_iri(parsed["id"])
    if uid:
        return uid
    # Another tool's annotation: a uid derived from what it is, so a second import matches it.
    key = json.dumps(
        [parsed["id"], parsed["source"], parsed["exact"], parsed["prefix"], parsed["suffix"], parsed["start"]],
        ensure_ascii=False,
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


Progress = Callable[[int, int], None]  # (annotations placed so far, annotations to place)
PROGRESS_EVERY = 500  # annotations between two progress calls


def import_annotations(
    library: AnnotatedLibrary, data_or_path: str | os.PathLike[str] | Json | list[Any], progress: Progress | None = None
) -> AnnotationImport:
    """Import a W3C Web Annotation JSON export (a path, or the parsed JSON).

    `progress(done, total)` is called as highlights are placed (every few hundred,
    and once at the end), from the calling thread."""
    data = load(data_or_path) if isinstance(data_or_path, str | os.PathLike) else data_or_path
    annotations, records = read_annotations(data)
    if not annotations and not records:
        where = os.fspath(data_or_path) if isinstance(data_or_path, str | os.PathLike) else "the file"
        raise ValueError(f"no W3C Web Annotations found in {where}")
    report = AnnotationImport()
    matcher = _Matcher(library, records)
    by_source: dict[str, list[ParsedAnnotation]] = {}
    for index, node in enumerate(annotations, 1):
        problem = annotation_problem(node)
        if problem:
            report.problems.append(f"annotation {index}: {problem}")
            continue
        parsed = parse_annotation(node)
        if parsed is None or not parsed["exact"].strip():
            report.invalid += 1
            continue
        by_source.setdefault(parsed["source"], []).append(parsed)
    by_article: dict[int, list[ParsedAnnotation]] = {}
    unmatched: set[str] = set()
    for source in sorted(by_source):
        article_id = matcher.find(source, [p["exact"] for p in by_source[source]])
        if article_id is None:
            report.unmatched += len(by_source[source])
            unmatched.add(source)
            continue
        by_article.setdefault(article_id, []).extend(by_source[source])
    report.unmatched_sources = sorted(unmatched)

    touched: set[int] = set()
    stamp = _now()
    total = sum(len(v) for v in by_article.values())
    done = 0
    if progress:
        progress(0, total)
    for article_id in sorted(by_article):
        [article] = library.get_many([article_id], content=True)
        text = article.text
        known = {h.uid for h in article.highlights}
        wanted: list[domain.Highlight] = []
        seen: set[str] = set()
        # Review states of highlights already here (the file's uid): merged, never replaced.
        reviews: dict[str, domain.ReviewState] = {}
        for parsed in by_article[article_id]:
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
            uid = _uid(parsed)
            if uid in known or uid in seen:
                report.present += 1
                if parsed["review"] is not None and uid not in seen:
                    reviews[uid] = parsed["review"]
                continue
            seen.add(uid)
            parsed["tags"] = _usable_tags(parsed["tags"], report)
            wanted.append(_highlight(article_id, uid, parsed, text, stamp))
        inserted = library.insert_highlights(wanted)
        taken = {h.uid for h in inserted}
        for h in wanted:
            if h.uid not in taken and h.review is not None:  # another article's, or added meanwhile
                reviews[h.uid] = h.review
        report.present += len(wanted) - len(inserted)
        report.added += len(inserted)
        report.orphans += sum(1 for h in inserted if not h.placed)
        report.answers += sum(len(h.review.answers) for h in wanted if h.uid in taken and h.review is not None)
        if inserted:
            touched.add(article_id)
            report.changes.append(domain.Change("highlights-added", article_id))
        if reviews:
            # Into this article's highlights, or another's marking the same words (a copy of the
            # article): a uid of another article's highlight of other words is not this highlight.
            quotes = {h.uid: h.quote for h in wanted}
            answers, changed, elsewhere = library.restore_reviews(reviews, article_id, quotes)
            report.answers += answers
            report.elsewhere += len(elsewhere)
            report.present -= len(elsewhere)
            for changed_id in changed:
                touched.add(changed_id)
                report.changes.append(domain.Change("article-updated", changed_id))

    if progress and total % PROGRESS_EVERY:
        progress(total, total)

    restored: set[int] = set()
    for index, record in enumerate(records, 1):
        problem = article_record_problem(record)
        if problem:
            report.problems.append(f"article record {index}: {problem}")
            continue
        named = record.get("source") or record.get("url") or record.get("id")
        article_id = matcher.find(named) if isinstance(named, str) else None
        if article_id is None or article_id in restored:
            continue
        restored.add(article_id)
        [current] = library.get_many([article_id], content=False)
        note = record.get("note")
        progress_ = record.get("readingProgress")
        state = _ReadingState(
            archived=record.get("archived") is True,
            favorite=record.get("favorite") is True,
            progress=float(progress_) if isinstance(progress_, int | float) else None,
            note=note if isinstance(note, str) else "",
        )
        restored_: tuple[str, ...] = ()
        if state.adds_to(current):
            # Checked and written in one transaction: a note, a flag or a further place set
            # since the export (by another process perhaps) stays.
            restored_ = library.restore_reading_state(article_id, **state._asdict(), note_by=record.get("noteBy") or "")
        if "note" in restored_:
            report.notes += 1
        if set(restored_) - {"note"}:
            report.states += 1
        if restored_:
            touched.add(article_id)
        title = record.get("title")
        if isinstance(record.get("pageTitle"), str) and isinstance(title, str) and not current.renamed:
            # The reader's title in the file, none in the library: theirs again (one
            # set meanwhile, by another process perhaps, stays: restore_title checks).
            if library.restore_title(article_id, title):
                report.titles += 1
                touched.add(article_id)
        tags = _usable_tags([t for t in record.get("tags") or () if isinstance(t, str) and t.strip()], report)
        new = [t for t in tags if t not in current.tags]
        if new:
            # Added in one transaction: tags another process adds meanwhile stay.
            library.add_tags(article_id, new)
            report.tags += len(new)
            touched.add(article_id)
        if article_id in touched:
            report.changes.append(domain.Change("article-updated", article_id))
    report.articles = len(touched)
    return report


class _ReadingState(NamedTuple):
    """An article record's reading state, as restore_reading_state takes it."""

    archived: bool
    favorite: bool
    progress: float | None
    note: str

    def adds_to(self, current: domain.Article) -> bool:
        """Whether the library's article, as read, lacks something of this state: most
        records of a re-imported export add nothing, and then need no write transaction
        (restore_reading_state checks again inside its own)."""
        return (
            (self.archived and not current.archived)
            or (self.favorite and not current.favorite)
            or (self.progress is not None and min(1.0, max(0.0, self.progress)) > (current.progress or 0.0))
            or (bool(self.note.strip()) and not current.note.strip())
        )


def _usable_tags(tags: list[str], report: AnnotationImport) -> list[str]:
    """The tags a library takes (tags.MAX_TAG_CHARS, as typed ones): a longer one, kept by an
    older Reader, is left out and named, and the rest of the file is still imported."""
    for tag in tags:
        if len(tag) > MAX_TAG_CHARS:
            report.long_tags.append(tag)
    return [tag for tag in tags if len(tag) <= MAX_TAG_CHARS]


def _highlight(
    article_id: int, uid: str, parsed: ParsedAnnotation, text: str, fallback_time: datetime
) -> domain.Highlight:
    anchor = anchoring.Anchor(
        parsed["start"] if parsed["start"] is not None else -1,
        parsed["end"] if parsed["end"] is not None else -1,
        parsed["exact"],
        parsed["prefix"],
        parsed["suffix"],
    )
    start: int | None
    end: int | None
    found = anchoring.reanchor(text, anchor)
    if found is not None:
        found = anchoring.trim_range(text, *found)
    if found is not None and found[1] > found[0]:
        fresh = anchoring.make_anchor(text, *found)
        start, end, quote, prefix, suffix = fresh.start, fresh.end, fresh.quote, fresh.prefix, fresh.suffix
    else:
        start = end = None
        quote, prefix, suffix = parsed["exact"], parsed["prefix"], parsed["suffix"]
    color = parsed["color"] if parsed["color"] in domain.COLORS else "yellow"
    created = parse_iso(parsed["created"]) or fallback_time
    updated = parse_iso(parsed["modified"]) or created
    return domain.Highlight(
        id=0,
        uid=uid,
        article_id=article_id,
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        color=color,
        note=parsed["note"],
        tags=tuple(dict.fromkeys(parsed["tags"])),
        created=created,
        updated=updated,
        review=parsed["review"],
        created_by=parsed["created_by"],
        updated_by=parsed["modified_by"],
    )
