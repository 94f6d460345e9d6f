"""CSV that Readwise imports: Highlight, Title, Author, URL, Note, Location, Date,
then Reader's Color and Tags (Readwise ignores columns it does not know).

Location is the highlight's place in reading order (1, 2, ...), so Readwise
sorts them as they appear in the article; Date is the highlight's creation time
in UTC as "YYYY-MM-DD HH:MM:SS"; Tags are separated by ", ".

A cell that starts with =, +, -, @, a tab or a carriage return is written with a
' in front (OWASP's advice against CSV injection), whatever its source: a
spreadsheet then shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, color_name, reading_order

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date", "Color", "Tags")


def cell(value):
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

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for article in sorted(articles, key=lambda a: a.id) if combined else articles:
            for position, h in enumerate(reading_order(article), 1):
                writer.writerow(tuple(map(cell, (
                    h.quote,
                    article.title,
                    article.author or "",
                    article.url or "",
                    h.note,
                    position,
                    h.created.strftime("%Y-%m-%d %H:%M:%S"),
                    color_name(h.color, self.color_names),
                    ", ".join(h.tags),
                ))))
        return buffer.getvalue()
