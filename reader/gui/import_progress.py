"""The import's progress in the status bar: what is happening, how far, and Cancel.

Hidden until an import starts, but in the status bar from the window's first frame: its
Cancel button sets the bar's height, which must not change after the first paint.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from reader.gui.widgets import props


class ImportProgress(QWidget):
    """In the status bar while importing: what is happening, how far, and Cancel."""

    cancelRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        self.label = QLabel()
        self.bar = props(QProgressBar(), maximumWidth=220, textVisible=False)
        self.bar.setFixedHeight(8)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self._cancel)
        # Room the status bar gives beyond what these need goes before them, not into the
        # button (it grew to a bar of its own, the words adrift in the middle).
        self.cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.bar.setMinimumWidth(160)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, count_hint: str) -> None:
        self.label.setText(f"Importing {count_hint}…")
        self.bar.setRange(0, 0)  # busy until the first file is done
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")
        self.show()

    def update_progress(self, done: int, total: int, path: str) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        self.label.setText(f"Importing {done} of {total}…")

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.cancel.setText("Cancelling…")
        self.cancelRequested.emit()
