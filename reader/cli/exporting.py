"""`reader export` (every format, --watch) and `reader import-annotations`."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import UsageError, _open, _print_json
from reader.core.library import LibraryError

if TYPE_CHECKING:
    from reader.core.export import ExportResult


def cmd_export(args: argparse.Namespace) -> int:
    from reader.core import export

    if args.show_template:
        sys.stdout.write(export.default_template_text())
        return 0
    if args.template and args.format != "md":
        raise UsageError("--template applies to --format md only")
    if args.watch is not None:
        if args.force:
            raise UsageError("--force replaces the one file of a single-file export; --watch keeps a folder")
        return _export_watch(args)
    if not (args.ids or args.all or args.tag or args.annotated):
        raise UsageError("name the articles: IDs, --all, --tag TAG or --annotated")
    kind = export.FORMATS[args.format]
    out = Path(args.out if args.out is not None else ".")
    deck = args.deck or (f"Reader::{args.tag}" if args.tag else "Reader")
    if getattr(kind, "single_only", False) and (args.out is None or out.is_dir()):
        out = out / f"{export.safe_filename(deck.replace('::', ' '))}{kind.suffix}"
    with _open(args) as library, _refused_says_force():
        ids = list(args.ids)
        if args.tag and not ids:
            ids = library.article_ids(tag=args.tag)
            if not ids:
                raise LibraryError(f"no articles tagged {args.tag!r}")
        result = export.export_articles(
            library,
            args.format,
            out,
            template=args.template,
            ids=ids or None,
            annotated=args.annotated,
            bom=args.bom,
            cloze=args.cloze,
            deck=deck,
            force=args.force,
        )
    _report_export(result, args.json)
    return 0


@contextlib.contextmanager
def _refused_says_force() -> Iterator[None]:
    """A file Reader may not replace: the refusal, and how to replace it anyway."""
    from reader.core.export.single_file import NotReaderFile

    try:
        yield
    except NotReaderFile as exc:
        raise LibraryError(f"{exc}; --force replaces it") from None


def _report_export(result: ExportResult, as_json: bool) -> None:
    from reader.core.export.single_file import is_stream

    # The report on stdout, for scripts; not when the export itself went there (--out /dev/stdout).
    # (only a one-file export can go there: a folder's thousands of paths need no stat each)
    listing = sys.stderr if len(result.paths) == 1 and is_stream(result.paths[0]) else sys.stdout
    if as_json:
        with contextlib.redirect_stdout(listing):
            _print_json(
                {
                    "paths": [str(p) for p in result.paths],
                    "written": [str(p) for p in result.written],
                    "removed": [str(p) for p in result.removed],
                    "kept": [str(p) for p in result.kept],
                    "articles": result.articles,
                    "highlights": result.highlights,
                }
            )
        return
    for path in result.paths:
        print(path, file=listing)
    for path in result.kept:
        print(f"left alone (changed since Reader wrote it): {path}", file=sys.stderr)
    kept = set(result.kept)
    unchanged = len([p for p in result.paths if p not in kept]) - len(result.written)
    print(
        f"{result.articles} articles, {result.highlights} highlights: {len(result.written)} files written, "
        f"{unchanged} unchanged"
        + (f", {len(result.removed)} old files removed" if result.removed else "")
        + (f", {len(result.kept)} files left alone" if result.kept else ""),
        file=sys.stderr,
    )


def _export_watch(args: argparse.Namespace) -> int:
    """`reader export --watch --out VAULT`: the vault kept current until interrupted."""
    from reader.core import export

    if args.format not in export.VAULT_FORMATS:
        raise UsageError(f"--watch keeps a folder of {' or '.join(export.VAULT_FORMATS)} files, not {args.format}")
    if args.ids or args.all or args.tag:
        raise UsageError("--watch keeps every annotated article; name no articles")
    if args.watch <= 0:
        raise UsageError("--watch SECONDS must be more than 0")
    out = Path(args.out if args.out is not None else ".")

    def synced(result: ExportResult) -> None:
        changed = len(result.written) + len(result.removed)
        if changed or result.kept:
            print(
                f"{result.articles} articles: {len(result.written)} files written, {len(result.removed)} "
                f"removed" + (f", {len(result.kept)} left alone" if result.kept else ""),
                file=sys.stderr,
                flush=True,
            )

    said = ""  # the last failure told, told once until the vault is current again

    def failed(exc: Exception) -> None:
        nonlocal said
        where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        message = f"reader: {where}{reason}; trying again"
        if message != said:
            print(message, file=sys.stderr, flush=True)
            said = message

    def current(result: ExportResult) -> None:
        nonlocal said
        if said:
            print(f"{out} is current again", file=sys.stderr, flush=True)
            said = ""
        synced(result)

    with _open(args) as library:
        print(f"keeping {out} current (Ctrl-C to stop)", file=sys.stderr, flush=True)
        try:
            export.watch(
                library,
                out,
                args.format,
                interval=args.watch,
                on_sync=current,
                template=args.template,
                on_error=failed,
            )
        except KeyboardInterrupt:
            return 0
    return 0


def _progress_line(label: str) -> Callable[[int, int], None] | None:
    """A progress callback that keeps one line on a terminal's stderr up to date
    (nothing when stderr is a file or a pipe: logs stay clean)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done:,} of {total:,}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from reader.core.export import import_annotations

    path = Path(args.file)
    if not path.exists():
        raise LibraryError(f"{path}: file not found")
    if not path.is_file():
        raise LibraryError(f"{path}: not a file (a folder, pipe or device); give a .json export")
    with _open(args) as library:
        report = import_annotations(library, path, progress=_progress_line("placing highlights"))
    if args.json:
        _print_json(
            {
                "added": report.added,
                "present": report.present,
                "orphans": report.orphans,
                "unmatched": report.unmatched,
                "invalid": report.invalid,
                "articles": report.articles,
                "notes": report.notes,
                "tags": report.tags,
                "titles": report.titles,
                "states": report.states,
                "answers": report.answers,
                "unmatched_sources": report.unmatched_sources,
                "problems": report.problems,
            }
        )
    else:
        for source in report.unmatched_sources:
            print(f"no matching article: {source}", file=sys.stderr)
        for problem in report.problems:
            print(f"skipped: {path}: {problem}", file=sys.stderr)
        print(report.summary())
    return 0
