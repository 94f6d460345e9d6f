"""What the parts of the library (importer.py, articles.py, highlights.py, reviewing.py) use of
the Library they are mixed into, declared once so the type checker holds each
part to it and holds Library to providing it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy.orm import Session

from reader.core import domain
from reader.core.storage.models import Article, Tag
from reader.core.storage.search import SearchIndex


class LibraryHost(Protocol):
    """Library's own members (reader.core.library) that its parts call."""

    user: str  # the name recorded with highlights and notes
    _search: SearchIndex

    def _write(self) -> AbstractContextManager[Session]:
        """One write transaction."""
        ...

    def _read(self) -> AbstractContextManager[Session]:
        """A read-only session."""
        ...

    @staticmethod
    def _article_row(session: Session, article_id: int) -> Article:
        """The article's row, or LibraryError."""
        ...

    @staticmethod
    def _tag_rows(session: Session, names: Iterable[str], typed: bool = True) -> list[Tag]: ...

    @staticmethod
    def _drop_unused_tags(session: Session) -> None: ...

    def _summaries(self, ids: Sequence[int]) -> list[domain.ArticleSummary]: ...

    def get(self, article_id: int) -> domain.Article: ...

    def optimize(self) -> None: ...
