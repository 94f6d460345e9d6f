"""The window's first frame: stand-ins where the reading view and the sidebar come, until
they are built right after the first paint (MainWindow.build_rest), and the hook that runs
code after a widget's first paint.

The first frame is the window as it looks before an article opens (the chrome, the list,
the selected article's row, the page's colour where the text comes): the reading view and
the sidebar, with their imports, take about a third of the window's start-up and show
nothing until the article is read anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from collections.abc import Callable


class AfterFirstPaint(QObject):
    """Calls `then` once, from the event loop, after `widget` has first painted.

    A window paints first and its children after it, in one pass: `then` waits for the pass to
    end, and for what was queued during it (one more turn of the event loop), so that what
    others do after a child's first paint (a benchmark's clock) comes before it."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, self.then))
        return False


class StandIn(QWidget):
    """An empty panel where a part of the window comes: in `color`, or the window's own
    colour (None), and as narrow as the part can be, so nothing moves when it arrives."""

    def __init__(self, name: str, color: str | None = None, min_width: int = 0) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setMinimumWidth(min_width)
        self.set_color(color)

    def set_color(self, color: str | None) -> None:
        self.setAutoFillBackground(color is not None)
        if color is not None:
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(color))
            self.setPalette(palette)
