"""Qt models over the library: pages fetched on demand, and a delegate that draws a row."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QTextDocument, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.core.domain import ArticleSummary, SearchHit
from reader.gui.reading.article_html import _host, format_date

ArticleRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
HitRole = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class Query:
    sort: str = "added"
    state: str | None = "inbox"
    tag: str | None = None


class ArticleListModel(QAbstractListModel):
    """The library list. Pages come from Library.list_articles (keyset), fetched as the view scrolls."""

    PAGE = 100

    def __init__(self, library, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.query = Query()
        self.items: list[ArticleSummary] = []
        self._cursor: tuple | None = None
        self._more = False
        self.total = 0

    # -- loading ---------------------------------------------------------------

    def set_query(self, query: Query) -> None:
        self.query = query
        self.reload()

    def reload(self, at_least: int = 0) -> bool:
        """Load the first pages again (at least `at_least` rows, to keep the view where it was).
        Rows that come back the same leave the view alone (selection, hover, scroll): False."""
        items, cursor, more = self._load(max(self.PAGE, at_least))
        total = self.library.count(self.query.state, self.query.tag)
        if (items, cursor, more, total) == (self.items, self._cursor, self._more, self.total):
            return False
        self.beginResetModel()
        self.items, self._cursor, self._more, self.total = items, cursor, more, total
        self.endResetModel()
        return True

    def _load(self, want: int) -> tuple[list[ArticleSummary], tuple | None, bool]:
        got: list[ArticleSummary] = []
        cursor, more = None, True
        while more and len(got) < want:
            page = self.library.list_articles(
                self.query.sort, self.query.state, self.query.tag, cursor, limit=min(500, want - len(got))
            )
            got.extend(page.items)
            cursor = page.next_cursor
            more = cursor is not None
        return got, cursor, more

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        page = self.library.list_articles(self.query.sort, self.query.state, self.query.tag, self._cursor, self.PAGE)
        self._cursor = page.next_cursor
        self._more = page.next_cursor is not None
        if page.items:
            first = len(self.items)
            self.beginInsertRows(QModelIndex(), first, first + len(page.items) - 1)
            self.items.extend(page.items)
            self.endInsertRows()

    def fetch_until(self, article_id: int) -> int | None:
        """The row of an article, fetching pages until it shows up (or the list ends)."""
        while True:
            row = self.row_of(article_id)
            if row is not None or not self._more:
                return row
            self.fetchMore()

    # -- rows --------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.title
        if role == ArticleRole:
            return item
        if role == IdRole:
            return item.id
        return None

    def row_of(self, article_id: int) -> int | None:
        for row, item in enumerate(self.items):
            if item.id == article_id:
                return row
        return None

    def article_at(self, row: int) -> ArticleSummary | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def update_article(self, article_id: int) -> None:
        """Refresh one row after a change; drop it if it no longer belongs to this view."""
        row = self.row_of(article_id)
        if row is None:
            return
        try:
            summary = self.library.get_summary(article_id)
        except Exception:
            self.remove_article(article_id)
            return
        if not self._belongs(summary):
            self.remove_article(article_id)
            return
        self.items[row] = summary
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def remove_article(self, article_id: int) -> None:
        row = self.row_of(article_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.items[row]
        self.total = max(0, self.total - 1)
        self.endRemoveRows()

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
        site = item.site or _host(item.url)
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
