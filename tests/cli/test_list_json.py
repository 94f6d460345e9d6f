"""`reader list --json`: the same array of the same keys, indented at a terminal,
compact for a program, written a batch of articles at a time. For a program on a
SQLite library SQLite builds the entries (reader.core.lazy.list_json); the bytes
are those of json.dumps over the library's records, whatever the titles hold."""

import contextlib
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader import cli
from reader.core import Library
from reader.core import lazy as lazy_module
from reader.core.lazy import LazyLibrary

KEYS = {"id", "title", "author", "site", "url", "published", "added", "word_count", "highlights"}


def _import(run, article_page, tmp_path, n=3):
    source = article_page.read_text()
    ids = []
    for i in range(n):
        page = tmp_path / f"page{i}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", f"Rivers, part {i}")
            .replace("quiet in winter", f"quiet in winter, part {i}.")
            .replace("example.org/2024", f"example.org/{i}")
        )
        [outcome] = json.loads(run("import", "--workers", "1", page, "--json").stdout)
        assert outcome["status"] == "imported"
        ids.append(outcome["id"])
    return ids


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _expected(library, **filters) -> bytes:
    """What `reader list --json` prints for a program, from the Library's own records
    and Python's json (the slow path's rule, written out here)."""
    items = library.list_articles(limit=10_000, **filters).items
    entries = [
        {
            "id": a.id,
            "title": a.title,
            "author": a.author,
            "site": a.site,
            "url": a.url,
            "published": a.published,
            "added": a.added.isoformat() + "Z",
            "word_count": a.word_count,
            "highlights": a.highlight_count,
        }
        for a in items
    ]
    return (json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# Titles and fields a page can bring: JSON's own characters, every control character,
# emoji (outside the BMP), right-to-left text and marks, line and paragraph separators,
# DEL, NUL; missing fields (NULL); stamps with and without a fraction, and in forms
# SQLAlchemy never writes (read back by Python's rule).
_HOSTILE = [
    {"title": 'He said "stop" \\ then /left/', "author": None, "site": None, "url": None, "published": None},
    {
        "title": "".join(map(chr, range(32))) + "\x7f end",
        "author": "tab\there\nnewline\rcr",
        "site": "\u2028\u2029 separators",
        "url": "https://x.example/?q=\"'<>&",
        "published": "2024-01-02",
        "added": "2024-05-06 07:08:09.123456",
    },
    {
        "title": "Emoji 🦀🏳️‍🌈 and עברית مرحبا \u200f\u202e mixed",
        "author": "Zoë Ünicode",
        "site": "例え.jp",
        "url": "https://例え.jp/パス",
        "published": "",
        "added": "2024-05-06 07:08:09",
    },
    {"title": "T form", "added": "2024-05-06T07:08:10"},
    {"title": "Short fraction", "added": "2024-05-06 07:08:11.5"},
    {"title": 'Zero fraction .000000Z","word_count": 1', "added": "2024-05-06 07:08:12.000000"},
]


def _make_hostile(folder, ids):
    con = sqlite3.connect(folder / "library.db")
    with con:
        for article_id, fields in zip(ids, _HOSTILE, strict=True):
            sets = ", ".join(f"{name} = ?" for name in fields)
            con.execute(f"UPDATE articles SET {sets} WHERE id = ?", [*fields.values(), article_id])
    con.close()


def test_list_json_is_compact_for_programs_and_indented_at_a_terminal(run, article_page, tmp_path):
    ids = _import(run, article_page, tmp_path)
    run("highlight", ids[0], "--quote", "listening posts")
    piped = run("list", "--json").stdout
    listed = json.loads(piped)
    assert piped.count("\n") == 1 and ", " not in piped.replace('"Rivers, part', "")  # one compact line
    assert [a["id"] for a in listed] == ids[::-1]  # newest first
    assert all(set(a) == KEYS for a in listed)
    assert [a["highlights"] for a in listed] == [0, 0, 1]
    assert all(a["added"].endswith("Z") for a in listed)

    terminal = _Terminal()
    with contextlib.redirect_stdout(terminal):
        assert cli.main(["list", "--json"]) == 0
    assert terminal.getvalue().startswith('[\n  {\n    "id": ')
    assert json.loads(terminal.getvalue()) == listed


def test_list_json_written_in_batches_is_one_array(run, article_page, tmp_path, monkeypatch):
    ids = _import(run, article_page, tmp_path)
    whole = run("list", "--json").stdout
    monkeypatch.setattr(lazy_module, "_JSON_BATCH", 2)
    assert run("list", "--json").stdout == whole
    assert run("list", "--json", "--state", "archived").stdout == "[]\n"
    run("archive", ids[1])
    assert [a["id"] for a in json.loads(run("list", "--json", "--state", "archived").stdout)] == [ids[1]]


def test_every_sort_and_filter_prints_what_the_library_lists(run, article_page, tmp_path, library_at):
    ids = _import(run, article_page, tmp_path, n=4)
    run("archive", ids[0])
    run("favorite", ids[1], ids[2])
    run("tag", ids[2], "Rivers")
    run("tag", ids[3], "rivers", "lakes")
    run("highlight", ids[3], "--quote", "listening posts")
    with Library.open(library_at("lib")) as library:
        for sort in ("added", "title", "published"):
            for filters in ({}, {"state": "inbox"}, {"state": "archived"}, {"state": "favorite"}, {"tag": "RIVERS"}):
                options = [f"--{name}={value}" for name, value in filters.items()]
                printed = run("list", "--json", "--sort", sort, *options).stdout.encode()
                assert printed == _expected(library, sort=sort, **filters), (sort, filters)
    assert run("list", "--json", "--tag", "nothing").stdout == "[]\n"


@pytest.mark.sqlite_only  # the titles are set in the file itself
def test_hostile_fields_print_as_json_dumps_prints_them(run, article_page, tmp_path, library_at):
    ids = _import(run, article_page, tmp_path, n=len(_HOSTILE))
    run("highlight", ids[2], "--quote", "listening posts")
    folder = library_at("lib")
    _make_hostile(folder, ids)
    with Library.open(folder) as library:
        expected = _expected(library)
    assert run("list", "--json").stdout.encode() == expected  # through sys.stdout's text layer
    # The real command writes the bytes under it.
    command = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(folder), "list", "--json"],
        capture_output=True,
        timeout=120,
    )
    assert command.returncode == 0, command.stderr
    assert command.stdout == expected
    listed = json.loads(expected)
    assert {a["added"] for a in listed} >= {
        "2024-05-06T07:08:09.123456Z",
        "2024-05-06T07:08:09Z",
        "2024-05-06T07:08:10Z",
        "2024-05-06T07:08:11.500000Z",
        "2024-05-06T07:08:12Z",
    }


@pytest.mark.sqlite_only  # on a server the Library is loaded at once: there is only the slow path
def test_sqlite_and_the_loaded_library_give_the_same_bytes(run, article_page, tmp_path, library_at, monkeypatch):
    ids = _import(run, article_page, tmp_path, n=len(_HOSTILE))
    run("archive", ids[0], ids[3])
    run("favorite", ids[1], ids[3])
    run("tag", ids[2], "Rivers")
    run("tag", ids[3], "rivers")
    folder = library_at("lib")
    _make_hostile(folder, ids)
    monkeypatch.setattr(lazy_module, "_JSON_BATCH", 2)  # batches end and start mid-list
    with LazyLibrary.open(folder) as light, LazyLibrary.open(folder) as loaded:
        loaded.load()
        for sort in ("added", "title", "published"):
            for filters in ({}, {"state": "inbox"}, {"state": "archived"}, {"state": "favorite"}, {"tag": "RIVERS"}):
                fast = b",".join(light.list_json(sort=sort, **filters))
                assert not light.loaded  # answered by SQLite, not by falling back
                assert fast == b",".join(loaded.list_json(sort=sort, **filters)), (sort, filters)
                assert json.loads(b"[" + fast + b"]"), (sort, filters)


@pytest.mark.sqlite_only
def test_a_damaged_list_is_one_line(run, article_page, tmp_path, library_at):
    """The file opens (its header and schema are whole) but the pages of the articles
    (their table, and the indexes the list may read instead) are not."""
    _import(run, article_page, tmp_path, n=1)
    db = library_at("lib") / "library.db"
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    roots = [r for (r,) in con.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'articles' AND rootpage")]
    con.close()
    data = bytearray(db.read_bytes())
    for root in roots:
        data[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    db.write_bytes(bytes(data))
    result = run("list", "--json", check=False)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("reader: ") and "library.db" in result.stderr


_SORTS = ("added", "title", "published")
_FILTERS = ({}, {"state": "inbox"}, {"state": "archived"}, {"state": "favorite"}, {"tag": "RIVERS"})


def _lists_as_the_library_does(run, folder) -> None:
    """Every sort and filter of `reader list --json` is json.dumps over the Library's
    records; on SQLite every article's entry is stored, so the list read them."""
    with Library.open(folder) as library:
        for sort in _SORTS:
            for filters in _FILTERS:
                options = [f"--{name}={value}" for name, value in filters.items()]
                printed = run("list", "--json", "--sort", sort, *options).stdout.encode()
                assert printed == _expected(library, sort=sort, **filters), (sort, filters)
    if isinstance(folder, Path):
        con = sqlite3.connect(folder / "library.db")
        assert con.execute("SELECT count(*) FROM articles WHERE list_json IS NULL").fetchone() == (0,)
        con.close()


def test_the_list_stays_what_the_library_lists_after_writes(run, article_page, tmp_path, library_at):
    ids = _import(run, article_page, tmp_path, n=4)
    folder = library_at("lib")
    run("archive", ids[0])
    run("favorite", ids[1])
    run("tag", ids[2], "Rivers")
    run("highlight", ids[1], "--quote", "listening posts")
    _lists_as_the_library_does(run, folder)

    # A highlight added, then deleted.
    with Library.open(folder) as library:
        highlight = library.highlight_quote(ids[2], "listening posts")
    _lists_as_the_library_does(run, folder)
    with Library.open(folder) as library:
        library.delete_highlight(highlight.id)
    _lists_as_the_library_does(run, folder)

    # A title edited (it sorts first now), then extracted again from the page.
    with Library.open(folder) as library:
        library.set_title(ids[3], 'Aa "edited" \\ title')
    _lists_as_the_library_does(run, folder)
    run("reextract", ids[3])
    _lists_as_the_library_does(run, folder)

    # An article with a highlight deleted.
    run("delete", ids[1])
    _lists_as_the_library_does(run, folder)

    # A folder of pages imported at once.
    pages = tmp_path / "more"
    pages.mkdir()
    source = article_page.read_text()
    for i in range(5):
        (pages / f"more{i}.html").write_text(
            source.replace("The Quiet Rivers of the North", f"More rivers {i}")
            .replace("quiet in winter", f"quiet in winter, more {i}.")
            .replace("example.org/2024", f"example.org/more{i}")
        )
    run("import", "--workers", "1", pages)
    _lists_as_the_library_does(run, folder)
    assert len(json.loads(run("list", "--json").stdout)) == 8


@pytest.mark.sqlite_only  # the entries are stored in the file itself
def test_an_entry_not_stored_is_built_as_before(run, article_page, tmp_path, library_at, monkeypatch):
    ids = _import(run, article_page, tmp_path, n=len(_HOSTILE))
    run("highlight", ids[2], "--quote", "listening posts")
    folder = library_at("lib")
    _make_hostile(folder, ids)
    with Library.open(folder) as library:
        expected = _expected(library)
    monkeypatch.setattr(lazy_module, "_JSON_BATCH", 2)
    con = sqlite3.connect(folder / "library.db")
    with con:
        con.execute("UPDATE articles SET list_json = NULL WHERE id IN (?, ?)", (ids[1], ids[4]))
    assert con.execute("SELECT count(*) FROM articles WHERE list_json IS NULL").fetchone()[0] >= 2
    con.close()
    assert run("list", "--json").stdout.encode() == expected


@pytest.mark.sqlite_only  # the entries and their triggers are in the file itself
def test_check_finds_entries_out_of_date_and_triggers_missing(run, article_page, tmp_path, library_at):
    ids = _import(run, article_page, tmp_path, n=2)
    assert "ok" in run("check").stdout
    con = sqlite3.connect(library_at("lib") / "library.db")
    with con:
        con.execute("UPDATE articles SET list_json = '{}' WHERE id = ?", (ids[0],))
    result = run("check", check=False)
    assert (
        result.returncode != 0 and "stored list entries of 1 articles are out of date" in result.stdout + result.stderr
    )
    with con:
        con.execute("DROP TRIGGER highlights_list_json_insert")
    result = run("check", check=False)
    assert "triggers that keep the list's stored entries current are missing" in result.stdout + result.stderr
    con.close()
