"""Writing exports to disk: one file per article into a folder, or one file.

A folder keeps a small manifest, `.reader-export.json`, of the files Reader
wrote there: format -> article uid (stable, never reused, unlike the row id) ->
the file's name and the SHA-256 of the bytes Reader wrote. A later export
overwrites or removes (after a title changed) a file only while its bytes still
match that hash: a file the user edited is left alone, and the result says so
(ExportResult.kept). Any other file in the folder is never touched, and never
overwritten: a title that would land on a user's file gets the article id
added. Files whose content did not change are not rewritten, so their
modification times stay. Version-1 manifests (keyed by id, without hashes) are
read, but their files are only ever kept: nothing proves Reader wrote them as
they are now. Temporary files left by a killed export (their process is gone)
are removed.

Each entry also records what its file was rendered from ("from": a hash of the
article's fingerprint, listing.export_stamps, and of the export's options and
template): an article whose entry matches is neither read nor rendered again, so
exporting after one change costs one render and one query, not a full export.
The manifest is written once, at the end; while an export runs, the entries of
the files it is about to write are appended to `.reader-export.journal` first,
so a killed export's files stay known (the next export merges the journal).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import reader
from reader.core import domain
from reader.core.export.anki import AnkiFormat
from reader.core.export.citations import BibtexFormat, CslJsonFormat
from reader.core.export.common import ArticleSource, AssetResolver, ExportOptions, Formatter
from reader.core.export.html import HtmlFormat
from reader.core.export.hypothesis import HypothesisFormat
from reader.core.export.logseq import LogseqFormat
from reader.core.export.manifest import (
    JOURNAL,
    MANIFEST,
    Entry,
    Journal,
    file_hash,
    frozen,
    is_current,
    manifest_text,
    merge_journal,
    read_manifest,
    sha256,
)
from reader.core.export.markdown import MarkdownFormat, default_template_text
from reader.core.export.readwise import CsvFormat
from reader.core.export.w3c import JsonFormat
from reader.core.listing import ExportStamp, export_stamp

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing.TypeIs from Python 3.13

FORMATS: dict[str, type[Formatter]] = {
    "md": MarkdownFormat,
    "json": JsonFormat,
    "html": HtmlFormat,
    "csv": CsvFormat,
    "logseq": LogseqFormat,
    "anki": AnkiFormat,
    "bibtex": BibtexFormat,
    "csl-json": CslJsonFormat,
    "hypothesis": HypothesisFormat,
}
# Bumped when a format renders the same article differently: every file is then rendered again.
RENDER_REVISION = 1
NAME_BYTES = 150  # well under the 255-byte limit of common file systems, leaving room for " (id)"
WRITERS = 4  # threads creating files
BATCH = 500  # articles read at once when the format needs their html and text

# Unsafe on some file system, or breaking a wiki link to the file ([[name#heading|alias]], ^block).
_UNSAFE = re.compile(r'[<>:"/\\|?*\[\]#^\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}

Progress = Callable[[int, int], None]  # (articles done, total)


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]  # every file of this export, in article order (kept ones included)
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


def _key(name: str) -> str:
    """How file systems compare names: case-insensitive (Windows, macOS) and NFC/NFD alike."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_names(
    articles: Sequence[domain.Article | ExportStamp], suffix: str, reserved: set[str] | None = None
) -> dict[int, str]:
    """File names from titles. Titles shared by several articles, or landing on a
    name in `reserved` (keys from _key), get the article id added."""
    reserved = reserved or set()
    bases = {a.id: safe_filename(a.title) for a in articles}
    counts: dict[str, int] = {}
    for base in bases.values():
        key = _key(base)
        counts[key] = counts.get(key, 0) + 1
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


def write_atomic(path: str | os.PathLike[str], data: str | bytes, new: bool = False) -> bool:
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


_TMP = re.compile(r"^\..+\.reader-(\d+)-(\d+)\.tmp$")


def _options_key(fmt: str, options: ExportOptions) -> str:
    """Everything besides the article that a file's bytes depend on."""
    template = ""
    if options.template is not None:
        try:
            template = sha256(Path(options.template).read_bytes())
        except OSError:
            template = str(options.template)
    data = [
        RENDER_REVISION,
        reader.__version__,
        fmt,
        template,
        sorted(options.color_names.items()),
        list(options.tags),
        options.bom,
        options.cloze,
        options.deck,
    ]
    if fmt in ("md", "logseq") and options.template is None:
        data.append(sha256(default_template_text().encode("utf-8")))
    return sha256(json.dumps(data, ensure_ascii=False).encode("utf-8"))


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


def _is_library(source: ArticleSource | Iterable[domain.Article]) -> TypeIs[ArticleSource]:
    return hasattr(source, "get_many")


def _loaded(articles: list[domain.Article], into: dict[int, domain.Article]) -> list[ExportStamp]:
    into.update((a.id, a) for a in articles)
    return [export_stamp(a) for a in articles]


def export_articles(
    source: ArticleSource | Iterable[domain.Article],
    fmt: str,
    out: str | os.PathLike[str],
    template: str | Path | None = None,
    color_names: dict[str, str] | None = None,
    *,
    ids: Sequence[int] | None = None,
    tag: str | None = None,
    single_file: bool | None = None,
    assets: AssetResolver | None = None,
    progress: Progress | None = None,
    annotated: bool = False,
    prune: bool = False,
    bom: bool = False,
    cloze: bool = False,
    deck: str = "",
) -> ExportResult:
    """Export articles with their highlights and notes.

    `source` is a Library (then `ids`, else `tag`, else every article) or a
    sequence of domain.Article; `annotated` keeps only the articles with
    highlights or a note. `out` is a folder (one file per article) or, when it
    ends in the format's suffix (or single_file=True), one file holding every
    article. Same data, same bytes: nothing depends on the time of export.

    `prune` (a vault kept current, see vault.py): files this folder's manifest
    records for articles no longer exported (deleted, or without highlights now)
    are removed too, while they are unchanged since Reader wrote them.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = FORMATS[fmt]
    out = Path(out)
    if single_file is None:
        single_file = out.suffix.lower() == kind.suffix or getattr(kind, "single_only", False)
        other = {f.suffix for f in FORMATS.values()} - {kind.suffix}
        if out.suffix.lower() in other and not out.is_dir():
            raise ValueError(
                f"{out} ends in {out.suffix} but the format is {fmt}; name a folder or a {kind.suffix} file"
            )
    if single_file and out.is_dir():
        raise ValueError(f"{out} is a folder; the {fmt} format writes one file: name a {kind.suffix} file")
    if not single_file and out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; name a folder, or a file ending in {kind.suffix}")

    library: ArticleSource | None = None
    loaded: dict[int, domain.Article] = {}  # articles already read (content=False)
    if _is_library(source):
        library = source
        selected = _select(library, ids, tag)
        if assets is None:
            assets = library.asset
        stamps_of = getattr(library, "export_stamps", None)
        if stamps_of is not None and not single_file:
            # Cheap records first: an article whose file is current is never read.
            items: list[ExportStamp] = stamps_of(selected)
        else:
            items = _loaded(library.get_many(selected, content=False), loaded)
    else:
        items = _loaded(list(source), loaded)
    if annotated:
        items = [s for s in items if s.highlights or s.note.strip()]
    options = ExportOptions(
        template=template,
        color_names=dict(color_names or {}),
        assets=assets,
        tags=tuple(sorted({t for s in items for t in s.tags})),
        bom=bom,
        cloze=cloze,
        deck=deck,
    )
    formatter = kind(options)
    highlights = sum(s.highlights for s in items)

    def fetch(batch: Sequence[ExportStamp]) -> list[domain.Article]:
        if library is None or (not kind.needs_content and all(s.id in loaded for s in batch)):
            return [loaded[s.id] for s in batch]
        return library.get_many([s.id for s in batch], content=kind.needs_content)

    if single_file:
        text = formatter.render(fetch(items), combined=True)
        wrote = write_atomic(out, text if isinstance(text, bytes) else text.encode("utf-8", "replace"))
        if progress:
            progress(len(items), len(items))
        return ExportResult((out,), (out,) if wrote else (), (), len(items), highlights)

    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    current, legacy, fresh = read_manifest(out)
    before_run = (frozen(current), frozen(legacy))
    merge_journal(out, current)
    present = {_key(entry.name) for entry in os.scandir(out)}
    # Entries whose file is gone (deleted by the user) are forgotten.
    mine = current[fmt] = {k: e for k, e in current.get(fmt, {}).items() if _key(e.name) in present}
    old_mine = legacy[fmt] = {k: e for k, e in legacy.get(fmt, {}).items() if _key(e.name) in present}
    keys = {s.id: s.uid or f"id:{s.id}" for s in items}
    folder = os.fspath(out)
    removed: list[Path] = []
    kept: list[Path] = []
    if prune:
        # Files of articles that are not exported any more: removed while unchanged.
        wanted = set(keys.values())
        for key in sorted(set(mine) - wanted):
            entry = mine[key]
            path = os.path.join(folder, entry.name)
            if entry.sha256 and file_hash(path) == entry.sha256:
                os.unlink(path)
                removed.append(out / entry.name)
                present.discard(_key(entry.name))
                del mine[key]
            elif os.path.exists(path):
                kept.append(out / entry.name)
    # Names these articles had: theirs to take again (if the file is unchanged, see _settle).
    owned = {_key(mine[keys[s.id]].name) for s in items if keys[s.id] in mine}
    owned |= {_key(old_mine[str(s.id)].name) for s in items if str(s.id) in old_mine}
    names = unique_names(items, kind.suffix, present - owned)
    new_keys = {_key(n) for n in names.values()}

    for item in items:
        old = mine.get(keys[item.id])
        if old and old.name != names[item.id] and _key(old.name) not in new_keys and _key(old.name) in present:
            path = os.path.join(folder, old.name)
            if old.sha256 and file_hash(path) == old.sha256:
                os.unlink(path)
                removed.append(out / old.name)
                del mine[keys[item.id]]
            elif os.path.exists(path):
                kept.append(out / old.name)

    # What each file is rendered from: the article's fingerprint under these options.
    # A file whose entry records the same is current: neither rendered nor read again.
    sources: dict[int, str] = {}
    if not kind.needs_content:
        options_key = _options_key(fmt, options)
        sources = {s.id: sha256(f"{options_key}\n{s.fingerprint}".encode()) for s in items if s.fingerprint}
    paths = [out / names[s.id] for s in items]
    todo = [s for s in items if not is_current(mine.get(keys[s.id]), names[s.id], sources.get(s.id))]
    changed: list[Path] = []
    total = len(items)
    done = total - len(todo)
    step = BATCH if kind.needs_content and library is not None else 200
    render = formatter.render
    journal = Journal(out / JOURNAL, fmt)
    try:
        # Creating files is mostly waiting on the file system: a few threads write while
        # this one renders. Same bytes whatever the order.
        with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="reader-export") as pool:
            for offset in range(0, len(todo), step):
                batch = []
                for article in fetch(todo[offset : offset + step]):
                    rendered = render([article])
                    raw = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8", "replace")
                    batch.append((article, raw))
                # Rendered the whole batch (a template error raises before anything is
                # recorded); journal what is about to be written, so a killed export still
                # knows its files (merged into the manifest by the next one), then write.
                plans = []
                for article, raw in batch:
                    name = names[article.id]
                    previous = mine.get(keys[article.id]) or old_mine.get(str(article.id))
                    proof = previous.sha256 if previous and _key(previous.name) == _key(name) else None
                    plans.append((article, name, os.path.join(folder, name), raw, proof, _key(name) not in present))
                before = {keys[a.id]: mine.get(keys[a.id]) for a, *_ in plans}
                planned = []
                for article, name, _path, raw, _proof, _new in plans:
                    entry = Entry(name, sha256(raw))
                    known = before[keys[article.id]]
                    if known is None or (known.name, known.sha256) != (entry.name, entry.sha256):
                        planned.append((keys[article.id], entry))
                    mine[keys[article.id]] = entry
                journal.record(planned)
                futures = [pool.submit(_settle, path, raw, proof, new) for _a, _n, path, raw, proof, new in plans]
                errors = []
                for (article, name, _path, _raw, _proof, _new), future in zip(plans, futures):
                    try:
                        outcome = future.result()
                    except OSError as exc:
                        errors.append(exc)
                        outcome = "failed"
                    key = keys[article.id]
                    if outcome in ("failed", "kept"):
                        # Not written: the manifest keeps what it knew before.
                        known = before[key]
                        if known is None:
                            mine.pop(key, None)
                        else:
                            mine[key] = known
                    else:
                        entry = mine[key]
                        mine[key] = Entry(entry.name, entry.sha256, sources.get(article.id))
                    if outcome == "kept":
                        kept.append(out / name)
                    elif outcome == "written":
                        changed.append(out / name)
                    if (
                        outcome != "failed"
                        and str(article.id) in old_mine
                        and _key(old_mine[str(article.id)].name) == _key(name)
                        and outcome != "kept"
                    ):
                        del old_mine[str(article.id)]  # proved ours now (identical or newly written)
                if errors:
                    raise errors[0]
                done += len(plans)
                if progress:
                    progress(done, total)
            if progress and not todo:
                progress(total, total)
    finally:
        journal.close()
        if (frozen(current), frozen(legacy)) != before_run or not fresh:
            write_atomic(out / MANIFEST, manifest_text(current, legacy))
        journal.remove()
    return ExportResult(tuple(paths), tuple(changed), tuple(removed), len(items), highlights, tuple(kept))


def _settle(path: str, raw: bytes, proof: str | None, new: bool) -> str:
    """Write `raw` to `path` unless that would destroy something Reader did not write:
    "written", "unchanged" (already these bytes) or "kept" (the file holds something
    else than the bytes whose hash is `proof`: the user changed it, or nothing proves
    Reader wrote it)."""
    if not new:
        try:
            with open(path, "rb") as f:
                existing = f.read()
        except FileNotFoundError:
            existing = None
        if existing is not None:
            if existing == raw:
                return "unchanged"
            if proof is None or sha256(existing) != proof:
                return "kept"
    write_atomic(path, raw, new=True)
    return "written"


def is_annotated(article: domain.Article) -> bool:
    """Whether an article has highlights or a note: what "annotated only" exports."""
    return bool(article.highlights) or bool(article.note.strip())


def _select(library: ArticleSource, ids: Sequence[int] | None, tag: str | None) -> list[int]:
    if ids:
        return list(dict.fromkeys(ids))
    return library.article_ids(tag=tag or None)
