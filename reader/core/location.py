"""Where a library lives: --library DIR or URL, else $READER_LIBRARY, else the user data folder.

A folder holds a personal SQLite library (library.db); a postgresql:// URL
names a shared library on a PostgreSQL server (credentials as libpq finds
them: ~/.pgpass, PGPASSWORD, service files).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reader import APP_NAME

LIBRARY_ENV = "READER_LIBRARY"
DB_NAME = "library.db"

_SERVER_URL = re.compile(r"^postgres(?:ql)?(?:\+psycopg)?://", re.IGNORECASE)


def default_library_dir() -> Path:
    from platformdirs import user_data_dir  # imported here: 5 ms of start-up when --library is given

    return Path(user_data_dir(APP_NAME, appauthor=False))


def is_server_url(value: str | os.PathLike[str] | None) -> bool:
    return isinstance(value, str) and bool(_SERVER_URL.match(value))


def _given(option: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    return option or os.environ.get(LIBRARY_ENV) or None


def resolve_library(option: str | os.PathLike[str] | None = None) -> Path | str:
    """The library folder (a Path), or a shared library's URL (a str)."""
    given = _given(option)
    if is_server_url(given):
        return str(given)
    return Path(given).expanduser() if given else default_library_dir()


def resolve_library_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """--library DIR, else $READER_LIBRARY, else the platform's user data folder."""
    given = _given(option)
    return Path(given).expanduser() if given else default_library_dir()


# Folders that sync services keep in step between machines, by the marks they
# leave: a SQLite library there gets copied mid-write or without its -wal file
# (SQLite, "How To Corrupt An SQLite Database File", 1.2 and 2.4).
_SYNC_MARKERS = (
    ("Dropbox", (".dropbox", ".dropbox.cache")),
    ("Syncthing", (".stfolder",)),
    ("Nextcloud", (".nextcloudsync.log", ".owncloudsync.log", ".sync_journal.db")),
)


def synced_folder(folder: Path) -> str | None:
    """The sync service whose folder holds `folder` (Dropbox, Syncthing,
    Nextcloud, OneDrive, iCloud Drive), or None. Looks at names and marker
    files only: nothing is opened."""
    try:
        folder = folder.expanduser().resolve()
    except OSError:
        return None
    text = folder.as_posix()
    if "/Mobile Documents/com~apple~CloudDocs" in text or "/iCloudDrive" in text or "/iCloud Drive" in text:
        return "iCloud Drive"
    for part in folder.parts:
        if part == "Dropbox" or part.startswith("Dropbox ("):
            return "Dropbox"
        if part == "OneDrive" or part.startswith("OneDrive - "):
            return "OneDrive"
        if part == "Nextcloud":
            return "Nextcloud"
    for ancestor in (folder, *folder.parents):
        for service, markers in _SYNC_MARKERS:
            try:
                if any((ancestor / marker).exists() for marker in markers):
                    return service
            except OSError:
                continue
    return None


def synced_folder_warning(folder: Path) -> str | None:
    service = synced_folder(folder)
    if service is None:
        return None
    return (
        f"{folder} is inside a {service} folder: a library there can lose highlights or be damaged when "
        f"{service} copies it while Reader writes. Keep the library outside it, and share it on a "
        'PostgreSQL server instead (see "A shared library" in the README).'
    )
