"""A table as lines: for a table no column could hold unbroken, each row a paragraph.

A table in a cell becomes lines within its row's line, its words in order. What the view adds
between cells (a column's header before its value, a separator) is not the article's text: it is
marked by its title (document.LABEL_TITLE, its tooltip too) and the text map leaves it out.
"""

from __future__ import annotations

from reader.gui.reading.document import LABEL_STATE, LABEL_TITLE

SEPARATOR = "\u00a0\u2502\u2002"  # between the cells of a row no header names: " │ " (never first on a line)
_ISOLATE = "\u2068{}\u2069"  # a header keeps its own direction in a line of the other


def stack_rows(table, way: str = "ltr") -> None:
    """A table as lines, one a row, header cells bold. Under a header row each cell stands on a
    line of its own after its column's header ("Header: value"); else the cells of a row are apart
    by a separator, a row header and its value by a colon."""
    holder = table.makeelement("div", {"class": "stacked-table", "dir": way})
    caption = _caption(table)
    if caption is not None:  # its title first, a line of its own
        holder.append(_line(holder, way, "stacked-row"))
        holder[-1].append(caption)
    rows = own_rows(table)
    places = grid(rows)
    heads, labels = _header(rows, places)
    for number, (tr, (columns, _width)) in enumerate(zip(rows, places, strict=True)):
        line = _line(holder, way, "stacked-card" if labels is not None and number >= heads else "stacked-row")
        _append_cells(line, tr, columns, labels if number >= heads else None)
        holder.append(line)
    if len(holder):  # the space a table has after it (Qt's rich text gives a <div> no margins)
        holder[-1].set("class", "stacked-last")
    holder.tail = table.tail
    table.getparent().replace(table, holder)


def _line(holder, way: str, cls: str):
    """A line of the table (a card: a row whose cells are each on a line, under a header)."""
    return holder.makeelement("p", {"class": cls, "dir": way, "style": f"-qt-user-state: {LABEL_STATE}"})


def cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _span(cell, attr: str) -> int:
    value = (cell.get(attr) or "1").strip()
    return min(int(value), 1000) if value.isdigit() and int(value) > 0 else 1


def grid(rows: list) -> list[tuple[list[int], int]]:
    """Of each row, the column each of its cells starts in and how many columns the row fills,
    cells of rows above that span into it counted (as a browser places them)."""
    taken: dict[int, set[int]] = {}  # row number -> columns a cell of an earlier row spans into
    found = []
    for number, tr in enumerate(rows):
        used = taken.pop(number, set())
        column = 0
        starts = []
        for cell in cells(tr):
            while column in used:
                column += 1
            wide, tall = _span(cell, "colspan"), _span(cell, "rowspan")
            for below in range(number + 1, number + tall):
                taken.setdefault(below, set()).update(range(column, column + wide))
            used.update(range(column, column + wide))
            starts.append(column)
            column += wide
        found.append((starts, max(used, default=-1) + 1))
    return found


def holds_nothing(el) -> bool:
    """No words and no image (what is left of a cell whose remote image was not kept). Stops at
    the first words: a cell holding tables holding tables is not read whole at every level."""
    return not any(text.strip() for text in el.itertext()) and next(el.iter("img"), None) is None


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _header(rows: list, places: list[tuple[list[int], int]]) -> tuple[int, dict[int, str] | None]:
    """How many rows at the top are a header (all their cells <th>, or in <thead>), and the name
    each column has in them (a lower header row's name wins), when they name two columns or more."""
    count = 0
    for tr in rows:
        row_cells = cells(tr)
        in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
        if not row_cells or not (in_head or all(c.tag == "th" for c in row_cells)):
            break
        count += 1
    labels: dict[int, str] = {}
    for tr, (starts, _width) in zip(rows[:count], places[:count], strict=True):
        for cell, start in zip(cells(tr), starts, strict=True):
            name = _text(cell)
            if name:
                for column in range(start, start + _span(cell, "colspan")):
                    labels[column] = name
    if count == len(rows) or len(set(labels.values())) < 2:
        return 0, None
    return count, labels


def _label(parent, text: str, cls: str):
    label = parent.makeelement("span", {"class": cls, "title": LABEL_TITLE})
    label.text = text
    return label


def _caption(table):
    """The table's <caption> as a line's bold words (the rows alone left its words out), or None."""
    caption = next((child for child in table if child.tag == "caption"), None)
    if caption is None:
        return None
    caption.tag = "b"
    caption.set("class", "stacked-cell")
    for el in list(caption.iter(*_CELL_BLOCKS)):
        if el is not caption:
            el.set("class", "stacked-cell")
            _replace_block(el, el, "span")
    caption.tail = None
    _tidy_breaks(caption)
    return caption


def own_rows(table) -> list:
    """The table's rows, not those of the tables in its cells."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return rows


def _append_cells(line, tr, columns: list[int], labels: dict[int, str] | None) -> None:
    """The row's cells into `line`; `labels`, the header's name of each column (None: no header)."""
    previous = None  # the last cell shown
    for cell, column in zip(cells(tr), columns, strict=True):
        # Every table in the cell, however deep (in a <div>...), the innermost first: a table
        # left inside the line would be laid out as a table again.
        for table in reversed([t for t in cell.iter("table")]):
            _replace_block(table, _inline_table(table))
        # Every block in the cell, however deep, inline too: a block left in the line's <p> split
        # the row into paragraphs (the next cells on a line of their own), and Qt set the text
        # after it at the body's size. A line break stands where a block began and ended.
        for el in list(cell.iter(*_CELL_BLOCKS)):
            if el is not cell:
                el.set("class", "stacked-cell")
                _replace_block(el, el, "b" if el.tag in _HEADINGS else "span")
        for el in list(cell.iter("hr")):
            _replace_block(el, el.makeelement("span", {}))
        if holds_nothing(cell):
            continue  # an empty cell: no separator for it
        name = labels.get(column, "") if labels is not None and cell.tag == "td" else ""
        if previous is not None:
            if labels is not None:
                line.append(line.makeelement("br", {}))  # a line a cell under a header
            elif previous.tag == "th" and cell.tag == "td":
                line.append(_label(line, ": ", "stacked-sep"))  # a row's header, then its value
            else:
                line.append(_label(line, SEPARATOR, "stacked-sep"))
        if name and name != _text(cell):
            line.append(_label(line, _ISOLATE.format(name) + ": ", "stacked-label"))
        # (The size on each cell too: Qt sets text after a nested <br> at the block's size.)
        part = cell.makeelement("b" if cell.tag == "th" else "span", {"class": "stacked-cell"})
        part.text = cell.text
        for child in list(cell):
            part.append(child)
        _tidy_breaks(part)
        line.append(part)
        previous = cell


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CELL_BLOCKS = (
    *("address", "article", "aside", "blockquote", "center", "dd", "details", "dir", "div", "dl", "dt"),
    *("fieldset", "footer", "form", "header", "hgroup", "li", "main", "menu", "nav", "ol", "p", "section"),
    *("summary", "ul", *_HEADINGS),
)
_BREAK = "stacked-break"  # a line break put where a block was (kept only between words)


def _replace_block(old, new, tag: str | None = None) -> None:
    """`new` (inline) in the place of the block `old`, a line break before and after it."""
    if tag is not None:
        new.tag = tag
    if new is not old:
        new.tail = old.tail
        old.getparent().replace(old, new)
    before = new.makeelement("br", {"class": _BREAK})
    after = new.makeelement("br", {"class": _BREAK})
    new.addprevious(before)
    after.tail, new.tail = new.tail, None
    new.addnext(after)


def _tidy_breaks(cell) -> None:
    """Of the line breaks put where blocks were, keep one between two runs of words (or images);
    drop those at the cell's start or end, next to another break, or where the page broke the line."""
    from lxml import etree

    drop: list = []
    pending: list = []  # breaks put since the last words
    words = False  # words since the last break kept
    for event, el in etree.iterwalk(cell, events=("start", "end")):
        found = False
        if event == "start":
            if el.tag == "br":
                if el.get("class") == _BREAK:
                    pending.append(el)
                else:  # the page's own break
                    drop += pending
                    pending, words = [], False
            found = el.tag == "img" or bool(el.text and el.text.strip())
        elif el is not cell:
            found = bool(el.tail and el.tail.strip())
        if found:
            if words and pending:
                pending[0].attrib.pop("class")
                drop += pending[1:]
            else:
                drop += pending
            pending, words = [], True
    for el in drop + pending:
        el.drop_tree()


def _inline_table(table):
    """A table in a stacked row: its rows as lines of that row."""
    span = table.makeelement("span", {"class": "stacked-cell"})
    caption = _caption(table)
    if caption is not None:
        span.append(caption)
    rows = own_rows(table)
    for tr, (columns, _width) in zip(rows, grid(rows), strict=True):
        if len(span):
            span.append(span.makeelement("br", {"class": _BREAK}))
        row = span.makeelement("span", {})
        _append_cells(row, tr, columns, None)  # (lines within a line: no header lines)
        span.append(row)
    return span


__all__ = ["SEPARATOR", "cells", "grid", "holds_nothing", "own_rows", "stack_rows"]
