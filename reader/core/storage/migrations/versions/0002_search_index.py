"""Full-text search: an FTS5 index over titles, authors, text and annotations.

Revision ID: 0002
Revises: 0001

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.storage.fts becomes.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
        "title, author, text, annotations, tokenize='porter unicode61 remove_diacritics 2')"
    )
    # Index the articles the library already holds.
    op.execute(
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
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")
