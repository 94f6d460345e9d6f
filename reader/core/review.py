"""The daily review of highlights: scheduling with FSRS, no database here.

One card per highlight, scheduled by the `fsrs` package (the open algorithm
behind Anki's scheduler). A highlight is reviewed at most once a day, so the
minute-long learning steps FSRS uses for flashcards are off: the first answer
puts a card straight on a schedule of days. Fuzzing is off too, so the same
answers on the same dates always give the same schedule (and the same due list).

Times are aware datetimes here; the library stores them as naive UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs

ANSWERS = ("again", "hard", "good", "easy", "never")
# The plain words the window offers beside the four grades.
ALIASES = {"keep": "good", "less-often": "easy", "less often": "easy", "never-again": "never",
           "never again": "never"}
NEW_AFTER = timedelta(days=1)  # a highlight enters the review a day after it was made


@dataclass(frozen=True)
class ReviewSettings:
    daily_limit: int = 10
    exclude_archived: bool = True
    exclude_tags: tuple[str, ...] = ()
    exclude_colors: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"daily_limit": self.daily_limit, "exclude_archived": self.exclude_archived,
                "exclude_tags": list(self.exclude_tags), "exclude_colors": list(self.exclude_colors)}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ReviewSettings:
        default = cls()
        limit = value.get("daily_limit", default.daily_limit)
        return cls(
            daily_limit=limit if isinstance(limit, int) and 1 <= limit <= 1000 else default.daily_limit,
            exclude_archived=bool(value.get("exclude_archived", default.exclude_archived)),
            exclude_tags=tuple(str(t) for t in value.get("exclude_tags", ()) if isinstance(t, str)),
            exclude_colors=tuple(str(c) for c in value.get("exclude_colors", ()) if isinstance(c, str)),
        )


@dataclass(frozen=True)
class CardState:
    """A card's memory state as stored (times aware, UTC)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    retired: bool = False


@dataclass(frozen=True)
class DayCount:
    day: date
    made: int
    reviewed: int


@dataclass(frozen=True)
class Stats:
    due: int  # left to review today (within the daily limit)
    reviewed_today: int
    streak: int  # days in a row with a review, up to today (or yesterday, if none yet today)
    week: tuple[DayCount, ...] = field(default=())  # the last 7 days, oldest first


def normalize_answer(answer: str) -> str:
    value = ALIASES.get(answer.strip().lower(), answer.strip().lower())
    if value not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}; use one of {', '.join(ANSWERS)} (or keep, less-often)")
    return value


def _scheduler() -> fsrs.Scheduler:
    import fsrs  # loaded when a review is answered, not at start-up

    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def answer_card(card: CardState | None, answer: str, when: datetime) -> CardState:
    """The card after this answer; `card` is None for a highlight never reviewed."""
    import fsrs

    answer = normalize_answer(answer)
    when = when.astimezone(UTC)
    if answer == "never":
        base = card or CardState(fsrs.State.Review.value, None, None, None, when, None)
        return CardState(base.state, base.step, base.stability, base.difficulty, base.due, when, retired=True)
    if card is None:
        current = fsrs.Card(due=when)
    else:
        current = fsrs.Card(state=fsrs.State(card.state), step=card.step, stability=card.stability,
                            difficulty=card.difficulty, due=card.due, last_review=card.last_review)
    rating = {"again": fsrs.Rating.Again, "hard": fsrs.Rating.Hard, "good": fsrs.Rating.Good,
              "easy": fsrs.Rating.Easy}[answer]
    updated, _log = _scheduler().review_card(current, rating, review_datetime=when)
    # A day is the smallest step: an "again" comes back tomorrow, not in a minute.
    due = max(updated.due, when + timedelta(days=1))
    return CardState(updated.state.value, updated.step, updated.stability, updated.difficulty, due, when)


def local_day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day in its own time zone, as UTC."""
    local = now.astimezone() if now.tzinfo is None else now
    return datetime.combine(local.date(), time(), local.tzinfo).astimezone(UTC)


def streak(review_days: Iterable[date], today: date) -> int:
    days = set(review_days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def week(made: dict[date, int], reviewed: dict[date, int], today: date) -> tuple[DayCount, ...]:
    days = [today - timedelta(days=n) for n in range(6, -1, -1)]
    return tuple(DayCount(d, made.get(d, 0), reviewed.get(d, 0)) for d in days)
