"""PostgreSQL full-text search: one row per article in `search_index`, with a
`tsvector` of everything searchable (GIN index) and one of the title alone.

The same contract as the FTS5 index (reader.core.storage.fts): refreshed in the
transaction of every write that changes what is searchable, the same query
syntax (every word must match, the last also as a prefix, CJK words as the
phrase of their bigrams), ranked, and broad queries not ranked (ts_rank reads
every matching document: 350-610 ms for a common word).

Each article is indexed with the text-search configuration of its language
('simple' when there is none for it). A query word is normalized with every
configuration the library uses and matches any of the results, so "rivers"
finds an English article's "river" and a German one's "Flüsse" stems alike.
The configurations keep stop words (see migration 0002), as FTS5 does.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from reader.core.storage import fts
from reader.core.storage.fts import _CJK_RUN, _HAS_CJK, PREFIX_MIN, bigrams, cjk_terms, query_terms

# ISO 639-1 language -> the stemmer PostgreSQL (12 and later) ships for it;
# migration 0002 made reader_<name> of each, without stop words.
LANGUAGES = {
    "ar": "arabic",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
FALLBACK = "simple"
# tsvector holds at most 1 MB; the text beyond this many characters is not indexed.
MAX_TEXT = 400_000


_MARKS_ON_LATIN = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")


def fold(text_: str) -> str:
    """Latin letters without their diacritics ("café" -> "cafe"), as FTS5's
    remove_diacritics does: indexed and queried alike, so either spelling finds
    both. Other scripts are left alone (a kana's voicing mark is not an accent)."""
    if text_.isascii():
        return text_
    return unicodedata.normalize("NFC", _MARKS_ON_LATIN.sub("", unicodedata.normalize("NFD", text_)))


def config_for(language: str | None) -> str:
    code = (language or "").replace("_", "-").split("-")[0].strip().lower()
    name = LANGUAGES.get(code)
    return f"reader_{name}" if name else FALLBACK


# An article's row holds two vectors, made apart: its text's (title A, author B,
# body D) and its annotations' (C), each with the bigrams of its CJK runs; the
# searched `document` is their concatenation, a generated column (migration
# 0013). A highlight, note or tag change parses the annotations again, not the
# text (a 10,000-word article's text took 23 ms of a 29 ms highlight).
_TEXT_DOC = (
    "setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:title AS text)), 'A')"
    " || setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:author AS text)), 'B')"
    " || setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:body AS text)), 'D')"
    " || to_tsvector('simple', CAST(:cjk AS text))"
)
_NOTES_DOC = (
    "setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:folded_annotations AS text)), 'C')"
    " || to_tsvector('simple', CAST(:notes_cjk AS text))"
)
_UPSERT = text(
    "INSERT INTO search_index (article_id, config, annotations, cjk, title_doc, text_doc, notes_doc) "
    "VALUES (:id, CAST(:config AS text), CAST(:annotations AS text), CAST(:cjk AS text), "
    f"to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:title AS text)), {_TEXT_DOC}, {_NOTES_DOC}) "
    "ON CONFLICT (article_id) DO UPDATE SET config = excluded.config, annotations = excluded.annotations, "
    "cjk = excluded.cjk, title_doc = excluded.title_doc, text_doc = excluded.text_doc, notes_doc = excluded.notes_doc"
)
_UPDATE_NOTES = text(
    f"UPDATE search_index SET annotations = CAST(:annotations AS text), notes_doc = {_NOTES_DOC} WHERE article_id = :id"
)
# What an article's annotations row holds: its note, its highlights' quotes and
# notes, their tags.
_ANNOTATIONS = """
           a.note || ' ' || coalesce((
               SELECT string_agg(h.quote || ' ' || h.note, ' ' ORDER BY h.id) FROM highlights h
               WHERE h.article_id = a.id), '')
           || ' ' || coalesce((
               SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM highlight_tags ht
               JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
               WHERE h.article_id = a.id), '')
"""
_SOURCE = f"""
    SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, ''), a.language, {_ANNOTATIONS}
    FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
"""


def refresh(conn: Connection, article_id: int) -> None:
    row = conn.execute(text(_SOURCE + " WHERE a.id = :id"), {"id": article_id}).first()
    if row is None:
        remove(conn, article_id)
        return
    _write(conn, *row)


def refresh_annotations(conn: Connection, article_id: int) -> None:
    """After a change to the article's note, highlights or tags: its annotations'
    vector alone is made again."""
    row = conn.execute(
        text(
            f"SELECT s.config, {_ANNOTATIONS} FROM articles a JOIN search_index s ON s.article_id = a.id WHERE a.id = :id"
        ),
        {"id": article_id},
    ).first()
    if row is None:  # not indexed yet (or gone): the whole row
        refresh(conn, article_id)
        return
    config, annotations = row
    conn.execute(_UPDATE_NOTES, {"id": article_id, **_notes_params(config, annotations)})


def _notes_params(config: str, annotations: str) -> dict[str, str]:
    # The annotations column keeps the text as written (for snippets); the
    # vectors are made of the folded text.
    notes_cjk = cjk_terms(annotations) if annotations and _HAS_CJK.search(annotations) else ""
    return {
        "config": config,
        "annotations": annotations,
        "folded_annotations": fold(annotations),
        "notes_cjk": notes_cjk[:MAX_TEXT],
    }


def _write(
    conn: Connection, article_id: int, title: str, author: str, body: str, language: str | None, annotations: str
) -> None:
    # The arguments are a row of _SOURCE, column by column.
    texts = (title, author, body)
    cjk = cjk_terms(*texts) if any(t and _HAS_CJK.search(t) for t in texts) else ""
    conn.execute(
        _UPSERT,
        {
            "id": article_id,
            "title": fold(title),
            "author": fold(author),
            "body": fold(body[:MAX_TEXT]),
            "cjk": cjk[:MAX_TEXT],
            **_notes_params(config_for(language), annotations),
        },
    )


def remove(conn: Connection, article_id: int) -> None:
    conn.execute(text("DELETE FROM search_index WHERE article_id = :id"), {"id": article_id})


def rebuild(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_index"))
    for row in conn.execute(text(_SOURCE + " ORDER BY a.id")).fetchall():
        _write(conn, *row)


# The configurations the library's articles use, per engine, read again after
# this many seconds: finding them scans the index table (5 ms at 10,000 articles).
# A language that arrived meanwhile is still matched by its exact words.
CONFIGS_TTL = 30.0
_configs_seen: dict[int, tuple[float, list[str]]] = {}


def _configs(conn: Connection) -> list[str]:
    key = id(conn.engine)
    seen = _configs_seen.get(key)
    if seen is None or time.monotonic() - seen[0] > CONFIGS_TTL:
        found = sorted({FALLBACK, *conn.execute(text("SELECT DISTINCT config FROM search_index")).scalars()})
        seen = _configs_seen[key] = (time.monotonic(), found)
    return seen[1]


def _tsquery(conn: Connection, user_query: str) -> tuple[str, bool] | None:
    """The query as tsquery text, and whether it holds a CJK phrase; None if
    nothing is left to search for."""
    words: list[tuple[str, bool]] = []  # (word, as prefix)
    phrases: list[str] = []
    terms = query_terms(user_query)
    for i, term in enumerate(terms):
        last = i == len(terms) - 1
        pos = 0
        for run in _CJK_RUN.finditer(term):
            if term[pos : run.start()]:
                words.append((term[pos : run.start()], False))
            grams = bigrams(run.group(0))
            if len(run.group(0)) == 1:
                phrases.append(f"'{grams[0]}':*")
            else:
                phrases.append("(" + " <-> ".join(f"'{g}'" for g in grams) + ")")
            pos = run.end()
        rest = term[pos:]
        if rest:
            words.append((rest, last and len(rest) >= PREFIX_MIN))
    parts: list[str] = []
    if words:
        configs = _configs(conn)
        normalized = conn.execute(
            text(
                "SELECT w.i, c.name, to_tsquery(CAST(c.name AS regconfig), w.q)::text "
                "FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(q, i), unnest(CAST(:configs AS text[])) AS c(name)"
            ),
            {"words": [f"'{fold(w)}'" + (":*" if prefix else "") for w, prefix in words], "configs": configs},
        ).all()
        by_word: dict[int, dict[str, str]] = {}
        for index, config, query in normalized:
            by_word.setdefault(index, {})[config] = query
        for index in sorted(by_word):
            forms = by_word[index]
            if any(not q for c, q in forms.items() if c != FALLBACK):
                continue  # a stop word in some article's language
            parts.append("(" + " | ".join(f"({q})" for q in sorted(set(forms.values())) if q) + ")")
    parts += phrases
    parts = [p for p in parts if p not in ("()", "")]
    return (" & ".join(parts), bool(phrases)) if parts else None


def find(conn: Connection, user_query: str, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best matches, best first; lower scores are better, as FTS5's bm25."""
    built = _tsquery(conn, user_query)
    if built is None:
        return []
    query, has_phrase = built
    broad = fts.BROAD_QUERY  # one threshold for both backends (read here, so a test can lower it)
    params = {"q": query, "limit": limit, "broad": broad + 1}
    # Through the GIN indexes only: the planner does not count the documents'
    # out-of-line storage, and so prefers a sequential scan that reads every
    # document (16 ms at 3,000 articles for a word in 136 of them, where the
    # bitmap reads those 136 alone).
    # SET LOCAL lasts until the transaction ends (an error ends it too).
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    found = _find(conn, query, has_phrase, params, limit, broad)
    conn.execute(text("SET LOCAL enable_seqscan = on"))
    return found


def _find(
    conn: Connection, query: str, has_phrase: bool, params: dict[str, object], limit: int, broad: int
) -> list[tuple[int, float]]:
    matches = conn.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM search_index WHERE document @@ CAST(:q AS tsquery) LIMIT :broad) m"),
        params,
    ).scalar()
    if not matches:
        return []
    if matches <= broad:
        return [
            (row[0], -float(row[1]))
            for row in conn.execute(
                text(
                    "SELECT article_id, ts_rank(document, CAST(:q AS tsquery)) AS score FROM search_index "
                    "WHERE document @@ CAST(:q AS tsquery) ORDER BY score DESC, article_id DESC LIMIT :limit"
                ),
                params,
            )
        ]
    # Too broad to rank usefully (and ranking is what is slow): title matches
    # first, then the newest articles.
    in_title = (
        []
        if has_phrase
        else [
            (row[0], -1.0)
            for row in conn.execute(
                text(
                    "SELECT article_id FROM search_index WHERE title_doc @@ CAST(:q AS tsquery) "
                    "ORDER BY article_id DESC LIMIT :limit"
                ),
                params,
            )
        ]
    )
    seen = {row[0] for row in in_title}
    newest = conn.execute(
        text(
            "SELECT article_id FROM search_index WHERE document @@ CAST(:q AS tsquery) "
            "ORDER BY article_id DESC LIMIT :n"
        ),
        {"q": query, "n": limit + len(seen)},
    )
    rest = [(row[0], 0.0) for row in newest if row[0] not in seen]
    return (in_title + rest)[:limit]


def texts(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(title, text, annotations) of these articles, for snippets."""
    rows = conn.execute(
        text(
            "SELECT a.id, a.title, coalesce(c.text, ''), coalesce(s.annotations, '') FROM articles a "
            "LEFT JOIN article_contents c ON c.article_id = a.id LEFT JOIN search_index s ON s.article_id = a.id "
            "WHERE a.id = ANY(CAST(:ids AS integer[]))"
        ),
        {"ids": list(ids)},
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


# The table, created by migration 0002 on PostgreSQL and split by 0013 (kept
# here for reference and for copy-library's checks): article_id, config,
# annotations, cjk (the text's bigrams), title_doc, text_doc, notes_doc and
# document (generated: text_doc || notes_doc).
