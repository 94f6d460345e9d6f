"""Every schema revision upgrades in place with nothing lost; newer ones are refused."""

import json
import sqlite3
from importlib import resources

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from reader.core import Library, LibraryError
from reader.core.storage import db


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
    return ScriptDirectory.from_config(config)


def test_schema_revision_is_alembic_head():
    scripts = script_directory()
    assert scripts.get_current_head() == db.SCHEMA_REVISION
    assert sorted(r.revision for r in scripts.walk_revisions()) == sorted(db.KNOWN_REVISIONS)


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrated_schema_matches_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from reader.core.storage.models import Base

    library = Library.open(tmp_path / "lib")
    with library.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS5 index and its shadow tables live outside the models on purpose.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_index"))]
    # SQLite's reflection cannot read expression indexes back, so they cannot be
    # compared here; test_upgrade_from_0002_adds_the_sort_indexes_and_keeps_rows checks them.
    expression_indexes = {"ix_articles_title_nocase", "ix_articles_published_sort"}
    expression_indexes |= {
        f"ix_articles_{flag}_{key}" for flag in ("archived", "favorite") for key in ("title", "published")
    }
    diff = [d for d in diff if not (d[0] in ("add_index", "remove_index") and d[1].name in expression_indexes)]
    # articles.list_json and its index are SQLite's alone, kept by triggers (migration
    # 0014): PostgreSQL has no such column, and copying a library reads the models' columns.
    diff = [d for d in diff if not (d[0] == "remove_column" and (d[2], d[3].name) == ("articles", "list_json"))]
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name == "ix_articles_added_list_json")]
    assert diff == []


def _library_at(folder, revision) -> None:
    """A new library folder whose schema is at `revision`."""
    folder.mkdir()
    engine = db.create_library_engine(folder / "library.db")
    db.run_migrations(engine, revision)
    engine.dispose()


def _downgrade(folder, revision):
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
    engine = db.create_library_engine(folder / "library.db")
    with db.writer(engine).begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    engine.dispose()


def _add_article(con, article_id, title, added):
    """An article row as an older schema holds it (only the columns every revision has)."""
    con.execute(
        "insert into articles (id, title, word_count, source_name, source_kind, content_hash,"
        " extracted_fallback, note, archived, favorite, progress, added, updated)"
        " values (?, ?, 3, 'a.html', 'html', 'h', 0, '', 0, 0, 0, ?, ?)",
        (article_id, title, added, added),
    )


def test_upgrade_from_0001_keeps_rows_and_indexes_them(tmp_path):
    folder = tmp_path / "old"
    _library_at(folder, "0001")
    con = sqlite3.connect(folder / "library.db")
    con.executescript("""
        insert into articles (id, title, author, word_count, source_name, source_kind, content_hash,
            extracted_fallback, note, archived, favorite, progress, added, updated)
        values (1, 'Old article about otters', 'Ann', 3, 'a.html', 'html', 'h', 0, 'kept note', 0, 1, 0.5,
            '2024-01-01 00:00:00', '2024-01-01 00:00:00');
        insert into article_contents values (1, '<p>Otters hold hands.</p>', 'Otters hold hands.', x'00');
        insert into highlights (id, uid, article_id, start, "end", quote, prefix, suffix, color, note, created, updated)
        values (1, 'u1', 1, 0, 6, 'Otters', '', ' hold hands.', 'green', 'cute', '2024-01-01', '2024-01-01');
    """)
    con.commit()
    con.close()

    library = Library.open(folder)
    article = library.get(1)
    assert (article.title, article.note, article.favorite, article.progress) == (
        "Old article about otters",
        "kept note",
        True,
        0.5,
    )
    assert [(h.quote, h.color, h.note) for h in article.highlights] == [("Otters", "green", "cute")]
    assert [h.article_id for h in library.search("otters")] == [1]
    assert [h.article_id for h in library.search("cute")] == [1]
    assert (folder / f"library.db.before-{db.SCHEMA_REVISION}").exists()  # a copy from before the upgrade


def test_library_from_a_newer_version_is_refused(tmp_path):
    folder = tmp_path / "new"
    Library.open(folder).close()
    con = sqlite3.connect(folder / "library.db")
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    before = (folder / "library.db").read_bytes()
    with pytest.raises(LibraryError, match="newer version of Reader"):
        Library.open(folder)
    assert (folder / "library.db").read_bytes() == before


def test_upgrade_from_0002_adds_the_sort_indexes_and_keeps_rows(tmp_path, article_page):
    folder = tmp_path / "v2"
    _library_at(folder, "0002")
    # Fill it the way version 0002 did: through the tables of that schema.
    con = sqlite3.connect(folder / "library.db")
    con.executescript("""
        insert into articles (id, title, word_count, source_name, source_kind, content_hash,
            extracted_fallback, note, archived, favorite, progress, added, updated, published)
        values (1, 'beta', 1, 'b.html', 'html', 'h1', 0, '', 0, 0, 0, '2024-01-01 00:00:00', '2024-01-01 00:00:00', NULL),
               (2, 'Alpha', 1, 'a.html', 'html', 'h2', 0, '', 0, 0, 0, '2024-01-02 00:00:00', '2024-01-02 00:00:00', '2020-05-01');
        insert into article_contents values (1, '<p>b</p>', 'b', x'00'), (2, '<p>a</p>', 'a', x'00');
        insert into search_index(rowid, title, author, text, annotations) values (1, 'beta', '', 'b', ''), (2, 'Alpha', '', 'a', '');
    """)
    con.commit()
    con.close()
    library = Library.open(folder)
    assert [a.title for a in library.iter_articles(sort="title")] == ["Alpha", "beta"]
    assert [a.title for a in library.iter_articles(sort="published")] == ["Alpha", "beta"]
    with library.engine.connect() as conn:
        names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")}
        plan = " ".join(
            row[3]
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM articles ORDER BY title COLLATE NOCASE LIMIT 5"
            )
        )
    assert {"ix_articles_title_nocase", "ix_articles_published_sort"} <= names
    assert "ix_articles_title_id" not in names
    assert "ix_articles_title_nocase" in plan  # the list walks the index instead of sorting


def test_upgrade_to_0004_merges_tags_that_differ_in_case_and_gives_articles_uids(tmp_path):
    folder = tmp_path / "v3"
    _library_at(folder, "0003")
    con = sqlite3.connect(folder / "library.db")
    con.executescript("""
        insert into articles (id, title, word_count, source_name, source_kind, content_hash, url,
            extracted_fallback, note, archived, favorite, progress, added, updated)
        values (1, 'one', 1, 'a.html', 'html', 'h1', 'https://e.org/1', 0, '', 0, 0, 0, '2024-01-01', '2024-01-01'),
               (2, 'two', 1, 'b.html', 'html', 'h2', 'https://e.org/1', 0, '', 0, 0, 0, '2024-01-02', '2024-01-02');
        insert into article_contents values (1, '<p>a</p>', 'a', x'00'), (2, '<p>b</p>', 'b', x'00');
        insert into search_index(rowid, title, author, text, annotations) values (1, 'one', '', 'a', ''), (2, 'two', '', 'b', '');
        insert into highlights (id, uid, article_id, start, "end", quote, prefix, suffix, color, note, created, updated)
        values (1, 'u1', 1, 0, 1, 'a', '', '', 'yellow', '', '2024-01-01', '2024-01-01');
        insert into tags (id, name) values (1, 'Rivers'), (2, 'rivers'), (3, 'RIVERS');
        insert into article_tags values (1, 1), (2, 2), (1, 3);
        insert into highlight_tags values (1, 3);
    """)
    con.commit()
    con.close()
    library = Library.open(folder)
    assert library.tags() == [("Rivers", 2)]  # one tag, both articles, first spelling
    assert library.get(1).tags == ("Rivers",) and library.get(2).tags == ("Rivers",)
    assert library.get(1).highlights[0].tags == ("Rivers",)
    uids = {library.get(1).uid, library.get(2).uid}
    assert len(uids) == 2 and all(len(u) == 32 for u in uids)
    # Both rows of a page stored twice before 0004 are kept.
    assert library.count() == 2


def test_upgrade_to_0014_stores_each_articles_list_entry_and_downgrades(tmp_path):
    from reader.core.lazy import LazyLibrary

    folder = tmp_path / "old"
    _library_at(folder, "0013")
    con = sqlite3.connect(folder / "library.db")
    with con:
        for article_id, title, added in (
            (1, 'Otters "hold" hands', "2024-01-01 00:00:00.000000"),
            (2, "Beavers\tbuild", "2024-01-02 00:00:00.250000"),
            (3, "Stamp of another form", "2024-01-03T00:00:00"),
        ):
            _add_article(con, article_id, title, added)
        con.execute(
            'insert into highlights (uid, article_id, start, "end", quote, prefix, suffix, color, note, created,'
            " updated) values ('u1', 1, 0, 6, 'Otters', '', '', 'green', '', '2024-01-01', '2024-01-01')"
        )
    con.close()

    Library.open(folder).close()
    con = sqlite3.connect(folder / "library.db")
    stored = dict(con.execute("select id, list_json from articles"))
    con.close()
    assert json.loads(stored[1])["highlights"] == 1 and json.loads(stored[1])["added"] == "2024-01-01T00:00:00Z"
    assert stored[3] is None  # built by the reader, by Python's rule
    with LazyLibrary.open(folder) as light, LazyLibrary.open(folder) as loaded:
        loaded.load()
        assert b",".join(light.list_json()) == b",".join(loaded.list_json())
        assert not light.loaded

    _downgrade(folder, "0013")
    con = sqlite3.connect(folder / "library.db")
    assert "list_json" not in [row[1] for row in con.execute("pragma table_info(articles)")]
    assert con.execute("select count(*) from sqlite_master where name glob '*list_json*'").fetchone() == (0,)
    con.close()


def test_upgrade_to_0015_keeps_the_list_triggers_and_a_change_draws_a_token(tmp_path):
    folder = tmp_path / "old"
    _library_at(folder, "0014")
    con = sqlite3.connect(folder / "library.db")
    with con:
        _add_article(con, 1, "Otters", "2024-01-01 00:00:00.000000")
    con.close()

    def read(sql: str) -> list:
        with sqlite3.connect(folder / "library.db") as reading:
            return reading.execute(sql).fetchall()

    def tokens() -> list:
        return read("select revision_token from articles")

    def triggers() -> int:
        return read("select count(*) from sqlite_master where type = 'trigger' and name glob '*list_json*'")[0][0]

    with Library.open(folder) as library:
        assert tokens() == [(None,)]  # until the article's next change
        library.set_note(1, "first")
        (first,) = tokens()
        library.set_note(1, "second")
        (second,) = tokens()
        assert first[0] and second[0] and first != second  # drawn afresh with each number
        assert library.check() == []  # the list's triggers (0014) are still there
    assert triggers() > 0

    _downgrade(folder, "0014")
    assert "revision_token" not in [row[1] for row in read("pragma table_info(articles)")]
    assert triggers() > 0


def test_upgrade_to_0016_takes_existing_titles_as_the_pages_and_a_rename_then_survives_reextraction(
    tmp_path, article_page
):
    folder = tmp_path / "old"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([article_page], workers=1)
    _downgrade(folder, "0015")
    con = sqlite3.connect(folder / "library.db")
    with con:  # renamed by hand before Reader recorded it: nothing tells it from the page's
        con.execute("update articles set title = 'Renamed long ago'")
    con.close()

    with Library.open(folder) as library:
        assert library.get(outcome.id).page_title is None  # taken as the page's own
        library.reextract(outcome.id)
        assert library.get(outcome.id).title == "The Quiet Rivers of the North"
        library.set_title(outcome.id, "Glacial channels")
        library.reextract(outcome.id)
        assert library.get(outcome.id).title == "Glacial channels"
        assert library.check() == []  # the list's triggers (0014) are still there

    _downgrade(folder, "0015")
    with sqlite3.connect(folder / "library.db") as old:
        assert "page_title" not in [row[1] for row in old.execute("pragma table_info(articles)")]
        assert old.execute("select title from articles").fetchall() == [("Glacial channels",)]


@pytest.mark.postgresql
def test_0016_on_postgresql_keeps_a_title_set_by_hand_down_and_up_again(pg_database, article_page):
    from alembic import command

    from reader.core.storage import server

    url = pg_database()
    with Library.open(url) as library:
        [outcome] = library.import_paths([article_page], workers=1)
        library.set_title(outcome.id, "Glacial channels")
        library.reextract(outcome.id)
        assert library.get(outcome.id).page_title == "The Quiet Rivers of the North"
    config = Config()
    config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
    engine = server.create_server_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0015")
    engine.dispose()
    with Library.open(url) as library:  # upgraded again: the title stays, now taken as the page's
        article = library.get(outcome.id)
        assert (article.title, article.page_title) == ("Glacial channels", None)
        library.set_title(outcome.id, "Ice roads")
        library.reextract(outcome.id)
        assert library.get(outcome.id).title == "Ice roads"
        assert library.check() == []


# Opens the library once every opener waits at the start line, so that all upgrade it at once.
_OPENER = """
import sys, time
from pathlib import Path
from reader.core.library import Library  # imported before the start line
folder, go, ready = sys.argv[1:4]
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.001)
with Library.open(folder) as library:
    print(library.count(), len(library.all_highlights()))
"""


def test_processes_upgrading_one_old_library_at_once_keep_the_old_file_as_it_was(tmp_path, article_page):
    """The copy kept before an upgrade is the library as the old version left it, whichever of
    several processes (the window, a script's commands) opened it first after the update."""
    import subprocess
    import sys
    import time

    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([article_page], workers=1)
        library.add_highlight(outcome.id, 0, 10, note="kept")
    _downgrade(folder, "0014")
    go, ready = tmp_path / "go", [tmp_path / f"ready{n}" for n in range(4)]
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, str(folder), str(go), str(mark)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mark in ready
    ]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = [p.communicate(timeout=120) for p in openers]
    assert [(p.returncode, err) for p, (_out, err) in zip(openers, results, strict=True)] == [(0, "")] * 4
    assert [out.split() for out, _err in results] == [["1", "1"]] * 4

    kept = folder / f"library.db.before-{db.SCHEMA_REVISION}"
    with sqlite3.connect(kept) as old:
        assert old.execute("select version_num from alembic_version").fetchall() == [("0014",)]
        assert "revision_token" not in [row[1] for row in old.execute("pragma table_info(articles)")]
        assert old.execute("select note from highlights").fetchall() == [("kept",)]
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial")) == []
    with Library.open(folder) as library:
        assert library.check() == []


def test_an_upgrade_that_cannot_keep_the_old_file_leaves_the_library_as_it_was(tmp_path, article_page):
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([article_page], workers=1)
    _downgrade(folder, "0014")
    taken = folder / f"library.db.before-{db.SCHEMA_REVISION}"
    taken.mkdir()  # the name the old file is kept under is taken (a folder of the user's)
    (taken / "mine.txt").write_text("the user's")
    with pytest.raises(LibraryError, match=r"cannot keep a copy of .*library\.db before upgrading it: Is a directory"):
        Library.open(folder)
    with sqlite3.connect(folder / "library.db") as old:
        assert old.execute("select version_num from alembic_version").fetchall() == [("0014",)]
    assert (taken / "mine.txt").read_text() == "the user's"
    assert [p.name for p in folder.iterdir() if p.name.endswith(".partial")] == []
    (taken / "mine.txt").unlink()
    taken.rmdir()
    with Library.open(folder) as library:  # once the name is free, the upgrade goes through
        assert library.get(outcome.id).title
