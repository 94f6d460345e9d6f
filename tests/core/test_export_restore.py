"""import-annotations beside another process writing the same articles: what the
other one writes meanwhile is kept (nothing the user made is lost)."""

from __future__ import annotations

from collections.abc import Sequence
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
