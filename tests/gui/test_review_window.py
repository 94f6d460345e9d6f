"""The daily review in the window, driven from the keyboard; what it stored is read back
through a second Library on the same folder."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

import reader.core.dates as dates_module
from reader.core import Library
from reader.core.review import ReviewSettings

# In the article's order, which is the order of the review for highlights made together.
QUOTES = (
    "carrying silt and the memory of summer",
    "Each sensor is a narrow steel tube",
    "Instead we found them breathing.",
    "a daily pulse",
)


@pytest.fixture(autouse=True)
def clear_of_midnight():
    """These tests count days ("due today", a streak, the week's bars): one that began just
    before midnight ended on another day. Near midnight (UTC or local), they start after it."""
    for now in (datetime.now(UTC), datetime.now().astimezone()):
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        left = (midnight - now).total_seconds()
        if left < 90:
            time.sleep(left + 1)


@pytest.fixture
def two_days_ago(monkeypatch):
    """made(fn): what fn makes in the library is stamped two days ago (then the clock is real again)."""
    real = dates_module.now

    def made(fn):
        monkeypatch.setattr(dates_module, "now", lambda: real() - timedelta(days=2))
        try:
            return fn()
        finally:
            monkeypatch.setattr(dates_module, "now", real)

    return made


@pytest.fixture
def rivers(library, article_page, two_days_ago):
    """The fixture article and four highlights in it, all made two days ago: (article id, [highlight ids])."""

    def make():
        article = library.import_paths([article_page], workers=1)[0].id
        colors = ("yellow", "green", "pink", "blue")
        return article, [library.highlight_quote(article, q, color=c).id for q, c in zip(QUOTES, colors)]

    return two_days_ago(make)


def second(library) -> Library:
    """Another Library on the same folder: what was really stored."""
    return Library.open(library.folder)


def open_review(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    view = window.review
    qtbot.waitUntil(lambda: view.isVisible() and view.loaded, timeout=10000)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)  # its keys go to the active window
    return view


def test_a_session_from_the_keyboard_is_stored(library, rivers, make_window, qtbot):
    _article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    assert view.position.text() == "1 of 4" and view.streak.text() == "4 due today"
    assert view.title.text() == "The Quiet Rivers of the North"
    assert QUOTES[0] in view.text.toPlainText()
    assert not view.answer_row.isHidden()
    # Good, Again, Space (keep), Easy.
    for k in (Qt.Key.Key_3, Qt.Key.Key_1, Qt.Key.Key_Space, Qt.Key.Key_4):
        qtbot.keyClick(view, k)
    settle(qtbot, window)
    assert view.headline.text() == "Done for today"
    assert view.answer_row.isHidden()
    assert view.streak.text() == "0 due today · 1-day streak"
    other = second(library)
    try:
        assert other.review_queue() == []  # nothing left for today
        stats = other.review_stats()
        assert stats.reviewed_today == 4 and stats.streak == 1
        assert stats.week[-1].reviewed == 4 and stats.week[-3].made == 4
        tomorrow = datetime.now(UTC) + timedelta(days=1, minutes=1)
        back = other.review_queue(now=tomorrow)
        assert [i.highlight.id for i in back] == [ids[1]]  # the one answered Again
        assert back[0].reviews == 1
        # Easy waits longest: still away when Good (and Keep) come back.
        later = {i.highlight.id for i in other.review_queue(limit=50, now=tomorrow + timedelta(days=3))}
        assert {ids[0], ids[2]} <= later and ids[3] not in later
    finally:
        other.close()
    # The week's chart shows it: the reviewed bar today, the made bar two days ago.
    assert [d.reviewed for d in view.chart.week][-1] == 4 and view.chart.week[-3].made == 4
    image = view.chart.grab().toImage()
    slot = image.width() / 7

    def colours_in(day: int) -> set:
        return {
            QColor(image.pixel(x, y)).name()
            for x in range(int(slot * day), int(slot * (day + 1)))
            for y in range(image.height())
        }

    assert view.chart.reviewed_color.name() in colours_in(6)
    assert view.chart.made_color.name() in colours_in(4)
    assert view.chart.made_color.name() not in colours_in(6) | colours_in(0)


def test_note_and_tags_are_edited_on_the_card_and_typing_does_not_answer(library, rivers, make_window, qtbot):
    article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert view.editor.note.hasFocus()
    qtbot.keyClicks(view.editor.note, "breathing 1 2 3")  # digits and spaces are words here, not answers
    qtbot.keyClick(view.editor.note, Qt.Key.Key_Tab)
    assert view.editor.tags.hasFocus()
    qtbot.keyClicks(view.editor.tags, "rivers, to think")
    qtbot.keyClick(view.editor.tags, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert not view.editing()
    assert "breathing 1 2 3" in view.text.toPlainText() and "#to think" in view.text.toPlainText()
    assert view.position.text() == "1 of 4"  # nothing was answered
    # T edits the tags; Esc cancels the edit and leaves the card open.
    qtbot.keyClick(view, Qt.Key.Key_T)
    assert view.editor.tags.hasFocus()
    qtbot.keyClicks(view.editor.tags, ", lost")
    qtbot.keyClick(view.editor.tags, Qt.Key.Key_Escape)
    assert not view.editing() and view.isVisible()
    # The sidebar and the Notebook hear of the edit like any other.
    window.open_article(article)
    settle(qtbot, window)
    assert window.view.highlights[ids[0]].note == "breathing 1 2 3"
    other = second(library)
    try:
        h = other.get_highlight(ids[0])
        assert h.note == "breathing 1 2 3" and sorted(h.tags) == ["rivers", "to think"]
        assert other.review_stats().reviewed_today == 0
    finally:
        other.close()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_never_again_is_respected(library, rivers, make_window, qtbot):
    _article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    qtbot.mouseClick(view.buttons["never-again"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.buttons["less-often"], Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert view.position.text() == "3 of 4"
    other = second(library)
    try:
        for days in (1, 30, 400):
            queue = [i.highlight.id for i in other.review_queue(limit=50, now=datetime.now(UTC) + timedelta(days=days))]
            assert ids[0] not in queue
        assert ids[1] in queue  # "less often" comes back, later
    finally:
        other.close()
    view.close()
    view = open_review(window, qtbot)  # a new session today: the two answered are not in it
    assert [i.highlight.id for i in view.items] == ids[2:]


def test_settings_are_saved_and_shape_the_session(library, rivers, make_window, qtbot):
    _article, ids = rivers
    library.update_highlight(ids[1], tags=["Private"])
    window = make_window(library)
    view = open_review(window, qtbot)
    dialog = view.open_settings()
    assert dialog.limit.value() == 10 and dialog.archived.isChecked()
    dialog.limit.setValue(1)
    dialog.tags.setText("private")
    dialog.colors["yellow"].setChecked(True)
    with qtbot.waitSignal(view.updated, timeout=10000):
        dialog.accept()
    settle(qtbot, window)
    assert [i.highlight.id for i in view.items] == [ids[2]]  # yellow and the private one left out; one a day
    assert view.position.text() == "1 of 1"
    other = second(library)
    try:
        assert other.review_settings() == ReviewSettings(
            daily_limit=1, exclude_archived=True, exclude_tags=("private",), exclude_colors=("yellow",)
        )
    finally:
        other.close()
    # Nothing left under these settings: the view says why.
    view.save_settings(ReviewSettings(exclude_colors=("yellow", "green", "pink", "blue")))
    settle(qtbot, window)
    assert view.headline.text() == "Nothing to review today"
    assert "Left out" in view.explain.text() and "Yellow" in view.explain.text()


def test_open_in_article_shows_the_highlight(library, make_window, qtbot, tmp_path, two_days_ago):
    from test_window import long_page

    def make():
        owls = library.import_paths([long_page(tmp_path, "o.html", "Night Owls", "owls", 60)], workers=1)[0].id
        return owls, library.highlight_quote(owls, "Paragraph 55 of night owls", color="green")

    owls, deep = two_days_ago(make)
    window = make_window(library)
    view = open_review(window, qtbot)
    assert view.title.text() == "Night Owls"
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert window.article_id == owls
    reading = window.view
    cursor = QTextCursor(reading.document())
    cursor.setPosition(reading.highlight_span(deep.id)[0])
    assert reading.verticalScrollBar().value() > 0
    assert reading.viewport().rect().contains(reading.cursorRect(cursor).center())
    assert view.isVisible() and view.position.text() == "1 of 1"  # the session waits for the reader


def test_the_card_follows_the_theme(library, rivers, make_window, qtbot):
    from dataclasses import replace

    window = make_window(library)
    view = open_review(window, qtbot)
    for theme in ("light", "dark"):
        window.set_reading(replace(window.reading, theme=theme))
        assert view.theme.name == theme
        cursor = view.text.document().find(QUOTES[0])
        assert cursor.charFormat().background().color() == QColor(view.theme.highlights["yellow"])
        assert cursor.charFormat().foreground().color() == QColor(view.theme.text)


def test_a_highlight_deleted_in_the_window_leaves_the_session(library, rivers, make_window, qtbot):
    _article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.current().highlight.id == ids[1]
    window.delete_highlight(ids[1])  # the card shown
    window.delete_highlight(ids[3])  # one further on
    settle(qtbot, window)
    assert view.current().highlight.id == ids[2]
    assert view.position.text() == "2 of 2" and view.streak.text().startswith("1 due today")
    qtbot.keyClick(view, Qt.Key.Key_3)
    settle(qtbot, window)
    assert view.headline.text() == "Done for today" and view.status.text() == ""


def test_answers_given_elsewhere_update_the_progress(library, rivers, make_window, qtbot):
    _article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    assert view.stats.reviewed_today == 0
    other = second(library)
    try:
        other.answer_review(ids[3], "good")  # as `reader review 4 --grade good` would
    finally:
        other.close()
    assert window.ops.poll()
    settle(qtbot, window)
    assert view.stats.reviewed_today == 1 and view.chart.week[-1].reviewed == 1


def test_a_note_changed_elsewhere_during_the_review_is_not_overwritten(library, rivers, make_window, qtbot):
    """Someone else saves the card's note while it is shown: both texts are offered, and
    what the reader keeps is what is stored (theirs first, then mine on Keep Mine)."""
    from PySide6.QtWidgets import QApplication

    from reader.gui.note_conflict import NoteConflictDialog

    _article, ids = rivers
    window = make_window(library)
    view = open_review(window, qtbot)
    ana = Library.open(library.folder, user="ana")
    try:
        ana.update_highlight(ids[0], note="ana's reading")
        qtbot.keyClick(view, Qt.Key.Key_N)
        qtbot.keyClicks(view.editor.note, "my reading")
        qtbot.keyClick(view.editor.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

        def dialog():
            shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, NoteConflictDialog) and w.isVisible()]
            return shown[0] if shown else None

        qtbot.waitUntil(lambda: dialog() is not None, timeout=10000)
        conflict = dialog()
        assert conflict.their_text.toPlainText() == "ana's reading"
        assert conflict.yours() == "my reading"
        assert ana.get_highlight(ids[0]).note == "ana's reading"  # nothing of mine written yet
        conflict.keep_mine.click()
        settle(qtbot, window)
        qtbot.waitUntil(lambda: ana.get_highlight(ids[0]).note == "my reading", timeout=10000)
        assert "my reading" in view.text.toPlainText()
    finally:
        ana.close()


def test_tags_given_elsewhere_during_the_review_are_kept(library, rivers, make_window, qtbot):
    """The card's tag edit stores only what the reader added and removed: a tag another
    process gave the highlight while the card was shown stays (the whole list dropped it)."""
    _article, ids = rivers
    library.update_highlight(ids[0], tags=["rivers"])
    window = make_window(library)
    view = open_review(window, qtbot)
    other = second(library)
    try:
        qtbot.keyClick(view, Qt.Key.Key_T)
        other.update_highlight(ids[0], tags=["rivers", "science"])  # meanwhile, in a terminal
        view.editor.tags.clear()
        qtbot.keyClicks(view.editor.tags, "ice")  # "rivers" removed, "ice" added
        qtbot.keyClick(view.editor.tags, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        settle(qtbot, window)
        assert sorted(other.get_highlight(ids[0]).tags) == ["ice", "science"]
    finally:
        other.close()
