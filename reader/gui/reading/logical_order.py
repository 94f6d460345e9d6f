"""The text map of a document whose right-to-left tables are mirrored (direction.py).

A mirrored table holds each row's cells in visual order, the page's last cell first. The map is
built over the article's blocks in the page's order, each block given a place of its own on a
"logical" axis, and positions are translated block by block between that axis and the document.
A range crossing cells of a mirrored row covers, in the document, the cells it touches.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping

from PySide6.QtGui import QTextBlock, QTextDocument, QTextTable

from reader.core.textmap import TextMap


def tables_in_order(document: QTextDocument) -> list[QTextTable]:
    """Every table of the document, nested ones too, in document order."""
    found = []
    stack = [document.rootFrame()]
    while stack:
        frame = stack.pop()
        for child in frame.childFrames():
            if isinstance(child, QTextTable):
                found.append(child)
            stack.append(child)
    return sorted(found, key=lambda t: t.firstPosition())


def blocks_in_page_order(document: QTextDocument, mirrored: set[int]) -> Iterator[QTextBlock]:
    """Every block of the document, the cells of each table whose first position is in `mirrored`
    each row from its right."""
    yield from _items(document.rootFrame().begin(), mirrored)


def _items(it, mirrored: set[int]) -> Iterator[QTextBlock]:
    while not it.atEnd():
        child = it.currentFrame()
        if child is None:
            yield it.currentBlock()
        elif isinstance(child, QTextTable):
            yield from _table(child, mirrored)
        else:
            yield from _items(child.begin(), mirrored)
        it += 1


def _table(table: QTextTable, mirrored: set[int]) -> Iterator[QTextBlock]:
    columns = range(table.columns())
    order = list(reversed(columns)) if table.firstPosition() in mirrored else list(columns)
    for r in range(table.rows()):
        seen = set()
        for c in order:
            cell = table.cellAt(r, c)
            key = (cell.row(), cell.column())
            if cell.row() != r or key in seen:  # (spanning into this row, or a column already taken)
                continue
            seen.add(key)
            yield from _items(cell.begin(), mirrored)


class PageOrderMap(TextMap):
    """A TextMap over blocks given in the page's order; positions in and out are the document's."""

    def __init__(self, blocks: list[tuple[int, str, int]], text: str, substitutions: Mapping[int, str]) -> None:
        # blocks: (document position, text, length with its separator), in the page's order.
        logical = []
        at = 0
        segments = []  # (document position, logical position, length)
        for position, btext, length in blocks:
            logical.append((at, btext))
            segments.append((position, at, length))
            at += length
        self._by_doc = sorted(segments)
        self._doc_starts = [s[0] for s in self._by_doc]
        self._by_logical = segments
        self._logical_starts = [s[1] for s in segments]
        subs = {self._to_logical(pos): value for pos, value in substitutions.items()}
        super().__init__(logical, text, subs)

    @staticmethod
    def _move(starts: list[int], segments, pos: int, source: int, target: int) -> int:
        if not segments:
            return pos
        k = max(0, bisect_right(starts, pos) - 1)
        segment = segments[k]
        return segment[target] + min(max(0, pos - segment[source]), segment[2])

    def _to_doc(self, pos: int) -> int:
        return self._move(self._logical_starts, self._by_logical, pos, 1, 0)

    def _to_logical(self, pos: int) -> int:
        return self._move(self._doc_starts, self._by_doc, pos, 0, 1)

    @staticmethod
    def _cover(starts: list[int], segments, start: int, end: int, source: int, target: int) -> tuple[int, int]:
        """The least range on the other axis holding every part of [start, end)."""
        k = max(0, bisect_right(starts, start) - 1)
        low, high = None, None
        while k < len(segments) and segments[k][source] < end:
            seg = segments[k]
            a = max(start, seg[source]) - seg[source] + seg[target]
            b = min(end, seg[source] + seg[2]) - seg[source] + seg[target]
            if b >= a:
                low = a if low is None else min(low, a)
                high = b if high is None else max(high, b)
            k += 1
        if low is None or high is None:
            return start, end
        return low, high

    def text_to_doc(self, offset: int) -> int | None:
        pos = super().text_to_doc(offset)
        return None if pos is None else self._to_doc(pos)

    def range_to_doc(self, start: int, end: int) -> tuple[int, int] | None:
        span = super().range_to_doc(start, end)
        if span is None:
            return None
        return self._cover(self._logical_starts, self._by_logical, span[0], span[1], 1, 0)

    def doc_to_text(self, pos: int) -> int:
        return super().doc_to_text(self._to_logical(pos))

    def doc_range_to_text(self, start: int, end: int) -> tuple[int, int] | None:
        a, b = self._cover(self._doc_starts, self._by_doc, start, end, 0, 1)
        return super().doc_range_to_text(a, b)


__all__ = ["PageOrderMap", "blocks_in_page_order", "tables_in_order"]
