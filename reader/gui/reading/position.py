"""Where the reader is in the article: the scroll position kept as a fraction of the article
(restored when it is shown again, laid out for real once the view has a size), the progress
reported to the library, paging, and the minutes of reading left under the page."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from reader.gui.reading.base import ViewBase
from reader.gui.reading.contents import time_left_label


class ReadingPosition(ViewBase):
    """The view's scrolling and reading progress (mixed into ReadingView)."""

    def scroll_fraction(self) -> float:
        if self._pending_fraction is not None:
            return self._pending_fraction
        return self._fraction

    def _on_scroll(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if bar.maximum() != self._last_max:
            return  # the range is changing under us: not the reader scrolling
        self._fraction = value / bar.maximum() if bar.maximum() > 0 else 0.0
        self._save_timer.start()

    def _on_range(self, _minimum: int, maximum: int) -> None:
        self._last_max = maximum
        if self.article is not None and self._pending_fraction is None and maximum > 0:
            self.verticalScrollBar().setValue(round(self._fraction * maximum))

    def reading_progress(self) -> float:
        """How far the reader got: 1.0 once the end of the article is on screen."""
        if self._pending_fraction is not None:
            return self._pending_fraction
        bar = self.verticalScrollBar()
        if bar.maximum() <= 0:
            return 1.0 if self.article is not None else 0.0
        return round(bar.value() / bar.maximum(), 4)

    def _restore(self, fraction: float) -> None:
        if not self.isVisible() or self.viewport().width() < 50:
            self._pending_fraction = fraction  # laid out for real when shown
            return
        self._pending_fraction = None
        self._fraction = max(0.0, min(1.0, fraction))
        self.layout_now()
        bar = self.verticalScrollBar()
        # The range of the laid-out article now, as QTextEdit sets it: it does so only after an event,
        # and a place scrolled to before (a search match) was then moved by the fraction it was at.
        bar.setRange(0, max(0, self.document().size().toSize().height() - self.viewport().height()))
        self._last_max = bar.maximum()
        bar.setValue(round(max(0.0, min(1.0, fraction)) * bar.maximum()) if fraction < 0.999 else bar.maximum())
        self._save_timer.stop()
        self.update_time_left()

    def _emit_progress(self) -> None:
        self._save_timer.stop()
        if self.article is not None:
            self.progressChanged.emit(self.article.id, self.reading_progress())

    def flush_progress(self) -> None:
        """Report the position now (before switching article or closing)."""
        if self.article is not None:
            self._emit_progress()

    def page(self, forward: bool = True) -> None:
        bar = self.verticalScrollBar()
        step = max(40, self.viewport().height() - 60)
        bar.setValue(bar.value() + (step if forward else -step))

    def _scroll_to_position(self, pos: int, select_to: int | None = None) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(pos)
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)

    def update_time_left(self) -> None:
        """The line under the page: minutes of reading left (empty when the article fits the screen;
        the line keeps its height, so the page never jumps)."""
        bar = self.verticalScrollBar()
        minutes = self.minutes_left() if self.article is not None and bar.maximum() > 0 else None
        self.time_left.setText(time_left_label(minutes))


__all__ = ["ReadingPosition"]
