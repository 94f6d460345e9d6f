"""Qt models over the library: pages fetched on demand, and a delegate that draws a row."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QTextDocument, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.core.domain import ArticleSummary, Page, SearchHit
from reader.core.errors import LibraryError
from reader.gui.meta_text import format_date, host

ArticleRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
HitRole = Qt.ItemDataRole.UserRole + 3

if TYPE_CHECKING:
    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library


@dataclass(frozen=True)
class Query:
    sort: str = "added"
    state: str | None = "inbox"
    tag: str | None = None


class _Rows(Sequence[ArticleSummary]):
    """The list's rows by position, read through the model (blocks fetched as needed)."""

    def __init__(self, model: ArticleListModel) -> None:
        self._model = model

    def __len__(self) -> int:
        return self._model.total

    @overload
    def __getitem__(self, row: int) -> ArticleSummary: ...
    @overload
    def __getitem__(self, row: slice) -> list[ArticleSummary]: ...
    def __getitem__(self, row: int | slice) -> ArticleSummary | list[ArticleSummary]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        item = self._model.article_at(row + len(self) if row < 0 else row)
        if item is None:
            raise IndexError(row)
        return item

    def __eq__(self, other: object) -> bool:  # compares as the list of its rows would
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class ArticleListModel(QAbstractListModel):
    """The library list: every row counted up front, rows fetched by position as they are painted.

    The view knows the whole length at once (one COUNT), so with uniform row sizes it lays
    the list out once per reset instead of again after every page (which made a full
    scroll quadratic). Rows come in blocks of BLOCK, read with the keyset cursor where the
    previous block ended, or skipped to from the nearest known cursor (OFFSET) after a
    jump; the most recently used KEEP blocks stay in memory.
    """

    BLOCK = 100
    KEEP = 40

    def __init__(self, library: Library | LazyLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.query = Query()
        self.total = 0
        self.items = _Rows(self)
        self._blocks: OrderedDict[int, list[ArticleSummary]] = OrderedDict()
        self._starts: dict[int, tuple[Any, ...] | None] = {0: None}  # block -> cursor before its first row

    # -- loading ---------------------------------------------------------------

    def set_query(self, query: Query) -> None:
        self.query = query
        self.beginResetModel()
        self._forget()
        self.total = self._count()
        self.endResetModel()

    def reload(self, keep_rows: Iterable[int] = ()) -> bool:
        """Count again and read the rows in `keep_rows` (those on screen, the current one)
        afresh; everything else is read again when next painted. Rows that come back the
        same leave the view alone (selection, hover, scroll): False; other rows, or
        another count, reset the model: True."""
        total = self._count()
        wanted = sorted({row // self.BLOCK for row in keep_rows if 0 <= row < total} | {0})
        pages = {b: self._read(b, None, b * self.BLOCK) for b in wanted}
        fresh = {b: list(page.items[: max(0, total - b * self.BLOCK)]) for b, page in pages.items()}
        same_rows = all([a.id for a in rows] == [a.id for a in self._blocks.get(b, rows)] for b, rows in fresh.items())
        if total != self.total or not same_rows:
            self.beginResetModel()
            self._forget()
            self.total = total
            self._keep(pages)
            self.endResetModel()
            return True
        changed = [b for b, rows in fresh.items() if b in self._blocks and rows != self._blocks[b]]
        self._forget()
        self._keep(pages)
        for b in changed:
            first, last = b * self.BLOCK, b * self.BLOCK + len(fresh[b]) - 1
            if first <= last:
                self.dataChanged.emit(self.index(first), self.index(last))
        return False

    def _count(self) -> int:
        return self.library.count(self.query.state, self.query.tag)

    def _forget(self) -> None:
        self._blocks.clear()
        self._starts = {0: None}

    def _keep(self, pages: dict[int, Page]) -> None:
        for b, page in pages.items():
            self._store(b, page)

    def _read(self, block: int, cursor: tuple[Any, ...] | None, offset: int) -> Page:
        q = self.query
        return self.library.list_articles(q.sort, q.state, q.tag, cursor, self.BLOCK, offset)

    def _store(self, block: int, page: Page) -> list[ArticleSummary]:
        # Rows past the count (added since it was taken) wait for the next reload.
        rows = list(page.items[: max(0, self.total - block * self.BLOCK)])
        self._blocks[block] = rows
        self._blocks.move_to_end(block)
        if page.next_cursor is not None:
            self._starts[block + 1] = page.next_cursor
        while len(self._blocks) > self.KEEP:
            self._blocks.popitem(last=False)
        return rows

    def _block(self, block: int) -> list[ArticleSummary]:
        rows = self._blocks.get(block)
        if rows is not None:
            self._blocks.move_to_end(block)
            return rows
        # From the nearest known cursor before it: the block after the last one read
        # costs one keyset page; a jump skips the rows in between.
        known = max(b for b in self._starts if b <= block)
        return self._store(block, self._read(block, self._starts[known], (block - known) * self.BLOCK))

    def locate(self, article_id: int) -> int | None:
        """The row of an article in this list (read from the library if not yet fetched)."""
        row = self.row_of(article_id)
        if row is not None:
            return row
        q = self.query
        row = self.library.position(article_id, q.sort, q.state, q.tag)
        if row is None:
            return None
        item = self.article_at(row)
        return row if item is not None and item.id == article_id else None

    # -- rows --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.total

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.article_at(index.row())
        if item is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return item.title
        if role == ArticleRole:
            return item
        if role == IdRole:
            return item.id
        return None

    def row_of(self, article_id: int) -> int | None:
        """The row of an article among the rows fetched so far."""
        for block, rows in self._blocks.items():
            for i, item in enumerate(rows):
                if item.id == article_id:
                    return block * self.BLOCK + i
        return None

    def article_at(self, row: int) -> ArticleSummary | None:
        if not 0 <= row < self.total:
            return None
        block, i = divmod(row, self.BLOCK)
        rows = self._block(block)
        return rows[i] if i < len(rows) else None

    def update_article(self, article_id: int) -> bool:
        """Refresh one row after a change; drop it if it no longer belongs to this view.
        False if the article is not among the rows fetched: the caller reloads."""
        row = self.row_of(article_id)
        if row is None:
            return False
        try:
            summary = self.library.get_summary(article_id)
        except LibraryError:
            return self.remove_article(article_id)
        if not self._belongs(summary):
            return self.remove_article(article_id)
        block, i = divmod(row, self.BLOCK)
        self._blocks[block][i] = summary
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return True

    def remove_article(self, article_id: int) -> bool:
        """Take out a row that left the library or this view (already so in the library).
        False if the article is not among the rows fetched: the caller reloads."""
        row = self.row_of(article_id)
        if row is None:
            return False
        block = row // self.BLOCK
        self.beginRemoveRows(QModelIndex(), row, row)
        self.total = max(0, self.total - 1)
        # The rows after it moved up one: their blocks are read again when painted
        # (this block from its own cursor, which still holds).
        for b in [b for b in self._blocks if b >= block]:
            del self._blocks[b]
        self._starts = {b: c for b, c in self._starts.items() if b <= block}
        self.endRemoveRows()
        return True

    def _belongs(self, s: ArticleSummary) -> bool:
        state = self.query.state
        if state == "inbox" and s.archived:
            return False
        if state == "archived" and not s.archived:
            return False
        if state == "favorite" and not s.favorite:
            return False
        return True


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []
        self.query = ""

    def set_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.query = query
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == HitRole:
            return hit
        if role == IdRole:
            return hit.article_id
        return None


# -- painting ------------------------------------------------------------------


def _elided_lines(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    lines: list[str] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        if len(lines) == max_lines - 1:
            rest = text[start:]
            lines.append(QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width))
            break
        lines.append(text[start : start + length].rstrip())
    layout.endLayout()
    return lines or [""]


class _Fonts:
    def __init__(self, base: QFont) -> None:
        self.title = QFont(base)
        self.title.setPointSizeF(base.pointSizeF() * 1.04)
        self.title.setWeight(QFont.Weight.DemiBold)
        self.meta = QFont(base)
        self.meta.setPointSizeF(base.pointSizeF() * 0.88)
        self.title_h = QFontMetricsF(self.title).lineSpacing()
        self.meta_h = QFontMetricsF(self.meta).lineSpacing()


class ArticleDelegate(QStyledItemDelegate):
    """Title (two lines at most), site · author · date, reading time, highlights, progress."""

    PAD_X = 14
    PAD_Y = 10

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.accent = QColor("#c2561a")
        self._fonts: _Fonts | None = None

    def fonts(self, option) -> _Fonts:
        if self._fonts is None or self._fonts.title.pointSizeF() != option.font.pointSizeF() * 1.04:
            self._fonts = _Fonts(option.font)
        return self._fonts

    def sizeHint(self, option, index) -> QSize:
        f = self.fonts(option)
        height = self.PAD_Y * 2 + f.title_h * 2 + f.meta_h * 2 + 4
        return QSize(280, int(height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        item: ArticleSummary = index.data(ArticleRole)
        if item is None:
            return
        f = self.fonts(option)
        palette = option.palette
        rect = QRectF(option.rect)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected:  # over the square the table's style fills under a selected row
            painter.fillRect(rect, palette.brush(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if selected or hovered:
            bg = QColor(palette.color(QPalette.ColorRole.Highlight))
            if not selected:
                bg.setAlpha(90)
            path = QPainterPath()
            path.addRoundedRect(rect.adjusted(6, 3, -6, -3), 8, 8)
            painter.fillPath(path, bg)
        if selected:
            painter.fillRect(QRectF(rect.left() + 6, rect.top() + 12, 3, rect.height() - 24), self.accent)
        # A hairline between rows.
        rule = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(rule)
        painter.drawLine(
            QPointF(rect.left() + self.PAD_X, rect.bottom()), QPointF(rect.right() - self.PAD_X, rect.bottom())
        )

        x = rect.left() + self.PAD_X + 4
        width = rect.width() - 2 * self.PAD_X - 8
        y = rect.top() + self.PAD_Y
        title_color = QColor(text)
        if item.progress >= 0.999:
            title_color = QColor(muted)
        painter.setFont(f.title)
        painter.setPen(title_color)
        title_width = width - (18 if item.favorite else 0)
        lines = _elided_lines(item.title or "Untitled", f.title, title_width, 2)
        for i, line in enumerate(lines):
            painter.drawText(
                QRectF(x, y + i * f.title_h, title_width, f.title_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
        if item.favorite:
            painter.setPen(self.accent)
            painter.drawText(
                QRectF(x + width - 16, y, 16, f.title_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                "★",
            )
        y += f.title_h * len(lines) + 3

        painter.setFont(f.meta)
        painter.setPen(muted)
        site = item.site or host(item.url)
        meta = " · ".join(p for p in (site, item.author, format_date(item.published) or format_date(item.added)) if p)
        metrics = QFontMetricsF(f.meta)
        painter.drawText(
            QRectF(x, y, width, f.meta_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(meta, Qt.TextElideMode.ElideRight, width),
        )
        y += f.meta_h

        info = []
        if item.reading_minutes:
            info.append(f"{item.reading_minutes} min")
        if item.highlight_count:
            info.append(f"{item.highlight_count} highlight{'s' if item.highlight_count != 1 else ''}")
        if item.archived:
            info.append("archived")
        painter.drawText(
            QRectF(x, y, width - 70, f.meta_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            " · ".join(info),
        )
        # Reading progress: a short bar, or "Done".
        bar_w = 44.0
        bx = x + width - bar_w
        by = y + f.meta_h / 2 - 1.5
        if item.progress >= 0.999:
            painter.setPen(self.accent)
            painter.drawText(
                QRectF(bx - 20, y, bar_w + 20, f.meta_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                "✓ Read",
            )
        elif item.progress > 0.005:
            track = QColor(muted)
            track.setAlpha(60)
            path = QPainterPath()
            path.addRoundedRect(QRectF(bx, by, bar_w, 3), 1.5, 1.5)
            painter.fillPath(path, track)
            done = QPainterPath()
            done.addRoundedRect(QRectF(bx, by, max(3.0, bar_w * item.progress), 3), 1.5, 1.5)
            painter.fillPath(done, self.accent)
        painter.restore()


class SearchDelegate(QStyledItemDelegate):
    """A search hit: the title, then the snippet with the matches in bold."""

    PAD = 10

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.accent = QColor("#c2561a")

    def _doc(self, option, hit: SearchHit, width: float) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        muted = option.palette.color(QPalette.ColorRole.PlaceholderText).name()
        text = option.palette.color(QPalette.ColorRole.Text).name()
        import html

        doc.setHtml(
            f"<div style='color:{text}; font-weight:600'>{html.escape(hit.title)}</div>"
            f"<div style='color:{muted}; font-size:{option.font.pointSizeF() * 0.9:.1f}pt; margin-top:3px'>{hit.snippet_html}</div>"
        )
        doc.setTextWidth(width)
        return doc

    def sizeHint(self, option, index) -> QSize:
        hit = index.data(HitRole)
        width = max(120, (option.rect.width() or 300) - 2 * self.PAD - 8)
        doc = self._doc(option, hit, width)
        return QSize(int(width), int(min(doc.size().height(), 120) + 2 * self.PAD))

    def paint(self, painter, option, index) -> None:
        hit: SearchHit = index.data(HitRole)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect)
        if option.state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver):
            bg = QColor(option.palette.color(QPalette.ColorRole.Highlight))
            if not option.state & QStyle.StateFlag.State_Selected:
                bg.setAlpha(90)
            path = QPainterPath()
            path.addRoundedRect(rect.adjusted(6, 2, -6, -2), 8, 8)
            painter.fillPath(path, bg)
        doc = self._doc(option, hit, rect.width() - 2 * self.PAD - 8)
        painter.translate(rect.left() + self.PAD + 4, rect.top() + self.PAD)
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height() - 2 * self.PAD))
        doc.drawContents(painter)
        painter.restore()


__all__ = [
    "ArticleDelegate",
    "ArticleListModel",
    "ArticleRole",
    "HitRole",
    "IdRole",
    "QPersistentModelIndex",
    "Query",
    "SearchDelegate",
    "SearchResultsModel",
]
