"""import-annotations beside another process writing the same articles: what the
other one writes meanwhile is kept (nothing the user made is lost)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.core import Library, domain
from reader.core.export import export_library, import_annotations


class _WrittenMeanwhile(Library):
    """A library in which another process (its own connection) writes an article's
    note and adds a tag right after import_annotations has read the article."""

    other: Library

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]:
        articles = super().get_many(ids, content)
        if not content:  # the read the note and tags are restored from
            for article_id in ids:
                self.other.set_note(article_id, "written in the window meanwhile")
                self.other.add_tags(article_id, ["added-meanwhile"])
        return articles


@pytest.mark.sqlite_only
def test_a_note_and_tags_written_meanwhile_are_kept(article_page: Path, tmp_path: Path) -> None:
    with Library.open(tmp_path / "old") as old:
        [outcome] = old.import_paths([article_page], workers=1)
        old.highlight_quote(outcome.id, "quiet", occurrence=1, note="a highlight's note")
        old.set_note(outcome.id, "the exported note")
        old.set_tags(outcome.id, ["rivers"])
        export_library(old, "json", tmp_path / "all.json")

    with Library.open(tmp_path / "new") as other:
        [outcome] = other.import_paths([article_page], workers=1)
    library = _WrittenMeanwhile.open(tmp_path / "new")
    library.other = Library.open(tmp_path / "new")
    try:
        report = import_annotations(library, tmp_path / "all.json")
        article = library.get(outcome.id)
    finally:
        library.other.close()
        library.close()
    assert report.added == 1
    assert article.note == "written in the window meanwhile"  # not overwritten by the file's
    assert report.notes == 0
    assert sorted(article.tags) == ["added-meanwhile", "rivers"]  # both kept


def test_a_file_nested_too_deeply_is_named(library: Library, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"deep\.json is nested too deeply to read"):
        import_annotations(library, deep)


def test_a_json_file_without_annotations_is_named(library: Library, tmp_path: Path) -> None:
    """The one line said "no W3C Web Annotations found in the file" without naming it."""
    numbers = tmp_path / "numbers.json"
    numbers.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match=r"^no W3C Web Annotations found in .*numbers\.json$"):
        import_annotations(library, numbers)


class _ReextractedMeanwhile(Library):
    """A library whose articles another process re-extracts (their text changes)
    right after import_annotations has read them to place the highlights."""

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]:
        articles = super().get_many(ids, content)
        if content:
            import sqlite3

            assert self.db_path is not None
            with sqlite3.connect(self.db_path) as other:
                other.executemany(
                    "UPDATE article_contents SET text = 'A line the new extraction found.' || char(10) || text "
                    "WHERE article_id = ?",
                    [(i,) for i in ids],
                )
        return articles


@pytest.mark.sqlite_only
def test_highlights_placed_on_a_text_changed_meanwhile_cover_their_quotes(article_page: Path, tmp_path: Path) -> None:
    with Library.open(tmp_path / "old") as old:
        [outcome] = old.import_paths([article_page], workers=1)
        old.highlight_quote(outcome.id, "listening posts")
        export_library(old, "json", tmp_path / "all.json")
    with Library.open(tmp_path / "new") as new:
        new.import_paths([article_page], workers=1)
    with _ReextractedMeanwhile.open(tmp_path / "new") as library:
        assert import_annotations(library, tmp_path / "all.json").added == 1
    with Library.open(tmp_path / "new") as library:
        article = library.get(outcome.id)
        [h] = article.highlights
        assert h.placed and article.text[h.start : h.end] == h.quote == "listening posts"


def _page_without_address(article_page: Path) -> Path:
    """The article saved with no address anywhere in it: the export names it by its id and title."""
    html = article_page.read_text("utf-8").replace("https://example.org/2024/05/quiet-rivers.html", "")
    page = article_page.with_name("no-address.html")
    page.write_text(html, "utf-8")
    return page


def test_a_renamed_article_still_takes_back_its_highlights(
    library: Library, article_page: Path, tmp_path: Path
) -> None:
    """Renamed after the export, a page without an address was "no matching article":
    its highlights were not restored."""
    [outcome] = library.import_paths([_page_without_address(article_page)], workers=1)
    assert library.get(outcome.id).url is None
    h = library.highlight_quote(outcome.id, "listening posts", note="the posts")
    export_library(library, "json", tmp_path / "all.json")
    library.set_title(outcome.id, "Glacial channels")
    library.delete_highlight(h.id)

    report = import_annotations(library, tmp_path / "all.json")
    article = library.get(outcome.id)
    assert (report.added, report.unmatched) == (1, 0)
    assert [x.note for x in article.highlights] == ["the posts"]
    assert article.title == "Glacial channels"  # the rename made since the export stays


def test_a_title_set_by_hand_comes_back_with_the_highlights(
    library: Library, library_at, article_page: Path, tmp_path: Path
) -> None:
    """The export carried the reader's title as any title: restored into a library of the
    saved pages, the article was not found (its title there is the page's), and the title was lost."""
    page = _page_without_address(article_page)
    [outcome] = library.import_paths([page], workers=1)
    library.highlight_quote(outcome.id, "listening posts", note="the posts")
    library.set_title(outcome.id, "Glacial channels")
    export_library(library, "json", tmp_path / "all.json")

    with Library.open(library_at("fresh")) as fresh, Library.open(library_at("renamed")) as renamed:
        [again] = fresh.import_paths([page], workers=1)
        report = import_annotations(fresh, tmp_path / "all.json")
        assert (report.added, report.titles) == (1, 1)
        assert "1 article titles restored" in report.summary()
        fresh.reextract(again.id)  # the reader's title again, kept as theirs
        article = fresh.get(again.id)
        assert (article.title, article.page_title) == ("Glacial channels", "The Quiet Rivers of the North")
        assert [x.note for x in article.highlights] == ["the posts"]
        assert import_annotations(fresh, tmp_path / "all.json").titles == 0  # once

        # A library where the reader has given the article another title: theirs stays.
        [other] = renamed.import_paths([page], workers=1)
        renamed.set_title(other.id, "Ice roads")
        report = import_annotations(renamed, tmp_path / "all.json")
        assert (report.added, report.titles, renamed.get(other.id).title) == (1, 0, "Ice roads")


def test_an_export_from_before_a_rename_finds_the_article_in_another_library(
    library: Library, library_at, article_page: Path, tmp_path: Path
) -> None:
    """Exported under the page's title, restored into a library where the reader had renamed
    the page (its ids differ there): "no matching article"."""
    page = _page_without_address(article_page)
    first = tmp_path / "first.html"  # another page first: ids differ from the other library's
    first.write_text(
        article_page.read_text("utf-8").replace("quiet-rivers", "loud").replace("Under a lid", "Over a lid"),
        "utf-8",
    )
    library.import_paths([first], workers=1)
    [outcome] = library.import_paths([page], workers=1)
    library.highlight_quote(outcome.id, "listening posts", note="the posts")
    export_library(library, "json", tmp_path / "all.json")

    with Library.open(library_at("other")) as other:
        [again] = other.import_paths([page], workers=1)
        assert again.id != outcome.id
        other.set_title(again.id, "Glacial channels")
        report = import_annotations(other, tmp_path / "all.json")
        article = other.get(again.id)
        assert (report.added, report.unmatched, report.titles) == (1, 0, 0)
        assert [h.note for h in article.highlights] == ["the posts"] and article.title == "Glacial channels"


# -- the reader's own state and review history, through an export and back ---------------------

_DAY1 = datetime(2026, 11, 2, 8, 30, 15, 250_000, tzinfo=UTC)
_DAY2 = datetime(2026, 11, 5, 19, 4, 2, tzinfo=UTC)
_DAY3 = datetime(2026, 11, 20, 7, 0, 0, tzinfo=UTC)


def _review_of(library: Library, article_id: int) -> tuple[object, ...]:
    """What a reader sees of the article's one highlight in the review: the schedule and every answer."""
    [h] = library.get(article_id).highlights
    review = library.get_highlight(h.id).review
    assert review is not None
    answers = tuple((a.answer, a.reviewed.replace(microsecond=0), a.duration_ms) for a in review.answers)
    return review.state, review.due, review.last_reviewed, review.reviews, review.retired, answers


def _reading_state(library: Library, article_id: int) -> tuple[object, ...]:
    article = library.get(article_id)
    [h] = article.highlights
    return (
        article.archived,
        article.favorite,
        article.progress,
        article.note,
        article.note_by,
        h.created_by,
        h.updated_by,
    )


def _old_library(location: Path | str, page: Path, out: Path) -> int:
    """A library where Ann read, archived and starred an article, wrote its note, highlighted
    a passage Bob edited later, and reviewed it twice; exported to `out`."""
    with Library.open(location, user="Ann") as ann:
        [outcome] = ann.import_paths([page], workers=1)
        h = ann.highlight_quote(outcome.id, "listening posts", note="the posts")
        ann.set_note(outcome.id, "Read on the train.")
        ann.set_archived(outcome.id)
        ann.set_favorite(outcome.id)
        ann.set_progress(outcome.id, 0.625)
        ann.answer_review(h.id, "good", now=_DAY1, duration_ms=4200)
        ann.answer_review(h.id, "hard", now=_DAY2)
    with Library.open(location, user="Bob") as bob:
        bob.update_highlight(h.id, color="green")
        export_library(bob, "json", out)
    return outcome.id


def test_reading_state_authors_and_review_history_come_back_in_a_fresh_library(
    library_at, article_page: Path, tmp_path: Path
) -> None:
    """The export dropped archived, favorite, progress, who wrote the note and the highlight,
    and the review answers: a restored card showed 0 reviews and a fresh schedule."""
    old_id = _old_library(library_at("old"), article_page, tmp_path / "all.json")
    with Library.open(library_at("old")) as old:
        state, review = _reading_state(old, old_id), _review_of(old, old_id)
    assert state == (True, True, 0.625, "Read on the train.", "Ann", "Ann", "Bob")
    assert review[3] == 2

    with Library.open(library_at("new"), user="Zed") as new:
        [again] = new.import_paths([article_page], workers=1)
        report = import_annotations(new, tmp_path / "all.json")
        assert _reading_state(new, again.id) == state
        assert _review_of(new, again.id) == review
        assert (report.added, report.notes, report.states, report.answers) == (1, 1, 1, 2)
        assert "2 review answers restored" in report.summary()
        assert new.review_stats(now=_DAY2).reviewed_today == 1  # the answers count in the history

        before = (tmp_path / "before.json", tmp_path / "after.json")
        export_library(new, "json", before[0])
        mark = new.export_changes(0)[1]
        second = import_annotations(new, tmp_path / "all.json")
        assert (second.added, second.present, second.notes, second.states, second.answers) == (0, 1, 0, 0, 0)
        assert second.changes == []
        export_library(new, "json", before[1])
        assert before[0].read_text("utf-8") == before[1].read_text("utf-8")
        assert new.export_changes(0)[1] == mark  # nothing written the second time


def test_what_the_library_did_since_the_export_is_kept(library_at, article_page: Path, tmp_path: Path) -> None:
    """Restoring never goes back: a card reviewed since keeps its schedule (the answers are
    merged by their time), a flag set since stays, progress keeps the further point; an
    export reviewed later than the library's card brings its schedule."""
    old_id = _old_library(library_at("old"), article_page, tmp_path / "all.json")
    with Library.open(library_at("new")) as new:
        [again] = new.import_paths([article_page], workers=1)
        import_annotations(new, tmp_path / "all.json")
        [h] = new.get(again.id).highlights
        new.answer_review(h.id, "easy", now=_DAY3)
        new.set_progress(again.id, 0.9)
        reviewed_since = _review_of(new, again.id)
        assert reviewed_since[3] == 3

        report = import_annotations(new, tmp_path / "all.json")
        assert (report.answers, report.states) == (0, 0)
        assert new.get(again.id).progress == 0.9
        assert _review_of(new, again.id) == reviewed_since

    # An export where the article is neither archived nor starred: those set since stay.
    with Library.open(library_at("old")) as old:
        old.set_archived(old_id, False)
        old.set_favorite(old_id, False)
        export_library(old, "json", tmp_path / "plain.json")
    with Library.open(library_at("new")) as new:
        assert import_annotations(new, tmp_path / "plain.json").states == 0
        article = new.get(again.id)
        assert (article.archived, article.favorite) == (True, True)

    # The other way round: the old library reviewed once more since the new one was restored.
    with Library.open(library_at("old")) as old:
        [h] = old.get(old_id).highlights
        old.answer_review(h.id, "again", now=_DAY3)
        export_library(old, "json", tmp_path / "later.json")
        later = _review_of(old, old_id)
    with Library.open(library_at("restored")) as restored:
        [again] = restored.import_paths([article_page], workers=1)
        import_annotations(restored, tmp_path / "all.json")
        report = import_annotations(restored, tmp_path / "later.json")
        assert report.answers == 1
        assert _review_of(restored, again.id) == later


def _statements_to_import(library: Library, path: Path) -> int:
    from sqlalchemy import event

    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(library.engine, "before_cursor_execute", counted)
    try:
        import_annotations(library, path)
    finally:
        event.remove(library.engine, "before_cursor_execute", counted)
    return count


@pytest.mark.sqlite_only
def test_reviewed_highlights_are_restored_in_a_few_statements_however_many(
    library: Library, article_page: Path, tmp_path: Path
) -> None:
    """Restoring reviewed highlights took two or three statements per highlight, flushed one
    by one: an export of 8,000 reviewed highlights took 10 s in, and 6 s again when they were
    all there. Now the statements are in
    batches: merged into 300 present highlights in as many statements as into 10."""
    import json
    import uuid

    [outcome] = library.import_paths([article_page], workers=1)
    h = library.highlight_quote(outcome.id, "listening posts")
    library.answer_review(h.id, "good", now=_DAY1)
    export_library(library, "json", tmp_path / "one.json")
    data = json.loads((tmp_path / "one.json").read_text("utf-8"))
    [item] = data["first"]["items"]
    for n in (10, 300):
        data["first"]["items"] = [{**item, "id": f"urn:uuid:{uuid.uuid4()}"} for _ in range(n)]
        (tmp_path / f"{n}.json").write_text(json.dumps(data), "utf-8")
    first = {n: _statements_to_import(library, tmp_path / f"{n}.json") for n in (10, 300)}
    again = {n: _statements_to_import(library, tmp_path / f"{n}.json") for n in (10, 300)}
    assert len(library.get(outcome.id).highlights) == 311
    assert all(len(x.review.answers) == 1 for x in library.get(outcome.id).highlights if x.review)
    # New ones: an insert for each highlight and each answer (rows with generated ids go one
    # by one), no longer a card, a flush and its queries as well. Present ones: a few batches.
    assert first[300] - first[10] <= 2 * 290 + 10 and again[300] < 2 * again[10], (first, again)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("quote", ["daily pulse", "listening posts"])
def test_an_annotation_whose_id_is_another_articles_highlight_changes_nothing(
    article_page: Path, tmp_path: Path, quote: str
) -> None:
    """An export whose highlight id is, in this library, a highlight of other words in another
    article (a file edited by hand, another tool's ids): its review answers and schedule were
    merged into that other highlight (due on another day) and it was counted as already
    present. Now it is left out and named as such. The same words (a copy of the article)
    are the same highlight: merged."""
    import json

    other = tmp_path / "other.html"
    other.write_text(
        article_page.read_text("utf-8")
        .replace("example.org/2024", "example.org/other")
        .replace("The Quiet Rivers of the North", "Another River")
        .replace("quiet in winter", "quiet in winter, said nobody"),
        "utf-8",
    )
    with Library.open(tmp_path / "b") as b:
        [o] = b.import_paths([other], workers=1)
        v = b.highlight_quote(o.id, quote)
        b.answer_review(v.id, "easy", now=_DAY2)
        export_library(b, "json", tmp_path / "b.json")
    with Library.open(tmp_path / "a") as a:
        [p] = a.import_paths([article_page], workers=1)
        [q] = a.import_paths([other], workers=1)
        u = a.highlight_quote(p.id, "listening posts")
        a.answer_review(u.id, "hard", now=_DAY1)
        before = a.get_highlight(u.id).review
        data = json.loads((tmp_path / "b.json").read_text("utf-8"))
        data["first"]["items"][0]["id"] = f"urn:uuid:{u.uid}"  # the uid of A's highlight
        (tmp_path / "b.json").write_text(json.dumps(data), "utf-8")
        report = import_annotations(a, tmp_path / "b.json")
        assert a.get(q.id).highlights == ()
        if quote == "listening posts":
            assert [x.answer for x in a.get_highlight(u.id).review.answers] == ["hard", "easy"]
            assert (report.present, report.answers, report.elsewhere) == (1, 1, 0)
            return
        assert a.get_highlight(u.id).review == before
        assert (report.present, report.answers, report.elsewhere) == (0, 0, 1)
        assert "1 skipped: their ids are highlights of other articles here" in report.summary()
