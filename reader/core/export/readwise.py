"""CSV that Readwise imports: Highlight, Title, Author, URL, Note, Location, Date,
then Reader's Color and Tags (Readwise ignores columns it does not know).

Location is the highlight's place in reading order (1, 2, ...), so Readwise
sorts them as they appear in the article; Date is the highlight's creation time
with its zone, "YYYY-MM-DD HH:MM:SS+00:00" (UTC). Readwise reads tags only from
the Note, as `.tag` words in front of it (`.rivers .reading-list my note`: spaces
inside a tag become `-`); the Tags column repeats them, separated by ", ".
With the `bom` option the file starts with a UTF-8 byte order mark, which
Excel needs to read UTF-8 (Readwise reads either).

A cell that starts with =, +, -, @, a tab or a carriage return is written with a
' in front (OWASP's advice against CSV injection), whatever its source: a
spreadsheet then shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, color_name, reading_order

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date", "Color", "Tags")


def readwise_note(note: str, tags: Iterable[str]) -> str:
    """The note with the highlight's tags in front as Readwise's `.tag` words."""
    words = [f".{name}" for name in (re.sub(r"\s+", "-", t.strip()) for t in tags) if name]
    return " ".join([*words, note] if note else words)


def cell(value: object) -> object:
    """A value as a CSV cell no spreadsheet reads as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class CsvFormat:
    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.color_names = options.color_names
        self.bom = options.bom

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        buffer = io.StringIO()
        if self.bom:
            buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for article in sorted(articles, key=lambda a: a.id) if combined else articles:
            for position, h in enumerate(reading_order(article), 1):
                writer.writerow(tuple(map(cell, (
                    h.quote,
                    article.title,
                    article.author or "",
                    article.url or "",
                    readwise_note(h.note, h.tags),
                    position,
                    h.created.strftime("%Y-%m-%d %H:%M:%S+00:00"),
                    color_name(h.color, self.color_names),
                    ", ".join(h.tags),
                ))))
        return buffer.getvalue()
