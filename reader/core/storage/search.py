"""Full-text search behind one interface: FTS5 on SQLite (reader.core.storage.fts),
tsvector and GIN on PostgreSQL (reader.core.storage.pgsearch), and the hits
both give, with their snippets.

Light to import (no SQLAlchemy): the command line searches an SQLite library
over a plain sqlite3 connection (reader.core.lazy)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Protocol

from reader.core import domain
from reader.core.storage import fts


class SearchIndex(Protocol):
    def refresh(self, conn: Any, article_id: int) -> None: ...
    def refresh_annotations(self, conn: Any, article_id: int) -> None: ...
    def remove(self, conn: Any, article_id: int) -> None: ...
    def rebuild(self, conn: Any) -> None: ...
    def find(self, conn: Any, user_query: str, limit: int) -> list[tuple[int, float]]: ...
    def texts(self, conn: Any, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]: ...


def for_dialect(name: str) -> SearchIndex:
    if name == "postgresql":
        from reader.core.storage import pgsearch  # loads SQLAlchemy

        return pgsearch
    return fts


def hits(index: SearchIndex, conn: Any, query: str, limit: int = 50) -> list[domain.SearchHit]:
    """The best matches of the user's query, best first, each with a snippet of
    the text around its first match (terms between <b> in snippet_html)."""
    terms = fts.query_terms(query)
    if not terms:
        return []
    scores = index.find(conn, query, limit)
    if not scores:
        return []
    rows = index.texts(conn, [row[0] for row in scores])
    pattern = fts.term_pattern(terms)
    found = []
    for article_id, score in scores:
        title, body, annotations = rows[article_id]
        snippet = fts.make_snippet(pattern, body, annotations, title)
        found.append(
            domain.SearchHit(
                article_id=article_id,
                title=title,
                snippet=snippet.replace("\x02", "").replace("\x03", ""),
                snippet_html=html.escape(snippet).replace("\x02", "<b>").replace("\x03", "</b>"),
                rank=score,
                terms=tuple(terms),
            )
        )
    return found
