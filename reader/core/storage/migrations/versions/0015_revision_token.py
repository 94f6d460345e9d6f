"""articles.revision_token: a random token drawn with each revision number.

A library restored from a plain copy of its file (not a `reader backup`, whose
copy gets a history mark of its own) takes the same revision numbers again for
other changes: an export folder kept current could not tell the two histories
apart, and kept the text of the lost one. The token is drawn afresh with every
number (reader.core.library.rows.bump_revision) and is part of an export's
fingerprint of the article: two histories never draw the same. NULL until an
article's next change.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects, nothing to fill: the list's triggers (0014) stay.
    op.add_column("articles", sa.Column("revision_token", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "revision_token")
