"""The library list's reads in plain SQL over a DB-API sqlite3 connection.

These are the queries the window needs to paint its first screen. They need
neither SQLAlchemy nor lxml, so the window can show the list before the rest of
the core has loaded (see reader.core.lazy); the Library runs the same functions
on its own pooled connections, so there is one implementation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.tags import tag_key

SORTS = ("added", "title", "published")
STATES = ("inbox", "archived", "favorite")
BUSY_TIMEOUT_MS = 10_000

# sort name -> (key expression, descending)
_SORT_KEYS = {
    "added": ("a.added", True),
    "title": ("a.title COLLATE NOCASE", False),
    "published": ("coalesce(a.published, '')", True),
}
_COLUMNS = (
    "a.id, a.title, a.author, a.site, a.url, a.published, a.added, a.word_count, "
    "(SELECT count(*) FROM highlights h WHERE h.article_id = a.id), a.progress, a.archived, a.favorite"
)


def connect(db_path: Path) -> sqlite3.Connection:
    """A connection with the same PRAGMAs the Library sets on its own."""
    conn = sqlite3.connect(str(db_path), check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def schema_revision(conn: sqlite3.Connection) -> str | None:
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None


def _filters(state: str | None, tag: str | None) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if state == "inbox":
        where.append("a.archived = 0")
    elif state == "archived":
        where.append("a.archived = 1")
    elif state == "favorite":
        where.append("a.favorite = 1")
    elif state is not None:
        raise LibraryError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    if tag:
        where.append(
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.key = ?)"
        )
        params.append(tag_key(tag))
    return where, params


def _summary(row) -> domain.ArticleSummary:
    return domain.ArticleSummary(
        id=row[0], title=row[1], author=row[2], site=row[3], url=row[4], published=row[5],
        added=parse_datetime(row[6]), word_count=row[7], highlight_count=row[8], progress=row[9] or 0.0,
        archived=bool(row[10]), favorite=bool(row[11]),
    )


def parse_datetime(value) -> datetime:
    """A DateTime column read without SQLAlchemy (stored as "YYYY-MM-DD HH:MM:SS[.ffffff]")."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def list_articles(
    conn: sqlite3.Connection,
    sort: str = "added",
    state: str | None = None,
    tag: str | None = None,
    cursor: tuple | None = None,
    limit: int = 200,
) -> domain.Page:
    """One page of the list; keyset pagination, so any page costs the same."""
    if sort not in _SORT_KEYS:
        raise LibraryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    key, descending = _SORT_KEYS[sort]
    where, params = _filters(state, tag)
    if cursor is not None:
        op = "<" if descending else ">"
        where.append(f"({key} {op} ? OR ({key} = ? AND a.id {op} ?))")
        params += [cursor[0], cursor[0], cursor[1]]
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_COLUMNS}, {key} FROM articles a"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY {key} {direction}, a.id {direction} LIMIT ?"
    )
    rows = conn.execute(sql, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (rows[-1][12], rows[-1][0]) if more and rows else None
    return domain.Page(tuple(_summary(row) for row in rows), next_cursor)


def count(conn: sqlite3.Connection, state: str | None = None, tag: str | None = None) -> int:
    where, params = _filters(state, tag)
    sql = "SELECT count(*) FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
    return conn.execute(sql, params).fetchone()[0]


def summaries(conn: sqlite3.Connection, ids: Sequence[int]) -> list[domain.ArticleSummary]:
    ids = list(ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {row[0]: _summary(row) for row in conn.execute(f"SELECT {_COLUMNS} FROM articles a WHERE a.id IN ({marks})", ids)}
    return [rows[i] for i in ids if i in rows]


def tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every article tag with how many articles carry it."""
    sql = (
        "SELECT t.name, count(at.article_id) FROM tags t JOIN article_tags at ON at.tag_id = t.id "
        "GROUP BY t.id ORDER BY lower(t.name)"
    )
    return [(name, n) for name, n in conn.execute(sql)]


def signature(conn: sqlite3.Connection) -> tuple:
    """Changes whenever another connection (any process, or another connection of
    this one) commits a change of any kind: SQLite's data_version, which costs
    microseconds at any size, where max(updated) scanned every article. Compare
    only values read from the same connection."""
    return (conn.execute("PRAGMA data_version").fetchone()[0],)


def article_ids(conn: sqlite3.Connection, state: str | None = None, tag: str | None = None) -> list[int]:
    """The ids of the articles in a state and/or with a tag (every article by default), ascending."""
    where, params = _filters(state, tag)
    sql = "SELECT a.id FROM articles a" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id"
    return [row[0] for row in conn.execute(sql, params)]
