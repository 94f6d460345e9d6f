"""Plain records the front ends see; no database objects leak out of the core."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

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
class ReviewState:
    """Where a highlight stands in the daily review (FSRS memory state), as exported."""

    state: int  # fsrs.State
    stability: float | None
    difficulty: float | None
    due: datetime  # UTC, no zone (as stored)
    last_reviewed: datetime | None
    reviews: int = 0  # answers given
    retired: bool = False  # "never again"


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


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    author: str | None
    site: str | None
    url: str | None
    published: str | None
    language: str | None
    direction: str | None
    excerpt: str | None
    word_count: int
    source_name: str
    source_path: str | None
    added: datetime
    updated: datetime
    archived: bool
    favorite: bool
    progress: float
    note: str
    html: str
    text: str
    tags: tuple[str, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    images: tuple[str, ...] = ()  # asset names referenced by the html
    fallback: bool = False
    uid: str = ""  # never reused, unlike id: what anything outside the library refers to
    note_by: str = ""  # who last wrote the note
    note_version: int = 1  # what an edit of the note started from (Library.set_note)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


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
