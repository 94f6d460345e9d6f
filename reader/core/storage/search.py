"""Full-text search behind one interface: FTS5 on SQLite (reader.core.storage.fts),
tsvector and GIN on PostgreSQL (reader.core.storage.pgsearch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.engine import Connection

from reader.core.storage import fts, pgsearch


class SearchIndex(Protocol):
    def refresh(self, conn: Connection, article_id: int) -> None: ...
    def remove(self, conn: Connection, article_id: int) -> None: ...
    def rebuild(self, conn: Connection) -> None: ...
    def find(self, conn: Connection, user_query: str, limit: int) -> list[tuple[int, float]]: ...
    def texts(self, conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]: ...


def for_dialect(name: str) -> SearchIndex:
    return pgsearch if name == "postgresql" else fts
