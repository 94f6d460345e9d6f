"""Opening the library before the window: at once for a current library, behind
a small window saying what happens when it takes longer (an old library's
one-time upgrade rebuilds its search index: minutes for 100,000 articles; a
server that is slow to answer).

The open runs on a plain thread and the GUI thread keeps painting; the thread
touches no Qt object: it leaves the upgrade's sentence where the GUI thread
reads it.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog

from reader.core.lazy import LazyLibrary

# Opening takes milliseconds; a window shows only past this, so it never flashes.
SHOW_AFTER_S = 0.4
_STEP_S = 0.03


def open_library(library_dir: str | os.PathLike[str] | None) -> LazyLibrary:
    """LazyLibrary.open(library_dir), saying so in a window while it takes long.
    Raises what it raises (LibraryError) in the calling thread."""
    said: list[str] = []
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["library"] = LazyLibrary.open(library_dir, on_upgrade=said.append)
        except BaseException as exc:  # handed to the GUI thread, raised there
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="reader-open", daemon=True)
    thread.start()
    thread.join(SHOW_AFTER_S)
    if thread.is_alive():
        _wait_in_window(thread, said)
    if "error" in outcome:
        raise outcome["error"]
    library: LazyLibrary = outcome["library"]
    return library


def _wait_in_window(thread: threading.Thread, said: list[str]) -> None:
    dialog = QProgressDialog()
    dialog.setObjectName("OpeningLibrary")
    dialog.setWindowTitle("Reader")
    label = QLabel("Opening your library…")
    label.setWordWrap(True)
    dialog.setLabel(label)
    dialog.setRange(0, 0)  # busy: an upgrade does not say how far it is
    dialog.setCancelButton(None)  # all or nothing: an upgrade cannot stop halfway
    dialog.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
    dialog.setMinimumWidth(480)
    dialog.setMinimumDuration(0)
    dialog.show()
    shown = 0
    while True:
        if len(said) > shown:
            shown = len(said)
            label.setText(_sentence(said[-1]))
            dialog.adjustSize()  # the sentence wraps to two or three lines
        QApplication.processEvents()
        if not thread.is_alive():
            break
        thread.join(_STEP_S)
    dialog.close()
    dialog.deleteLater()


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."
