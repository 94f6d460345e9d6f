"""The command line: a thin layer over reader.core.Library.

`reader [--library DIR] [FILE ...]` with no subcommand opens the window.
Errors are one line on stderr; exit status 1 for failures, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from reader import __version__
from reader.cli.common import UsageError, count, record_id, shown_path, text_path
from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.identity import USER_ENV
from reader.core.listing import STATES

COMMANDS = (
    "import",
    "list",
    "show",
    "extract",
    "highlight",
    "note",
    "rename",
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
    "name",
)


# reader.core.export.FORMATS, named here so that `reader --help` need not import every exporter.
EXPORT_FORMATS = ("md", "logseq", "json", "html", "csv", "anki", "bibtex", "csl-json", "hypothesis")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints usage + message, exit 2
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
        help="the name recorded with your highlights and notes, for this run "
        "(default: $READER_USER, else the one `reader name` stores, else your login name)",
    )


@functools.cache  # once per process: the tests run main() hundreds of times in one (~7 ms a build)
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
    p.add_argument("id", type=record_id)
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
    p.add_argument("id", type=record_id)
    p.add_argument("--quote", required=True)
    p.add_argument("--occurrence", type=int, help="which occurrence when the quote appears more than once (from 1)")
    p.add_argument("--color", default="yellow", choices=domain.COLORS)
    p.add_argument("--note", default="")
    p.add_argument("--tag", action="append", default=[], dest="tags")

    p = sub.add_parser("note", help="set an article's note", description="Set the article-level note.")
    p.add_argument("id", type=record_id)
    p.add_argument("text")

    p = sub.add_parser(
        "rename",
        help="give an article a title of your own",
        description="Give an article a title of your own; re-extraction keeps it. --page: the page's own title again.",
    )
    p.add_argument("id", type=record_id)
    p.add_argument("title", nargs="*")
    p.add_argument("--page", action="store_true", help="the page's own title again (as last extracted)")

    p = sub.add_parser("tag", help="add tags to an article", description="Add tags to an article.")
    p.add_argument("id", type=record_id)
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove these tags instead")

    for name, text in (
        ("archive", "archive an article"),
        ("unarchive", "move an article back to the inbox"),
        ("favorite", "mark an article as a favorite"),
    ):
        p = sub.add_parser(name, help=text, description=text.capitalize() + ".")
        p.add_argument("ids", type=record_id, nargs="+", metavar="ID")

    p = sub.add_parser("delete", help="delete articles", description="Delete articles with their highlights and notes.")
    p.add_argument("ids", type=record_id, nargs="+", metavar="ID")

    p = sub.add_parser(
        "search",
        help="search the library",
        description="Search titles, authors, text, highlights and notes; best matches first.",
    )
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=count, default=20)

    p = sub.add_parser(
        "export",
        help="export highlights and notes (md, logseq, json, html, csv, anki, ...)",
        description="Export articles with their highlights and notes: md (Markdown for Obsidian, "
        "YAML front matter), logseq (Logseq pages), json (W3C Web Annotation collection, readable "
        "by import-annotations), html (a standalone page with the highlights marked), csv (for "
        "Readwise), anki (an .apkg deck, one note per highlight), bibtex and csl-json (citations "
        "for Zotero) or hypothesis (the Hypothesis client's JSON). --out is a folder (one file per "
        "article; only files Reader wrote there are ever overwritten) or a file ending in the "
        "format's extension (every article in one file; a file there that Reader did not write, or "
        'that was changed since, is refused unless --force). See README.md, "Exporting".',
    )
    p.add_argument("ids", type=record_id, nargs="*", metavar="ID")
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
    p.add_argument(
        "--force",
        action="store_true",
        help="one file: replace the file --out names even if Reader did not write it (or it was changed since)",
    )
    p.add_argument("--json", action="store_true", help="print what was written as JSON")

    p = sub.add_parser(
        "import-annotations",
        help="import highlights and notes from a JSON export",
        description="Read a W3C Web Annotation JSON file (from `reader export --format json`) "
        "or a Hypothesis export (from the Hypothesis client, or `reader export --format "
        "hypothesis`) back into the library: highlights re-attach to the articles with the same "
        "URL (or id), found again by their quotes; article notes, tags and titles you set are restored. Importing "
        "the same file twice adds nothing.",
    )
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")

    p = sub.add_parser(
        "reextract",
        help="extract articles again from their saved originals",
        description="Re-extract articles from the saved pages kept in the library; highlights are kept.",
    )
    p.add_argument("ids", type=record_id, nargs="*", metavar="ID")
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
    p.add_argument("id", type=record_id, nargs="?", metavar="HIGHLIGHT", help="the highlight answered")
    p.add_argument(
        "--grade",
        choices=("again", "hard", "good", "easy", "never", "keep", "less-often"),
        help="how well you remembered it (never: do not show it again)",
    )
    p.add_argument("--limit", type=count, help="how many to list (default: what is left of the daily limit)")
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
        description="Run SQLite's integrity check on the library (on a server, the checks that apply "
        "there), and name the articles still holding control characters from an import before Reader "
        "removed them (`reader reextract ID...` cleans them, keeping their highlights). Exit status 1 "
        "if anything was found.",
    )
    p = sub.add_parser(
        "name",
        help="show or set the name recorded with your highlights and notes",
        description="Show the name recorded with your highlights and notes, or store a new one "
        "(the window's File > Your Name… stores the same). --user or $READER_USER still win for one run.",
    )
    p.add_argument("new_name", nargs="?", metavar="NAME", help="the name to store")
    p.add_argument("--clear", action="store_true", help="forget the stored name: your login name again")

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
    handler = _handler(args.command)
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
    at = _command_at(out)
    if at is not None and out[at] in _FREE_POSITIONALS and "--" not in out:
        # `note ID TEXT`, `tag ID TAG...`, `search QUERY...`: everything after the
        # command that is not one of its options is positional, whatever it starts with.
        flags, valued = _FREE_POSITIONALS[out[at]]
        valued = (*_VALUE_OPTIONS, *valued)
        options: list[str] = []
        positional: list[str] = []
        rest = out[at + 1 :]
        j = 0
        while j < len(rest):
            arg = rest[j]
            if arg in valued and j + 1 < len(rest):
                options += rest[j : j + 2]
                j += 2
                continue
            is_option = (
                arg.startswith(tuple(f"{o}=" for o in valued))
                or arg in ("-h", "--help")
                or arg in flags
                or _LONG_OPTION.fullmatch(arg) is not None  # a mistyped --jsno is a usage error, not a search
            )
            (options if is_option else positional).append(arg)
            j += 1
        out = out[: at + 1] + options + ["--"] + positional
    return out


_LONG_OPTION = re.compile(r"--[a-z][a-z0-9-]*(=.*)?")

# Commands whose positionals are the user's free text: (their flag options, their
# options that take a value). "-fold" is a search for it, not an unknown option.
_FREE_POSITIONALS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "note": ((), ()),
    "rename": (("--page",), ()),
    "tag": (("--remove",), ()),
    "search": (("--json",), ("--limit",)),
}


def _command_at(argv: list[str]) -> int | None:
    """Where the command is in `argv`: the first word not an option given before it
    (`reader --library note search x` searches)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUE_OPTIONS:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return i
    return None


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


# The module of each command's handler (cmd_<name>), imported alone: the light
# commands must not pay for the exporters' imports.
_HANDLER_MODULES = {
    "export": "exporting",
    "import-annotations": "exporting",
    "review": "reviewing",
    "name": "naming",
}


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The function behind a command: cmd_<name> in commands, exporting or reviewing."""
    import importlib

    module = importlib.import_module(f"reader.cli.{_HANDLER_MODULES.get(command, 'commands')}")
    handler: Callable[[argparse.Namespace], int] | None = getattr(module, f"cmd_{command.replace('-', '_')}", None)
    if handler is None:
        raise UsageError(f"unknown command {command!r}")
    return handler


__all__ = ["COMMANDS", "UsageError", "build_parser", "main", "shown_path", "text_path"]
