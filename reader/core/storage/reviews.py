"""The daily review's reads and writes (SQL lives here; scheduling in reader.core.review)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from reader.core.storage.models import (
    Article,
    Highlight,
    ReviewCard,
    ReviewLog,
    Setting,
    Tag,
    article_tags,
    highlight_tags,
)
from reader.core.tags import tag_key

REVIEW_SETTINGS = "review"


def naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def load_setting(session: Session, key: str) -> dict[str, Any]:
    value = session.get(Setting, key)
    try:
        loaded = json.loads(value.value) if value else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def save_setting(session: Session, key: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, key) or Setting(key=key)
    row.value = json.dumps(value, sort_keys=True)
    session.add(row)


def queue(
    session: Session,
    *,
    due_before: datetime,
    made_before: datetime,
    exclude_archived: bool,
    exclude_tags: tuple[str, ...],
    exclude_colors: tuple[str, ...],
    limit: int,
) -> list[int]:
    """Highlight ids for the review, due cards first (oldest due first), then
    highlights never reviewed (oldest first, in reading order); ties broken by
    uid, so the list is the same for the same library and date."""
    conditions: list[ColumnElement[bool]] = []
    if exclude_archived:
        conditions.append(Article.archived.is_(False))
    if exclude_colors:
        conditions.append(Highlight.color.not_in(exclude_colors))
    if exclude_tags:
        keys = [tag_key(t) for t in exclude_tags]
        tagged_highlight = exists().where(
            highlight_tags.c.highlight_id == Highlight.id, highlight_tags.c.tag_id == Tag.id, Tag.key.in_(keys)
        )
        tagged_article = exists().where(
            article_tags.c.article_id == Highlight.article_id, article_tags.c.tag_id == Tag.id, Tag.key.in_(keys)
        )
        conditions += [~tagged_highlight, ~tagged_article]
    base = select(Highlight.id).join(Article, Article.id == Highlight.article_id).where(*conditions)
    due = session.scalars(
        base.join(ReviewCard, ReviewCard.highlight_id == Highlight.id)
        .where(ReviewCard.retired.is_(False), ReviewCard.due < due_before)
        .order_by(ReviewCard.due, Highlight.uid)
        .limit(limit)
    ).all()
    if len(due) >= limit:
        return list(due)
    new = session.scalars(
        base.outerjoin(ReviewCard, ReviewCard.highlight_id == Highlight.id)
        .where(ReviewCard.highlight_id.is_(None), Highlight.created < made_before)
        .order_by(Highlight.created, Highlight.article_id, Highlight.start, Highlight.uid)
        .limit(limit - len(due))
    ).all()
    return [*due, *new]


def reviewed_since(session: Session, since: datetime) -> int:
    """How many highlights were answered since then (each counted once)."""
    return (
        session.scalar(select(func.count(func.distinct(ReviewLog.highlight_id))).where(ReviewLog.reviewed >= since))
        or 0
    )


def review_times(session: Session, since: datetime | None = None) -> list[datetime]:
    stmt = select(ReviewLog.reviewed)
    if since is not None:
        stmt = stmt.where(ReviewLog.reviewed >= since)
    return list(session.scalars(stmt))


def highlight_times(session: Session, since: datetime) -> list[datetime]:
    return list(session.scalars(select(Highlight.created).where(Highlight.created >= since)))


def cards(session: Session, highlight_ids: list[int]) -> dict[int, ReviewCard]:
    if not highlight_ids:
        return {}
    return {
        c.highlight_id: c for c in session.scalars(select(ReviewCard).where(ReviewCard.highlight_id.in_(highlight_ids)))
    }


def answers(session: Session, highlight_ids: list[int]) -> dict[int, int]:
    if not highlight_ids:
        return {}
    rows = session.execute(
        select(ReviewLog.highlight_id, func.count())
        .where(ReviewLog.highlight_id.in_(highlight_ids))
        .group_by(ReviewLog.highlight_id)
    )
    return dict(rows.all())
