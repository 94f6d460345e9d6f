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
across exports. Tags follow the Markdown export's rule (tagnames.py). Properties
go right after a block's first line, where Logseq reads them, so a quote of
several lines continues below them.

Page text (quotes, title, author, site) is escaped for Logseq's own parser,
mldoc (logseq/mldoc, lib/syntax/inline.ml), not as CommonMark: there `\\[` and
`\\(` open math (latex_fragment) whenever a `\\]` or `\\)` follows, so the
Markdown export's escaping would turn `[a] and [b]` into math. See `text()`.
The user's own notes are written as typed: they may use Logseq's markup on purpose.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, color_name, normal_date, reader_link, reading_order
from reader.core.export.tagnames import TagNamer

_NS = uuid.UUID("5b1b7c1e-6f0a-4c55-9a57-3b8c7e0d2a11")


def block_uuid(uid: str) -> str:
    """A highlight uid as the UUID Logseq expects (uuid5 of it when it is not 32 hex digits)."""
    try:
        return str(uuid.UUID(hex=uid))
    except ValueError:
        return str(uuid.uuid5(_NS, uid))


# What mldoc reads as markup (lib/syntax/inline.ml, inline_choices for Markdown): `#` a tag,
# `* _ ~ ^ =` emphasis, sub- and superscript, `$` and `\` math (latex_fragment) and
# entities, `[` page refs, links, footnotes, timestamps, cookies and hiccup, `(` block refs
# `((uuid))`, `{` macros `{{embed ...}}`, `<` links, timestamps and inline HTML, `!` images,
# `@` export snippets `@@html: ...@@`, `` ` `` code; `|` starts a table, `>` a quote.
# Each is written as `\` + the character, which mldoc's plain rule reads as the character
# itself (all are in its md_escape_chars). `]` and `)` are not: `\]` and `\)` are what
# close the math that an escaped `[` or `(` would otherwise open.
_SPECIAL = re.compile(r"[\\`*_\[(<>!$=^~#{}@|]")
# A bare address is made a link (link_inline: letters "://"); "::" makes a property.
_COLON = re.compile(r":(?=//|:)")
# A page's own backslash before `]` or `)` would write `\]` or `\)`: a word joiner
# (U+2060, invisible) goes between, so no escaped `[` or `(` before it becomes math.
_CLOSER = re.compile(r"\\\\(?=[\])])")
# Block-level: at a line's start `- + *` and `1.` make a list, `:` a definition or a drawer.
_LINE_START = re.compile(r"^([-+:])|^(\d{1,9})(\.)")
WORD_JOINER = "\u2060"
# mldoc ends a line at "\r" too (parsers.ml eol_chars): a line of ours must not hold one.
_LINES = re.compile(r"\r\n|\r|\n")
# A web address stays a link: mldoc's link_inline takes it up to a bracket, brace or angle
# bracket, where a ((block ref)), {{macro}} or [[link]] could start; those are percent-encoded.
_URL_QUOTED = str.maketrans({c: f"%{ord(c):02X}" for c in "()[]{}<>\\^`|"})


def text(value: object) -> str:
    """Page-derived text as Logseq Markdown that mldoc reads as exactly this text (plus an
    invisible word joiner where a backslash comes before `]` or `)`)."""
    if value is None:
        return ""
    lines = []
    for line in _LINES.split(str(value)):
        # Leading blanks are dropped, as in the Markdown export: indented, a line is code.
        line = _SPECIAL.sub(r"\\\g<0>", line.lstrip(" \t"))
        line = _CLOSER.sub("\\\\\\\\" + WORD_JOINER, _COLON.sub(r"\\:", line))
        line = _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)
        lines.append(line)
    return "\n".join(lines)


def _property(value: str) -> str:
    # A property value is one line.
    return " ".join(text(value).split())


def _block(text: str, indent: str) -> list[str]:
    """A block of `text` at `indent`: "- " before its first line, its other lines under it."""
    first, *rest = _LINES.split(text.strip())
    # Blank lines keep the indent: a line at column 0 would end the block.
    return [f"{indent}- {first}"] + [f"{indent}  {line}".rstrip() if line.strip() else f"{indent}  " for line in rest]


def page(article: domain.Article, namer: TagNamer, color_names: dict[str, str]) -> str:
    lines = [f"title:: {_property(article.title)}"]
    if article.tags:
        lines.append("tags:: " + ", ".join(namer(t) for t in article.tags))
    source = article.url or ""
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        lines.append(f"source:: {source.translate(_URL_QUOTED)}")
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
        first, *rest = text(h.quote).split("\n")
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
