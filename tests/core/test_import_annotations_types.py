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
