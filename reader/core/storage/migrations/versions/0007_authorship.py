"""Who made each highlight and note, and a version for editing notes safely.

- highlights.created_by, updated_by: the display name of who made the
  highlight and who last changed it (a shared library has several people).
- highlights.version: bumped by every change (SQLAlchemy's version_id_col):
  a note saved over one changed by someone else since it was opened is refused.
- articles.note_by, note_version: the same for the article's note.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both dialects: a batch copy on SQLite would
    # drop and re-create tables that others reference.
    op.add_column("highlights", sa.Column("created_by", sa.String(), nullable=True))
    op.add_column("highlights", sa.Column("updated_by", sa.String(), nullable=True))
    op.add_column("highlights", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("articles", sa.Column("note_by", sa.String(), nullable=True))
    op.add_column("articles", sa.Column("note_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("articles", "note_version")
    op.drop_column("articles", "note_by")
    op.drop_column("highlights", "version")
    op.drop_column("highlights", "updated_by")
    op.drop_column("highlights", "created_by")
