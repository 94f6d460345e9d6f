"""Rows by position, as the window's list reads them: an article's row in a view
(Library.position) and a page that skips rows after a cursor (offset), in every
view and order, on each backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import listing

TITLES = ["delta", "Alpha", "echo", "bravo", "Charlie", "foxtrot", "golf"]


@pytest.fixture
def filled(library, tmp_path):
    source = (Path(__file__).parents[1] / "fixtures" / "article.html").read_text()
    pages = []
    for i, title in enumerate(TITLES):
        page = tmp_path / f"p{i}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", title)
            .replace("quiet in winter", f"quiet {i}")
            .replace("example.org/2024", f"e.org/{i}")
        )
        pages.append(page)
    for outcome in library.import_paths(pages, workers=1):
        library.set_archived(outcome.id, outcome.id % 2 == 0)
        library.set_favorite(outcome.id, outcome.id % 3 == 0)
    return library


@pytest.mark.parametrize("sort", listing.SORTS)
def test_position_and_offset_agree_with_walking_the_list(filled, sort):
    for state in (None, "inbox", "archived", "favorite"):
        check_view(filled, sort, state)


def check_view(filled, sort, state):
    walked = [a.id for a in filled.iter_articles(sort, state)]
    assert walked, "every view has articles"
    assert filled.count(state) == len(walked)
    for row, article_id in enumerate(walked):
        assert filled.position(article_id, sort, state) == row
        page = filled.list_articles(sort, state, limit=2, offset=row)
        assert [a.id for a in page.items] == walked[row : row + 2]
        assert (page.next_cursor is None) == (row + 2 >= len(walked))
    first = filled.list_articles(sort, state, limit=1)
    if first.next_cursor is not None:  # skipping after a cursor: rows counted from the cursor
        after = filled.list_articles(sort, state, cursor=first.next_cursor, limit=3, offset=1)
        assert [a.id for a in after.items] == walked[2:5]


def test_an_article_outside_the_view_has_no_position(filled):
    archived = [a.id for a in filled.iter_articles(state="archived")]
    assert filled.position(archived[0], "added", "inbox") is None
    assert filled.position(10**9) is None
