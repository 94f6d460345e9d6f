"""Which way a page and its tables read, and right-to-left tables drawn as a browser draws them.

Qt's rich text lays every table's columns out left to right, whatever its direction. So a
right-to-left table's cells are put in the document in visual order (each row reversed, a
short row first filled out with empty cells so it ends at the left edge as in a browser), and
its cells carry dir="rtl" (on the <table>, Qt gave its direction to the paragraph after it too).
The text map reads such a table back in the page's order (logical_order.py), so highlights,
search hits and the audit still see the article's own order.
"""

from __future__ import annotations

import unicodedata

from reader.gui.reading.stacked import cells, grid

_STRONG_RTL = frozenset(("R", "AL"))


def table_direction(table, article_direction: str | None, page: str = "ltr") -> str:
    """'rtl' or 'ltr': the table's own dir or its nearest ancestor's, else the article's
    declared one, else that of the table's first letter (as dir="auto": a Hebrew table in a page
    that declares nothing), else (a table of numbers) the `page`'s."""
    el = table
    while el is not None:
        value = (el.get("dir") or "").strip().lower()
        if value in ("rtl", "ltr"):
            return value
        el = el.getparent()
    if article_direction in ("rtl", "ltr"):
        return article_direction
    return text_direction(table.itertext()) or page


def page_direction(declared: str | None, text: str) -> str:
    """The article's declared direction, else the way most of its letters read (a Hebrew page
    that declares neither dir nor lang is still set right to left)."""
    if declared in ("rtl", "ltr"):
        return declared
    rtl = ltr = 0
    for ch in text[:4000]:
        kind = unicodedata.bidirectional(ch)
        rtl += kind in _STRONG_RTL
        ltr += kind == "L"
    return "rtl" if rtl > ltr else "ltr"


def text_direction(texts) -> str | None:
    """The direction of the first strong character of `texts` (strings, read until one is found;
    None when there is none)."""
    for text in texts:
        for ch in text:
            kind = unicodedata.bidirectional(ch)
            if kind in _STRONG_RTL:
                return "rtl"
            if kind == "L":
                return "ltr"
    return None


def mirror_rows(rows: list) -> None:
    """Each row's cells in reverse order, short rows filled out first: drawn left to right, the
    table reads as its mirror image (the first column on the right, a cell spanning rows or
    columns where its mirror is)."""
    places = grid(rows)
    width = max((filled for _starts, filled in places), default=0)
    for tr, (_starts, filled) in zip(rows, places, strict=True):
        row = cells(tr)
        if not row:
            continue
        # A short row ends at the table's left edge (its mirror of a browser's right edge).
        for _ in range(width - filled):
            row[-1].addnext(row[-1].makeelement("td", {}))
            row = cells(tr)
        tail = row[-1].tail
        for cell in row:
            tr.remove(cell)
        for cell in reversed(row):
            cell.tail = None
            tr.append(cell)
        tr[-1].tail = tail


__all__ = ["mirror_rows", "page_direction", "table_direction", "text_direction"]
