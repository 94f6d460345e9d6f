"""The Rename… dialog: one line, the article's title, prefilled; an empty title is refused.

Its own module, loaded when the dialog is first asked for (the first frame has no dialogs).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from reader.gui.widgets import named


def clean_title(text: str) -> str:
    """The title as the library will store it: spaces collapsed (Library.set_title does the same)."""
    return " ".join(text.split())


class RenameDialog(QDialog):
    """The article's title, selected for typing over; Rename stays greyed while it is empty."""

    def __init__(self, title: str, page_title: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rename Article")
        self.setObjectName("RenameDialog")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Title of this article:"))
        self.field = named(QLineEdit(title), "RenameTitle")
        self.field.selectAll()
        layout.addWidget(self.field)
        if page_title is not None:  # renamed before: say what "Use the Page’s Title" brings back
            hint = named(QLabel(f"The page’s own title: {page_title}"), "PageTitleHint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.rename_button = self.buttons.addButton("Rename", QDialogButtonBox.ButtonRole.AcceptRole)
        self.rename_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)  # (Esc rejects too: QDialog)
        layout.addWidget(self.buttons)
        self.field.textChanged.connect(self._check)
        self._check(title)

    def _check(self, text: str) -> None:
        self.rename_button.setEnabled(bool(clean_title(text)))

    def accept(self) -> None:
        if clean_title(self.field.text()):  # Enter in an empty field: nothing to store
            super().accept()

    def title(self) -> str:
        return clean_title(self.field.text())


__all__ = ["RenameDialog", "clean_title"]
