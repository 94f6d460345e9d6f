"""A library that opens at once: the window can paint its list, and the command
line can list, show and search, before the rest of the core (SQLAlchemy,
Alembic) has loaded.

LazyLibrary answers the reads of reader.core.listing and the search
(reader.core.storage.search over FTS5) on a plain sqlite3 connection, and loads
the full Library on first need of anything else, or when `load()` is called
(the window does so right after its first paint). A library that is new,
damaged, or at an older schema is opened fully at once, so checks and
migrations always run before anything is read; a read that meets damage
SQLite reports loads the full Library too, whose checks say so in one line. A
shared library (a postgresql:// URL) is opened fully at once: its driver loads
with SQLAlchemy.

`list_json` gives `reader list --json` its entries already as JSON text, read in
one statement from articles.list_json, where SQLite's triggers keep each
article's entry (migration 0014; built with json_object here where it is NULL):
100,000 articles as records and json.dumps took a second, most of it in Python,
and building every entry in SQL on each run 370 ms.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reader.core import domain, listing
from reader.core.errors import LibraryError
from reader.core.location import DB_NAME, resolve_library, synced_folder_warning
from reader.core.storage.list_entries import ENTRY_SQL
from reader.core.storage.revision import SCHEMA_REVISION

if TYPE_CHECKING:
    from reader.core.library import Library

T = TypeVar("T")


class LazyLibrary:
    def __init__(
        self, folder: Path | str, user: str | None = None, on_upgrade: Callable[[str], None] | None = None
    ) -> None:
        # A folder, or a shared library's URL (always loaded at once).
        self.folder = folder
        self.user_name = user
        self.on_upgrade = on_upgrade  # see Library.open
        self.db_path = folder / DB_NAME if isinstance(folder, Path) else None
        self._library: Library | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str] | None = None,
        user: str | None = None,
        on_upgrade: Callable[[str], None] | None = None,
    ) -> LazyLibrary:
        lazy = cls(resolve_library(folder), user, on_upgrade)
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

    def _conn(self) -> listing.Sql:
        conn: listing.Sql | None = getattr(self._local, "conn", None)
        if conn is None:
            assert self.db_path is not None
            conn = self._local.conn = listing.connect(self.db_path)
        return conn

    @property
    def loaded(self) -> bool:
        return self._library is not None

    def load(self) -> Library:
        """The full Library (imports SQLAlchemy on the first call)."""
        with self._lock:
            if self._library is None:
                from reader.core.library import Library

                self._library = Library.open(self.folder, user=self.user_name, on_upgrade=self.on_upgrade)
            return self._library

    def _light(self, read: Callable[[listing.Sql], T], full: Callable[[Library], T]) -> T:
        """`read` on the plain connection until the Library is loaded, `full` after.
        Damage SQLite meets on the way loads the Library, whose open checks the
        file and says what is wrong in one line (or reads it, if it can)."""
        if self._library is None:
            try:
                return read(self._conn())
            except sqlite3.DatabaseError:
                pass
        return full(self.load())

    @property
    def warnings(self) -> list[str]:
        """What the front ends say once at open (a library in a synced folder)."""
        if self._library is not None:
            return self._library.warnings
        warning = synced_folder_warning(self.folder) if isinstance(self.folder, Path) else None
        return [warning] if warning else []

    # The reads, served without the full Library until it is loaded.

    def list_articles(
        self,
        sort: str = "added",
        state: str | None = None,
        tag: str | None = None,
        cursor: tuple[Any, ...] | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> domain.Page:
        return self._light(
            lambda c: listing.list_articles(c, sort, state, tag, cursor, limit, offset),
            lambda lib: lib.list_articles(sort, state, tag, cursor, limit, offset),
        )

    def position(
        self, article_id: int, sort: str = "added", state: str | None = None, tag: str | None = None
    ) -> int | None:
        return self._light(
            lambda c: listing.position(c, article_id, sort, state, tag),
            lambda lib: lib.position(article_id, sort, state, tag),
        )

    def iter_articles(
        self, sort: str = "added", state: str | None = None, tag: str | None = None
    ) -> Iterator[domain.ArticleSummary]:
        cursor = None
        while True:
            page = self.list_articles(sort, state, tag, cursor, limit=1000)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def list_json(self, sort: str = "added", state: str | None = None, tag: str | None = None) -> Iterator[bytes]:
        """The list's entries (list_entry) as compact JSON in UTF-8, in list order: each
        item is a batch of objects joined by commas, to be joined by commas again inside
        `[...]`. Built by SQLite on the plain connection (one statement, so one
        snapshot); from the loaded Library's records otherwise (a shared library)."""
        if self._library is None:
            try:
                batches = _json_batches(self._conn(), sort, state, tag)
                first = next(batches, None)
            except sqlite3.ProgrammingError:
                raise  # a mistake here, not damage
            except sqlite3.DatabaseError:
                pass  # damage: the full Library's checks say what it is (below)
            else:
                if first is not None:
                    yield first
                    try:
                        yield from batches
                    except sqlite3.DatabaseError as exc:
                        self.load()  # says what is wrong in one line, if its checks find it
                        raise LibraryError(f"{self.db_path}: {exc}") from None
                return
        items = self.iter_articles(sort, state, tag)
        while batch := list(itertools.islice(items, _JSON_BATCH)):
            yield _compact([list_entry(a) for a in batch])[1:-1].encode()

    def count(self, state: str | None = None, tag: str | None = None) -> int:
        return self._light(lambda c: listing.count(c, state, tag), lambda lib: lib.count(state, tag))

    def tags(self) -> list[tuple[str, int]]:
        return self._light(listing.tags, lambda lib: lib.tags())

    def get(self, article_id: int) -> domain.Article:
        return self.get_many([article_id])[0]

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]:
        return self._light(lambda c: listing.get_many(c, ids, content), lambda lib: lib.get_many(ids, content))

    def shows_current_text(self, article: domain.Article) -> bool:
        return self._light(
            lambda c: not listing.text_changed(c, article.id, article.text, article.html),
            lambda lib: lib.shows_current_text(article),
        )

    def article_ids(self, state: str | None = None, tag: str | None = None) -> list[int]:
        return self._light(lambda c: listing.article_ids(c, state, tag), lambda lib: lib.article_ids(state, tag))

    def search(self, query: str, limit: int = 50) -> list[domain.SearchHit]:
        # Imported on first search: the FTS module compiles its CJK patterns at import,
        # a cost the window's first paint does not need.
        from reader.core.storage import fts
        from reader.core.storage import search as search_index

        return self._light(lambda c: search_index.hits(fts, c, query, limit), lambda lib: lib.search(query, limit))

    def signature(self) -> tuple[Any, ...]:
        return self._light(listing.signature, lambda lib: lib.signature())

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._library is not None:
            self._library.close()

    def __enter__(self) -> LazyLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.load(), name)


def list_entry(a: domain.ArticleSummary) -> dict[str, Any]:
    """One article of `reader list --json` (keys in this order; storage.list_entries builds the same)."""
    return {
        "id": a.id,
        "title": a.title,
        "author": a.author,
        "site": a.site,
        "url": a.url,
        "published": a.published,
        "added": a.added.isoformat() + "Z",
        "word_count": a.word_count,
        "highlights": a.highlight_count,
    }


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The stored entry as bytes, or the article's id (an int) where it is NULL. Reads only
# `added`, `id` and `list_json`, so that the whole list, newest first, comes from the
# covering index ix_articles_added_list_json without the table.
_STORED_SQL = "CASE WHEN a.list_json IS NULL THEN a.id ELSE CAST(a.list_json AS BLOB) END"
_ODD_ADDED = re.compile(rb'"added":"\\u0001((?:[^"\\]|\\.)*)"')
_JSON_BATCH = 1000


def _json_batches(conn: listing.Sql, sort: str, state: str | None, tag: str | None) -> Iterator[bytes]:
    """list_json on SQLite: the whole list in one statement, in the order of list_articles."""
    if sort not in listing.SORTS:
        raise LibraryError(f"unknown sort {sort!r}; use one of {', '.join(listing.SORTS)}")
    key, descending = listing._SORT_KEYS[sort]
    where, params = listing._filters(state, tag)
    direction = "DESC" if descending else "ASC"
    # As bytes (CAST): they go to stdout as they are, never decoded and encoded again.
    # (A try around join: checking each entry for an id would cost more than the join.)
    sql = (
        f"SELECT {_STORED_SQL} FROM articles a"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY {key} {direction}, a.id {direction}"
    )
    cursor = conn.execute(sql, params)
    while rows := cursor.fetchmany(_JSON_BATCH):
        entries = [row[0] for row in rows]
        try:
            batch = b",".join(entries)
        except TypeError:  # an entry not stored: built here
            batch = b",".join(_built(conn, entries))
        yield batch


def _built(conn: listing.Sql, entries: list[bytes | int]) -> list[bytes]:
    """`entries` with each id (an entry not stored) replaced by its entry built by SQLite.
    Read while the list's statement is open (its snapshot), except after its last row:
    an article deleted in between is left out, as a list read a moment later would."""
    ids = [e for e in entries if isinstance(e, int)]
    built: dict[int, bytes] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        sql = f"SELECT a.id, CAST({ENTRY_SQL} AS BLOB) FROM articles a WHERE a.id IN ({','.join('?' * len(part))})"
        built.update(conn.execute(sql, part).fetchall())
    # Only a built entry can hold a stamp of another form (the stored ones are NULL then).
    built = {i: _ODD_ADDED.sub(_added_in_python, entry) for i, entry in built.items()}
    return [built[e] if isinstance(e, int) else e for e in entries if not isinstance(e, int) or e in built]


def _added_in_python(match: re.Match[bytes]) -> bytes:
    stored = json.loads(b'"' + match[1] + b'"')
    return b'"added":' + _compact(listing.parse_datetime(stored).isoformat() + "Z").encode()


__all__ = ["LazyLibrary", "LibraryError", "list_entry"]
