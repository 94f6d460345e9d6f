"""One write path in the window: every operation runs off the GUI thread, is stored for
everyone (another Library on the same folder sees it), and the window follows changes
made by other processes within a few seconds."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from gui_support import GuiThreadGuard, settle
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from test_highlights import QUOTE, Answer, answer_notes, select

from reader.gui.main_window import POLL_MS

# The window's own check for changes made elsewhere, run every 100 ms here instead of the
# app's POLL_MS (1 s): the same check and refresh, seen sooner (each wait below was ~1 s).
TEST_POLL_MS = min(POLL_MS, 100)

TITLE = "The Quiet Rivers of the North"


def test_the_guard_fails_a_write_on_the_gui_thread_and_lets_a_worker_write(library, rivers):
    guard = GuiThreadGuard(library)
    with pytest.raises(AssertionError, match="set_archived called on the GUI thread"):
        guard.set_archived(rivers, True)
    assert guard.violations == ["set_archived"] and not library.get(rivers).archived
    with pytest.raises(AssertionError):
        guard.all_highlights()
    worker = threading.Thread(target=lambda: guard.set_archived(rivers, True))
    worker.start()
    worker.join(10)
    assert library.get(rivers).archived
    assert guard.get(rivers).title == TITLE  # reads pass through


def test_highlight_note_tag_archive_and_undo_are_stored_for_everyone(
    library, rivers, other, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    window.open_article(rivers)
    view = window.view

    select(view, QUOTE)
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)
    (h,) = other.highlights(rivers)
    assert h.quote == QUOTE
    assert [x.id for x in window.sidebar.model.highlights()] == [h.id]
    assert window.panel.model.items[0].highlight_count == 1

    answer_notes(monkeypatch, window, Answer("the ice breathes", ["ice"]))
    window.edit_note(h.id)
    settle(qtbot, window)
    assert (other.get_highlight(h.id).note, other.get_highlight(h.id).tags) == ("the ice breathes", ("ice",))
    assert window.sidebar.model.highlights()[0].note == "the ice breathes"

    window.sidebar.note.setPlainText("Read again in spring")
    window.sidebar.save_note()
    window.set_tags(["rivers", "winter"])
    window.actions["favorite"].trigger()
    settle(qtbot, window)
    stored = other.get(rivers)
    assert (stored.note, stored.tags, stored.favorite) == ("Read again in spring", ("rivers", "winter"), True)
    assert window.view.article.tags == ("rivers", "winter") and window.actions["favorite"].isChecked()
    assert window.panel.view_box.findData("tag:winter") >= 0

    window.actions["archive"].trigger()
    settle(qtbot, window)
    assert other.get(rivers).archived
    assert window.panel.model.items == [] and window.actions["archive"].isChecked()

    # Undo the note, then the highlight itself; redo brings back the same highlight.
    window.actions["undo"].trigger()
    settle(qtbot, window)
    assert other.get_highlight(h.id).note == ""
    window.actions["undo"].trigger()
    settle(qtbot, window)
    assert other.highlights(rivers) == [] and window.sidebar.model.highlights() == []
    assert window.view.highlights == {}
    window.actions["redo"].trigger()
    settle(qtbot, window)
    assert [x.id for x in other.highlights(rivers)] == [h.id]
    assert h.id in window.view.highlights


def test_a_refused_operation_says_why_and_leaves_nothing_to_undo(library, rivers, other, make_window, qtbot):
    window = make_window(library)
    window.open_article(rivers)
    other.delete(rivers)  # another process deletes the article the window shows
    select(window.view, QUOTE)
    qtbot.keyClick(window.view, Qt.Key.Key_H)
    settle(qtbot, window)
    assert f"no article with id {rivers}" in window.statusBar().currentMessage()
    assert not window.actions["undo"].isEnabled()


def test_changes_by_another_process_show_in_the_list_and_the_sidebar(
    library, rivers, other, make_window, qtbot, tmp_path
):
    from test_window import long_page

    # As the app runs, a check on a timer (every second there, TEST_POLL_MS here), so a change
    # shows within about one interval (the generous waits below are for a loaded test machine,
    # not the promise).
    window = make_window(library, poll_ms=TEST_POLL_MS)
    window.open_article(rivers)
    assert window.sidebar.model.highlights() == []

    other.import_paths([long_page(tmp_path, "owls.html", "Night Owls", "owls", 5)], workers=1)
    added = other.highlight_quote(rivers, QUOTE, color="green", note="from the command line")
    other.set_note(rivers, "noted elsewhere")

    def shown():
        titles = sorted(item.title for item in window.panel.model.items)
        return (
            titles == ["Night Owls", TITLE]
            and [h.id for h in window.sidebar.model.highlights()] == [added.id]
            and window.sidebar.note.toPlainText() == "noted elsewhere"
        )

    qtbot.waitUntil(shown, timeout=15000)
    assert added.id in window.view.highlights  # painted in the reading view too
    assert window.panel.model.items[[i.title for i in window.panel.model.items].index(TITLE)].highlight_count == 1

    other.set_archived(rivers, True)
    qtbot.waitUntil(lambda: [i.title for i in window.panel.model.items] == ["Night Owls"], timeout=15000)
    other.delete(rivers)
    qtbot.waitUntil(lambda: window.view.article is None and window.sidebar.article_id is None, timeout=15000)


def test_the_window_does_not_redraw_for_its_own_changes_seen_again_by_the_poll(
    library, rivers, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    window.open_article(rivers)
    select(window.view, QUOTE)
    qtbot.keyClick(window.view, Qt.Key.Key_H)
    settle(qtbot, window)
    answer_notes(monkeypatch, window, Answer("a *note*", ["winter", "Ice", "rivers"]))
    window.edit_note(library.highlights(rivers)[0].id)
    settle(qtbot, window)
    assert window.actions["undo"].isEnabled()
    resets = []
    window.panel.model.modelReset.connect(lambda: resets.append("list"))
    window.sidebar.model.modelReset.connect(lambda: resets.append("sidebar"))
    assert window.poll_library()  # the library changed since the window looked ...
    assert resets == []  # ... but only by the window itself: nothing to redraw
    assert window.actions["undo"].isEnabled()  # and the undo history stays


def test_short_operations_never_wait_behind_a_long_one(library, rivers, other, make_window, qtbot):
    window = make_window(library)
    window.open_article(rivers)
    release = threading.Event()
    window.ops.run_long(lambda lib, task: release.wait(30))  # an import that takes its time
    try:
        select(window.view, QUOTE)
        qtbot.keyClick(window.view, Qt.Key.Key_H)
        window.actions["favorite"].trigger()
        qtbot.waitUntil(
            lambda: len(window.sidebar.model.highlights()) == 1 and window.view.article.favorite, timeout=10000
        )
        assert len(other.highlights(rivers)) == 1 and other.get(rivers).favorite
        assert window.ops.busy  # the long job still runs
    finally:
        release.set()
    settle(qtbot, window)


def _drag(event_type, mime):
    """What a file manager sends when the reader drags with Shift: Copy or Move possible, Move proposed."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    pos = QPointF(50, 50) if event_type is QDropEvent else QPoint(50, 50)
    event = event_type(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    assert event.proposedAction() == Qt.DropAction.MoveAction
    return event


def test_a_drop_proposed_as_move_is_taken_as_a_copy(library, make_window, article_page, qtbot):
    window = make_window(library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(article_page))])
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        event = _drag(event_type, mime)
        QApplication.sendEvent(window, event)
        assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    event = _drag(QDropEvent, mime)
    with qtbot.waitSignal(window.importFinished, timeout=15000):
        QApplication.sendEvent(window, event)
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    assert article_page.exists()
    assert [item.title for item in window.panel.model.items] == [TITLE]


def test_the_notebook_follows_changes_from_the_window_and_from_elsewhere(library, rivers, other, make_window, qtbot):
    window = make_window(library, poll_ms=100)
    window.open_article(rivers)
    window.action_notebook()
    nb = window.notebook
    settle(qtbot, window)
    assert (
        nb.model.highlights() == [] and nb.count.text() == "No highlights yet: select words in an article and press H."
    )

    select(window.view, QUOTE)
    window.actions["highlight"].trigger()  # from the menu: the Notebook is the active window
    qtbot.waitUntil(lambda: [h.quote for h in nb.model.highlights()] == [QUOTE], timeout=10000)
    other.highlight_quote(rivers, "a daily pulse", color="pink")  # the command line, meanwhile
    qtbot.waitUntil(lambda: len(nb.model.highlights()) == 2, timeout=10000)
    assert nb.count.text() == "2 highlights in 1 article"


def test_operations_run_in_order_and_hand_over_real_exceptions(library, rivers, make_window, qtbot):
    from reader.core.errors import LibraryError

    window = make_window(library)
    seen, errors, changes = [], [], []
    window.ops.changed.connect(changes.append)
    for i in range(20):  # queued at once: run and reported in the order given
        window.ops.run(lambda lib, i=i: lib.set_progress(rivers, i / 20), on_done=lambda _c, i=i: seen.append(i))
    window.ops.run(lambda lib: lib.get(rivers + 1000), on_error=errors.append)
    settle(qtbot, window)
    assert seen == list(range(20)) and library.get(rivers).progress == pytest.approx(19 / 20)
    assert [(c.kind, c.article_id) for c in changes] == [("article-updated", rivers)] * 20
    (error,) = errors
    assert isinstance(error, LibraryError) and str(error) == f"no article with id {rivers + 1000}"


def test_choosing_an_article_deleted_elsewhere_drops_it_from_the_list(library, rivers, other, make_window, tmp_path):
    from test_window import long_page

    owls = library.import_paths([long_page(tmp_path, "owls.html", "Night Owls", "owls", 5)], workers=1)[0].id
    window = make_window(library)  # no polling: the window learns it only by trying
    assert len(window.panel.model.items) == 2
    other.delete(owls)
    assert not window.open_article(owls)
    assert [item.title for item in window.panel.model.items] == [TITLE]
    assert window.panel.count_label.text() == "1 article"


def test_the_window_and_another_writer_at_once_lose_nothing(library, rivers, other, make_window, qtbot):
    import time

    window = make_window(library, poll_ms=100)
    window.open_article(rivers)
    text = library.get(rivers).text
    at = text.index("a daily pulse")
    stop = threading.Event()
    theirs: list[int] = []
    errors: list[BaseException] = []

    def command_line() -> None:  # another process adding highlights and retagging, as fast as it can
        i = 0
        while not stop.is_set():
            try:
                theirs.append(other.add_highlight(rivers, at, at + 13, color="blue", note=f"cli {i}").id)
                other.set_tags(rivers, [f"t{i % 3}"])
            except Exception as exc:
                errors.append(exc)
            i += 1

    writer = threading.Thread(target=command_line)
    writer.start()
    mine = 0
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            select(window.view, QUOTE)
            assert window.highlight_selection("yellow")
            window.actions["favorite"].trigger()
            mine += 1
            qtbot.wait(15)
    finally:
        stop.set()
        writer.join(30)
    settle(qtbot, window)
    assert errors == [] and mine >= 3 and len(theirs) >= 3  # both sides did write (many more, usually)
    stored = other.highlights(rivers)
    assert sum(h.color == "yellow" for h in stored) == mine  # every write of each side is there
    assert {h.id for h in stored if h.color == "blue"} == set(theirs)
    assert other.get(rivers).favorite == (mine % 2 == 1)
    assert "locked" not in window.statusBar().currentMessage()

    # And the window shows exactly what is stored, once its poll has seen the last of the other's writes.
    # (The other's last highlight and its last tags are two commits: a poll may fall between them.)
    def shown_as_stored() -> bool:
        return (
            set(window.sidebar.model.highlights()) == set(other.highlights(rivers))
            and window.view.article.tags == other.get(rivers).tags
        )

    qtbot.waitUntil(shown_as_stored, timeout=15000)
    assert set(window.view.highlights.values()) == set(stored)


def test_two_quick_clicks_on_the_star_leave_it_as_it_was(library, rivers, make_window, qtbot):
    from reader.core.domain import Change
    from reader.gui.tasks import LIBRARY_CHANGED

    window = make_window(library)
    window.open_article(rivers)
    star = window.actions["favorite"]
    release = threading.Event()
    window.ops.run(lambda lib: release.wait(30))  # the ops lane is busy for a moment
    try:
        star.trigger()
        assert star.isChecked()  # shows the reader's choice at once
        window.ops.announce(Change(LIBRARY_CHANGED))  # the views read the library meanwhile
        assert star.isChecked()  # still the reader's choice, not the state stored so far
        star.trigger()
        assert not star.isChecked()
    finally:
        release.set()
    settle(qtbot, window)
    assert not library.get(rivers).favorite and not star.isChecked()


def test_a_failed_annotation_import_says_why_in_one_line(library, rivers, make_window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, title, text: warnings.append((title, text)))
    )
    window = make_window(library)
    bad = tmp_path / "notes.json"
    bad.write_text("{ not json", encoding="utf-8")
    with qtbot.waitSignal(window.annotationsImported, timeout=10000) as blocker:
        window.import_annotations(str(bad))
    assert blocker.args[0] is None
    ((title, text),) = warnings
    assert title == "Import Annotations"
    assert text.startswith(f"{bad} is not a JSON file") and "\n" not in text and "Error" not in text.split(":")[0]


def test_the_reader_command_and_the_window_on_one_library(library, rivers, make_window, qtbot):
    """The real command line, in its own process, while the window is open on the library."""
    import subprocess
    import sys

    window = make_window(library, poll_ms=TEST_POLL_MS)
    window.open_article(rivers)
    select(window.view, QUOTE)
    qtbot.keyClick(window.view, Qt.Key.Key_H)  # the window writes first ...
    settle(qtbot, window)
    command = [sys.executable, "-m", "reader", "--library", str(library.folder)]
    done = subprocess.run(
        [*command, "highlight", str(rivers), "--quote", "a daily pulse", "--color", "pink"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(
        lambda: {h.quote for h in window.sidebar.model.highlights()} == {QUOTE, "a daily pulse"}, timeout=15000
    )  # ... and sees what the command wrote
    shown = subprocess.run(
        [*command, "show", str(rivers), "--format", "json"], capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert QUOTE in shown.stdout  # ... and the command sees what the window wrote
