"""The Your Name… dialog: one line, the name others see on your highlights and notes.

Its own module, loaded when the dialog is first asked for: dialogs cost the window's
start-up their Qt classes (QDialog, QDialogButtonBox), and the first frame has none.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from reader.core.identity import login_name
from reader.gui.widgets import named


class NameDialog(QDialog):
    """One line: the name others see on your highlights and notes; empty means the OS user."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your Name")
        self.setObjectName("NameDialog")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        explain = QLabel(
            "The name recorded with your highlights and notes. In a shared library the others "
            f"see it, e.g. “changed by {current} since you opened it”.",
            wordWrap=True,
        )
        layout.addWidget(explain)
        self.field = named(QLineEdit(current), "DisplayName")
        self.field.setPlaceholderText(login_name())
        self.field.selectAll()
        layout.addWidget(self.field)
        hint = named(QLabel(f"Leave it empty to use your computer's user name ({login_name()})."), "NameHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def name(self) -> str:
        return " ".join(self.field.text().split())


__all__ = ["NameDialog"]
