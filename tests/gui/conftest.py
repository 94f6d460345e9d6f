"""Fixtures for driving the real window (pytest-qt, offscreen)."""

import pytest
from gui_support import GuiThreadGuard, settle  # noqa: F401 (settle: for tests that import it from here)
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
        qtbot.waitUntil(
            lambda: window.built, timeout=5000
        )  # the parts made after the first paint, as a reader finds them
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()
    assert [name for guard in guards for name in guard.violations] == []


@pytest.fixture
def rivers(library, article_page):
    """The fixture article, imported; its id."""
    return library.import_paths([article_page], workers=1)[0].id


@pytest.fixture
def other(library):
    """A second Library on the same folder, as the `reader` command would open it."""
    from reader.core.library import Library

    lib = Library.open(library.folder)
    yield lib
    lib.close()
