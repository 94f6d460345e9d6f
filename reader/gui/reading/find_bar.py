"""Find in the article: the matches, the search terms shown after a library search, the find bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton

from reader.gui.icons import icon
from reader.gui.reading.base import ViewBase
from reader.gui.reading.document import CHROME_STATE


class Finding(ViewBase):
    """Mixin of ReadingView: matches and marks painted as extra selections (never saved)."""

    def find_all(self, needle: str) -> list[QTextCursor]:
        found: list[QTextCursor] = []
        if not needle:
            return found
        doc = self.document()
        cursor = doc.find(needle, 0)
        while not cursor.isNull() and len(found) < 2000:
            found.append(QTextCursor(cursor))
            cursor = doc.find(needle, cursor)
        return found

    def mark_found(self, cursors: list[QTextCursor], current: int) -> None:
        """Show all matches, the current one stronger, and scroll to it."""
        selections = []
        soft = QColor(self.theme.highlights["yellow"])
        strong = QColor(self.theme.accent)
        strong.setAlpha(120)
        for index, cursor in enumerate(cursors):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format.setBackground(strong if index == current else soft)
            selections.append(sel)
        self._find_selections = selections
        self._apply_extra()
        if 0 <= current < len(cursors):
            self._scroll_to_position(cursors[current].selectionStart())

    def reveal_terms(self, terms) -> bool:
        """Scroll to the first place in the body where a search term occurs, and mark them all."""
        self._search_terms = tuple(t for t in terms if t)
        selections = []
        first = None
        color = QColor(self.theme.accent)
        color.setAlpha(55)  # not a highlight colour: these marks are not saved
        for term in self._search_terms:
            for cursor in self.find_all(term):
                if cursor.block().userState() == CHROME_STATE:
                    continue
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cursor
                sel.format.setBackground(color)
                selections.append(sel)
                if first is None or cursor.selectionStart() < first:
                    first = cursor.selectionStart()
        self._term_selections = selections
        self._apply_extra()
        if first is not None:
            self._scroll_to_position(first)
            return True
        return False

    def _apply_extra(self) -> None:
        pending = [sel for _span, sel in self._pending]
        self.setExtraSelections(self._term_selections + self._find_selections + self._flash_selections + pending)

    def _clear_extra(self) -> None:
        self._find_selections = []
        self._term_selections = []
        self._flash_selections = []
        self._pending = []
        self.setExtraSelections([])

    def clear_found(self) -> None:
        self._find_selections = []
        self._apply_extra()


class FindBar(QFrame):
    """Find in the article: Enter for next, Shift+Enter for previous, Esc closes."""

    def __init__(self, view, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.matches: list[QTextCursor] = []
        self.current = -1
        self.setObjectName("FindBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(6)
        self.field = QLineEdit(placeholderText="Find in article")
        self.field.setClearButtonEnabled(True)
        self.field.setMaximumWidth(320)
        self.count = QLabel()
        self.prev_button = QToolButton(autoRaise=True)
        self.next_button = QToolButton(autoRaise=True)
        self.close_button = QToolButton(autoRaise=True)
        self.prev_button.setToolTip("Previous match (Shift+Enter)")
        self.next_button.setToolTip("Next match (Enter)")
        self.close_button.setToolTip("Close (Esc)")
        layout.addWidget(self.field)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.count)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(lambda: self.step(1))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)
        self.hide()

    def set_icons(self, color: str) -> None:
        self.prev_button.setIcon(icon("up", color))
        self.next_button.setIcon(icon("down", color))
        self.close_button.setIcon(icon("close", color))

    def open_bar(self) -> None:
        cursor = self.view.textCursor()
        if cursor.hasSelection() and "\u2029" not in cursor.selectedText():
            self.field.setText(cursor.selectedText())
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self._search(self.field.text())

    def close_bar(self) -> None:
        self.hide()
        self.view.clear_found()
        self.view.setFocus()

    def _search(self, needle: str) -> None:
        self.matches = self.view.find_all(needle)
        self.current = 0 if self.matches else -1
        self._show()

    def step(self, delta: int) -> None:
        if not self.matches:
            return
        self.current = (self.current + delta) % len(self.matches)
        self._show()

    def _show(self) -> None:
        self.view.mark_found(self.matches, self.current)
        if not self.field.text():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")

    def eventFilter(self, obj, event) -> bool:
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if (
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.step(-1)
                return True
        return super().eventFilter(obj, event)
