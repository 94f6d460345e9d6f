"""The window's smaller promises: the empty library's reading pane says how to start, and Esc
in the search box goes back to the list."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import Qt


def test_an_empty_library_says_how_to_start_in_the_reading_pane(library, make_window):
    window = make_window(library)
    text = window.view.toPlainText()
    assert "Choose an article" not in text
    assert "Drag saved web pages" in text and "File > Import" in text


def test_a_library_with_articles_asks_to_choose_one(library, rivers, make_window):
    window = make_window(library)
    window.view.show_placeholder()
    assert "Choose an article" in window.view.toPlainText()


def test_esc_after_a_search_clears_it_and_returns_to_the_list(library, rivers, make_window, qtbot):
    window = make_window(library)
    panel = window.panel
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search, "sensors")
    panel.run_search()
    settle(qtbot, window)
    assert panel.stack.currentWidget() is panel.result_list and panel.results.rowCount() == 1
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == ""
    assert panel.stack.currentWidget() is panel.list
    qtbot.waitUntil(panel.list.hasFocus, timeout=2000)
    assert panel.current_id() == rivers


def test_esc_in_the_search_results_also_returns_to_the_list(library, rivers, make_window, qtbot):
    window = make_window(library)
    panel = window.panel
    panel.focus_search()
    qtbot.keyClicks(panel.search, "sensors")
    panel.run_search()
    settle(qtbot, window)
    panel.result_list.setFocus()
    qtbot.waitUntil(panel.result_list.hasFocus, timeout=2000)
    qtbot.keyClick(panel.result_list, Qt.Key.Key_Escape)
    assert panel.search.text() == "" and panel.stack.currentWidget() is panel.list
    qtbot.waitUntil(panel.list.hasFocus, timeout=2000)


def test_the_pane_stops_saying_how_to_start_once_the_library_has_an_article(
    library, other, article_page, make_window, qtbot
):
    window = make_window(library, poll_ms=50)
    assert "File > Import" in window.view.toPlainText()
    other.import_paths([article_page], workers=1)  # from a terminal: reader import …
    qtbot.waitUntil(lambda: window.panel.model.total == 1, timeout=10000)
    settle(qtbot, window)
    assert window.view.article is None  # nothing opened behind the reader's back
    assert "Choose an article" in window.view.toPlainText()
