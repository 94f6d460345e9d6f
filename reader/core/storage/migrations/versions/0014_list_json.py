"""articles.list_json: each article's `reader list --json` entry, stored (SQLite only; issue 19).

`reader list --json` built every entry with json_object, a highlight count and
a date formatted per article, on each run: 370 ms of CPU for 100,000 articles.
Stored, the list is one read of ready JSON in the list's order; the whole
list, newest first, from one covering index (ix_articles_added_list_json).

Triggers keep the entry current, so that no write path can forget it: after an
article is inserted, after any column the entry shows is updated, and after a
highlight is inserted, deleted or moved to another article. The entry is
reader.core.lazy.list_entry as compact JSON (json.dumps(ensure_ascii=False),
whose escaping json_object shares), `added` as isoformat() + "Z" from the form
SQLAlchemy stores ("YYYY-MM-DD HH:MM:SS.ffffff", a zero fraction dropped).
A stamp in any other form leaves the entry NULL: the reader builds that one as
before, by Python's rule.

Not in the models: PostgreSQL has no such column (nothing changes there; its
list is built from records), and copying a library reads the models' columns.
A later batch migration that recreates `articles` drops its triggers with it:
it must create them again (`create_triggers`' SQL, copied into it).

Revision ID: 0014
Revises: 0013

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.lazy becomes.
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_ADDED = (
    "CASE WHEN length(added) <> 26 THEN NULL"
    " WHEN substr(added, 20) = '.000000' THEN replace(substr(added, 1, 19), ' ', 'T') || 'Z'"
    " ELSE replace(added, ' ', 'T') || 'Z' END"
)
# Inside an UPDATE of articles: bare names are the updated row's columns. NULL when
# `added` is not in the stored form (json_object would write null for it).
_ENTRY = (
    f"CASE WHEN length(added) = 26 THEN json_object('id', id, 'title', title, 'author', author, 'site', site,"
    f" 'url', url, 'published', published, 'added', {_ADDED}, 'word_count', word_count,"
    " 'highlights', (SELECT count(*) FROM highlights h WHERE h.article_id = articles.id)) END"
)
_SHOWN = "id, title, author, site, url, published, added, word_count"
_TRIGGERS = {
    "articles_list_json_insert": f"AFTER INSERT ON articles BEGIN UPDATE articles SET list_json = {_ENTRY}"
    " WHERE id = NEW.id; END",
    "articles_list_json_update": f"AFTER UPDATE OF {_SHOWN} ON articles BEGIN UPDATE articles"
    f" SET list_json = {_ENTRY} WHERE id = NEW.id; END",
    "highlights_list_json_insert": f"AFTER INSERT ON highlights BEGIN UPDATE articles SET list_json = {_ENTRY}"
    " WHERE id = NEW.article_id; END",
    "highlights_list_json_delete": f"AFTER DELETE ON highlights BEGIN UPDATE articles SET list_json = {_ENTRY}"
    " WHERE id = OLD.article_id; END",
    "highlights_list_json_move": f"AFTER UPDATE OF article_id ON highlights BEGIN UPDATE articles"
    f" SET list_json = {_ENTRY} WHERE id IN (OLD.article_id, NEW.article_id); END",
}


def create_triggers() -> None:
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Plain ALTER TABLE: no copy of the table, and its indexes and triggers stay.
    op.execute("ALTER TABLE articles ADD COLUMN list_json TEXT")
    create_triggers()
    op.execute(f"UPDATE articles SET list_json = {_ENTRY}")
    # The whole list, newest first, read from this index alone: 44 ms for 100,000
    # articles where the table's rows in the order of ix_articles_added took 82.
    op.execute("CREATE INDEX ix_articles_added_list_json ON articles (added, id, list_json)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_added_list_json")
    for name in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("ALTER TABLE articles DROP COLUMN list_json")
