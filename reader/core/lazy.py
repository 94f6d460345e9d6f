"""A library that opens at once: the window can paint its list before the rest
of the core (SQLAlchemy, Alembic) has loaded.

LazyLibrary answers the list's reads (reader.core.listing) over a plain sqlite3
connection and loads the full Library on first need of anything else, or when
`load()` is called (the window does so right after its first paint). A library
that is new, damaged, or at an older schema is opened fully at once, so checks
and migrations always run before anything is read. A shared library (a
postgresql:// URL) is opened fully at once too: its driver loads with SQLAlchemy.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reader.core import listing
from reader.core.errors import LibraryError
from reader.core.location import DB_NAME, resolve_library
from reader.core.storage.revision import SCHEMA_REVISION


class LazyLibrary:
    def __init__(self, folder: Path | str) -> None:
        # A folder, or a shared library's URL (always loaded at once).
        self.folder = folder
        self.db_path = folder / DB_NAME if isinstance(folder, Path) else None
        self._library = None
        self._lock = threading.Lock()
        self._local = threading.local()

    @classmethod
    def open(cls, folder: str | os.PathLike | None = None) -> LazyLibrary:
        lazy = cls(resolve_library(folder))
        if lazy.db_path is None or not lazy._is_current():
            lazy.load()
        return lazy

    def _is_current(self) -> bool:
        # stat() and SQLite only: never open() the database file (see storage/db.py).
        if self.db_path is None:
            return False
        try:
            if not self.db_path.is_file() or self.db_path.stat().st_size == 0:
                return False
        except OSError:
            return False
        return listing.schema_revision(self._conn()) == SCHEMA_REVISION

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = listing.connect(self.db_path)
        return conn

    @property
    def loaded(self) -> bool:
        return self._library is not None

    def load(self):
        """The full Library (imports SQLAlchemy on the first call)."""
        with self._lock:
            if self._library is None:
                from reader.core.library import Library

                self._library = Library.open(self.folder)
            return self._library

    # The list's reads, served without the full Library until it is loaded.

    def list_articles(self, sort="added", state=None, tag=None, cursor=None, limit=200):
        if self._library is not None:
            return self._library.list_articles(sort, state, tag, cursor, limit)
        return listing.list_articles(self._conn(), sort, state, tag, cursor, limit)

    def count(self, state=None, tag=None) -> int:
        if self._library is not None:
            return self._library.count(state, tag)
        return listing.count(self._conn(), state, tag)

    def tags(self):
        if self._library is not None:
            return self._library.tags()
        return listing.tags(self._conn())

    def signature(self):
        if self._library is not None:
            return self._library.signature()
        return listing.signature(self._conn())

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._library is not None:
            self._library.close()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.load(), name)


__all__ = ["LazyLibrary", "LibraryError"]
