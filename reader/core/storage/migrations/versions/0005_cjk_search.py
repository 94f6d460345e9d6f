"""Search finds any word inside Chinese, Japanese and Korean text.

The search index gains a `cjk` column holding every CJK run of the other
columns as overlapping bigrams (see reader.core.storage.fts); the index is
rebuilt from the tables, which are the truth (the index holds nothing else).

Revision ID: 0005
Revises: 0004

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.storage.fts becomes.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]+"
)

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


def _cjk_column(texts):
    def grams(match):
        run = match.group(0)
        return " " + " ".join([run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]) + " "

    joined = " ".join(t for t in texts if t)
    return _CJK_RUN.sub(grams, joined) if _CJK_RUN.search(joined) else ""


_PG_LANGUAGES = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish",
}
_MARKS_ON_LATIN = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")


def _fold(text):
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _MARKS_ON_LATIN.sub("", unicodedata.normalize("NFD", text)))


def _pg_config(language):
    name = _PG_LANGUAGES.get((language or "").replace("_", "-").split("-")[0].strip().lower())
    return f"reader_{name}" if name else "simple"


_PG_SOURCE = """
    SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, ''), a.language,
           a.note || ' ' || coalesce((
               SELECT string_agg(h.quote || ' ' || h.note, ' ' ORDER BY h.id) FROM highlights h
               WHERE h.article_id = a.id), '')
           || ' ' || coalesce((
               SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM highlight_tags ht
               JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
               WHERE h.article_id = a.id), '')
    FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id ORDER BY a.id
"""
_PG_INSERT = """
    INSERT INTO search_index (article_id, config, annotations, cjk, title_doc, document)
    VALUES (:id, CAST(:config AS text), CAST(:annotations AS text), CAST(:cjk AS text),
            to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:title AS text)),
            setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:title AS text)), 'A')
            || setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:author AS text)), 'B')
            || setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:folded AS text)), 'C')
            || setweight(to_tsvector(CAST(CAST(:config AS text) AS regconfig), CAST(:body AS text)), 'D')
            || to_tsvector('simple', CAST(:cjk AS text)))
"""


def _upgrade_postgresql(conn) -> None:
    # Rebuilt from the tables, as on SQLite: Latin diacritics folded and CJK
    # runs as bigrams (see reader.core.storage.pgsearch as of this revision).
    op.execute("DELETE FROM search_index")
    for article_id, title, author, body, language, annotations in conn.execute(sa.text(_PG_SOURCE)).fetchall():
        conn.execute(sa.text(_PG_INSERT), {
            "id": article_id, "config": _pg_config(language), "title": _fold(title), "author": _fold(author),
            "annotations": annotations, "folded": _fold(annotations), "body": _fold(body[:400_000]),
            "cjk": _cjk_column([title, author, body, annotations])[:400_000]})


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _upgrade_postgresql(conn)
        return
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "title, author, text, annotations, cjk, tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(_INDEX_ROWS)
    rows = conn.execute(sa.text("SELECT rowid, title, author, text, annotations FROM search_index")).fetchall()
    for rowid, *texts in rows:
        cjk = _cjk_column(texts)
        if cjk:
            conn.execute(sa.text("UPDATE search_index SET cjk = :cjk WHERE rowid = :id"), {"cjk": cjk, "id": rowid})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE search_index SET cjk = ''")  # the bigrams stay in document until reindexed
        return
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "title, author, text, annotations, tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(_INDEX_ROWS)
