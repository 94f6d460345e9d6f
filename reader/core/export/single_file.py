"""A single-file export's one file (`--out notes.md`), written only where Reader may:
never over a file Reader did not write.

Reader remembers the single files it wrote in a small registry in the user's state
folder (platformdirs, or $READER_STATE_DIR): the file's real path -> the SHA-256 and
size of the bytes Reader last wrote there. An export writes a file that is not there;
replaces one that holds exactly what Reader last wrote there (a re-export); and
refuses any other (the user's, or Reader's since edited), writing nothing, unless
forced (the user said so: `--force`, the window's "Replace?"). A pipe, a character
device or an open stream (/dev/stdout) is written into as it is: the user chose it.

The registry is read and changed under one file lock (filelock), held across the
check and the write itself, so processes exporting at once each see what the others
wrote, and two exports into one new file leave one whole file, recorded as it is.
It stays small: entries whose file is gone are dropped, and only the latest
MAX_ENTRIES kept (a forgotten file is then refused: the safe way round).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from reader import APP_NAME
from reader.core.errors import LibraryError
from reader.core.export.writing import write_atomic

STATE_ENV = "READER_STATE_DIR"
REGISTRY = "exported-files.json"
MAX_ENTRIES = 1000
LOCK_WAIT = 120.0  # seconds: another export holds the lock only while it writes its file

# Names of a descriptor the process already has open (the shell's redirection): written into, never replaced.
_STREAM = re.compile(r"^/dev/(stdout|stderr|fd/\d+)$|^/proc/(self|\d+)/fd/\d+$")


class NotReaderFile(LibraryError):
    """The file is there and Reader did not write it (or it changed since): nothing written."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        super().__init__(
            f"{os.fspath(path)} exists and Reader did not write it (or it was changed since): nothing written"
        )


def registry_file() -> Path:
    folder = os.environ.get(STATE_ENV)
    if not folder:
        from platformdirs import user_state_dir  # only when a single file is exported

        folder = user_state_dir(APP_NAME, appauthor=False)
    return Path(folder).expanduser() / REGISTRY


def _kind(target: str) -> str:
    """What is at `target`: "named" (an open descriptor's name: appended to), "device" (a pipe,
    terminal or other device: written into), "missing", "file", or "other" (a folder, a socket).
    Raises OSError for a path that cannot be looked at."""
    if _STREAM.match(target):
        return "named"
    try:
        st = os.stat(target)  # through links: a link's file is what is written
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return "device"
    return "file" if stat.S_ISREG(st.st_mode) else "other"


def is_stream(path: str | os.PathLike[str]) -> bool:
    """`path` is written into, not replaced: /dev/stdout, a pipe, a terminal or another device."""
    try:
        return _kind(os.fspath(path)) in ("named", "device")
    except (OSError, ValueError):
        return False


def write_single(path: str | os.PathLike[str], raw: bytes, *, force: bool = False) -> bool:
    """Write the export's one file at `path` (see the module's rules); NotReaderFile
    when the file there is not Reader's and not `force`d. Returns False when it
    already held `raw` (nothing written)."""
    target = os.fspath(path)
    kind = _kind(target)
    if kind in ("named", "device"):
        return _write_into(target, raw, append=kind == "named")
    if kind == "other":
        raise ValueError(f"{target} is not a file (a device or socket); name a file to write")
    real = os.path.realpath(target)
    with _registry() as entries:
        key = _key(real)
        existing = _read(real)
        if existing is None:
            try:
                write_atomic(real, raw, new=True, clobber=False)
            except FileExistsError:  # another program's file came meanwhile
                raise NotReaderFile(target) from None
            wrote = True
        elif existing == raw:
            wrote = False  # nothing to write, and the file now holds exactly Reader's bytes
        elif force or _proves(entries.get(key), existing):
            write_atomic(real, raw, new=True)  # (with the replaced file's permissions)
            wrote = True
        else:
            raise NotReaderFile(target)
        entries[key] = {"sha256": _sha256(raw), "size": len(raw), "written": time.time()}
    return wrote


def may_replace(path: str | os.PathLike[str]) -> bool:
    """Whether write_single would write at `path` without being forced: nothing
    there, a pipe or device, or the bytes Reader last wrote there. (The window asks
    the user before it forces anything else.)"""
    target = os.fspath(path)
    try:
        kind = _kind(target)
    except OSError:
        return False
    if kind != "file":
        return True  # nothing there, or a pipe or device written into; anything else is refused with its own reason
    real = os.path.realpath(target)
    # Read without the lock (the registry is replaced whole, never half-written): the
    # window asks this on its own thread and must not wait on another export.
    entry = _load(registry_file()).get(_key(real))
    if entry is None or entry.get("size") != _size(real):
        return False  # not read: a large file of the user's costs nothing to refuse
    existing = _read(real)
    return existing is None or _proves(entry, existing)


def _write_into(target: str, raw: bytes, append: bool = False) -> bool:
    # Append to a stream: `> file` has emptied it already, and `>> file` keeps what it held.
    with open(target, "ab" if append else "wb") as f:
        f.write(raw)
    return True


def _key(real: str) -> str:
    return os.path.normcase(real)


def _size(real: str) -> int | None:
    try:
        return os.path.getsize(real)
    except OSError:
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(real: str) -> bytes | None:
    try:
        with open(real, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _proves(entry: dict[str, Any] | None, existing: bytes) -> bool:
    """Whether the file's bytes are the ones Reader last wrote there."""
    return (
        entry is not None
        and entry.get("size") == len(existing)
        and isinstance(entry.get("sha256"), str)
        and entry["sha256"] == _sha256(existing)
    )


@contextlib.contextmanager
def _registry() -> Iterator[dict[str, dict[str, Any]]]:
    """The registry's entries, under its lock; written back (all or nothing) when the
    block ends without an error."""
    path = registry_file()
    # Checked before the export's file is written: a registry that cannot be kept
    # would leave a file Reader wrote and could not prove its own (refused ever after).
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where the folder should be
            raise NotADirectoryError(errno.ENOTDIR, f"{path.parent} is not a folder") from None
        if os.path.lexists(path) and not path.is_file():
            raise IsADirectoryError(errno.EISDIR, "it is not a file")
        lock = FileLock(os.fspath(path) + ".lock")
        lock.acquire(timeout=LOCK_WAIT)
    except Timeout:
        raise LibraryError(f"{path}: another export has held it for {LOCK_WAIT:.0f} s; try again") from None
    except OSError as exc:
        raise LibraryError(
            f"{path}: Reader cannot keep its list of exported files there ({exc.strerror or exc}); nothing written"
        ) from None
    try:
        entries = _load(path)
        before = dict(entries)
        yield entries
        if entries != before:
            try:
                write_atomic(path, json.dumps(_bounded(entries), indent=1, sort_keys=True) + "\n")
            except OSError as exc:  # a full disk, after the export's file was written
                raise LibraryError(
                    f"{path}: the export was written but could not be recorded ({exc.strerror or exc}); "
                    "the next export over it needs --force"
                ) from None
    finally:
        lock.release()


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The entries; none from a registry that is missing or damaged (its files are
    then refused until forced, never overwritten by mistake)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, dict)}


def _bounded(entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Entries whose file is still there, the latest MAX_ENTRIES of them."""
    alive = [(k, v) for k, v in entries.items() if os.path.lexists(k)]
    alive.sort(key=lambda kv: kv[1].get("written", 0) if isinstance(kv[1].get("written"), int | float) else 0)
    return {
        "about": "Files Reader's single-file export wrote, with the SHA-256 of what it wrote: Reader replaces "
        "such a file only while it still holds exactly that. Delete this file to make Reader forget them.",
        "files": dict(alive[-MAX_ENTRIES:]),
    }
