"""A shared library on PostgreSQL: what only a server does (reaching it, its
schema, several clients at once, the change watch), and copies between the
backends. The rest of tests/core and tests/cli runs on both backends already."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import text

from reader import cli
from reader.core import Library, LibraryError
from reader.core.library import copy_library
from reader.core.storage import db, server

pytestmark = pytest.mark.postgresql


def import_one(library, path) -> int:
    [outcome] = library.import_paths([path], workers=1)
    assert outcome.status == "imported", outcome
    return outcome.id


def annotate(library, article_page) -> int:
    article_id = import_one(library, article_page)
    library.highlight_quote(article_id, "Under a lid of ice", note="cold water", tags=["Ice"])
    library.highlight_quote(article_id, "daily pulse", color="blue")
    library.set_note(article_id, "read again in spring")
    library.add_tags(article_id, ["Rivers", "north"])
    library.answer_review(library.highlights(article_id)[0].id, "good")
    return article_id


def snapshot(library) -> list:
    """What a user sees of a library: articles, their notes, tags and highlights."""
    return [
        (
            a.uid,
            a.title,
            a.note,
            a.tags,
            [(h.uid, h.quote, h.note, h.color, h.tags, h.start, h.end) for h in a.highlights],
        )
        for a in library.get_many(library.article_ids())
    ]


# -- reaching the server -------------------------------------------------------


def test_an_unreachable_server_or_missing_database_is_one_line(pg_cluster, tmp_path, capsys):
    unreachable = f"postgresql://reader@127.0.0.1:{pg_cluster.port + 1}/nothing"
    missing = pg_cluster.url("no_such_database")
    for url, reason in ((unreachable, "refused"), (missing, 'database "no_such_database" does not exist')):
        with pytest.raises(LibraryError) as caught:
            Library.open(url)
        message = str(caught.value)
        assert reason in message and "\n" not in message and message.startswith("cannot open the shared library")
        assert cli.main(["--library", url, "list"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and reason in err and "Traceback" not in err


def test_a_password_is_never_shown(pg_cluster):
    url = f"postgresql://reader:s3cret@127.0.0.1:{pg_cluster.port + 1}/x"
    with pytest.raises(LibraryError) as caught:
        Library.open(url)
    assert "s3cret" not in str(caught.value)
    assert server.display_url(url) == f"postgresql://reader:***@127.0.0.1:{pg_cluster.port + 1}/x"
    assert (
        server.display_url("postgresql://ann@h/db?password=s3cret&sslmode=require")
        == "postgresql://ann@h/db?password=***&sslmode=require"
    )


@pytest.mark.parametrize(
    "url, reason",
    [
        ("postgresql://[::1/db", "IPv6"),
        ("postgresql://reader@127.0.0.1:1/db?sslmode=bogus", "sslmode"),
    ],
)
def test_a_malformed_url_is_one_line_naming_it(url, reason, capsys):
    assert cli.main(["--library", url, "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err and url in err and "Traceback" not in err


def test_another_programs_database_is_left_untouched(pg_database):
    url = pg_database(template=False)
    with Library.open(url) as library:  # an empty database becomes a library
        assert library.count() == 0
    other = pg_database(template=False)
    with server.create_server_engine(other).begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer PRIMARY KEY)"))
    with pytest.raises(LibraryError, match="another program's tables"):
        Library.open(other)


def test_a_library_from_a_newer_reader_is_refused(pg_database):
    url = pg_database()
    engine = server.create_server_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(LibraryError, match="newer version of Reader"):
        Library.open(url)


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004", "0005", "0006"])
def test_upgrade_from_an_older_revision_keeps_rows_and_indexes_them(pg_database, revision):
    url = pg_database(template=False)
    engine = server.create_server_engine(url)
    db.run_migrations(engine, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (title, author, word_count, source_name, source_kind, content_hash, "
                "extracted_fallback, note, archived, favorite, progress, added, updated, language) VALUES "
                "('Old article about otters', 'Ann', 3, 'a.html', 'html', 'h', false, 'kept note', false, true, "
                "0.5, '2024-01-01 10:00:00', '2024-01-01 10:00:00', 'en')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO article_contents (article_id, html, text, original) VALUES "
                "(1, '<p>Otters swim in 家谱记录.</p>', 'Otters swim in 家谱记录.', '\\x00')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO highlights (uid, article_id, start, "end", quote, prefix, suffix, color, note, '
                "created, updated) VALUES ('h1', 1, 0, 6, 'Otters', '', '', 'yellow', 'playful', "
                "'2024-01-01 10:00:00', '2024-01-01 10:00:00')"
            )
        )
    engine.dispose()
    with Library.open(url) as library:
        article = library.get(1)
        assert (article.title, article.note, article.favorite) == ("Old article about otters", "kept note", True)
        assert [h.note for h in article.highlights] == ["playful"]
        if revision >= "0005":
            # Rows written behind the library's back after 0005 (which rebuilds the
            # index) are not in the index: check says so, reindex mends it.
            assert any("search index" in p for p in library.check())
            library.reindex()
        assert [h.article_id for h in library.search("otter")] == [1]  # stemmed: English
        assert [h.article_id for h in library.search("playful")] == [1]
        assert [h.article_id for h in library.search("谱记")] == [1]
        assert library.check() == []
        assert library.add_highlight(1, 7, 11).id == 2  # ids go on after the ones stored


def test_upgrade_to_the_split_search_index_keeps_every_match_and_drops_stale_ones(pg_database):
    # Before 0013 an article's text and annotations shared one vector; after it,
    # a changed note re-indexes the annotations alone. What matched before the
    # upgrade still matches, CJK included, and a removed note stops matching.
    url = pg_database(template=False)
    engine = server.create_server_engine(url)
    db.run_migrations(engine, "0012")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (title, author, word_count, source_name, source_kind, content_hash, "
                "extracted_fallback, note, archived, favorite, progress, added, updated, language) VALUES "
                "('Otters 水獭', 'Ann', 3, 'a.html', 'html', 'h', false, '', false, false, 0, "
                "'2024-01-01 10:00:00', '2024-01-01 10:00:00', 'en'), "
                "('Rivers', 'Bo', 3, 'b.html', 'html', 'h2', false, '', false, false, 0, "
                "'2024-01-01 10:00:00', '2024-01-01 10:00:00', 'en')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO article_contents (article_id, html, text, original) VALUES "
                "(1, '<p>Otters swim in 家谱记录.</p>', 'Otters swim in 家谱记录.', '\\x00'), "
                "(2, '<p>Rivers run north.</p>', 'Rivers run north.', '\\x00')"
            )
        )
        for article, quote, note in ((1, "Otters", "playful 笔记本"), (2, "Rivers", "glacial")):
            conn.execute(
                text(
                    'INSERT INTO highlights (uid, article_id, start, "end", quote, prefix, suffix, color, note, '
                    "created, updated) VALUES (:uid, :a, 0, 6, :q, '', '', 'yellow', :n, "
                    "'2024-01-01 10:00:00', '2024-01-01 10:00:00')"
                ),
                {"uid": f"h{article}", "a": article, "q": quote, "n": note},
            )
        # The index as 0012's code wrote it: one vector, CJK bigrams of every text unweighted.
        for article, title, author, body, annotations, cjk in (
            (
                1,
                "Otters 水獭",
                "Ann",
                "Otters swim in 家谱记录.",
                " Otters playful 笔记本 ",
                "Otters  水獭  Ann Otters swim in  家谱 谱记 记录 .  Otters playful  笔记 记本 ",
            ),
            (2, "Rivers", "Bo", "Rivers run north.", " Rivers glacial ", ""),
        ):
            conn.execute(
                text(
                    "INSERT INTO search_index (article_id, config, annotations, cjk, title_doc, document) VALUES "
                    "(:id, 'reader_english', :ann, :cjk, to_tsvector('reader_english', :title), "
                    "setweight(to_tsvector('reader_english', :title), 'A') || setweight(to_tsvector('reader_english', :author), 'B') "
                    "|| setweight(to_tsvector('reader_english', :ann), 'C') || setweight(to_tsvector('reader_english', :body), 'D') "
                    "|| to_tsvector('simple', :cjk))"
                ),
                {"id": article, "title": title, "author": author, "body": body, "ann": annotations, "cjk": cjk},
            )
    engine.dispose()
    with Library.open(url) as library:
        assert library.check() == []
        found = lambda q: sorted(h.article_id for h in library.search(q))  # noqa: E731
        for query, ids in (
            ("otter", [1]),
            ("playful", [1]),
            ("谱记", [1]),
            ("笔记", [1]),
            ("水獭", [1]),
            ("glacial", [2]),
            ("rivers glacial", [2]),
            ("north", [2]),
        ):
            assert found(query) == ids, query
        for highlight in library.highlights(1):
            library.delete_highlight(highlight.id)
        assert found("playful") == [] and found("笔记") == []  # gone with the note
        assert found("otter") == [1] and found("谱记") == [1]  # the text is still indexed
        library.update_highlight(library.highlights(2)[0].id, note="moraine")
        assert found("glacial") == [] and found("moraine north") == [2]


# -- reader check --------------------------------------------------------------


def test_check_names_what_is_wrong_and_never_calls_the_server_damaged(pg_database, article_page, capsys):
    url = pg_database()
    with Library.open(url) as library:
        article_id = import_one(library, article_page)
        assert library.check() == []
        with library.engine.begin() as conn:
            conn.execute(text("DELETE FROM search_index WHERE article_id = :id"), {"id": article_id})
        problems = library.check()
        assert len(problems) == 1 and "search index" in problems[0]
    assert cli.main(["--library", url, "check"]) == 1
    err = capsys.readouterr().err
    assert "search index" in err and "damaged" not in err and "backup" not in err
    with Library.open(url) as library:
        library.reindex()
        assert library.check() == [] and library.search("rivers")[0].article_id == article_id


# -- several clients -----------------------------------------------------------

WRITER = """
    import sys
    from reader.core import Library
    url, article_id, who = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with Library.open(url) as library:
        text = library.get(article_id).text
        for i in range(15):
            start = (i * 7) % (len(text) - 20)
            library.add_highlight(article_id, start, start + 12, note=f"{who} {i}", tags=[f"{who}-tag", "shared"])
    print("done")
"""


def test_two_processes_highlighting_one_article_at_once_both_keep_theirs(pg_database, article_page):
    url = pg_database()
    with Library.open(url) as library:
        article_id = import_one(library, article_page)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER), url, str(article_id), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("ann", "ben")
    ]
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "done", err
    with Library.open(url) as library:
        notes = sorted(h.note for h in library.highlights(article_id))
        assert notes == sorted([f"ann {i}" for i in range(15)] + [f"ben {i}" for i in range(15)])
        assert {name for name, _ in library.tags()} == set()  # highlight tags are not article tags
        shared = library.all_highlights(tag="shared")
        assert len(shared) == 30
        assert [h.article_id for h in library.search("ann")] == [article_id]


def test_a_change_by_another_client_is_seen_within_three_seconds(pg_database, article_page):
    url = pg_database()
    with Library.open(url) as window, Library.open(url) as other:
        before = window.signature()
        assert window.signature() == before  # nothing changed: the same
        article_id = import_one(other, article_page)
        deadline = time.monotonic() + 3
        while window.signature() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        seen = window.signature()
        assert seen != before
        other.add_highlight(article_id, 0, 10)
        deadline = time.monotonic() + 3
        while window.signature() == seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert window.signature() != seen
        assert window.get(article_id).highlights[0].quote == other.get(article_id).highlights[0].quote


# -- copies between the backends -----------------------------------------------


def test_backup_of_a_shared_library_is_a_personal_library_file(pg_database, article_page, tmp_path):
    with Library.open(pg_database()) as library:
        annotate(library, article_page)
        dest = library.backup(tmp_path / "copy")
        expected = snapshot(library)
    assert dest == tmp_path / "copy"
    folder = tmp_path / "restored"
    folder.mkdir()
    dest.rename(folder / "library.db")
    with Library.open(folder) as restored:
        assert snapshot(restored) == expected
        assert restored.check() == []
        assert [h.title for h in restored.search("cold water")] == ["The Quiet Rivers of the North"]


def test_copy_library_both_ways_keeps_every_count_and_quote(pg_database, article_page, tmp_path, capsys):
    personal = tmp_path / "personal"
    with Library.open(personal) as library:
        annotate(library, article_page)
        expected = snapshot(library)
        review = library.review_stats()
    url = pg_database(template=False)
    assert cli.main(["copy-library", str(personal), url]) == 0
    assert "copied 1 articles, 2 highlights" in capsys.readouterr().out
    with Library.open(url) as shared:
        assert snapshot(shared) == expected
        assert shared.review_stats().reviewed_today == review.reviewed_today == 1
        assert [h.title for h in shared.search("spring")] == ["The Quiet Rivers of the North"]
        # New rows get new ids after the copied ones.
        new = shared.add_highlight(shared.article_ids()[0], 0, 10)
        assert new.id == 3
    back = tmp_path / "back"
    assert cli.main(["copy-library", url, str(back)]) == 0
    with Library.open(back) as library:
        assert [a[:4] for a in snapshot(library)] == [a[:4] for a in expected]
        assert len(library.all_highlights()) == 3
        assert library.check() == []


def test_copy_library_refuses_a_destination_with_a_library_and_leaves_it(pg_database, article_page, tmp_path):
    source = tmp_path / "a"
    with Library.open(source) as library:
        import_one(library, article_page)
    url = pg_database()
    copy_library(source, url)
    with pytest.raises(LibraryError, match="already holds articles"):
        copy_library(source, url)
    with pytest.raises(LibraryError, match="already holds a library"):
        copy_library(url, source)
    with pytest.raises(LibraryError, match="there is no library"):
        copy_library(tmp_path / "nowhere", url)
    with Library.open(url) as shared:
        assert shared.count() == 1


def test_a_failed_copy_leaves_nothing_behind(pg_database, article_page, tmp_path):
    url = pg_database()
    with Library.open(url) as library:
        import_one(library, article_page)
    # A row the copy cannot write: a title missing, which the SQLite schema refuses.
    engine = server.create_server_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE articles ALTER COLUMN title DROP NOT NULL"))
        conn.execute(text("UPDATE articles SET title = NULL"))
    engine.dispose()
    dest = tmp_path / "dest"
    with pytest.raises(LibraryError, match=r"cannot copy the library .*NOT NULL") as caught:
        copy_library(url, dest)
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in dest.iterdir()) == []  # no library, no partial file


def test_the_readme_setup_a_database_and_a_user_per_person(pg_cluster, article_page):
    """The grants of README.md's "A shared library": the owner creates the
    library, another user reads and writes it, each sees the other's highlights."""
    import psycopg

    for role in ("ann", "ben"):
        pg_cluster.admin(f"CREATE ROLE {role} LOGIN")
    pg_cluster.admin("CREATE DATABASE reading_group OWNER ann")
    with psycopg.connect(pg_cluster.url("reading_group"), autocommit=True) as conn:
        conn.execute("GRANT ALL ON SCHEMA public TO ben")
        conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE ann IN SCHEMA public GRANT ALL ON TABLES TO ben")
        conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE ann IN SCHEMA public GRANT ALL ON SEQUENCES TO ben")
    as_ann = f"postgresql://ann@127.0.0.1:{pg_cluster.port}/reading_group"
    as_ben = f"postgresql://ben@127.0.0.1:{pg_cluster.port}/reading_group"
    try:
        with Library.open(as_ann, user="Ann") as ann:
            article_id = import_one(ann, article_page)
            ann.highlight_quote(article_id, "Under a lid of ice")
            with Library.open(as_ben, user="Ben") as ben:
                ben.highlight_quote(article_id, "daily pulse", note="Ben's")
                ben.set_note(article_id, "seminar")
                assert [h.created_by for h in ben.get(article_id).highlights] == ["Ann", "Ben"]
                assert [h.title for h in ben.search("seminar")] == ["The Quiet Rivers of the North"]
            assert [(h.created_by, h.note) for h in ann.get(article_id).highlights] == [("Ann", ""), ("Ben", "Ben's")]
    finally:
        pg_cluster.admin("DROP DATABASE reading_group WITH (FORCE)")
        for role in ("ann", "ben"):
            pg_cluster.admin(f"DROP ROLE {role}")


OPENER = """
    import sys
    from reader.core import Library
    url, pages = sys.argv[1], sys.argv[2:]
    with Library.open(url) as library:
        outcomes = library.import_paths(pages, workers=1)
        print(",".join(o.status for o in outcomes))
"""


def test_readers_creating_and_importing_into_one_new_library_at_once(pg_database, fixtures, tmp_path):
    """Three processes open one empty database at once (one creates the library,
    the others wait for it) and import the same pages: each page is stored once."""
    url = pg_database(template=False)
    source = (fixtures / "article.html").read_text()
    pages = []
    for i in range(4):
        page = tmp_path / f"p{i}.html"
        page.write_text(
            source.replace("quiet in winter", f"quiet in winter {i}x").replace("example.org/2024", f"example.org/{i}")
        )
        pages.append(str(page))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(OPENER), url, *pages],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    statuses = []
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        statuses += out.strip().split(",")
    assert sorted(statuses) == ["duplicate"] * 8 + ["imported"] * 4
    with Library.open(url) as library:
        assert library.count() == 4 and library.check() == []


def test_a_server_lost_in_the_middle_is_one_line(pg_cluster, pg_database, article_page, capsys):
    url = pg_database()
    library = Library.open(url)
    try:
        article_id = import_one(library, article_page)
        pg_cluster.admin(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")  # every connection cut
        for action in (
            library.count,
            lambda: library.get(article_id),
            lambda: library.search("rivers"),
            lambda: library.set_note(article_id, "x"),
        ):
            with pytest.raises(LibraryError) as caught:
                action()
            message = str(caught.value)
            assert message.startswith(library.name) and "\n" not in message, message
    finally:
        library.close()


def test_a_user_granted_reading_only_reads_and_is_told_in_one_line(pg_cluster, pg_database, article_page, capsys):
    url = pg_database()
    with Library.open(url) as library:
        article_id = import_one(library, article_page)
    name = url.rsplit("/", 1)[1]
    pg_cluster.admin("CREATE ROLE guest LOGIN")
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO guest")
        as_guest = url.replace("//reader@", "//guest@")
        with Library.open(as_guest) as library:
            assert library.get(article_id).title == "The Quiet Rivers of the North"
            assert [h.article_id for h in library.search("rivers")] == [article_id]
            with pytest.raises(LibraryError, match="permission denied") as caught:
                library.set_note(article_id, "mine")
            assert "\n" not in str(caught.value)
        assert cli.main(["--library", as_guest, "note", str(article_id), "mine"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "permission denied" in err
    finally:
        pg_cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")
        pg_cluster.admin("DROP ROLE guest")


# -- a Reader stuck in the middle of a write -------------------------------------


def _stuck_writer(library: Library, article_id: int, idle: float) -> tuple[threading.Thread, dict]:
    """Another Reader inside a write that stops (a laptop suspended mid-import):
    it has changed the note, holds the write lock and then says nothing for `idle`
    seconds. The write goes through Library's own write transaction."""
    entered = threading.Event()
    outcome: dict = {}

    def run() -> None:
        try:
            with library._write() as session:
                session.execute(text("UPDATE articles SET note = 'half done' WHERE id = :id"), {"id": article_id})
                entered.set()
                time.sleep(idle)
        except LibraryError as exc:
            outcome["error"] = str(exc)
        finally:
            entered.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert entered.wait(60)
    return thread, outcome


def test_a_write_waiting_on_a_stuck_reader_gives_up_in_one_line(pg_database, article_page, monkeypatch):
    monkeypatch.setattr(server, "WRITE_LOCK_WAIT_S", 1)
    url = pg_database()
    with Library.open(url) as stuck, Library.open(url) as library:
        article_id = import_one(library, article_page)
        thread, _ = _stuck_writer(stuck, article_id, idle=8)
        try:
            started = time.monotonic()
            with pytest.raises(LibraryError) as caught:
                library.add_tags(article_id, ["waiting"])
            assert time.monotonic() - started < 6  # not until the other write ends
            message = str(caught.value)
            assert "another Reader has been writing for over 1 seconds" in message and "\n" not in message
        finally:
            thread.join(60)
        assert library.get(article_id).tags == ()


def test_a_reader_stalled_mid_write_is_undone_and_frees_the_library(pg_database, article_page, monkeypatch):
    monkeypatch.setattr(server, "STALLED_WRITE_S", 1)
    url = pg_database()
    with Library.open(url) as stalled, Library.open(url) as library:
        article_id = import_one(library, article_page)
        thread, outcome = _stuck_writer(stalled, article_id, idle=6)
        library.add_tags(article_id, ["after"])  # waits at most until the server ends the stalled write
        thread.join(60)
        assert "stood idle for over 1 seconds" in outcome["error"] and "\n" not in outcome["error"]
        article = library.get(article_id)
        assert article.tags == ("after",) and article.note == ""  # all or nothing
        stalled.set_note(article_id, "back again")  # the stalled client works again
        assert library.get(article_id).note == "back again"


def test_a_slow_copy_into_a_server_is_not_taken_for_a_stalled_write(pg_database, article_page, tmp_path, monkeypatch):
    """Reading a large source leaves the destination's transaction idle between
    batches (a slow network): the copy is not ended as a stalled write."""
    monkeypatch.setattr(server, "STALLED_WRITE_S", 1)
    source = tmp_path / "personal"
    with Library.open(source) as library:
        annotate(library, article_page)
        expected = snapshot(library)
    dest = pg_database()
    slept: list[int] = []

    def slow_once(*_):  # one pause longer than the limit (each pause took 2 s: 16 s a run)
        if not slept:
            slept.append(1)
            time.sleep(1.6)

    copy_library(source, dest, progress=slow_once)
    with Library.open(dest) as copied:
        assert snapshot(copied) == expected


COPY_CUT_OFF = """
    import sys
    import time
    import psycopg
    from reader.core import LibraryError
    from reader.core.library import copy_library
    source, url, admin = sys.argv[1:]
    database = url.rsplit("/", 1)[1]

    def cut_off(*_):  # every connection to the destination cut, once the copy is under way
        others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) " + others, (database,))
            while conn.execute("SELECT count(*) " + others, (database,)).fetchone()[0]:
                time.sleep(0.05)  # until they are gone

    try:
        copy_library(source, url, progress=cut_off)
    except LibraryError as exc:
        print(f"reader: {exc}", file=sys.stderr)
"""


def test_a_copy_cut_off_midway_says_one_line_and_runs_again(pg_cluster, pg_database, fixtures, tmp_path):
    source = tmp_path / "personal"
    page = (fixtures / "article.html").read_text()
    with Library.open(source) as library:
        for i in range(3):  # rows enough that the driver sends them in a pipeline
            variant = tmp_path / f"p{i}.html"
            variant.write_text(
                page.replace("quiet in winter", f"quiet in winter {i}x").replace("example.org/2024", f"example.org/{i}")
            )
            annotate(library, variant)
        expected = snapshot(library)
    dest = pg_database()
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(COPY_CUT_OFF), str(source), dest, pg_cluster.url()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stderr.count("\n") == 1, run.stderr  # psycopg's own log line about its pipeline kept out
    assert "cannot copy the library to" in run.stderr and "Traceback" not in run.stderr
    with Library.open(dest) as copied:
        assert copied.count() == 0  # nothing of the cut-off copy was kept
    copy_library(source, dest)  # and it can simply be run again
    with Library.open(dest) as copied:
        assert snapshot(copied) == expected


def test_a_user_the_server_keeps_read_only_reads_and_is_told_in_one_line(pg_cluster, pg_database, article_page, capsys):
    """An administrator's read-only user (ALTER ROLE ... SET default_transaction_read_only),
    as a standby server is: every write is one line, before anything is written."""
    url = pg_database()
    with Library.open(url) as library:
        article_id = import_one(library, article_page)
        expected = snapshot(library)
    pg_cluster.admin("CREATE ROLE reviewer LOGIN")
    pg_cluster.admin("ALTER ROLE reviewer SET default_transaction_read_only = on")
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO reviewer")
            conn.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO reviewer")
        as_reviewer = url.replace("//reader@", "//reviewer@")
        other = article_page.parent / "other.html"
        other.write_text(article_page.read_text().replace("Quiet Rivers", "Loud Rivers").replace("2024", "2025"))
        for command in (
            ["tag", str(article_id), "mine"],
            ["note", str(article_id), "mine"],
            ["highlight", str(article_id), "--quote", "daily pulse"],
            ["delete", str(article_id)],
            ["import", str(other)],
        ):
            assert cli.main(["--library", as_reviewer, *command]) == 1
            err = capsys.readouterr().err
            said = [line for line in err.splitlines() if "is read-only on its server" in line]
            assert len(said) == 1 and "Traceback" not in err and "[SQL" not in err, err
            assert command[0] == "import" or err == said[0] + "\n"  # (import adds its summary)
        assert cli.main(["--library", as_reviewer, "search", "rivers"]) == 0
        assert "The Quiet Rivers of the North" in capsys.readouterr().out
        with Library.open(url) as library:
            assert snapshot(library) == expected
    finally:
        pg_cluster.admin(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")
        pg_cluster.admin("DROP ROLE reviewer")


def test_a_reader_stuck_while_creating_a_library_keeps_no_one_waiting_for_ever(pg_database, monkeypatch):
    """Another Reader holds the lock for creating or upgrading the library (it was
    suspended in the middle): a library already made opens at once, and opening
    a new one gives up after the limit in one line."""
    import psycopg

    monkeypatch.setattr(server, "OPEN_LOCK_WAIT_S", 1)
    made, new = pg_database(), pg_database(template=False)
    outcome: dict = {}

    def open_both() -> None:
        with Library.open(made) as library:
            outcome["made"] = library.count()
        try:
            Library.open(new).close()
        except LibraryError as exc:
            outcome["new"] = str(exc)

    with psycopg.connect(made, autocommit=True) as stuck, psycopg.connect(new, autocommit=True) as stuck_on_new:
        for conn in (stuck, stuck_on_new):  # (advisory locks are the database's own)
            conn.execute(f"SELECT pg_advisory_lock({server.OPEN_LOCK})")
        opener = threading.Thread(target=open_both)
        opener.start()
        opener.join(30)  # (the locks go with these connections, so a waiting thread ends then)
        waited = opener.is_alive()
    opener.join(60)
    assert not waited, "opening waited for the stuck Reader"
    assert outcome["made"] == 0
    message = outcome["new"]
    assert "is being created or upgraded by another Reader for over 1 seconds" in message and "\n" not in message
    with Library.open(new) as library:  # the other Reader gone, it is made
        assert library.count() == 0


def test_a_copy_whose_source_server_goes_away_names_the_source(pg_cluster, pg_database, article_page, tmp_path):
    """The line named the destination ("cannot copy the library to DEST") when it was
    the library being copied that went away: the user looked at the wrong side."""
    import psycopg

    url = pg_database()
    with Library.open(url) as library:
        annotate(library, article_page)
        name = library.name
    database = url.rsplit("/", 1)[1]

    def cut_off(*_):  # every connection to the source cut, once the copy is under way
        others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) " + others, (database,))
            while conn.execute("SELECT count(*) " + others, (database,)).fetchone()[0]:
                time.sleep(0.05)

    dest = tmp_path / "dest"
    with pytest.raises(LibraryError) as caught:
        copy_library(url, dest, progress=cut_off)
    message = str(caught.value)
    assert message.startswith(f"cannot read the library being copied, {name}:"), message
    assert str(dest) not in message and "\n" not in message
    assert sorted(p.name for p in dest.iterdir()) == []  # nothing kept at the destination


def _keepalive_options(library) -> tuple[int, int, int, int, int]:
    """(SO_KEEPALIVE, idle, interval, count, user timeout) of a connection's own socket."""
    import socket

    raw = library.engine.raw_connection()
    try:
        sock = socket.socket(fileno=os.dup(raw.driver_connection.fileno()))
        try:
            return (
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
            )
        finally:
            sock.close()
    finally:
        raw.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's TCP socket options")
def test_a_connection_to_a_server_notices_a_dead_network_within_a_minute_or_so(pg_database):
    """Without TCP keepalive a laptop whose network dropped waited for ever on a server
    that would never answer. libpq's keepalives are set on every connection's socket,
    unless the URL sets its own."""
    url = pg_database()
    with Library.open(url) as library:
        alive, idle, interval, count, user_timeout = _keepalive_options(library)
        assert alive == 1 and idle + interval * count <= 120 and 0 < user_timeout <= 120_000
    with Library.open(url + "?keepalives_idle=7&keepalives_count=2") as library:
        assert _keepalive_options(library)[1:4] == (7, interval, 2)
