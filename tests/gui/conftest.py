"""Fixtures for driving the real window (pytest-qt, offscreen)."""

import pytest
from PySide6.QtCore import QSettings

from reader.gui.main_window import MainWindow


@pytest.fixture
def settings_file(tmp_path):
    """Settings in a temporary ini file, never the user's own."""
    return str(tmp_path / "settings.ini")


@pytest.fixture
def make_window(qtbot, settings_file):
    """Opens a shown, active main window over a library (closed after the test)."""
    windows = []

    def make(library, poll_ms: int = 0):
        window = MainWindow(library, QSettings(settings_file, QSettings.Format.IniFormat), poll_ms=poll_ms)
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
