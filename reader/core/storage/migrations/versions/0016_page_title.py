"""articles.page_title: a title the reader set by hand survives re-extraction.

`title` is what the library shows. Once the reader renames an article
(Library.set_title), the page's own title moves here and re-extraction writes
the page's new title here instead of over the reader's; resetting the title
(Library.reset_title) takes it back. NULL: the title is the page's own, which
is what every existing article's is taken to be (nothing recorded which titles
were typed by hand before).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects, nothing to fill: the list's triggers (0014) stay.
    op.add_column("articles", sa.Column("page_title", sa.String(), nullable=True))


def downgrade() -> None:
    # The reader's titles stay in `title`; only the page's own, kept beside them, goes.
    op.drop_column("articles", "page_title")
