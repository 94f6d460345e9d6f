"""Full-text search: an FTS5 index over titles, authors, text and annotations.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from reader.core.storage import fts

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(fts.CREATE)
    fts.rebuild(op.get_bind())  # index the articles the library already holds


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")
