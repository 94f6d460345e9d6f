"""File > Your Name…: the name recorded as the author of highlights and notes."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog

from reader.core import Library, identity
from reader.core.identity import USER_ENV, login_name
from reader.gui.identity import OLD_SETTING
from reader.gui.name_dialog import NameDialog


@pytest.fixture(autouse=True)
def no_name_from_the_environment(monkeypatch):
    monkeypatch.delenv(USER_ENV, raising=False)


def highlight(window, qtbot, words: str) -> None:
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    view = window.view
    cursor = view.document().find(words, QTextCursor(view.document()))
    assert not cursor.isNull()
    view.setTextCursor(cursor)
    window.action_highlight()
    settle(qtbot, window)


def answer(window, monkeypatch, typed: str) -> list[NameDialog]:
    shown: list[NameDialog] = []

    def dialog():
        made = NameDialog(window.display_name, window)
        shown.append(made)
        made.field.setText(typed)
        made.exec = lambda: QDialog.DialogCode.Accepted
        return made

    monkeypatch.setattr(window, "name_dialog", dialog)
    return shown


def test_the_name_set_in_the_window_is_recorded_and_remembered(
    library, rivers, make_window, qtbot, monkeypatch, settings_file
):
    window = make_window(library)
    assert window.display_name == login_name()  # nothing set: the OS user, as the CLI records
    shown = answer(window, monkeypatch, "  Ana   Lima ")
    window.actions["display_name"].trigger()
    assert shown and shown[0].field.placeholderText() == login_name()
    assert "Ana Lima" in window.statusBar().currentMessage()
    highlight(window, qtbot, "we found them breathing")
    (made,) = library.highlights(rivers)
    assert made.created_by == "Ana Lima"
    window.sidebar.note.setPlainText("a note")
    window.sidebar.save_note()
    settle(qtbot, window)
    assert library.get(rivers).note_by == "Ana Lima"
    assert identity.stored_name() == "Ana Lima"
    window.close()
    # The command line and any library opened from now on record it too.
    with Library.open(library.folder) as other:
        assert other.user == "Ana Lima"

    # The next window records the stored name from its first write on.
    library.user = "someone else"
    again = make_window(library)
    settle(qtbot, again)
    assert again.display_name == "Ana Lima"
    assert library.user == "Ana Lima"


def test_an_empty_name_goes_back_to_the_os_user(library, rivers, make_window, qtbot, monkeypatch, settings_file):
    window = make_window(library)
    answer(window, monkeypatch, "Ana")
    window.action_display_name()
    answer(window, monkeypatch, "   ")
    window.action_display_name()
    settle(qtbot, window)
    assert window.display_name == login_name()
    assert library.user == login_name()
    assert identity.stored_name() == ""


def test_a_name_given_for_this_run_wins_over_the_stored_one(library, make_window, qtbot, monkeypatch, settings_file):
    identity.store_name("Ana")
    monkeypatch.setenv(USER_ENV, "bo")  # reader --user bo: set before the library opens
    opened = Library.open(library.folder)
    try:
        window = make_window(opened)
        settle(qtbot, window)
        assert window.display_name == "bo"
        assert opened.user == "bo"
    finally:
        window.close()
        opened.close()


def test_a_name_an_earlier_window_kept_in_its_settings_is_moved_over(
    library, make_window, qtbot, monkeypatch, settings_file
):
    stored = QSettings(settings_file, QSettings.Format.IniFormat)
    stored.setValue(OLD_SETTING, "Ana Lima")
    stored.sync()
    window = make_window(library)
    settle(qtbot, window)
    assert window.display_name == "Ana Lima"
    assert identity.stored_name() == "Ana Lima"
    assert library.user == "Ana Lima"
    window.close()
    assert QSettings(settings_file, QSettings.Format.IniFormat).value(OLD_SETTING) is None
