"""File > Export… into one file replaces a file Reader did not write only once the
user agreed: in the save dialog's own "Replace?", or in the window's when the name
was typed. A file Reader wrote is exported again without a question."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import answer_dialogs
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.gui.export_dialog import ExportDialog

QUOTE = "Instead we found them breathing."
MINE = b"my own notes, not an export\n"


def fill(out, browse=False):
    """Markdown into one file at `out` (typed, or chosen with Choose…), then Export."""

    def answer(d) -> None:
        d.format.setCurrentIndex(d.format.findData("md"))
        d.to_file.setChecked(True)
        if browse:
            d.browse.click()  # the save dialog: answered by pick()
        else:
            d.path.setText(str(out))
        d.export_button.click()

    return answer


def reply(button, asked: list[str]):
    def answer(box) -> None:
        asked.append(box.text())
        box.button(button).click()

    return answer


def unstuck(window, seconds: float = 60.0) -> list[str]:
    """Closes any dialog still open after `seconds` (a question no answer was queued
    for) so a wrong turn fails the test instead of hanging it; lists what it closed."""
    closed: list[str] = []

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            closed.append(type(dialog).__name__)
            dialog.reject()

    timer = QTimer(window)
    timer.setInterval(int(seconds * 1000))
    timer.timeout.connect(close)
    timer.start()
    return closed


def export(qtbot, window):
    with qtbot.waitSignal(window.exportFinished, timeout=60000) as blocker:
        window.actions["export"].trigger()
    return blocker.args[0]


def test_a_typed_name_of_your_file_is_replaced_only_once_you_agree(library, rivers, make_window, qtbot, tmp_path):
    library.highlight_quote(rivers, QUOTE, color="green")
    window = make_window(library)
    out = tmp_path / "notes.md"
    out.write_bytes(MINE)
    closed = unstuck(window)
    asked: list[str] = []
    held: list[bytes] = []

    def export_again(d) -> None:
        held.append(out.read_bytes())  # after "No": nothing written, the dialog still open
        d.export_button.click()

    answer_dialogs(window, ExportDialog, fill(out), export_again)
    answer_dialogs(
        window,
        QMessageBox,
        reply(QMessageBox.StandardButton.No, asked),
        reply(QMessageBox.StandardButton.Yes, asked),
    )
    assert export(qtbot, window) is not None
    assert held == [MINE] and len(asked) == 2 and "notes.md already exists" in asked[0]
    assert QUOTE in out.read_text("utf-8")

    # Reader's own file now: exported again with no question.
    library.highlight_quote(rivers, "a daily pulse", color="yellow")
    answer_dialogs(window, ExportDialog, fill(out))
    answer_dialogs(window, QMessageBox, reply(QMessageBox.StandardButton.No, asked))
    assert export(qtbot, window) is not None
    assert len(asked) == 2 and "a daily pulse" in out.read_text("utf-8")
    assert closed == []


def test_the_save_dialogs_replace_question_is_the_agreement(library, rivers, make_window, qtbot, tmp_path):
    library.highlight_quote(rivers, QUOTE, color="green")
    window = make_window(library)
    out = tmp_path / "notes.md"
    out.write_bytes(MINE)
    closed = unstuck(window)
    asked: list[str] = []

    def pick(d) -> None:
        d.selectFile(str(out))
        d.accept()  # the file is there: the save dialog asks "Replace?" first

    answer_dialogs(window, ExportDialog, fill(out, browse=True))
    answer_dialogs(window, QFileDialog, pick)
    # The save dialog's question, answered Yes; a second question (the window's) would get No.
    answer_dialogs(
        window,
        QMessageBox,
        reply(QMessageBox.StandardButton.Yes, asked),
        reply(QMessageBox.StandardButton.No, asked),
    )
    assert export(qtbot, window) is not None
    assert len(asked) == 1 and "notes.md" in asked[0] and "Reader did not write" not in asked[0]  # Qt's, not ours
    assert QUOTE in out.read_text("utf-8")
    assert closed == []
