"""Bound an article's tables so that laying it out stays cheap.

QTextDocument (the reading view) lays a nested table out again for every
layout pass of its parent: each level of nesting doubles the time (20 levels,
230 bytes: over a minute). It also builds the whole grid a table's spans ask
for (20 rows of colspan=rowspan=1000: 26 s, GBs). So, in the stored HTML:

- tables nested deeper than MAX_TABLE_DEPTH become plain blocks;
- colspan is at most the table's widest row, rowspan at most the rows left;
- a table whose grid (rows x columns after the spans) has more than
  MAX_TABLE_SLOTS slots, or many more slots than cells (a sparse grid costs
  as much as a full one), becomes plain blocks;
- all tables of an article together get MAX_ARTICLE_SLOTS, a slot in a nested
  table counting double per level (it is laid out again for each pass of its
  parent); the tables past that budget become plain blocks.

Measured with QTextDocument at 800 px: about 30-40 us per grid slot, x2 per
level of nesting.

"Plain blocks": the table, its rows and cells become <div>s (a caption a <p>),
so each cell's words stay, in order, in a block of their own. Nothing is dropped.

Cost: linear in the number of table elements (the grid count stops at the cap).
Works on any lxml tree: the importer calls it after sanitizing, and the view
can call it on an already stored article (older libraries hold unbounded HTML).
"""

from __future__ import annotations

from lxml.html import HtmlElement

MAX_TABLE_DEPTH = 3  # a table inside a table inside a table; a fourth level is flattened
MAX_TABLE_SLOTS = 10_000  # rows x columns of the laid-out grid (about 0.35 s)
SPARSE_SLOTS = 1_000  # a grid may have this many slots more than twice its cells
MAX_ARTICLE_SLOTS = 40_000

_SECTIONS = ("thead", "tbody", "tfoot")
_CELLS = ("td", "th")
_TABLE_PARTS = frozenset(("tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "col"))


def bound_html(fragment: str) -> str:
    """bound_tree over an HTML fragment; returns the fragment (unchanged if it has no table)."""
    if "<table" not in fragment.lower():
        return fragment
    from lxml import html as lxml_html

    from reader.core.importing.sanitize import inner_html

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    bound_tree(root)
    return inner_html(root)


def bound_tree(root: HtmlElement) -> None:
    """Flatten or clamp the tables under `root`, in place."""
    budget = MAX_ARTICLE_SLOTS
    # Document order: a table's ancestors are settled before it is looked at.
    for table in list(root.iter("table")):
        depth = sum(1 for _ in table.iterancestors("table"))
        if depth >= MAX_TABLE_DEPTH:
            flatten_table(table)
            continue
        parts = _own_parts(table)
        cells = sum(1 for el in parts if el.tag in _CELLS)
        rows = [[c for c in row if _is_el(c) and c.tag in _CELLS] for row in _rows(table)]
        # A cell outside the table's rows (markup that is not a table) is not
        # laid out as anyone can tell: flattened too.
        limit = min(MAX_TABLE_SLOTS, 2 * cells + SPARSE_SLOTS, budget >> depth)
        slots = None
        if cells <= limit and sum(len(r) for r in rows) == cells:
            slots = _clamp_spans(rows, limit)
        if slots is None:
            flatten_table(table, parts)
        else:
            budget -= slots << depth


def flatten_table(table: HtmlElement, parts: list[HtmlElement] | None = None) -> None:
    """Turn a table (not the tables inside it) into plain blocks, keeping all its text."""
    for el in parts if parts is not None else _own_parts(table):
        if el.tag in ("colgroup", "col"):
            el.drop_tree()  # no text in them
            continue
        el.tag = "p" if el.tag == "caption" else "div"
        for name in ("colspan", "rowspan", "scope"):
            el.attrib.pop(name, None)
    table.tag = "div"


def _clamp_spans(rows: list[list[HtmlElement]], limit: int) -> int | None:
    """Clamp each cell's spans to the table's real size; the grid's slots, or None past `limit`."""
    if not rows:
        return 0
    columns = max(1, max(len(r) for r in rows))
    # Columns still taken by a rowspan from a row above, per column.
    pending: list[int] = []
    for index, cells in enumerate(rows):
        left = len(rows) - index
        col = 0
        for cell in cells:
            colspan = min(_span(cell, "colspan", 1), columns)
            rowspan = _span(cell, "rowspan", 1)
            rowspan = left if rowspan == 0 else min(rowspan, left)  # 0: to the end
            _set_span(cell, "colspan", colspan)
            _set_span(cell, "rowspan", rowspan)
            while col < len(pending) and pending[col] > 0:
                col += 1
            if col + colspan > len(pending):
                pending.extend([0] * (col + colspan - len(pending)))
            for c in range(col, col + colspan):
                pending[c] = rowspan
            col += colspan
        if len(pending) * len(rows) > limit:
            return None
        pending = [p - 1 if p > 0 else 0 for p in pending]
    return len(pending) * len(rows)


def _span(cell: HtmlElement, name: str, default: int) -> int:
    value = (cell.get(name) or "").strip()
    try:
        return max(0, int(value)) if value else default
    except ValueError:
        return default


def _set_span(cell: HtmlElement, name: str, value: int) -> None:
    if value <= 1:
        cell.attrib.pop(name, None)
    else:
        cell.set(name, str(value))


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows: direct <tr>s and those of its direct row groups."""
    rows = []
    for child in table:
        if not _is_el(child):
            continue
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _SECTIONS:
            rows.extend(r for r in child if _is_el(r) and r.tag == "tr")
    return rows


def _own_parts(table: HtmlElement) -> list[HtmlElement]:
    """Row, cell, section and caption elements of this table, not of tables inside it."""
    parts = []
    stack = [c for c in reversed(table) if _is_el(c)]
    while stack:
        el = stack.pop()
        if el.tag == "table":
            continue
        if el.tag in _TABLE_PARTS:
            parts.append(el)
        stack.extend(c for c in reversed(el) if _is_el(c))
    return parts


def _is_el(node: HtmlElement) -> bool:
    return isinstance(node.tag, str)
