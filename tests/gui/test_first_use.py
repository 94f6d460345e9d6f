"""A reader's first minutes with the window: where the keys go, what the list and the Notebook say."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import answer_dialogs, settle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit
from test_window import drop, drop_and_wait, long_page

from reader.core.domain import Change


def test_j_after_the_first_import_goes_to_the_next_article_not_into_the_search_field(
    qtbot, library, make_window, tmp_path
):
    for n, title in enumerate(("Alpha", "Beta")):
        long_page(tmp_path / "saved", f"{n}.html", title, "rivers")
    window = make_window(library)  # an empty library: a new reader's first start
    drop_and_wait(qtbot, window, [tmp_path / "saved"])
    qtbot.waitUntil(lambda: window.article_id is not None, timeout=5000)
    opened = window.article_id
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.article_id != opened, timeout=3000)
    assert window.panel.search.text() == ""


def test_keys_read_the_article_reopened_at_start(qtbot, library, make_window, tmp_path, settings_file):
    for n, title in enumerate(("Alpha", "Beta", "Gamma")):
        library.import_paths([long_page(tmp_path, f"{n}.html", title, "rivers")], workers=1)
    first = make_window(library)
    first.panel.step(1)
    qtbot.waitUntil(lambda: first.article_id is not None, timeout=3000)
    first.close()
    window = make_window(library)  # the same settings: the article read last opens again
    qtbot.waitUntil(lambda: window.article_id is not None, timeout=5000)
    opened = window.article_id
    assert window.view.hasFocus()
    bar = window.view.verticalScrollBar()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)  # Space pages the text
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_J)  # the first row was read last: J goes down
    qtbot.waitUntil(lambda: window.article_id != opened, timeout=3000)
    assert window.panel.search.text() == ""
    settle(qtbot, window)


def test_in_a_narrow_window_one_click_on_the_library_button_brings_the_list_back(qtbot, library, make_window, tmp_path):
    library.import_paths([long_page(tmp_path, "a.html", "Alpha", "apples")], workers=1)
    window = make_window(library)
    window.resize(700, 800)
    qtbot.waitUntil(lambda: not window.panel.isVisible(), timeout=3000)  # the list gave way to the text
    toggle = window.actions["toggle_library"]
    assert not toggle.isChecked()  # the button does not claim a list that is not there
    toggle.trigger()  # one click, as on the toolbar
    qtbot.waitUntil(window.panel.isVisible, timeout=3000)
    assert toggle.isChecked()


def test_a_first_import_says_it_is_importing_and_the_list_fills_while_it_runs(qtbot, library, make_window, tmp_path):
    for n in range(60):
        long_page(tmp_path / "saved", f"{n:02}.html", f"Page {n}", "rivers", paragraphs=30)
    window = make_window(library)
    panel = window.panel
    assert panel.empty.title.text() == "Your library is empty"
    seen_while_importing = []
    window.progress.bar.valueChanged.connect(lambda _v: seen_while_importing.append(panel.model.total))
    with qtbot.waitSignal(window.importFinished, timeout=60000):
        drop(window, [tmp_path / "saved"])
        assert panel.stack.currentWidget() is panel.empty
        assert panel.empty.title.text().startswith("Importing")  # not "Your library is empty"
        title = panel.empty.title
        qtbot.waitUntil(lambda: title.isVisible() and title.width() > 0, timeout=3000)
        assert title.fontMetrics().horizontalAdvance(title.text()) <= title.contentsRect().width()  # not cut off
        assert not panel.empty.button.isVisible()
    assert max(seen_while_importing) > 0  # rows came before the import ended
    assert panel.model.total == 60


@pytest.mark.parametrize("key", [Qt.Key.Key_F1, Qt.Key.Key_Question])
def test_f1_or_question_mark_lists_the_keys_of_the_window(qtbot, library, make_window, article_page, key):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.step(1)  # an article open, the keys go to its text
    qtbot.waitUntil(lambda: window.article_id is not None, timeout=5000)
    window.view.setFocus()
    qtbot.keyClick(window.view, key)
    sheet = window.findChild(QDialog, "ShortcutsHelp")
    assert sheet is not None and sheet.isVisible()
    lines = sheet.plain_text().splitlines()
    for keys, what in (
        ("J", "Next Article"),
        ("H", "Highlight Selection"),
        ("F11", "Full Screen"),
        ("1 2 3 4", "Again"),
    ):
        assert any(line.startswith(keys) and what in line for line in lines), (keys, what)
    assert not any(line.startswith("Ctrl+O or Open") for line in lines)  # no keys few keyboards have
    qtbot.keyClick(window.view, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=3000)


def test_the_notebook_reads_as_it_will_before_its_highlights_arrive(qtbot, library, rivers, make_window):
    library.highlight_quote(rivers, "a daily pulse", color="green", tags=["rhythm"])
    window = make_window(library)
    window.action_notebook()
    notebook = window.notebook
    # At once, before the library has answered: the filters say what they filter, the count says why it is empty.
    assert notebook.tag_filter.currentText() == "All tags"
    assert notebook.article_filter.currentText() == "All articles"
    assert notebook.count.text() == "Reading your highlights…"
    qtbot.waitUntil(lambda: notebook.count.text() == "1 highlight in 1 article", timeout=5000)
    assert notebook.tag_filter.findText("#rhythm") > 0


def test_the_import_progress_is_a_compact_group_at_the_right_of_the_status_bar(qtbot, library, make_window, tmp_path):
    for n in range(20):
        long_page(tmp_path / "saved", f"{n:02}.html", f"Page {n}", "rivers")
    window = make_window(library)
    progress = window.progress
    with qtbot.waitSignal(window.importFinished, timeout=60000):
        drop(window, [tmp_path / "saved"])
        qtbot.waitUntil(lambda: progress.cancel.isVisible() and progress.cancel.width() > 0, timeout=3000)
        assert progress.cancel.width() <= progress.cancel.sizeHint().width() + 8  # a button, not a bar
        label_end = progress.label.geometry().right()
        assert progress.bar.geometry().left() - label_end < 40  # the words sit beside their bar


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # the popup, offscreen
def test_the_tags_editor_offers_the_tags_the_library_has(qtbot, library, rivers, make_window, tmp_path):
    other_id = library.import_paths([long_page(tmp_path, "b.html", "Beta", "bananas")], workers=1)[0].id
    library.set_tags(other_id, ["Rivers of Europe", "science"])
    window = make_window(library)
    window.open_article(rivers)
    offered = []

    def type_tags(dialog: QInputDialog) -> None:
        try:
            field = dialog.findChild(QLineEdit)
            qtbot.keyClicks(field, "ice, riv")  # a new tag, then the start of one the library has
            popup = field.completer().popup()
            qtbot.waitUntil(popup.isVisible, timeout=3000)
            offered.extend(popup.model().index(row, 0).data() for row in range(popup.model().rowCount()))
            qtbot.keyClick(popup, Qt.Key.Key_Down)
            qtbot.keyClick(popup, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
        finally:
            dialog.accept()  # (whatever happened: the test goes on to say what)

    answer_dialogs(window, QInputDialog, type_tags)
    window.actions["tags"].trigger()
    settle(qtbot, window)
    assert offered == ["Rivers of Europe"]
    assert set(library.get(rivers).tags) == {"ice", "Rivers of Europe"}
    # The highlight's note editor offers them too.
    dialog = window.note_dialog("a quote", "", (), "yellow")
    completer = dialog.tags.completer()
    completer.setCompletionPrefix(completer.splitPath("rhythm, SCI")[0])
    assert completer.currentCompletion() == "science"
    assert completer.pathFromIndex(completer.currentIndex()) == "science"  # the field held nothing yet


def test_an_empty_notebook_says_how_it_fills(qtbot, library, rivers, make_window):
    window = make_window(library)
    window.action_notebook()
    notebook = window.notebook
    qtbot.waitUntil(lambda: notebook.count.text() != "Reading your highlights…", timeout=5000)
    assert notebook.count.text() == "No highlights yet: select words in an article and press H."
    library.highlight_quote(rivers, "a daily pulse", color="green")
    window.ops.announce(Change("highlight-added", rivers))
    qtbot.waitUntil(lambda: notebook.count.text() == "1 highlight in 1 article", timeout=5000)
    notebook.search.setText("glaciers")
    qtbot.waitUntil(lambda: notebook.count.text() == "No highlights match these filters.", timeout=5000)
