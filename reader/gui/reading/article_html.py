"""The article as Qt's rich text takes it: the body adapted, the header in front, the style sheet.

Pure HTML work (lxml), no layout: what Qt's CSS cannot do is finished on the
laid-out document in typeset.py.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

from reader.core.domain import Article
from reader.gui.meta_text import format_date
from reader.gui.meta_text import host as _host
from reader.gui.reading.direction import mirror_rows, table_direction
from reader.gui.reading.document import CHROME_STATE, LABEL_STATE, LOST_IMAGE_TITLE
from reader.gui.reading.stacked import cells, grid, holds_nothing, own_rows, stack_rows
from reader.gui.theme import ReadingSettings, Theme, font_families, mono_families

PX = 96 / 72  # Qt rich text takes margins in px only; sizes here are in points
TEX_SCHEME = "tex"  # <img src="tex:N">: the N-th formula of the article, typeset (typeset.py)
_TEX_LANGS = ("x-tex", "x-tex-display")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")
_ISOLATE = "\u2068{}\u2069"  # first-strong isolate: each part of the meta line keeps its own direction


class Formula(NamedTuple):
    """A formula typeset in the view: the TeX drawn, and the text it stands for in the
    article (the same, unless the page gave the formula only as MathML)."""

    tex: str
    text: str


LOST_IMAGE = "[image]"  # in a cell where a linked image was, not kept at import
_MIRRORED = "data-reader-mirrored"  # (on a mirrored table while the HTML is made)
MAX_TABLE_CELLS = 4000  # cells, nested ones counted, of a table the view fits to the column


def display_html(
    fragment: str,
    formulas: list[Formula] | None = None,
    typeset=None,
    stack: frozenset[int] = frozenset(),
    code_theme: Theme | None = None,
    tables: list[int] | None = None,
    direction: str | None = None,
    page_rtl: bool = False,
    mirrored: list[bool] | None = None,
) -> str:
    """Adapt the clean article HTML to what Qt's rich text understands.

    Qt treats <figure>/<figcaption> as inline, so they become blocks here; the
    canonical text is unchanged (the text map ignores how blocks are spelled).
    Formulas (<span lang="x-tex">TeX</span>, from the importer) become images
    when `typeset(tex, display)` says it can set them (the TeX is the span's title when
    it has one, else its text); each is appended to `formulas`, and the image is named
    tex:INDEX. Those it cannot set stay as their text in a monospace face. Tables whose index (in document order) is in
    `stack` are too wide for the column even set small: each row becomes a line (and the
    tables inside it lines within it); `tables` is given the index of each table left a table.
    With `code_theme`, code blocks that declare their language get syntax colours
    for that theme (code_colors.py). A right-to-left table (its own dir, an ancestor's, the article's
    declared `direction`, else its text's) has its first column on the right (direction.py);
    `mirrored` is given, for each table left a table in document order, whether it was mirrored.
    On a right-to-left page (`page_rtl`) a left-to-right table's cells stay left to right.
    """
    from lxml import html as lxml_html  # loaded when the first article opens, not at start

    if not fragment.strip():
        return ""
    from reader.core.importing.bound import bound_tree

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    # Articles stored before tables were bounded at import could hang the layout.
    bound_tree(root)
    for el in list(root.iter("br")):
        if _ends_line_anyway(el):
            _drop_keeping_tail(el)
    for el in root.iter("figure"):
        el.tag = "div"
    for el in root.iter("figcaption"):
        el.tag = "p"
        el.set("class", "caption")
        el.set("align", "center")
    for el in root.iter("img"):
        _declared_size(el)
    for el in list(root.iter("table")):
        _drop_empty_rows(el)
    # Cells left empty (their remote images not kept): a linked one says so, and a column of them goes.
    gaps: dict = {}  # the tables with an empty cell, in document order
    for cell in [c for c in root.iter("td", "th") if holds_nothing(c)]:
        if not _lost_image(cell) and cell.getparent() is not None:
            table = next(cell.iterancestors("table"), None)
            if table is not None:
                gaps[table] = None
    for el in gaps:
        _drop_empty_columns(el)
    flattened: set = set()  # tables inside a stacked one: lines of it now
    for index, el in enumerate(list(root.iter("table"))):
        if el in flattened:
            continue
        way = table_direction(el, direction, "rtl" if page_rtl else "ltr")
        if index in stack or _nested_bulk(el):
            flattened.update(el.iter("table"))
            stack_rows(el, way)
            continue
        if tables is not None:
            tables.append(index)
        if way == "rtl":
            mirror_rows(own_rows(el))
            el.set(_MIRRORED, "")
        # The direction on the cells, not the table: Qt gave a table's to the paragraph after it.
        for part in (el, *(c for c in el if c.tag in ("thead", "tbody", "tfoot")), *own_rows(el)):
            part.attrib.pop("dir", None)
        if way == "rtl" or page_rtl:
            for cell in (c for tr in own_rows(el) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")):
                if not cell.get("dir"):
                    cell.set("dir", way)
        el.set("cellspacing", "0")
        el.set("cellpadding", "6")
        el.set("width", "100%")
        for attr in ("height", "style"):
            el.attrib.pop(attr, None)
    for el in root.iter("td", "th", "col", "colgroup"):
        for attr in ("width", "nowrap", "height"):  # a page's fixed widths push the table past the column
            el.attrib.pop(attr, None)
        # A browser lets a table of no-break spaces grow past the column and scroll; Qt would
        # break their words anywhere. Plain spaces give the lines places to break.
        for node in el.iter():
            if node.text and "\xa0" in node.text:
                node.text = node.text.replace("\xa0", " ")
            if node is not el and node.tail and "\xa0" in node.tail:
                node.tail = node.tail.replace("\xa0", " ")
    for el in root.iter("table"):  # those left tables, in the document's order
        if mirrored is not None:
            mirrored.append(el.get(_MIRRORED) is not None)
        el.attrib.pop(_MIRRORED, None)
    for el in root.iter("pre"):
        _trim_pre(el)
    if code_theme is not None:
        from reader.gui.reading.code_colors import color_code

        color_code(root, code_theme)
    for el in list(root.iter("span")):
        lang = el.get("lang") or ""
        if lang in _TEX_LANGS:
            _formula(el, lang == "x-tex-display", formulas, typeset)
    return lxml_html.tostring(root, encoding="unicode")


_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "table", "td", "th", "ul"),
    )
)


def _ends_line_anyway(br) -> bool:
    """A line break with nothing after it in its block, or only a block after it: a browser draws
    no line for it, Qt an empty one ('<p>By Ann<br></p>' took two lines)."""
    node = br
    while True:
        if (node.tail or "").strip():
            return False
        after = node.getnext()
        while after is not None:
            if after.tag in _BLOCK_TAGS:
                return True  # (a block starts a line of its own)
            if after.tag in ("br", "img") or not holds_nothing(after):
                return False
            if (after.tail or "").strip():
                return False
            after = after.getnext()
        parent = node.getparent()
        if parent is None or parent.tag == "pre":
            return False
        if parent.tag in _BLOCK_TAGS:
            return True
        node = parent


def _drop_keeping_tail(el) -> None:
    previous, parent = el.getprevious(), el.getparent()
    if el.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _lost_image(cell) -> bool:
    """A cell that holds only a link, empty, held a linked image the importer did not keep (remote
    images are never fetched; a link the page gave a relative address keeps no address): a table of
    ticks linked to their pages was an empty grid. The link shows "[image]" (the view's words, not
    the article's: the text map leaves them out). Whether it did, for an empty cell."""
    link = next(cell.iter("a"), None)
    if link is None:
        return False
    mark = link.makeelement("span", {"class": "lost-image", "title": LOST_IMAGE_TITLE})
    mark.text = LOST_IMAGE
    link.insert(0, mark)
    mark.tail, link.text = link.text, None
    # The cell's block marked (a style on the <td> itself took its borders away).
    holder = cell.makeelement("div", {"style": f"-qt-user-state: {LABEL_STATE}"})
    holder.text, cell.text = cell.text, None
    for child in list(cell):
        holder.append(child)
    cell.append(holder)
    return True


def _drop_empty_columns(table) -> None:
    """A column that holds nothing in any row goes (the importer drops the remote icons of a table
    of pros and cons: their narrow empty column took room from the words); a cell spanning it
    spans a column fewer."""
    rows = own_rows(table)
    places = grid(rows)
    width = max((filled for _starts, filled in places), default=0)
    if width < 2:
        return
    placed = [
        (cell, start, _colspan(cell))
        for tr, (starts, _filled) in zip(rows, places, strict=True)
        for cell, start in zip(cells(tr), starts, strict=True)
    ]
    full = {start for cell, start, wide in placed if wide == 1 and not holds_nothing(cell)}
    for cell, start, wide in placed:  # a cell spanning only columns left empty keeps its first
        if wide > 1 and not holds_nothing(cell) and full.isdisjoint(range(start, start + wide)):
            full.add(start)
    empty = set(range(width)) - full
    if not empty or len(empty) == width:
        return
    for cell, start, wide in placed:
        gone = len(empty.intersection(range(start, start + wide)))
        if gone == wide:
            _drop_cell(cell)
        elif gone:
            cell.set("colspan", str(wide - gone))


def _colspan(cell) -> int:
    value = cell.get("colspan") or "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _drop_cell(cell) -> None:
    """Remove an empty cell, its tail (whitespace between cells) kept."""
    previous = cell.getprevious()
    if cell.tail and previous is not None:
        previous.tail = (previous.tail or "") + cell.tail
    cell.getparent().remove(cell)


def _drop_empty_rows(table) -> None:
    """Rows that hold nothing shown as nothing: the importer drops images it cannot keep (remote
    ones are never fetched) as the view hides the paragraphs they leave empty, and an infobox's
    image row was left an empty box. A row a cell spans into or out of stays (the grid would shift);
    a table left with nothing at all goes."""
    if holds_nothing(table):
        table.drop_tree()
        return
    spanned_until = -1  # the last row a cell of a row before spans into
    for number, tr in enumerate(own_rows(table)):
        spans = [_rowspan(cell) for cell in tr if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        if number > spanned_until and max(spans, default=1) == 1 and holds_nothing(tr):
            tr.drop_tree()
        spanned_until = max([spanned_until, *(number + span - 1 for span in spans)])
    # A caption over rows of images not kept: Qt makes no table without a cell, and counted, such a
    # table shifted every later one's place (their text unmapped, the wrong one set as lines).
    if not any(isinstance(c.tag, str) and c.tag in ("td", "th") for tr in own_rows(table) for c in tr):
        caption = table.find("caption")
        if caption is not None:
            caption.tag, caption.tail = "p", None
            table.addprevious(caption)
        table.drop_tree()


def _rowspan(cell) -> int:
    value = cell.get("rowspan") or "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _nested_bulk(table) -> bool:
    """A table laying out tables, with more than MAX_TABLE_CELLS cells in all: shown as lines
    from the start (as a table each layout of it took seconds; it is a page's layout, not data)."""
    if table.find(".//table") is None:
        return False
    return any(count > MAX_TABLE_CELLS for count, _cell in enumerate(table.iter("td", "th"), start=1))


def _declared_size(img) -> None:
    """A browser draws an image at its declared width and height: carry them in the image's
    name (the view fits them to the column), and leave Qt none to honour unfitted."""
    src = img.get("src") or ""
    size = []
    for attr in ("width", "height"):
        value = img.attrib.pop(attr, None)
        match = _NUMBER.match(value or "")
        size.append(match[1] if match and float(match[1]) > 0 else "")
    if src and any(size) and "?" not in src:
        img.set("src", f"{src}?w={size[0]}&h={size[1]}")


def _trim_pre(pre) -> None:
    """A code block's first and last line breaks are the page's layout, not lines of code."""
    if pre.text and pre.text.startswith(("\n", "\r")):
        pre.text = pre.text.lstrip("\r\n") or None
    elif len(pre) and pre.text is None and pre[0].text and pre[0].text.startswith(("\n", "\r")):
        pre[0].text = pre[0].text.lstrip("\r\n") or None
    last = pre[-1] if len(pre) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip("\r\n") or None
    elif last is not None and len(last) == 0 and last.text:
        last.text = last.text.rstrip("\r\n") or None
    elif last is None and pre.text:
        pre.text = pre.text.rstrip("\r\n") or None


def _formula(span, display: bool, formulas: list[Formula] | None, typeset) -> None:
    text = "".join(span.itertext()).strip()
    if not text:
        return
    tex = (span.get("title") or "").strip() or text  # MathML alone: its shape as TeX in the title
    if formulas is not None and typeset is not None and typeset(tex, display):
        tail = span.tail
        for child in list(span):
            span.remove(child)
        span.clear()
        span.tag = "img"
        span.set("src", f"{TEX_SCHEME}:{len(formulas)}")
        span.set("alt", text)
        span.tail = tail
        formulas.append(Formula(tex, text))
        if display:
            # A displayed formula sits on a line of its own, centred.
            holder = span.makeelement("p", {"align": "center", "class": "formula"})
            span.addprevious(holder)
            holder.append(span)
            holder.tail, span.tail = span.tail, None
    else:
        span.tag = "code"
        span.set("class", "tex")


def _same_words(a: str, b: str) -> bool:
    norm = lambda s: " ".join(re.findall(r"\w+", s.lower()))  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


def meta_parts(article: Article, minutes_left: int | None = None) -> list[str]:
    parts = []
    if article.author:
        parts.append(article.author)
    date = format_date(article.published)
    if date:
        parts.append(date)
    if minutes_left is not None and article.reading_minutes:
        parts.append(f"{minutes_left} min left" if minutes_left else "at the end")
    elif article.reading_minutes:
        parts.append(f"{article.reading_minutes} min read")
    return parts


def compose_html(article: Article, body: str, theme: Theme, settings: ReadingSettings, rtl: bool | None = None) -> str:
    """The header (site, title, byline, tags) in front of the article's body; right to left when
    `rtl` (by default when the article declares it)."""
    t = theme
    s = settings.size
    chrome = f"-qt-user-state: {CHROME_STATE};"
    if rtl is None:
        rtl = article.direction == "rtl"
    site = article.site or _host(article.url) or ""
    # Each part isolated: in a right-to-left article "1 min read" stays one phrase.
    meta = " · ".join(_ISOLATE.format(html.escape(p)) for p in meta_parts(article))
    sans = ", ".join(f"'{f}'" for f in font_families("Sans"))
    align = " align='right'" if rtl else ""
    site_html = (
        f'<p{align} style="{chrome} font-family: {sans}; font-size: {s * 0.72:.1f}pt; font-weight: 600; '
        f'color: {t.accent}; margin-bottom: {s * 0.45 * PX:.0f}px">{html.escape(site.upper())}</p>'
        if site
        else ""
    )
    tags = ""
    if article.tags:
        chips = "&nbsp;&nbsp;".join(
            f"<span style='background-color: {t.code}; color: {t.muted}'>&nbsp;{html.escape(tag)}&nbsp;</span>"
            for tag in article.tags
        )
        tags = (
            f'<p{align} style="{chrome} font-family: {sans}; font-size: {s * 0.72:.1f}pt; '
            f'margin-top: 0px; margin-bottom: {s * 2.0 * PX:.0f}px">{chips}</p>'
        )
    meta_html = (
        f'<p{align} style="{chrome} font-family: {sans}; font-size: {s * 0.82:.1f}pt; color: {t.muted}; '
        f'margin-top: {s * 0.1 * PX:.0f}px; margin-bottom: {s * (0.6 if tags else 2.2) * PX:.0f}px">{meta}</p>'
    )
    title_html = (
        f"<h1{align} style='{chrome} font-size: {s * 2.0:.1f}pt; margin-top: 0px; margin-bottom: {s * 0.5 * PX:.0f}px'>"
        f"{html.escape(article.title)}</h1>"
    )
    # Extraction often keeps the headline as the body's first heading: show it
    # once, as the title, with our site line above it and the byline below.
    match = re.match(r"\s*((?:<div>\s*)+)<(h[1-3])>(.*?)</\2>", body, re.S)
    if match and _same_words(html.unescape(re.sub(r"<[^>]+>", "", match[3])), article.title):
        heading = (
            f"<h1{align} style='font-size: {s * 2.0:.1f}pt; margin-top: 0px; margin-bottom: {s * 0.5 * PX:.0f}px'>"
            f"{match[3]}</h1>"
        )
        body = f"{match[1]}{body[match.end() :]}"
        head = f"{site_html}{heading}{meta_html}{tags}"
    else:
        head = f"{site_html}{title_html}{meta_html}{tags}"
    if rtl:
        return f"<div dir='rtl'>{head}{body}</div>"
    return head + body


def stylesheet(theme: Theme, settings: ReadingSettings, rtl: bool = False) -> str:
    t = theme
    s = settings.size
    mono = ", ".join(f"'{f}'" for f in mono_families())
    start, end = ("right", "left") if rtl else ("left", "right")
    return f"""
    a {{ color: {t.link}; text-decoration: none; }}
    p {{ margin-top: 0px; margin-bottom: {s * 0.95 * PX:.0f}px; }}
    h1 {{ font-size: {s * 1.75:.1f}pt; font-weight: 700; margin-top: {s * 1.6 * PX:.0f}px; margin-bottom: {s * 0.7 * PX:.0f}px; }}
    h2 {{ font-size: {s * 1.4:.1f}pt; font-weight: 700; margin-top: {s * 1.6 * PX:.0f}px; margin-bottom: {s * 0.6 * PX:.0f}px; }}
    h3 {{ font-size: {s * 1.18:.1f}pt; font-weight: 700; margin-top: {s * 1.3 * PX:.0f}px; margin-bottom: {s * 0.5 * PX:.0f}px; }}
    h4, h5, h6 {{ font-size: {s * 1.04:.1f}pt; font-weight: 700; margin-top: {s * 1.1 * PX:.0f}px; margin-bottom: {s * 0.4 * PX:.0f}px; }}
    blockquote {{ margin-{start}: {s * 1.6 * PX:.0f}px; margin-{end}: 0px; font-style: italic; color: {t.muted}; }}
    pre {{ font-family: {mono}; font-size: {s * 0.8:.1f}pt;
           margin-top: {s * 0.3 * PX:.0f}px; margin-bottom: {s * 1.1 * PX:.0f}px; }}
    code, kbd, samp {{ font-family: {mono}; font-size: {s * 0.85:.1f}pt; background-color: {t.code}; }}
    pre code {{ background-color: transparent; }}  /* the view paints a <pre>'s background whole */
    code.tex {{ color: {t.muted}; }}
    ul, ol {{ margin-top: 0px; margin-bottom: {s * 0.95 * PX:.0f}px; }}
    li {{ margin-bottom: {s * 0.35 * PX:.0f}px; }}
    dt {{ font-weight: 700; margin-top: {s * 0.5 * PX:.0f}px; }}
    dd {{ margin-bottom: {s * 0.35 * PX:.0f}px; margin-{start}: 30px; margin-{end}: 0px; }}  /* (indented from the start) */
    table {{ border-collapse: collapse; margin-top: {s * 0.4 * PX:.0f}px; margin-bottom: {s * 1.2 * PX:.0f}px;
             border-color: {t.rule}; }}
    td, th {{ border: 1px solid {t.rule}; padding: 5px 8px; font-size: {s * 0.88:.1f}pt; }}
    th {{ background-color: {t.code}; font-weight: 700; }}
    p.stacked-row {{ margin-bottom: {s * 0.3 * PX:.0f}px; font-size: {s * 0.88:.1f}pt; }}
    p.stacked-card {{ margin-bottom: {s * 0.75 * PX:.0f}px; font-size: {s * 0.88:.1f}pt; }}
    p.stacked-last {{ margin-bottom: {s * 1.2 * PX:.0f}px; font-size: {s * 0.88:.1f}pt; }}
    .stacked-cell {{ font-size: {s * 0.88:.1f}pt; }}
    .stacked-label {{ font-size: {s * 0.88:.1f}pt; color: {t.muted}; font-weight: 600; }}
    .lost-image {{ font-size: {s * 0.78:.1f}pt; }}
    .stacked-sep {{ font-size: {s * 0.88:.1f}pt; color: {t.muted}; }}
    p.caption {{ font-size: {s * 0.8:.1f}pt; color: {t.muted}; margin-top: {s * 0.4 * PX:.0f}px; }}
    hr {{ color: {t.rule}; }}
    """


def asset_query(name: str) -> tuple[float, float]:
    """The declared (width, height) carried in an image's name (0 where none was declared)."""
    if "?" not in name:
        return 0.0, 0.0
    from urllib.parse import parse_qs

    query = parse_qs(name.split("?", 1)[1])
    values = []
    for key in ("w", "h"):
        try:
            values.append(float(query.get(key, ["0"])[0] or 0))
        except ValueError:
            values.append(0.0)
    return values[0], values[1]


__all__ = ["PX", "asset_query", "compose_html", "display_html", "format_date", "meta_parts", "stylesheet"]
