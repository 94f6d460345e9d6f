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

_INDEX_ROWS = """
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
"""
_REFRESH = text(_INDEX_ROWS + " WHERE a.id = :id")


def refresh(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": article_id})
    conn.execute(_REFRESH, {"id": article_id})


def remove(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": article_id})


def rebuild(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_index"))
    conn.execute(text(_INDEX_ROWS))


_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(user_query: str) -> list[str]:
    return _TOKEN.findall(user_query)


# The last word also matches as a prefix (search as you type), once it is this
# long: a shorter prefix expands to so many terms that the query gets slow.
PREFIX_MIN = 4


def match_expression(user_query: str) -> str | None:
    """A safe FTS5 MATCH expression: every word must match; the last as a prefix."""
    terms = query_terms(user_query)
    if not terms:
        return None
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    if len(terms[-1]) >= PREFIX_MIN:
        quoted[-1] += "*"
    return " ".join(quoted)


# A query matching more articles than this is too broad for bm25 to order
# usefully, and ranking every match is what makes it slow: such queries list
# title matches first, then the newest articles.
BROAD_QUERY = 1500


def ranked_ids(conn: Connection, expression: str, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best matches, best first."""
    params = {"q": expression, "limit": limit}
    matches = conn.execute(text("SELECT count(*) FROM search_index WHERE search_index MATCH :q"), params).scalar()
    if not matches:
        return []
    if matches <= BROAD_QUERY:
        return [tuple(row) for row in conn.execute(text(
            f"SELECT rowid, {RANK} AS score FROM search_index WHERE search_index MATCH :q ORDER BY score LIMIT :limit"
        ), params)]
    in_title = [tuple(row) for row in conn.execute(text(
        f"SELECT rowid, {RANK} AS score FROM search_index WHERE search_index MATCH :tq ORDER BY rowid DESC LIMIT :limit"
    ), {"tq": f"title : ({expression})", "limit": limit})]
    seen = {row[0] for row in in_title}
    newest = conn.execute(text(
        "SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :limit"
    ), {"q": expression, "limit": limit + len(seen)})
    rest = [(row[0], 0.0) for row in newest if row[0] not in seen]
    return (in_title + rest)[:limit]


SNIPPET_WORDS = 16
_WORD = re.compile(r"\S+")


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """Words starting like a query term (so "rivers" finds "river", as the stemmer does)."""
    stems = sorted({t.lower()[: max(4, len(t) - 2)] for t in terms if t}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def make_snippet(pattern: re.Pattern | None, *texts: str) -> str:
    """A short window of words around the first match, matches between \\x02 and \\x03.

    Computed in Python for the few hits shown: FTS5's snippet() tokenizes the
    whole column of every matching row, which costs more than the search itself.
    """
    for text_ in texts:
        if not text_:
            continue
        match = pattern.search(text_) if pattern else None
        if match is None:
            continue
        # Words only near the match: articles are long, snippets short.
        lo = max(0, match.start() - 40 * SNIPPET_WORDS)
        hi = match.end() + 40 * SNIPPET_WORDS
        words = [(w.start(), w.end()) for w in _WORD.finditer(text_, lo, hi)]
        if lo > 0 and not text_[lo - 1].isspace():
            words = words[1:]  # cut in the middle
        if hi < len(text_) and not text_[hi].isspace():
            words = words[:-1]
        index = next(i for i, (s, e) in enumerate(words) if e > match.start())
        first = max(0, index - SNIPPET_WORDS // 3)
        last = min(len(words), first + SNIPPET_WORDS)
        window = text_[words[first][0] : words[last - 1][1]]
        window = pattern.sub(lambda m: f"\x02{m.group(0)}\x03", " ".join(window.split()))
        more_before = words[first][0] > 0
        more_after = words[last - 1][1] < len(text_.rstrip())
        return ("…" if more_before else "") + window + ("…" if more_after else "")
    fallback = " ".join(next((t for t in texts if t), "").split()[:SNIPPET_WORDS])
    return fallback + "…" if fallback else ""
