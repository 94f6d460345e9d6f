"""Imported annotations: a field of the wrong type skips that entry (named by its
index), never turns into something else; the rest are imported."""

import copy
import json

from reader.core.export import export_library, import_annotations


def test_malformed_entries_are_skipped_by_index_and_the_rest_imported(library, article_page, tmp_path):
    [outcome] = library.import_paths([article_page], workers=1)
    library.highlight_quote(outcome.id, "quiet", occurrence=1, note="first")
    library.highlight_quote(outcome.id, "ice", occurrence=1, note="second")
    export_library(library, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    items = data["first"]["items"]
    assert len(items) == 2

    fresh_folder = tmp_path / "fresh"
    from reader.core import Library

    with Library.open(fresh_folder) as fresh:
        fresh.import_paths([article_page], workers=1)
        bad = copy.deepcopy(data)
        bad_items = bad["first"]["items"]
        selectors = bad_items[0]["target"]["selector"]
        for selector in selectors:
            if selector["type"] == "TextPositionSelector":
                selector["start"] = "32"  # text where a number belongs
        bad["articles"][0]["tags"] = "abc"  # text where a list belongs
        report = import_annotations(fresh, bad)
        assert report.problems == [
            "annotation 1: the position's 'start' and 'end' are not two ordered whole numbers",
            "article record 1: 'tags' is not a list of text",
        ]
        assert report.added == 1
        article = fresh.get(1)
        assert [h.note for h in article.highlights] == ["second"]
        assert article.tags == ()  # never "a", "b", "c"


def _set(data: dict, path: tuple, value: object) -> dict:
    bad = copy.deepcopy(data)
    node = bad
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return bad


ITEM = ("first", "items", 0)
RECORD = ("articles", 0)
HOSTILE = [
    ((*ITEM, "review", "answers"), "good", "annotation 1: 'answers' is not a list"),
    ((*ITEM, "review", "answers", 0), ["good"], "annotation 1: answer 1 is not an object"),
    ((*ITEM, "review", "answers", 0, "answer"), "perfect", "annotation 1: answer 1: 'answer' is not one of"),
    ((*ITEM, "review", "answers", 0, "reviewed"), 20261102, "annotation 1: answer 1: 'reviewed' is not an ISO"),
    ((*ITEM, "review", "answers", 0, "reviewed"), "9999-12-31T00:00:00Z", "annotation 1: answer 1: 'reviewed' (9999"),
    ((*ITEM, "review", "answers", 0, "reviewed"), "0001-01-01T00:00:00Z", "annotation 1: answer 1: 'reviewed' (0001"),
    ((*ITEM, "review", "answers", 0, "durationMs"), 10**30, "annotation 1: answer 1: 'durationMs' is not a whole"),
    ((*ITEM, "review", "reviewState"), 10**20, "annotation 1: 'reviewState' is not 0 to 3"),
    ((*ITEM, "review", "stability"), 1e308, "annotation 1: 'stability' is not a number from 0 to 1e9"),
    ((*ITEM, "review", "difficulty"), float("nan"), "annotation 1: 'difficulty' is not a number"),
    ((*ITEM, "review", "due"), "9999-12-31T00:00:00Z", "annotation 1: 'due' (9999-12-31T00:00:00Z) is out of range"),
    ((*ITEM, "review", "lastReviewed"), "2999-01-01T00:00:00Z", "annotation 1: 'lastReviewed' (2999"),
    ((*ITEM, "review", "reviewStep"), 2**40, "annotation 1: 'reviewStep' is not a whole number"),
    ((*ITEM, "review", "retired"), "no", "annotation 1: 'retired' is not true or false"),
    ((*ITEM, "createdBy"), {"name": "Ann"}, "annotation 1: 'createdBy' is not a name"),
    ((*ITEM, "modifiedBy"), "B" * 5000, "annotation 1: 'modifiedBy' is not a name"),
    ((*RECORD, "archived"), "yes", "article record 1: 'archived' is not true or false"),
    ((*RECORD, "favorite"), 1, "article record 1: 'favorite' is not true or false"),
    ((*RECORD, "readingProgress"), 1e308, "article record 1: 'readingProgress' is not a number from 0 to 1"),
    ((*RECORD, "readingProgress"), "0.5", "article record 1: 'readingProgress' is not a number from 0 to 1"),
    ((*RECORD, "noteBy"), ["Ann"], "article record 1: 'noteBy' is not a name"),
]


def test_hostile_state_and_review_fields_skip_their_entry_whole(library, article_page, tmp_path):
    """Wrong types, huge numbers and far-off dates in the reader's state and review answers:
    one line naming the field, and nothing of that entry written (no highlight without its
    answers, no note without its flags)."""
    from datetime import UTC, datetime

    from reader.core import Library

    with Library.open(tmp_path / "old", user="Ann") as old:
        [outcome] = old.import_paths([article_page], workers=1)
        h = old.highlight_quote(outcome.id, "quiet", occurrence=1)
        old.set_note(outcome.id, "the note")
        old.set_archived(outcome.id)
        old.set_progress(outcome.id, 0.5)
        old.answer_review(h.id, "good", now=datetime(2026, 11, 2, 8, 0, tzinfo=UTC), duration_ms=900)
        export_library(old, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    assert data["first"]["items"][0]["createdBy"] == "Ann"

    [here] = library.import_paths([article_page], workers=1)
    for path, value, line in HOSTILE:
        bad = _set(data, path, value)
        # Only the entry under test: the other kind is left out of the file.
        if path[0] == "first":
            bad["articles"] = []
        else:
            bad["first"]["items"] = []
        report = import_annotations(library, bad)
        assert len(report.problems) == 1 and report.problems[0].startswith(line), (path, report.problems)
        article = library.get(here.id)
        assert (report.added, article.highlights) == (0, ())
        assert (article.note, article.archived, article.progress) == ("", False, 0.0)
    assert library.review_stats().streak == 0  # no answer of a skipped entry was written
    report = import_annotations(library, data)
    assert (report.problems, report.added, report.answers) == ([], 1, 1)
    article = library.get(here.id)
    assert (article.note, article.archived, article.progress) == ("the note", True, 0.5)
