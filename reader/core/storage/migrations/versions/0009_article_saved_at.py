"""The article record's two leftovers (issue 16, "one article record").

- articles.saved_at: when the page was saved, as its saver wrote it (SingleFile's
  and the browser's "saved from" comments); read at import since long, kept now.
  Articles imported before stay NULL until re-extracted.
- articles.lead_image goes: the page's og:image URL, stored and never read. The
  reading view shows the lead figure from the article's own HTML, whose image is
  stored with the article; the URL is remote and Reader loads nothing remote.
  `reader extract` still reports it, and re-extraction finds it again in the
  stored original.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects (SQLite 3.35+ drops a column in place): a
    # batch copy on SQLite would drop and re-create a table that others reference.
    op.add_column("articles", sa.Column("saved_at", sa.String(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or bind.dialect.dbapi.sqlite_version_info >= (3, 35):
        op.drop_column("articles", "lead_image")
    # else: an older SQLite cannot drop a column in place; the unused, nullable column stays.


def downgrade() -> None:
    if "lead_image" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("articles")}:
        op.add_column("articles", sa.Column("lead_image", sa.String(), nullable=True))
    op.drop_column("articles", "saved_at")
