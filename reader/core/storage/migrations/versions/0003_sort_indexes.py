"""Indexes for the list's title and published-date orders.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The list sorts titles case-insensitively and missing dates last: index
    # those very expressions (SQLite appends the rowid, the id tie-break, itself).
    op.drop_index("ix_articles_title_id", table_name="articles")
    if op.get_bind().dialect.name == "postgresql":
        # No NOCASE there: the list sorts by lower(title) in byte order (as
        # NOCASE does for ASCII), and a PostgreSQL index holds no row id by
        # itself, so the id tie-break is a column; so is the date order's.
        op.execute('CREATE INDEX ix_articles_title_nocase ON articles (lower(title) COLLATE "C", id)')
        op.execute("CREATE INDEX ix_articles_published_sort ON articles (coalesce(published, ''), id)")
        op.execute("CREATE INDEX ix_articles_added_id ON articles (added, id)")
    else:
        op.execute("CREATE INDEX ix_articles_title_nocase ON articles (title COLLATE NOCASE)")
        op.execute("CREATE INDEX ix_articles_published_sort ON articles (coalesce(published, ''))")
    op.execute("ANALYZE articles")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_added_id")
    op.drop_index("ix_articles_published_sort", table_name="articles")
    op.drop_index("ix_articles_title_nocase", table_name="articles")
    op.create_index("ix_articles_title_id", "articles", ["title", "id"])
