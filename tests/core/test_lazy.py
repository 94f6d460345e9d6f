"""LazyLibrary: the list is readable before SQLAlchemy loads; checks and
migrations still run first whenever the library is not current."""

import json
import subprocess
import sys

import pytest

from reader.core import Library
from reader.core.lazy import LazyLibrary
from reader.core.storage import db


@pytest.mark.sqlite_only  # a shared library loads its driver with SQLAlchemy
def test_lists_without_loading_sqlalchemy(library, article_page, tmp_path):
    [outcome] = library.import_paths([article_page], workers=1)
    library.add_tags(outcome.id, ["rivers"])
    script = f"""
import dataclasses
import sys
from reader.core.lazy import LazyLibrary
lazy = LazyLibrary.open({str(library.folder)!r})
page = lazy.list_articles(limit=10)
print(page.items[0].title, lazy.count(), lazy.count(state="archived"), lazy.tags())
assert not lazy.loaded
assert "sqlalchemy" not in sys.modules and "lxml" not in sys.modules
article = lazy.get({outcome.id})
hits = lazy.search("rivers")
print(article.title, len(article.text) > 100, [h.article_id for h in hits], lazy.loaded)
assert lazy.shows_current_text(article)  # what the window asks on a change from elsewhere
assert not lazy.shows_current_text(dataclasses.replace(article, text="extracted again since"))
assert "sqlalchemy" not in sys.modules
lazy.original({outcome.id})  # anything else loads the full Library
print(lazy.loaded)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "The Quiet Rivers of the North 1 0 [('rivers', 1)]",
        f"The Quiet Rivers of the North True [{outcome.id}] False",
        "True",
    ]


@pytest.mark.sqlite_only
def test_reading_commands_answer_without_sqlalchemy(library, article_page):
    """`reader list`, `show` and `search` answer through the light path (start-up
    time), and say what they said before."""
    [outcome] = library.import_paths([article_page], workers=1)
    script = f"""
import io, json, sys, contextlib
from reader.cli import main
for argv in (["list", "--json"], ["show", "{outcome.id}", "--format", "json"], ["search", "rivers", "--json"]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--library", {str(library.folder)!r}, *argv]) == 0
    print(json.dumps(json.loads(out.getvalue())))
print("sqlalchemy" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    listed, shown, found, loaded = result.stdout.splitlines()
    assert [a["id"] for a in json.loads(listed)] == [outcome.id]
    assert json.loads(shown)["title"] == "The Quiet Rivers of the North" and json.loads(shown)["text"]
    assert [h["id"] for h in json.loads(found)] == [outcome.id]
    assert loaded == "False"


@pytest.mark.sqlite_only  # on a server LazyLibrary is the Library itself
def test_same_pages_as_the_library(library, fixtures, tmp_path):
    source = (fixtures / "article.html").read_text()
    for i in range(5):
        page = tmp_path / f"p{i}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", f"Title {4 - i}")
            .replace("quiet in winter", f"quiet {i}")
            .replace("example.org/2024", f"e.org/{i}")
        )
        library.import_paths([page], workers=1)
    lazy = LazyLibrary.open(library.location)
    for sort in ("added", "title", "published"):
        cursor, lazy_ids, ids = None, [], []
        while True:
            page = lazy.list_articles(sort=sort, cursor=cursor, limit=2)
            lazy_ids += [a.id for a in page.items]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        ids = [a.id for a in library.iter_articles(sort=sort)]
        assert lazy_ids == ids and len(ids) == 5
    assert not lazy.loaded


def test_new_or_old_libraries_open_fully_first(tmp_path):
    fresh = LazyLibrary.open(tmp_path / "new")
    assert fresh.loaded and (tmp_path / "new" / "library.db").exists()

    old = tmp_path / "old"
    old.mkdir()
    engine = db.create_library_engine(old / "library.db")
    db.run_migrations(engine, "0001")
    engine.dispose()
    lazy = LazyLibrary.open(old)
    assert lazy.loaded  # migrated before anything was read
    assert lazy.count() == 0 and lazy.search("anything") == []
    Library.open(old).close()
