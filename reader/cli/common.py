"""What every command shares: opening the library, printing JSON, paths on one
line, the progress bar, the usage error."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import LibraryError

if TYPE_CHECKING:
    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library


class UsageError(Exception):
    pass


def _open(args: argparse.Namespace) -> Library:
    from reader.core.library import Library

    library = Library.open(args.library, user=getattr(args, "user", None), on_upgrade=_say)
    _warn(library.warnings)
    return library


def _open_light(args: argparse.Namespace) -> LazyLibrary:
    """The library for the commands that only read (list, show, search): they answer
    through reader.core.lazy on a plain sqlite3 connection, without loading
    SQLAlchemy (a third of a second of start-up)."""
    from reader.core.lazy import LazyLibrary

    library = LazyLibrary.open(args.library, user=getattr(args, "user", None), on_upgrade=_say)
    _warn(library.warnings)
    return library


def _say(message: str) -> None:
    print(f"reader: {message}", file=sys.stderr, flush=True)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"reader: warning: {warning}", file=sys.stderr)


def _print_json(value: object) -> None:
    # dumps, then one write: json.dump writes every token separately (slow for the
    # 100,000 entries of `reader list --json`).
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def _iso(value: datetime | None) -> str | None:
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


# Ids are stored as 32-bit integers on a server (and past 2**63 SQLite cannot
# take them): a larger number would reach the database as an error, not a miss.
_LARGEST_ID = 2**31 - 1


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None


def record_id(value: str) -> int:
    """An article's or highlight's id on the command line (argparse type)."""
    number = _whole_number(value)
    if not -_LARGEST_ID <= number <= _LARGEST_ID:
        raise argparse.ArgumentTypeError(f"no article or highlight has the id {value}")
    return number


def count(value: str) -> int:
    """A number of items, 0 or more (argparse type)."""
    number = _whole_number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0")
    return number


def _escaped(match: re.Match[str]) -> str:
    """A character the terminal must not be sent, as the \\xNN (or \\uNNNN) that names it."""
    return match.group().encode("unicode_escape").decode("ascii")


def text_path(path: str) -> str:
    """A path as valid text: bytes that were not UTF-8 in the file name shown as \\xNN."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shown_path(path: str) -> str:
    """A path as printed on one line: newlines, tabs and invisible characters escaped."""
    return _UNPRINTABLE.sub(_escaped, text_path(path))


# Control characters (but tab and newline): ESC starts the terminal's own commands
# (set its title, write the clipboard, clear the screen) and C1's CSI on some.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")


def shown(text: str | None, lines: bool = False) -> str:
    """Text from a saved page (a title, a byline, the article) as printed to a
    terminal: its control characters written as \\xNN, never sent to the terminal
    as commands. One line unless `lines` (then newlines and tabs stay)."""
    pattern = _CONTROLS if lines else _CONTROLS_LINE
    return pattern.sub(_escaped, text or "")


def _selected_ids(library: Library, args: argparse.Namespace) -> list[int]:
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
