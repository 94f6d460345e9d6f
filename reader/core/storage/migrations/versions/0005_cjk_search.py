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
_PG_CONFIG = (
    "CASE lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1)) "
    + " ".join(f"WHEN '{code}' THEN 'reader_{name}'" for code, name in _PG_LANGUAGES.items())
    + " ELSE 'simple' END"
)
_PG_INDEX_ROWS = f"""
    INSERT INTO search_index (article_id, config, annotations, title_doc, document)
    SELECT id, config, annotations, to_tsvector(config::regconfig, title),
           setweight(to_tsvector(config::regconfig, title), 'A')
           || setweight(to_tsvector(config::regconfig, author), 'B')
           || setweight(to_tsvector(config::regconfig, annotations), 'C')
           || setweight(to_tsvector(config::regconfig, left(body, 400000)), 'D')
    FROM (
        SELECT a.id, {_PG_CONFIG} AS config, a.title, coalesce(a.author, '') AS author,
               coalesce(c.text, '') AS body,
               a.note || ' ' || coalesce((
                   SELECT string_agg(h.quote || ' ' || h.note, ' ' ORDER BY h.id) FROM highlights h
                   WHERE h.article_id = a.id), '')
               || ' ' || coalesce((
                   SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM highlight_tags ht
                   JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
                   WHERE h.article_id = a.id), '') AS annotations
        FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
    ) src
"""


def _upgrade_postgresql(conn) -> None:
    # Rebuilt from the tables, as on SQLite, then the bigrams added.
    op.execute("DELETE FROM search_index")
    op.execute(_PG_INDEX_ROWS)
    rows = conn.execute(sa.text(
        "SELECT s.article_id, a.title, coalesce(a.author, ''), coalesce(c.text, ''), s.annotations "
        "FROM search_index s JOIN articles a ON a.id = s.article_id "
        "LEFT JOIN article_contents c ON c.article_id = a.id")).fetchall()
    for article_id, *texts in rows:
        cjk = _cjk_column(texts)
        if cjk:
            conn.execute(sa.text(
                "UPDATE search_index SET cjk = :cjk, document = document || to_tsvector('simple', :cjk) "
                "WHERE article_id = :id"), {"cjk": cjk, "id": article_id})


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
