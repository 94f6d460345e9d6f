"""The daily review's library side: today's queue, answers, settings, progress
(scheduling itself is reader.core.review)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from reader.core import domain, review
from reader.core.errors import LibraryError
from reader.core.library.rows import bump_revision, highlight_record, highlight_row
from reader.core.storage import reviews
from reader.core.storage.models import (
    Highlight,
    ReviewCard,
    ReviewLog,
)

if TYPE_CHECKING:
    from reader.core.library.host import LibraryHost
else:
    LibraryHost = object  # the declaration is for the type checker only


class ReviewMixin(LibraryHost):
    """Part of Library (reader.core.library)."""

    def review_settings(self) -> review.ReviewSettings:
        with self._read() as session:
            return review.ReviewSettings.from_json(reviews.load_setting(session, reviews.REVIEW_SETTINGS))

    def set_review_settings(self, settings: review.ReviewSettings) -> domain.Change:
        with self._write() as session:
            reviews.save_setting(session, reviews.REVIEW_SETTINGS, settings.to_json())
        return domain.Change("review-settings")

    def review_queue(self, limit: int | None = None, now: datetime | None = None) -> list[domain.ReviewItem]:
        """Today's review: due highlights, then new ones (made over a day ago),
        up to the daily limit less what was already answered today."""
        when = (now or datetime.now(UTC)).astimezone(UTC)
        settings = self.review_settings()
        day_start = review.local_day_start(now or datetime.now().astimezone())
        with self._read() as session:
            done = reviews.reviewed_since(session, reviews.naive_utc(day_start))
            room = (limit if limit is not None else settings.daily_limit) - (0 if limit is not None else done)
            if room <= 0:
                return []
            ids = reviews.queue(
                session,
                due_before=reviews.naive_utc(day_start + timedelta(days=1)),
                made_before=reviews.naive_utc(when - review.NEW_AFTER),
                exclude_archived=settings.exclude_archived,
                exclude_tags=settings.exclude_tags,
                exclude_colors=settings.exclude_colors,
                limit=room,
            )
            cards = reviews.cards(session, ids)
            counts = reviews.answers(session, ids)
        highlights = {h.id: h for h in self._highlights_by_id(ids)}
        articles = {a.id: a for a in self._summaries(sorted({h.article_id for h in highlights.values()}))}
        items = []
        for highlight_id in ids:
            h = highlights[highlight_id]
            a = articles[h.article_id]
            card = cards.get(highlight_id)
            items.append(
                domain.ReviewItem(
                    highlight=h,
                    article_title=a.title,
                    article_site=a.site,
                    article_url=a.url,
                    article_published=a.published,
                    article_added=a.added,
                    due=reviews.aware(card.due) if card else None,
                    reviews=counts.get(highlight_id, 0),
                )
            )
        return items

    def answer_review(
        self, highlight_id: int, answer: str, now: datetime | None = None, duration_ms: int | None = None
    ) -> domain.ReviewAnswer:
        """Record how well a highlight was remembered (again, hard, good, easy; or
        keep, less-often, never) and schedule it."""
        try:
            answer = review.normalize_answer(answer)
        except ValueError as exc:
            raise LibraryError(str(exc)) from None
        when = (now or datetime.now(UTC)).astimezone(UTC)
        with self._write() as session:
            # Review dates show in exports: the highlight's article changed.
            bump_revision(session, highlight_row(session, highlight_id).article_id)
            row = session.get(ReviewCard, highlight_id)
            current = (
                None
                if row is None
                else review.CardState(
                    row.state,
                    row.step,
                    row.stability,
                    row.difficulty,
                    _aware(row.due),
                    reviews.aware(row.last_review),
                    row.retired,
                )
            )
            card = review.answer_card(current, answer, when)
            row = row or ReviewCard(highlight_id=highlight_id)
            row.state, row.step, row.stability, row.difficulty = card.state, card.step, card.stability, card.difficulty
            row.due, row.retired = reviews.naive_utc(card.due), card.retired
            row.last_review = reviews.naive_utc(card.last_review) if card.last_review else None
            session.add(row)
            session.add(
                ReviewLog(
                    highlight_id=highlight_id, answer=answer, reviewed=reviews.naive_utc(when), duration_ms=duration_ms
                )
            )
        return domain.ReviewAnswer(highlight_id, answer, None if card.retired else card.due)

    def restore_reviews(
        self,
        states: Mapping[str, domain.ReviewState],
        article_id: int | None = None,
        quotes: Mapping[str, str] | None = None,
    ) -> tuple[int, list[int], list[str]]:
        """Merge review states from an export (import-annotations) into highlights already
        in the library, by highlight uid, in one transaction: answers missing here are added
        (an answer is its time, to the second, and grade: the same export twice adds nothing);
        the card takes the export's schedule only when it was reviewed later than the
        library's (a card reviewed since the export keeps its own). With `article_id`, a uid
        that is a highlight of another article (an export edited by hand, or another tool's
        ids) is left alone, unless it marks the same words (`quotes`: the same highlight on a
        copy of the article): merged, it gave the export's answers to other words. (answers
        added, ids of the articles changed, uids of other articles' highlights left alone)."""
        added = 0
        changed: set[int] = set()
        with self._write() as session:
            uids = sorted(states)
            rows = {
                uid: (highlight_id, owner, quote)
                for offset in range(0, len(uids), 500)
                for uid, highlight_id, owner, quote in session.execute(
                    select(Highlight.uid, Highlight.id, Highlight.article_id, Highlight.quote).where(
                        Highlight.uid.in_(uids[offset : offset + 500])
                    )
                )
            }
            elsewhere = sorted(
                uid
                for uid, (_, owner, quote) in rows.items()
                if article_id not in (None, owner) and _words(quote) != _words((quotes or {}).get(uid, ""))
            )
            for uid in elsewhere:
                del rows[uid]
            # Read in batches (one query per 500 highlights, not two per highlight: a large
            # export took minutes).
            ids = sorted(highlight_id for highlight_id, _, _ in rows.values())
            given: dict[int, set[tuple[datetime, str]]] = {}
            cards: dict[int, ReviewCard] = {}
            for offset in range(0, len(ids), 500):
                batch = ids[offset : offset + 500]
                for log_id, reviewed, answer in session.execute(
                    select(ReviewLog.highlight_id, ReviewLog.reviewed, ReviewLog.answer).where(
                        ReviewLog.highlight_id.in_(batch)
                    )
                ):
                    given.setdefault(log_id, set()).add((reviewed.replace(microsecond=0), answer))
                cards.update(reviews.cards(session, batch))
            for uid, (highlight_id, owner, _quote) in sorted(rows.items()):
                state = states[uid]
                known = given.get(highlight_id, set())
                new = [a for a in state.answers if (a.reviewed.replace(microsecond=0), a.answer) not in known]
                session.add_all(
                    ReviewLog(
                        highlight_id=highlight_id, answer=a.answer, reviewed=a.reviewed, duration_ms=a.duration_ms
                    )
                    for a in new
                )
                card = cards.get(highlight_id)
                later = card is None or (
                    state.last_reviewed is not None
                    and (card.last_review is None or state.last_reviewed > card.last_review.replace(microsecond=0))
                )
                if later:
                    card = card or ReviewCard(highlight_id=highlight_id)
                    card.state, card.step = state.state, state.step
                    card.stability, card.difficulty = state.stability, state.difficulty
                    card.due, card.last_review, card.retired = state.due, state.last_reviewed, state.retired
                    session.add(card)
                if new or later:
                    added += len(new)
                    changed.add(owner)
            session.flush()
            bump_revision(session, *changed)
        return added, sorted(changed), elsewhere

    def review_stats(self, now: datetime | None = None) -> review.Stats:
        local_now = now or datetime.now().astimezone()
        local_now = local_now.astimezone() if local_now.tzinfo is None else local_now
        tz = local_now.tzinfo
        today = local_now.date()
        week_start = review.local_day_start(local_now) - timedelta(days=6)
        with self._read() as session:
            reviewed = [_aware(t).astimezone(tz).date() for t in reviews.review_times(session)]
            made = [
                _aware(t).astimezone(tz).date() for t in reviews.highlight_times(session, reviews.naive_utc(week_start))
            ]
        per_day_reviewed = Counter(reviewed)
        per_day_made = Counter(made)
        due = len(self.review_queue(now=local_now))
        return review.Stats(
            due=due,
            reviewed_today=per_day_reviewed.get(today, 0),
            streak=review.streak(per_day_reviewed, today),
            week=review.week(per_day_made, per_day_reviewed, today),
        )

    def _highlights_by_id(self, ids: Sequence[int]) -> list[domain.Highlight]:
        if not ids:
            return []
        with self._read() as session:
            rows = session.scalars(
                select(Highlight).options(selectinload(Highlight.tags)).where(Highlight.id.in_(list(ids)))
            )
            return [highlight_record(h) for h in rows]


def _words(quote: str) -> str:
    """A quote as words, whatever the whitespace; "" never matches."""
    return " ".join(quote.split()) or "\0"


def _aware(stored: datetime) -> datetime:
    """reviews.aware for a time that is never missing (a card's due date, a review's time)."""
    value = reviews.aware(stored)
    assert value is not None
    return value
