"""The FTS5 search index: one row per article (rowid = article id).

Columns: title, author, text, annotations (article note, highlight quotes,
highlight notes and tags). It is refreshed in the same transaction as every
write that changes one of them, so it can never disagree with the tables.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
    "title, author, text, annotations, tokenize='porter unicode61 remove_diacritics 2')"
)
# bm25 weights per column: a match in the title counts most.
RANK = "bm25(search_index, 10.0, 5.0, 1.0, 3.0)"

_REFRESH = text(
    """
    INSERT INTO search_index(rowid, title, author, text, annotations)
    SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, ''),
           a.note || ' ' || coalesce((
               SELECT group_concat(h.quote || ' ' || h.note, ' ') FROM highlights h
               WHERE h.article_id = a.id), '')
           || ' ' || coalesce((
               SELECT group_concat(t.name, ' ') FROM highlight_tags ht
               JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
               WHERE h.article_id = a.id), '')
    FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
    WHERE a.id = :id
    """
)


def refresh(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": article_id})
    conn.execute(_REFRESH, {"id": article_id})


def remove(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": article_id})


def rebuild(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_index"))
    for (article_id,) in conn.execute(text("SELECT id FROM articles")).all():
        conn.execute(_REFRESH, {"id": article_id})


_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(user_query: str) -> list[str]:
    return _TOKEN.findall(user_query)


def match_expression(user_query: str) -> str | None:
    """A safe FTS5 MATCH expression: every word must match; the last as a prefix."""
    terms = query_terms(user_query)
    if not terms:
        return None
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)
