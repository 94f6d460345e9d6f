"""Opening a library database: checks, PRAGMAs on every connection, migrations.

SQLite's locks belong to the process, and closing ANY descriptor on the
database file drops all of them ("How To Corrupt An SQLite Database File",
2.2): another process then sees no reader, checkpoints and deletes the WAL
under us. So nothing here (or anywhere in Reader) ever open()s library.db,
-wal or -shm: the file is looked at with stat() and read through SQLite only
(tests/core/test_integrity.py proves it with an audit hook).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sqlite3
import stat as stat_mod
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

# The newest schema this version knows; tests check it is Alembic's head.
from reader.core.storage import list_entries
from reader.core.storage.revision import KNOWN_REVISIONS, SCHEMA_REVISION

BUSY_TIMEOUT_MS = 10_000
# Tables every Reader library has had since 0001: a file with an alembic_version
# table but without these is another program's database, not a newer Reader's.
READER_TABLES = ("articles", "article_contents", "highlights", "tags")
NEW = "new"  # inspect(): the file does not exist yet or is empty


class DatabaseError(Exception):
    """The database cannot be used; the message says why and names the file."""


def _uri(path: Path, read_only: bool) -> str:
    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    if not read_only:
        return uri
    # SQLite reads a WAL library through its -shm file, made beside it by the first
    # reader: where none is there and none can be made (a read-only disk, or a folder
    # this user cannot write), it cannot open it at all ("unable to open database
    # file"). There the file is read as it stands (immutable): nobody has it open
    # for writing, or its -shm would be there.
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-shm").exists():
        return uri + "?mode=ro&immutable=1"
    return uri + "?mode=ro"


def create_library_engine(path: Path, read_only: bool = False) -> Engine:
    url = f"sqlite:///{_uri(path, read_only)}&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Transactions are begun by us (below), not by the driver, so a write
        # can take the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock at BEGIN: a read-then-write
        # transaction begun as a reader fails at once with "database is locked"
        # (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out) when another
        # process wrote in between, and two imports could both find "no
        # duplicate" before either inserts.
        immediate = conn.get_execution_options().get("immediate") and not read_only
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions begin with the write lock held."""
    return engine.execution_options(immediate=True)


def analyze(engine: Engine) -> None:
    """Refresh SQLite's planner statistics. Without them SQLite lists the inbox
    through the low-selectivity `archived` index and sorts every row, instead of
    walking the date index: 10 ms vs 0.3 ms at 10,000 articles. analysis_limit
    keeps this a few milliseconds."""
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE articles")
        conn.exec_driver_sql("ANALYZE highlights")


@contextlib.contextmanager
def open_lock(path: Path) -> Iterator[None]:
    """Held while a library is checked, created or upgraded: two processes
    opening a new library at once would both run the migrations. The lock is a
    file of its own (library.db.lock), never the database file."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path.with_name(path.name + ".lock")))
    try:
        lock.acquire(timeout=120)
    except Timeout:
        raise DatabaseError(f"{path} is being created or upgraded by another Reader for over 2 minutes") from None
    except OSError:
        yield  # a read-only folder: nobody can create or upgrade it here either
        return
    try:
        yield
    finally:
        lock.release()


def is_writable(path: Path) -> bool:
    """Whether this process may write the library (the folder for -wal/-shm, and the file)."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def inspect(path: Path, read_only: bool = False) -> str | None:
    """The schema revision of the library at `path`, NEW if there is none yet.

    Raises DatabaseError if the file is not a Reader library, is from a newer
    Reader, or is damaged. Reads only, and only through SQLite in read-only
    mode: a file that is not ours, or a damaged one, is never changed (not even
    switched to WAL mode).
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return NEW
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat_mod.S_ISDIR(st.st_mode):
        raise DatabaseError(f"{path} is a folder, not a library database")
    if not stat_mod.S_ISREG(st.st_mode):
        raise DatabaseError(f"{path} is not a regular file (a device or pipe), not a library database")
    if st.st_size == 0:
        return NEW  # an empty file: SQLite treats it as a new database
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"cannot read {path}: permission denied")
    try:
        conn = sqlite3.connect(_uri(path, True), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    try:
        return _inspect(conn, path)
    finally:
        conn.close()


def _inspect(conn: sqlite3.Connection, path: Path) -> str | None:
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or not set(READER_TABLES) <= tables:
            if tables:
                raise DatabaseError(f"{path} is an SQLite database but not a Reader library; it was left untouched")
            return NEW
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision: str | None = row[0] if row else None
        if revision not in KNOWN_REVISIONS:
            raise DatabaseError(
                f"{path} was written by a newer version of Reader (schema {revision}); "
                "please update Reader to open it. The library was left untouched."
            )
        large = conn.execute("PRAGMA page_count").fetchone()[0] > FULL_CHECK_PAGES
        for table in CHECKED_AT_OPEN:
            if table not in tables:
                continue
            if large and table in SAMPLED_WHEN_LARGE:
                _probe(conn, table)
                continue
            rows = [row[0] for row in conn.execute(f"PRAGMA quick_check({table})")]
            problems = [r for r in rows if r != "ok"]
            if problems:
                raise _damaged(path, problems[0])
        return revision
    except DatabaseError:
        raise
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not a database" in message:
            raise DatabaseError(
                f"{path} is not a Reader library (not an SQLite database, or its header is damaged); "
                "it was left untouched"
            ) from None
        if "locked" in message or "busy" in message:
            raise DatabaseError(f"{path} is locked by another program for too long; try again") from None
        if "unable to open" in message:
            raise DatabaseError(f"cannot open {path}: {message}") from None
        if isinstance(exc, sqlite3.OperationalError):
            # The disk's trouble, not the file's (damage is SQLITE_CORRUPT or NOTADB,
            # plain DatabaseErrors): never "restore it from a backup", which would
            # cost the work since that backup.
            raise DatabaseError(
                f"cannot read {path}: {disk_trouble(message)}; the library was left untouched"
            ) from None
        raise _damaged(path, message) from None


# Small tables holding what the user wrote; checked at every open (the big
# tables of page text and images are left to `reader check`).
CHECKED_AT_OPEN = ("alembic_version", "articles", "highlights", "tags", "article_tags", "highlight_tags")
# quick_check reads every page of a table: 0.2 s for 100,000 articles and 0.4 s
# for 500,000 highlights, at every open. Past this size (64 MB of 4 KB pages)
# these two are probed instead: both ends of the table and rows spread over it,
# which reads the root, the edges and a sample of pages (a file cut short or a
# garbled page there is still found at open; `reader check` reads everything).
FULL_CHECK_PAGES = 16_384
SAMPLED_WHEN_LARGE = ("articles", "highlights")
SAMPLE_ROWS = 64


def _probe(conn: sqlite3.Connection, table: str) -> None:
    """Read the first, last and SAMPLE_ROWS evenly spread rows of `table` (every
    column): SQLite raises DatabaseError on a damaged page it meets."""
    # Two queries: SQLite answers min() or max() alone from the b-tree's edge, but
    # scans the table for both in one SELECT.
    low = conn.execute(f"SELECT min(rowid) FROM {table}").fetchone()[0]
    high = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    if low is None:
        return
    step = max(1, (high - low) // SAMPLE_ROWS)
    wanted = sorted({low, high, *range(low, high, step)})
    marks = ",".join("?" * len(wanted))
    conn.execute(f"SELECT * FROM {table} WHERE rowid IN ({marks})", wanted).fetchall()


def _damaged(path: Path, reason: str) -> DatabaseError:
    reason = " ".join(reason.replace("*** in database main ***", "").split())  # one line
    return DatabaseError(
        f"{path} is damaged and cannot be opened ({reason}); it was left untouched. "
        "Restore it from a backup (reader backup makes one)."
    )


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return str(orig).strip() or type(orig).__name__


def write_failure(exc: Exception) -> str:
    """Why SQLite refused a write, in words for the user (one line, without the
    SQL and the link SQLAlchemy adds). The transaction was rolled back."""
    reason = _reason(exc)
    if "locked" in reason or "busy" in reason:
        return f"another program held the library for over {BUSY_TIMEOUT_MS // 1000} seconds; try again"
    return disk_trouble(reason)


def disk_trouble(reason: str) -> str:
    """SQLite's word for a full or failing disk, as the user would say it."""
    if "full" in reason:
        return "the disk is full; make room and try again"
    if "I/O error" in reason:
        return "the disk reported an error (disk I/O error): it may be full, failing or gone"
    return " ".join(reason.split())


def upgrade(engine: Engine, path: Path, revision: str | None, on_upgrade: Callable[[str], None] | None = None) -> None:
    """Bring the schema from `revision` (as inspect() found it) to SCHEMA_REVISION,
    telling `on_upgrade` first when an existing library is upgraded.

    Called with open_lock() held, so the revision cannot change underneath."""
    if revision == SCHEMA_REVISION:
        return
    if revision not in (NEW, None):
        kept = path.with_name(f"{path.name}.before-{SCHEMA_REVISION}")
        if on_upgrade is not None:
            on_upgrade(
                f"upgrading the library in {path.parent} to this version's format, once "
                f"(a few minutes for a large library); the old file is kept as {kept.name}"
            )
        try:
            backup(engine, kept)
        except (OSError, sqlite3.Error) as exc:  # a full disk, a name taken: the library stays as it was
            reason = getattr(exc, "strerror", None) or _reason(exc)
            raise DatabaseError(f"cannot keep a copy of {path} before upgrading it: {reason}") from None
    try:
        run_migrations(engine, SCHEMA_REVISION)
    except Exception as exc:
        raise DatabaseError(f"cannot create or upgrade {path}: {_reason(exc)}") from None


def run_migrations(engine: Engine, target: str) -> None:
    # Alembic is imported only when a schema change is due: it costs start-up time.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
    with writer(engine).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


# Settings key of a library's history mark: a copy or backup gets a new one, so that
# an export tells it from the library it was copied from, whose change sequence
# takes the same numbers for other changes once both go on (Library.export_changes).
HISTORY_KEY = "history"


def new_history() -> str:
    """A history mark's stored value (settings hold JSON)."""
    return json.dumps(uuid.uuid4().hex)


def backup(engine: Engine, dest: Path, replace: bool = True) -> None:
    """A consistent copy through SQLite's online backup API, safe while in use.

    Written under a temporary name of its own and renamed when complete, so a
    failed backup (a full disk, an interruption) never leaves a file that looks
    whole, and two backups to one name at once never finish each other's file.
    Without `replace`, FileExistsError when a file took the name meanwhile.
    """
    dest = Path(dest)
    with partial_beside(dest) as partial:
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(str(partial))
            try:
                driver = raw.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                driver.backup(target)
                settings = target.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'")
                if settings.fetchone():  # not in the copy kept before an old library's upgrade
                    with target:
                        target.execute(
                            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                            (HISTORY_KEY, new_history()),
                        )
            finally:
                target.close()
            if replace:
                os.replace(partial, dest)
            else:
                rename_new(partial, dest)
        finally:
            raw.close()


# A temporary file a copy is written into: ".NAME.<12 hex>.partial" beside NAME, with
# SQLite's -wal, -shm or -journal beside it while written, and a lock file of its own
# (PARTIAL.lock) held by the process writing it, from before the file is made until
# after it is renamed or removed: a lock is freed when its process dies, even by
# SIGKILL, so a partial file whose lock can be taken is one nobody is writing.
_PARTIAL_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.partial")
_PARTIAL_SIDES = ("", "-wal", "-shm", "-journal")
_LOCK_SUFFIX = ".lock"
# A partial file without a lock file was left by a Reader before these locks; it is
# taken for abandoned when nothing has written to it for this long.
UNLOCKED_PARTIAL_AGE_S = 24 * 3600


@contextlib.contextmanager
def partial_beside(dest: Path) -> Iterator[Path]:
    """A new empty file of its own beside `dest`, to write a copy into and rename.
    Held (its lock) for the block; when the block ends it is removed with its
    SQLite files, if it was not renamed. Abandoned ones beside `dest` (their
    writer killed) are removed first."""
    from filelock import FileLock

    remove_stale_partials(dest.parent)
    partial = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.partial")
    lock = FileLock(str(partial) + _LOCK_SUFFIX)
    # A new name, but a cleaner that found the lock file as it was made may hold it
    # a moment (it then removes it, and the lock makes a new one).
    lock.acquire(timeout=10)
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the user's usual permissions
        try:
            yield partial
        finally:
            _remove_partial(partial)
    finally:
        # Removed while held: a cleaner waiting on it finds it gone, never a lock to take.
        # (Windows refuses to remove an open file; there the lock removes it on release.)
        with contextlib.suppress(OSError):
            Path(str(partial) + _LOCK_SUFFIX).unlink(missing_ok=True)
        lock.release()


def _remove_partial(partial: Path) -> None:
    for side in _PARTIAL_SIDES:
        Path(str(partial) + side).unlink(missing_ok=True)


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the temporary files of copies abandoned in `folder` (a backup or copy
    killed mid-way); never one another process is still writing. Returns them."""
    from filelock import FileLock, Timeout

    removed: list[Path] = []
    try:
        names = {entry.name for entry in os.scandir(folder)}
    except OSError:  # gone, unreadable: nothing of ours to find there
        return removed
    for name in names:
        base = name.removesuffix(_LOCK_SUFFIX)
        if not _PARTIAL_NAME.fullmatch(base) or (base != name and base in names):
            continue  # not ours; or the lock file of a partial file met under its own name
        partial = folder / base
        lock_path = Path(str(partial) + _LOCK_SUFFIX)
        try:
            if not lock_path.exists():
                if not _written_within(partial, UNLOCKED_PARTIAL_AGE_S):
                    _remove_partial(partial)
                    removed.append(partial)
                continue
            lock = FileLock(str(lock_path))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                continue  # its writer is alive
            try:
                if partial.exists():
                    _remove_partial(partial)
                    removed.append(partial)
                lock_path.unlink(missing_ok=True)
            finally:
                lock.release()
        except OSError:  # a read-only folder, a file gone meanwhile: left as it is
            continue
    return removed


def _written_within(partial: Path, seconds: float) -> bool:
    newest = 0.0
    for side in _PARTIAL_SIDES:
        with contextlib.suppress(OSError):
            newest = max(newest, Path(str(partial) + side).stat().st_mtime)
    return time.time() - newest < seconds


def rename_new(partial: Path, dest: Path) -> None:
    """Rename into place only where no file is (FileExistsError otherwise)."""
    try:
        os.link(partial, dest)  # never replaces a file
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: a look first (a small window)
        if os.path.lexists(dest):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest)) from None
        os.replace(partial, dest)
        return
    partial.unlink()


def integrity_check(engine: Engine) -> list[str]:
    """Problems SQLite's integrity check and the search index's own check find; [] if none.

    Damage bad enough to stop the check itself is reported as a problem too,
    never raised.
    """
    try:
        with engine.connect() as conn:
            rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
    except Exception as exc:
        if isinstance(getattr(exc, "orig", exc), sqlite3.OperationalError):  # the disk's trouble, not the file's
            return [f"the database could not be checked: {disk_trouble(_reason(exc))}"]
        return [f"the database is damaged ({_reason(exc)}); restore it from a backup"]
    problems = [" ".join(r.replace("*** in database main ***", "").split()) for r in rows if r != "ok"]
    problems = [p for p in problems if p]
    try:
        with engine.connect() as conn:
            for table in ("search_index", "search_index_notes"):
                conn.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 0)"))
    except Exception as exc:
        # FTS5 is asked for its check by an INSERT, which a read-only library refuses:
        # that is no sign of damage (it said the index did not match).
        if "readonly" not in _reason(exc):
            problems.append("the search index does not match its contents (it can be rebuilt from the articles)")
    try:
        with engine.connect() as conn:
            triggers = conn.execute(text(list_entries.TRIGGERS_SQL)).scalar()
            stale = conn.execute(text(list_entries.STALE_SQL)).scalar()
    except Exception as exc:
        problems.append(f"the list's stored entries cannot be read ({_reason(exc)})")
    else:
        if triggers != list_entries.TRIGGERS:
            problems.append("the triggers that keep the list's stored entries current are missing")
        if stale:
            problems.append(f"the stored list entries of {stale} articles are out of date (`reader list --json`)")
    return problems
