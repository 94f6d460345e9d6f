"""The library's tables as SQLAlchemy 2.0 typed models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so that Alembic batch migrations can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

highlight_tags = Table(
    "highlight_tags",
    Base.metadata,
    Column("highlight_id", ForeignKey("highlights.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Article(Base):
    """An article: the page's fields (reader.core.domain.PageFields) in attributes of
    the same names, and what the library keeps about it."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Never reused (row ids are, after a delete): what exports and links refer to.
    uid: Mapped[str] = mapped_column(String, nullable=True)
    # The page's identity, unique: "url:<url>" when known, else "sha256:<content hash>".
    identity: Mapped[str | None] = mapped_column(String)
    title: Mapped[str] = mapped_column(String, default="")
    # The page's own title while the reader's title (set by hand, Library.set_title) is
    # shown in `title`; NULL when `title` is the page's. Re-extraction writes the page's
    # new title here, never over the reader's (migration 0016).
    page_title: Mapped[str | None] = mapped_column(String, nullable=True)
    author: Mapped[str | None] = mapped_column(String)
    site: Mapped[str | None] = mapped_column(String)
    url: Mapped[str | None] = mapped_column(String, index=True)
    published: Mapped[str | None] = mapped_column(String, index=True)  # ISO 8601
    language: Mapped[str | None] = mapped_column(String)
    direction: Mapped[str | None] = mapped_column(String)
    excerpt: Mapped[str | None] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    source_name: Mapped[str] = mapped_column(String, default="")
    source_path: Mapped[str | None] = mapped_column(String)
    source_kind: Mapped[str] = mapped_column(String, default="html")
    content_hash: Mapped[str] = mapped_column(String, index=True)
    fallback: Mapped[bool] = mapped_column("extracted_fallback", Boolean, default=False)  # the column's old name
    saved_at: Mapped[str | None] = mapped_column(String)  # ISO 8601, as the page's saver wrote it
    note: Mapped[str] = mapped_column(Text, default="")
    note_by: Mapped[str | None] = mapped_column(String)  # who last wrote the note
    # Bumped by each change of the note (not of the rest of the article): a note
    # saved over one changed by someone else since it was opened is refused.
    note_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    favorite: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1 of the text read
    added: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated: Mapped[datetime] = mapped_column(DateTime)
    # The library-wide change sequence's number of the last change to the article,
    # its highlights, tags, note or review cards (reader.core.library.rows.bump_revision):
    # an export's fingerprint without reading the highlights, and what it asks for
    # to find the articles changed since it last ran. See migrations 0011 and 0012.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)
    # Drawn afresh with each revision number: a copy of the file restored by hand takes the
    # same numbers again for other changes, never the same tokens (migration 0015).
    revision_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # On SQLite the table also holds list_json, `reader list --json`'s entry, written only
    # by triggers (migration 0014), with its index: not declared here, since PostgreSQL
    # has no such column and copying a library reads the columns declared here.

    content: Mapped[ArticleContent] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    highlights: Mapped[list[Highlight]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.key")

    __table_args__ = (
        # The list's sort orders (reader.core.listing); see migration 0003.
        Index("ix_articles_title_nocase", text("title COLLATE NOCASE")),
        Index("ix_articles_published_sort", text("coalesce(published, '')")),
        # Each state in each order (migration 0008).
        Index("ix_articles_archived_added", "archived", "added"),
        Index("ix_articles_archived_title", text("archived, title COLLATE NOCASE")),
        Index("ix_articles_archived_published", text("archived, coalesce(published, '')")),
        Index("ix_articles_favorite_added", "favorite", "added"),
        Index("ix_articles_favorite_title", text("favorite, title COLLATE NOCASE")),
        Index("ix_articles_favorite_published", text("favorite, coalesce(published, '')")),
        Index("uq_articles_uid", "uid", unique=True),
        Index("uq_articles_identity", "identity", unique=True),
    )


class ArticleContent(Base):
    """The heavy columns, kept apart so listing articles never reads them."""

    __tablename__ = "article_contents"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    original: Mapped[bytes] = mapped_column(LargeBinary)  # the saved page, for re-extraction

    article: Mapped[Article] = relationship(back_populates="content")


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String)  # referenced as src="asset:<name>"
    mime: Mapped[str] = mapped_column(String)
    source: Mapped[str] = mapped_column(Text, default="")  # src as written in the saved page
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("article_id", "name", name="uq_assets_article_id_name"),)


class Highlight(Base):
    __tablename__ = "highlights"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String, unique=True)  # stable id for exports
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    start: Mapped[int | None] = mapped_column(Integer)  # None: could not be placed
    end: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String, default="yellow")
    note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String)  # display names (a shared library)
    updated_by: Mapped[str | None] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    article: Mapped[Article] = relationship(back_populates="highlights")
    tags: Mapped[list[Tag]] = relationship(secondary=highlight_tags, order_by="Tag.key")

    # Every UPDATE checks and bumps the version: a change made in between by
    # another client makes the flush fail instead of overwriting it.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own attribute)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)  # as first typed, for display
    key: Mapped[str] = mapped_column(String, nullable=True)  # tag_key(name): how tags compare

    __table_args__ = (Index("uq_tags_key", "key", unique=True),)


class ReviewCard(Base):
    """A highlight's place in the daily review (FSRS memory state); none until first reviewed."""

    __tablename__ = "review_cards"

    highlight_id: Mapped[int] = mapped_column(ForeignKey("highlights.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    last_review: Mapped[datetime | None] = mapped_column(DateTime)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # "never again"


class ReviewLog(Base):
    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    highlight_id: Mapped[int] = mapped_column(ForeignKey("highlights.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String)  # reader.core.review.ANSWERS
    reviewed: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class ArticleDeletion(Base):
    """A deleted article, under the change sequence's number of its deletion: an
    export keeping a folder current removes its file (migration 0012)."""

    __tablename__ = "article_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str | None] = mapped_column(String)
    revision: Mapped[int] = mapped_column(Integer, index=True)


class Setting(Base):
    """Library-wide settings every front end shares (JSON values)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
