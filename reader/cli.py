"""The command line: a thin layer over reader.core.Library.

`reader [--library DIR] [FILE ...]` with no subcommand opens the window.
Errors are one line on stderr; exit status 1 for failures, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from reader import __version__
from reader.core import domain
from reader.core.library import STATES, Library, LibraryError
from reader.core.location import USER_ENV

COMMANDS = (
    "import",
    "list",
    "show",
    "extract",
    "highlight",
    "note",
    "tag",
    "archive",
    "unarchive",
    "favorite",
    "delete",
    "search",
    "export",
    "import-annotations",
    "reextract",
    "backup",
    "check",
    "review",
    "copy-library",
)


# reader.core.export.FORMATS, named here so that `reader --help` need not import every exporter.
EXPORT_FORMATS = ("md", "logseq", "json", "html", "csv", "anki", "bibtex", "csl-json", "hypothesis")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + message, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _library_option(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    parser.add_argument(
        "--library",
        metavar="DIR|URL",
        # A subcommand's own --library must not reset one given before the subcommand.
        default=None if top_level else argparse.SUPPRESS,
        help="library folder, or postgresql://user@host/dbname for a shared library "
        "(default: $READER_LIBRARY, else your user data folder)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None if top_level else argparse.SUPPRESS,
        help="the name recorded with your highlights and notes (default: $READER_USER, else your login name)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reader",
        description="Read saved web pages cleanly, highlight them, take notes and export them.\n\n"
        "With no command, opens the Reader window (importing any FILEs given).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    # Handled in main() before parsing (reader/desktop.py); listed here for --help.
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Reader to your applications menu, with its icon (this user only)",
    )
    parser.add_argument("--uninstall-desktop", action="store_true", help="remove it again")
    _library_option(parser, top_level=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "import",
        help="import saved pages (files or folders)",
        description="Import saved web pages: .html, .htm, .xhtml, .shtml, .mhtml, .mht. "
        "Folders are searched recursively. Exit status 1 if any file failed.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")

    p = sub.add_parser("list", help="list articles", description="List the library's articles, newest first.")
    p.add_argument("--json", action="store_true")
    p.add_argument("--tag")
    p.add_argument("--state", choices=STATES)
    p.add_argument("--sort", choices=("added", "title", "published"), default="added")

    p = sub.add_parser("show", help="show one article", description="Print one article.")
    p.add_argument("id", type=int)
    p.add_argument("--format", choices=("text", "html", "json"), default="text")

    p = sub.add_parser(
        "extract",
        help="extract an article from a file (no library)",
        description="Extract the article of a saved page without touching any library. "
        "--format jsonl takes many files: one JSON object per line, in the order given (the "
        'keys of --format json plus "path", or "path" and "error" for a page that '
        "failed), extracted in parallel worker processes. Exit status 1 if any page failed.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("text", "html", "json", "jsonl"), default="text")
    p.add_argument("--workers", type=int, default=None, help="worker processes for jsonl (default: all cores)")

    p = sub.add_parser(
        "highlight",
        help="highlight a quote in an article",
        description="Highlight the exact quote (whitespace-insensitive) in an article's text.",
    )
    p.add_argument("id", type=int)
    p.add_argument("--quote", required=True)
    p.add_argument("--occurrence", type=int, help="which occurrence when the quote appears more than once (from 1)")
    p.add_argument("--color", default="yellow", choices=domain.COLORS)
    p.add_argument("--note", default="")
    p.add_argument("--tag", action="append", default=[], dest="tags")

    p = sub.add_parser("note", help="set an article's note", description="Set the article-level note.")
    p.add_argument("id", type=int)
    p.add_argument("text")

    p = sub.add_parser("tag", help="add tags to an article", description="Add tags to an article.")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove these tags instead")

    for name, text in (
        ("archive", "archive an article"),
        ("unarchive", "move an article back to the inbox"),
        ("favorite", "mark an article as a favorite"),
    ):
        p = sub.add_parser(name, help=text, description=text.capitalize() + ".")
        p.add_argument("ids", type=int, nargs="+", metavar="ID")

    p = sub.add_parser("delete", help="delete articles", description="Delete articles with their highlights and notes.")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")

    p = sub.add_parser(
        "search",
        help="search the library",
        description="Search titles, authors, text, highlights and notes; best matches first.",
    )
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)

    p = sub.add_parser(
        "export",
        help="export highlights and notes (md, logseq, json, html, csv, anki, ...)",
        description="Export articles with their highlights and notes: md (Markdown for Obsidian, "
        "YAML front matter), logseq (Logseq pages), json (W3C Web Annotation collection, readable "
        "by import-annotations), html (a standalone page with the highlights marked), csv (for "
        "Readwise), anki (an .apkg deck, one note per highlight), bibtex and csl-json (citations "
        "for Zotero) or hypothesis (the Hypothesis client's JSON). --out is a folder (one file per "
        "article; only files Reader wrote there are ever overwritten) or a file ending in the "
        'format\'s extension (every article in one file). See README.md, "Exporting".',
    )
    p.add_argument("ids", type=int, nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every article")
    p.add_argument("--tag", help="the articles with this tag")
    p.add_argument(
        "--annotated", action="store_true", help="only articles with highlights or a note (alone: every such article)"
    )
    p.add_argument("--format", default="md", choices=EXPORT_FORMATS)
    p.add_argument("--template", metavar="FILE", help="a Jinja2 template for Markdown (see --show-template)")
    p.add_argument(
        "--show-template", action="store_true", help="print the default Markdown template (to copy and change) and exit"
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="PATH",
        help="output folder or file (default: the current folder; for anki, Reader.apkg there)",
    )
    p.add_argument("--bom", action="store_true", help="csv: start with a UTF-8 byte order mark (for Excel)")
    p.add_argument("--cloze", action="store_true", help="anki: cloze cards (recall the quote) instead of basic")
    p.add_argument("--deck", metavar="NAME", help="anki: the deck's name (default: Reader, or Reader::TAG)")
    p.add_argument(
        "--watch",
        nargs="?",
        type=float,
        const=2.0,
        default=None,
        metavar="SECONDS",
        help="keep --out (a folder; md or logseq) current: export the annotated articles now and "
        "again whenever the library changes (checked every SECONDS, default 2) until Ctrl-C",
    )
    p.add_argument("--json", action="store_true", help="print what was written as JSON")

    p = sub.add_parser(
        "import-annotations",
        help="import highlights and notes from a JSON export",
        description="Read a W3C Web Annotation JSON file (from `reader export --format json`) "
        "or a Hypothesis export (from the Hypothesis client, or `reader export --format "
        "hypothesis`) back into the library: highlights re-attach to the articles with the same "
        "URL (or id), found again by their quotes; article notes and tags are restored. Importing "
        "the same file twice adds nothing.",
    )
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")

    p = sub.add_parser(
        "reextract",
        help="extract articles again from their saved originals",
        description="Re-extract articles from the saved pages kept in the library; highlights are kept.",
    )
    p.add_argument("ids", type=int, nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true")

    p = sub.add_parser(
        "backup",
        help="write a consistent copy of the library database",
        description="Copy library.db with SQLite's online backup (safe while Reader runs).",
    )
    p.add_argument("dest")

    p = sub.add_parser(
        "review",
        help="the daily review of your highlights",
        description="List the highlights due for today's review, or record an answer: "
        "`reader review ID --grade good`. Scheduled with FSRS; the window's Review uses the same.",
    )
    p.add_argument("id", type=int, nargs="?", metavar="HIGHLIGHT", help="the highlight answered")
    p.add_argument(
        "--grade",
        choices=("again", "hard", "good", "easy", "never", "keep", "less-often"),
        help="how well you remembered it (never: do not show it again)",
    )
    p.add_argument("--limit", type=int, help="how many to list (default: what is left of the daily limit)")
    p.add_argument("--stats", action="store_true", help="due, streak and the last seven days instead")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser(
        "copy-library",
        help="copy a whole library to a new one (SQLite or PostgreSQL)",
        description="Copy every article, highlight, note, tag and review to a new library: "
        "a folder or postgresql://user@host/dbname, either way. All or nothing; the row counts "
        "are compared at the end.",
    )
    p.add_argument("source", metavar="SRC", help="the library to copy (a folder or a URL)")
    p.add_argument("dest", metavar="DST", help="a new folder, or an empty PostgreSQL database")
    sub.add_parser(
        "check",
        help="check the library database for damage",
        description="Run SQLite's integrity check on the library.",
    )

    for choice in sub.choices.values():
        _library_option(choice)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--install-desktop"], ["--uninstall-desktop"]):  # desktop integration
        from reader.desktop import main as desktop_main

        return desktop_main(argv)
    if _wants_window(argv):
        return _open_window(argv)
    parser = build_parser()
    args = parser.parse_args(_free_text(argv))
    handler = globals()[f"cmd_{args.command.replace('-', '_')}"]
    try:
        return handler(args) or 0
    except (LibraryError, ValueError, UsageError) as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except BrokenPipeError:  # `reader list | head`
        return 0
    except OSError as exc:  # a read-only or full disk, a vanished folder...: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"reader: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except RecursionError:
        print("reader: the input is nested too deeply to read", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130


# Options whose value is the user's free text: "---" or "-5 °C" is a value, not an option.
_TEXT_OPTIONS = ("--note", "--quote")
# Options of every command that take a value (see _library_option).
_VALUE_OPTIONS = ("--library", "--user")


def _free_text(argv: list[str]) -> list[str]:
    """Let notes and quotes begin with "-": `reader note 4 "---"`, `--note "- a list"`."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in _TEXT_OPTIONS and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    command = next((a for a in out if a in _FREE_POSITIONALS), None)
    if command and "--" not in out:
        # `note ID TEXT`, `tag ID TAG...`: everything after the command that is not
        # one of its options is positional, whatever it starts with.
        at = out.index(command) + 1
        flags = _FREE_POSITIONALS[command]
        options, positional = [], []
        rest = out[at:]
        j = 0
        while j < len(rest):
            arg = rest[j]
            if arg in _VALUE_OPTIONS and j + 1 < len(rest):
                options += rest[j : j + 2]
                j += 2
                continue
            is_option = (
                arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)) or arg in ("-h", "--help") or arg in flags
            )
            (options if is_option else positional).append(arg)
            j += 1
        out = out[:at] + options + ["--"] + positional
    return out


# Commands whose positionals are the user's free text, and their flag options.
_FREE_POSITIONALS = {"note": (), "tag": ("--remove",)}


def _wants_window(argv: list[str]) -> bool:
    """No subcommand: the window (with any files to import)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help", "--version"):
            return False
        if arg in _VALUE_OPTIONS:
            i += 2
            continue
        if arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            i += 1
            continue
        return arg not in COMMANDS
    return True


def _open_window(argv: list[str]) -> int:
    parser = _Parser(prog="reader", description="Open the Reader window.")
    _library_option(parser, top_level=True)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    try:
        files, links = _window_arguments(args.files)
    except ValueError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    try:
        from reader.gui.app import run
    except ImportError as exc:
        print(f"reader: cannot start the window: {exc}", file=sys.stderr)
        return 1
    if args.user:
        os.environ[USER_ENV] = args.user  # the window's Library takes it from there
    return run(args.library, files, links=links)


def _window_arguments(arguments: list[str]) -> tuple[list[str], list[tuple[str, str | None]]]:
    """(files to import, (article uid, highlight uid) to show) from the window's
    arguments: paths, file:// URLs and reader://open?... links, which the desktop
    entry (Exec=reader %U) passes as they come."""
    from urllib.parse import unquote, urlsplit

    from reader.core.export import parse_reader_link

    files, links = [], []
    for arg in arguments:
        scheme = arg.split(":", 1)[0].lower() if ":" in arg else ""
        if scheme == "reader":
            links.append(parse_reader_link(arg))
        elif scheme == "file" and arg.lower().startswith("file://"):
            parts = urlsplit(arg)
            files.append(unquote(parts.path))
        else:
            files.append(arg)
    return files, links


def _open(args) -> Library:
    library = Library.open(args.library, user=getattr(args, "user", None))
    for warning in library.warnings:
        print(f"reader: warning: {warning}", file=sys.stderr)
    return library


def _print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


class _ProgressBar:
    """A one-line progress bar on stderr, only when it is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < 2:
            return
        width = 30
        filled = int(width * done / total)
        name = Path(path).name[:40]
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


# Control characters, and the invisible or direction-changing ones a file name
# can use to hide or disguise itself in a terminal.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def text_path(path: str) -> str:
    """A path as valid text: bytes that were not UTF-8 in the file name shown as \\xNN."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shown_path(path: str) -> str:
    """A path as printed on one line: newlines, tabs and invisible characters escaped."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text_path(path))


def cmd_import(args) -> int:
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
                print(f"imported {o.id}: {o.title}  ({shown_path(o.path)})")
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


def cmd_list(args) -> int:
    with _open(args) as library:
        items = list(library.iter_articles(sort=args.sort, state=args.state, tag=args.tag))
    if args.json:
        _print_json(
            [
                {
                    "id": a.id,
                    "title": a.title,
                    "author": a.author,
                    "site": a.site,
                    "url": a.url,
                    "published": a.published,
                    "added": _iso(a.added),
                    "word_count": a.word_count,
                    "highlights": a.highlight_count,
                }
                for a in items
            ]
        )
    else:
        for a in items:
            by = f" — {a.author}" if a.author else ""
            print(f"{a.id:>6}  {a.title}{by}  [{a.reading_minutes} min, {a.highlight_count} highlights]")
    return 0


def article_json(article: domain.Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "author": article.author,
        "site": article.site,
        "url": article.url,
        "published": article.published,
        "added": _iso(article.added),
        "language": article.language,
        "direction": article.direction,
        "excerpt": article.excerpt,
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "archived": article.archived,
        "favorite": article.favorite,
        "progress": article.progress,
        "text": article.text,
        "html": article.html,
        "images": list(article.images),
        "tags": list(article.tags),
        "note": article.note,
        "note_by": article.note_by or None,
        "highlights": [
            {
                "id": h.id,
                "uid": h.uid,
                "quote": h.quote,
                "color": h.color,
                "note": h.note,
                "tags": list(h.tags),
                "start": h.start,
                "end": h.end,
                "placed": h.placed,
                "created": _iso(h.created),
                "created_by": h.created_by or None,
                "updated_by": h.updated_by or None,
            }
            for h in article.highlights
        ],
    }


def cmd_show(args) -> int:
    with _open(args) as library:
        article = library.get(args.id)
    if args.format == "json":
        _print_json(article_json(article))
    elif args.format == "html":
        print(article.html)
    else:
        print(article.title)
        meta = " · ".join(x for x in (article.author, article.site, article.published) if x)
        if meta:
            print(meta)
        print()
        print(article.text)
    return 0


def cmd_extract(args) -> int:
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
        print(article.html)
    else:
        print(article.title)
        print()
        print(article.text)
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


def cmd_highlight(args) -> int:
    with _open(args) as library:
        h = library.highlight_quote(
            args.id, args.quote, occurrence=args.occurrence, color=args.color, note=args.note, tags=args.tags
        )
    print(f"highlight {h.id} in article {h.article_id} at {h.start}-{h.end}")
    return 0


def cmd_note(args) -> int:
    with _open(args) as library:
        library.set_note(args.id, args.text)
    return 0


def cmd_tag(args) -> int:
    with _open(args) as library:
        if args.remove:
            library.remove_tags(args.id, args.tags)
        else:
            library.add_tags(args.id, args.tags)
        print(", ".join(library.get(args.id).tags))
    return 0


def cmd_archive(args) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_archived(article_id, True)
    return 0


def cmd_unarchive(args) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_archived(article_id, False)
    return 0


def cmd_favorite(args) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_favorite(article_id, True)
    return 0


def cmd_delete(args) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.delete(article_id)
            print(f"deleted {article_id}")
    return 0


def cmd_search(args) -> int:
    query = " ".join(args.query)
    with _open(args) as library:
        hits = library.search(query, limit=args.limit)
    if args.json:
        _print_json([{"id": h.article_id, "title": h.title, "snippet": h.snippet, "rank": h.rank} for h in hits])
    else:
        for h in hits:
            print(f"{h.article_id:>6}  {h.title}")
            print(f"        {' '.join(h.snippet.split())}")
        if not hits:
            print(f"no matches for {query!r}", file=sys.stderr)
    return 0


def _selected_ids(library: Library, args) -> list[int]:
    if args.all:
        return [a.id for a in library.iter_articles()]
    if args.tag:
        ids = [a.id for a in library.iter_articles(tag=args.tag)]
        if not ids:
            raise LibraryError(f"no articles tagged {args.tag!r}")
        return ids
    if not args.ids:
        raise UsageError("name the articles: IDs, --all or --tag TAG")
    return list(args.ids)


def cmd_export(args) -> int:
    from reader.core import export

    if args.show_template:
        sys.stdout.write(export.default_template_text())
        return 0
    if args.template and args.format != "md":
        raise UsageError("--template applies to --format md only")
    if args.watch is not None:
        return _export_watch(args)
    if not (args.ids or args.all or args.tag or args.annotated):
        raise UsageError("name the articles: IDs, --all, --tag TAG or --annotated")
    kind = export.FORMATS[args.format]
    out = Path(args.out if args.out is not None else ".")
    deck = args.deck or (f"Reader::{args.tag}" if args.tag else "Reader")
    if getattr(kind, "single_only", False) and (args.out is None or out.is_dir()):
        out = out / f"{export.safe_filename(deck.replace('::', ' '))}{kind.suffix}"
    with _open(args) as library:
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
        )
    _report_export(result, args.json)
    return 0


def _report_export(result, as_json: bool) -> None:
    if as_json:
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
        print(path)
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


def _export_watch(args) -> int:
    """`reader export --watch --out VAULT`: the vault kept current until interrupted."""
    from reader.core import export

    if args.format not in export.VAULT_FORMATS:
        raise UsageError(f"--watch keeps a folder of {' or '.join(export.VAULT_FORMATS)} files, not {args.format}")
    if args.ids or args.all or args.tag:
        raise UsageError("--watch keeps every annotated article; name no articles")
    if args.watch <= 0:
        raise UsageError("--watch SECONDS must be more than 0")
    out = Path(args.out if args.out is not None else ".")

    def synced(result) -> None:
        changed = len(result.written) + len(result.removed)
        if changed or result.kept:
            print(
                f"{result.articles} articles: {len(result.written)} files written, {len(result.removed)} "
                f"removed" + (f", {len(result.kept)} left alone" if result.kept else ""),
                file=sys.stderr,
                flush=True,
            )

    with _open(args) as library:
        print(f"keeping {out} current (Ctrl-C to stop)", file=sys.stderr, flush=True)
        try:
            export.watch(library, out, args.format, interval=args.watch, on_sync=synced, template=args.template)
        except KeyboardInterrupt:
            return 0
    return 0


def _progress_line(label: str):
    """A progress callback that keeps one line on a terminal's stderr up to date
    (nothing when stderr is a file or a pipe: logs stay clean)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done:,} of {total:,}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_import_annotations(args) -> int:
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


def cmd_reextract(args) -> int:
    with _open(args) as library:
        ids = _selected_ids(library, argparse.Namespace(all=args.all, tag=None, ids=args.ids))
        for article_id in ids:
            placed, orphaned = library.reextract(article_id)
            extra = f", {orphaned} could not be placed" if orphaned else ""
            print(f"re-extracted {article_id}: {placed} highlights placed{extra}")
    return 0


def cmd_backup(args) -> int:
    with _open(args) as library:
        dest = library.backup(args.dest)
    print(dest)
    return 0


def cmd_copy_library(args) -> int:
    from reader.core.library import copy_library

    bar = _ProgressBar()
    counts = copy_library(args.source, args.dest, progress=lambda done, total, table: bar(done, total, table))
    print(
        f"copied {counts['articles']} articles, {counts['highlights']} highlights, {counts['tags']} tags, "
        f"{counts['review_logs']} review answers; every table's rows verified"
    )
    return 0


def cmd_check(args) -> int:
    with _open(args) as library:
        problems = library.check()
    if problems:
        for problem in problems:
            print(f"reader: {library.name}: {problem}", file=sys.stderr)
        return 1
    print(f"{library.name}: ok")
    return 0


def cmd_review(args) -> int:
    with _open(args) as library:
        if args.id is not None:
            if not args.grade:
                raise UsageError("say how well you remembered it: --grade again|hard|good|easy|never")
            result = library.answer_review(args.id, args.grade)
            if args.json:
                _print_json(
                    {
                        "highlight": result.highlight_id,
                        "answer": result.answer,
                        "next_due": result.next_due.isoformat() if result.next_due else None,
                    }
                )
            elif result.next_due is None:
                print(f"highlight {result.highlight_id}: will not come back")
            else:
                print(f"highlight {result.highlight_id}: next on {result.next_due.astimezone():%Y-%m-%d}")
            return 0
        if args.grade:
            raise UsageError("--grade needs the highlight's id: reader review ID --grade good")
        if args.stats:
            stats = library.review_stats()
            if args.json:
                _print_json(
                    {
                        "due": stats.due,
                        "reviewed_today": stats.reviewed_today,
                        "streak": stats.streak,
                        "week": [
                            {"day": d.day.isoformat(), "made": d.made, "reviewed": d.reviewed} for d in stats.week
                        ],
                    }
                )
            else:
                print(f"due today: {stats.due}, reviewed today: {stats.reviewed_today}, streak: {stats.streak} days")
                for d in stats.week:
                    print(f"  {d.day:%a %d %b}  made {d.made:3}  reviewed {d.reviewed:3}")
            return 0
        items = library.review_queue(limit=args.limit)
    if args.json:
        _print_json(
            [
                {
                    "highlight": item.highlight.id,
                    "uid": item.highlight.uid,
                    "quote": item.highlight.quote,
                    "note": item.highlight.note,
                    "tags": list(item.highlight.tags),
                    "color": item.highlight.color,
                    "article": item.highlight.article_id,
                    "title": item.article_title,
                    "site": item.article_site,
                    "url": item.article_url,
                    "published": item.article_published,
                    "due": item.due.isoformat() if item.due else None,
                    "reviews": item.reviews,
                }
                for item in items
            ]
        )
        return 0
    if not items:
        print("nothing to review today", file=sys.stderr)
        return 0
    for item in items:
        quote = " ".join(item.highlight.quote.split())
        quote = quote if len(quote) <= 100 else quote[:99] + "…"
        print(f"{item.highlight.id:6}  {quote}\n        — {item.article_title}")
    return 0
