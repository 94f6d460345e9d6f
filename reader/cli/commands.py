"""The commands over the library: import, list, show, extract, highlight, note, rename, tag,
archive, favorite, delete, search, reextract, backup, copy-library, check."""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import itertools
import json
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from reader.cli.common import (
    UsageError,
    _iso,
    _open,
    _open_light,
    _print_json,
    _ProgressBar,
    _selected_ids,
    shown,
    shown_path,
    text_path,
)
from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.lazy import list_entry

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from reader.core.export.common import Json


def cmd_import(args: argparse.Namespace) -> int:
    with _open(args) as library:
        outcomes = library.import_paths(args.paths, progress=_ProgressBar(), workers=args.workers)
    if args.json:
        _print_json(
            [
                {
                    "path": text_path(o.path),
                    "status": o.status,
                    "id": o.id,
                    "error": o.error,
                    "warnings": list(o.warnings),
                }
                for o in outcomes
            ]
        )
    else:
        for o in outcomes:
            if o.status == "imported":
                print(f"imported {o.id}: {shown(o.title)}  ({shown_path(o.path)})")
                for warning in o.warnings:
                    print(f"warning: {shown_path(o.path)}: {warning}", file=sys.stderr)
            elif o.status == "duplicate":
                print(f"duplicate of {o.id}: {shown_path(o.path)}")
            elif o.status == "skipped":
                print(f"skipped: {shown_path(o.path)}: {o.error}", file=sys.stderr)
            else:
                print(f"failed: {shown_path(o.path)}: {o.error}", file=sys.stderr)
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("imported", "duplicate", "failed", "skipped")}
        print(
            f"{counts['imported']} imported, {counts['duplicate']} duplicates, {counts['failed']} failed"
            + (f", {counts['skipped']} skipped" if counts["skipped"] else ""),
            file=sys.stderr,
        )
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_list(args: argparse.Namespace) -> int:
    # Streamed a batch at a time: 100,000 articles are never all in memory.
    with _open_light(args) as library:
        if args.json and not sys.stdout.isatty():
            # For a program: built by SQLite (lazy.list_json), 3x faster than records and json.dumps.
            _write_json_array(library.list_json(sort=args.sort, state=args.state, tag=args.tag))
            return 0
        items = library.iter_articles(sort=args.sort, state=args.state, tag=args.tag)
        if args.json:
            _print_json_array(list_entry(a) for a in items)
        else:
            for a in items:
                by = f" — {shown(a.author)}" if a.author else ""
                print(f"{a.id:>6}  {shown(a.title)}{by}  [{a.reading_minutes} min, {a.highlight_count} highlights]")
    return 0


def _write_json_array(batches: Iterable[bytes]) -> None:
    """Compact JSON objects, joined by commas a batch at a time, as one array on one line:
    as bytes under a UTF-8 stdout (no decoding and encoding again), else through it."""
    stdout = sys.stdout
    buffer = _utf8_buffer(stdout)
    if buffer is not None:
        stdout.flush()  # anything already written to the text layer goes first
        write: Callable[[bytes], object] = buffer.write
    else:  # another encoding, or a StringIO: the text layer says if it cannot encode

        def write(data: bytes) -> object:
            return stdout.write(data.decode())

    first = True
    for batch in batches:
        write((b"[" if first else b",") + batch)
        first = False
    write(b"[]" if first else b"]")
    stdout.write("\n")  # through the text layer: its line ending (\r\n on Windows)


def _utf8_buffer(stream: TextIO) -> BinaryIO | None:
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    try:
        return buffer if buffer is not None and encoding and codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def _print_json_array(items: Iterable[Json], batch: int = 1000) -> None:
    """One indented JSON array, for a person at a terminal, written a batch at a time."""
    write = sys.stdout.write
    items = iter(items)
    first = True
    while chunk := list(itertools.islice(items, batch)):
        text = json.dumps(chunk, ensure_ascii=False, indent=2)[1:-2]  # '[\n  {...},\n  {...}\n]' without '[' and '\n]'
        write(("[" if first else ",") + text)
        first = False
    write("[]\n" if first else "\n]\n")


def _json_value(value: object) -> object:
    """A record's value as JSON: stamps ISO 8601 with Z, tuples as lists, records as objects."""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record_json(value)
    return value


def _record_json(record: DataclassInstance) -> Json:
    return {f.name: _json_value(getattr(record, f.name)) for f in dataclasses.fields(record)}


def article_json(article: domain.Article) -> Json:
    """Every field of the record (domain.Article, its highlights), by its own name."""
    shown = _record_json(article)
    shown["reading_minutes"] = article.reading_minutes
    shown["note_by"] = article.note_by or None  # names not known: null
    for highlight, item in zip(article.highlights, shown["highlights"], strict=True):
        item["placed"] = highlight.placed
        item["created_by"] = highlight.created_by or None
        item["updated_by"] = highlight.updated_by or None
    return shown


def cmd_show(args: argparse.Namespace) -> int:
    with _open_light(args) as library:
        article = library.get(args.id)
    if args.format == "json":
        _print_json(article_json(article))
    elif args.format == "html":
        print(shown(article.html, lines=True))
    else:
        print(shown(article.title))
        meta = " · ".join(x for x in (article.author, article.site, article.published) if x)
        if meta:
            print(shown(meta))
        print()
        print(shown(article.text, lines=True))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from reader.core.importing.batch import article_record
    from reader.core.importing.formats import ImportFailure
    from reader.core.importing.pipeline import prepare

    if args.format == "jsonl":
        return _extract_jsonl(args.files, args.workers)
    if len(args.files) > 1:
        raise UsageError(f"--format {args.format} takes one file; use --format jsonl for several")
    path = Path(args.files[0])
    if not path.exists():
        raise LibraryError(f"{path}: file not found")
    if not path.is_file():
        raise LibraryError(f"{path}: not a file (a folder, pipe or device)")
    try:
        article = prepare(path)
    except ImportFailure as exc:
        raise LibraryError(f"{path}: {exc}") from None
    if args.format == "json":
        _print_json(article_record(article))
    elif args.format == "html":
        print(shown(article.html, lines=True))
    else:
        print(shown(article.title))
        print()
        print(shown(article.text, lines=True))
    return 0


def _extract_jsonl(files: list[str], workers: int | None) -> int:
    from reader.core.importing.batch import extract_records

    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    failed = False
    for record in extract_records(files, workers=workers):
        record["path"] = text_path(record["path"])
        failed = failed or "error" in record
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0


def cmd_highlight(args: argparse.Namespace) -> int:
    with _open(args) as library:
        h = library.highlight_quote(
            args.id, args.quote, occurrence=args.occurrence, color=args.color, note=args.note, tags=args.tags
        )
    print(f"highlight {h.id} in article {h.article_id} at {h.start}-{h.end}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    with _open(args) as library:
        library.set_note(args.id, args.text)
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    if bool(args.title) == args.page:
        raise UsageError("give the article a new title, or --page for the page's own")
    with _open(args) as library:
        if args.page:
            library.reset_title(args.id)
        else:
            library.set_title(args.id, " ".join(args.title))
        print(shown(library.get_summary(args.id).title))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    with _open(args) as library:
        if args.remove:
            library.remove_tags(args.id, args.tags)
        else:
            library.add_tags(args.id, args.tags)
        print(", ".join(library.get(args.id).tags))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_archived(article_id, True)
    return 0


def cmd_unarchive(args: argparse.Namespace) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_archived(article_id, False)
    return 0


def cmd_favorite(args: argparse.Namespace) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_favorite(article_id, True)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.delete(article_id)
            print(f"deleted {article_id}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with _open_light(args) as library:
        hits = library.search(query, limit=args.limit)
    if args.json:
        _print_json([{"id": h.article_id, "title": h.title, "snippet": h.snippet, "rank": h.rank} for h in hits])
    else:
        for h in hits:
            print(f"{h.article_id:>6}  {shown(h.title)}")
            print(f"        {shown(' '.join(h.snippet.split()))}")
        if not hits:
            print(f"no matches for {query!r}", file=sys.stderr)
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    with _open(args) as library:
        ids = _selected_ids(library, argparse.Namespace(all=args.all, tag=None, ids=args.ids))
        for article_id in ids:
            placed, orphaned = library.reextract(article_id)
            extra = f", {orphaned} could not be placed" if orphaned else ""
            print(f"re-extracted {article_id}: {placed} highlights placed{extra}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _open(args) as library:
        dest = library.backup(args.dest)
    print(dest)
    return 0


def cmd_copy_library(args: argparse.Namespace) -> int:
    from reader.core.library import copy_library

    bar = _ProgressBar()
    counts = copy_library(args.source, args.dest, progress=lambda done, total, table: bar(done, total, table))
    print(
        f"copied {counts['articles']} articles, {counts['highlights']} highlights, {counts['tags']} tags, "
        f"{counts['review_logs']} review answers; every table's rows verified"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with _open(args) as library:
        problems = library.check()
    if problems:
        for problem in problems:
            print(f"reader: {library.name}: {problem}", file=sys.stderr)
        return 1
    print(f"{library.name}: ok")
    return 0
