"""The library list's reads in plain SQL over a DB-API connection.

These are the queries the window needs to paint its first screen. They need
neither SQLAlchemy nor lxml, so the window can show the list before the rest of
the core has loaded (see reader.core.lazy); the Library runs the same functions
on its own pooled connections (SQLite or PostgreSQL), so there is one
implementation. The SQL is written once, with `?` placeholders and booleans
passed as parameters; `Sql` adapts it to the driver (psycopg wants `%s`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.tags import tag_key

SORTS = ("added", "title", "published")
STATES = ("inbox", "archived", "favorite")
BUSY_TIMEOUT_MS = 10_000

# sort name -> (key expression, descending); the expressions are those indexed
# (migration 0003): no NOCASE on PostgreSQL, lower() in byte order instead.
_SORT_KEYS = {
    "added": ("a.added", True),
    "title": ("a.title COLLATE NOCASE", False),
    "published": ("coalesce(a.published, '')", True),
}
_SORT_KEYS_PG = {**_SORT_KEYS, "title": ('lower(a.title) COLLATE "C"', False)}
_COLUMNS = (
    "a.id, a.title, a.author, a.site, a.url, a.published, a.added, a.word_count, "
    "(SELECT count(*) FROM highlights h WHERE h.article_id = a.id), a.progress, a.archived, a.favorite"
)


class Sql:
    """A DB-API connection (sqlite3 or psycopg) taking the SQL written here:
    `?` placeholders become psycopg's `%s` there."""

    def __init__(self, conn: Any, dialect: str = "sqlite") -> None:
        self.conn = conn
        self.dialect = dialect
        self._format = dialect != "sqlite"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self._format:
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = self.conn.cursor()
        cursor.execute(sql, tuple(params))
        return cursor

    def close(self) -> None:
        self.conn.close()


def connect(db_path: Path) -> Sql:
    """A connection with the same PRAGMAs the Library sets on its own."""
    conn = sqlite3.connect(str(db_path), check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return Sql(conn)


def schema_revision(conn: Sql) -> str | None:
    try:
        revision: str = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision
    except (sqlite3.Error, TypeError):
        return None


def _filters(state: str | None, tag: str | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if state == "inbox":
        where.append("a.archived = ?")
        params.append(False)
    elif state == "archived":
        where.append("a.archived = ?")
        params.append(True)
    elif state == "favorite":
        where.append("a.favorite = ?")
        params.append(True)
    elif state is not None:
        raise LibraryError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    if tag:
        where.append(
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.key = ?)"
        )
        params.append(tag_key(tag))
    return where, params


def _summary(row: Sequence[Any]) -> domain.ArticleSummary:
    return domain.ArticleSummary(
        id=row[0],
        title=row[1],
        author=row[2],
        site=row[3],
        url=row[4],
        published=row[5],
        added=parse_datetime(row[6]),
        word_count=row[7],
        highlight_count=row[8],
        progress=row[9] or 0.0,
        archived=bool(row[10]),
        favorite=bool(row[11]),
    )


def parse_datetime(value: Any) -> datetime:
    """A DateTime column read without SQLAlchemy (stored as "YYYY-MM-DD HH:MM:SS[.ffffff]")."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def list_articles(
    conn: Sql,
    sort: str = "added",
    state: str | None = None,
    tag: str | None = None,
    cursor: tuple[Any, ...] | None = None,
    limit: int = 200,
    offset: int = 0,
) -> domain.Page:
    """One page of the list; keyset pagination, so any page costs the same.
    `offset` skips rows after the cursor (costs as many index steps): the window
    jumps to a row far from any cursor it knows."""
    if sort not in _SORT_KEYS:
        raise LibraryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    key, descending = (_SORT_KEYS_PG if conn.dialect == "postgresql" else _SORT_KEYS)[sort]
    where, params = _filters(state, tag)
    if cursor is not None:
        # After the cursor. The first bound is implied by the rest, but only with
        # it does SQLite start the index at the cursor when the values are bound
        # parameters: without it every page scanned the list from its top
        # (1.5 ms for the first page of 100,000 articles, 15 ms for the last).
        op = "<" if descending else ">"
        where.append(f"{key} {op}= ? AND ({key} {op} ? OR ({key} = ? AND a.id {op} ?))")
        params += [cursor[0], cursor[0], cursor[0], cursor[1]]
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_COLUMNS}, {key} FROM articles a"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY {key} {direction}, a.id {direction} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*params, limit + 1, max(0, offset)]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (rows[-1][12], rows[-1][0]) if more and rows else None
    return domain.Page(tuple(_summary(row) for row in rows), next_cursor)


def count(conn: Sql, state: str | None = None, tag: str | None = None) -> int:
    where, params = _filters(state, tag)
    sql = "SELECT count(*) FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
    return int(conn.execute(sql, params).fetchone()[0])


def position(
    conn: Sql, article_id: int, sort: str = "added", state: str | None = None, tag: str | None = None
) -> int | None:
    """The row of an article in the list (0 first), or None if it is not in it:
    a count of the rows before it along the sort's index."""
    if sort not in _SORT_KEYS:
        raise LibraryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    key, descending = (_SORT_KEYS_PG if conn.dialect == "postgresql" else _SORT_KEYS)[sort]
    where, params = _filters(state, tag)
    found = conn.execute(
        f"SELECT {key} FROM articles a WHERE " + " AND ".join(["a.id = ?", *where]), [article_id, *params]
    ).fetchone()
    if found is None:
        return None
    op = ">" if descending else "<"  # before it in the list
    where.append(f"{key} {op}= ? AND ({key} {op} ? OR ({key} = ? AND a.id {op} ?))")
    params += [found[0], found[0], found[0], article_id]
    sql = "SELECT count(*) FROM articles a WHERE " + " AND ".join(where)
    return int(conn.execute(sql, params).fetchone()[0])


def summaries(conn: Sql, ids: Sequence[int]) -> list[domain.ArticleSummary]:
    ids = list(ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {
        row[0]: _summary(row) for row in conn.execute(f"SELECT {_COLUMNS} FROM articles a WHERE a.id IN ({marks})", ids)
    }
    return [rows[i] for i in ids if i in rows]


def tags(conn: Sql) -> list[tuple[str, int]]:
    """Every article tag with how many articles carry it."""
    sql = (
        "SELECT t.name, count(at.article_id) FROM tags t JOIN article_tags at ON at.tag_id = t.id "
        "GROUP BY t.id, t.name ORDER BY lower(t.name)"
    )
    return [(name, n) for name, n in conn.execute(sql)]


def signature(conn: Sql) -> tuple[Any, ...]:
    """Changes whenever another connection (any process, or another connection of
    this one) commits a change of any kind: SQLite's data_version, which costs
    microseconds at any size, where max(updated) scanned every article. Compare
    only values read from the same connection."""
    return (conn.execute("PRAGMA data_version").fetchone()[0],)


def article_ids(conn: Sql, state: str | None = None, tag: str | None = None) -> list[int]:
    """The ids of the articles in a state and/or with a tag (every article by default), ascending."""
    where, params = _filters(state, tag)
    sql = "SELECT a.id FROM articles a" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id"
    return [row[0] for row in conn.execute(sql, params)]


# The articles table's columns by the record's names (domain.ARTICLE_COLUMNS).
_ARTICLE_SELECT = ", ".join(
    "extracted_fallback AS fallback" if name == "fallback" else name for name in domain.ARTICLE_COLUMNS
)


def text_changed(conn: Sql, article_id: int, text: str, html: str) -> bool:
    """Whether the article's stored text or html is no longer `text`, `html` (extracted
    again): compared in the database, nothing read back. False for a deleted article."""
    if conn.dialect == "postgresql":
        import hashlib  # (not at import: the window's first paint reads the list through here)

        # A server is asked with digests, not the article (a megabyte up for each change
        # another member of the group makes); md5() hashes the text's UTF-8 bytes, as here.
        digests = tuple(hashlib.md5(value.encode("utf-8", "surrogatepass")).hexdigest() for value in (text, html))
        sql = "SELECT 1 FROM article_contents WHERE article_id = ? AND (md5(text) <> ? OR md5(html) <> ?)"
        return conn.execute(sql, (article_id, *digests)).fetchone() is not None
    row = conn.execute(
        "SELECT 1 FROM article_contents WHERE article_id = ? AND (text <> ? OR html <> ?)", (article_id, text, html)
    ).fetchone()
    return row is not None


def get_many(conn: Sql, ids: Sequence[int], content: bool = True) -> list[domain.Article]:
    """Several articles with tags and highlights, in the order of `ids`, in a
    handful of queries per 500 articles (for export). With content=False the
    html and text are left empty and never read."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    rows: dict[int, dict[str, Any]] = {}
    highlights: dict[int, list[domain.Highlight]] = {}
    tags_: dict[int, list[str]] = {}
    images: dict[int, list[str]] = {}
    contents: dict[int, tuple[str, str]] = {}
    stamp = parse_datetime

    def run(sql: str, params: tuple[Any, ...]) -> list[Any]:
        return list(conn.execute(sql, params).fetchall())

    for offset in range(0, len(ids), 500):
        chunk = tuple(ids[offset : offset + 500])
        marks = ",".join("?" * len(chunk))
        for row in run(
            f"SELECT {_ARTICLE_SELECT} FROM articles WHERE id IN ({marks})",
            chunk,
        ):
            values = dict(zip(domain.ARTICLE_COLUMNS, row, strict=True))
            rows[values["id"]] = values
        if content:
            for article_id, html_, text_ in run(
                f"SELECT article_id, html, text FROM article_contents WHERE article_id IN ({marks})", chunk
            ):
                contents[article_id] = (html_, text_)
        for article_id, name in run(
            "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            f"WHERE at.article_id IN ({marks}) ORDER BY t.key, t.name",
            chunk,
        ):
            tags_.setdefault(article_id, []).append(name)
        for article_id, name in run(
            f"SELECT article_id, name FROM assets WHERE article_id IN ({marks}) ORDER BY id", chunk
        ):
            images.setdefault(article_id, []).append(name)
        highlight_tag_names: dict[int, list[str]] = {}
        for highlight_id, name in run(
            "SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id "
            "JOIN highlights h ON h.id = ht.highlight_id "
            f"WHERE h.article_id IN ({marks}) ORDER BY t.key, t.name",
            chunk,
        ):
            highlight_tag_names.setdefault(highlight_id, []).append(name)
        # Every answer given, in order: the JSON export carries them, so a restore keeps the history.
        answers: dict[int, list[domain.ReviewAnswerRecord]] = {}
        for highlight_id, answer, reviewed, duration_ms in run(
            "SELECT l.highlight_id, l.answer, l.reviewed, l.duration_ms "
            "FROM review_logs l JOIN highlights h ON h.id = l.highlight_id "
            f"WHERE h.article_id IN ({marks}) ORDER BY l.reviewed, l.id",
            chunk,
        ):
            answers.setdefault(highlight_id, []).append(domain.ReviewAnswerRecord(answer, stamp(reviewed), duration_ms))
        reviews: dict[int, domain.ReviewState] = {}
        for highlight_id, state, stability, difficulty, due, last, retired, step in run(
            "SELECT c.highlight_id, c.state, c.stability, c.difficulty, c.due, c.last_review, c.retired, c.step "
            "FROM review_cards c JOIN highlights h ON h.id = c.highlight_id "
            f"WHERE h.article_id IN ({marks})",
            chunk,
        ):
            given = tuple(answers.get(highlight_id, ()))
            reviews[highlight_id] = domain.ReviewState(
                state,
                stability,
                difficulty,
                stamp(due),
                stamp(last) if last else None,
                len(given),
                bool(retired),
                step,
                given,
            )
        for (
            hid,
            uid,
            article_id,
            start,
            end,
            quote,
            prefix,
            suffix,
            color,
            note,
            created,
            updated,
            created_by,
            updated_by,
            version,
        ) in run(
            'SELECT id, uid, article_id, start, "end", quote, prefix, suffix, color, note, created, updated, '
            f"created_by, updated_by, version FROM highlights WHERE article_id IN ({marks})",
            chunk,
        ):
            highlights.setdefault(article_id, []).append(
                domain.Highlight(
                    hid,
                    uid,
                    article_id,
                    start,
                    end,
                    quote,
                    prefix or "",
                    suffix or "",
                    color,
                    note or "",
                    tuple(highlight_tag_names.get(hid, ())),
                    stamp(created),
                    stamp(updated),
                    created_by or "",
                    updated_by or "",
                    version,
                    reviews.get(hid),
                )
            )
    missing = [i for i in ids if i not in rows]
    if missing:
        raise LibraryError(f"no article with id {missing[0]}")
    result = []
    for article_id in ids:
        html_, text_ = contents.get(article_id, ("", ""))
        result.append(
            domain.article_record(
                rows[article_id],
                html=html_,
                text=text_,
                tags=tags_.get(article_id, ()),
                highlights=highlights.get(article_id, ()),
                images=images.get(article_id, ()),
            )
        )
    return result


# Every column an export shows (the excerpt by its length: it changes with the rest).
_STAMP_NAMES = (
    "id",
    "uid",
    "title",
    "note",
    *(c for c in domain.ARTICLE_COLUMNS if c not in ("id", "uid", "title", "note", "excerpt")),
)
# As domain.article_record reads them: NULL notes and names as "", no progress as 0.0.
_STAMP_DEFAULTS = {"uid": "''", "note": "''", "note_by": "''", "progress": "0.0"}
_STAMP_COLUMNS = (
    ", ".join(
        f"coalesce(a.{c}, {_STAMP_DEFAULTS[c]})"
        if c in _STAMP_DEFAULTS
        else f"a.{'extracted_fallback' if c == 'fallback' else c}"
        for c in _STAMP_NAMES
    )
    + ", length(a.excerpt)"
)
_N = len(_STAMP_NAMES) + 1  # the highlight count's place in a row


class ExportStamp(NamedTuple):
    """What an export needs to know of an article before reading it: enough to
    name its file, filter it and tell whether it changed since its file was
    written (`fingerprint` moves whenever anything the article's file shows
    moves: from the library, the article's columns and its revision counter,
    which every change to its highlights, tags, note and review cards bumps;
    from a record already read, its highlights' count, ids, stamps and
    versions, and their review cards)."""

    id: int
    uid: str
    title: str
    note: str
    highlights: int
    tags: tuple[str, ...]  # the article's and its highlights' tags
    fingerprint: str
    revision: int = 0  # its place in the library's change sequence (0: a record already read)


def export_stamps(conn: Sql, ids: Sequence[int], schema: str) -> list[ExportStamp]:
    """ExportStamps of `ids`, in their order, in a few queries over the whole
    library (no html, text or highlight bodies read); `schema` is the library's
    schema revision."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    keep = set(wanted)
    stamps = {s.id: s for s in _stamps(conn, schema, "", ()) if s.id in keep}
    missing = [i for i in wanted if i not in stamps]
    if missing:
        raise LibraryError(f"no article with id {missing[0]}")
    return [stamps[i] for i in wanted]


class ExportChanges(NamedTuple):
    """What moved in the library since an export saw revision `since` (one snapshot)."""

    revision: int  # the highest number of the change sequence now: the next export's `since`
    total: int  # articles in the library
    changed: list[ExportStamp]  # articles changed or added since, by id
    deleted: list[tuple[int, str]]  # (id, uid) of articles deleted since
    tags: tuple[str, ...]  # every tag in use in the library (articles' and highlights')
    sampled: tuple[ExportStamp, ...] = ()  # the stamps of the articles asked for by id


def export_changes(conn: Sql, since: int, schema: str, sample: Sequence[int] = ()) -> ExportChanges:
    """The articles changed and deleted since revision `since` of the library's
    change sequence (migration 0012), through the index on revision: the cost
    follows what changed, not the size of the library. One snapshot, so that
    `revision` covers exactly what is returned (writes take numbers in commit
    order, see reader.core.library.rows.next_revision). With the stamps of the
    `sample` articles as they are now: an export checks that the ones it saw
    last, unchanged since, still read the same (else the library is a restored
    copy that went another way)."""
    if conn.dialect == "sqlite":
        conn.execute("BEGIN")
    else:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        top = conn.execute(
            "SELECT max(r) FROM (SELECT max(revision) AS r FROM articles "
            "UNION ALL SELECT max(revision) FROM article_deletions) m"
        ).fetchone()[0]
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        changed = sorted(_stamps(conn, schema, "a.revision > ?", (since,)), key=lambda s: s.id)
        deleted = [
            (int(i), u or "")
            for i, u in conn.execute("SELECT article_id, uid FROM article_deletions WHERE revision > ?", (since,))
        ]
        tags = tuple(sorted(row[0] for row in conn.execute("SELECT name FROM tags")))
        wanted = [int(i) for i in sample]
        sampled = tuple(_stamps(conn, schema, f"a.id IN ({','.join('?' * len(wanted))})", wanted)) if wanted else ()
    finally:
        if conn.dialect == "sqlite":
            conn.execute("COMMIT")
        else:
            conn.conn.rollback()
    return ExportChanges(int(top or 0), int(count), changed, deleted, tags, sampled)


def export_deletions(conn: Sql) -> list[tuple[int, str]]:
    """(id, uid) of every article deleted since the library recorded deletions (migration 0012)."""
    return [(int(i), u or "") for i, u in conn.execute("SELECT article_id, uid FROM article_deletions")]


def _stamps(conn: Sql, schema: str, where: str, params: Sequence[Any]) -> list[ExportStamp]:
    """ExportStamps of the articles matching `where` (every article when empty)."""
    chosen = f" WHERE {where}" if where else ""
    # Only the chosen articles' tags (all of them when every article is wanted).
    among = f" WHERE {{col}} IN (SELECT a.id FROM articles a{chosen})" if where else ""
    tags_: dict[int, list[str]] = {}
    for article_id, name in conn.execute(
        "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
        + among.format(col="at.article_id"),
        params,
    ):
        tags_.setdefault(article_id, []).append(name)
    for article_id, name in conn.execute(
        "SELECT h.article_id, t.name FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id "
        "JOIN tags t ON t.id = ht.tag_id" + among.format(col="h.article_id"),
        params,
    ):
        tags_.setdefault(article_id, []).append(name)
    # The article's revision moves with every change to it, its highlights, tags,
    # note and review cards (reader.core.library.rows.bump_revision): no highlight
    # row is read, only the count from their article_id index. Its token too: a
    # library restored from a plain copy of its file takes the same numbers again
    # for other changes, never the same tokens (migration 0015).
    if where:
        count = "(SELECT count(*) FROM highlights h WHERE h.article_id = a.id)"
        sql = f"SELECT {_STAMP_COLUMNS}, {count}, a.revision, a.revision_token FROM articles a{chosen}"
    else:
        sql = (
            f"SELECT {_STAMP_COLUMNS}, h.n, a.revision, a.revision_token FROM articles a LEFT JOIN "
            "(SELECT article_id, count(*) AS n FROM highlights GROUP BY article_id) h ON h.article_id = a.id"
        )
    stamps: list[ExportStamp] = []
    for row in conn.execute(sql, params):
        article_id = row[0]
        tags = tuple(tags_.get(article_id, ()))
        # The highlight count is left out on purpose: the revision alone must move
        # when highlights come and go (tests/core/test_export_incremental.py holds
        # every write path to it). The schema revision: a migration that changes
        # stored data bumps no counter, so every file is checked once after one.
        # "revision" marks the shape: never equal to export_stamp's fingerprint
        # of a record, so each source meets only itself.
        parts = ("revision", schema, *row[1:_N], row[_N + 1], row[_N + 2], *sorted(tags))
        # SQLite's values are already what _stamp_value makes of them (and repr of a tuple is fast).
        fingerprint = repr(parts) if conn.dialect == "sqlite" else _print(parts)
        stamps.append(
            ExportStamp(
                article_id, row[1] or "", row[2] or "", row[3] or "", row[_N] or 0, tags, fingerprint, row[_N + 1] or 0
            )
        )
    return stamps


def _stamp_value(value: object) -> object:
    """A fingerprint part as SQLite's driver returns it (stamps in SQLAlchemy's
    format, booleans as numbers), so that a record read from any database, or
    already read, gives the same fingerprint."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _print(parts: Sequence[object]) -> str:
    return repr(tuple(map(_stamp_value, parts)))


def export_stamp(article: domain.Article) -> ExportStamp:
    """The ExportStamp of an article already read: the fingerprint export_stamps gives it."""
    marks = article.highlights
    reviews = [h.review for h in marks if h.review is not None]
    parts: list[object] = [getattr(article, c) for c in _STAMP_NAMES[1:]]
    parts.append(len(article.excerpt) if article.excerpt is not None else None)
    if marks:
        parts += [
            len(marks),
            max(h.id for h in marks),
            sum(h.id * h.version for h in marks),
            max(h.updated for h in marks),
            sum(
                (h.id % 1000 + 1) * (7 * len(h.quote) + 13 * len(h.color) + (-1 if h.start is None else h.start))
                for h in marks
            ),
        ]
    else:
        parts += [None] * 5
    if reviews:
        last = [r.last_reviewed for r in reviews if r.last_reviewed is not None]
        parts += [
            len(reviews),
            max(last) if last else None,
            max(r.due for r in reviews),
            sum(r.state + (10 if r.retired else 0) for r in reviews),
            sum(r.reviews for r in reviews),
        ]
    else:
        parts += [None] * 5
    tags = (*article.tags, *(t for h in marks for t in h.tags))
    return ExportStamp(
        article.id, article.uid, article.title, article.note, len(marks), tags, _print((*parts, *sorted(tags)))
    )
