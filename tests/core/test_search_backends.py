"""Search answers the same on both backends (FTS5 and PostgreSQL's tsvector):
stems, accents, common words, prefixes and quotes from notes."""

import pytest


@pytest.fixture
def pages(library, tmp_path, fixtures):
    source = (fixtures / "article.html").read_text()
    made = {}
    for key, title, extra in (
        ("cafe", "Notes from the Café", "We met at the café to read her résumé over coffee."),
        ("rivers", "The Quiet Rivers of the North", ""),
    ):
        page = tmp_path / f"{key}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", title)
            .replace("quiet in winter", f"quiet in winter. {extra}")
            .replace("example.org/2024", f"example.org/{key}")
        )
        [outcome] = library.import_paths([page], workers=1)
        assert outcome.status == "imported"
        made[key] = outcome.id
    return made


def found(library, query):
    return [hit.article_id for hit in library.search(query)]


def test_accents_are_ignored_both_ways(library, pages):
    assert found(library, "cafe") == [pages["cafe"]]
    assert found(library, "resume") == [pages["cafe"]]
    assert found(library, "café") == [pages["cafe"]]


def test_stems_common_words_and_prefixes(library, pages):
    assert sorted(found(library, "river")) == sorted(pages.values())  # "rivers" stemmed
    assert sorted(found(library, "the quiet")) == sorted(pages.values())  # "the" is not dropped
    assert found(library, "cof") == []  # a last word under four letters is a whole word
    assert found(library, "coffe") == [pages["cafe"]]  # a longer one is also a prefix
    assert found(library, "nothing-like-this") == []


def test_highlight_notes_are_searched_and_snippets_mark_the_words(library, pages):
    library.highlight_quote(pages["rivers"], "Under a lid of ice", note="seminar on glaciology")
    [hit] = library.search("glaciology")
    assert hit.article_id == pages["rivers"]
    assert "<b>glaciology</b>" in hit.snippet_html
    [title_hit] = library.search("Café")
    assert title_hit.title == "Notes from the Café"


def test_words_found_some_in_the_text_and_some_in_notes(library, pages):
    # The article's text and its annotations are indexed apart (a new highlight
    # re-indexes only the latter): every word must still match somewhere in the article.
    highlight = library.highlight_quote(pages["rivers"], "Under a lid of ice", note="seminar on glaciology")
    assert found(library, "glaciology rivers") == [pages["rivers"]]
    assert found(library, "seminar quiet glaciology") == [pages["rivers"]]
    assert found(library, "glaciology café") == []  # each word in a different article
    library.update_highlight(highlight.id, note="workshop", tags=["fieldwork"])
    assert found(library, "glaciology") == []
    assert found(library, "workshop rivers") == [pages["rivers"]]
    assert found(library, "fieldwork quiet") == [pages["rivers"]]
    # Long queries too: six words, two only in the notes, four only in the text.
    library.update_highlight(highlight.id, note="seminar on glaciology")
    assert found(library, "seminar quiet rivers north glaciology under") == [pages["rivers"]]
    assert found(library, "seminar quiet rivers north glaciology café") == []
    library.delete_highlight(highlight.id)
    assert found(library, "workshop") == []
    assert pages["rivers"] in found(library, "under a lid of ice")  # its text is still indexed


def test_the_article_note_is_searched_with_its_text(library, pages):
    library.set_note(pages["cafe"], "Lisbon trip")
    assert found(library, "lisbon coffee") == [pages["cafe"]]
    library.set_note(pages["cafe"], "")
    assert found(library, "lisbon") == []
