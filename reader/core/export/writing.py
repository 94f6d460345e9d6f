"""Writing an export's files: names from titles, and files written all or nothing,
never over a file Reader did not write (see files.py for the rules)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import threading
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core import domain
from reader.core.export.manifest import Entry, open_file, sha256
from reader.core.listing import ExportStamp

NAME_BYTES = 150  # well under the 255-byte limit of common file systems, leaving room for " (id)"

# Unsafe on some file system, or breaking a wiki link to the file ([[name#heading|alias]], ^block).
_UNSAFE = re.compile(r'[<>:"/\\|?*\[\]#^\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]+')
# Device names Windows will not open as files, whatever the extension (the superscript
# digits count as digits there, and the console has two names of its own).
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    "conin$",
    "conout$",
    *(f"{port}{i}" for port in ("com", "lpt") for i in (*range(10), "¹", "²", "³")),
}


@dataclass(frozen=True)
class ExportResult:
    paths: Sequence[Path]  # every file of this export, in article order (kept ones included)
    written: tuple[Path, ...]  # the files created or changed (the others were already identical)
    removed: tuple[Path, ...]  # old files of these articles (after a title changed)
    articles: int
    highlights: int
    # Files left alone: changed since Reader wrote them (or written by an older
    # Reader that kept no hash), so neither overwritten nor removed.
    kept: tuple[Path, ...] = ()


def safe_filename(title: str, limit: int = NAME_BYTES) -> str:
    """A file name (without suffix) that is valid on Windows, macOS and Linux."""
    name = unicodedata.normalize("NFC", title or "")
    name = _UNSAFE.sub(" ", name)
    name = " ".join(name.split()).strip(" .")
    if len(name.encode("utf-8")) > limit:
        name = name.encode("utf-8")[:limit].decode("utf-8", "ignore")
        name = name.rstrip(" .")
    if not name or name.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
        name = f"article {name}".strip()
    return name


def name_key(name: str) -> str:
    """How file systems compare names: case-insensitive (Windows, macOS) and NFC/NFD alike."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_names(
    articles: Sequence[domain.Article | ExportStamp], suffix: str, reserved: Container[str] = frozenset()
) -> dict[int, str]:
    """File names from titles. Titles shared by several articles, or landing on a
    name in `reserved` (keys from name_key), get the article id added."""
    bases = {a.id: safe_filename(a.title) for a in articles}
    counts: dict[str, int] = {}
    for base in bases.values():
        key = name_key(base)
        counts[key] = counts.get(key, 0) + 1
    names: dict[int, str] = {}
    used: set[str] = set()
    for article in sorted(articles, key=lambda a: a.id):
        base = bases[article.id]
        name = base + suffix
        if counts[name_key(base)] > 1 or name_key(name) in reserved:
            name = f"{base} ({article.id}){suffix}"
        n = 2
        while name_key(name) in reserved or name_key(name) in used:
            name = f"{base} ({article.id}-{n}){suffix}"
            n += 1
        used.add(name_key(name))
        names[article.id] = name
    return names


_BINARY = getattr(os, "O_BINARY", 0)


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, new: bool = False, clobber: bool = True, mode: int | None = None
) -> bool:
    """Write through a temporary file and rename: never a half-written export.
    Returns False (and writes nothing) when the file already holds exactly this
    (not checked when the caller knows the file is `new`). Without `clobber`,
    FileExistsError when a file has the name (nothing written). `mode`: the
    permissions to give before a byte is written (default: those of the file replaced)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    path = os.fspath(path)
    try:
        if not new and os.stat(path).st_size == len(raw):
            with open(path, "rb") as f:
                if f.read() == raw:
                    return False
    except OSError:
        pass
    folder = os.path.dirname(path) or "."
    # A temporary name of its own per file: reusing one name for every file makes
    # ext4 (and others) much slower at creating thousands of files.
    tmp = os.path.join(folder, f".{os.path.basename(path)}.reader-{os.getpid()}-{threading.get_ident()}.tmp")
    if mode is None and clobber:
        # A file the user made private stays private when its export is written again.
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(os.stat(path).st_mode)
    fd = _create(tmp, folder)
    try:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        if clobber:
            os.replace(tmp, path)
        else:
            _rename_new(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a full disk while writing: name the file
            raise OSError(exc.errno, exc.strerror, path) from exc
        raise
    return True


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _BINARY


def _create(tmp: str, folder: str) -> int:
    """A new temporary file. Never one that is there already: a link put at that
    (predictable) name must not have this export write through it, into a file
    elsewhere. One left at the name by a killed export of this pid is removed."""
    for _ in range(3):
        try:
            return os.open(tmp, _CREATE, 0o666)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            os.unlink(tmp)  # the name itself, never what a link there points to
    return os.open(tmp, _CREATE, 0o666)


def _rename_new(tmp: str, path: str) -> None:
    """Rename into place only where no file is (FileExistsError otherwise)."""
    if os.name == "nt":
        os.rename(tmp, path)  # never replaces a file there
        return
    try:
        os.link(tmp, path)  # never replaces a file there
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: a look first (a small window)
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


_TMP = re.compile(r"^\..+\.reader-(\d+)-(\d+)\.tmp$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or we cannot tell: leave its files
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove hidden `.NAME.reader-PID-TID.tmp` files whose process is gone (a killed export)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TMP.match(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def named_after(name: str, base: str, article_id: int, suffix: str) -> bool:
    """Whether `name` is one unique_names gives an article of this id whose title
    makes `base`: such a file keeps its name while the title does (no rename when
    another article of the same title comes or goes)."""
    if not name.endswith(suffix):
        return False
    stem = name[: len(name) - len(suffix)] if suffix else name
    if stem == base or stem == f"{base} ({article_id})":
        return True
    tail = stem[len(base) :] if stem.startswith(base) else ""
    return re.fullmatch(rf" \({article_id}-\d+\)", tail) is not None


def settle(path: str, raw: bytes, known: Entry | None, new: bool) -> str:
    """Write `raw` to `path` unless that would destroy something Reader did not write:
    "written", "unchanged" (already these bytes) or "kept" (the file holds something
    else than the bytes `known` proves Reader wrote, or was writing: the user changed
    it, or nothing proves Reader wrote it)."""
    existing = None
    if not new:
        try:
            with open_file(path) as f:
                existing = f.read()
        except FileNotFoundError:
            existing = None
        except OSError:
            return "kept"  # a link put in the file's place (or a folder): the user's now
        if existing is not None:
            if existing == raw:
                return "unchanged"
            if known is None or not known.proves(sha256(existing)):
                return "kept"
    if existing is None:
        try:
            write_atomic(path, raw, new=True, clobber=False)
        except FileExistsError:
            # Someone else's, come since the folder was listed: compared as any file;
            # one that cannot be read (a link to nowhere) is left alone.
            return settle(path, raw, known, False) if new else "kept"
        return "written"
    write_atomic(path, raw, new=True)
    return "written"
