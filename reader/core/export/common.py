"""What every export format shares: options, colours, dates and the format protocol."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

from reader.core import domain

# The reading view's palette (light backgrounds that keep black text readable).
COLOR_HEX = {
    "yellow": "#fde68a",
    "green": "#bbf7d0",
    "blue": "#bfdbfe",
    "pink": "#fbcfe8",
    "purple": "#ddd6fe",
}
DEFAULT_COLOR = "yellow"

Json = dict[str, Any]  # a JSON object, as read from a file or about to be written
AssetResolver = Callable[[int, str], "tuple[str, bytes] | None"]  # (article id, name) -> (mime, bytes)
ARTICLE_URN = "urn:x-reader:article:"


@dataclass(frozen=True)
class ExportOptions:
    template: str | Path | None = None  # a Jinja2 file for Markdown; None: the default
    color_names: dict[str, str] = field(default_factory=dict)  # colour -> name shown
    assets: AssetResolver | None = None  # images for HTML; None: images are left out
    tags: tuple[str, ...] = ()  # every tag of the export, so tag names never collide (tagnames.py)
    bom: bool = False  # CSV: a UTF-8 byte order mark first, for spreadsheet programs
    cloze: bool = False  # Anki: cloze cards (the quote to recall) instead of basic ones
    deck: str = ""  # Anki: the deck's name; "" -> "Reader"


class ArticleSource(Protocol):
    """What an export reads from a library (reader.core.Library is one)."""

    def article_ids(self, state: str | None = None, tag: str | None = None) -> list[int]: ...

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]: ...

    def asset(self, article_id: int, name: str) -> tuple[str, bytes] | None: ...


class Formatter(Protocol):
    """One export format. `render` turns articles into the text (or, for binary
    formats such as Anki's .apkg, the bytes) of one file. A format whose files hold
    every article at once (a deck) sets `single_only = True`."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    needs_content: ClassVar[bool]  # whether html/text of articles are used

    def __init__(self, options: ExportOptions) -> None: ...

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str | bytes: ...


def iso(value: datetime | None) -> str | None:
    """UTC timestamps as stored (naive UTC) to ISO 8601 with Z."""
    if value is None:
        return None
    if value.microsecond or value.tzinfo is not None:
        value = value.replace(tzinfo=None, microsecond=0)
    return value.isoformat() + "Z"


def parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


# Content a format writes its own way, if at all; the rest of an article record is its fields.
_CONTENT = frozenset(("html", "text", "highlights", "images"))


_FIELDS = tuple(item.name for item in fields(domain.Article) if item.name not in _CONTENT)


def article_values(article: domain.Article) -> dict[str, Any]:
    """An article's fields by name, from the record's own declaration, as plain
    values for a template or JSON: stamps and the page's dates normalised (iso,
    normal_date), tags as a list; content (html, text, highlights, images) left out."""
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(article, name)
        if isinstance(value, datetime):
            value = iso(value)
        elif isinstance(value, tuple):
            value = list(value)
        values[name] = value
    for name in ("published", "saved_at"):
        values[name] = normal_date(values[name])
    return values


def normal_date(value: str | None) -> str | None:
    """A published date as written by pages, normalised like every other date:
    a date stays YYYY-MM-DD; a time with a zone becomes UTC with Z; a time without
    one is taken as UTC (the zone was not known). Text that is no ISO date is kept."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return iso(parsed)


def human_date(value: datetime | str | None) -> str | None:
    """A date as people write it ("12 May 2024"), from a datetime (UTC) or an ISO text."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:  # the day as written in its own zone: a page's date is the day it says
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if value is None:
        return None
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")  # what urlencode leaves as it is


def reader_link(article: domain.Article, highlight: domain.Highlight | None = None) -> str:
    """The link that opens Reader at an article (and a highlight): reader://open?..."""
    target = article.uid or str(article.id)
    # Reader's uids are hex: nothing to escape (urlencode costs most of an export's links).
    if _PLAIN.fullmatch(target) and (highlight is None or _PLAIN.fullmatch(highlight.uid)):
        link = "reader://open?article=" + target
        return link if highlight is None else link + "&highlight=" + highlight.uid
    query = {"article": target}
    if highlight is not None:
        query["highlight"] = highlight.uid
    return "reader://open?" + urlencode(query)


def parse_reader_link(link: str) -> tuple[str, str | None]:
    """(article, highlight or None) from reader://open?article=...&highlight=...;
    ValueError saying what is wrong otherwise."""
    parts = urlsplit(link.strip())
    if parts.scheme.lower() != "reader":
        raise ValueError(f"{link}: not a reader:// link")
    action = (parts.netloc or parts.path.strip("/")).lower()
    if action != "open":
        raise ValueError(f"{link}: Reader links open articles (reader://open?article=...)")
    query = parse_qs(parts.query)
    article = (query.get("article") or [""])[0]
    if not article:
        raise ValueError(f"{link}: no article named (article=...)")
    highlight = (query.get("highlight") or [""])[0] or None
    return article, highlight


def color_name(color: str, names: dict[str, str]) -> str:
    return names.get(color, color)


def highlight_iri(uid: str) -> str:
    """The highlight's stable IRI: urn:uuid: for Reader's uuid hex uids."""
    try:
        return uuid.UUID(hex=uid).urn
    except ValueError:
        return "urn:x-reader:highlight:" + uid


def uid_from_iri(iri: object) -> str | None:
    if not isinstance(iri, str) or not iri:
        return None
    if iri.startswith("urn:uuid:"):
        try:
            return uuid.UUID(iri[9:]).hex
        except ValueError:
            return None
    if iri.startswith("urn:x-reader:highlight:"):
        return iri[len("urn:x-reader:highlight:") :] or None
    return None


def article_source(article: domain.Article) -> str:
    """What a highlight's target points at: the article's URL, else a urn of its id."""
    return article.url or article_urn(article)


def article_urn(article: domain.Article) -> str:
    return f"{ARTICLE_URN}{article.id}"


def reading_order(article: domain.Article) -> list[domain.Highlight]:
    """Placed highlights by position, then the ones that could not be placed."""
    return domain.reading_order(article.highlights)
