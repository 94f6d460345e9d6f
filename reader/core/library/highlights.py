"""Highlights: made, found again, edited, deleted, restored (for undo and imports)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from reader.core import anchoring, dates, domain
from reader.core.errors import LibraryError
from reader.core.library.rows import NoteConflict, bump_revision, highlight_record, highlight_row
from reader.core.storage.models import (
    Article,
    Highlight,
    ReviewCard,
    ReviewLog,
    Tag,
    highlight_tags,
)
from reader.core.tags import edited_tags, tag_key
from reader.core.text import storable

if TYPE_CHECKING:
    from reader.core.library.host import LibraryHost
else:
    LibraryHost = object  # the declaration is for the type checker only


class HighlightsMixin(LibraryHost):
    """Part of Library (reader.core.library)."""

    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
        uid: str | None = None,
        seen: str | None = None,
    ) -> domain.Highlight:
        """Highlight text[start:end] of the article's canonical text. With `seen`
        (the text the caller showed there), refused when the article's text there
        is no longer that (re-extracted meanwhile, by another process perhaps):
        the highlight would cover other words."""
        with self._write() as session:
            article = self._article_row(session, article_id)
            text_ = article.content.text
            if seen is not None and " ".join(text_[max(0, start) : end].split()) != " ".join(seen.split()):
                raise LibraryError(
                    f"article {article_id}: its text changed since it was shown (re-extracted?); select the words again"
                )
            return self._insert_highlight(session, article_id, text_, start, end, color, note, tags, uid)

    def _insert_highlight(
        self,
        session: Session,
        article_id: int,
        text_: str,
        start: int,
        end: int,
        color: str,
        note: str,
        tags: Iterable[str],
        uid: str | None,
    ) -> domain.Highlight:
        note = storable(note)
        start, end = anchoring.trim_range(text_, max(0, start), min(len(text_), end))
        if end <= start:
            raise LibraryError("nothing to highlight: the selection holds no text")
        anchor = anchoring.make_anchor(text_, start, end)
        stamp = dates.now()
        row = Highlight(
            uid=uid or uuid.uuid4().hex,
            article_id=article_id,
            start=anchor.start,
            end=anchor.end,
            quote=anchor.quote,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            color=color or "yellow",
            note=note or "",
            created=stamp,
            updated=stamp,
            created_by=self.user,
            updated_by=self.user,
        )
        row.tags = self._tag_rows(session, tags)
        session.add(row)
        session.flush()
        bump_revision(session, article_id)
        self._search.refresh_annotations(session.connection(), article_id)
        return highlight_record(row)

    def highlight_quote(
        self,
        article_id: int,
        quote: str,
        occurrence: int | None = None,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
    ) -> domain.Highlight:
        """Highlight an exact quote (whitespace-insensitive); `occurrence` counts from 1.
        The quote is found in the text the highlight is stored against (one write
        transaction): found in one read and stored in another, a re-extraction in
        between had the highlight cover other words."""
        with self._write() as session:
            text_ = self._article_row(session, article_id).content.text
            found = anchoring.find_quote(text_, quote)
            if not found:
                raise LibraryError(f"article {article_id}: the quote was not found in the text")
            if occurrence is None:
                if len(found) > 1:
                    raise LibraryError(
                        f"article {article_id}: the quote occurs {len(found)} times; "
                        f"choose one with --occurrence 1..{len(found)}"
                    )
                occurrence = 1
            if not 1 <= occurrence <= len(found):
                raise LibraryError(f"article {article_id}: occurrence {occurrence} of {len(found)} does not exist")
            start, end = found[occurrence - 1]
            return self._insert_highlight(session, article_id, text_, start, end, color, note, tags, None)

    def highlights(self, article_id: int) -> list[domain.Highlight]:
        with self._read() as session:
            self._article_row(session, article_id)
            rows = session.scalars(
                select(Highlight)
                .where(Highlight.article_id == article_id)
                .options(selectinload(Highlight.tags))
                .order_by(Highlight.start.is_(None), Highlight.start, Highlight.end, Highlight.id)
            )
            return [highlight_record(h) for h in rows]

    def get_highlight(self, highlight_id: int) -> domain.Highlight:
        """The highlight with its whole place in the daily review (card and answers):
        restore_highlight puts it back as it was (undo of a deletion)."""
        with self._read() as session:
            record = highlight_record(highlight_row(session, highlight_id))
            return dataclasses.replace(record, review=_review_state(session, highlight_id))

    def all_highlights(
        self,
        color: str | None = None,
        tag: str | None = None,
        article_id: int | None = None,
        query: str | None = None,
    ) -> list[domain.Highlight]:
        """Highlights across the library (newest article first, reading order within)."""
        stmt = select(Highlight).options(selectinload(Highlight.tags)).join(Article)
        if color:
            stmt = stmt.where(Highlight.color == color)
        if article_id is not None:
            stmt = stmt.where(Highlight.article_id == article_id)
        if tag:
            stmt = stmt.where(
                Highlight.id.in_(
                    select(highlight_tags.c.highlight_id)
                    .join(Tag, Tag.id == highlight_tags.c.tag_id)
                    .where(Tag.key == tag_key(tag))
                )
            )
        if query:
            for word in query.split():
                like = f"%{word}%"
                stmt = stmt.where(or_(Highlight.quote.ilike(like), Highlight.note.ilike(like)))
        stmt = stmt.order_by(
            Article.added.desc(), Article.id.desc(), Highlight.start.is_(None), Highlight.start, Highlight.id
        )
        with self._read() as session:
            return [highlight_record(h) for h in session.scalars(stmt)]

    def update_highlight(
        self,
        highlight_id: int,
        color: str | None = None,
        note: str | None = None,
        tags: Iterable[str] | None = None,
        opened: domain.Highlight | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> domain.Highlight:
        """Change a highlight. With `opened` (the highlight as the editor read it),
        a note someone else changed since then is not overwritten: NoteConflict.
        `tags` replaces its tags; `add_tags` and `remove_tags` change only those, read
        and written in this transaction, so a tag another process gave it meanwhile stays."""
        add_tags, remove_tags = list(add_tags), list(remove_tags)
        note = storable(note) if note is not None else None
        try:
            with self._write() as session:
                row = highlight_row(session, highlight_id)
                if (
                    opened is not None
                    and note is not None
                    and row.version != opened.version
                    and row.note != opened.note
                ):
                    raise NoteConflict(f"highlight {highlight_id}", row.updated_by, row.note, note)
                if color is not None:
                    row.color = color
                if note is not None:
                    row.note = note
                if tags is not None:
                    row.tags = self._tag_rows(session, tags)
                if add_tags or remove_tags:
                    row.tags = self._tag_rows(session, edited_tags([t.name for t in row.tags], add_tags, remove_tags))
                row.updated = dates.now()
                row.updated_by = self.user
                session.flush()
                bump_revision(session, row.article_id)
                self._drop_unused_tags(session)
                self._search.refresh_annotations(session.connection(), row.article_id)
                return highlight_record(row)
        except StaleDataError:
            # Changed by another client between our read and our write.
            current = self.get_highlight(highlight_id)
            raise NoteConflict(
                f"highlight {highlight_id}",
                current.updated_by,
                current.note,
                note if note is not None else current.note,
            ) from None

    def delete_highlight(self, highlight_id: int) -> domain.Change:
        with self._write() as session:
            row = highlight_row(session, highlight_id)
            article_id = row.article_id
            session.delete(row)
            session.flush()
            bump_revision(session, article_id)
            self._drop_unused_tags(session)
            self._search.refresh_annotations(session.connection(), article_id)
        return domain.Change("highlight-deleted", article_id, highlight_id)

    def restore_highlight(self, highlight: domain.Highlight) -> domain.Highlight:
        """Put back a deleted highlight exactly as it was (for undo), under its own id
        unless SQLite gave that id to a highlight made since (a new id then). One put
        back meanwhile (another window's undo, an import of an export) is returned as it is."""
        with self._write() as session:
            back = session.scalar(select(Highlight).where(Highlight.uid == highlight.uid))
            if back is not None:
                return highlight_record(back)
            # Found again by its quote on a text re-extracted since it was deleted (by another process perhaps).
            text_ = self._article_row(session, highlight.article_id).content.text
            free = session.get(Highlight, highlight.id) is None
            row = self._highlight_row_of(session, _placed_in(text_, highlight), keep_id=free)
            _add_reviews(session, [(row, highlight)])
            session.flush()
            bump_revision(session, highlight.article_id)
            self._search.refresh_annotations(session.connection(), highlight.article_id)
            return highlight_record(row)

    def insert_highlights(self, highlights: Sequence[domain.Highlight]) -> list[domain.Highlight]:
        """Insert highlights exactly as given (uid, start/end or None for "could not be
        placed", quote, prefix, suffix, colour, note, tags, created, updated) in one
        transaction, for restoring backups and imported annotations. Ids are new;
        highlights whose uid is already in the library are skipped. Returns the inserted."""
        if not highlights:
            return []
        inserted: list[domain.Highlight] = []
        with self._write() as session:
            uids = [x.uid for x in highlights]
            present: set[str] = set()
            for offset in range(0, len(uids), 500):
                present.update(
                    session.scalars(select(Highlight.uid).where(Highlight.uid.in_(uids[offset : offset + 500])))
                )
            texts: dict[int, str] = {}
            restored: list[tuple[Highlight, domain.Highlight]] = []
            for x in highlights:
                if x.uid in present:
                    continue
                present.add(x.uid)
                if x.article_id not in texts:
                    texts[x.article_id] = self._article_row(session, x.article_id).content.text
                restored.append((self._highlight_row_of(session, _placed_in(texts[x.article_id], x)), x))
            _add_reviews(session, restored)
            rows = [row for row, _x in restored]
            articles = set(texts)
            session.flush()
            bump_revision(session, *articles)
            for article_id in sorted(articles):
                self._search.refresh_annotations(session.connection(), article_id)
            inserted = [highlight_record(row) for row in rows]
        return inserted

    def _highlight_row_of(self, session: Session, x: domain.Highlight, keep_id: bool = False) -> Highlight:
        """A new row holding the highlight exactly as given (added to the session)."""
        placed = x.start is not None and x.end is not None
        row = Highlight(
            id=x.id if keep_id else None,
            uid=x.uid,
            article_id=x.article_id,
            start=x.start if placed else None,
            end=x.end if placed else None,
            quote=storable(x.quote),
            prefix=storable(x.prefix),
            suffix=storable(x.suffix),
            color=x.color or "yellow",
            note=storable(x.note or ""),
            created=x.created,
            updated=x.updated,
            created_by=storable(x.created_by) if x.created_by else None,
            updated_by=storable(x.updated_by) if x.updated_by else None,
        )
        row.tags = self._tag_rows(session, x.tags, typed=False)  # put back: undo never fails on a tag
        session.add(row)
        return row


def _add_reviews(session: Session, restored: Sequence[tuple[Highlight, domain.Highlight]]) -> None:
    """The restored highlights' places in the daily review, after one flush has given
    them their ids (one flush per highlight made a large import quadratic)."""
    if not any(x.review is not None for _row, x in restored):
        return
    session.flush()
    for row, x in restored:
        r = x.review
        if r is None:
            continue
        session.add(
            ReviewCard(
                highlight_id=row.id,
                state=r.state,
                stability=r.stability,
                difficulty=r.difficulty,
                due=r.due,
                last_review=r.last_reviewed,
                retired=r.retired,
                step=r.step,
            )
        )
        session.add_all(
            ReviewLog(highlight_id=row.id, answer=a.answer, reviewed=a.reviewed, duration_ms=a.duration_ms)
            for a in r.answers
        )


def _review_state(session: Session, highlight_id: int) -> domain.ReviewState | None:
    """The highlight's review card and answers as a record; None when never reviewed."""
    card = session.get(ReviewCard, highlight_id)
    if card is None:
        return None
    answers = tuple(
        domain.ReviewAnswerRecord(log.answer, log.reviewed, log.duration_ms)
        for log in session.scalars(
            select(ReviewLog).where(ReviewLog.highlight_id == highlight_id).order_by(ReviewLog.reviewed, ReviewLog.id)
        )
    )
    return domain.ReviewState(
        state=card.state,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_reviewed=card.last_review,
        reviews=len(answers),
        retired=card.retired,
        step=card.step,
        answers=answers,
    )


def _placed_in(text_: str, x: domain.Highlight) -> domain.Highlight:
    """`x` with its offsets checked against the text it is stored with: placed on
    an older text (the article re-extracted since the caller read it), it is found
    again by its quote and context, else kept as "could not be placed"."""
    if x.start is None or x.end is None or text_[x.start : x.end] == x.quote:
        return x
    found = anchoring.reanchor(text_, anchoring.Anchor(x.start, x.end, x.quote, x.prefix, x.suffix))
    if found is None:
        return dataclasses.replace(x, start=None, end=None)
    fresh = anchoring.make_anchor(text_, *found)
    return dataclasses.replace(
        x, start=fresh.start, end=fresh.end, quote=fresh.quote, prefix=fresh.prefix, suffix=fresh.suffix
    )
