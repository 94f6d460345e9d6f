"""The manifest an export keeps in its folder, `.reader-export/manifest.db` (what
files.py's docstring explains): which files Reader wrote there, with the SHA-256 of
their bytes and what they were rendered from, in a small SQLite database so that
an export after one change reads and writes a few rows, not the whole manifest.

Before a batch of files is written, their entries, with the hash of the bytes
about to be written as `pending`, are appended to `.reader-export/journal`: a
killed export leaves every file it may have written provably Reader's, by the old
hash or the pending one, and the next export reads the journal back and settles
them. At its end an export moves its entries into the database at once (settle)
and drops the journal. The JSON manifest of older versions (`.reader-export.json`,
with its journal) is read once and upgraded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from reader.core.errors import LibraryError

MANIFEST = ".reader-export"  # a hidden folder holding the database (its journal files come and go there)
DATABASE = "manifest.db"
LOCK = "lock"  # held by the export writing into the folder (folder.export_to_folder)
JOURNAL = "journal"  # entries of files an export is writing, one JSON line each (see Manifest.plan)
OLD_MANIFEST = ".reader-export.json"  # versions before 3: read once, upgraded into MANIFEST
OLD_JOURNAL = ".reader-export.journal"  # a killed export's entries, next to OLD_MANIFEST
_CHUNK = 500  # keys per IN (...) query

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    format TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, fkey TEXT NOT NULL,
    sha256 TEXT, pending TEXT, source TEXT, article INTEGER, PRIMARY KEY (format, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_fkey ON files (fkey);
CREATE TABLE IF NOT EXISTS legacy (
    format TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, fkey TEXT NOT NULL,
    PRIMARY KEY (format, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS legacy_fkey ON legacy (fkey);
-- Every article of the library the last export of everything saw, with its highlight
-- count if it was exported (NULL: left out, e.g. not annotated).
CREATE TABLE IF NOT EXISTS seen (
    format TEXT NOT NULL, article INTEGER NOT NULL, highlights INTEGER, PRIMARY KEY (format, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS others (fkey TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (format TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS about (text TEXT);
"""
_ABOUT = (
    "Files written here by Reader's export, by format and article uid, with the SHA-256 of what Reader "
    "wrote. Reader overwrites or removes a file only while it still holds exactly that; delete this file "
    "to make Reader forget them."
)


@dataclass(frozen=True)
class Entry:
    name: str
    sha256: str | None  # None: from a version-1 manifest, nothing proves what the file held
    source: str | None = None  # what the file was rendered from (see export_articles)
    pending: str | None = None  # the bytes an export was about to write when it stopped

    def proves(self, digest: str | None) -> bool:
        """Whether a file holding bytes of this hash is the one Reader wrote (or was writing)."""
        return digest is not None and digest in (self.sha256, self.pending)


_SEPARATORS = tuple(sep for sep in {"/", os.sep, os.altsep} if sep)


def valid_name(v: object) -> bool:
    """A plain, visible file name in the folder (no path)."""
    return isinstance(v, str) and bool(v) and not v.startswith(".") and not any(sep in v for sep in _SEPARATORS)


class Manifest:
    """The manifest of one folder. Reads are by key; writes are committed by
    `commit`; `plan` journals entries before their files are written, `settle` moves them in."""

    def __init__(self, folder: Path, key: Any) -> None:
        self.folder = folder
        self._key = key  # writing.name_key: how the file system compares names
        self._planned: dict[tuple[str, str], tuple[Entry, int | None]] = {}
        self._journal: IO[str] | None = None
        self._settled = False
        home = folder / MANIFEST
        path = home / DATABASE
        new = False
        home.mkdir(exist_ok=True)
        self.db = sqlite3.connect(os.fspath(path), isolation_level=None, check_same_thread=False)
        try:
            # WAL, synchronous NORMAL: a commit is an append, synced at checkpoints; a
            # killed export loses nothing committed, and a lost machine at most the
            # last commits (never the database). In a folder of its own, so that the
            # export folder's entries change only with the files (see folder.folder_mark).
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            # New until its first commit (not while the file exists: a killed first
            # export leaves the file, and the JSON manifest still to move in).
            new = self.db.execute("SELECT 1 FROM about LIMIT 1").fetchone() is None
            if new:
                self.db.execute("INSERT INTO about VALUES (?)", (_ABOUT,))
                self._upgrade()
            self._merge_journal()
            self.db.execute("COMMIT")
            if self._settled:
                self._drop_journal()
        except sqlite3.OperationalError as exc:  # a full disk, a lock held too long: nothing wrong with it
            self.db.close()
            raise LibraryError(f"cannot record the export in {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise ValueError(f"{path} cannot be read ({exc}); move it away to export afresh") from None
        if new:
            self.remove_old()
        self.db.execute("BEGIN")

    # -- reading ---------------------------------------------------------------

    def entries(self, fmt: str) -> dict[str, Entry]:
        rows = self.db.execute("SELECT key, name, sha256, source, pending FROM files WHERE format = ?", (fmt,))
        return {k: Entry(n, s, f, p) for k, n, s, f, p in rows}

    def entries_of(self, fmt: str, keys: Iterable[str]) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        for chunk in _chunks(list(keys)):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, name, sha256, source, pending FROM files WHERE format = ? AND key IN ({marks})"
            out.update((k, Entry(n, s, f, p)) for k, n, s, f, p in self.db.execute(sql, (fmt, *chunk)))
        return out

    def legacy(self, fmt: str, ids: Iterable[str] | None = None) -> dict[str, Entry]:
        if ids is None:
            rows = list(self.db.execute("SELECT id, name FROM legacy WHERE format = ?", (fmt,)))
        else:
            rows = []
            for chunk in _chunks(list(ids)):
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT id, name FROM legacy WHERE format = ? AND id IN ({marks})"
                rows += self.db.execute(sql, (fmt, *chunk))
        return {i: Entry(n, None) for i, n in rows}

    def names(self) -> set[str]:
        """The keys (files._key) of every file Reader recorded here, in any format."""
        rows = self.db.execute("SELECT fkey FROM files UNION SELECT fkey FROM legacy")
        return {k for (k,) in rows}

    def taken(self, fkey: str) -> bool:
        """Whether a name (its files._key) is a file of Reader's here, or was someone
        else's file at the last look at the folder."""
        for table in ("files", "legacy", "others"):
            if self.db.execute(f"SELECT 1 FROM {table} WHERE fkey = ? LIMIT 1", (fkey,)).fetchone():
                return True
        return False

    def state(self, fmt: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT value FROM state WHERE format = ?", (fmt,)).fetchone()
        try:
            value = json.loads(row[0]) if row else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    # -- writing ---------------------------------------------------------------

    def put(
        self, fmt: str, entries: Iterable[tuple[str, Entry | None]], articles: dict[str, int] | None = None
    ) -> None:
        """Record (or, for None, forget) entries, of articles by key; kept by the next commit."""
        rows = []
        gone = []
        for key, e in entries:
            self._planned.pop((fmt, key), None)
            if e is None:
                gone.append((fmt, key))
            else:
                article = articles.get(key) if articles else None
                rows.append((fmt, key, e.name, self._key(e.name), e.sha256, e.pending, e.source, article))
        self.db.executemany("DELETE FROM files WHERE format = ? AND key = ?", gone)
        if articles is None:
            # The article of an entry stays what it was.
            self.db.executemany(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (format, key) DO UPDATE SET "
                "name = excluded.name, fkey = excluded.fkey, sha256 = excluded.sha256, "
                "pending = excluded.pending, source = excluded.source",
                rows,
            )
        else:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def plan(self, fmt: str, entries: Sequence[tuple[str, Entry]], articles: dict[str, int]) -> None:
        """Entries of files about to be written (their hash pending): appended to the
        journal, in the file system before the files are. The database takes them
        all at once at the end (`settle`): committing each batch rewrote pages all
        over the table, a cost that grew with the square of the files."""
        if not entries:
            return
        if self._journal is None:
            self._journal = open(self.folder / MANIFEST / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115
        lines = []
        for key, e in entries:
            article = articles.get(key)
            self._planned[(fmt, key)] = (e, article)
            line = [fmt, key, e.name, e.sha256, e.pending, e.source, article]
            lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        try:
            self._journal.write("".join(lines))
            self._journal.flush()
        except OSError as exc:  # a full disk: name the file
            raise OSError(exc.errno, exc.strerror, os.fspath(self.folder / MANIFEST / JOURNAL)) from exc

    def settle(self) -> None:
        """The planned files are written: each holds its pending hash. Into the
        database in key order (by the next commit, which then drops the journal)."""
        rows = [
            (fmt, key, e.name, self._key(e.name), e.pending, None, e.source, article)
            for (fmt, key), (e, article) in sorted(self._planned.items())
        ]
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._planned.clear()
        self._settled = True

    def _merge_journal(self) -> None:
        """The entries a killed export planned, as pending: its files, some perhaps
        never written (then their old hash still proves what they hold)."""
        try:
            lines = (self.folder / MANIFEST / JOURNAL).read_text("utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError):
            lines = []
        rows = []
        for line in lines:
            try:
                fmt, key, name, proof, pending, source, article = json.loads(line)
            except (ValueError, TypeError):
                continue  # a line cut short by the kill
            if valid_name(name):
                rows.append((fmt, key, name, self._key(name), proof, pending, source, article))
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._settled = True  # the journal goes with the next commit

    def totals(self, fmt: str, ids: Iterable[int]) -> dict[int, int | None]:
        """article -> its highlight count when last exported (None: seen, not exported)."""
        out: dict[int, int | None] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT article, highlights FROM seen WHERE format = ? AND article IN ({marks})"
            out.update(self.db.execute(sql, (fmt, *chunk)))
        return out

    @staticmethod
    def exported_names_of(db: sqlite3.Connection, fmt: str) -> list[str]:
        """The files of the articles the last export of everything exported, by article id."""
        sql = (
            "SELECT f.name FROM seen s JOIN files f ON f.format = s.format AND f.article = s.article "
            "WHERE s.format = ? AND s.highlights IS NOT NULL ORDER BY s.article"
        )
        return [n for (n,) in db.execute(sql, (fmt,))]

    def set_articles(self, fmt: str, articles: dict[str, int]) -> None:
        """The article of each entry that has none (entries upgraded from a JSON manifest)."""
        rows = self.db.execute("SELECT key FROM files WHERE format = ? AND article IS NULL", (fmt,)).fetchall()
        self.db.executemany(
            "UPDATE files SET article = ? WHERE format = ? AND key = ?",
            [(articles[k], fmt, k) for (k,) in rows if k in articles],
        )

    def drop_legacy(self, fmt: str, ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM legacy WHERE format = ? AND id = ?", [(fmt, i) for i in ids])

    def set_seen(
        self, fmt: str, seen: dict[int, int | None], *, replace: bool = False, gone: Iterable[int] = ()
    ) -> None:
        """Articles seen (id -> highlight count if exported); `gone` deleted from the library."""
        if replace:
            self.db.execute("DELETE FROM seen WHERE format = ?", (fmt,))
        self.db.executemany("DELETE FROM seen WHERE format = ? AND article = ?", [(fmt, i) for i in gone])
        self.db.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?, ?)", [(fmt, i, n) for i, n in seen.items()])

    def set_others(self, fkeys: Iterable[str]) -> None:
        self.db.execute("DELETE FROM others")
        self.db.executemany("INSERT OR IGNORE INTO others VALUES (?)", [(k,) for k in fkeys])

    def add_others(self, fkeys: Iterable[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO others VALUES (?)", [(k,) for k in fkeys])

    def set_state(self, fmt: str, value: dict[str, Any] | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM state WHERE format = ?", (fmt,))
        else:
            self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (fmt, json.dumps(value, sort_keys=True)))

    def commit(self) -> None:
        self.db.execute("COMMIT")
        if self._settled:
            self._drop_journal()
        self.db.execute("BEGIN")

    def _drop_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / MANIFEST / JOURNAL)
        self._settled = False

    def close(self) -> None:
        """Commits what was recorded; entries planned and not settled stay in the
        journal (a failed export: the next one reads them back as pending)."""
        with contextlib.suppress(sqlite3.Error):
            if self.db.in_transaction:
                self.db.execute("COMMIT")
                if self._settled:
                    self._drop_journal()
        if self._journal is not None:
            self._journal.close()
        self.db.close()

    # -- the JSON manifest of older versions -------------------------------------

    def _upgrade(self) -> None:
        """Entries of a version-1 or -2 JSON manifest and its journal, moved in here
        (the journal's are pending: its export may have stopped before writing them)."""
        current, legacy = read_old_manifest(self.folder)
        for fmt, entries in current.items():
            self.put(fmt, entries.items())
        for fmt, entries in legacy.items():
            self.db.executemany(
                "INSERT OR REPLACE INTO legacy VALUES (?, ?, ?, ?)",
                [(fmt, i, e.name, self._key(e.name)) for i, e in entries.items()],
            )

    def remove_old(self) -> None:
        """After the upgrade is committed: the JSON manifest and journal are no longer read."""
        for name in (OLD_JOURNAL, OLD_MANIFEST):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.folder / name)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def read_old_manifest(folder: Path) -> tuple[dict[str, dict[str, Entry]], dict[str, dict[str, Entry]]]:
    """(entries by format and article uid, version-1 entries by format and article id)
    of a JSON manifest, with its journal's entries as pending."""
    current: dict[str, dict[str, Entry]] = {}
    legacy: dict[str, dict[str, Entry]] = {}
    try:
        data = json.loads((folder / OLD_MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        data = None
    files = data.get("files") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(files, dict):
        version = data.get("version")
        for fmt, entries in files.items():
            if not isinstance(entries, dict):
                continue
            for key, value in entries.items():
                if version == 1 and valid_name(value):
                    legacy.setdefault(fmt, {})[str(key)] = Entry(value, None)
                elif isinstance(value, dict) and valid_name(value.get("name")):
                    current.setdefault(fmt, {})[str(key)] = _entry(value)
        old = data.get("legacy")
        for fmt, entries in old.items() if isinstance(old, dict) else ():
            if isinstance(entries, dict):
                for key, value in entries.items():
                    if valid_name(value):
                        legacy.setdefault(fmt, {})[str(key)] = Entry(value, None)
    try:
        lines = (folder / OLD_JOURNAL).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            continue  # a line cut short by the kill
        if isinstance(value, dict) and isinstance(value.get("format"), str) and valid_name(value.get("name")):
            fmt, key = value["format"], str(value.get("key"))
            known = current.get(fmt, {}).get(key)
            digest = value.get("sha256") if isinstance(value.get("sha256"), str) else None
            proof = known.sha256 if known is not None and known.name == value["name"] else None
            current.setdefault(fmt, {})[key] = Entry(value["name"], proof, None, digest)
    return current, legacy


def _entry(value: dict[str, object]) -> Entry:
    digest, source = value.get("sha256"), value.get("from")
    return Entry(
        str(value["name"]), digest if isinstance(digest, str) else None, source if isinstance(source, str) else None
    )


def is_current(entry: Entry | None, name: str, source: str | None) -> bool:
    """Whether the file of `entry` (still there) was rendered from `source` under
    this name: it would be written again with the same bytes. Not even read: were
    it edited by the user, it is left alone either way (and reported kept once its
    article changes)."""
    return (
        entry is not None
        and source is not None
        and entry.pending is None
        and entry.source == source
        and entry.name == name
    )


def read_entries(folder: Path, fmt: str) -> dict[str, Entry]:
    """The entries recorded in a folder's manifest for one format (by article uid)."""
    path = folder / MANIFEST / DATABASE
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT key, name, sha256, source, pending FROM files WHERE format = ?", (fmt,))
        return {k: Entry(n, s, f, p) for k, n, s, f, p in rows}
    finally:
        db.close()


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_file(path: str) -> io.BufferedReader:
    """The file at `path` for reading, never one a link there points to (OSError):
    a link is the user's, whatever it leads to, and proves nothing Reader wrote."""
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NOFOLLOW), "rb")


def file_hash(path: str) -> str | None:
    """The SHA-256 of the file at `path`; None when there is none (or a link is)."""
    try:
        with open_file(path) as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
