"""Indexes for the list's views: each state (inbox or archive, favorites) in
each order (added, title, published).

Without them the window's inbox (70% of the articles) was read through the
index on `archived` and sorted: 0.6 s for the first page of 100,000 articles,
and as much for every page after it. With (state, sort key) the list walks an
index from the cursor, and every page costs the same (under 2 ms).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FLAGS = ("archived", "favorite")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for flag in FLAGS:
        if postgresql:
            # The sort expressions of migration 0003 there, with the id tie-break as a column.
            op.execute(f"CREATE INDEX ix_articles_{flag}_added ON articles ({flag}, added, id)")
            op.execute(f'CREATE INDEX ix_articles_{flag}_title ON articles ({flag}, lower(title) COLLATE "C", id)')
            op.execute(f"CREATE INDEX ix_articles_{flag}_published ON articles ({flag}, coalesce(published, ''), id)")
        else:
            # SQLite appends the rowid (the id tie-break) itself.
            op.execute(f"CREATE INDEX ix_articles_{flag}_added ON articles ({flag}, added)")
            op.execute(f"CREATE INDEX ix_articles_{flag}_title ON articles ({flag}, title COLLATE NOCASE)")
            op.execute(f"CREATE INDEX ix_articles_{flag}_published ON articles ({flag}, coalesce(published, ''))")
    op.execute("ANALYZE articles")


def downgrade() -> None:
    for flag in FLAGS:
        for key in ("added", "title", "published"):
            op.execute(f"DROP INDEX IF EXISTS ix_articles_{flag}_{key}")
