"""Crashes and concurrency: SIGKILL mid-import, two processes at once, damaged files, backup, check."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from genpages import article, batch

from reader.core import Library, LibraryError

# The figure: 500 pages, 20 kills (about 30 s on two cores; READER_KILL_PAGES to change it)
KILL_PAGES = int(os.environ.get("READER_KILL_PAGES", "500"))
KILLS = int(os.environ.get("READER_KILLS", "20"))
ASSET_REF = re.compile(r'src="asset:([^"]+)"')


def reader_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "reader", *map(str, args)]


def run_reader(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(reader_cmd(*args), capture_output=True, text=True, timeout=timeout)


def check_library(db_path: Path, images_per_article: int | None = 1) -> dict[str, int]:
    """Integrity check, and every article wholly there: row, text, search entry, images.

    Returns {url: id}. Reads with plain sqlite3 so that nothing is repaired on the way.
    """
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT a.id, a.url, c.text, c.html, length(c.original) FROM articles a "
            "LEFT JOIN article_contents c ON c.article_id = a.id"
        ).fetchall()
        search = dict(conn.execute("SELECT rowid, text FROM search_index").fetchall())
        assets: dict[int, set[str]] = {}
        for article_id, name, size in conn.execute("SELECT article_id, name, length(data) FROM assets"):
            assert size > 0
            assets.setdefault(article_id, set()).add(name)
        urls = {}
        for article_id, url, text, html, original in rows:
            assert text and html and original, f"article {article_id} has no content"
            assert search.get(article_id) == text, f"article {article_id} is missing from the search index"
            refs = set(ASSET_REF.findall(html))
            assert refs == assets.get(article_id, set()), (
                f"article {article_id}: images {refs} vs {assets.get(article_id)}"
            )
            if images_per_article is not None:
                assert len(refs) == images_per_article
            urls[url] = article_id
        assert set(search) == {r[0] for r in rows}, "search entries without articles"
        assert set(assets) <= {r[0] for r in rows}, "images without articles"
        return urls
    finally:
        conn.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def article_count(db_path: Path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_during_import_loses_nothing_and_a_rerun_imports_the_rest(tmp_path):
    pages = tmp_path / "pages"
    files = batch(pages, KILL_PAGES)
    lib = tmp_path / "lib"
    assert run_reader("import", files[0], "--library", lib, "--workers", "1").returncode == 0  # create the library
    db_path = lib / "library.db"
    rng = random.Random(int(os.environ.get("READER_KILL_SEED", "8")))
    counts, orphans, kills, groups = [1], 0, 0, []
    started = time.monotonic()
    for k in range(KILLS):
        # The pages in a new order each time (as if dropped again), so that each run
        # soon reaches pages not yet imported. Every fourth run with worker processes
        # (which must not outlive the importer: one such kill shows it, tried by hand
        # with the workers' watch on their parent removed), the others in one process,
        # which is what a kill tests too, at less than half the start-up.
        rng.shuffle(files)
        workers = "2" if k % 4 == 0 else "1"
        proc = subprocess.Popen(
            reader_cmd("import", *files, "--library", lib, "--workers", workers),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # Kill at a random moment once this run has begun writing articles.
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline and article_count(db_path) <= counts[-1]:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)  # the importer only: its workers must notice and go
        proc.wait()
        kills += not finished
        counts.append(len(check_library(db_path)))
        groups.append(proc.pid)
        if finished:
            break
    killing = time.monotonic() - started
    deadline = time.monotonic() + 5
    while any(map(group_alive, groups)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pgid in filter(group_alive, groups):
        orphans += 1
        os.killpg(pgid, signal.SIGKILL)
    result = run_reader("import", pages, "--library", lib, "--json")
    outcomes = json.loads(result.stdout)
    assert {o["status"] for o in outcomes} <= {"imported", "duplicate"}, result.stderr
    urls = check_library(db_path)
    assert len(urls) == KILL_PAGES
    assert urls.keys() == {f"https://example.org/articles/{i}" for i in range(KILL_PAGES)}
    print(
        f"\nkill test: {KILL_PAGES} pages, {kills} kills in {killing:.1f} s; articles after each kill: "
        f"{counts[1:]}; the rerun imported {sum(o['status'] == 'imported' for o in outcomes)}"
    )
    assert orphans == 0, "import workers outlived the killed importer"
    assert kills >= KILLS * 3 // 4


def test_a_worker_killed_mid_batch_does_not_stop_the_batch(tmp_path):
    pages = tmp_path / "pages"
    batch(pages, 60)
    lib = tmp_path / "lib"
    proc = subprocess.Popen(
        reader_cmd("import", pages, "--library", lib, "--json", "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        killed = False
        while not killed and time.monotonic() < deadline and proc.poll() is None:
            children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            # spawn's resource tracker comes first; the workers after it.
            if len(children) >= 3 and (lib / "library.db").exists():
                time.sleep(0.3)
                os.kill(int(children[-1]), signal.SIGKILL)
                killed = True
            time.sleep(0.05)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert killed
    assert "Traceback" not in err
    outcomes = json.loads(out)
    assert len(outcomes) == 60 and all(o["status"] == "imported" for o in outcomes), err
    assert len(check_library(lib / "library.db")) == 60


def test_two_processes_use_one_library_at_once(tmp_path):
    pages = tmp_path / "pages"
    batch(pages, 60)
    first = tmp_path / "first.html"
    first.write_text(article(10_000))
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([first], workers=1)
        article_id = outcome.id
        text = library.get(article_id).text
        signature = library.signature()
        proc = subprocess.Popen(
            reader_cmd("import", pages, "--library", tmp_path / "lib", "--json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        writes = reads = 0
        seen_new = False
        try:
            while proc.poll() is None or writes < 5:
                start = (writes * 7) % (len(text) - 20)
                library.add_highlight(article_id, start, start + 15, note=f"note {writes}")
                library.set_note(article_id, f"thoughts {writes}")
                writes += 1
                reads += len(library.list_articles().items) + len(library.search("harbour"))
                seen_new = seen_new or library.signature() != signature
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err
        assert all(o["status"] == "imported" for o in json.loads(out))
        assert seen_new  # this process sees the other's articles as they arrive
        assert library.count() == 61
        assert len(library.highlights(article_id)) == writes
        assert library.get(article_id).note == f"thoughts {writes - 1}"
        assert library.check() == []
    check_library(tmp_path / "lib" / "library.db", images_per_article=None)


def test_backup_while_another_process_writes(tmp_path):
    pages = tmp_path / "pages"
    batch(pages, 120)
    lib = tmp_path / "lib"
    proc = subprocess.Popen(
        reader_cmd("import", pages, "--library", lib), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (lib / "library.db").exists():
                conn = sqlite3.connect(lib / "library.db", timeout=10)
                try:
                    if (
                        conn.execute("SELECT count(*) FROM sqlite_master WHERE name='articles'").fetchone()[0]
                        and conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 10
                    ):
                        break
                finally:
                    conn.close()
            time.sleep(0.1)
        backups = []
        for n in range(3):
            dest = tmp_path / f"backup{n}.db"
            result = run_reader("backup", dest, "--library", lib)
            assert result.returncode == 0, result.stderr
            backups.append(dest)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    sizes = []
    for dest in backups:
        sizes.append(len(check_library(dest)))
        # A backup is a library of its own that opens and checks clean.
        copy = tmp_path / f"restore-{dest.stem}"
        copy.mkdir()
        os.replace(dest, copy / "library.db")
        result = run_reader("check", "--library", copy)
        assert result.returncode == 0 and "ok" in result.stdout, result.stderr
    assert 10 <= sizes[0] <= sizes[-1] <= 120
    assert run_reader("backup", tmp_path / "restore-backup0" / "library.db", "--library", lib).returncode == 1


# -- damaged libraries ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_db(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("good")
    with Library.open(folder / "lib") as library:
        pages = batch(folder / "pages", 3)
        library.import_paths(pages, workers=1)
        library.add_highlight(1, 0, 10)
    conn = sqlite3.connect(folder / "lib" / "library.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (folder / "lib" / "library.db").read_bytes()


def _page_of(data: bytes, table: str) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.db"
        path.write_bytes(data)
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        conn.close()
    return page


def _garble_page(data: bytes, page: int) -> bytes:
    size = int.from_bytes(data[16:18], "big")
    start = (page - 1) * size
    return data[:start] + bytes(random.Random(page).randrange(256) for _ in range(size)) + data[start + size :]


DAMAGE = {
    "truncated to half": lambda d: d[: len(d) // 2],
    "truncated to the header": lambda d: d[:100],
    "cut inside the header": lambda d: d[:50],
    "garbage": lambda d: random.Random(1).randbytes(len(d)),
    "header then garbage": lambda d: d[:100] + random.Random(2).randbytes(len(d) - 100),
    "articles table garbled": lambda d: _garble_page(d, _page_of(d, "articles")),
    "highlights table garbled": lambda d: _garble_page(d, _page_of(d, "highlights")),
    "a text file": lambda d: b"this is not a database\n" * 100,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_library_is_refused_and_left_untouched(tmp_path, good_db, damage):
    lib = tmp_path / "lib"
    lib.mkdir()
    data = DAMAGE[damage](good_db)
    (lib / "library.db").write_bytes(data)
    with pytest.raises(LibraryError, match=r"library\.db .*(damaged|not a Reader library).*untouched"):
        Library.open(lib)
    if damage in ("truncated to half", "articles table garbled"):  # the command line says it in one line
        result = run_reader("list", "--library", lib)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert str(lib / "library.db") in line and "untouched" in line
    assert hashlib.sha256((lib / "library.db").read_bytes()).digest() == hashlib.sha256(data).digest()


def test_another_programs_database_is_not_converted(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    conn = sqlite3.connect(lib / "library.db")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    before = (lib / "library.db").read_bytes()
    with pytest.raises(LibraryError, match="not a Reader library"):
        Library.open(lib)
    assert (lib / "library.db").read_bytes() == before  # still in rollback-journal mode, not WAL


def test_check_finds_damage_in_page_text_and_search_index(tmp_path, good_db):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "library.db").write_bytes(good_db)
    result = run_reader("check", "--library", lib)
    assert result.returncode == 0 and result.stdout.strip().endswith(": ok")
    # Damage the big table of page text, which is not checked at every open.
    (lib / "library.db").write_bytes(_garble_page(good_db, _page_of(good_db, "article_contents")))
    result = run_reader("check", "--library", lib)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(lib / "library.db") in result.stderr
    # The search index out of step with its contents is reported too.
    (lib / "library.db").write_bytes(good_db)
    conn = sqlite3.connect(lib / "library.db")
    conn.execute("DELETE FROM search_index_docsize WHERE id = 1")
    conn.commit()
    conn.close()
    result = run_reader("check", "--library", lib)
    assert result.returncode == 1 and "search index" in result.stderr


def test_a_failed_backup_leaves_no_file(tmp_path, monkeypatch):
    real_connect = sqlite3.connect

    def connect(database, *args, **kwargs):
        conn = real_connect(database, *args, **kwargs)
        if str(database).endswith(".partial"):
            conn.execute("CREATE TABLE half (x)")  # something written, then the disk "fills"
            conn.close()
        return conn

    with Library.open(tmp_path / "lib") as library:
        monkeypatch.setattr(sqlite3, "connect", connect)
        with pytest.raises(LibraryError, match="cannot write the backup"):
            library.backup(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "copy.db.partial").exists()


# `reader ARGS` whose copy stops for good once it has begun writing its temporary file.
PAUSED_MID_COPY = """
import sqlite3, sqlite3.dbapi2, sys, time
from reader import cli
real_connect = sqlite3.connect
def connect(database, *args, **kwargs):
    conn = real_connect(database, *args, **kwargs)
    if str(database).endswith(".partial"):
        conn.execute("CREATE TABLE half (x)")
        print("writing", flush=True)
        time.sleep(600)
    return conn
sqlite3.connect = sqlite3.dbapi2.connect = connect  # SQLAlchemy calls the latter
sys.exit(cli.main(sys.argv[1:]))
"""


def _paused_mid_copy(*args) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_MID_COPY, *map(str, args)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    return process


def _temporary(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


def test_a_backup_killed_midway_leaves_no_temporary_file_for_good(tmp_path):
    """SIGKILL mid-backup left `.NAME.xxxx.partial` beside the backups for good. The next
    backup to that folder, or the next open of a library folder, removes such files;
    never one another process is still writing."""
    lib = tmp_path / "lib"
    Library.open(lib).close()
    backups = tmp_path / "backups"
    backups.mkdir()
    killed = _paused_mid_copy("backup", "--library", lib, backups / "monday.db")
    live = _paused_mid_copy("backup", "--library", lib, backups / "tuesday.db")
    try:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(60)
        assert len(_temporary(backups)) == 4  # two temporary files, each with its lock file
        with Library.open(lib) as library:
            library.backup(backups / "wednesday.db")
        left = _temporary(backups)
        assert len(left) == 2 and all(".tuesday.db." in name for name in left), left  # the live one stays
        live.kill()
        live.wait(60)
        with Library.open(lib) as library:
            library.backup(backups / "thursday.db")
        assert sorted(p.name for p in backups.iterdir()) == ["thursday.db", "wednesday.db"]
    finally:
        for process in (killed, live):
            process.kill()
            process.wait(60)
    # copy-library killed mid-way into a new folder: the folder's next open cleans it,
    # with a file left by a Reader before the locks, untouched for two days (a fresh
    # one of those, which a Reader of then may still be writing, stays).
    copying = _paused_mid_copy("copy-library", lib, tmp_path / "copy")
    os.kill(copying.pid, signal.SIGKILL)
    copying.wait(60)
    old, fresh = (
        tmp_path / "copy" / ".library.db.0123456789ab.partial",
        tmp_path / "copy" / ".x.db.ba9876543210.partial",
    )
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert len(_temporary(tmp_path / "copy")) >= 4  # its file, -wal or -journal, lock; the two old ones
    Library.open(tmp_path / "copy").close()
    assert _temporary(tmp_path / "copy") == [fresh.name]


def test_a_library_db_that_is_a_device_is_refused(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    os.mkfifo(lib / "library.db")
    with pytest.raises(LibraryError, match="not a regular file"):
        Library.open(lib)
