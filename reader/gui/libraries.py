"""File > Open Shared Library…: a PostgreSQL library (or another folder) opened in
a window of its own, and the list of libraries opened recently.

A password is never kept: the recent list holds addresses without one, and
libpq finds the password itself (~/.pgpass, PGPASSWORD, a service file).
"""

from __future__ import annotations

import re
import subprocess
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QWidget

RECENT_KEY = "libraries/recent"
RECENT_MAX = 8


def without_password(url: str) -> str:
    """The address with any password taken out (user:secret@host -> user@host; ?password=...)."""
    url = re.sub(r"(://[^/@:?]*):[^/?@]*@", r"\1@", url.strip())
    url = re.sub(r"(?i)([?&])password=[^&]*&?", r"\1", url)
    return url.rstrip("?&")


def recent_libraries(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    return [str(v) for v in items if v][:RECENT_MAX]


def remember(settings: QSettings, address: str) -> None:
    address = without_password(address)
    items = [address, *(r for r in recent_libraries(settings) if r != address)]
    settings.setValue(RECENT_KEY, items[:RECENT_MAX])


def ask_for_library(parent: QWidget, settings: QSettings) -> str | None:
    """The address typed or picked (a postgresql:// URL or a folder), None if cancelled."""
    items = recent_libraries(settings) or ["postgresql://USER@HOST/DATABASE"]
    address, ok = QInputDialog.getItem(
        parent,
        "Open Shared Library",
        "A shared library on a PostgreSQL server (postgresql://user@host/database), or a folder.\n"
        "Passwords come from ~/.pgpass or PGPASSWORD and are never stored by Reader.",
        items,
        0,
        True,
    )
    address = address.strip() if ok else ""
    return address or None


def open_in_new_window(address: str) -> subprocess.Popen:
    """A Reader window of its own on that library (its own process, as `reader --library` starts)."""
    return subprocess.Popen([sys.executable, "-m", "reader", "--library", address])
