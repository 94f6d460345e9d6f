"""Where a library lives: --library DIR or URL, else $READER_LIBRARY, else the user data folder.

A folder holds a personal SQLite library (library.db); a postgresql:// URL
names a shared library on a PostgreSQL server (credentials as libpq finds
them: ~/.pgpass, PGPASSWORD, service files).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from platformdirs import user_data_dir

from reader import APP_NAME

LIBRARY_ENV = "READER_LIBRARY"
DB_NAME = "library.db"

_SERVER_URL = re.compile(r"^postgres(?:ql)?(?:\+psycopg)?://", re.IGNORECASE)


def default_library_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def is_server_url(value: str | os.PathLike | None) -> bool:
    return isinstance(value, str) and bool(_SERVER_URL.match(value))


def _given(option: str | os.PathLike | None) -> str | os.PathLike | None:
    return option or os.environ.get(LIBRARY_ENV) or None


def resolve_library(option: str | os.PathLike | None = None) -> Path | str:
    """The library folder (a Path), or a shared library's URL (a str)."""
    given = _given(option)
    if is_server_url(given):
        return str(given)
    return Path(given).expanduser() if given else default_library_dir()


def resolve_library_dir(option: str | os.PathLike | None = None) -> Path:
    """--library DIR, else $READER_LIBRARY, else the platform's user data folder."""
    given = _given(option)
    return Path(given).expanduser() if given else default_library_dir()
