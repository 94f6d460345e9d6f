"""A highlight is on screen the moment the reader presses H: it shows over the text at
once, while the window's worker stores it, and the stored highlight takes its place. A
highlight that cannot be stored leaves the text as it was and says why."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QTextCursor
from test_highlights import open_first, select

QUOTE = "Hydrologists have long puzzled over how much water"


def _shown(view, cursor: QTextCursor, color: str) -> float:
    """The share of points along the selected words' first line drawn in the highlight colour
    (read back from the screen, between the glyphs' tops and the line's top)."""
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    start, end = QTextCursor(cursor), QTextCursor(cursor)
    start.setPosition(cursor.selectionStart())
    end.setPosition(cursor.selectionStart() + 8)
    left, right = view.cursorRect(start), view.cursorRect(end)
    want = QColor(view.theme.highlights[color])
    points = [QPoint(x, left.top() + 1) for x in range(left.left() + 2, right.left() - 1)]
    near = 0
    for point in points:
        pixel = QColor(image.pixel(round(point.x() * ratio), round(point.y() * ratio)))
        if abs(pixel.red() - want.red()) + abs(pixel.green() - want.green()) + abs(pixel.blue() - want.blue()) < 30:
            near += 1
    return near / max(1, len(points))


def _highlight_while_the_worker_is_busy(library, make_window, qtbot, color: str):
    """The reader selects QUOTE and presses H while the window's worker is busy (a slow
    disk, a busy machine): (window, view, the selection, the event that frees the worker)."""
    window = make_window(library)
    view = open_first(window)
    settle(qtbot, window)
    gate = threading.Event()
    window.ops.run(lambda _library: gate.wait(20) and None)
    cursor = select(view, QUOTE)
    assert window.highlight_selection(color)
    return window, view, cursor, gate


def test_a_highlight_shows_before_it_is_stored_and_stays_once_it_is(library, rivers, make_window, qtbot):
    _window, view, cursor, gate = _highlight_while_the_worker_is_busy(library, make_window, qtbot, "green")
    assert library.highlights(rivers) == []  # not stored yet
    assert _shown(view, cursor, "green") > 0.8  # but on screen
    gate.set()
    qtbot.waitUntil(lambda: len(view.highlights) == 1, timeout=10000)
    (stored,) = library.highlights(rivers)
    assert stored.quote == QUOTE and stored.color == "green"
    assert view.extraSelections() == []  # the stored highlight took its place
    assert _shown(view, cursor, "green") > 0.8


def test_a_highlight_that_cannot_be_stored_leaves_the_text_as_it_was(library, rivers, make_window, qtbot):
    window, view, cursor, gate = _highlight_while_the_worker_is_busy(library, make_window, qtbot, "blue")
    assert _shown(view, cursor, "blue") > 0.8
    library.delete(rivers)  # meanwhile, elsewhere: the article is gone
    gate.set()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != "", timeout=10000)
    assert "no article" in window.statusBar().currentMessage()  # says why, in one line
    assert view.extraSelections() == []  # and the colour is gone
    assert _shown(view, cursor, "blue") < 0.2
