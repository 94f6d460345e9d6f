"""Two people edit the same note: the second save is refused by the core
(NoteConflict) and the window shows both texts; the reader keeps theirs, keeps
theirs... or keeps (or merges) their own, and nothing they typed is lost."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from reader.core import Library
from reader.gui.note_conflict import NoteConflictDialog

QUOTE = "we found them breathing"


@pytest.fixture
def other(library):
    """Another person on the same library (another process, as far as the window knows)."""
    lib = Library.open(library.folder, user="ana")
    yield lib
    lib.close()


def open_first(window):
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    return window.view


def conflict_dialog(qtbot) -> NoteConflictDialog:
    found: list[NoteConflictDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, NoteConflictDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10000)
    return found[0]


def edit_note(window, monkeypatch, highlight_id: int, note: str) -> None:
    """The reader opens the note editor, types `note`, presses Save."""

    class Typed:
        class DialogCode:
            Accepted = 1

        def exec(self):
            return 1

        def note(self):
            return note

        def tag_list(self):
            return []

    monkeypatch.setattr(window, "note_dialog", lambda *args: Typed())
    window.edit_note(highlight_id)


@pytest.fixture
def highlighted(library, rivers):
    article = library.get(rivers)
    start = article.text.index(QUOTE)
    return library.add_highlight(rivers, start, start + len(QUOTE), color="yellow", note="first thoughts")


def test_highlight_note_changed_meanwhile_shows_both_and_keep_mine_saves_over_theirs(
    library, other, highlighted, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    other.update_highlight(highlighted.id, note="ana: this is about lungfish")  # after the window read it

    edit_note(window, monkeypatch, highlighted.id, "mine: oxygen in the mud")
    dialog = conflict_dialog(qtbot)
    message = dialog.findChild(QLabel, "ConflictMessage")
    assert "changed by ana since you opened it" in message.text()
    assert message.isVisible()
    assert dialog.their_text.toPlainText() == "ana: this is about lungfish"
    assert dialog.your_text.toPlainText() == "mine: oxygen in the mud"
    assert library.get_highlight(highlighted.id).note == "ana: this is about lungfish"  # nothing was overwritten

    dialog.keep_mine.click()
    settle(qtbot, window)
    stored = library.get_highlight(highlighted.id)
    assert stored.note == "mine: oxygen in the mud"
    # The sidebar shows the note that is now saved.
    notes = [h.note for h in window.sidebar.model.highlights()]
    assert notes == ["mine: oxygen in the mud"]
    # Keeping mine is an edit like any other: undo brings theirs back.
    window.action_undo()
    settle(qtbot, window)
    assert library.get_highlight(highlighted.id).note == "ana: this is about lungfish"


def test_keep_theirs_leaves_their_note_and_puts_mine_on_the_clipboard(
    library, other, highlighted, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    other.update_highlight(highlighted.id, note="ana's note")
    edit_note(window, monkeypatch, highlighted.id, "my long note, typed with care")
    dialog = conflict_dialog(qtbot)
    dialog.keep_theirs.click()
    settle(qtbot, window)
    assert library.get_highlight(highlighted.id).note == "ana's note"
    assert QGuiApplication.clipboard().text() == "my long note, typed with care"
    qtbot.waitUntil(lambda: [h.note for h in window.sidebar.model.highlights()] == ["ana's note"], timeout=5000)


def test_merge_by_editing_saves_the_merged_text(library, other, highlighted, make_window, qtbot, monkeypatch):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    other.update_highlight(highlighted.id, note="ana: lungfish")
    edit_note(window, monkeypatch, highlighted.id, "me: mud")
    dialog = conflict_dialog(qtbot)
    dialog.copy_mine.click()
    assert QGuiApplication.clipboard().text() == "me: mud"
    assert dialog.isVisible()  # copying does not decide anything
    dialog.your_text.setPlainText("ana: lungfish\nme: mud")
    dialog.keep_mine.click()
    settle(qtbot, window)
    assert library.get_highlight(highlighted.id).note == "ana: lungfish\nme: mud"


def test_two_quick_edits_of_my_own_are_no_conflict(library, highlighted, make_window, qtbot, monkeypatch):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    stale = window.view.highlights[highlighted.id]
    edit_note(window, monkeypatch, highlighted.id, "one")
    # A second edit opened from the same (not yet refreshed) highlight: the window's own change.
    window.annotations.edit(stale, "two", [])
    settle(qtbot, window)
    assert library.get_highlight(highlighted.id).note == "two"
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, NoteConflictDialog) and w.isVisible()]


def test_article_note_changed_meanwhile_shows_both_and_nothing_typed_is_lost(
    library, other, rivers, make_window, qtbot
):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    other.set_note(rivers, "ana: read this twice")
    window.sidebar.note.setPlainText("my summary of the article")
    window.sidebar.save_note()
    dialog = conflict_dialog(qtbot)
    assert dialog.their_text.toPlainText() == "ana: read this twice"
    assert dialog.your_text.toPlainText() == "my summary of the article"
    assert library.get(rivers).note == "ana: read this twice"
    dialog.your_text.setPlainText("ana: read this twice\n\nmy summary of the article")
    dialog.keep_mine.click()
    settle(qtbot, window)
    assert library.get(rivers).note == "ana: read this twice\n\nmy summary of the article"
    assert window.sidebar.note.toPlainText() == "ana: read this twice\n\nmy summary of the article"
    # Saved on top of their version: a further edit of mine is no conflict.
    window.sidebar.note.setPlainText("final")
    window.sidebar.save_note()
    settle(qtbot, window)
    assert library.get(rivers).note == "final"


def test_article_note_keep_theirs_shows_theirs(library, other, rivers, make_window, qtbot):
    window = make_window(library)
    open_first(window)
    settle(qtbot, window)
    other.set_note(rivers, "ana's note")
    window.sidebar.note.setPlainText("mine")
    window.sidebar.save_note()
    conflict_dialog(qtbot).keep_theirs.click()
    settle(qtbot, window)
    assert window.sidebar.note.toPlainText() == "ana's note"
    assert library.get(rivers).note == "ana's note"
    assert QGuiApplication.clipboard().text() == "mine"
