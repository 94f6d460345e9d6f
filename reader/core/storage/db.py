"""Opening a library database: checks, PRAGMAs on every connection, migrations."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

# The newest schema this version knows; tests check it is Alembic's head.
from reader.core.storage.revision import KNOWN_REVISIONS, SCHEMA_REVISION  # noqa: E402,F401
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(Exception):
    """The database cannot be used; the message says why and names the file."""


def create_library_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


# Small tables holding what the user wrote; checked at every open (the big
# tables of page text and images are left to `reader check`).
CHECKED_AT_OPEN = ("alembic_version", "articles", "highlights", "tags", "article_tags", "highlight_tags")


def check_file(path: Path) -> bool:
    """True if `path` holds a Reader library, False if it is new; raise if it is not ours or damaged.

    Everything here reads the file without writing it: a file that is not a
    library, or a damaged one, is never changed (not even to WAL mode).
    """
    if not path.exists():
        return False
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a library database")
    if not path.is_file():
        raise DatabaseError(f"{path} is not a regular file (a device or pipe), not a library database")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not header:
        return False  # an empty file: SQLite treats it as a new database
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseError(f"{path} is not a Reader library (not an SQLite database); it was left untouched")
    if len(header) < 100:
        raise _damaged(path, f"the file is cut short at {size} bytes")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if page_size and pages and size < page_size * pages and not wal_pending:
        raise _damaged(path, f"the file is cut short: {size:,} of {page_size * pages:,} bytes")
    _check_readonly(path)
    return True


def _check_readonly(path: Path) -> None:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseError(f"{path} is an SQLite database but not a Reader library; it was left untouched")
            return
        for table in CHECKED_AT_OPEN:
            if table not in tables:
                continue
            try:
                rows = [row[0] for row in conn.execute(f"PRAGMA quick_check({table})")]
            except sqlite3.OperationalError as exc:
                if "malformed" in str(exc) or "corrupt" in str(exc):
                    raise
                break  # an SQLite too old for per-table checks
            problems = [r for r in rows if r != "ok"]
            if problems:
                raise _damaged(path, problems[0])
    except DatabaseError:
        raise
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process holds it; the normal open will wait its turn
        raise _damaged(path, str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from None
    finally:
        conn.close()


def _damaged(path: Path, reason: str) -> DatabaseError:
    reason = " ".join(reason.replace("*** in database main ***", "").split())  # one line
    return DatabaseError(
        f"{path} is damaged and cannot be opened ({reason}); it was left untouched. "
        "Restore it from a backup (reader backup makes one)."
    )


def current_revision(engine: Engine, path: Path) -> str | None:
    try:
        with engine.connect() as conn:
            tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
            if "alembic_version" not in tables:
                if tables:
                    raise DatabaseError(
                        f"{path} is an SQLite database but not a Reader library; it was left untouched"
                    )
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, malformed...
        raise _damaged(path, _reason(exc)) from None


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return str(orig).strip() or type(orig).__name__


def upgrade(engine: Engine, path: Path) -> None:
    """Bring the schema to SCHEMA_REVISION; refuse a library from a newer version."""
    revision = current_revision(engine, path)
    if revision == SCHEMA_REVISION:
        return
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{path} was written by a newer version of Reader (schema {revision}); "
            "please update Reader to open it. The library was left untouched."
        )
    if revision is not None:
        backup(engine, path.with_name(f"{path.name}.before-{SCHEMA_REVISION}"))
    run_migrations(engine, SCHEMA_REVISION)


def run_migrations(engine: Engine, target: str) -> None:
    # Alembic is imported only when a schema change is due: it costs start-up time.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def backup(engine: Engine, dest: Path) -> None:
    """A consistent copy through SQLite's online backup API, safe while in use.

    Written under a temporary name and renamed when complete, so a failed
    backup (a full disk, an interruption) never leaves a file that looks whole.
    """
    dest = Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    raw = engine.raw_connection()
    try:
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(str(partial))
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def integrity_check(engine: Engine) -> list[str]:
    """Problems SQLite's integrity check and the search index's own check find; [] if none.

    Damage bad enough to stop the check itself is reported as a problem too,
    never raised.
    """
    try:
        with engine.connect() as conn:
            rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
    except Exception as exc:
        return [f"the database is damaged ({_reason(exc)}); restore it from a backup"]
    problems = [" ".join(r.replace("*** in database main ***", "").split()) for r in rows if r != "ok"]
    problems = [p for p in problems if p]
    try:
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"))
    except Exception:
        problems.append("the search index does not match its contents (it can be rebuilt from the articles)")
    return problems
