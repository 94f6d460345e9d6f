"""HTML: a standalone, readable page of each article with its highlights marked.

Highlights are <mark>s in their colours (found by mapping the article's
canonical text, see reader.core.text, back onto the clean HTML); notes follow
the paragraph they belong to, and a list of every highlight (with those that
could not be placed) ends the article. Images are embedded as data: URIs; the
file references nothing on the network (links stay links).
"""

from __future__ import annotations

import base64
import bisect
import html as html_lib
import itertools
import re
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, ClassVar

from reader import __version__
from reader.core import domain
from reader.core.export.common import (
    COLOR_HEX,
    DEFAULT_COLOR,
    ExportOptions,
    color_name,
    human_date,
    iso,
    normal_date,
    reader_link,
    reading_order,
)
from reader.core.notes import note_html, note_text, text_direction
from reader.core.text import BLOCK_TAGS, CELL_TAGS

if TYPE_CHECKING:
    from lxml import etree  # lxml ships no types: to mypy its elements are Any

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_DROP = frozenset(
    """script style link meta base iframe frame frameset object embed applet video audio source track
    svg math form input button textarea select template noscript canvas dialog portal""".split()
)
_NOTE_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl table figure".split())
_URL_ATTRS = frozenset("src srcset href action formaction poster background data cite longdesc usemap "
                       "lowsrc dynsrc xlink:href ping manifest codebase archive profile".split())
_SAFE_HREF = re.compile(r"^(https?:|mailto:|#)", re.I)
_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def _css() -> str:
    return (resources.files("reader.core.export") / "templates" / "article.css").read_text("utf-8")


def _esc(text: str) -> str:
    return html_lib.escape(text, quote=False)


def _attr(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _color_attrs(color: str) -> str:
    if color in COLOR_HEX:
        return f'class="rdr-hl rdr-c-{color}"'
    if _HEX.match(color or ""):
        return f'class="rdr-hl" style="background-color:{color}"'
    return f'class="rdr-hl rdr-c-{DEFAULT_COLOR}"'


def _note_block(text: str, element: str, cls: str, before: str = "") -> str:
    """A note rendered from its Markdown, in its own direction (an LTR note in an RTL article)."""
    direction = text_direction(text)
    attrs = f' class="{cls}"' + (f' dir="{direction}"' if direction else "")
    return f"<{element}{attrs}>{before}{note_html(text)}</{element}>"


def _time(value: datetime | str | None, machine: str | None) -> str:
    shown = human_date(value)
    if not shown:
        return ""
    return f'<time datetime="{_attr(machine)}">{_esc(shown)}</time>' if machine else _esc(shown)


def _paragraphs(text: str) -> str:
    parts = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip())]
    return "".join("<p>" + "<br>".join(_esc(line) for line in p.split("\n")) + "</p>" for p in parts if p)


_SPACE_RUN = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_TEXT, _SPACE, _BREAK = 0, 1, 2  # kinds of runs: raw text (1:1), a collapsed space, a line break
_Origin = tuple[int, int, int]  # (segment, raw start, raw end)
_Run = tuple[int, str, tuple[_Origin, ...]]  # (kind, text, origins)


class _Mapper:
    """Walks clean HTML exactly as reader.core.text.element_text does and keeps,
    for each run of the canonical text, where it came from: a segment (an
    element's .text or .tail) and the raw range in it. `spans(start, end)` maps a
    range of the canonical text back to raw ranges of segments."""

    def __init__(self, root: etree._Element) -> None:
        self.segments: list[tuple[etree._Element, str]] = []
        self.index: dict[tuple[int, str], int] = {}
        self._current: list[_Run] = []
        self._last = ""  # the last character element_text would have in its current piece
        self._blocks: list[list[_Run]] = []
        self._walk(root, False)
        self._flush()
        self.starts: list[int] = []
        self.runs: list[_Run] = []
        parts: list[str] = []
        pos = 0
        for n, block in enumerate(self._blocks):
            if n:
                parts.append("\n\n")
                pos += 2
            for run in block:
                self.starts.append(pos)
                self.runs.append(run)
                parts.append(run[1])
                pos += len(run[1])
        self.text = "".join(parts)

    def spans(self, start: int, end: int) -> list[_Origin]:
        """(segment, raw start, raw end) pieces of text[start:end], in order."""
        out: list[_Origin] = []
        n = bisect.bisect_right(self.starts, start) - 1
        for k in range(max(0, n), len(self.runs)):
            pos = self.starts[k]
            if pos >= end:
                break
            kind, text, origins = self.runs[k]
            if pos + len(text) <= start:
                continue
            if kind == _TEXT:
                (seg, s, _e), = origins
                out.append((seg, s + max(0, start - pos), s + min(len(text), end - pos)))
            else:
                out.extend(origins)
        return out

    def _segment(self, el: etree._Element, kind: str) -> int:
        key = (id(el), kind)
        if key not in self.index:
            self.index[key] = len(self.segments)
            self.segments.append((el, kind))
        return self.index[key]

    def _add(self, el: etree._Element, kind: str, raw: str, pre: bool) -> None:
        seg = self._segment(el, kind)
        self._last = raw[-1] if pre else (" " if _SPACE_RUN.match(raw[-1]) else raw[-1])
        add = self._current.append
        lines = raw.split("\n") if pre else [raw]
        offset = 0
        for n, line in enumerate(lines):
            if n:
                add((_BREAK, "\n", ()))
            i = 0
            for match in _SPACE_RUN.finditer(line):
                if match.start() > i:
                    add((_TEXT, line[i : match.start()], ((seg, offset + i, offset + match.start()),)))
                add((_SPACE, " ", ((seg, offset + match.start(), offset + match.end()),)))
                i = match.end()
            if i < len(line):
                add((_TEXT, line[i:], ((seg, offset + i, offset + len(line)),)))
            offset += len(line) + 1

    def _flush(self) -> None:
        lines: list[list[_Run]] = [[]]
        for run in self._current:
            if run[0] == _BREAK:
                lines.append([])
            else:
                lines[-1].append(run)
        self._current = []
        out_lines = []
        for line in lines:
            merged: list[_Run] = []
            for run in line:
                if run[0] == _SPACE and merged and merged[-1][0] == _SPACE:
                    merged[-1] = (_SPACE, " ", merged[-1][2] + run[2])
                else:
                    merged.append(run)
            # str.strip(): drop whitespace (any, not only the collapsed kind) at both ends.
            while merged:
                kind, text, origins = merged[0]
                if kind == _SPACE:
                    merged.pop(0)
                    continue
                cut = len(text) - len(text.lstrip())
                if cut == len(text):
                    merged.pop(0)
                    continue
                if cut:
                    (seg, s, e), = origins
                    merged[0] = (_TEXT, text[cut:], ((seg, s + cut, e),))
                break
            while merged:
                kind, text, origins = merged[-1]
                if kind == _SPACE:
                    merged.pop()
                    continue
                cut = len(text) - len(text.rstrip())
                if cut == len(text):
                    merged.pop()
                    continue
                if cut:
                    (seg, s, e), = origins
                    merged[-1] = (_TEXT, text[:-cut], ((seg, s, e - cut),))
                break
            if merged:
                out_lines.append(merged)
        if out_lines:
            block: list[_Run] = []
            for n, line in enumerate(out_lines):
                if n:
                    block.append((_BREAK, "\n", ()))
                block.extend(line)
            self._blocks.append(block)

    def _walk(self, el: etree._Element, in_pre: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "template") or not isinstance(el.tag, str):
            if el.tail:
                self._add(el, "tail", el.tail, in_pre)
            return
        is_block = tag in BLOCK_TAGS
        pre = in_pre or tag == "pre"
        if is_block:
            self._flush()
        if tag == "br":
            self._current.append((_BREAK, "\n", ()))
            self._last = "\n"
        elif tag in CELL_TAGS and self._current and self._last != " ":
            self._current.append((_SPACE, " ", ()))
            self._last = " "
        if el.text:
            self._add(el, "text", el.text, pre)
        for child in el:
            self._walk(child, pre)
        if is_block:
            self._flush()
        if el.tail:
            self._add(el, "tail", el.tail, in_pre)


class _Renderer:
    """Serializes one article's clean HTML with marks, notes and embedded images."""

    def __init__(self, article: domain.Article, options: ExportOptions, color_names: dict[str, str]) -> None:
        self.article = article
        self.options = options
        self.color_names = color_names
        self.marks: dict[int, list[tuple[int, int, int]]] = {}  # segment -> (raw start, raw end, highlight n)
        self.notes_after: dict[int, list[domain.Highlight]] = {}  # id(element) -> highlights
        self.inline_notes: dict[tuple[int, int], list[domain.Highlight]] = {}
        self.first_piece: set[int] = set()
        self.numbers: dict[str, int] = {}
        self.shown: set[str] = set()
        self.highlights: list[domain.Highlight] = []
        self._keep: list[etree._Element] = []

    def body(self) -> str:
        from lxml import html as lxml_html

        article = self.article
        highlights = reading_order(article)
        self.numbers = {h.uid: n for n, h in enumerate(highlights, 1)}
        self.highlights = highlights
        if not article.html or not article.html.strip():
            return ""
        root = lxml_html.fragment_fromstring(article.html, create_parent="div")
        mapper = _Mapper(root)
        if mapper.text == article.text:
            self._place(mapper, highlights)
        out: list[str] = []
        self._emit_children(root, mapper, out)
        return "".join(out)

    def _place(self, mapper: _Mapper, highlights: list[domain.Highlight]) -> None:
        for n, h in enumerate(highlights):
            start, end = h.start, h.end
            if start is None or end is None or not 0 <= start < end <= len(mapper.text):
                continue
            spans: dict[int, list[int]] = {}
            order: list[int] = []
            pieces = mapper.spans(start, end)
            for seg, a, b in pieces:
                if seg not in spans:
                    spans[seg] = [a, b]
                    order.append(seg)
                else:
                    spans[seg][0] = min(spans[seg][0], a)
                    spans[seg][1] = max(spans[seg][1], b)
            if not order:
                continue
            self.shown.add(h.uid)
            for seg in order:
                self.marks.setdefault(seg, []).append((spans[seg][0], spans[seg][1], n))
            self.first_piece.add(n)
            if h.note:
                seg = pieces[-1][0]  # where the highlight ends
                el, kind = mapper.segments[seg]
                block = el if kind == "text" else el.getparent()
                while block is not None and block.tag not in _NOTE_BLOCKS:
                    block = block.getparent()
                if block is not None:
                    self._keep.append(block)  # keeps the lxml proxy, so id(block) stays valid
                    self.notes_after.setdefault(id(block), []).append(h)
                else:
                    self.inline_notes.setdefault((seg, spans[seg][1]), []).append(h)

    def _emit_children(self, root: etree._Element, mapper: _Mapper, out: list[str]) -> None:
        self._emit_text(mapper, root, "text", root.text, out)
        for child in root:
            self._emit(child, mapper, out)

    def _emit(self, el: etree._Element, mapper: _Mapper, out: list[str]) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is not None and tag.lower() not in _DROP and not (tag == "img" and not self._image(el, out)):
            tag = tag.lower()
            if tag != "img":
                out.append("<" + tag + self._attributes(el) + ">")
            if tag not in _VOID:
                self._emit_text(mapper, el, "text", el.text, out)
                for child in el:
                    self._emit(child, mapper, out)
                out.append(f"</{tag}>")
            for h in self.notes_after.get(id(el), ()):
                out.append(self._note(h, "aside"))
        self._emit_text(mapper, el, "tail", el.tail, out)

    def _attributes(self, el: etree._Element) -> str:
        parts = []
        for name, value in sorted(el.attrib.items()):
            name = str(name).lower()
            if name.startswith("on") or name in ("style", "class") or ":" in name:
                continue
            if name in _URL_ATTRS:
                if not (el.tag == "a" and name == "href" and _SAFE_HREF.match(value.strip())):
                    continue
            parts.append(f' {name}="{_attr(value)}"')
        return "".join(parts)

    def _image(self, el: etree._Element, out: list[str]) -> bool:
        src = (el.get("src") or "").strip()
        found = None
        if src.startswith("asset:") and self.options.assets is not None:
            found = self.options.assets(self.article.id, src[len("asset:") :])
        if not found:
            return False
        mime, data = found
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        attrs = "".join(f' {n}="{_attr(el.get(n))}"' for n in ("alt", "title", "width", "height") if el.get(n))
        out.append(f'<img src="{uri}"{attrs}>')
        return True

    def _emit_text(self, mapper: _Mapper, el: etree._Element, kind: str, raw: str | None, out: list[str]) -> None:
        if not raw:
            return
        seg = mapper.index.get((id(el), kind))
        marks = self.marks.get(seg) if seg is not None else None
        if not marks:
            out.append(_esc(raw))
            self._inline_notes(seg, len(raw), out)
            return
        cuts = sorted({0, len(raw), *(s for s, _, _ in marks), *(e for _, e, _ in marks)})
        for a, b in itertools.pairwise(cuts):
            active = [m for m in marks if m[0] <= a and b <= m[1]]
            piece = _esc(raw[a:b])
            for s, _e, n in sorted(active, key=lambda m: m[2], reverse=True):
                h = self.highlights[n]
                attrs = _color_attrs(h.color) + f' data-highlight="{_attr(h.uid)}"'
                if n in self.first_piece and s == a:
                    self.first_piece.discard(n)
                    attrs += f' id="rdr-h-{_attr(h.uid)}"'
                title = color_name(h.color, self.color_names) + (f": {note_text(h.note)}" if h.note else "")
                piece = f'<mark {attrs} title="{_attr(title)}">{piece}</mark>'
            out.append(piece)
            self._inline_notes(seg, b, out)

    def _inline_notes(self, seg: int | None, position: int, out: list[str]) -> None:
        if seg is None:  # text of no segment carries no note
            return
        for h in self.inline_notes.get((seg, position), ()):
            out.append(self._note(h, "span"))

    def _note(self, h: domain.Highlight, element: str) -> str:
        n = self.numbers[h.uid]
        cls = f"rdr-note rdr-c-{h.color if h.color in COLOR_HEX else DEFAULT_COLOR}"
        return _note_block(h.note, "aside", cls, f'<a class="rdr-ref" href="#rdr-h-{_attr(h.uid)}">{n}</a> ')

    def summary(self) -> str:
        if not self.highlights:
            return ""
        items = []
        for h in self.highlights:
            self.numbers[h.uid]
            cls = h.color if h.color in COLOR_HEX else DEFAULT_COLOR
            parts = [f'<li class="rdr-c-{cls}" id="rdr-n-{_attr(h.uid)}">']
            parts.append(f'<blockquote class="rdr-quote">{_paragraphs(h.quote)}</blockquote>')
            if h.note:
                parts.append(_note_block(h.note, "div", "rdr-item-note"))
            meta = [f'<span class="rdr-swatch"></span>{_esc(color_name(h.color, self.color_names))}']
            if not h.placed or h.uid not in self.shown:
                meta.append("could not be placed" if not h.placed else "not shown in the text")
            if h.tags:
                meta.append(" ".join(f'<span class="rdr-tag">#{_esc(t)}</span>' for t in h.tags))
            if h.uid in self.shown:
                meta.append(f'<a href="#rdr-h-{_attr(h.uid)}">in the text</a>')
            meta.append(f'<a class="rdr-open" href="{_attr(reader_link(self.article, h))}">open in Reader</a>')
            meta.append(_time(h.created, iso(h.created)))
            meta.append(f'<span class="rdr-id">{_esc(h.uid[:12])}</span>')
            parts.append('<p class="rdr-item-meta">' + " · ".join(meta) + "</p></li>")
            items.append("".join(parts))
        return (f'<section class="rdr-highlights"><h2>Highlights ({len(self.highlights)})</h2>'
                f'<ol>{"".join(items)}</ol></section>')


def render_article(article: domain.Article, options: ExportOptions) -> str:
    renderer = _Renderer(article, options, options.color_names)
    body = renderer.body()
    meta = [_esc(x) for x in (article.author, article.site) if x]
    if article.published:
        meta.append(_time(article.published, normal_date(article.published)))
    meta.append("saved " + _time(article.added, iso(article.added)))
    header = [f'<header class="rdr-header"><h1>{_esc(article.title)}</h1>']
    header.append(f'<p class="rdr-meta">{" · ".join(meta)}</p>')
    if article.url:
        link = article.url if _SAFE_HREF.match(article.url) else None
        header.append(f'<p class="rdr-source"><a href="{_attr(link)}">{_esc(article.url)}</a></p>' if link
                      else f'<p class="rdr-source">{_esc(article.url)}</p>')
    if article.tags:
        header.append('<p class="rdr-tags">' + " ".join(f'<span class="rdr-tag">#{_esc(t)}</span>'
                                                        for t in article.tags) + "</p>")
    header.append("</header>")
    note = (_note_block(article.note, "section", "rdr-article-note", "<h2>Note</h2>")
            if article.note.strip() else "")
    lang = f' lang="{_attr(article.language)}"' if article.language else ""
    direction = f' dir="{_attr(article.direction)}"' if article.direction in ("ltr", "rtl") else ""
    return (f'<article class="rdr-article" id="article-{article.id}"{lang}{direction}>'
            f'{"".join(header)}{note}<div class="rdr-body">{body}</div>{renderer.summary()}</article>')


def document(title: str, language: str | None, articles_html: Sequence[str], toc: str = "") -> str:
    lang = _attr(language or "en")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Reader {_attr(__version__)}">\n'
        f"<title>{_esc(title)}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n"
        + toc + "\n".join(articles_html) + "\n</body>\n</html>\n"
    )


class HtmlFormat:
    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    needs_content: ClassVar[bool] = True

    def __init__(self, options: ExportOptions) -> None:
        self.options = options

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        if combined:
            articles = sorted(articles, key=lambda a: a.id)
        parts = [render_article(a, self.options) for a in articles]
        if len(articles) == 1 and not combined:
            return document(articles[0].title, articles[0].language, parts)
        toc = ('<nav class="rdr-toc"><h1>Reader export</h1><ol>'
               + "".join(f'<li><a href="#article-{a.id}">{_esc(a.title)}</a> '
                         f'<span class="rdr-count">({len(a.highlights)})</span></li>' for a in articles)
               + "</ol></nav>\n")
        return document(f"Reader: {len(articles)} articles", None, parts, toc)
