"""The FTS5 search index: two rows per article (rowid = article id), in two tables.

search_index holds its title, author and text; search_index_notes its
annotations (article note, highlight quotes, highlight notes and tags), for
articles that have any. A highlight, note or tag change re-indexes only the
latter (a long article's text is 60 KB, tokenized twice to replace its row). A
search matches an article when every word is in one of its two rows, all in one
or some in each. Both are refreshed in the same transaction as every write that
changes what they hold, so they can never disagree with the tables.

Chinese, Japanese and Korean are written without spaces, and FTS5's unicode61
tokenizer takes a whole run of such characters as one word: only a word at the
start of a run could be found. So every CJK run of the other columns is also
indexed as overlapping bigrams in `cjk` ("家谱记录" -> "家谱 谱记 记录", as
Lucene's CJK analyzer does), and a CJK word is searched as the phrase of its
bigrams there: any word inside a run is found. Only articles holding CJK text
fill that column.

Every function here takes either a SQLAlchemy Connection (the Library's
writes) or a plain DB-API connection wrapped in reader.core.listing.Sql (the
command line's and the window's reads before SQLAlchemy has loaded): the SQL
is written once, with `?` placeholders, and this module never imports
SQLAlchemy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

# A SQLAlchemy Connection or a reader.core.listing.Sql (typed loosely: naming
# SQLAlchemy's class here would import it).
Conn = Any


def _run(conn: Conn, sql: str, params: Sequence[Any] = ()) -> Any:
    """Execute `sql` (qmark placeholders) on either kind of connection; a DB-API cursor back."""
    exec_driver_sql = getattr(conn, "exec_driver_sql", None)
    if exec_driver_sql is not None:  # SQLAlchemy: SQLite's driver takes `?` as written
        return exec_driver_sql(sql, tuple(params))
    return conn.execute(sql, tuple(params))


TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
CREATE = f"CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(title, author, text, cjk, {TOKENIZE})"
CREATE_NOTES = f"CREATE VIRTUAL TABLE IF NOT EXISTS search_index_notes USING fts5(annotations, cjk, {TOKENIZE})"
# Both tables are created by migration 0010, with FTS5's automerge at 8 and
# crisismerge at 64 (its defaults, 4 and 16, made every 30th or so highlight wait
# 15-45 ms for a merge).
# bm25 weights per column: a match in the title counts most. An article's
# score is the sum of its two rows' scores.
RANK = "bm25(search_index, 10.0, 5.0, 1.0, 2.0)"
NOTES_RANK = "bm25(search_index_notes, 3.0, 2.0)"

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


_ARTICLE_ROWS = """
    INSERT INTO search_index(rowid, title, author, text)
    SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, '')
    FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
"""
# Only articles with a note or highlights get a row here.
_NOTES_ROWS = """
    INSERT INTO search_index_notes(rowid, annotations)
    SELECT id, annotations FROM (
        SELECT a.id, a.note || ' ' || coalesce((
                   SELECT group_concat(h.quote || ' ' || h.note, ' ') FROM highlights h
                   WHERE h.article_id = a.id), '')
               || ' ' || coalesce((
                   SELECT group_concat(t.name, ' ') FROM highlight_tags ht
                   JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
                   WHERE h.article_id = a.id), '') AS annotations
        FROM articles a WHERE {where})
    WHERE trim(annotations) != ''
"""


def refresh(conn: Conn, article_id: int) -> None:
    """Index the article again: its text and its annotations."""
    _run(conn, "DELETE FROM search_index WHERE rowid = ?", (article_id,))
    _run(conn, _ARTICLE_ROWS + " WHERE a.id = ?", (article_id,))
    _index_cjk(conn, "search_index", ("title", "author", "text"), article_id)
    refresh_annotations(conn, article_id)


def refresh_annotations(conn: Conn, article_id: int) -> None:
    """Index the article's note, highlights and their tags again; not its text
    (60 KB for a long article, tokenized twice: to delete and to insert)."""
    _run(conn, "DELETE FROM search_index_notes WHERE rowid = ?", (article_id,))
    _run(conn, _NOTES_ROWS.format(where="a.id = ?"), (article_id,))
    _index_cjk(conn, "search_index_notes", ("annotations",), article_id)


def _index_cjk(conn: Conn, table: str, columns: Sequence[str], article_id: int | None = None) -> None:
    names = ", ".join(columns)
    if article_id is None:
        # Streamed, not fetched whole (the texts of every article), and read in
        # full before any row is updated.
        rows = _run(conn, f"SELECT rowid, {names} FROM {table}")
        ids = [rowid for rowid, *texts in rows if any(t and _HAS_CJK.search(t) for t in texts)]
    else:
        ids = [article_id]
    for rowid in ids:
        texts = _run(conn, f"SELECT {names} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        if texts and any(t and _HAS_CJK.search(t) for t in texts):
            _run(conn, f"UPDATE {table} SET cjk = ? WHERE rowid = ?", (cjk_terms(*texts), rowid))


def remove(conn: Conn, article_id: int) -> None:
    _run(conn, "DELETE FROM search_index WHERE rowid = ?", (article_id,))
    _run(conn, "DELETE FROM search_index_notes WHERE rowid = ?", (article_id,))


def rebuild(conn: Conn) -> None:
    for table in ("search_index", "search_index_notes"):
        _run(conn, f"DELETE FROM {table}")
    _run(conn, _ARTICLE_ROWS)
    _run(conn, _NOTES_ROWS.format(where="1"))
    _index_cjk(conn, "search_index", ("title", "author", "text"))
    _index_cjk(conn, "search_index_notes", ("annotations",))


_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(user_query: str) -> list[str]:
    return _TOKEN.findall(user_query)


# The last word also matches as a prefix (search as you type), once it is this
# long: a shorter prefix expands to so many terms that the query gets slow.
PREFIX_MIN = 4


def match_expression(user_query: str, prefix: bool = True) -> str | None:
    """A safe FTS5 MATCH expression: every word must match; the last as a prefix.

    A CJK word is matched as the phrase of its bigrams in the cjk column (a
    single character as the prefix of a bigram); letters and digits around it
    as ordinary words."""
    parts = match_parts(user_query, prefix)
    return " ".join(parts) if parts else None


def match_parts(user_query: str, prefix: bool = True) -> list[str]:
    """The phrases of match_expression, each one of the words that must all match."""
    parts: list[str] = []
    terms = query_terms(user_query)
    for i, term in enumerate(terms):
        last = i == len(terms) - 1
        pos = 0
        for run in _CJK_RUN.finditer(term):
            parts += _plain(term[pos : run.start()], False)
            grams = bigrams(run.group(0))
            phrase = '"' + " ".join(grams) + '"' + ("*" if len(run.group(0)) == 1 else "")
            parts.append(f"cjk : {phrase}")
            pos = run.end()
        parts += _plain(term[pos:], last and prefix)
    return parts


def _plain(word: str, last: bool) -> list[str]:
    if not word:
        return []
    quoted = '"' + word.replace('"', '""') + '"'
    return [quoted + "*" if last and len(word) >= PREFIX_MIN else quoted]


# A query matching more articles than this is too broad for bm25 to order
# usefully, and ranking every match is what makes it slow: such queries list
# title matches first, then the newest articles.
BROAD_QUERY = 1500

# An article is two rows: its text (search_index) and its annotations
# (search_index_notes), so that a new highlight re-indexes only the latter.
# Every word must match in one of the two: all in one row, or some in each.
_BOTH = (
    "SELECT rowid AS id FROM search_index WHERE search_index MATCH ? "
    "UNION ALL SELECT rowid FROM search_index_notes WHERE search_index_notes MATCH ?"
)


def _count(conn: Conn, expression: str, at_most: int) -> int:
    """How many articles match in one of their rows, counted up to `at_most`: beyond
    it only "broad" matters, and counting every match of a common word costs as
    much as the search. (An article matching in both rows counts twice: this only
    decides whether a query is broad.)"""
    sql = f"SELECT count(*) FROM ({_BOTH} LIMIT ?)"
    return int(_run(conn, sql, (expression, expression, at_most)).fetchone()[0])


def _scored(conn: Conn, parts: list[str]) -> dict[int, float]:
    """Every matching article's score (bm25, lower is better): the sum of its two
    rows' scores when all words match in each, else the best way of sharing them out."""
    expression = " ".join(parts)
    scores: dict[int, float] = {}
    for sql in (
        f"SELECT rowid, {RANK} FROM search_index WHERE search_index MATCH ?",
        f"SELECT rowid, {NOTES_RANK} FROM search_index_notes WHERE search_index_notes MATCH ?",
    ):
        for article_id, score in _run(conn, sql, (expression,)):
            scores[article_id] = scores.get(article_id, 0.0) + score
    if len(parts) > 1:
        cross = (
            _cross(conn, parts) if len(parts) <= _CROSS_MASKS_UP_TO else _cross_by_word(conn, parts)
        ) - scores.keys()
        for article_id in cross:
            scores[article_id] = _cross_score(conn, article_id, parts) if len(cross) <= _CROSS_SCORED else 0.0
    return scores


def _ids(conn: Conn, table: str, expression: str) -> set[int]:
    return {row[0] for row in _run(conn, f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expression,))}


# A few words are shared out between the two rows every possible way, one FTS5
# query per way (FTS5 intersects their doclists fast); more words than this
# (2^n ways) are read one word at a time.
_CROSS_MASKS_UP_TO = 4
_NOTED_WORD_MAX = 500


def _cross(conn: Conn, parts: list[str]) -> set[int]:
    """Articles with some of the words only in the text and the others only in the
    annotations, for a few words: each way of sharing them out is one query per
    side, and the sides meet in Python (a join looking rows up by rowid runs the
    whole MATCH again for each row: 0.1 ms a row)."""
    in_notes = [bool(_run(conn, _EXISTS_NOTE, (part,)).fetchone()) for part in parts]
    found: set[int] = set()
    for mask in range(1, 2 ** len(parts) - 1):
        if not all(in_notes[i] for i in range(len(parts)) if mask >> i & 1):
            continue
        candidates = _ids(conn, "search_index_notes", " ".join(p for i, p in enumerate(parts) if mask >> i & 1))
        found |= _text_matches(conn, candidates, [p for i, p in enumerate(parts) if not mask >> i & 1])
    return found


def _cross_by_word(conn: Conn, parts: list[str]) -> set[int]:
    """The same for many words: which of them each article's annotations hold is
    read one word at a time, and the articles sharing the words out the same way
    are met with one text query for the rest. A word in the annotations of more
    than _NOTED_WORD_MAX articles (a common word: 0.1-0.3 s to read at 100,000
    articles) is looked for in the text only, where such a word nearly always is."""
    full = (1 << len(parts)) - 1
    noted: dict[int, int] = {}  # article -> bit mask of the words in its annotations
    for i, part in enumerate(parts):
        sql = "SELECT rowid FROM search_index_notes WHERE search_index_notes MATCH ? LIMIT ?"
        ids = [row[0] for row in _run(conn, sql, (part, _NOTED_WORD_MAX + 1))]
        if len(ids) <= _NOTED_WORD_MAX:
            for article_id in ids:
                noted[article_id] = noted.get(article_id, 0) | 1 << i
    sharing: dict[int, set[int]] = {}
    for article_id, mask in noted.items():
        if mask != full:  # all of them in the annotations: found by the one-row match
            sharing.setdefault(mask, set()).add(article_id)
    found: set[int] = set()
    for mask, candidates in sharing.items():
        found |= _text_matches(conn, candidates, [p for i, p in enumerate(parts) if not mask >> i & 1])
    return found


def _text_matches(conn: Conn, candidates: set[int], parts: list[str]) -> set[int]:
    """Those of `candidates` whose text holds every one of `parts`."""
    rest = " ".join(parts)
    if len(candidates) <= _LOOKUPS:
        return {a for a in candidates if _run(conn, _MATCHES_TEXT, (rest, a)).fetchone()}
    return candidates & _ids(conn, "search_index", rest)


# Fewer candidates than this are looked up one by one, more are met with every
# match of the other side (a common word's: thousands of rows).
_LOOKUPS = 16
_MATCHES_TEXT = "SELECT 1 FROM search_index WHERE search_index MATCH ? AND rowid = ?"
_EXISTS_NOTE = "SELECT 1 FROM search_index_notes WHERE search_index_notes MATCH ? LIMIT 1"
# Scoring a match found across the two rows costs a lookup per row: beyond
# this many they rank after every article matching in one row.
_CROSS_SCORED = 50


def _cross_score(conn: Conn, article_id: int, parts: list[str]) -> float:
    any_part = " OR ".join(f"({part})" for part in parts)
    score = 0.0
    for table, rank in (("search_index", RANK), ("search_index_notes", NOTES_RANK)):
        row = _run(conn, f"SELECT {rank} FROM {table} WHERE {table} MATCH ? AND rowid = ?", (any_part, article_id))
        score += (row.fetchone() or (0.0,))[0]
    return score


def ranked_ids(conn: Conn, expression: str | list[str], limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best matches, best first."""
    parts = [expression] if isinstance(expression, str) else expression
    joined = " ".join(parts)
    if _count(conn, joined, BROAD_QUERY + 1) > BROAD_QUERY:
        return _broad(conn, joined, limit)
    scores = _scored(conn, parts)
    return sorted(scores.items(), key=lambda item: (item[1], item[0]))[:limit]


def _broad(conn: Conn, expression: str, limit: int) -> list[tuple[int, float]]:
    """Title matches first, then the newest matches (the words all in the text or
    all in the annotations: with so many matches, no article is missed for long)."""
    in_title: list[tuple[int, float]] = []
    if "cjk :" not in expression:
        sql = f"SELECT rowid, {RANK} AS score FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?"
        in_title = [(row[0], row[1]) for row in _run(conn, sql, (f"title : ({expression})", limit))]
    seen = {row[0] for row in in_title}
    newest = _run(
        conn,
        "SELECT rowid FROM search_index WHERE search_index MATCH ? "
        "UNION SELECT rowid FROM search_index_notes WHERE search_index_notes MATCH ? ORDER BY 1 DESC LIMIT ?",
        (expression, expression, limit + len(seen)),
    )
    rest = [(row[0], 0.0) for row in newest if row[0] not in seen]
    return (in_title + rest)[:limit]


def find(conn: Conn, user_query: str, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best matches of the user's query, best first."""
    parts = match_parts(user_query)
    if not parts:
        return []
    exact = match_expression(user_query, prefix=False)
    if exact and exact != " ".join(parts) and _count(conn, exact, BROAD_QUERY + 1) > BROAD_QUERY:
        # Broad already with the last word whole: its prefix cannot narrow it, and
        # FTS5 merges the doclists of every word a prefix expands to before it
        # yields a row (0.2-0.5 s for a common prefix at 100,000 articles), where
        # one word's doclist is read lazily, only as far as the LIMIT.
        return _broad(conn, exact, limit)
    return ranked_ids(conn, parts, limit)


def texts(conn: Conn, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(title, text, annotations) of these articles, for snippets."""
    rows = _run(
        conn,
        "SELECT a.id, a.title, s.text, coalesce(n.annotations, '') FROM articles a "
        "JOIN search_index s ON s.rowid = a.id LEFT JOIN search_index_notes n ON n.rowid = a.id "
        "WHERE a.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),),
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


def _word_span(
    text_: str, match: re.Match[str], lo: int, hi: int, wide: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """(start of the snippet's first word, end of its last) among the whole words
    of text_[lo:hi]. With `wide` (the window this one narrows), None when these
    words may not be the ones the wide window would give."""
    words = [(w.start(), w.end()) for w in _WORD.finditer(text_, lo, hi)]
    if lo > 0 and not text_[lo - 1].isspace():
        words = words[1:]  # cut in the middle
    if hi < len(text_) and not text_[hi].isspace():
        words = words[:-1]
    index = next((i for i, (s, e) in enumerate(words) if e > match.start()), None)
    if index is None:
        # The match is inside a run without spaces longer than the window (a
        # paragraph of Chinese): the window's own bounds, cut to SNIPPET_CHARS later.
        return None if wide is not None else (lo, hi)
    first = max(0, index - SNIPPET_WORDS // 3)
    last = min(len(words), first + SNIPPET_WORDS)
    if wide is not None:
        # The same words as the wide window's when enough whole words lie on each side.
        if not (index >= SNIPPET_WORDS // 3 or lo == wide[0]) or not (last - first == SNIPPET_WORDS or hi == wide[1]):
            return None
    return words[first][0], words[last - 1][1]


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
        # Words only near the match: articles are long, snippets short. First
        # the words within two snippets' length (a search lists 50 snippets: a
        # wider window was a third of its time), the wider one if those are too few.
        lo = max(0, match.start() - 40 * SNIPPET_WORDS)
        hi = match.end() + 40 * SNIPPET_WORDS
        near = (max(lo, match.start() - 2 * SNIPPET_CHARS), min(hi, match.end() + 2 * SNIPPET_CHARS))
        span = _word_span(text_, match, *near, wide=(lo, hi)) or _word_span(text_, match, lo, hi)
        assert span is not None  # the wide window always gives one
        first_start, last_end = span
        # Also at most SNIPPET_CHARS around the match: a "word" of Chinese or
        # Japanese text (no spaces) can be a whole paragraph.
        begin = max(first_start, match.start() - SNIPPET_CHARS // 3)
        end = min(last_end, max(match.end(), begin + SNIPPET_CHARS))
        window = match.re.sub(lambda m: f"\x02{m.group(0)}\x03", " ".join(text_[begin:end].split()))
        more_before = begin > 0
        more_after = end < len(text_.rstrip())
        return ("…" if more_before else "") + window + ("…" if more_after else "")
    fallback = " ".join(next((t for t in texts if t), "").split()[:SNIPPET_WORDS])
    return fallback + "…" if fallback else ""
