"""Hypothesis: the JSON file its client exports and imports (sidebar, "Export/Import").

The file is `{"export_date", "export_userid", "client_version", "annotations": [...]}`
with each annotation in the form of the Hypothesis API: `uri`, `text` (the note,
Markdown as in Hypothesis), `tags`, `target: [{source, selector}]` with the same
W3C selectors (TextQuoteSelector, TextPositionSelector), `document.title`,
`created`/`updated`, `user`, `group` and `permissions` (private to the user:
the Hypothesis client re-files imported annotations under the signed-in user
and group). An article's note is a Hypothesis page note (a target without
selectors) carrying the article's tags. Reader adds `reader` (colour, reader://
link) to each; Hypothesis ignores it and Reader reads it back.

`from_hypothesis` turns one such annotation into the W3C form the importer reads
(restore.py), so `reader import-annotations` takes Hypothesis files as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import ClassVar

from reader import __version__
from reader.core import domain
from reader.core.export.common import (
    ExportOptions,
    Json,
    article_source,
    highlight_iri,
    iso,
    reader_link,
    reading_order,
)

USER = "acct:reader@localhost"
GROUP = "__world__"
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


def _permissions() -> Json:
    return {"read": [USER], "admin": [USER], "update": [USER], "delete": [USER]}


def annotation(article: domain.Article, h: domain.Highlight) -> Json:
    uri = article_source(article)
    selectors: list[Json] = [{"type": "TextQuoteSelector", "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}]
    if h.placed:
        selectors.append({"type": "TextPositionSelector", "start": h.start, "end": h.end})
    return {
        "id": h.uid,
        "created": iso(h.created),
        "updated": iso(h.updated),
        "user": USER,
        "user_info": {"display_name": "Reader"},
        "uri": uri,
        "text": h.note,
        "tags": list(h.tags),
        "group": GROUP,
        "permissions": _permissions(),
        "target": [{"source": uri, "selector": selectors}],
        "document": {"title": [article.title]},
        "reader": {"color": h.color, "link": reader_link(article, h)},
    }


def page_note(article: domain.Article) -> Json:
    uri = article_source(article)
    return {
        "id": f"page-{article.uid or article.id}",
        "created": iso(article.added),
        "updated": iso(article.updated),
        "user": USER,
        "user_info": {"display_name": "Reader"},
        "uri": uri,
        "text": article.note,
        "tags": list(article.tags),
        "group": GROUP,
        "permissions": _permissions(),
        "target": [{"source": uri}],
        "document": {"title": [article.title]},
        "reader": {"link": reader_link(article)},
    }


def export_document(articles: Sequence[domain.Article]) -> Json:
    articles = sorted(articles, key=lambda a: a.id)
    items: list[Json] = []
    for article in articles:
        if article.note.strip() or article.tags:
            items.append(page_note(article))
        items.extend(annotation(article, h) for h in reading_order(article))
    # The export's date is the latest change it holds: same data, same bytes.
    stamps = [a.updated for a in articles] + [h.updated for a in articles for h in a.highlights]
    return {
        "export_date": iso(max(stamps)) if stamps else None,
        "export_userid": USER,
        "client_version": f"Reader {__version__}",
        "annotations": items,
    }


class HypothesisFormat:
    name: ClassVar[str] = "hypothesis"
    suffix: ClassVar[str] = ".json"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.options = options

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        return json.dumps(export_document(articles), ensure_ascii=False, indent=2) + "\n"


# -- reading back -------------------------------------------------------------


def _iri(value: object) -> object:
    if not isinstance(value, str):
        return value  # the type check (w3c.annotation_problem) names it
    if _HEX32.match(value):
        return highlight_iri(value)
    return "urn:x-hypothesis:" + value


def from_hypothesis(entry: object) -> tuple[str, Json] | None:
    """("annotation", W3C annotation) for a highlight, ("article", record) for a
    page note, None for what is neither (a reply, a non-object)."""
    if not isinstance(entry, dict) or entry.get("references"):
        return None
    uri = entry.get("uri")
    text = entry.get("text", "")
    tags = entry.get("tags") or []
    targets = entry.get("target")
    targets = targets if isinstance(targets, list) else [targets] if isinstance(targets, dict) else []
    target = next((t for t in targets if isinstance(t, dict) and t.get("selector")), None)
    extra: Json = entry["reader"] if isinstance(entry.get("reader"), dict) else {}
    if target is None:
        title = (entry.get("document") or {}).get("title") if isinstance(entry.get("document"), dict) else None
        title = title[0] if isinstance(title, list) and title else title
        return "article", {"source": uri, "url": uri, "title": title, "note": text, "tags": tags}
    bodies: list[Json] = []
    if text:
        bodies.append({"type": "TextualBody", "value": text, "format": "text/markdown", "purpose": "commenting"})
    for tag in tags if isinstance(tags, list) else [tags]:
        bodies.append({"type": "TextualBody", "value": tag, "purpose": "tagging"})
    target_node: Json = {"source": target.get("source") or uri, "selector": target.get("selector")}
    if isinstance(extra.get("color"), str):
        target_node["styleClass"] = extra["color"]
    node = {
        "type": "Annotation",
        "id": _iri(entry.get("id")),
        "created": entry.get("created"),
        "modified": entry.get("updated"),
        "body": bodies,
        "target": target_node,
    }
    return "annotation", node
