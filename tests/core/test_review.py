"""The daily review: what is due, how answers schedule it, exclusions, progress."""

from datetime import UTC, datetime, timedelta

import pytest

import reader.core.dates as dates_module
from reader.core import LibraryError
from reader.core.review import ReviewSettings

DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def made_at(monkeypatch):
    """made_at(when): highlights and imports from now on are stamped `when`."""
    clock = {"now": DAY0}
    monkeypatch.setattr(dates_module, "now", lambda: clock["now"].replace(tzinfo=None))
    return lambda when: clock.__setitem__("now", when)


def highlights(library, article_page, count, made_at, when=DAY0, **kwargs):
    made_at(when)
    [outcome] = library.import_paths([article_page], workers=1)
    return [library.add_highlight(outcome.id, i * 20, i * 20 + 15, **kwargs).id for i in range(count)], outcome.id


def test_a_highlight_enters_the_review_a_day_after_it_is_made(library, article_page, made_at):
    [hid], _ = highlights(library, article_page, 1, made_at)
    assert library.review_queue(now=DAY0 + timedelta(hours=2)) == []
    [item] = library.review_queue(now=DAY0 + timedelta(days=1, hours=1))
    assert item.highlight.id == hid and item.due is None and item.reviews == 0
    assert item.article_title == "The Quiet Rivers of the North"


def test_a_month_of_answers_follows_fsrs(library, article_page, made_at):
    [hid], _ = highlights(library, article_page, 1, made_at)
    day = DAY0 + timedelta(days=1)
    intervals = []
    while day < DAY0 + timedelta(days=90):
        queue = [i.highlight.id for i in library.review_queue(now=day)]
        if queue:
            assert queue == [hid]
            result = library.answer_review(hid, "good", now=day)
            intervals.append((result.next_due - day).days)
        day += timedelta(days=1)
    # Remembered every time: each interval longer than the last, from days to weeks.
    assert len(intervals) >= 3
    assert intervals == sorted(intervals) and len(set(intervals)) == len(intervals)
    assert intervals[0] >= 1 and intervals[-1] >= 14
    # It is not due between its dates: the queue was empty on all other days.
    assert library.review_stats(now=day).reviewed_today == 0


def test_harder_answers_bring_a_highlight_back_sooner(library, article_page, made_at):
    ids, _ = highlights(library, article_page, 4, made_at)
    day = DAY0 + timedelta(days=2)
    due = {
        answer: library.answer_review(hid, answer, now=day).next_due
        for hid, answer in zip(ids, ["again", "hard", "good", "easy"])
    }
    assert due["again"] <= due["hard"] < due["good"] < due["easy"]
    assert due["again"] >= day + timedelta(days=1)  # never sooner than tomorrow


def test_never_again_is_respected_for_good(library, article_page, made_at):
    [hid, other], _ = highlights(library, article_page, 2, made_at)
    day = DAY0 + timedelta(days=2)
    assert library.answer_review(hid, "never again", now=day).next_due is None
    for later in (1, 30, 400):
        assert [i.highlight.id for i in library.review_queue(now=day + timedelta(days=later))] == [other]


def test_exclusions_leave_out_archived_articles_tags_and_colours(library, article_page, made_at, tmp_path):
    [plain, tagged, pink], article = highlights(library, article_page, 3, made_at)
    library.update_highlight(tagged, tags=["Private"])
    library.update_highlight(pink, color="pink")
    later = DAY0 + timedelta(days=2)
    assert len(library.review_queue(now=later)) == 3
    library.set_review_settings(ReviewSettings(exclude_tags=("private",), exclude_colors=("pink",)))
    assert [i.highlight.id for i in library.review_queue(now=later)] == [plain]
    library.set_archived(article)
    assert library.review_queue(now=later) == []  # archived articles are left out by default
    library.set_review_settings(ReviewSettings(exclude_archived=False))
    assert len(library.review_queue(now=later)) == 3


def test_the_daily_limit_counts_what_was_answered_today(library, article_page, made_at):
    ids, _ = highlights(library, article_page, 14, made_at)
    day = DAY0 + timedelta(days=3)
    first = library.review_queue(now=day)
    assert [i.highlight.id for i in first] == ids[:10]  # oldest first, the same list every time
    assert [i.highlight.id for i in library.review_queue(now=day)] == ids[:10]
    for item in first[:4]:
        library.answer_review(item.highlight.id, "good", now=day + timedelta(minutes=5))
    assert len(library.review_queue(now=day + timedelta(minutes=10))) == 6
    assert library.review_queue(limit=20, now=day + timedelta(minutes=10))[0].highlight.id == ids[4]


def test_streak_and_the_week(library, article_page, made_at):
    ids, _ = highlights(library, article_page, 6, made_at)
    for n, hid in enumerate(ids[:3]):  # three days in a row
        library.answer_review(hid, "good", now=DAY0 + timedelta(days=2 + n))
    stats = library.review_stats(now=DAY0 + timedelta(days=4, hours=5))
    assert stats.streak == 3 and stats.reviewed_today == 1
    assert [d.reviewed for d in stats.week] == [0, 0, 0, 0, 1, 1, 1]
    stats = library.review_stats(now=DAY0 + timedelta(days=6))
    assert stats.streak == 0  # a day was missed


def test_unknown_answers_and_highlights_are_refused(library, article_page, made_at):
    [hid], _ = highlights(library, article_page, 1, made_at)
    with pytest.raises(LibraryError, match="unknown answer"):
        library.answer_review(hid, "maybe")
    with pytest.raises(LibraryError, match="no highlight"):
        library.answer_review(9999, "good")


def test_the_review_state_travels_through_a_json_export_and_back(library, article_page, made_at, tmp_path):
    import json

    from reader.core import Library
    from reader.core.export import export_articles, import_annotations

    [kept, retired, fresh], article = highlights(library, article_page, 3, made_at)
    day = DAY0 + timedelta(days=2)
    answered = library.answer_review(kept, "good", now=day)
    library.answer_review(retired, "never", now=day)
    out = tmp_path / "all.json"
    export_articles(library, "json", out)
    items = json.loads(out.read_text())["first"]["items"]
    states = [item.get("review") for item in items]
    assert sum(s is not None for s in states) == 2 and any(s and s["retired"] for s in states)
    with Library.open(tmp_path / "other") as other:
        other.import_paths([article_page], workers=1)
        report = import_annotations(other, out)
        assert report.added == 3 and report.problems == []
        # The same schedule: the answered one is due when it was, the retired one never, the new one now.
        later = answered.next_due + timedelta(hours=1)
        due_ids = {i.highlight.quote for i in other.review_queue(now=later)}
        quotes = {h.id: h.quote for h in library.get(article).highlights}
        assert quotes[kept] in due_ids and quotes[fresh] in due_ids and quotes[retired] not in due_ids
        assert not {i.highlight.quote for i in other.review_queue(now=day + timedelta(days=1))} & {quotes[kept]}
