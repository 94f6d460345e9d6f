"""Small pieces the parts of the library share: records to database rows and back,
page identity, and the refusal of a note changed by someone else."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import func, select, union_all, update
from sqlalchemy.orm import Session

from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.errors import NoteConflict as NoteConflict  # its home was here: the window imports it from here
from reader.core.storage.models import (
    Article,
    ArticleDeletion,
    Asset,
    Highlight,
)

if TYPE_CHECKING:
    from reader.core.importing.pipeline import PreparedArticle


def storable_text(value: str) -> str:
    """File names that are not valid UTF-8 (kept by Python as surrogates) as storable text."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def page_identity(url: str | None, content_hash: str) -> str:
    """What makes two imports the same page: its URL when known, else its text."""
    return f"url:{url}" if url else f"sha256:{content_hash}"


def store_page_fields(row: Article, page: domain.PageFields) -> None:
    """Copy the page's fields onto its row: the one place they are mapped, by name
    (each has a column of its own name, see storage.models.Article). A title the
    reader set by hand stays: the page's goes beside it, into page_title."""
    values = domain.page_values(page)
    if row.page_title is not None:
        row.page_title = values.pop("title")
    for name, value in values.items():
        setattr(row, name, value)


def add_assets(session: Session, article_id: int, prepared: PreparedArticle) -> None:
    for asset in prepared.assets:
        session.add(
            Asset(article_id=article_id, name=asset.name, mime=asset.mime, source=asset.source, data=asset.data)
        )


def next_revision(session: Session) -> int:
    """The next number of the library's change sequence: above every article's and
    every deletion's (two index look-ups). Writes hold the write lock (BEGIN
    IMMEDIATE, or the server's advisory lock) until they commit, so numbers are
    taken in commit order: a reader never sees a number while a smaller one is
    still to come, and "changed since N" misses nothing (migration 0012)."""
    top = union_all(select(func.max(Article.revision)), select(func.max(ArticleDeletion.revision))).subquery()
    return int(session.scalar(select(func.coalesce(func.max(top.c[0]), 0))) or 0) + 1


def bump_revision(session: Session, *article_ids: int) -> None:
    """Count a change to these articles (their row, highlights, tags, note or
    review cards) in the caller's transaction: an export finds the articles it
    must write again by this number alone. Every write path calls it."""
    if article_ids:
        session.execute(
            update(Article)
            .where(Article.id.in_(sorted(set(article_ids))))
            .values(revision=next_revision(session), revision_token=secrets.token_hex(8))
            .execution_options(synchronize_session=False)
        )


def record_deletion(session: Session, article_id: int, uid: str | None) -> None:
    """Remember a deleted article under the next revision (before its row goes):
    an export keeping a folder current removes its file without comparing every article."""
    session.add(ArticleDeletion(article_id=article_id, uid=uid, revision=next_revision(session)))
    session.flush()


def highlight_row(session: Session, highlight_id: int) -> Highlight:
    row = session.get(Highlight, highlight_id)
    if row is None:
        raise LibraryError(f"no highlight with id {highlight_id}")
    return row


def highlight_record(row: Highlight) -> domain.Highlight:
    return domain.Highlight(
        id=row.id,
        uid=row.uid,
        article_id=row.article_id,
        start=row.start,
        end=row.end,
        quote=row.quote,
        prefix=row.prefix,
        suffix=row.suffix,
        color=row.color,
        note=row.note,
        tags=tuple(t.name for t in row.tags),
        created=row.created,
        updated=row.updated,
        created_by=row.created_by or "",
        updated_by=row.updated_by or "",
        version=row.version,
    )
