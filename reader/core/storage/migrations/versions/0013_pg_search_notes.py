"""PostgreSQL search: an article's text and its annotations indexed apart.

`search_index.document` (what a search matches, GIN-indexed) becomes a
generated column, text_doc || notes_doc, so that a new highlight parses the
article's annotations again and not its whole text. SQLite made the same split
in 0010; nothing changes there.

The two vectors are cut out of the existing one by weight (title A, author B,
annotations C, body D), without parsing anything again. Articles holding CJK
text had one more, unweighted vector of all their texts together (their CJK
runs as bigrams): those rows are made again from their texts, one by one.

Revision ID: 0013
Revises: 0012

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.storage.pgsearch becomes.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f]+"
)
_MARKS_ON_LATIN = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")
_MAX_TEXT = 400_000


def _fold(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _MARKS_ON_LATIN.sub("", unicodedata.normalize("NFD", text)))


def _cjk_terms(*texts: str) -> str:
    def grams(match: re.Match[str]) -> str:
        run = match.group(0)
        return " " + " ".join([run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]) + " "

    joined = " ".join(t for t in texts if t)
    return _CJK_RUN.sub(grams, joined) if _CJK_RUN.search(joined) else ""


_REMAKE = sa.text(
    "UPDATE search_index SET cjk = CAST(:cjk AS text), text_doc = "
    "setweight(to_tsvector(CAST(config AS regconfig), CAST(:title AS text)), 'A')"
    " || setweight(to_tsvector(CAST(config AS regconfig), CAST(:author AS text)), 'B')"
    " || setweight(to_tsvector(CAST(config AS regconfig), CAST(:body AS text)), 'D')"
    " || to_tsvector('simple', CAST(:cjk AS text)), notes_doc = "
    "setweight(to_tsvector(CAST(config AS regconfig), CAST(:annotations AS text)), 'C')"
    " || to_tsvector('simple', CAST(:notes_cjk AS text)) WHERE article_id = :id"
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_index ADD COLUMN text_doc tsvector NOT NULL DEFAULT ''::tsvector, "
        "ADD COLUMN notes_doc tsvector NOT NULL DEFAULT ''::tsvector"
    )
    op.execute(
        "UPDATE search_index SET text_doc = ts_filter(document, '{a,b,d}'), notes_doc = ts_filter(document, '{c}')"
    )
    rows = conn.execute(
        sa.text(
            "SELECT s.article_id, s.annotations, a.title, coalesce(a.author, ''), coalesce(c.text, '') "
            "FROM search_index s JOIN articles a ON a.id = s.article_id "
            "LEFT JOIN article_contents c ON c.article_id = a.id WHERE s.cjk <> ''"
        )
    ).fetchall()
    for article_id, annotations, title, author, body in rows:
        conn.execute(
            _REMAKE,
            {
                "id": article_id,
                "title": _fold(title),
                "author": _fold(author),
                "body": _fold(body[:_MAX_TEXT]),
                "cjk": _cjk_terms(title, author, body)[:_MAX_TEXT],
                "annotations": _fold(annotations),
                "notes_cjk": _cjk_terms(annotations)[:_MAX_TEXT],
            },
        )
    op.execute("DROP INDEX ix_search_index_document")
    op.execute("ALTER TABLE search_index DROP COLUMN document")
    op.execute(
        "ALTER TABLE search_index ADD COLUMN document tsvector GENERATED ALWAYS AS (text_doc || notes_doc) STORED"
    )
    op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_index_document")
    op.execute("ALTER TABLE search_index DROP COLUMN document")
    op.execute("ALTER TABLE search_index ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector")
    op.execute("UPDATE search_index SET document = text_doc || notes_doc")
    op.execute("ALTER TABLE search_index DROP COLUMN text_doc, DROP COLUMN notes_doc")
    op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
