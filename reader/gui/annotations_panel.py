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

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import Article, Change, Highlight
from reader.core.errors import LibraryError
from reader.gui.annotate import ColorNames
from reader.gui.highlight_cards import (
    ColorFilter,
    EntryRole,
    HighlightDelegate,
    HighlightListModel,
    TagFilter,
    build_entries,
    highlight_list,
)
from reader.gui.note_conflict import KEEP_MINE, NoteConflictDialog
from reader.gui.tasks import describe
from reader.gui.widgets import props


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
