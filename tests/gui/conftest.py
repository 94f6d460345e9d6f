"""Fixtures for driving the real window (pytest-qt, offscreen)."""

import threading

import pytest
from PySide6.QtCore import QSettings

from reader.gui.main_window import MainWindow


@pytest.fixture
def settings_file(tmp_path):
    """Settings in a temporary ini file, never the user's own."""
    return str(tmp_path / "settings.ini")


@pytest.fixture
def make_window(qtbot, settings_file):
    """Opens a shown, active main window over a library (closed after the test). The window
    sees the library through a GuiThreadGuard: no test passes if the GUI thread writes."""
    windows = []
    guards = []

    def make(library, poll_ms: int = 0):
        guard = GuiThreadGuard(library)
        guards.append(guard)
        window = MainWindow(guard, QSettings(settings_file, QSettings.Format.IniFormat), poll_ms=poll_ms)
        window.import_workers = 1  # no process pool start-up in tests
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)  # keyboard shortcuts go to the active window
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()
    assert [name for guard in guards for name in guard.violations] == []


# What the window must never do on the GUI thread: write, or run a read that can be slow.
WRITES = frozenset(
    {
        "import_paths",
        "store",
        "reextract",
        "optimize",
        "reindex",
        "set_archived",
        "set_favorite",
        "set_progress",
        "set_note",
        "set_tags",
        "add_tags",
        "remove_tags",
        "delete",
        "add_highlight",
        "highlight_quote",
        "update_highlight",
        "delete_highlight",
        "restore_highlight",
        "insert_highlights",
        "backup",
        "answer_review",
        "set_review_settings",
    }
)
SLOW_READS = frozenset({"all_highlights", "iter_articles", "search", "review_queue", "review_stats"})


class GuiThreadGuard:
    """The library as the window sees it: a write (or a slow read) called on the GUI
    thread fails the test, there and then and again at teardown."""

    def __init__(self, library) -> None:
        self._library = library
        self.violations: list[str] = []

    def __getattr__(self, name: str):
        value = getattr(self._library, name)
        if name not in WRITES and name not in SLOW_READS:
            return value

        def checked(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                self.violations.append(name)
                raise AssertionError(f"Library.{name} called on the GUI thread")
            return value(*args, **kwargs)

        return checked


def settle(qtbot, window, timeout: int = 15000) -> None:
    """Wait until every operation the window started has finished and been announced."""
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=timeout)
