"""Highlight cards, as the annotations sidebar and the Notebook list them: the model of
entries (highlights, and headers such as "Could not be placed"), the delegate that paints
each card (a bar in its colour, the quote, the note rendered from Markdown, the tags),
the colour and tag filters, and the list view that holds them.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QListView,
    QStyle,
    QStyledItemDelegate,
)

from reader.core.domain import COLORS, Highlight
from reader.core.notes import note_html
from reader.gui.annotate import ColorNames, swatch
from reader.gui.widgets import props

EntryRole = Qt.ItemDataRole.UserRole + 1
HEADER = "header"
QUOTE_CHARS = 420


class HighlightListModel(QAbstractListModel):
    """Rows are ("highlight", Highlight, article title) or ("header", text, detail)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[tuple] = []

    def set_entries(self, entries: list[tuple]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return entry[1].quote if entry[0] == "highlight" else entry[1]
        if role == Qt.ItemDataRole.AccessibleTextRole and entry[0] == "highlight":
            h = entry[1]
            return f"{h.color} highlight: {h.quote}" + (f". Note: {h.note}" if h.note else "")
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.entries[index.row()][0] == HEADER:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def row_of(self, highlight_id: int) -> int | None:
        for row, entry in enumerate(self.entries):
            if entry[0] == "highlight" and entry[1].id == highlight_id:
                return row
        return None

    def highlights(self) -> list[Highlight]:
        return [e[1] for e in self.entries if e[0] == "highlight"]


def build_entries(highlights, color: str | None = None, tag: str | None = None, titles=None) -> list[tuple]:
    """Placed highlights in reading order, then the ones that could not be placed."""
    shown = [h for h in highlights if (not color or h.color == color) and (not tag or tag in h.tags)]
    placed = sorted((h for h in shown if h.start is not None), key=lambda h: (h.start, h.end, h.id))
    orphans = [h for h in shown if h.start is None]
    title = (lambda h: titles.get(h.article_id, "")) if titles else (lambda h: "")
    entries: list[tuple] = [("highlight", h, title(h)) for h in placed]
    if orphans:
        entries.append(
            (
                HEADER,
                "Could not be placed",
                "The article's text changed and these quotes were not found in it. They are kept.",
            )
        )
        entries += [("highlight", h, title(h)) for h in orphans]
    return entries


class HighlightDelegate(QStyledItemDelegate):
    """A card: colour bar, (article title), quote, note rendered from Markdown, tags."""

    PAD_X = 12
    PAD_Y = 9

    def __init__(self, names: ColorNames, parent=None, show_titles: bool = False) -> None:
        super().__init__(parent)
        self.names = names
        self.theme = None
        self.show_titles = show_titles
        self._docs: dict[tuple, QTextDocument] = {}

    def set_theme(self, theme) -> None:
        self.theme = theme
        self._docs.clear()

    def clear(self) -> None:
        self._docs.clear()

    def card_document(self, option, entry: tuple, width: float) -> QTextDocument:
        """The text of a highlight's card as it is drawn `width` px wide: the quote, the note
        rendered from its Markdown, the tags (what the reader sees in the list)."""
        return self._doc(option, entry, width)

    def _doc(self, option, entry: tuple, width: float) -> QTextDocument:
        h: Highlight = entry[1]
        # Not keyed by width: a new width (the list's scroll bar comes or goes) lays the card
        # out again, without building it again (its note's Markdown parsed and sanitized).
        key = (h.id, h.updated, h.color, h.note, h.tags, h.start is None, entry[2])
        doc = self._docs.get(key)
        if doc is not None:
            if doc.textWidth() != max(40.0, width):
                doc.setTextWidth(max(40.0, width))
            return doc
        t = self.theme
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setIndentWidth(16)  # Markdown lists in a note: a small indent in a narrow card
        base = QFont(option.font)
        doc.setDefaultFont(base)
        doc.setDefaultStyleSheet(
            f"a {{ color: {t.link if t else '#1f5fbf'}; text-decoration: none; }}"
            f"code {{ background-color: {t.code if t else '#eee'}; }}"
        )
        doc.setTextWidth(max(40.0, width))
        cursor = QTextCursor(doc)
        spacing = QTextBlockFormat()
        spacing.setBottomMargin(5)
        spacing.setLineHeight(118, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        muted = QColor(t.muted) if t else QColor("#777")
        first = True
        if self.show_titles and entry[2]:
            fmt = QTextCharFormat()
            small = QFont(base)
            small.setPointSizeF(base.pointSizeF() * 0.86)
            small.setWeight(QFont.Weight.DemiBold)
            fmt.setFont(small)
            fmt.setForeground(muted)
            cursor.setBlockFormat(spacing)
            cursor.insertText(entry[2], fmt)
            first = False
        quote = " ".join(h.quote.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
        fmt = QTextCharFormat()
        from reader.gui.theme import font_families

        serif = QFont(base)
        serif.setFamilies(font_families("Serif"))
        serif.setPointSizeF(base.pointSizeF() * 1.02)
        fmt.setFont(serif)
        fmt.setForeground(QColor(t.text) if t else QColor("#222"))
        if not first:
            cursor.insertBlock(spacing)
        else:
            cursor.setBlockFormat(spacing)
        cursor.insertText(quote, fmt)
        if h.note.strip():
            cursor.insertBlock(spacing, QTextCharFormat())
            note_start = cursor.position()
            # The one Markdown renderer of notes, the HTML export's too (sanitized, no images).
            cursor.insertHtml(note_html(h.note))
            # The note reads as a note: a little smaller than the quote, in the text colour.
            end = cursor.position()
            cursor.setPosition(note_start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            size = QTextCharFormat()
            size.setFontPointSize(base.pointSizeF() * 0.95)
            cursor.mergeCharFormat(size)
            cursor.clearSelection()
            cursor.movePosition(QTextCursor.MoveOperation.End)
        if h.tags:
            fmt = QTextCharFormat()
            small = QFont(base)
            small.setPointSizeF(base.pointSizeF() * 0.86)
            fmt.setFont(small)
            fmt.setForeground(QColor(t.accent) if t else QColor("#c2561a"))
            cursor.insertBlock(spacing, QTextCharFormat())
            cursor.insertText("  ".join(f"#{tag}" for tag in h.tags), fmt)
        if len(self._docs) > 600:
            self._docs.clear()
        self._docs[key] = doc
        return doc

    def _content_width(self, option) -> float:
        return option.rect.width() - 2 * self.PAD_X - 10

    def sizeHint(self, option, index) -> QSize:
        entry = index.data(EntryRole)
        if entry is None:
            return QSize(0, 0)
        width = self._content_width(option)
        if entry[0] == HEADER:
            detail = QTextDocument()
            detail.setDefaultFont(option.font)
            detail.setDocumentMargin(0)
            detail.setTextWidth(max(40.0, width))
            detail.setPlainText(entry[2])
            return QSize(int(width), int(detail.size().height() + 46))
        doc = self._doc(option, entry, width)
        return QSize(int(width), int(doc.size().height() + 2 * self.PAD_Y + 4))

    def paint(self, painter: QPainter, option, index) -> None:
        entry = index.data(EntryRole)
        if entry is None:
            return
        t = self.theme
        rect = QRectF(option.rect)
        width = self._content_width(option)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        muted = QColor(t.muted) if t else palette.color(QPalette.ColorRole.PlaceholderText)
        if entry[0] == HEADER:
            painter.setPen(QColor(t.rule) if t else palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(
                QPointF(rect.left() + self.PAD_X, rect.top() + 10), QPointF(rect.right() - self.PAD_X, rect.top() + 10)
            )
            title = QFont(option.font)
            title.setWeight(QFont.Weight.DemiBold)
            painter.setFont(title)
            painter.setPen(QColor(t.accent) if t else palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRectF(rect.left() + self.PAD_X, rect.top() + 16, width, 20),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                entry[1],
            )
            detail = QTextDocument()
            detail.setDefaultFont(option.font)
            detail.setDocumentMargin(0)
            detail.setTextWidth(max(40.0, width))
            detail.setPlainText(entry[2])
            painter.translate(rect.left() + self.PAD_X, rect.top() + 38)
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.palette.setColor(QPalette.ColorRole.Text, muted)
            detail.documentLayout().draw(painter, ctx)
            painter.restore()
            return
        h: Highlight = entry[1]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        card = rect.adjusted(6, 3, -6, -3)
        if selected or hovered:
            bg = QColor(t.selection if t else palette.color(QPalette.ColorRole.Highlight))
            if not selected:
                bg.setAlpha(80)
            path = QPainterPath()
            path.addRoundedRect(card, 8, 8)
            painter.fillPath(path, bg)
        fill = QColor(t.highlights.get(h.color, t.highlights["yellow"])) if t else QColor(h.color)
        bar = QColor(fill)
        if t is not None and t.dark:
            bar = bar.lighter(170)
        else:
            bar = bar.darker(112)
        if h.start is None:
            bar.setAlpha(110)
        path = QPainterPath()
        path.addRoundedRect(QRectF(card.left() + 3, card.top() + 6, 4, card.height() - 12), 2, 2)
        painter.fillPath(path, bar)
        doc = self._doc(option, entry, width)
        painter.translate(rect.left() + self.PAD_X + 6, rect.top() + self.PAD_Y + 1)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, QColor(t.text) if t else palette.color(QPalette.ColorRole.Text))
        ctx.palette.setColor(QPalette.ColorRole.Link, QColor(t.link) if t else palette.color(QPalette.ColorRole.Link))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()


class ColorFilter(QComboBox):
    """All colours, or one (shown with its name)."""

    def __init__(self, names: ColorNames, parent=None) -> None:
        super().__init__(parent)
        self.names = names
        self.theme = None
        self.refill()

    def refill(self) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem("All colours", None)
        for color in COLORS:
            fill = self.theme.highlights[color] if self.theme is not None else color
            self.addItem(swatch(fill, 14), self.names.label(color), color)
        index = self.findData(current)
        self.setCurrentIndex(max(0, index))
        self.blockSignals(False)


class TagFilter(QComboBox):
    def set_tags(self, tags) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem("All tags", None)
        for tag in sorted(set(tags)):
            self.addItem(f"#{tag}", tag)
        index = self.findData(current)
        self.setCurrentIndex(max(0, index))
        self.blockSignals(False)
        self.setEnabled(self.count() > 1)


def highlight_list(name: str, model, delegate) -> QListView:
    """A list of highlight cards (the sidebar's and the Notebook's)."""
    view = props(QListView(), objectName=name)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    view.setMouseTracking(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view
