"""The annotations sidebar: the open article's highlights in reading order, its note.

Each highlight is a card: a bar in its colour, the quote, the note rendered from
Markdown (reader.core.notes, the HTML export's renderer) and its tags. Highlights
that could not be placed in the current text are listed after the others under
"Could not be placed", with their quotes. The article note is saved as the reader
types (after a short pause) and when another article opens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
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
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import COLORS, Article, Change, Highlight
from reader.core.errors import LibraryError
from reader.core.notes import note_html
from reader.gui.annotate import ColorNames, swatch
from reader.gui.note_conflict import KEEP_MINE, NoteConflictDialog
from reader.gui.tasks import describe
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
        key = (h.id, h.updated, h.color, h.note, h.tags, h.start is None, int(width), entry[2])
        doc = self._docs.get(key)
        if doc is not None:
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


class AnnotationsPanel(QWidget):
    """The sidebar on the right of the reading view."""

    highlightActivated = Signal(int)  # clicked: scroll the reading view to it
    editRequested = Signal(int)  # double-clicked: edit its note
    menuRequested = Signal(int, object)  # highlight id, global position
    failed = Signal(str)  # a note could not be saved, in one line

    NOTE_DELAY_MS = 600

    def __init__(self, library, ops, names: ColorNames, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("AnnotationsPanel")
        self.library = library  # read here; written only through `ops` (gui/tasks.py)
        self.ops = ops
        self.names = names
        self.article_id: int | None = None
        self._highlights: dict[int, Highlight] = {}
        self._note_saved = ""  # the note as the library has it, as far as this panel knows
        self._opened: Article | None = None  # the article as the note editor read it (its note_version)
        self.conflict: NoteConflictDialog | None = None  # open while the reader chooses
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        top = props(QFrame(), objectName="AnnotationsHeader")
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(14, 12, 14, 8)
        top_layout.setSpacing(6)
        note_label = props(QLabel("Article note"), objectName="SidebarLabel")
        top_layout.addWidget(note_label)
        self.note = props(QPlainTextEdit(), objectName="ArticleNote")
        self.note.setPlaceholderText("Your thoughts on this article… (Markdown)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(96)
        top_layout.addWidget(self.note)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 8, 0, 0)
        self.title = props(QLabel("Highlights"), objectName="SidebarTitle")
        self.count = props(QLabel(""), objectName="SidebarCount")
        title_row.addWidget(self.title)
        title_row.addWidget(self.count)
        title_row.addStretch(1)
        top_layout.addLayout(title_row)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.color_filter = ColorFilter(names)
        self.color_filter.setObjectName("ColorFilter")
        self.tag_filter = props(TagFilter(), objectName="TagFilter")
        filters.addWidget(self.color_filter, 1)
        filters.addWidget(self.tag_filter, 1)
        top_layout.addLayout(filters)
        layout.addWidget(top)

        self.model = HighlightListModel(self)
        self.delegate = HighlightDelegate(names, self)
        self.list = highlight_list("HighlightList", self.model, self.delegate)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.empty = props(QLabel(""), objectName="SidebarEmpty", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()

        self._note_timer = QTimer(self, singleShot=True, interval=self.NOTE_DELAY_MS)
        self._note_timer.timeout.connect(self.save_note)
        self.note.textChanged.connect(self._note_changed)
        self.list.clicked.connect(self._clicked)
        self.list.activated.connect(self._clicked)
        self.list.doubleClicked.connect(self._double_clicked)
        self.list.customContextMenuRequested.connect(self._menu)
        self.color_filter.currentIndexChanged.connect(self.refill)
        self.tag_filter.currentIndexChanged.connect(self.refill)
        self.setMinimumWidth(240)
        self.set_article(None)

    # -- content -------------------------------------------------------------------

    def set_theme(self, theme) -> None:
        self.delegate.set_theme(theme)
        self.color_filter.theme = theme
        self.color_filter.refill()
        self.list.viewport().update()

    def set_article(self, article) -> None:
        """Show an article's note and highlights (None: nothing open)."""
        self.save_note()
        self.article_id = article.id if article is not None else None
        self.note.blockSignals(True)
        self.note.setPlainText(article.note if article is not None else "")
        self.note.blockSignals(False)
        self._note_saved = article.note if article is not None else ""
        self._opened = article
        self.note.setEnabled(article is not None)
        self._highlights = {h.id: h for h in article.highlights} if article is not None else {}
        self.refill()

    def set_highlights(self, highlights) -> None:
        self._highlights = {h.id: h for h in highlights}
        self.refill()

    def apply_change(self, change: Change) -> None:
        """Follow a change to the library (LibraryOps.changed)."""
        if self.article_id is None or change.article_id not in (None, self.article_id):
            return
        kind = change.kind
        if kind == "article-deleted":
            self.article_id = None  # its unsaved note has nowhere to go
            self.set_article(None)
            return
        if kind in ("highlight-added", "highlight-updated"):
            try:
                highlight = self.library.get_highlight(change.highlight_id)
            except LibraryError:
                return  # deleted again meanwhile; that change follows
            if highlight.article_id == self.article_id:
                self._highlights[highlight.id] = highlight
                self.refill()
                self.select(highlight.id)
            return
        if kind == "highlight-deleted":
            if change.highlight_id is not None and self._highlights.pop(change.highlight_id, None) is not None:
                self.refill()
            return
        try:
            (fresh,) = self.library.get_many([self.article_id], content=False)
        except LibraryError:
            self.article_id = None
            self.set_article(None)
            return
        # The note another process wrote shows, unless the reader is typing one of their own.
        if fresh.note != self._note_saved and self.note.toPlainText() == self._note_saved:
            self.note.blockSignals(True)
            self.note.setPlainText(fresh.note)
            self.note.blockSignals(False)
            self._note_saved = fresh.note
            self._opened = fresh
        if kind != "article-updated" and set(fresh.highlights) != set(self._highlights.values()):
            self.set_highlights(fresh.highlights)

    def refill(self) -> None:
        color = self.color_filter.currentData()
        tags = [tag for h in self._highlights.values() for tag in h.tags]
        self.tag_filter.set_tags(tags)
        tag = self.tag_filter.currentData()
        entries = build_entries(self._highlights.values(), color, tag)
        self.model.set_entries(entries)
        total = len(self._highlights)
        shown = sum(1 for e in entries if e[0] == "highlight")
        self.count.setText(str(total) if shown == total else f"{shown} of {total}")
        if self.article_id is None:
            message = "Open an article to see its highlights and notes."
        elif not total:
            message = "No highlights yet.\n\nSelect text and press H, or pick a colour from the bar that appears over the selection."
        elif not shown:
            message = "No highlights match this filter."
        else:
            message = ""
        self.empty.setText(message)
        self.empty.setVisible(bool(message))
        self.list.setVisible(not message)

    def select(self, highlight_id: int) -> None:
        row = self.model.row_of(highlight_id)
        if row is not None:
            index = self.model.index(row)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)

    def entry_rect(self, highlight_id: int):
        row = self.model.row_of(highlight_id)
        return self.list.visualRect(self.model.index(row)) if row is not None else None

    # -- the article note -------------------------------------------------------------

    def _note_changed(self) -> None:
        self._note_timer.start()

    def save_note(self) -> None:
        """Save the article note now if it changed (also called on switching article and closing).
        The write runs on the ops lane; what is handed over counts as saved."""
        self._note_timer.stop()
        if self.article_id is None or self.conflict is not None:
            return
        text = self.note.toPlainText()
        if text == self._note_saved:
            return
        article_id, before = self.article_id, self._note_saved
        self._note_saved = text
        # Written only over the note this panel last knew (the core refuses otherwise: NoteConflict).
        opened = replace(self._opened, note=before) if self._opened is not None else None

        def failed(exc: BaseException) -> None:
            if self.article_id == article_id and self._note_saved == text:
                self._note_saved = before  # still unsaved: the next pause or switch tries again
            if type(exc).__name__ == "NoteConflict":
                self._note_conflict(article_id, exc, text)
                return
            self.failed.emit(f"The note was not saved: {describe(exc)}")

        self.ops.run(lambda lib: lib.set_note(article_id, text, opened=opened), on_error=failed)

    def _note_conflict(self, article_id: int, exc: Any, yours: str) -> None:
        """Someone else changed the article's note since it was opened: both texts in a dialog."""
        if self.conflict is not None:
            return
        try:
            (fresh,) = self.library.get_many([article_id], content=False)
        except LibraryError:
            QGuiApplication.clipboard().setText(yours)
            self.failed.emit("The article was deleted meanwhile; your note is on the clipboard")
            return
        title = " ".join(fresh.title.split())
        what = f"The note on “{title[:60].rstrip()}{'…' if len(title) > 60 else ''}”"
        window = self.window()
        self.conflict = NoteConflictDialog(what, exc.by, fresh.note, yours, window if window is not self else None)
        self.conflict.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflict.resolved.connect(lambda choice, text: self._resolve(article_id, fresh, choice, text))
        self.conflict.open()

    def _resolve(self, article_id: int, theirs: Article, choice: str, text: str) -> None:
        self.conflict = None
        if self.ops.closed:  # the window closed over the dialog (yours is on the clipboard)
            return
        if self.article_id != article_id:  # another article opened meanwhile: save there directly
            if choice == KEEP_MINE:
                self.ops.run(lambda lib: lib.set_note(article_id, text, opened=theirs), on_error=self._not_saved)
            return
        self._opened = theirs
        self._note_saved = theirs.note
        self.note.blockSignals(True)
        self.note.setPlainText(text if choice == KEEP_MINE else theirs.note)
        self.note.blockSignals(False)
        if choice == KEEP_MINE:
            self.save_note()
        else:
            self.failed.emit(f"Kept {theirs.note_by or 'their'}’s note; yours is on the clipboard")

    def _not_saved(self, exc: BaseException) -> None:
        self.failed.emit(f"The note was not saved: {describe(exc)}")

    # -- events ------------------------------------------------------------------------

    def _entry(self, index):
        entry = index.data(EntryRole) if index.isValid() else None
        return entry if entry is not None and entry[0] == "highlight" else None

    def _clicked(self, index) -> None:
        entry = self._entry(index)
        if entry is not None:
            self.highlightActivated.emit(entry[1].id)

    def _double_clicked(self, index) -> None:
        entry = self._entry(index)
        if entry is not None:
            self.editRequested.emit(entry[1].id)

    def _menu(self, pos) -> None:
        entry = self._entry(self.list.indexAt(pos))
        if entry is not None:
            self.menuRequested.emit(entry[1].id, self.list.viewport().mapToGlobal(pos))

    def sizeHint(self) -> QSize:
        return QSize(320, 700)


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
