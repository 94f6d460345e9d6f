"""The daily review: a spaced-repetition card per highlight, its answers, settings.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("highlight_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("last_review", sa.DateTime(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["highlight_id"], ["highlights.id"], ondelete="CASCADE",
                                name=op.f("fk_review_cards_highlight_id_highlights")),
        sa.PrimaryKeyConstraint("highlight_id", name=op.f("pk_review_cards")),
    )
    op.create_index(op.f("ix_review_cards_due"), "review_cards", ["due"])
    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("highlight_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("reviewed", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["highlight_id"], ["highlights.id"], ondelete="CASCADE",
                                name=op.f("fk_review_logs_highlight_id_highlights")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_logs")),
    )
    op.create_index(op.f("ix_review_logs_highlight_id"), "review_logs", ["highlight_id"])
    op.create_index(op.f("ix_review_logs_reviewed"), "review_logs", ["reviewed"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_index(op.f("ix_highlights_created"), "highlights", ["created"])


def downgrade() -> None:
    op.drop_index(op.f("ix_highlights_created"), table_name="highlights")
    op.drop_table("settings")
    op.drop_table("review_logs")
    op.drop_table("review_cards")
