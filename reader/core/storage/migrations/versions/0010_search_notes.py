"""The search index in two tables: the article's text and its annotations.

Adding a highlight re-indexed the whole article (60 KB of text for a long one,
tokenized twice: once to delete the old row, once to insert the new) where only
its annotations changed. Now search_index holds title, author, text (and their
CJK bigrams) and search_index_notes the article note, highlight quotes, notes
and tags (and theirs); a search matches an article when every word is in one of
the two. Both are rebuilt from the tables, which are the truth.

PostgreSQL keeps its one row per article (reader.core.storage.pgsearch).

Revision ID: 0010
Revises: 0009

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.storage.fts becomes.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]+"
)
_ANNOTATIONS = """
    a.note || ' ' || coalesce((
        SELECT group_concat(h.quote || ' ' || h.note, ' ') FROM highlights h
        WHERE h.article_id = a.id), '')
    || ' ' || coalesce((
        SELECT group_concat(t.name, ' ') FROM highlight_tags ht
        JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
        WHERE h.article_id = a.id), '')
"""


def _cjk_column(texts):
    def grams(match):
        run = match.group(0)
        return " " + " ".join([run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]) + " "

    joined = " ".join(t for t in texts if t)
    return _CJK_RUN.sub(grams, joined) if _CJK_RUN.search(joined) else ""


def _fill_cjk(conn, table, columns) -> None:
    names = ", ".join(columns)
    rows = conn.execute(sa.text(f"SELECT rowid, {names} FROM {table}"))
    ids = [rowid for rowid, *texts in rows if any(t and _CJK_RUN.search(t) for t in texts)]
    for rowid in ids:
        texts = conn.execute(sa.text(f"SELECT {names} FROM {table} WHERE rowid = :id"), {"id": rowid}).one()
        conn.execute(sa.text(f"UPDATE {table} SET cjk = :cjk WHERE rowid = :id"), {"cjk": _cjk_column(texts), "id": rowid})


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute("DROP TABLE IF EXISTS search_index_notes")
    op.execute(f"CREATE VIRTUAL TABLE search_index USING fts5(title, author, text, cjk, {_TOKENIZE})")
    op.execute(f"CREATE VIRTUAL TABLE search_index_notes USING fts5(annotations, cjk, {_TOKENIZE})")
    # FTS5 merges its segments as rows are written: with its defaults (automerge 4,
    # crisismerge 16) every 30th or so highlight waited 15-45 ms for a merge; with
    # these the slowest of 600 annotation writes took 16 ms (10,000 articles).
    for table in ("search_index", "search_index_notes"):
        for name, value in (("automerge", 8), ("crisismerge", 64)):
            op.execute(f"INSERT INTO {table}({table}, rank) VALUES ('{name}', {value})")
    op.execute(
        "INSERT INTO search_index(rowid, title, author, text) "
        "SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, '') "
        "FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id"
    )
    op.execute(
        "INSERT INTO search_index_notes(rowid, annotations) SELECT id, annotations FROM "
        f"(SELECT a.id, {_ANNOTATIONS} AS annotations FROM articles a) WHERE trim(annotations) != ''"
    )
    _fill_cjk(conn, "search_index", ("title", "author", "text"))
    _fill_cjk(conn, "search_index_notes", ("annotations",))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_index_notes")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute(f"CREATE VIRTUAL TABLE search_index USING fts5(title, author, text, annotations, cjk, {_TOKENIZE})")
    op.execute(
        "INSERT INTO search_index(rowid, title, author, text, annotations) "
        f"SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, ''), {_ANNOTATIONS} "
        "FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id"
    )
    _fill_cjk(conn, "search_index", ("title", "author", "text", "annotations"))
