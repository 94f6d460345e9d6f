"""Opening the library before the window: an old library's one-time upgrade (which
can take minutes) is announced in a small window instead of a silent wait."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from reader.core import Library, LibraryError
from reader.core.storage import db
from reader.gui import opening


def _watch() -> tuple[QTimer, list[str]]:
    """What the opening window says, read at every turn of its event loop."""
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.objectName() == "OpeningLibrary" and widget.isVisible():
                seen.append(widget.labelText())

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(0)
    return timer, seen


def test_an_old_library_is_upgraded_behind_a_window_that_says_so(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "old"
    folder.mkdir()
    db.run_migrations(db.create_library_engine(folder / "library.db"), "0001")
    monkeypatch.setattr(opening, "SHOW_AFTER_S", 0.0)  # however fast this machine upgrades
    timer, seen = _watch()
    library = opening.open_library(folder)
    timer.stop()
    try:
        assert library.count() == 0 and not library.list_articles().items
        assert (folder / f"library.db.before-{db.SCHEMA_REVISION}").exists()
    finally:
        library.close()
    assert seen, "no window was shown while the library opened"
    upgrade = [text for text in seen if text.startswith("Upgrading the library")]
    assert upgrade and str(folder) in upgrade[-1] and "kept as library.db.before-" in upgrade[-1]
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if w.objectName() == "OpeningLibrary")


def test_a_current_library_opens_without_a_window_and_errors_reach_the_caller(qtbot, tmp_path):
    Library.open(tmp_path / "new").close()
    timer, seen = _watch()
    library = opening.open_library(tmp_path / "new")  # current: read at once, no window
    library.close()
    timer.stop()
    assert seen == []
    (tmp_path / "a file").write_text("not a library")
    with pytest.raises(LibraryError, match="is a file"):
        opening.open_library(tmp_path / "a file")
