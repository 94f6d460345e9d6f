"""The daily review in the window: today's highlights, one card at a time.

A window of its own (not modal, like the Notebook), keyboard-first: 1-4 answer
Again/Hard/Good/Easy, Space keeps (Good), N and T edit the note and tags on the
card, O opens the article at the highlight, Esc closes (or cancels an edit).

Every library call goes through the window's ops lane (gui/tasks.py): the queue and
the progress are read there, answers, settings and note/tag edits written there; the
GUI thread never touches the library. A note or tag edit is announced on
`ops.changed` (the article, the sidebar and the Notebook show it at once). An answer
or a settings change alters nothing the other views show, so it is not announced:
an unknown kind of change would make every view read its article again.
"""

from __future__ import annotations

import time
from datetime import UTC
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import Change, ReviewItem
from reader.core.review import ReviewSettings
from reader.core.tags import tag_edits
from reader.gui.annotate import ColorNames
from reader.gui.note_conflict import KEEP_MINE, NoteConflictDialog, highlight_label
from reader.gui.review_card import CardEditor, CardText, KeyButton, _host, days_ago, plural, short_date
from reader.gui.review_chart import WeekChart
from reader.gui.review_settings import ReviewSettingsDialog
from reader.gui.styles import review_css
from reader.gui.tasks import LIBRARY_CHANGED, OpResult, describe
from reader.gui.theme import THEMES, ReadingSettings, Theme
from reader.gui.widgets import named

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QShowEvent
    from PySide6.QtWidgets import QWidget

    from reader.core.domain import Highlight, ReviewAnswer
    from reader.core.library import Library
    from reader.core.library.rows import NoteConflict
    from reader.core.review import Stats
    from reader.gui.main_window import MainWindow
    from reader.gui.tasks import LibraryOps

TagEdit = tuple[tuple[str, ...], tuple[str, ...]]  # the tags a card edit added, and those it removed

# (answer sent to the library, button label, keys)
GRADES = (("again", "Again", "1"), ("hard", "Hard", "2"), ("good", "Good", "3"), ("easy", "Easy", "4"))
PLAIN = (("keep", "Keep", "Space"), ("less-often", "Less often", ""), ("never-again", "Never again", ""))


class ReviewView(QDialog):
    """Today's session. `load()` reads the queue on the ops lane; answers go back there."""

    openRequested = Signal(int, int)  # article id, highlight id
    updated = Signal()  # the view shows the answer to a read or a write (for tests and screenshots)
    answered = Signal(object)  # domain.ReviewAnswer, once stored

    def __init__(self, ops: LibraryOps, names: ColorNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Review")
        self.setWindowTitle("Review")
        self.ops = ops
        self.names = names
        self.theme: Theme = THEMES["light"]
        self.reading = ReadingSettings()
        self.items: list[ReviewItem] = []
        self.index = 0
        self.done_today = 0  # answered in this session
        self.stats: Stats | None = None
        self.review_settings = ReviewSettings()
        self.loaded = False
        self.pending = 0  # answers and edits not yet stored
        self._asked = 0  # loads asked; only the latest answer is shown
        self._shown_at = time.monotonic()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.position = named(QLabel(), "ReviewPosition")
        self.streak = named(QLabel(), "ReviewStreak")
        self.settings_button = named(QPushButton("Settings…"), "ReviewSettingsButton")
        self.settings_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.settings_button.setAutoDefault(False)
        top.addWidget(self.position)
        top.addStretch(1)
        top.addWidget(self.streak)
        top.addSpacing(10)
        top.addWidget(self.settings_button)
        layout.addLayout(top)

        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        # The card.
        self.card = named(QFrame(), "ReviewCard")
        card = QVBoxLayout(self.card)
        card.setContentsMargins(28, 22, 28, 16)
        card.setSpacing(4)
        self.site = named(QLabel(), "ReviewSite")
        self.title = named(QLabel(wordWrap=True), "ReviewTitle")
        self.meta = named(QLabel(), "ReviewMeta")
        for label in (self.site, self.title, self.meta):
            label.setTextFormat(Qt.TextFormat.PlainText)
            card.addWidget(label)
        card.addSpacing(8)
        self.text = CardText()
        card.addWidget(self.text, 1)
        self.editor = CardEditor()
        card.addWidget(self.editor)
        tools = QHBoxLayout()
        tools.setSpacing(4)
        self.open_button = KeyButton("Open in Article", "O", "ReviewOpen")
        self.note_button = KeyButton("Add Note", "N", "ReviewNoteButton")
        self.tags_button = KeyButton("Tags", "T", "ReviewTagsButton")
        for button in (self.open_button, self.note_button, self.tags_button):
            button.setProperty("flat", True)
            tools.addWidget(button)
        tools.addStretch(1)
        card.addLayout(tools)
        self.pages.addWidget(self.card)
        # A message instead of a card: loading, nothing due, done for today.
        self.message = named(QFrame(), "ReviewMessage")
        message = QVBoxLayout(self.message)
        message.addStretch(1)
        self.headline = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "ReviewHeadline")
        self.explain = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "ReviewExplain")
        message.addWidget(self.headline)
        message.addWidget(self.explain)
        message.addStretch(1)
        self.pages.addWidget(self.message)

        self.answer_row = named(QWidget(), "ReviewAnswers")
        answers = QGridLayout(self.answer_row)
        answers.setContentsMargins(0, 0, 0, 0)
        answers.setHorizontalSpacing(8)
        answers.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        answers.addWidget(named(QLabel("How well did you remember it?"), "ReviewAsk"), 0, 0, 1, 4)
        for column, (answer, text, key) in enumerate(GRADES):
            self.buttons[answer] = self._answer_button(answer, text, key)
            answers.addWidget(self.buttons[answer], 1, column)
        answers.addWidget(named(QLabel("Or simply:"), "ReviewAsk"), 2, 0, 1, 4)
        for answer, text, key in PLAIN:
            self.buttons[answer] = self._answer_button(answer, text, key, plain=True)
        answers.addWidget(self.buttons["keep"], 3, 0, 1, 2)
        answers.addWidget(self.buttons["less-often"], 3, 2)
        answers.addWidget(self.buttons["never-again"], 3, 3)
        layout.addWidget(self.answer_row)

        bottom = QHBoxLayout()
        self.chart = WeekChart()
        legend = QVBoxLayout()
        legend.setSpacing(2)
        self.week_label = named(QLabel("This week"), "ReviewWeek")
        self.legend = named(QLabel(), "ReviewLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        legend.addStretch(1)
        legend.addWidget(self.week_label)
        legend.addWidget(self.legend)
        legend.addStretch(1)
        self.status = named(QLabel(wordWrap=True), "ReviewStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom.addWidget(self.chart)
        bottom.addSpacing(8)
        bottom.addLayout(legend)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)

        self.open_button.clicked.connect(self.open_in_article)
        self.note_button.clicked.connect(lambda: self.edit("note"))
        self.tags_button.clicked.connect(lambda: self.edit("tags"))
        self.settings_button.clicked.connect(self.open_settings)
        self.editor.saved.connect(self.save_edit)
        self.editor.cancelled.connect(self.cancel_edit)
        keys = [(key, answer) for answer, _label, key in GRADES] + [("Space", "keep")]
        for key, answer in keys:
            QShortcut(QKeySequence(key), self, lambda a=answer: self.answer(a))
        QShortcut(QKeySequence("N"), self, lambda: self.edit("note"))
        QShortcut(QKeySequence("T"), self, lambda: self.edit("tags"))
        QShortcut(QKeySequence("O"), self, self.open_in_article)
        ops.changed.connect(self.apply_change)
        self.set_style(self.theme, self.reading)
        self._show_message("Loading…", "")
        self.resize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(760, 720)

    def _answer_button(self, answer: str, label: str, key: str, plain: bool = False) -> QPushButton:
        button = KeyButton(label, key, f"answer-{answer}")
        button.setProperty("plain", plain)
        button.setMinimumHeight(36)
        button.clicked.connect(lambda _c=False, a=answer: self.answer(a))
        return button

    # -- theme -----------------------------------------------------------------------

    def set_style(self, theme: Theme, reading: ReadingSettings) -> None:
        self.theme, self.reading = theme, reading
        t = theme
        self.setStyleSheet(review_css(theme, reading))
        self.chart.set_theme(t)
        made = QColor(self.chart.made_color).name()
        self.legend.setText(
            f"<span style='color:{made}'>■</span> made &nbsp; <span style='color:{t.accent}'>■</span> reviewed"
        )
        self._render_card()

    def changeEvent(self, event: QEvent) -> None:
        """The window changes the app's palette with its theme: follow it."""
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.PaletteChange:
            window = self.parentWidget()
            reading = getattr(window, "reading", None)
            if isinstance(reading, ReadingSettings) and (reading, reading.resolved_theme()) != (
                self.reading,
                self.theme,
            ):
                self.set_style(reading.resolved_theme(), reading)

    # -- reading the session ----------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # shown by the window, not un-minimised: a new session
            self.loaded = False
            self.answer_row.hide()
            self._show_message("Loading…", "")
            self.load()

    def load(self) -> None:
        """Today's queue, the progress and the settings, read on the ops lane."""
        self._asked += 1
        asked = self._asked

        def read(lib: Library) -> tuple[list[ReviewItem], Stats, ReviewSettings]:
            return lib.review_queue(), lib.review_stats(), lib.review_settings()

        def done(answer: tuple[list[ReviewItem], Stats, ReviewSettings]) -> None:
            if asked == self._asked:
                self._loaded(*answer)

        self.ops.run(read, on_done=done, on_error=self._failed)

    def _loaded(self, items: list[ReviewItem], stats: Stats, settings: ReviewSettings) -> None:
        self.items, self.index, self.done_today = list(items), 0, 0
        self.stats, self.review_settings, self.loaded = stats, settings, True
        self.editor.hide()
        self.status.clear()
        self._show_current()
        self.updated.emit()

    def refresh_stats(self) -> None:
        asked = self._asked

        def done(stats: Stats) -> None:
            if asked == self._asked:
                self.stats = stats
                self._show_progress()
                self.updated.emit()

        self.ops.run(lambda lib: lib.review_stats(), on_done=done, on_error=self._failed)

    def current(self) -> ReviewItem | None:
        return self.items[self.index] if self.loaded and self.index < len(self.items) else None

    # -- showing -------------------------------------------------------------------------

    def _show_current(self) -> None:
        item = self.current()
        self.answer_row.setVisible(item is not None)
        if item is None:
            self._show_finished()
        else:
            self.pages.setCurrentWidget(self.card)
            self._render_card()
            self._shown_at = time.monotonic()
        self._show_progress()

    def _render_card(self) -> None:
        item = self.current()
        if item is None:
            return
        self.site.setText((item.article_site or _host(item.article_url) or "").upper())
        self.site.setVisible(bool(self.site.text()))
        self.title.setText(item.article_title)
        made = item.highlight.created
        if made.tzinfo is None:  # the library's times are UTC
            made = made.replace(tzinfo=UTC).astimezone()
        parts = [short_date(item.article_published)] if item.article_published else []
        parts.append(f"highlighted {days_ago(made)}")
        if item.reviews:
            parts.append(f"reviewed {plural(item.reviews, 'time')}")
        self.meta.setText(" · ".join(p for p in parts if p))
        self.text.show_item(item, self.theme, self.reading, with_note=not self.editor.isVisible())
        self.note_button.setText("Edit Note" if item.highlight.note.strip() else "Add Note")

    def _show_message(self, headline: str, text: str) -> None:
        self.headline.setText(headline)
        self.explain.setText(text)
        self.pages.setCurrentWidget(self.message)

    def _show_finished(self) -> None:
        if not self.loaded:
            self._show_message("Loading…", "")
        elif self.done_today:
            streak = self.stats.streak if self.stats else 0
            self._show_message(
                "Done for today",
                f"You went over {plural(self.done_today, 'highlight')}."
                + (f" That is a {streak}-day streak." if streak > 1 else "")
                + "\nThe next ones will be here tomorrow.",
            )
        else:
            settings = self.review_settings
            left_out = []
            if settings.exclude_archived:
                left_out.append("archived articles")
            if settings.exclude_tags:
                left_out.append("tags " + ", ".join(settings.exclude_tags))
            if settings.exclude_colors:
                left_out.append("colours " + ", ".join(self.names.label(c) for c in settings.exclude_colors))
            text = (
                "Highlights join the review a day after you make them, and come back when it is time to see them again."
            )
            if left_out:
                text += "\nLeft out (Settings…): " + "; ".join(left_out) + "."
            self._show_message("Nothing to review today", text)

    def _show_progress(self) -> None:
        total = len(self.items)
        if not self.loaded:
            self.position.setText("")
        elif self.current() is not None:
            self.position.setText(f"{self.index + 1} of {total}")
        else:
            self.position.setText(f"{plural(self.done_today, 'highlight')} reviewed" if self.done_today else "")
        stats = self.stats
        if stats is not None:
            left = max(0, total - self.index) if self.loaded else stats.due
            parts = [f"{left} due today"]
            if stats.streak:
                parts.append(f"{stats.streak}-day streak")
            self.streak.setText(" · ".join(parts))
            self.chart.set_week(stats.week)

    # -- answering ---------------------------------------------------------------------------

    def answer(self, answer: str) -> None:
        """Record the answer for the card shown and show the next one at once."""
        item = self.current()
        if item is None:
            return
        if self.editor.isVisible():
            self.editor.save()
        highlight_id = item.highlight.id
        duration = int((time.monotonic() - self._shown_at) * 1000)
        self.pending += 1

        def stored(result: ReviewAnswer) -> None:
            self.pending -= 1
            self.answered.emit(result)
            self.refresh_stats()

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            self._failed(exc)

        self.ops.run(
            lambda lib: OpResult(lib.answer_review(highlight_id, answer, duration_ms=duration)),
            on_done=stored,
            on_error=failed,
        )
        self.index += 1
        self.done_today += 1
        self._show_current()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(describe(exc))
        self.updated.emit()

    # -- the card's note and tags ---------------------------------------------------------------

    def edit(self, field: str) -> None:
        item = self.current()
        if item is not None:
            self.editor.start(item.highlight.note, item.highlight.tags, field)
            self._render_card()

    def editing(self) -> bool:
        return self.editor.isVisible()

    def save_edit(self, note: str, tags: list[str]) -> None:
        item = self.current()
        self.cancel_edit()
        if item is None:
            return
        h = item.highlight
        new_note = note if note != h.note else None
        # Only the tags added and removed: a tag given meanwhile elsewhere stays.
        added, removed = tag_edits(h.tags, tags)
        new_tags = (tuple(added), tuple(removed)) if added or removed else None
        if new_note is None and new_tags is None:
            return
        self._store_edit(h, new_note, new_tags, opened=h)

    def _store_edit(self, h: Highlight, note: str | None, tags: TagEdit | None, opened: Highlight | None) -> None:
        """Write the edit; with `opened`, a note someone else changed since the card showed it
        is not overwritten: both texts are shown and the reader chooses (note_conflict.py)."""
        self.pending += 1

        def job(lib: Library) -> OpResult:
            add, remove = tags or ((), ())
            fresh = lib.update_highlight(h.id, note=note, add_tags=add, remove_tags=remove, opened=opened)
            return OpResult(fresh, (Change("highlight-updated", fresh.article_id, fresh.id),))

        def stored(fresh: Highlight) -> None:
            self.pending -= 1
            self._replace(fresh)
            self.updated.emit()

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            from reader.core.library.rows import NoteConflict  # loaded by then; not at start-up

            if isinstance(exc, NoteConflict):
                self._note_conflict(h, tags, exc)
            else:
                self._failed(exc)

        self.ops.run(job, on_done=stored, on_error=failed)

    def _note_conflict(self, h: Highlight, tags: TagEdit | None, exc: NoteConflict) -> None:
        what = highlight_label(h.quote)
        dialog = NoteConflictDialog(what, exc.by, exc.theirs, exc.yours, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def resolved(choice: str, text: str) -> None:
            if choice == KEEP_MINE:
                self._store_edit(h, text, tags, opened=None)  # over theirs, as the reader chose
            elif tags is not None:  # their note stays (yours is on the clipboard), the tags are kept
                self._store_edit(h, None, tags, opened=None)
            else:
                self._reload(h.id)  # the card shows theirs

        dialog.resolved.connect(resolved)
        dialog.open()

    def _reload(self, highlight_id: int) -> None:
        self.ops.run(lambda lib: OpResult(lib.get_highlight(highlight_id)), on_done=self._replace)

    def cancel_edit(self) -> None:
        self.editor.hide()
        self.setFocus()
        self._render_card()

    def _replace(self, highlight: Highlight) -> None:
        from dataclasses import replace

        for i, item in enumerate(self.items):
            if item.highlight.id == highlight.id:
                self.items[i] = replace(item, highlight=highlight)
                if i == self.index:
                    self._render_card()

    def apply_change(self, change: Change) -> None:
        """A highlight of the session changed or went elsewhere in the window: follow it."""
        if not self.loaded:
            return
        if change.kind == LIBRARY_CHANGED:  # e.g. `reader review --grade` in a terminal: the streak, the week
            self.refresh_stats()
            return
        if change.highlight_id is None:
            return
        ids = {item.highlight.id for item in self.items[self.index :]}
        if change.highlight_id not in ids:
            return
        if change.kind == "highlight-deleted":
            shown = self.current()
            self.items = self.items[: self.index] + [
                i for i in self.items[self.index :] if i.highlight.id != change.highlight_id
            ]
            if shown is None or shown.highlight.id == change.highlight_id:
                self._show_current()
            else:
                self._show_progress()
        elif change.kind == "highlight-updated":
            self.ops.run(
                lambda lib: lib.get_highlight(change.highlight_id), on_done=self._replace, on_error=lambda _exc: None
            )  # gone meanwhile: its deletion follows

    # -- elsewhere ---------------------------------------------------------------------------

    def open_in_article(self) -> None:
        item = self.current()
        if item is not None:
            self.openRequested.emit(item.highlight.article_id, item.highlight.id)

    def settings_dialog(self) -> ReviewSettingsDialog:
        """Made by one method so tests can answer it."""
        return ReviewSettingsDialog(self.review_settings, self.names, self.theme, self)

    def open_settings(self) -> ReviewSettingsDialog:
        dialog = self.settings_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(code: int) -> None:
            if code == QDialog.DialogCode.Accepted:
                self.save_settings(dialog.settings())

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def save_settings(self, settings: ReviewSettings) -> None:
        """Store the settings, then start today's session again under them."""
        self.pending += 1

        def stored(_value: Change) -> None:
            self.pending -= 1
            self.review_settings = settings
            self.load()

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            self._failed(exc)

        self.ops.run(lambda lib: OpResult(lib.set_review_settings(settings)), on_done=stored, on_error=failed)

    def reject(self) -> None:
        """Esc cancels an edit first; then closes."""
        if self.editor.isVisible():
            self.cancel_edit()
            return
        super().reject()


def open_review(window: MainWindow) -> ReviewView:
    """The window's Review (made once): themed like the window, opening articles in it."""
    view = getattr(window, "review", None)
    if view is None:
        view = ReviewView(window.ops, window.names, window)
        view.openRequested.connect(lambda article_id, highlight_id: _open_in_window(window, article_id, highlight_id))
        window.review = view
    view.set_style(window.theme, window.reading)
    view.show()
    view.raise_()
    view.activateWindow()
    return view


def _open_in_window(window: MainWindow, article_id: int, highlight_id: int) -> None:
    window.open_at_highlight(article_id, highlight_id)
    window.raise_()
    window.activateWindow()


__all__ = ["ReviewSettingsDialog", "ReviewView", "open_review", "short_date"]
