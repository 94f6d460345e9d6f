"""Copying a whole library between backends (SQLite <-> PostgreSQL, or two servers).

Rows are read in one snapshot of the source and written in one transaction of
the destination, table by table in foreign-key order, ids kept; the search
index is then rebuilt there (it is derived from the tables) and every table's
row count compared before the transaction commits. A SQLite destination is
written under a temporary name and renamed when whole: all or nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from reader.core.storage import db, search
from reader.core.storage.models import Base
from reader.core.storage.revision import SCHEMA_REVISION

Progress = Callable[[int, int, str], None]  # (rows done, rows in all, table)
BATCH = 200


class CopyError(Exception):
    """The copy failed or did not verify; nothing was kept at the destination."""


class SourceError(CopyError):
    """Reading the library being copied failed (its server stopped, its disk went):
    the source's fault, not the destination's. The driver's error is its __cause__."""


T = TypeVar("T")


def _from_source(read: Callable[..., T], *args: object) -> T:
    try:
        return read(*args)
    except (SQLAlchemyError, OSError) as exc:
        raise SourceError(str(exc)) from exc


def tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() or 0 for t in tables()}


def _read_snapshot(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    conn.begin()
    return conn


def copy_rows(source: Engine, dest: Connection, progress: Progress | None = None) -> dict[str, int]:
    """Copy every table's rows into `dest` (a library at SCHEMA_REVISION holding
    nothing) inside its open transaction; rebuild its search index; verify the
    counts. Returns the counts."""
    if dest.dialect.name == "postgresql":
        # Reading a large source can leave this transaction idle for longer than
        # a write may stall (server.STALLED_WRITE_S); it writes a new library nobody uses yet.
        dest.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
    src = _from_source(_read_snapshot, source)
    try:
        expected = _from_source(counts, src)
        total = sum(expected.values())
        done = 0
        for table in tables():
            order = list(table.primary_key.columns)
            result = _from_source(src.execution_options(yield_per=BATCH).execute, select(table).order_by(*order))
            parts = result.partitions(BATCH)
            while part := _from_source(next, parts, None):
                dest.execute(table.insert(), [dict(row._mapping) for row in part])
                done += len(part)
                if progress:
                    progress(done, total, table.name)
    finally:
        with suppress(SQLAlchemyError):  # a source gone away cannot roll back; closing is enough
            src.rollback()
        src.close()
    if dest.dialect.name == "postgresql":
        _reset_sequences(dest)
    search.for_dialect(dest.dialect.name).rebuild(dest)
    found = counts(dest)
    if found != expected:
        wrong = [f"{name}: {found[name]} of {n}" for name, n in expected.items() if found.get(name) != n]
        raise CopyError("the copy does not match the source (" + ", ".join(wrong) + ")")
    # Another library from here on: a history mark of its own (db.HISTORY_KEY).
    dest.execute(text("DELETE FROM settings WHERE key = :key"), {"key": db.HISTORY_KEY})
    dest.execute(
        text("INSERT INTO settings (key, value) VALUES (:key, :value)"),
        {"key": db.HISTORY_KEY, "value": db.new_history()},
    )
    return found


def _reset_sequences(conn: Connection) -> None:
    """Ids were copied as they were: move each id sequence past the largest."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if (
            len(pk) == 1
            and pk[0].autoincrement in (True, "auto")
            and pk[0].type.python_type is int
            and not pk[0].foreign_keys
        ):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"coalesce((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )


def is_empty(conn: Connection) -> bool:
    return all(n == 0 for n in counts(conn).values())


def to_sqlite_file(
    source: Engine, dest: Path, progress: Progress | None = None, replace: bool = True
) -> dict[str, int]:
    """A new SQLite library file at `dest` holding a copy of the library, written
    under a temporary name of its own (see db.backup). Without `replace`,
    FileExistsError when a file took the name meanwhile."""
    dest = Path(dest)
    with db.partial_beside(dest) as partial:
        engine = db.create_library_engine(partial)
        try:
            db.run_migrations(engine, SCHEMA_REVISION)
            with db.writer(engine).begin() as conn:
                found = copy_rows(source, conn, progress)
        finally:
            engine.dispose()  # before the rename; partial_beside removes its -wal and -shm
        if replace:
            os.replace(partial, dest)
        else:
            db.rename_new(partial, dest)
        return found
