"""Renaming an article from the window: F2, the Article menu and the list's menu open a dialog
prefilled with the title; the new title is stored through the worker, the list row, the reading
view's header and the window's title show it at once; "Use the Page’s Title" brings the page's back."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import Qt

from reader.gui.models import ArticleRole
from reader.gui.rename_dialog import RenameDialog

TITLE = "The Quiet Rivers of the North"
NEW = "Rivers under ice"


def open_dialog(window, qtbot) -> RenameDialog:
    qtbot.waitUntil(lambda: window.findChild(RenameDialog) is not None and window.findChild(RenameDialog).isVisible())
    dialog = window.findChild(RenameDialog)
    assert dialog.field.text() == window.view.article.title
    return dialog


def rename_by_typing(window, qtbot, title: str) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.field.selectAll()
    qtbot.keyClicks(dialog.field, title)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    settle(qtbot, window)


def header_title(window) -> str:
    """The reading view's first lines (site, title, byline): the header."""
    return "\n".join(window.view.toPlainText().splitlines()[:4])


def test_f2_renames_the_open_article_everywhere_at_once(library, rivers, other, make_window, qtbot):
    window = make_window(library)
    window.open_article(rivers)
    assert TITLE in header_title(window)
    assert not window.actions["reset_title"].isEnabled()  # never renamed: nothing to go back to

    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    rename_by_typing(window, qtbot, NEW)

    stored = other.get(rivers)
    assert (stored.title, stored.page_title) == (NEW, TITLE)
    assert window.panel.model.items[0].title == NEW
    assert window.panel.model.index(0).data(ArticleRole).title == NEW
    assert NEW in header_title(window) and TITLE not in header_title(window)
    assert window.windowTitle().startswith(NEW)
    assert window.actions["reset_title"].isEnabled() and TITLE in window.actions["reset_title"].text()

    # Use the Page’s Title: the page's own title again, everywhere.
    window.actions["reset_title"].trigger()
    settle(qtbot, window)
    stored = other.get(rivers)
    assert (stored.title, stored.renamed) == (TITLE, False)
    assert window.panel.model.items[0].title == TITLE and TITLE in header_title(window)
    assert not window.actions["reset_title"].isEnabled()


def test_rename_from_the_article_menu_and_the_list_menu(library, rivers, other, make_window, qtbot):
    window = make_window(library)
    window.open_article(rivers)
    assert window.actions["rename"] in window.menus["&Article"].actions()
    window.actions["rename"].trigger()
    rename_by_typing(window, qtbot, NEW)
    assert other.get(rivers).title == NEW

    # The list's context menu offers Rename and, now, the page's title back, which works from there.
    menu = window.list_menu(window.panel.list.visualRect(window.panel.model.index(0)).center())
    by_text = {a.text(): a for a in menu.actions()}
    assert by_text["&Rename…"] is window.actions["rename"]
    (reset,) = [a for text, a in by_text.items() if text.startswith("Use the Page’s Tit&le") and TITLE in text]
    reset.trigger()
    settle(qtbot, window)
    assert other.get(rivers).title == TITLE
    menu = window.list_menu(window.panel.list.visualRect(window.panel.model.index(0)).center())
    assert not [a for a in menu.actions() if a.text().startswith("Use the Page’s")]  # never renamed now


def test_an_empty_title_is_refused_and_esc_cancels(library, rivers, other, make_window, qtbot):
    window = make_window(library)
    window.open_article(rivers)
    window.panel.list.setFocus()
    qtbot.keyClick(window.panel.list, Qt.Key.Key_F2)  # F2 in the list, as in a file manager
    dialog = open_dialog(window, qtbot)
    dialog.field.selectAll()
    qtbot.keyClicks(dialog.field, "   ")
    assert not dialog.rename_button.isEnabled()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)  # nothing to store: the dialog stays
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.field, "Something else")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settle(qtbot, window)
    assert other.get(rivers).title == TITLE and window.panel.model.items[0].title == TITLE


def test_a_rename_by_another_process_shows_up(library, rivers, other, make_window, qtbot):
    window = make_window(library, poll_ms=50)
    window.open_article(rivers)
    other.set_title(rivers, NEW)  # in a terminal, or another window
    qtbot.waitUntil(lambda: NEW in header_title(window), timeout=10000)
    assert window.panel.model.items[0].title == NEW and window.view.article.page_title == TITLE
    assert window.actions["reset_title"].isEnabled()


def test_the_rename_is_stored_by_the_worker_and_announced_on_the_one_signal(library, rivers, make_window, qtbot):
    """The window's library fails any write on the GUI thread (GuiThreadGuard): the rename is the
    worker's, and what it changed comes back on ops.changed, which every panel follows."""
    window = make_window(library)
    window.open_article(rivers)
    with qtbot.waitSignal(window.ops.changed, timeout=10000) as changed:
        window.rename(f"  {NEW}  ")
    (change,) = changed.args
    assert (change.kind, change.article_id) == ("article-updated", rivers)
    settle(qtbot, window)
    assert library.get(rivers).title == NEW and window.view.article.title == NEW


def test_a_renamed_article_moves_to_its_place_in_a_list_sorted_by_title(
    library, rivers, other, tmp_path, make_window, qtbot
):
    page = tmp_path / "pages" / "mountains.html"
    page.write_text(
        "<html><head><title>Mountains in Spring</title></head><body><article><h1>Mountains in Spring</h1>"
        + "<p>Snow melts on the high slopes and the streams fill with water again.</p>" * 8
        + "</article></body></html>",
        encoding="utf-8",
    )
    library.import_paths([page], workers=1)
    window = make_window(library)
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    assert [a.title for a in window.panel.model.items] == ["Mountains in Spring", TITLE]
    window.panel.select_article(rivers)  # (opens it)
    assert window.article_id == rivers
    window.rename("A River under Ice")
    settle(qtbot, window)
    assert [a.title for a in window.panel.model.items] == ["A River under Ice", "Mountains in Spring"]
    assert window.panel.current_id() == rivers  # still the current row, at its new place


def test_the_shortcuts_sheet_names_f2(library, rivers, make_window, qtbot):
    from reader.gui.shortcuts_help import ShortcutsHelp

    window = make_window(library)
    window.actions["shortcuts"].trigger()
    sheet = window.findChild(ShortcutsHelp, "ShortcutsHelp")
    rows = dict(row for _title, rows in sheet.sections for row in rows)
    assert rows["F2"] == "Rename"
    assert ("Esc", "Clear the search, back to the list") in dict(sheet.sections)["In the library search"]
