"""`copy-library` from either backend to a new personal library: everything a
user made comes across, ids and all, and the copy is a working library."""

import json
import sqlite3

import pytest

from reader.core import Library, LibraryError
from reader.core.lazy import LazyLibrary
from reader.core.library import copy_library


def test_copy_to_a_new_folder_keeps_everything(library, article_page, tmp_path):
    [outcome] = library.import_paths([article_page], workers=1)
    article_id = outcome.id
    library.highlight_quote(article_id, "Under a lid of ice", note="cold", tags=["Ice"])
    library.set_note(article_id, "reread")
    library.add_tags(article_id, ["north"])
    library.set_favorite(article_id)
    seen = []
    counts = copy_library(library.location, tmp_path / "copy", progress=lambda d, t, table: seen.append((d, t)))
    assert counts["articles"] == 1 and counts["highlights"] == 1 and counts["tags"] == 2
    assert seen and seen[-1][0] == seen[-1][1] == sum(counts.values())
    with Library.open(tmp_path / "copy") as copy:
        original, copied = library.get(article_id), copy.get(article_id)
        assert copied == original
        assert copy.original(article_id) == library.original(article_id)
        assert [h.article_id for h in copy.search("cold")] == [article_id]
        assert copy.check() == []
        assert copy.add_highlight(article_id, 0, 10).id == 2
    # The copy's list entries are stored (SQLite's triggers filled them as rows came
    # in), with the highlight added above, and read as the records are.
    con = sqlite3.connect(tmp_path / "copy" / "library.db")
    assert con.execute("SELECT count(*) FROM articles WHERE list_json IS NULL").fetchone() == (0,)
    con.close()
    with LazyLibrary.open(tmp_path / "copy") as light, LazyLibrary.open(tmp_path / "copy") as loaded:
        loaded.load()
        fast = b",".join(light.list_json())
        assert not light.loaded
        assert fast == b",".join(loaded.list_json())
        assert [a["highlights"] for a in json.loads(b"[" + fast + b"]")] == [2]


@pytest.mark.sqlite_only
def test_a_copy_whose_source_file_goes_away_names_the_source(library, article_page, tmp_path):
    """The line named the destination when the library being copied failed (its disk
    gone: the file cut short here) and the user looked at the wrong side."""
    import os

    [outcome] = library.import_paths([article_page], workers=1)
    library.highlight_quote(outcome.id, "Under a lid of ice", note="cold", tags=["Ice"])
    db_file = library.db_path

    def cut_short(*_):  # the source's file and its log lose their pages, once the copy is under way
        for suffix in ("", "-wal"):
            os.truncate(f"{db_file}{suffix}", 1024)

    dest = tmp_path / "copy"
    with pytest.raises(LibraryError) as caught:
        copy_library(library.location, dest, progress=cut_short)
    message = str(caught.value)
    assert message.startswith(f"cannot read the library being copied, {db_file}:"), message
    assert str(dest) not in message and "\n" not in message
    assert sorted(p.name for p in dest.iterdir()) == []


def test_a_title_set_by_hand_is_kept_by_copies_both_ways_and_backups(library, backend, article_page, tmp_path, request):
    """Copied to the other backend and back, and backed up: the reader's title, and that it
    is theirs (re-extraction in the copy keeps it; the page's own title can be had back)."""
    [outcome] = library.import_paths([article_page], workers=1)
    library.set_title(outcome.id, "Glacial channels")
    other = request.getfixturevalue("pg_database")() if backend == "sqlite" else tmp_path / "other"
    back = request.getfixturevalue("pg_database")() if backend == "postgresql" else tmp_path / "back"
    copy_library(library.location, other)
    copy_library(other, back)
    (tmp_path / "restored").mkdir()
    library.backup(tmp_path / "restored")  # restored: the backup is the folder's library.db
    for place in (other, back, tmp_path / "restored"):
        with Library.open(place) as copy:
            assert copy.get(outcome.id) == library.get(outcome.id)
            copy.reextract(outcome.id)
            assert copy.get(outcome.id).title == "Glacial channels", place
            copy.reset_title(outcome.id)
            assert copy.get(outcome.id).title == "The Quiet Rivers of the North", place
