"""The Keep a Vault Current… dialog: the folder and the format, or stop keeping one.

Its own module, loaded when the dialog is first asked for: dialogs cost the window's
start-up their Qt classes (QDialog, QFileDialog, QFormLayout), and the first frame has none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui.vault_keeper import FORMATS
from reader.gui.widgets import named


class VaultDialog(QDialog):
    """Choose the folder and the format; or stop keeping a folder current."""

    STOP = 2  # exec() result: turn it off

    def __init__(self, folder: Path | None, fmt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keep a Vault Current")
        self.setObjectName("VaultDialog")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        explain = QLabel(
            "Reader writes every article with highlights or a note into this folder, one file each, "
            "and rewrites a file whenever its highlights or notes change, while Reader is open. "
            "Files you edited yourself, and anything else in the folder, are left alone.",
            wordWrap=True,
        )
        layout.addWidget(explain)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path = named(QLineEdit(str(folder) if folder is not None else ""), "VaultFolder")
        self.path.setPlaceholderText("The vault or graph folder, e.g. ~/Notes/Reader")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Folder:", row)
        self.format = named(QComboBox(), "VaultFormat")
        for key, label in FORMATS:
            self.format.addItem(label, key)
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        form.addRow("Format:", self.format)
        layout.addLayout(form)
        self.state = named(
            QLabel(
                f"Now kept current: {folder}" if folder is not None else "No folder is kept current now.",
                wordWrap=True,
            ),
            "VaultState",
        )
        layout.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.keep_button = buttons.addButton("Keep Current", QDialogButtonBox.ButtonRole.AcceptRole)
        self.stop_button = buttons.addButton("Stop Keeping", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.stop_button.setEnabled(folder is not None)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.keep_button.clicked.connect(self.accept)
        self.stop_button.clicked.connect(lambda: self.done(self.STOP))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.path.textChanged.connect(lambda text: self.keep_button.setEnabled(bool(text.strip())))
        self.keep_button.setEnabled(bool(self.path.text().strip()))

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Keep This Folder Current", self.path.text() or str(Path.home()))
        if path:
            self.path.setText(path)

    def chosen(self) -> tuple[str, str]:
        return self.path.text().strip(), str(self.format.currentData())


__all__ = ["VaultDialog"]
