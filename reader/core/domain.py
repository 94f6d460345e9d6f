"""Plain records the front ends see; no database objects leak out of the core."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from reader.core.text import reading_minutes

COLORS = ("yellow", "green", "blue", "pink", "purple")


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the library list."""

    id: int
    title: str
    author: str | None
    site: str | None
    url: str | None
    published: str | None
    added: datetime
    word_count: int
    highlight_count: int
    progress: float
    archived: bool
    favorite: bool

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


@dataclass(frozen=True)
class ReviewAnswerRecord:
    """One answer given in the daily review (what its history, streak and week chart count)."""

    answer: str  # reader.core.review.ANSWERS
    reviewed: datetime  # UTC, no zone (as stored)
    duration_ms: int | None = None


@dataclass(frozen=True)
class ReviewState:
    """Where a highlight stands in the daily review (FSRS memory state), as exported."""

    state: int  # fsrs.State
    stability: float | None
    difficulty: float | None
    due: datetime  # UTC, no zone (as stored)
    last_reviewed: datetime | None
    reviews: int = 0  # answers given
    retired: bool = False  # "never again"
    # Read by Library.get_highlight, so that a highlight deleted and put back (undo) has
    # its whole place in the review again: the learning step and every answer given.
    step: int | None = None
    answers: tuple[ReviewAnswerRecord, ...] = ()


@dataclass(frozen=True)
class Highlight:
    id: int
    uid: str
    article_id: int
    start: int | None  # None when the highlight could not be placed in the text
    end: int | None
    quote: str
    prefix: str
    suffix: str
    color: str
    note: str
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    created_by: str = ""  # display names; "" when not known (made before Reader recorded them)
    updated_by: str = ""
    version: int = 1  # what an edit started from (see Library.update_highlight)
    review: ReviewState | None = None  # None: never reviewed

    @property
    def placed(self) -> bool:
        return self.start is not None


def reading_order(highlights: Iterable[Highlight]) -> list[Highlight]:
    """Placed highlights by position, then those that could not be placed; ties
    broken by creation and uid, which are the same in every copy of a library."""
    return sorted(highlights, key=lambda h: (h.start is None, h.start or 0, h.end or 0, h.created, h.uid))


@dataclass(frozen=True, kw_only=True)
class PageFields:
    """What Reader learns about a page when it reads it, declared once: the importer
    fills it (importing.pipeline.PreparedArticle is one), the articles table keeps
    each field in a column of the same name (storage.models.Article; copied by
    library.rows.store_page_fields), and every Article record carries it."""

    title: str = ""
    author: str | None = None
    site: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601, as the page wrote it
    language: str | None = None
    direction: str | None = None  # "ltr" | "rtl"
    excerpt: str | None = None
    word_count: int = 0
    fallback: bool = False  # the whole cleaned page was used: no article found in it
    saved_at: str | None = None  # when the page was saved, as its saver wrote it (ISO 8601)


PAGE_FIELDS = tuple(f.name for f in fields(PageFields))


def page_values(record: PageFields) -> dict[str, Any]:
    """The page's fields of any record that has them (an Extraction, a PreparedArticle, an Article), by name."""
    return {name: getattr(record, name) for name in PAGE_FIELDS}


@dataclass(frozen=True, kw_only=True)
class Article(PageFields):
    """An article as stored: what was read from the page and what the library keeps."""

    id: int
    uid: str = ""  # never reused, unlike id: what anything outside the library refers to
    # The page's own title when the reader renamed the article (`title` is then theirs,
    # kept through re-extraction); None when `title` is the page's.
    page_title: str | None = None
    source_name: str
    source_path: str | None
    added: datetime
    updated: datetime
    archived: bool
    favorite: bool
    progress: float
    note: str
    note_by: str = ""  # who last wrote the note
    note_version: int = 1  # what an edit of the note started from (Library.set_note)
    html: str
    text: str
    tags: tuple[str, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    images: tuple[str, ...] = ()  # asset names referenced by the html

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def renamed(self) -> bool:
        """Whether the title is the reader's own (set by hand), not the page's."""
        return self.page_title is not None


# The articles table's columns behind an Article record, by the record's names (SQL
# selects `extracted_fallback AS fallback`): html, text, tags, highlights and images
# live in other tables.
ARTICLE_COLUMNS = tuple(
    f.name for f in fields(Article) if f.name not in ("html", "text", "tags", "highlights", "images")
)


def article_record(
    columns: Mapping[str, Any],
    *,
    html: str = "",
    text: str = "",
    tags: Iterable[str] = (),
    highlights: Iterable[Highlight] = (),
    images: Iterable[str] = (),
) -> Article:
    """The one way from a row of the articles table (ARTICLE_COLUMNS by name, as any
    driver returns them) to its record: booleans from integers, stamps from text,
    NULL notes and names as ""."""
    values = {name: columns[name] for name in ARTICLE_COLUMNS}
    for name in ("added", "updated"):
        values[name] = parse_stamp(values[name])
    for name in ("archived", "favorite", "fallback"):
        values[name] = bool(values[name])
    for name in ("uid", "note", "note_by"):
        values[name] = values[name] or ""
    values["progress"] = values["progress"] or 0.0
    return Article(
        **values,
        html=html,
        text=text,
        tags=tuple(tags),
        highlights=tuple(reading_order(highlights)),
        images=tuple(images),
    )


def parse_stamp(value: datetime | str) -> datetime:
    """A DateTime column as a driver returns it: a datetime, or SQLite's text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


@dataclass(frozen=True)
class Page:
    """A page of the library list; pass `next_cursor` back for the next one."""

    items: tuple[ArticleSummary, ...]
    next_cursor: tuple[object, ...] | None  # opaque: the sort key and id of the last row


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    snippet: str  # plain text
    snippet_html: str  # escaped, matches in <b>
    rank: float
    terms: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ImportOutcome:
    path: str
    status: str  # "imported" | "duplicate" | "failed" | "skipped"
    id: int | None = None
    error: str | None = None
    title: str | None = None
    # Imported, but with something left out, each one line naming it (an image over the limits).
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "duplicate")


@dataclass(frozen=True)
class Change:
    """What a mutation changed, so a front end can refresh just that.

    Kinds: "article-updated", "article-deleted", "highlight-added", "highlight-updated",
    "highlight-deleted" (one record, by id); "highlights-added" (an article's highlights,
    in bulk); with no article_id, "articles-added" (an import) and "library-changed"
    (anything: another process, a bulk job) - read again what you show."""

    kind: str
    article_id: int | None = None
    highlight_id: int | None = None


@dataclass(frozen=True)
class ReviewItem:
    """One card of the daily review: a highlight and where it comes from."""

    highlight: Highlight
    article_title: str
    article_site: str | None
    article_url: str | None
    article_published: str | None
    article_added: datetime
    due: datetime | None  # None: never reviewed yet
    reviews: int  # answers given so far


@dataclass(frozen=True)
class ReviewAnswer:
    highlight_id: int
    answer: str
    next_due: datetime | None  # None when the highlight will never come back
