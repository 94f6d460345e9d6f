"""Stable article uids, a unique page identity, tags that ignore case.

- articles.uid: a uuid never reused (row ids are, after a delete), for
  anything outside the database that refers to an article (export manifests).
- articles.identity: the page's identity (its URL when known, else its content
  hash), unique, so two imports at once can never both store one page.
  Duplicates stored before this revision keep their rows (a user may have
  highlighted either); all but the first get no identity.
- tags.key: the case-folded name, unique: "Rivers" and "rivers" are one tag.
  Existing case-duplicates are merged into the first spelling, every link kept.

Revision ID: 0004
Revises: 0003
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _identity(url, content_hash):
    # Kept here, not imported: a migration must not change when live code does.
    return f"url:{url}" if url else f"sha256:{content_hash}"


def _tag_key(name):
    return " ".join(name.split()).casefold()


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("articles", sa.Column("uid", sa.String(), nullable=True))
    op.add_column("articles", sa.Column("identity", sa.String(), nullable=True))
    seen = set()
    rows = conn.execute(sa.text("SELECT id, url, content_hash FROM articles ORDER BY id")).fetchall()
    for article_id, url, content_hash in rows:
        identity = _identity(url, content_hash)
        if identity in seen:
            identity = None
        seen.add(identity)
        conn.execute(sa.text("UPDATE articles SET uid = :uid, identity = :identity WHERE id = :id"),
                     {"uid": uuid.uuid4().hex, "identity": identity, "id": article_id})
    op.create_index("uq_articles_uid", "articles", ["uid"], unique=True)
    op.create_index("uq_articles_identity", "articles", ["identity"], unique=True)

    op.add_column("tags", sa.Column("key", sa.String(), nullable=True))
    first: dict[str, int] = {}
    for tag_id, name in conn.execute(sa.text("SELECT id, name FROM tags ORDER BY id")).fetchall():
        key = _tag_key(name)
        keep = first.setdefault(key, tag_id)
        if keep == tag_id:
            conn.execute(sa.text("UPDATE tags SET key = :key WHERE id = :id"), {"key": key, "id": tag_id})
            continue
        for table, owner in (("article_tags", "article_id"), ("highlight_tags", "highlight_id")):
            conn.execute(sa.text(
                f"INSERT INTO {table} ({owner}, tag_id) SELECT {owner}, :keep FROM {table} WHERE tag_id = :old "
                f"AND {owner} NOT IN (SELECT {owner} FROM {table} WHERE tag_id = :keep)"
            ), {"keep": keep, "old": tag_id})
            conn.execute(sa.text(f"DELETE FROM {table} WHERE tag_id = :old"), {"old": tag_id})
        conn.execute(sa.text("DELETE FROM tags WHERE id = :id"), {"id": tag_id})
    op.create_index("uq_tags_key", "tags", ["key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_tags_key", table_name="tags")
    op.drop_index("uq_articles_identity", table_name="articles")
    op.drop_index("uq_articles_uid", table_name="articles")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch copy would drop and
    # re-create tables that others reference, which cascades deletes.
    op.drop_column("tags", "key")
    op.drop_column("articles", "identity")
    op.drop_column("articles", "uid")
