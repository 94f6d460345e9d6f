"""Logseq: a page per article, its highlights as blocks with `id::` properties.

    title:: The Quiet Rivers of the North
    tags:: rivers, science
    source:: https://example.org/...
    author:: Maria Lindqvist
    reader:: reader://open?article=...

    - > Forty stations across three river basins
      id:: 0123abcd-...
        - my note
        - yellow · [Open in Reader](reader://open?...) #tag

(child blocks are indented with a tab, as Logseq writes them).
Each highlight's `id::` is its uid written as a UUID (what Logseq's block ids
are), so `((uid))` block references in the user's graph keep pointing at it
across exports. Page text is escaped as in the Markdown export; tags follow the
same rule (tagnames.py). Properties go right after a block's first line, where
Logseq reads them, so a quote of several lines continues below them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, color_name, normal_date, reader_link, reading_order
from reader.core.export.markdown import md
from reader.core.export.tagnames import TagNamer

_NS = uuid.UUID("5b1b7c1e-6f0a-4c55-9a57-3b8c7e0d2a11")


def block_uuid(uid: str) -> str:
    """A highlight uid as the UUID Logseq expects (uuid5 of it when it is not 32 hex digits)."""
    try:
        return str(uuid.UUID(hex=uid))
    except ValueError:
        return str(uuid.uuid5(_NS, uid))


def _property(value: str) -> str:
    # A property value is one line; "::" would start another property.
    return " ".join(md(value).split()).replace("::", ":\\:")


def _block(text: str, indent: str) -> list[str]:
    """A block of `text` at `indent`: "- " before its first line, its other lines under it."""
    first, *rest = text.strip().split("\n")
    # Blank lines keep the indent: a line at column 0 would end the block.
    return [f"{indent}- {first}"] + [f"{indent}  {line}".rstrip() if line.strip() else f"{indent}  " for line in rest]


def page(article: domain.Article, namer: TagNamer, color_names: dict[str, str]) -> str:
    lines = [f"title:: {_property(article.title)}"]
    if article.tags:
        lines.append("tags:: " + ", ".join(namer(t) for t in article.tags))
    source = article.url or ""
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        lines.append(f"source:: {source}")
    elif source:
        lines.append(f"source:: {_property(source)}")
    if article.author:
        lines.append(f"author:: {_property(article.author)}")
    if article.site:
        lines.append(f"site:: {_property(article.site)}")
    published = normal_date(article.published)
    if published:
        lines.append(f"published:: {_property(published)}")
    lines.append(f"reader:: {reader_link(article)}")
    lines.append("")
    if article.note.strip():
        lines.append("- Note")
        lines.extend(_block(article.note, "\t"))
    for h in reading_order(article):
        first, *rest = md(h.quote).split("\n")
        lines.append("- > " + first)
        lines.append(f"  id:: {block_uuid(h.uid)}")
        lines.extend("  > " + q if q.strip() else "  >" for q in rest)
        if h.note.strip():
            lines.extend(_block(h.note, "\t"))
        meta = color_name(h.color, color_names)
        if not h.placed:
            meta += " · could not be placed"
        meta += "".join(" #" + namer(t) for t in h.tags)
        lines.append(f"\t- {meta} · [Open in Reader]({reader_link(article, h)})")
    return "\n".join(lines).rstrip("\n") + "\n"


class LogseqFormat:
    name: ClassVar[str] = "logseq"
    suffix: ClassVar[str] = ".md"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.namer = TagNamer(options.tags)
        self.color_names = options.color_names

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        return "\n".join(page(a, self.namer, self.color_names) for a in articles)
