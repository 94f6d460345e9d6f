"""Opening a library database: checks, PRAGMAs on every connection, migrations."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

# The newest schema this version knows; tests check it is Alembic's head.
SCHEMA_REVISION = "0002"
KNOWN_REVISIONS = ("0001", "0002")
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


def check_file(path: Path) -> bool:
    """True if `path` holds a database, False if it is new; raise if it is not ours."""
    if not path.exists():
        return False
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a library database")
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not header:
        return False  # an empty file: SQLite treats it as a new database
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a Reader library (not an SQLite database); it was left untouched")
    return True


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
        raise DatabaseError(f"{path} is damaged and cannot be opened ({_reason(exc)}); it was left untouched") from None


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
    """A consistent copy through SQLite's online backup API, safe while in use."""
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(str(dest))
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()


def integrity_check(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
        fts_ok = True
        try:
            conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"))
        except Exception:
            fts_ok = False
    problems = [r for r in rows if r != "ok"]
    if not fts_ok:
        problems.append("the search index does not match its contents (run `reader reindex`)")
    return problems
