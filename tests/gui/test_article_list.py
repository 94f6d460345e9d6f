"""The article list over a library longer than what the window keeps in memory:
every row reachable by scrolling, the right article opening, the selection kept
when the library changes, search and views, j/k.

The list reads its rows in blocks and keeps a few of them; here the blocks are
made small (BLOCK, KEEP) so that 45 articles span many blocks and most of them
are forgotten and read again while the tests scroll, as 100,000 articles are.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from pages import numbered_page
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractSlider

from reader.core.library import Library
from reader.gui.models import ArticleListModel, ArticleRole

ARTICLES = 45
# Distinct words (letters only, so each is one search term), one per article.
WORDS = [f"zq{chr(97 + i // 26)}{chr(97 + i % 26)}word" for i in range(ARTICLES + 1)]


def page(folder, i: int, title: str | None = None):
    return numbered_page(folder, i, title, topic=WORDS[i])


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(ArticleListModel, "BLOCK", 10)
    monkeypatch.setattr(ArticleListModel, "KEEP", 2)


@pytest.fixture
def long_list(library, tmp_path, small_blocks):
    folder = tmp_path / "pages"
    folder.mkdir()
    outcomes = library.import_paths([page(folder, i) for i in range(ARTICLES)], workers=1)
    assert [o.status for o in outcomes] == ["imported"] * ARTICLES
    return library


def by_title(make_window, library, **kwargs):
    window = make_window(library, **kwargs)
    window.panel.view_box.setCurrentIndex(window.panel.view_box.findData("state:all"))
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    return window


def titles_on_screen(window) -> list[str]:
    """The titles painted in the list's viewport, top to bottom."""
    view = window.panel.list
    view.viewport().repaint()
    seen: list[str] = []
    for y in range(1, view.viewport().height(), 8):
        index = view.indexAt(QPoint(20, y))
        if index.isValid():
            title = index.data(ArticleRole).title
            if not seen or seen[-1] != title:
                seen.append(title)
    return seen


def row_on_screen(window, title: str):
    view = window.panel.list
    for y in range(1, view.viewport().height(), 8):
        index = view.indexAt(QPoint(20, y))
        if index.isValid() and index.data(ArticleRole).title == title:
            return index
    raise AssertionError(f"{title!r} is not on screen")


def click(qtbot, window, title: str) -> None:
    view = window.panel.list
    rect = view.visualRect(row_on_screen(window, title))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def expected() -> list[str]:
    return [f"Article {i:02d}" for i in range(ARTICLES)]


def test_every_article_is_reached_by_scrolling_down_page_by_page(long_list, make_window, qtbot):
    window = by_title(make_window, long_list)
    assert window.panel.count_label.text() == f"{ARTICLES} articles"
    bar = window.panel.list.verticalScrollBar()
    assert bar.maximum() > 0, "the list is longer than the window"
    seen = titles_on_screen(window)
    while bar.value() < bar.maximum():
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        qtbot.wait(1)
        for title in titles_on_screen(window):
            if title not in seen:
                seen.append(title)
    assert seen == expected()  # all of them, in order, none twice
    assert titles_on_screen(window)[-1] == "Article 44"


def test_after_a_jump_down_the_list_the_article_clicked_is_the_one_that_opens(long_list, make_window, qtbot):
    window = by_title(make_window, long_list)
    bar = window.panel.list.verticalScrollBar()
    bar.setValue(bar.maximum() * 2 // 3)  # the scroll bar dragged: rows never read before
    shown = titles_on_screen(window)
    assert shown and shown[0] not in expected()[:10]
    target = shown[len(shown) // 2]
    click(qtbot, window, target)
    assert window.view.article.title == target
    bar.setValue(bar.maximum())
    click(qtbot, window, "Article 44")
    assert window.view.article.title == "Article 44"
    bar.setValue(0)  # back up: the top's rows read again
    assert titles_on_screen(window)[0] == "Article 00"
    click(qtbot, window, "Article 01")
    assert window.view.article.title == "Article 01"


def test_j_and_k_walk_the_list_across_the_rows_read_in_blocks(long_list, make_window, qtbot):
    window = by_title(make_window, long_list)
    click(qtbot, window, "Article 00")
    window.view.setFocus()
    for _ in range(23):
        qtbot.keyClick(window.view, Qt.Key.Key_J)
    assert window.view.article.title == "Article 23"
    assert window.panel.list.currentIndex().data(ArticleRole).title == "Article 23"
    assert "Article 23" in titles_on_screen(window)  # the list follows
    for _ in range(30):
        qtbot.keyClick(window.view, Qt.Key.Key_J)
    assert window.view.article.title == "Article 44"  # stops at the end
    for _ in range(12):
        qtbot.keyClick(window.view, Qt.Key.Key_K)
    assert window.view.article.title == "Article 32"
    # In the list itself: arrows, End and Home go by rows, as in any list.
    window.panel.list.setFocus()
    qtbot.keyClick(window.panel.list, Qt.Key.Key_Down)
    assert window.view.article.title == "Article 33"
    qtbot.keyClick(window.panel.list, Qt.Key.Key_Home)
    assert window.view.article.title == "Article 00"
    qtbot.keyClick(window.panel.list, Qt.Key.Key_End)
    assert window.view.article.title == "Article 44"
    assert titles_on_screen(window)[-1] == "Article 44"


def test_the_selection_stays_on_its_article_when_another_process_changes_the_library(
    long_list, make_window, tmp_path, qtbot
):
    window = by_title(make_window, long_list, poll_ms=50)
    bar = window.panel.list.verticalScrollBar()
    bar.setValue(bar.maximum())
    click(qtbot, window, "Article 40")
    assert window.view.article.title == "Article 40"
    chosen = window.article_id

    other = Library.open(long_list.folder)
    try:
        # Two new articles sorted above all the others, then one far up the list deleted:
        # every row the window shows moves down two, then up one.
        extra = tmp_path / "extra"
        extra.mkdir()
        other.import_paths([page(extra, ARTICLES, "Aardvarks First"), page(extra, 0, "Abacus Second")], workers=1)
        qtbot.waitUntil(lambda: window.panel.count_label.text() == f"{ARTICLES + 2} articles", timeout=10000)
        assert window.panel.list.currentIndex().row() == 42
        other.delete({a.title: a.id for a in other.iter_articles()}["Article 05"])
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.panel.count_label.text() == f"{ARTICLES + 1} articles", timeout=10000)
    current = window.panel.list.currentIndex()
    assert current.data(ArticleRole).id == chosen
    assert current.row() == 41
    assert titles_on_screen(window).count("Article 40") == 1
    assert window.view.article.title == "Article 40"
    window.panel.list.verticalScrollBar().setValue(0)
    assert titles_on_screen(window)[:3] == ["Aardvarks First", "Abacus Second", "Article 00"]
    assert "Article 05" not in [a.title for a in window.panel.model.items]


def test_search_and_views_still_work_over_the_long_list(long_list, make_window, qtbot):
    ids = {a.title: a.id for a in long_list.iter_articles()}
    for title in ("Article 03", "Article 27", "Article 41"):
        long_list.set_favorite(ids[title], True)
    window = by_title(make_window, long_list)

    window.panel.search.setFocus()
    qtbot.keyClicks(window.panel.search, WORDS[37])
    qtbot.waitUntil(lambda: window.panel.results.rowCount() == 1, timeout=5000)
    qtbot.keyClick(window.panel.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.article is not None and window.view.article.title == "Article 37", timeout=5000)
    window.panel.search.clear()
    assert window.panel.stack.currentWidget() is window.panel.list
    assert window.panel.count_label.text() == f"{ARTICLES} articles"

    window.panel.view_box.setCurrentIndex(window.panel.view_box.findData("state:favorite"))
    assert window.panel.count_label.text() == "3 articles"
    assert titles_on_screen(window) == ["Article 03", "Article 27", "Article 41"]
    click(qtbot, window, "Article 27")
    window.actions["favorite"].trigger()  # no longer a favourite: it leaves this view
    settle(qtbot, window)
    assert titles_on_screen(window) == ["Article 03", "Article 41"]
    assert window.panel.count_label.text() == "2 articles"


def test_the_article_read_last_is_open_and_selected_at_the_next_start_however_deep(long_list, make_window, qtbot):
    window = by_title(make_window, long_list)
    bar = window.panel.list.verticalScrollBar()
    bar.setValue(bar.maximum())
    click(qtbot, window, "Article 43")
    assert window.view.article.title == "Article 43"
    window.close()  # the view, the order and the article are remembered
    again = make_window(long_list)
    qtbot.waitUntil(lambda: again.view.article is not None and again.view.article.title == "Article 43", timeout=10000)
    current = again.panel.list.currentIndex()
    assert current.isValid() and current.data(ArticleRole).title == "Article 43"
    assert "Article 43" in titles_on_screen(again)  # scrolled to it
