"""article_deletions, and articles.revision as one library-wide sequence (issue 19).

From this revision on, every change to an article takes the next number of one
sequence shared by the whole library (reader.core.library.rows.bump_revision),
and deleting an article records its uid under a number of that sequence here.
An export then asks only for what moved since the number it last saw
(reader.core.listing.export_changes), through the index on revision, instead of
comparing every article. The counter is the largest number in either table, so
it never goes back when the article holding it is deleted. Existing per-article
counts stay as they are: the sequence starts above them.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_deletions")),
    )
    op.create_index("ix_article_deletions_revision", "article_deletions", ["revision"])


def downgrade() -> None:
    op.drop_index("ix_article_deletions_revision", table_name="article_deletions")
    op.drop_table("article_deletions")
