"""Selections made with the mouse snap to whole words (Alt held: free), as Kindle and Readwise do.

Word edges are Unicode's (UAX #29, Qt's QTextBoundaryFinder): "don't" is one
word, each Han ideograph is its own, so a drag in Chinese text is not widened
to the whole run. Keyboard selections are left as the reader made them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTextBoundaryFinder
from PySide6.QtGui import QTextCursor

from reader.gui.reading.base import ViewBase


def snap_to_word(document, pos: int, forward: bool) -> int:
    """`pos` moved to the edge of the word it falls inside (forward: its end; else its start).
    A position between words stays where it is."""
    block = document.findBlock(pos)
    if not block.isValid():
        return pos
    text = block.text()
    offset = pos - block.position()
    if not 0 < offset < len(text):
        return pos
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, text)
    finder.setPosition(offset)
    if finder.isAtBoundary():
        return pos
    if not (text[offset - 1].isalnum() or text[offset].isalnum()):
        return pos  # inside a run of punctuation or spaces: not a word
    edge = finder.toNextBoundary() if forward else finder.toPreviousBoundary()
    return pos if edge < 0 else block.position() + edge


class WordSelection(ViewBase):
    """Mixin of ReadingView: a mouse drag selects whole words unless Alt is held."""

    _drag_anchor: int | None = None

    def _start_drag(self, event) -> None:
        self._drag_anchor = None
        if event.button() == Qt.MouseButton.LeftButton and not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self._drag_anchor = self.cursorForPosition(event.position().toPoint()).position()

    def _snap_drag(self, event) -> None:
        """Called after QTextEdit moved the selection's end under the mouse."""
        if self._drag_anchor is None or event.modifiers() & Qt.KeyboardModifier.AltModifier:
            return
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        anchor, pos = self._drag_anchor, cursor.position()
        forward = pos >= anchor
        doc = self.document()
        new_anchor = snap_to_word(doc, anchor, not forward)
        new_pos = snap_to_word(doc, pos, forward)
        if (new_anchor, new_pos) == (cursor.anchor(), cursor.position()):
            return
        snapped = QTextCursor(doc)
        snapped.setPosition(new_anchor)
        snapped.setPosition(new_pos, QTextCursor.MoveMode.KeepAnchor)
        bar = self.verticalScrollBar()
        value = bar.value()
        self.setTextCursor(snapped)
        bar.setValue(value)  # the drag scrolls the page, not the snap

    def _end_drag(self) -> None:
        self._drag_anchor = None


__all__ = ["WordSelection", "snap_to_word"]
