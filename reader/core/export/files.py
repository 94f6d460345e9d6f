"""Writing exports to disk: one file per article into a folder, or one file.

A folder keeps a small manifest, `.reader-export.json`, of the files Reader
wrote there (format -> article id -> file name). A new export overwrites only
those files (and removes an article's old file when its title changed); any
other file in the folder is never touched, and never overwritten: a title that
would land on a user's file gets the article id added. Files whose content did
not change are not rewritten, so their modification times stay.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reader.core import domain
from reader.core.export.common import ExportOptions, Formatter
from reader.core.export.html import HtmlFormat
from reader.core.export.markdown import MarkdownFormat
from reader.core.export.readwise import CsvFormat
from reader.core.export.w3c import JsonFormat

FORMATS: dict[str, type[Formatter]] = {
    "md": MarkdownFormat,
    "json": JsonFormat,
    "html": HtmlFormat,
    "csv": CsvFormat,
}
MANIFEST = ".reader-export.json"
NAME_BYTES = 150  # well under the 255-byte limit of common file systems, leaving room for " (id)"
WRITERS = 4  # threads creating files
BATCH = 500  # articles read at once when the format needs their html and text

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}

Progress = Callable[[int, int], None]  # (articles done, total)


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]  # every file of this export, in article order
    written: tuple[Path, ...]  # the files created or changed (the others were already identical)
    removed: tuple[Path, ...]  # old files of these articles (after a title changed)
    articles: int
    highlights: int


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


def _key(name: str) -> str:
    """How file systems compare names: case-insensitive (Windows, macOS) and NFC/NFD alike."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_names(articles: Sequence[domain.Article], suffix: str, reserved: set[str] | None = None) -> dict[int, str]:
    """File names from titles. Titles shared by several articles, or landing on a
    name in `reserved` (keys from _key), get the article id added."""
    reserved = reserved or set()
    bases = {a.id: safe_filename(a.title) for a in articles}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[_key(base)] = counts.get(_key(base), 0) + 1
    names: dict[int, str] = {}
    used: set[str] = set()
    for article in sorted(articles, key=lambda a: a.id):
        base = bases[article.id]
        name = base + suffix
        if counts[_key(base)] > 1 or _key(name) in reserved:
            name = f"{base} ({article.id}){suffix}"
        n = 2
        while _key(name) in reserved or _key(name) in used:
            name = f"{base} ({article.id}-{n}){suffix}"
            n += 1
        used.add(_key(name))
        names[article.id] = name
    return names


_BINARY = getattr(os, "O_BINARY", 0)


def write_atomic(path: str | os.PathLike, data: str | bytes, new: bool = False) -> bool:
    """Write through a temporary file and rename: never a half-written export.
    Returns False (and writes nothing) when the file already holds exactly this
    (not checked when the caller knows the file is `new`)."""
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
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    clean: dict[str, dict[str, str]] = {}
    for fmt, entries in files.items():
        if isinstance(entries, dict):
            clean[fmt] = {
                str(k): v for k, v in entries.items()
                if isinstance(v, str) and v and Path(v).name == v and not v.startswith(".")
            }
    return clean


def _manifest_text(files: dict[str, dict[str, str]]) -> str:
    ordered = {fmt: dict(sorted(entries.items(), key=lambda kv: (len(kv[0]), kv[0])))
               for fmt, entries in sorted(files.items()) if entries}
    return json.dumps(
        {"about": "Files written here by Reader's export, by format and article id. Reader overwrites "
                  "only these; delete this file to make Reader forget them.",
         "version": 1, "files": ordered},
        ensure_ascii=False, indent=2,
    ) + "\n"


def export_articles(
    source,
    fmt: str,
    out: str | os.PathLike,
    template: str | Path | None = None,
    color_names: dict[str, str] | None = None,
    *,
    ids: Sequence[int] | None = None,
    tag: str | None = None,
    single_file: bool | None = None,
    assets=None,
    progress: Progress | None = None,
) -> ExportResult:
    """Export articles with their highlights and notes.

    `source` is a Library (then `ids`, else `tag`, else every article) or a
    sequence of domain.Article. `out` is a folder (one file per article) or, when
    it ends in the format's suffix (or single_file=True), one file holding every
    article. Same data, same bytes: nothing depends on the time of export.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = FORMATS[fmt]
    out = Path(out)
    if single_file is None:
        single_file = out.suffix.lower() == kind.suffix
        other = {f.suffix for f in FORMATS.values()} - {kind.suffix}
        if out.suffix.lower() in other and not out.is_dir():
            raise ValueError(f"{out} ends in {out.suffix} but the format is {fmt}; "
                             f"name a folder or a {kind.suffix} file")
    if not single_file and out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; name a folder, or a file ending in {kind.suffix}")

    library = source if hasattr(source, "get_many") else None
    if library is not None:
        selected = _select(library, ids, tag)
        articles = library.get_many(selected, content=False)
        if assets is None:
            assets = library.asset
    else:
        articles = list(source)
    formatter = kind(ExportOptions(template=template, color_names=dict(color_names or {}), assets=assets))
    highlights = sum(len(a.highlights) for a in articles)

    def with_content(batch: list[domain.Article]) -> list[domain.Article]:
        if library is None or not kind.needs_content:
            return batch
        return library.get_many([a.id for a in batch], content=True)

    if single_file:
        text = formatter.render(with_content(articles), combined=True)
        changed = write_atomic(out, text)
        if progress:
            progress(len(articles), len(articles))
        return ExportResult((out,), (out,) if changed else (), (), len(articles), highlights)

    out.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(out)
    mine = manifest.setdefault(fmt, {})
    exporting = {str(a.id) for a in articles}
    present = {_key(entry.name) for entry in os.scandir(out)}
    reserved = present - {_key(mine[i]) for i in exporting if i in mine}
    names = unique_names(articles, kind.suffix, reserved)
    new_keys = {_key(n) for n in names.values()}

    removed = []
    for article in articles:
        old = mine.get(str(article.id))
        if old and old != names[article.id] and _key(old) not in new_keys and _key(old) in present:
            (out / old).unlink(missing_ok=True)
            removed.append(out / old)
    for article in articles:
        mine[str(article.id)] = names[article.id]
    # Record the names before writing, so an interrupted export still knows its files.
    write_atomic(out / MANIFEST, _manifest_text(manifest))

    paths, changed = [], []
    total = len(articles)
    step = BATCH if kind.needs_content and library is not None else 200
    folder = os.fspath(out)
    render = formatter.render
    # Creating files is mostly waiting on the file system: a few threads write while
    # this one renders. Same bytes whatever the order.
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="reader-export") as pool:
        pending = []
        for offset in range(0, total, step):
            for article in with_content(articles[offset : offset + step]):
                name = names[article.id]
                new = _key(name) not in present
                pending.append(pool.submit(write_atomic, os.path.join(folder, name), render([article]), new))
                paths.append(out / name)
            changed.extend(f.result() for f in pending)  # also raises the first error
            pending.clear()
            if progress:
                progress(min(total, offset + step), total)
    written = [p for p, c in zip(paths, changed) if c]
    return ExportResult(tuple(paths), tuple(written), tuple(removed), len(articles), highlights)


def _select(library, ids: Sequence[int] | None, tag: str | None) -> list[int]:
    if ids:
        return list(dict.fromkeys(ids))
    return library.article_ids(tag=tag or None)
