"""A shared library on a PostgreSQL server (psycopg 3): engine, checks at open,
migrations, the change watch and `reader check`.

The URL is handed to libpq as the user wrote it, so its conventions hold:
~/.pgpass, PGPASSWORD, service files, ?host=/socket/dir, sslmode. Writes take
one transaction-level advisory lock, as SQLite's BEGIN IMMEDIATE takes the
write lock: read-then-write transactions (the duplicate check before an import,
tags found by key) cannot interleave. Every write transaction also sends a
notification at commit, which the window's change watch counts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

from reader.core.errors import LibraryError
from reader.core.storage.db import NEW, READER_TABLES, DatabaseError, run_migrations, writer
from reader.core.storage.revision import KNOWN_REVISIONS, SCHEMA_REVISION

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

WRITE_LOCK = 0x52454144  # "READ": the advisory lock every write transaction holds
OPEN_LOCK = 0x52454145  # held while a library is checked, created or upgraded
CHANNEL = "reader_changes"

# A write waits this long for another Reader's write to end, then gives up with
# one line (SQLite's busy timeout); without a limit it would wait for ever.
WRITE_LOCK_WAIT_S = 30
# A write transaction left idle this long is ended by the server, its lock freed
# and its changes undone: a Reader suspended or stopped mid-write (a laptop
# closed during an import) would otherwise keep every other client from writing.
STALLED_WRITE_S = 120

# Opening waits this long for another Reader creating or upgrading the library
# (SQLite's open lock waits as long).
OPEN_LOCK_WAIT_S = 120

# psycopg logs a warning when it tears down a pipeline on a lost connection; the
# error itself reaches us as an exception (one line), so its log line would be a
# second one (Python prints unhandled warnings to stderr).
logging.getLogger("psycopg").addHandler(logging.NullHandler())


def libpq_url(url: str) -> str:
    """The URL as libpq reads it (SQLAlchemy's +psycopg driver suffix removed)."""
    return re.sub(r"^postgres(?:ql)?\+psycopg://", "postgresql://", url, flags=re.IGNORECASE)


def display_url(url: str) -> str:
    """The URL as written, with any password replaced, for messages (never fails,
    whatever the URL holds)."""
    shown = re.sub(r"(://[^/@:?]*:)[^/?]*@", r"\1***@", libpq_url(url))
    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", shown)


# Seconds to wait for a server that does not answer (a firewalled host would
# otherwise hang for minutes); the URL's connect_timeout or $PGCONNECT_TIMEOUT win.
CONNECT_TIMEOUT = 10


# TCP keepalive on every connection: without it a laptop whose network dropped waits
# for ever on a server that will never answer (the system's default first probe comes
# after two hours). Probes after 30 s idle, every 10 s, 3 missed: the connection is
# given up after about a minute; data sent and not acknowledged for 60 s ends it too.
# Each holds unless the URL sets its own (libpq ignores them on a unix socket).
KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "60000",
}


def _connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[TupleRow]:
    import psycopg

    # psycopg leaves out a None parameter: the URL's or the environment's timeout holds.
    timeout = None if "connect_timeout" in url or "PGCONNECT_TIMEOUT" in os.environ else CONNECT_TIMEOUT
    conninfo = libpq_url(url)
    return psycopg.connect(conninfo, autocommit=autocommit, connect_timeout=timeout, **_keepalives(conninfo))


def _keepalives(conninfo: str) -> dict[str, Any]:
    """KEEPALIVES but those the URL sets itself."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(conninfo)
    except Exception:  # a malformed URL: connect() says so in its own words
        return {}
    return {name: value for name, value in KEEPALIVES.items() if name not in given}


def create_server_engine(url: str) -> Engine:
    engine = create_engine("postgresql+psycopg://", creator=lambda: _connect(url), future=True, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("immediate"):
            # The limits first (evaluated left to right), for this transaction only.
            read_only = conn.exec_driver_sql(
                f"SELECT current_setting('transaction_read_only'), "
                f"set_config('lock_timeout', '{WRITE_LOCK_WAIT_S * 1000}', true), "
                f"set_config('idle_in_transaction_session_timeout', '{STALLED_WRITE_S * 1000}', true), "
                f"pg_advisory_xact_lock({WRITE_LOCK}), pg_notify('{CHANNEL}', '')"
            ).scalar()
            if read_only == "on":
                # A standby, or a user the administrator made read-only
                # (ALTER ROLE ... SET default_transaction_read_only): said before
                # any write, as a read-only SQLite library is.
                raise LibraryError(f"{display_url(url)} is read-only on its server: it can be read, not changed")

    return engine


def _limit_reason(sqlstate: str | None) -> str | None:
    """The two limits above, in words for the user."""
    if sqlstate == "55P03":  # lock_not_available
        return f"another Reader has been writing for over {WRITE_LOCK_WAIT_S} seconds; nothing was saved, try again"
    if sqlstate == "25P03":  # idle_in_transaction_session_timeout
        return (
            f"this write stood idle for over {STALLED_WRITE_S} seconds (was Reader suspended?) "
            "and the server undid it; nothing was saved, try again"
        )
    return None


def reason(exc: BaseException) -> str:
    """A driver error as one line (libpq's messages span several)."""
    orig = getattr(exc, "orig", None) or exc
    limit = _limit_reason(getattr(orig, "sqlstate", None))
    if limit:
        return limit
    message = str(orig)
    message = re.sub(r"^connection failed:\s*", "", message.strip())
    message = message.replace("FATAL:", "").replace("ERROR:", "")
    first = " ".join(message.split("\n")[0].split())
    return first or type(exc).__name__


def inspect(engine: Engine, name: str) -> str | None:
    """The schema revision of the shared library, NEW for an empty database.

    Raises DatabaseError when the server cannot be reached, the database is
    another program's, or its schema is from a newer Reader."""
    try:
        with engine.connect() as conn:
            tables = set(
                conn.execute(
                    text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                ).scalars()
            )
            if "alembic_version" not in tables or not set(READER_TABLES) <= tables:
                if tables - {"alembic_version"}:
                    raise DatabaseError(
                        f"{name} holds another program's tables, not a Reader library; it was left untouched"
                    )
                return NEW
            revision: str | None = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        raise
    except Exception as exc:
        raise DatabaseError(f"cannot open the shared library {name}: {reason(exc)}") from None
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{name} was written by a newer version of Reader (schema {revision}); "
            "please update Reader to open it. The library was left untouched."
        )
    return revision


def open_checked(engine: Engine, name: str) -> None:
    """Check the library and bring its schema to SCHEMA_REVISION. A library
    already there opens at once; creating or upgrading one is done under a
    session advisory lock (two Readers opening a new library at once would both
    run the migrations), waited for at most OPEN_LOCK_WAIT_S: a Reader
    suspended while upgrading it keeps the lock until its connection dies."""
    if inspect(engine, name) == SCHEMA_REVISION:
        return
    try:
        conn = engine.connect()
    except Exception as exc:
        raise DatabaseError(f"cannot open the shared library {name}: {reason(exc)}") from None
    try:
        try:
            # The limit for this transaction only; the session's lock outlasts it.
            conn.exec_driver_sql(
                f"SELECT set_config('lock_timeout', '{OPEN_LOCK_WAIT_S * 1000}', true), pg_advisory_lock({OPEN_LOCK})"
            )
            conn.commit()
        except Exception as exc:
            if getattr(getattr(exc, "orig", None), "sqlstate", None) == "55P03":
                raise DatabaseError(
                    f"{name} is being created or upgraded by another Reader for over {OPEN_LOCK_WAIT_S} seconds; "
                    "try again later"
                ) from None
            raise DatabaseError(f"cannot open the shared library {name}: {reason(exc)}") from None
        revision = inspect(engine, name)
        if revision == SCHEMA_REVISION:
            return
        try:
            run_migrations(engine, SCHEMA_REVISION)
        except Exception as exc:
            raise DatabaseError(f"cannot create or upgrade {name}: {reason(exc)}") from None
    finally:
        with contextlib.suppress(Exception):  # a lost connection frees the lock too
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({OPEN_LOCK})")
            conn.commit()
        conn.close()


def integrity_check(engine: Engine) -> list[str]:
    """What can be wrong in a shared library that the server does not already
    prevent (its storage has its own checks: pg_amcheck, by the administrator)."""
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision != SCHEMA_REVISION:
                problems.append(f"the schema is at {revision}, not {SCHEMA_REVISION}")
            missing = conn.execute(
                text(
                    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                    "(SELECT 1 FROM article_contents c WHERE c.article_id = a.id)"
                )
            ).scalar()
            if missing:
                problems.append(f"{missing} article(s) have lost their text")
            unindexed = conn.execute(
                text(
                    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                    "(SELECT 1 FROM search_index s WHERE s.article_id = a.id)"
                )
            ).scalar()
            if unindexed:
                problems.append(
                    f"{unindexed} article(s) are missing from the search index (it can be rebuilt from the articles)"
                )
    except Exception as exc:
        problems.append(f"the shared library cannot be read: {reason(exc)}")
    return problems


class ChangeWatch:
    """Counts the notifications every write transaction sends (LISTEN/NOTIFY),
    on a connection of its own. signature() costs one round trip; a lost
    connection counts as a change (something may have been missed)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: psycopg.Connection[TupleRow] | None = None  # in autocommit, LISTENing
        self._count = 0
        self._lock = threading.Lock()

    def _on_notify(self, _notify: psycopg.Notify) -> None:
        self._count += 1

    def signature(self) -> tuple[int]:
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = _connect(self._url, autocommit=True)
                    self._conn.add_notify_handler(self._on_notify)
                    self._conn.execute(f"LISTEN {CHANNEL}")
                    self._count += 1
                self._conn.execute("SELECT 1")  # delivers the notifications waiting
            except Exception:
                self.close_unlocked()
                self._count += 1
            return (self._count,)

    def close_unlocked(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            self.close_unlocked()


__all__ = ["ChangeWatch", "create_server_engine", "display_url", "inspect", "integrity_check", "open_checked", "writer"]
