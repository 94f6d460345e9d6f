"""articles.revision: a per-article change counter (issue 19, incremental export).

Every write to an article, its highlights, tags, note or review cards adds one
to it in the same transaction (reader.core.library.rows.bump_revision), so an
export tells a changed article from an unchanged one by reading the articles
table alone, without aggregating every highlight row.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects: a constant default fills existing rows in place.
    op.add_column("articles", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_articles_revision", "articles", ["revision"])


def downgrade() -> None:
    op.drop_index("ix_articles_revision", table_name="articles")
    op.drop_column("articles", "revision")
