"""The dialog for a note someone else changed since it was opened (the core's NoteConflict).

Both texts side by side: theirs (as saved now, read only) and yours (editable,
so the reader can merge the two by hand). Keep Mine saves the right-hand text
on top of their version; Keep Theirs leaves theirs and puts yours on the
clipboard; Copy Mine copies yours and stays open. Closing the dialog counts as
Keep Theirs, with yours on the clipboard too: nothing the reader typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from reader.gui.widgets import named

KEEP_THEIRS = "theirs"
KEEP_MINE = "mine"


class NoteConflictDialog(QDialog):
    """`resolved(choice, text)` once: choice KEEP_MINE with the text to save, or
    KEEP_THEIRS with their text (yours is on the clipboard by then)."""

    resolved = Signal(str, str)

    def __init__(self, what: str, by: str, theirs: str, yours: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoteConflictDialog")
        self.setWindowTitle("Note Changed Meanwhile")
        self.setMinimumSize(640, 380)
        self.by = by
        self.theirs = theirs
        self._done = False
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        head = named(
            QLabel(
                f"<b>{_escape(what)}: the note was changed by {_escape(by)} since you opened it.</b><br>"
                "Nothing of yours was saved yet. Keep theirs, keep yours, or edit yours to merge the two.",
                wordWrap=True,
            ),
            "ConflictMessage",
        )
        head.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(head, 0, 0, 1, 2)
        grid.addWidget(named(QLabel(f"Theirs ({_escape(by)}, saved now)"), "TheirsLabel"), 1, 0)
        grid.addWidget(named(QLabel("Yours (edit to merge)"), "YoursLabel"), 1, 1)
        self.their_text = named(QPlainTextEdit(), "TheirNote")
        self.their_text.setPlainText(theirs)
        self.their_text.setReadOnly(True)
        shade = self.their_text.palette()  # read only: the window's colour, not a field's
        shade.setColor(QPalette.ColorRole.Base, shade.color(QPalette.ColorRole.Window))
        self.their_text.setPalette(shade)
        self.your_text = named(QPlainTextEdit(), "YourNote")
        self.your_text.setPlainText(yours)
        self.your_text.setTabChangesFocus(True)
        grid.addWidget(self.their_text, 2, 0)
        grid.addWidget(self.your_text, 2, 1)
        grid.setRowStretch(2, 1)
        buttons = QDialogButtonBox()
        self.keep_theirs = named(QPushButton("Keep Theirs"), "KeepTheirs")
        self.keep_theirs.setToolTip("Leave their note as it is; yours goes to the clipboard")
        self.copy_mine = named(QPushButton("Copy Mine"), "CopyMine")
        self.copy_mine.setToolTip("Copy your text to the clipboard")
        self.keep_mine = named(QPushButton("Keep Mine"), "KeepMine")
        self.keep_mine.setToolTip("Save your text (as edited here) over theirs")
        self.keep_mine.setDefault(True)
        buttons.addButton(self.keep_theirs, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.copy_mine, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_mine.clicked.connect(self.accept)
        self.keep_theirs.clicked.connect(self.reject)
        self.copy_mine.clicked.connect(self.copy_yours)
        grid.addWidget(buttons, 3, 0, 1, 2)
        self.your_text.setFocus()

    def yours(self) -> str:
        return self.your_text.toPlainText().strip("\n")

    def copy_yours(self) -> None:
        QGuiApplication.clipboard().setText(self.yours())

    def done(self, result: int) -> None:  # every way out: buttons, Escape, the close box
        if not self._done:
            self._done = True
            if result == QDialog.DialogCode.Accepted:
                self.resolved.emit(KEEP_MINE, self.yours())
            else:
                if self.yours().strip():
                    self.copy_yours()
                self.resolved.emit(KEEP_THEIRS, self.theirs)
        super().done(result)


def highlight_label(quote: str, limit: int = 60) -> str:
    """How the dialog names a highlight: its quote, on one line, cut short."""
    quote = " ".join(quote.split())
    return f"The highlight “{quote[:limit].rstrip()}{'…' if len(quote) > limit else ''}”"


def _escape(text: str) -> str:
    import html

    return html.escape(text)


__all__ = ["KEEP_MINE", "KEEP_THEIRS", "NoteConflictDialog", "highlight_label"]
