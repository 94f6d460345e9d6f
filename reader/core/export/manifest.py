"""The manifest an export keeps in its folder, `.reader-export.json`, and the journal a
running export appends to, `.reader-export.journal` (what files.py's docstring explains):
which files Reader wrote, with the SHA-256 of their bytes and what they were rendered from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MANIFEST = ".reader-export.json"
JOURNAL = ".reader-export.journal"  # entries of a running export, merged into MANIFEST at its end


@dataclass(frozen=True)
class Entry:
    name: str
    sha256: str | None  # None: from a version-1 manifest, nothing proves what the file held
    source: str | None = None  # what the file was rendered from (see export_articles)


_SEPARATORS = tuple(sep for sep in {"/", os.sep, os.altsep} if sep)


def valid_name(v: object) -> bool:
    """A plain, visible file name in the folder (no path)."""
    return isinstance(v, str) and bool(v) and not v.startswith(".") and not any(sep in v for sep in _SEPARATORS)


def read_manifest(folder: Path) -> tuple[dict[str, dict[str, Entry]], dict[str, dict[str, Entry]], bool]:
    """(entries by format and article uid, version-1 entries by format and article id,
    whether the file is a manifest as written now: else it is written even if nothing changed)."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}, {}, False
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}, {}, False
    version = data.get("version")
    current: dict[str, dict[str, Entry]] = {}
    legacy: dict[str, dict[str, Entry]] = {}
    for fmt, entries in files.items():
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            if version == 1 and valid_name(value):
                legacy.setdefault(fmt, {})[str(key)] = Entry(value, None)
            elif isinstance(value, dict) and valid_name(value.get("name")):
                current.setdefault(fmt, {})[str(key)] = entry(value)
    for fmt, entries in (data.get("legacy") or {}).items() if isinstance(data.get("legacy"), dict) else ():
        if isinstance(entries, dict):
            for key, value in entries.items():
                if valid_name(value):
                    legacy.setdefault(fmt, {})[str(key)] = Entry(value, None)
    return current, legacy, version == 2


def entry(value: dict[str, object]) -> Entry:
    digest, source = value.get("sha256"), value.get("from")
    return Entry(
        str(value["name"]), digest if isinstance(digest, str) else None, source if isinstance(source, str) else None
    )


def entry_json(e: Entry) -> dict[str, object]:
    data: dict[str, object] = {"name": e.name, "sha256": e.sha256}
    if e.source is not None:
        data["from"] = e.source
    return data


def frozen(entries: dict[str, dict[str, Entry]]) -> dict[str, dict[str, Entry]]:
    """A copy to compare with later (formats without entries left out)."""
    return {fmt: dict(e) for fmt, e in entries.items() if e}


class Journal:
    """Manifest entries of files about to be written, one JSON line each, appended
    before the files are written: a killed export leaves its files known (the next
    export merges them) without rewriting the whole manifest after every batch."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.fmt = fmt
        self.file: IO[str] | None = None

    def record(self, entries: Sequence[tuple[str, Entry]]) -> None:
        if not entries:
            return
        if self.file is None:
            self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (closed by close())
        for key, e in entries:
            line = {"format": self.fmt, "key": key, "name": e.name, "sha256": e.sha256}
            self.file.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def remove(self) -> None:
        """After the manifest holding these entries is written."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def merge_journal(folder: Path, current: dict[str, dict[str, Entry]]) -> None:
    """The entries a killed export recorded: its files, some perhaps never written
    (their hash then proves nothing the file holds, so they are only ever kept)."""
    try:
        lines = (folder / JOURNAL).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            continue  # a line cut short by the kill
        if isinstance(value, dict) and isinstance(value.get("format"), str) and valid_name(value.get("name")):
            current.setdefault(value["format"], {})[str(value.get("key"))] = entry(value)


def is_current(entry: Entry | None, name: str, source: str | None) -> bool:
    """Whether the file of `entry` (still there) was rendered from `source` under
    this name: it would be written again with the same bytes. Not even read: were
    it edited by the user, it is left alone either way (and reported kept once its
    article changes)."""
    return entry is not None and source is not None and entry.source == source and entry.name == name


def manifest_text(current: dict[str, dict[str, Entry]], legacy: dict[str, dict[str, Entry]]) -> str:
    data: dict[str, object] = {
        "about": "Files written here by Reader's export, by format and article uid, with the SHA-256 of what "
        "Reader wrote (and a hash of what it was rendered from). Reader overwrites or removes a file only "
        "while it still holds exactly that; delete this file to make Reader forget them.",
        "version": 2,
        "files": {
            fmt: {uid: entry_json(e) for uid, e in sorted(entries.items())}
            for fmt, entries in sorted(current.items())
            if entries
        },
    }
    old = {
        fmt: {k: e.name for k, e in sorted(entries.items(), key=lambda kv: (len(kv[0]), kv[0]))}
        for fmt, entries in sorted(legacy.items())
        if entries
    }
    if old:
        data["legacy"] = old  # from a version-1 manifest: kept, never overwritten or removed
    # Compact: the C encoder (indent= makes json use its pure-Python one, slow for 10,000 entries).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def file_hash(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
