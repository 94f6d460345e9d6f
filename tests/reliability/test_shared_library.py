"""One library used by several processes at once (the window, the command line,
several imports): nothing written is lost, hidden or doubled."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from genpages import batch

from reader.core import Library, LibraryError

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, *args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


# A process that holds the library open as the window does: the list read over a
# plain sqlite3 connection first (LazyLibrary), then the full library loaded,
# then writes spread over a few seconds while other processes come and go.
HOLDER = """
    import json, os, sys, time
    from reader.core.lazy import LazyLibrary
    folder, page, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lazy = LazyLibrary.open(folder)
    lazy.list_articles()
    library = lazy.load()
    [outcome] = library.import_paths([page])
    text = library.get(outcome.id).text
    made = []
    for i in range(count):
        start = (i * 37) % max(1, len(text) - 20)
        made.append(library.add_highlight(outcome.id, start, start + 12, note=f"note {i}").uid)
        library.set_note(outcome.id, f"article note {i}")
        time.sleep(0.1)
    deleted = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if "library.db" in target and "(deleted)" in target:
            deleted.append(target)
    lazy.close()
    print(json.dumps({"id": outcome.id, "highlights": made, "deleted": deleted}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_a_window_and_commands_on_one_library_lose_nothing(tmp_path):
    folder = tmp_path / "lib"
    [page] = batch(tmp_path / "pages", 1)
    holder = python(HOLDER, folder, page, 30)
    seen = 0
    deadline = time.monotonic() + 120
    # The command line meanwhile: open, read, close, again and again (every close
    # of the last connection checkpoints; with the old bug it deleted the WAL).
    while holder.poll() is None and time.monotonic() < deadline:
        try:
            with Library.open(folder) as library:
                seen = max(seen, library.count())
        except LibraryError:
            pass  # not created yet
        time.sleep(0.05)
    report = json.loads(finish(holder))
    assert report["deleted"] == []  # the holder never wrote into an unlinked WAL
    with Library.open(folder) as library:
        article = library.get(report["id"])
        assert sorted(h.uid for h in article.highlights) == sorted(report["highlights"])
        assert article.note == "article note 29"
        assert library.check() == []
    assert seen == 1


# Records every Python-level open() of the database files, from the very start.
AUDITED = """
    import json, sys
    opened = []
    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, int)) and not isinstance(args[0], int):
            name = str(args[0]).rsplit("/", 1)[-1]
            if name in ("library.db", "library.db-wal", "library.db-shm"):
                opened.append(str(args[0]))
    sys.addaudithook(hook)

    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library
    from reader.core.export import export_library
    folder, page, out = sys.argv[1], sys.argv[2], sys.argv[3]
    for round in range(2):  # a new library, then an existing one
        lazy = LazyLibrary.open(folder)
        lazy.list_articles()
        lazy.count()
        library = lazy.load()
        [outcome] = library.import_paths([page])
        library.import_paths([folder])  # the library's own folder dropped on the window
        library.add_highlight(outcome.id, 0, 10, tags=["x"])
        library.set_note(outcome.id, "note")
        library.search("entry")
        library.reextract(outcome.id)
        library.check()
        library.backup(f"{out}/copy{round}.db")
        export_library(library, "md", f"{out}/md{round}")
        lazy.close()
    print(json.dumps(opened))
"""


def test_no_code_path_opens_the_database_files_itself(tmp_path):
    """Closing any descriptor on library.db drops the process's SQLite locks
    (SQLite: How To Corrupt, 2.2), so only SQLite may open those files."""
    [page] = batch(tmp_path / "pages", 1)
    (tmp_path / "out").mkdir()
    opened = json.loads(finish(python(AUDITED, tmp_path / "lib", page, tmp_path / "out")))
    assert opened == []


OPENER = """
    import sys, time
    from pathlib import Path
    from reader.core.library import Library  # imported before the start: all open at once
    go = Path(sys.argv[2])
    Path(sys.argv[3]).touch()  # at the start line
    while not go.exists():
        time.sleep(0.001)
    with Library.open(sys.argv[1]) as library:
        print(library.count())
"""


def test_processes_creating_one_new_library_at_once_all_open_it(tmp_path):
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{n}" for n in range(4)]
    openers = [python(OPENER, tmp_path / "lib", go, mark) for mark in ready]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # until all of them wait at the start line
    go.touch()
    assert [finish(p).strip() for p in openers] == ["0"] * 4
    with Library.open(tmp_path / "lib") as library:
        assert library.check() == []


@pytest.mark.slow
@pytest.mark.parametrize("runs", [2, 4])
def test_imports_at_once_never_double_an_article(tmp_path, runs):
    pages = batch(tmp_path / "pages", 40)
    env = {**os.environ, "READER_LIBRARY": str(tmp_path / "lib")}
    with Library.open(tmp_path / "lib"):
        pass  # created; the race under test is the one between imports
    imports = [
        subprocess.Popen(
            [sys.executable, "-m", "reader", "import", "--json", "--workers", "1", str(tmp_path / "pages")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(runs)
    ]
    outcomes = [json.loads(finish(p, timeout=300)) for p in imports]
    statuses = [o["status"] for run in outcomes for o in (run if isinstance(run, list) else run["outcomes"])]
    assert statuses.count("imported") == len(pages)
    assert statuses.count("duplicate") == len(pages) * (runs - 1)
    with Library.open(tmp_path / "lib") as library:
        assert library.count() == len(pages)
        assert len({a.url for a in library.iter_articles()}) == len(pages)


def test_a_tag_is_one_tag_however_it_is_typed(library, tmp_path):
    [page] = batch(tmp_path / "pages", 1)
    [outcome] = library.import_paths([page], workers=1)
    library.add_tags(outcome.id, ["Rivers"])
    library.add_tags(outcome.id, ["rivers", "RIVERS", "#Ocean  life"])
    assert library.get(outcome.id).tags == ("Ocean life", "Rivers")  # first spelling kept
    library.add_highlight(outcome.id, 0, 5, tags=["ocean LIFE"])
    assert library.tags() == [("Ocean life", 1), ("Rivers", 1)]
    assert [a.id for a in library.iter_articles(tag="rIvErS")] == [outcome.id]
    assert len(library.all_highlights(tag="OCEAN life")) == 1
    library.remove_tags(outcome.id, ["RIVERS"])
    assert library.get(outcome.id).tags == ("Ocean life",)


def test_a_read_only_library_is_read_not_called_damaged(tmp_path):
    [page] = batch(tmp_path / "pages", 1)
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
    with Library(tmp_path / "lib", read_only=True) as library:
        assert library.get(outcome.id).title.startswith("Article")
        with pytest.raises(LibraryError, match=r"read-only \(nothing is wrong with it\)"):
            library.set_note(outcome.id, "x")


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root; the read-only engine is tested above"
)
def test_a_library_in_a_read_only_folder_opens_for_reading(tmp_path):
    [page] = batch(tmp_path / "pages", 1)
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([page], workers=1)
    (folder / "library.db").chmod(0o444)
    folder.chmod(0o555)
    try:
        env = {**os.environ, "READER_LIBRARY": str(folder)}
        listed = subprocess.run(
            [sys.executable, "-m", "reader", "list", "--json"], capture_output=True, text=True, env=env, timeout=60
        )
        assert listed.returncode == 0, listed.stderr
        noted = subprocess.run(
            [sys.executable, "-m", "reader", "note", str(outcome.id), "x"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert noted.returncode == 1 and "read-only" in noted.stderr and "damaged" not in noted.stderr
    finally:
        folder.chmod(0o755)


def test_another_programs_database_with_alembic_is_not_ours(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    conn = sqlite3.connect(folder / "library.db")
    conn.executescript(
        "CREATE TABLE alembic_version (version_num TEXT); INSERT INTO alembic_version VALUES ('ab12');"
        "CREATE TABLE invoices (total REAL);"
    )
    conn.commit()
    conn.close()
    before = (folder / "library.db").read_bytes()
    with pytest.raises(LibraryError, match="not a Reader library"):
        Library.open(folder)
    assert (folder / "library.db").read_bytes() == before


def test_any_change_elsewhere_changes_the_signature_the_window_polls(tmp_path):
    [page] = batch(tmp_path / "pages", 1)
    with Library.open(tmp_path / "lib") as window:
        [outcome] = window.import_paths([page])
        before = window.signature()
        assert window.signature() == before  # steady while nothing changes
        with Library.open(tmp_path / "lib") as command_line:
            command_line.add_highlight(outcome.id, 0, 8)  # a highlight, not an article edit
        after = window.signature()
        assert after != before
        assert window.signature() == after


TAGGER = """
    import sys, time
    from pathlib import Path
    from reader.core.library import Library
    folder, article, name, go, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5])
    with Library.open(folder) as library:
        ready.touch()
        while not go.exists():
            time.sleep(0.001)
        for i in range(12):
            library.add_tags(article, [f"{name}-{i}"])
"""


def test_tags_added_at_once_by_several_processes_are_all_kept(tmp_path):
    """`reader tag` in several terminals, or the window and a script, on one
    article: each added tag stays (the tags were read, then written apart, and
    the last writer's list replaced the others': 73 of 90 tags lost)."""
    [page] = batch(tmp_path / "pages", 1)
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{n}" for n in range(4)]
    taggers = [python(TAGGER, tmp_path / "lib", outcome.id, f"p{n}", go, mark) for n, mark in enumerate(ready)]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    for tagger in taggers:
        finish(tagger)
    with Library.open(tmp_path / "lib") as library:
        assert sorted(library.get(outcome.id).tags) == sorted(f"p{n}-{i}" for n in range(4) for i in range(12))


def test_a_library_held_too_long_by_another_program_is_one_line_and_nothing_changes(tmp_path, monkeypatch):
    """Another program holding the write lock past the busy timeout: the command
    says so in one line naming the library (it was a traceback), and writes nothing."""
    from reader import cli
    from reader.core.storage import db

    [page] = batch(tmp_path / "pages", 1)
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)  # the wait, not what follows it, is 10 s in use
    holder = sqlite3.connect(tmp_path / "lib" / "library.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for args in (["note", outcome.id, "my note"], ["tag", outcome.id, "rivers"], ["delete", outcome.id]):
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = cli.main(["--library", str(tmp_path / "lib"), *map(str, args)])
            assert code == 1, args
            lines = err.getvalue().splitlines()
            assert len(lines) == 1 and "Traceback" not in err.getvalue(), err.getvalue()
            assert str(tmp_path / "lib" / "library.db") in lines[0] and "another program" in lines[0], lines
    finally:
        holder.rollback()
        holder.close()
    with Library.open(tmp_path / "lib") as library:
        article = library.get(outcome.id)
        assert (article.note, article.tags) == ("", ())


@contextlib.contextmanager
def _read_only_disk(folder: Path):
    """`folder` on a read-only file system (a bind mount of itself), where even root
    cannot write: a backup drive mounted read-only, a snapshot, a disc."""
    import shutil

    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root (a read-only folder is tested without it above)")
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip("this system does not allow mounting here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_library_on_a_read_only_disk_is_read_and_checked(tmp_path):
    """SQLite opens a WAL library only through its -shm file, which cannot be made
    on a read-only disk: every command said 'unable to open database file'; `check`
    then called the search index damaged (its check is an INSERT)."""
    [page] = batch(tmp_path / "pages", 1)
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([page], workers=1)
    assert not (folder / "library.db-shm").exists()  # closed: SQLite removed it
    env = {**os.environ, "READER_LIBRARY": str(folder)}

    def reader(*args: object) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "reader", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)

    with _read_only_disk(folder):
        listed = reader("list", "--json")
        assert listed.returncode == 0 and [a["id"] for a in json.loads(listed.stdout)] == [outcome.id], listed.stderr
        checked = reader("check")
        assert checked.returncode == 0 and checked.stdout.strip().endswith(": ok"), checked.stderr
        exported = reader("export", "--all", "--out", tmp_path / "out")
        assert exported.returncode == 0, exported.stderr
        noted = reader("note", outcome.id, "x")
        assert noted.returncode == 1 and "read-only (nothing is wrong with it)" in noted.stderr, noted.stderr
