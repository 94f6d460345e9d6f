"""Where a library lives: --library DIR, else $READER_LIBRARY, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from reader import APP_NAME

LIBRARY_ENV = "READER_LIBRARY"
DB_NAME = "library.db"


def default_library_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_library_dir(option: str | os.PathLike | None = None) -> Path:
    """--library DIR, else $READER_LIBRARY, else the platform's user data folder."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return default_library_dir()
