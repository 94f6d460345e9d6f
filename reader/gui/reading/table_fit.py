"""Tables fitted to the column: a table where a word breaks, or wider than the column, set a
step smaller (its text and cell padding), table by table, down to MIN_TABLE_SCALE; those still
too wide are then shown as lines (article_html). Only outermost tables of up to MAX_TABLE_CELLS
blocks are fitted, in rounds over one layout each (a layout per step was quadratic)."""

from __future__ import annotations

from PySide6.QtGui import (
    QFontMetricsF,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrame,
    QTextLength,
    QTextTable,
)

from reader.gui.reading.article_html import MAX_TABLE_CELLS
from reader.gui.reading.base import ViewBase
from reader.gui.reading.measure import is_word, line_breaks_word

MIN_TABLE_SCALE = 0.5


def _nested(table: QTextFrame) -> bool:
    """Whether the table is inside another table."""
    frame = table.parentFrame()
    while frame is not None:
        if isinstance(frame, QTextTable):
            return True
        frame = frame.parentFrame()
    return False


class _Words:
    """The least width a table can take at a text size without breaking a word (the view's test of a
    fit): each column at least as wide as the widest word in its cells, or the tables in them."""

    def __init__(self, doc: QTextDocument, point_size: float) -> None:
        self.doc = doc
        self.point_size = point_size
        self._metrics: dict[str, QFontMetricsF] = {}

    def table(self, table: QTextTable) -> float:
        total = 0.0
        for c in range(table.columns()):
            widest = 0.0
            for r in range(table.rows()):
                cell = table.cellAt(r, c)
                if (cell.row(), cell.column(), cell.columnSpan()) == (r, c, 1):  # (one spanning columns: left out)
                    widest = max(widest, self._cell(cell))
            total += widest
        return total

    def _cell(self, cell) -> float:
        widest = 0.0
        it = cell.begin()
        while not it.atEnd():
            frame = it.currentFrame()
            if isinstance(frame, QTextTable):
                widest = max(widest, self.table(frame))
            elif frame is None:
                widest = max(widest, self._block(it.currentBlock()))
            it += 1
        return widest

    def _block(self, block) -> float:
        widest = 0.0
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if not fmt.isImageFormat():
                text = fragment.text()
                runs = "".join(ch if is_word(ch) else " " for ch in text).split()  # (as measure.py counts)
                if runs:
                    metrics = self._font_metrics(fmt)
                    widest = max(widest, max(metrics.horizontalAdvance(run) for run in runs))
            it += 1
        return widest

    def _font_metrics(self, fmt: QTextCharFormat) -> QFontMetricsF:
        font = fmt.font().resolve(self.doc.defaultFont())
        font.setPointSizeF(self.point_size)
        key = font.key()
        if key not in self._metrics:
            self._metrics[key] = QFontMetricsF(font)
        return self._metrics[key]


def _block_count(table: QTextFrame) -> int:
    doc = table.document()
    return doc.findBlock(table.lastPosition()).blockNumber() - doc.findBlock(table.firstPosition()).blockNumber() + 1


class TableFitting(ViewBase):
    """The view's table fitting (mixed into Typesetting)."""

    def _hopeless_tables(self, tables: list, column: float) -> list[int]:
        """The index of each table (of those the view fits) whose words, each unbroken, could not
        sit side by side in the column even at the smallest size: stepped down to it, each would be
        found too wide or breaking a word. Measured apart from the layout, once an article and size."""
        article = self.article
        assert article is not None
        if len(self._table_indices) != len(tables):
            return []  # (which table is which not known: found as before, by laying them out)
        key = (article.id, article.updated, self.settings.size, self.settings.font, self.settings.justify)
        if self._table_words[0] != key:
            self._table_words = (key, {})
        known = self._table_words[1]
        smallest = _Words(self.document(), self.settings.size * 0.88 * MIN_TABLE_SCALE)
        found = []
        for i, table in enumerate(tables):
            if _nested(table):
                continue
            page_index = self._table_indices[i]
            if page_index not in known:
                known[page_index] = smallest.table(table) if _block_count(table) <= MAX_TABLE_CELLS else 0.0
            # (0.97: a word laid out in a line may take a little less than measured alone)
            if known[page_index] * 0.97 > column:
                found.append(i)
        return found

    def _fit_tables(self, cursor: QTextCursor, tables: list, column: float) -> list[int]:
        """Each table where a word breaks or that is wider than the column set a step smaller,
        down to MIN_TABLE_SCALE; the index of those still too wide then. In rounds: every table
        measured on one layout, then every step taken in one edit (a table at a time laid the
        article out again after each step: quadratic in the tables)."""
        layout = self.document().documentLayout()
        # Only the outermost tables: a table's size is set over all it holds, nested tables with it
        # (fitting each of the thousands a hostile page nests took minutes), and only those of up
        # to MAX_TABLE_CELLS blocks (cells, nested ones counted).
        outermost = [i for i, table in enumerate(tables) if not _nested(table)]
        fitted = [i for i in outermost if _block_count(tables[i]) <= MAX_TABLE_CELLS]
        # One too large to fit that is wider than the column is set as lines at once.
        too_wide = [i for i in outermost if i not in fitted and self._table_too_wide(tables[i], column)]
        # Each table is known by its index in the page (the same across the renders of an article).
        keys = self._table_indices if len(self._table_indices) == len(tables) else list(range(len(tables)))
        # Start where the last fit ended, for the same article and text size and a column as wide or wider (a
        # narrower one needs no larger size): after some tables are set as lines, or the scroll
        # bar comes, the others take one round, not five; a wider column starts from full size.
        memo, (size, width, made_for) = self._table_scales
        article = self.article
        assert article is not None
        this = (article.id, article.updated)  # (an article extracted again has other tables)
        known = memo if (size, made_for) == (self.settings.size, this) and column <= width else {}
        scales = {i: known.get(keys[i], 1.0) for i in fitted}
        cursor.beginEditBlock()
        for i, scale in scales.items():
            if self._applied_scales.get(keys[i], 1.0) != scale:
                self._scale_table(cursor, tables[i], scale)
        cursor.endEditBlock()
        pending = list(scales)
        trimmed: set[int] = set()
        while pending:
            layout.blockBoundingRect(self.document().lastBlock())  # laid out once a round
            steps: list[int] = []
            trims: list[tuple[int, float]] = []
            for index in pending:
                table = tables[index]
                breaks = self._table_breaks_words(table)
                over = layout.frameBoundingRect(table).width() - column
                if not breaks and 0.01 < over <= table.columns() + 2 and index not in trimmed:
                    # The column's width, but its columns rounded up a pixel each: narrowed by that
                    # (set smaller, then as lines, a table of four numbers flipped to lines and back
                    # as the window was made a pixel wider).
                    trims.append((index, over))
                elif breaks or over > 0.01:
                    (too_wide if scales[index] <= MIN_TABLE_SCALE else steps).append(index)
            cursor.beginEditBlock()
            for index in steps:
                scales[index] = round(scales[index] - 0.1, 2)
                self._scale_table(cursor, tables[index], scales[index])
            for index, over in trims:
                self._narrow_table(tables[index], over)
                trimmed.add(index)
            cursor.endEditBlock()
            pending = steps + [index for index, _over in trims]
        self._applied_scales = {keys[i]: scale for i, scale in scales.items()}
        self._table_scales = (dict(self._applied_scales), (self.settings.size, column, this))
        return sorted(too_wide)

    def _table_too_wide(self, table, column: float) -> bool:
        rect = self.document().documentLayout().frameBoundingRect(table)
        return rect.width() > column + 0.01

    def _table_breaks_words(self, table) -> bool:
        first, last = table.firstPosition(), table.lastPosition()
        block = self.document().findBlock(first)
        while block.isValid() and block.position() <= last:
            if line_breaks_word(block):
                return True
            block = block.next()
        return False

    def _narrow_table(self, table, over: float) -> None:
        """The table `over` px narrower, its width kept a share of the column (it follows a resize)."""
        fmt = table.format()
        width = self.document().documentLayout().frameBoundingRect(table).width()
        share = fmt.width().rawValue() if fmt.width().type() == QTextLength.Type.PercentageLength else 100.0
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, share * (width - over - 0.5) / width))
        table.setFormat(fmt)

    def _scale_table(self, cursor: QTextCursor, table, scale: float) -> None:
        base = self.settings.size * 0.88
        fmt = QTextCharFormat()
        fmt.setFontPointSize(base * scale)
        cursor.setPosition(table.firstPosition())
        cursor.setPosition(table.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)
        tf = table.format()
        tf.setCellPadding(max(1.0, 6 * scale - 2))
        table.setFormat(tf)


__all__ = ["MIN_TABLE_SCALE", "TableFitting"]
