"""Readability.js's test of a table of data, as against one laying a page out
(_markDataTables): nothing inside a data table is cleaned away as a link list or
a short box, so that the values of an infobox (often lists of links) stay."""

from __future__ import annotations

from lxml.html import HtmlElement


def is_data_table(table: HtmlElement) -> bool:
    """Readability.js's test (_markDataTables): a table of data, not one laying a page out."""
    if table.get("role") == "presentation" or table.get("datatable") == "0":
        return False
    if table.get("summary"):
        return True
    caption = table.find(".//caption")
    if caption is not None and (caption.text or len(caption)):
        return True
    if next(table.iter("col", "colgroup", "tfoot", "thead", "th"), None) is not None:
        return True
    if table.find(".//table") is not None:
        return False  # tables in a table: a layout
    rows = columns = 0
    for tr in table.iter("tr"):
        rows += _span(tr.get("rowspan"))
        columns = max(columns, sum(_span(td.get("colspan")) for td in tr.iter("td")))
    if rows == 1 or columns == 1:
        return False
    return rows >= 10 or columns > 4 or rows * columns > 10


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
