"""Articles, their contents and images, highlights, tags.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("site", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("published", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("direction", sa.String(), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("lead_image", sa.String(), nullable=True),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=True),
        sa.Column("source_kind", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("extracted_fallback", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("favorite", sa.Boolean(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("added", sa.DateTime(), nullable=False),
        sa.Column("updated", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )
    for column in ("url", "published", "content_hash", "archived", "favorite", "added"):
        op.create_index(op.f(f"ix_articles_{column}"), "articles", [column])
    op.create_index("ix_articles_title_id", "articles", ["title", "id"])

    op.create_table(
        "article_contents",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], ondelete="CASCADE",
            name=op.f("fk_article_contents_article_id_articles"),
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_contents")),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("mime", sa.String(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], ondelete="CASCADE", name=op.f("fk_assets_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("article_id", "name", name="uq_assets_article_id_name"),
    )
    op.create_index(op.f("ix_assets_article_id"), "assets", ["article_id"])

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "highlights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("suffix", sa.Text(), nullable=False),
        sa.Column("color", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("updated", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], ondelete="CASCADE",
            name=op.f("fk_highlights_article_id_articles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_highlights")),
        sa.UniqueConstraint("uid", name=op.f("uq_highlights_uid")),
    )
    op.create_index(op.f("ix_highlights_article_id"), "highlights", ["article_id"])

    for owner in ("article", "highlight"):
        op.create_table(
            f"{owner}_tags",
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
            sa.Column("tag_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [f"{owner}_id"], [f"{owner}s.id"], ondelete="CASCADE",
                name=op.f(f"fk_{owner}_tags_{owner}_id_{owner}s"),
            ),
            sa.ForeignKeyConstraint(
                ["tag_id"], ["tags.id"], ondelete="CASCADE", name=op.f(f"fk_{owner}_tags_tag_id_tags")
            ),
            sa.PrimaryKeyConstraint(f"{owner}_id", "tag_id", name=op.f(f"pk_{owner}_tags")),
        )
        op.create_index(op.f(f"ix_{owner}_tags_tag_id"), f"{owner}_tags", ["tag_id"])


def downgrade() -> None:
    for table in ("highlight_tags", "article_tags", "highlights", "tags", "assets", "article_contents", "articles"):
        op.drop_table(table)
