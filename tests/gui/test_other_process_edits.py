"""The window and another process (the `reader` command) edit one article at once: the
window stores only what its reader did, never over what the other process did meanwhile."""

from __future__ import annotations

import sqlite3

import pytest

pytest.importorskip("pytestqt")

from gui_support import answer_dialogs, settle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog
from test_highlights import QUOTE, background, color_of, select

from reader.gui.annotate import NoteDialog
from reader.gui.note_conflict import NoteConflictDialog

OLD_LEAD = "Photographs by the field team, winter survey."


def test_tags_added_elsewhere_while_the_editor_is_open_are_kept(library, rivers, other, make_window, qtbot):
    library.set_tags(rivers, ["rivers"])
    window = make_window(library)
    window.open_article(rivers)
    shown = []

    def edit(dialog: QInputDialog) -> None:
        shown.append(dialog.textValue())
        other.add_tags(rivers, ["science"])  # meanwhile, in a terminal: reader tag ID science
        dialog.setTextValue("ice, Glaciers")  # the reader drops "rivers", adds two
        dialog.accept()

    answer_dialogs(window, QInputDialog, edit)
    window.actions["tags"].trigger()
    settle(qtbot, window)
    assert shown == ["rivers"]
    assert set(other.get(rivers).tags) == {"science", "ice", "Glaciers"}
    assert set(window.view.article.tags) == {"science", "ice", "Glaciers"}  # the window shows the merged tags


def test_an_unchanged_editor_stores_nothing_and_a_case_change_is_no_edit(library, rivers, other, make_window, qtbot):
    library.set_tags(rivers, ["Rivers"])
    window = make_window(library)
    window.open_article(rivers)
    other.add_tags(rivers, ["science"])  # after the window showed the article
    window.set_tags(["rivers"])  # the editor's text, its case changed
    settle(qtbot, window)
    assert set(other.get(rivers).tags) == {"Rivers", "science"}


def test_a_tag_edit_is_stored_whole_or_not_at_all(library, rivers, other, make_window, qtbot):
    """The reader's added and removed tags are one transaction: a write that fails half-way
    (here a trigger refuses the removal, as a full disk would fail it) stores no half of
    the edit (stored as two, the added tag stayed and the removed one too)."""
    library.set_tags(rivers, ["rivers"])
    window = make_window(library)
    window.open_article(rivers)
    with library.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE DELETE ON article_tags BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    window.set_tags(["ice"])  # the editor's text: "rivers" removed, "ice" added
    settle(qtbot, window)
    assert other.get(rivers).tags == ("rivers",)
    assert "disk full" in window.statusBar().currentMessage()


def _save_note_dialog(dialog: NoteDialog, note: str, tags: str) -> None:
    dialog.editor.setPlainText(note)
    dialog.tags.setText(tags)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def _highlighted(library, article_id: int, note: str, tags: list[str]):
    text = library.get(article_id).text
    at = text.index(QUOTE)
    return library.add_highlight(article_id, at, at + len(QUOTE), note=note, tags=tags)


def test_highlight_tags_given_elsewhere_while_the_note_editor_is_open_are_kept(
    library, rivers, other, make_window, qtbot
):
    h = _highlighted(library, rivers, "first thoughts", ["rivers"])
    window = make_window(library)
    window.open_article(rivers)
    shown = []

    def edit(dialog: NoteDialog) -> None:
        shown.append(dialog.tag_list())
        other.update_highlight(h.id, tags=["rivers", "science"])  # meanwhile, another process
        _save_note_dialog(dialog, dialog.note(), "ice, Glaciers")  # the reader drops "rivers", adds two

    answer_dialogs(window, NoteDialog, edit)
    window.edit_note(h.id)
    settle(qtbot, window)
    assert shown == [["rivers"]]
    stored = other.get_highlight(h.id)
    assert set(stored.tags) == {"science", "ice", "Glaciers"} and stored.note == "first thoughts"
    assert set(window.view.highlights[h.id].tags) == {"science", "ice", "Glaciers"}
    window.action_undo()  # undoes the reader's edit only: their tag stays
    settle(qtbot, window)
    assert set(other.get_highlight(h.id).tags) == {"rivers", "science"}


def test_a_highlight_note_changed_elsewhere_while_the_editor_is_open_is_not_overwritten(
    library, rivers, other, make_window, qtbot
):
    h = _highlighted(library, rivers, "first thoughts", ["rivers"])
    window = make_window(library)
    window.open_article(rivers)

    def edit(dialog: NoteDialog) -> None:
        other.update_highlight(h.id, note="ana: about lungfish", tags=["rivers", "science"])  # meanwhile
        _save_note_dialog(dialog, "mine: oxygen in the mud", "rivers, ice")

    answer_dialogs(window, NoteDialog, edit)
    window.edit_note(h.id)
    found: list[NoteConflictDialog] = []

    def conflict_shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, NoteConflictDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(conflict_shown, timeout=10000)
    (dialog,) = found
    assert dialog.their_text.toPlainText() == "ana: about lungfish"
    assert dialog.your_text.toPlainText() == "mine: oxygen in the mud"
    assert other.get_highlight(h.id).note == "ana: about lungfish"  # nothing was written over theirs
    dialog.keep_theirs.click()
    settle(qtbot, window)
    stored = other.get_highlight(h.id)
    # Their note stays; the reader's tag edit is stored beside their tag.
    assert stored.note == "ana: about lungfish" and set(stored.tags) == {"rivers", "science", "ice"}


def _as_an_older_extraction(library, article_id: int) -> None:
    """The article as an older Reader extracted it: a first paragraph the extractor now
    leaves out. (Set up before the window opens; `reextract` then gives today's text.)"""
    with sqlite3.connect(library.db_path) as db:
        db.execute(
            "UPDATE article_contents SET html = '<p>' || ? || '</p>' || html, text = ? || char(10) || char(10) || text "
            "WHERE article_id = ?",
            (OLD_LEAD, OLD_LEAD, article_id),
        )
    db.close()


def test_a_selection_on_text_extracted_again_elsewhere_is_refused_and_the_new_text_shown(
    library, rivers, other, make_window, qtbot
):
    _as_an_older_extraction(library, rivers)
    window = make_window(library)
    window.open_article(rivers)
    view = window.view
    assert OLD_LEAD in view.toPlainText()
    select(view, QUOTE)
    other.reextract(rivers)  # meanwhile, in a terminal: reader reextract ID
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)
    # Stored at the selection's offsets in today's text, it covered other words; refused.
    assert other.highlights(rivers) == []
    message = window.statusBar().currentMessage()
    assert "text changed since it was shown" in message and "\n" not in message
    assert OLD_LEAD not in view.toPlainText() and view.article.text == other.get(rivers).text
    # Selected again on the text now shown, the words are highlighted.
    select(view, QUOTE)
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)
    assert [h.quote for h in other.highlights(rivers)] == [QUOTE]


def painted_words(view, color: str) -> str:
    """The characters of the reading view painted in a highlight colour, in order."""
    wanted = color_of(view, color)
    doc_text = view.document().toPlainText()
    return "".join(doc_text[p] for p in range(len(doc_text)) if (c := background(view, p)) and c.name() == wanted)


def test_highlights_moved_by_an_extraction_elsewhere_are_painted_on_the_new_text(
    library, rivers, other, make_window, qtbot
):
    _as_an_older_extraction(library, rivers)
    text = library.get(rivers).text
    at = text.index(QUOTE)
    h = library.add_highlight(rivers, at, at + len(QUOTE), color="yellow")
    window = make_window(library, poll_ms=100)  # the window's check for other processes' changes
    window.open_article(rivers)
    view = window.view
    assert painted_words(view, "yellow") == QUOTE
    other.reextract(rivers)  # in a terminal: its text loses the old first paragraph, the highlight moves
    moved = other.get_highlight(h.id)
    assert moved.start != h.start
    qtbot.waitUntil(lambda: view.highlights[h.id].start == moved.start, timeout=10000)
    assert painted_words(view, "yellow") == QUOTE  # not the words now at its new offsets in the old text
    assert OLD_LEAD not in view.toPlainText()


def test_an_article_extracted_again_elsewhere_shows_its_new_text_once_where_the_reader_was(
    library, rivers, other, make_window, qtbot, monkeypatch
):
    """No highlights to move: the window showed the old text until the article was opened
    again. A change that leaves the text alone renders nothing again (the selection stays)."""
    _as_an_older_extraction(library, rivers)
    window = make_window(library, poll_ms=100)
    window.resize(900, 420)
    window.open_article(rivers)
    view = window.view
    assert OLD_LEAD in view.toPlainText()
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    renders = []
    render = view.setHtml
    monkeypatch.setattr(view, "setHtml", lambda *a: (renders.append(a), render(*a)))
    select(view, QUOTE)
    bar.setValue(bar.maximum() // 2)
    fraction = view.scroll_fraction()
    other.add_tags(rivers, ["science"])  # in a terminal: reader tag ID science
    qtbot.waitUntil(lambda: "science" in view.article.tags, timeout=10000)
    assert renders == [] and view.textCursor().selectedText() == QUOTE
    assert view.scroll_fraction() == fraction
    other.reextract(rivers)  # in a terminal: reader reextract ID
    qtbot.waitUntil(lambda: OLD_LEAD not in view.toPlainText(), timeout=10000)
    qtbot.wait(400)  # later polls find nothing more to draw
    settle(qtbot, window)
    assert len(renders) == 1
    assert view.article.text == other.get(rivers).text
    assert abs(view.scroll_fraction() - fraction) < 0.05
    assert "extracted again" in window.statusBar().currentMessage()
