"""Full-text search: an FTS5 index over titles, authors, text and annotations.

Revision ID: 0002
Revises: 0001

Self-contained on purpose: a migration must do tomorrow what it did the day it
was written, whatever reader.core.storage.fts becomes.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# PostgreSQL: a table with a tsvector of everything searchable and one of the
# title, each with a GIN index; the configuration follows the article's language.
# Each language's configuration is copied as reader_<language>, its stemmer
# without stop words: FTS5 (porter) drops none, so "the" or "to be" are found.
_PG_LANGUAGES = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish",
}
_PG_CONFIG = (
    "CASE lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1)) "
    + " ".join(f"WHEN '{code}' THEN 'reader_{name}'" for code, name in _PG_LANGUAGES.items())
    + " ELSE 'simple' END"
)


def _upgrade_postgresql() -> None:
    for name in sorted(set(_PG_LANGUAGES.values())):
        op.execute(f"CREATE TEXT SEARCH DICTIONARY reader_{name} (TEMPLATE = snowball, LANGUAGE = {name})")
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION reader_{name} (COPY = pg_catalog.{name})")
        op.execute(f"ALTER TEXT SEARCH CONFIGURATION reader_{name} ALTER MAPPING REPLACE {name}_stem WITH reader_{name}")
    op.execute(
        """
        CREATE TABLE search_index (
            article_id integer NOT NULL,
            config text NOT NULL DEFAULT 'simple',
            annotations text NOT NULL DEFAULT '',
            cjk text NOT NULL DEFAULT '',
            title_doc tsvector NOT NULL,
            document tsvector NOT NULL,
            CONSTRAINT pk_search_index PRIMARY KEY (article_id),
            CONSTRAINT fk_search_index_article_id_articles FOREIGN KEY (article_id)
                REFERENCES articles (id) ON DELETE CASCADE
        )
        """
    )
    op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
    op.execute("CREATE INDEX ix_search_index_title_doc ON search_index USING gin (title_doc)")
    op.execute(
        f"""
        INSERT INTO search_index (article_id, config, annotations, title_doc, document)
        SELECT id, config, annotations, to_tsvector(config::regconfig, title),
               setweight(to_tsvector(config::regconfig, title), 'A')
               || setweight(to_tsvector(config::regconfig, author), 'B')
               || setweight(to_tsvector(config::regconfig, annotations), 'C')
               || setweight(to_tsvector(config::regconfig, left(body, 400000)), 'D')
        FROM (
            SELECT a.id, {_PG_CONFIG} AS config, a.title, coalesce(a.author, '') AS author,
                   coalesce(c.text, '') AS body,
                   a.note || ' ' || coalesce((
                       SELECT string_agg(h.quote || ' ' || h.note, ' ' ORDER BY h.id) FROM highlights h
                       WHERE h.article_id = a.id), '')
                   || ' ' || coalesce((
                       SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM highlight_tags ht
                       JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
                       WHERE h.article_id = a.id), '') AS annotations
            FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
        ) src
        """
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
        "title, author, text, annotations, tokenize='porter unicode61 remove_diacritics 2')"
    )
    # Index the articles the library already holds.
    op.execute(
        """
        INSERT INTO search_index(rowid, title, author, text, annotations)
        SELECT a.id, a.title, coalesce(a.author, ''), coalesce(c.text, ''),
               a.note || ' ' || coalesce((
                   SELECT group_concat(h.quote || ' ' || h.note, ' ') FROM highlights h
                   WHERE h.article_id = a.id), '')
               || ' ' || coalesce((
                   SELECT group_concat(t.name, ' ') FROM highlight_tags ht
                   JOIN highlights h ON h.id = ht.highlight_id JOIN tags t ON t.id = ht.tag_id
                   WHERE h.article_id = a.id), '')
        FROM articles a LEFT JOIN article_contents c ON c.article_id = a.id
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")  # both dialects
    if op.get_bind().dialect.name == "postgresql":
        for name in sorted(set(_PG_LANGUAGES.values())):
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS reader_{name}")
            op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS reader_{name}")
