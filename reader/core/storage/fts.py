"""The FTS5 search index: one row per article (rowid = article id).

Columns: title, author, text, annotations (article note, highlight quotes,
highlight notes and tags), and cjk. It is refreshed in the same transaction as
every write that changes one of them, so it can never disagree with the tables.

Chinese, Japanese and Korean are written without spaces, and FTS5's unicode61
tokenizer takes a whole run of such characters as one word: only a word at the
start of a run could be found. So every CJK run of the other columns is also
indexed as overlapping bigrams in `cjk` ("家谱记录" -> "家谱 谱记 记录", as
Lucene's CJK analyzer does), and a CJK word is searched as the phrase of its
bigrams there: any word inside a run is found. Only articles holding CJK text
fill that column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
    "title, author, text, annotations, cjk, tokenize='porter unicode61 remove_diacritics 2')"
)
# bm25 weights per column: a match in the title counts most.
RANK = "bm25(search_index, 10.0, 5.0, 1.0, 3.0, 2.0)"

# Han (with extensions and compatibility forms), kana, Hangul, CJK punctuation excluded.
_CJK_CHARS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_HAS_CJK = re.compile(f"[{_CJK_CHARS}]")


def bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_terms(*texts: str) -> str:
    """The texts with every CJK run replaced by its bigrams, for the cjk column.

    Words of other scripts are kept, spaced off the CJK around them: unicode61
    reads "DeepMind新电脑" as one token, so "DeepMind" is found only here."""
    return _CJK_RUN.sub(lambda m: " " + " ".join(bigrams(m.group(0))) + " ", " ".join(t for t in texts if t))


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
    _index_cjk(conn, article_id)


def _index_cjk(conn: Connection, article_id: int | None = None) -> None:
    where = "" if article_id is None else " WHERE rowid = :id"
    rows = conn.execute(
        text(f"SELECT rowid, title, author, text, annotations FROM search_index{where}"), {"id": article_id}
    ).fetchall()
    for rowid, *texts in rows:
        if any(t and _HAS_CJK.search(t) for t in texts):
            conn.execute(
                text("UPDATE search_index SET cjk = :cjk WHERE rowid = :id"), {"cjk": cjk_terms(*texts), "id": rowid}
            )


def remove(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": article_id})


def rebuild(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_index"))
    conn.execute(text(_INDEX_ROWS))
    _index_cjk(conn)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(user_query: str) -> list[str]:
    return _TOKEN.findall(user_query)


# The last word also matches as a prefix (search as you type), once it is this
# long: a shorter prefix expands to so many terms that the query gets slow.
PREFIX_MIN = 4


def match_expression(user_query: str) -> str | None:
    """A safe FTS5 MATCH expression: every word must match; the last as a prefix.

    A CJK word is matched as the phrase of its bigrams in the cjk column (a
    single character as the prefix of a bigram); letters and digits around it
    as ordinary words."""
    terms = query_terms(user_query)
    if not terms:
        return None
    parts: list[str] = []
    for i, term in enumerate(terms):
        last = i == len(terms) - 1
        pos = 0
        for run in _CJK_RUN.finditer(term):
            parts += _plain(term[pos : run.start()], False)
            grams = bigrams(run.group(0))
            phrase = '"' + " ".join(grams) + '"' + ("*" if len(run.group(0)) == 1 else "")
            parts.append(f"cjk : {phrase}")
            pos = run.end()
        parts += _plain(term[pos:], last)
    return " ".join(parts) if parts else None


def _plain(word: str, last: bool) -> list[str]:
    if not word:
        return []
    quoted = '"' + word.replace('"', '""') + '"'
    return [quoted + "*" if last and len(word) >= PREFIX_MIN else quoted]


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
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    f"SELECT rowid, {RANK} AS score FROM search_index WHERE search_index MATCH :q ORDER BY score LIMIT :limit"
                ),
                params,
            )
        ]
    in_title = (
        []
        if "cjk :" in expression
        else [
            tuple(row)
            for row in conn.execute(
                text(
                    f"SELECT rowid, {RANK} AS score FROM search_index WHERE search_index MATCH :tq ORDER BY rowid DESC LIMIT :limit"
                ),
                {"tq": f"title : ({expression})", "limit": limit},
            )
        ]
    )
    seen = {row[0] for row in in_title}
    newest = conn.execute(
        text("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :limit"),
        {"q": expression, "limit": limit + len(seen)},
    )
    rest = [(row[0], 0.0) for row in newest if row[0] not in seen]
    return (in_title + rest)[:limit]


def find(conn: Connection, user_query: str, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best matches of the user's query, best first."""
    expression = match_expression(user_query)
    return ranked_ids(conn, expression, limit) if expression else []


def texts(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(title, text, annotations) of these articles, for snippets."""
    rows = conn.execute(
        text(
            "SELECT a.id, a.title, s.text, s.annotations FROM articles a "
            "JOIN search_index s ON s.rowid = a.id WHERE a.id IN (SELECT value FROM json_each(:ids))"
        ),
        {"ids": json.dumps(list(ids))},
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


SNIPPET_WORDS = 16
SNIPPET_CHARS = 160
_WORD = re.compile(r"\S+")


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """Words starting like a query term (so "rivers" finds "river", as the stemmer does)."""
    words = [w for t in terms for w in _CJK_RUN.split(t) if w]
    stems = sorted({w.lower()[: max(4, len(w) - 2)] for w in words}, key=len, reverse=True)
    cjk = sorted({run for t in terms for run in _CJK_RUN.findall(t)}, key=len, reverse=True)
    alternatives = [r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*"] if stems else []
    alternatives += [re.escape(run) for run in cjk]  # no word boundaries inside a CJK run
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def make_snippet(pattern: re.Pattern[str] | None, *texts: str) -> str:
    """A short window of words around the first match, matches between \\x02 and \\x03.

    Computed in Python for the few hits shown: FTS5's snippet() tokenizes the
    whole column of every matching row, which costs more than the search itself.
    """
    for text_ in texts:
        if not text_:
            continue
        match = pattern.search(text_) if pattern is not None else None
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
        # Also at most SNIPPET_CHARS around the match: a "word" of Chinese or
        # Japanese text (no spaces) can be a whole paragraph.
        begin = max(words[first][0], match.start() - SNIPPET_CHARS // 3)
        end = min(words[last - 1][1], max(match.end(), begin + SNIPPET_CHARS))
        window = match.re.sub(lambda m: f"\x02{m.group(0)}\x03", " ".join(text_[begin:end].split()))
        more_before = begin > 0
        more_after = end < len(text_.rstrip())
        return ("…" if more_before else "") + window + ("…" if more_after else "")
    fallback = " ".join(next((t for t in texts if t), "").split()[:SNIPPET_WORDS])
    return fallback + "…" if fallback else ""
