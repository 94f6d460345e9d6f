"""Ways an incremental export could end unlike a fresh one, or lose a user's file
(found in review of the incremental export)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pages import import_one, saved_page

from reader.core.export import MANIFEST, export_articles


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and MANIFEST not in p.name}


def test_a_title_changed_back_onto_the_users_edited_file_is_written_beside_it(library, tmp_path):
    """The user edits an exported file; the article is renamed (the edited file is
    kept) and then renamed back: its text goes beside the user's file, as a fresh
    export puts it, not nowhere."""
    pages = tmp_path / "pages"
    alpha = import_one(library, saved_page(pages, "alpha"))
    out = tmp_path / "out"
    export_articles(library, "md", out)
    (out / "Alpha.md").write_text("my own edits\n", "utf-8")
    library.set_title(alpha, "Renamed")
    result = export_articles(library, "md", out)
    assert result.kept == (out / "Alpha.md",)
    library.set_title(alpha, "Alpha")
    library.set_note(alpha, "the latest note")
    export_articles(library, "md", out)
    assert (out / "Alpha.md").read_text("utf-8") == "my own edits\n"
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == {"Alpha.md": b"my own edits\n", f"Alpha ({alpha}).md": _snapshot(fresh)["Alpha.md"]}
    assert "the latest note" in (out / f"Alpha ({alpha}).md").read_text("utf-8")


@pytest.mark.sqlite_only  # the library file itself is restored
@pytest.mark.parametrize("made", ["reader backup", "file copy"])
@pytest.mark.parametrize("how", ["copied over", "moved into place"])
@pytest.mark.parametrize("what", ["article note", "highlight note"])
def test_a_library_restored_from_a_backup_is_exported_as_it_is(library_location, tmp_path, request, made, how, what):
    """A backup restored over the library, then changed as much as the lost history
    was: the folder shows the restored library, not the history that was lost."""
    from reader.core import Library

    pages = tmp_path / "pages"
    out = tmp_path / "out"
    db = library_location / "library.db"
    backup = tmp_path / "backup.db"

    def change(library: Library, note: str) -> None:
        if what == "article note":
            library.set_note(alpha, note)
        else:
            library.update_highlight(marked.id, note=note)

    with Library.open(library_location) as library:
        alpha = import_one(library, saved_page(pages, "alpha"))
        marked = library.highlight_quote(alpha, "the subject of this page")
        export_articles(library, "md", out)
        if made == "reader backup":
            library.backup(backup)
    if made == "file copy":
        shutil.copyfile(db, backup)  # with Reader closed
    with Library.open(library_location) as library:
        change(library, "a note of the history to be lost")
        export_articles(library, "md", out)
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    if how == "copied over":
        shutil.copyfile(backup, db)
    else:
        shutil.copyfile(backup, tmp_path / "restored.db")
        os.replace(tmp_path / "restored.db", db)
    with Library.open(library_location) as library:
        change(library, "the note after the restore")
        export_articles(library, "md", out)
        fresh = tmp_path / "fresh"
        export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)


@pytest.mark.sqlite_only  # the library file itself is restored
def test_a_copy_restored_by_hand_then_changed_further_than_the_lost_history_is_exported_as_it_is(
    library_location, tmp_path
):
    """A plain copy of the file restored over the library; the lost history changed one
    article, the new one changes another, more often (its numbers pass the folder's): the
    folder loses the lost change too, as a fresh export would show."""
    from reader.core import Library

    pages = tmp_path / "pages"
    out = tmp_path / "out"
    db = library_location / "library.db"
    with Library.open(library_location) as library:
        alpha = import_one(library, saved_page(pages, "alpha"))
        beta = import_one(library, saved_page(pages, "beta"))
        export_articles(library, "md", out)
    shutil.copyfile(db, tmp_path / "copy.db")  # with Reader closed
    with Library.open(library_location) as library:
        library.set_note(beta, "a note of the history to be lost")
        export_articles(library, "md", out)
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "copy.db", db)
    with Library.open(library_location) as library:
        for n in range(4):
            library.set_note(alpha, f"alpha's note, take {n}")
        export_articles(library, "md", out)
        fresh = tmp_path / "fresh"
        export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)
    assert not any("history to be lost" in text.decode() for text in _snapshot(out).values())


def _waiting_for_lock(pid: int) -> bool:
    """Linux: the process sleeps. `reader export` sleeps only while it polls the
    export folder's lock (seen in its stack: filelock's poll, from export_to_folder)."""
    try:
        with open(f"/proc/{pid}/wchan") as f:
            return f.read().strip() == "hrtimer_nanosleep"
    except OSError:
        return False


@pytest.mark.sqlite_only  # the folder's manifest is the same on both backends
def test_two_exports_into_one_folder_at_once_both_finish(library, library_location, tmp_path):
    """The window's vault keeper and `reader export` into the same folder at once: the
    second waits for the first; neither stops with an error, the folder ends whole."""
    import subprocess
    import sys
    import time

    for name in ("alpha", "beta", "gamma"):
        import_one(library, saved_page(tmp_path / "pages", name))
    out = tmp_path / "vault"
    go = tmp_path / "go"
    started = tmp_path / "started"
    # Stops after its first batch of files until told to go on (20 s at most).
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from reader.core import Library\n"
        "from reader.core.export import export_articles\n"
        "def hold(done, total):\n"
        "    Path(sys.argv[3]).touch()\n"
        "    end = time.monotonic() + 20\n"
        "    while not Path(sys.argv[4]).exists() and time.monotonic() < end:\n"
        "        time.sleep(0.05)\n"
        "with Library.open(sys.argv[1]) as library:\n"
        "    export_articles(library, 'md', sys.argv[2], progress=hold)\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", script, str(library_location), str(out), str(started), str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists()
        cli = [sys.executable, "-m", "reader", "--library", str(library_location), "export", "--all", "--out", str(out)]
        second = subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Done, or waiting for the first (5 s at most; seen sooner where /proc shows it).
        deadline = time.monotonic() + 5
        while second.poll() is None and time.monotonic() < deadline and not _waiting_for_lock(second.pid):
            time.sleep(0.05)
        go.touch()
        _, first_err = first.communicate(timeout=120)
        _, second_err = second.communicate(timeout=120)
    finally:
        first.kill()
    assert (first.returncode, first_err) == (0, "")
    assert second.returncode == 0 and "Traceback" not in second_err, second_err
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)
    again = export_articles(library, "md", out)
    assert (again.written, again.kept) == ((), ())


def test_a_copied_library_that_went_its_own_way_is_exported_as_it_is(library, library_location, tmp_path):
    """reader copy-library, then both libraries changed (the same highlight, the same
    number of changes): the copy's export into the original's folder shows the copy."""
    from reader.core import Library
    from reader.core.library import copy_library

    alpha = import_one(library, saved_page(tmp_path / "pages", "alpha"))
    marked = library.highlight_quote(alpha, "the subject of this page")
    out = tmp_path / "vault"
    export_articles(library, "md", out)
    copy_library(library_location, tmp_path / "copy")
    library.update_highlight(marked.id, note="written in the original")
    export_articles(library, "md", out)
    with Library.open(tmp_path / "copy") as copy:
        copy.update_highlight(marked.id, note="written in the copy")
        export_articles(copy, "md", out)
        fresh = tmp_path / "fresh"
        export_articles(copy, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)
    assert "written in the copy" in (out / "Alpha.md").read_text("utf-8")


@pytest.mark.sqlite_only  # the library only gives the article records
@pytest.mark.parametrize("kind", ["file", "broken link"])
def test_a_users_file_made_while_an_export_runs_is_never_overwritten(library, tmp_path, kind):
    """A file of the user's (or one a sync tool brings) appears, with the name an
    article is about to take, after the export listed the folder: left as it is."""
    import dataclasses

    from reader.core.export.folder import BATCH

    alpha = import_one(library, saved_page(tmp_path / "pages", "alpha"))
    [record] = library.get_many([alpha])
    articles = [dataclasses.replace(record, id=i, uid=f"u{i}", title=f"T{i}") for i in range(1, 2 * BATCH + 2)]
    out = tmp_path / "out"
    last = out / f"T{2 * BATCH + 1}.md"

    def progress(done: int, total: int) -> None:
        if not os.path.lexists(last):  # after the first batch: the last one is not written yet
            if kind == "file":
                last.write_text("the user's note\n", "utf-8")
            else:
                last.symlink_to(tmp_path / "on a drive not mounted.md")

    result = export_articles(articles, "md", out, progress=progress)
    if kind == "file":
        assert last.read_text("utf-8") == "the user's note\n"
    else:
        assert last.is_symlink() and not last.exists()
    assert last in result.kept


def test_an_upgrade_of_a_json_manifest_killed_before_it_committed_is_done_again(library, tmp_path):
    """An export killed while it moved an older Reader's `.reader-export.json` into the
    new manifest leaves the database file created, nothing in it: the next export
    still reads the JSON manifest, and the older Reader's files stay known as Reader's."""
    import hashlib
    import json

    from reader.core.export.manifest import DATABASE, OLD_MANIFEST

    alpha = import_one(library, saved_page(tmp_path / "pages", "lambda", "Lambda"))
    out = tmp_path / "vault"
    (out / MANIFEST).mkdir(parents=True)
    (out / "Lambda.md").write_bytes(b"as an older Reader wrote it\n")
    digest = hashlib.sha256(b"as an older Reader wrote it\n").hexdigest()
    files = {library.get(alpha).uid: {"name": "Lambda.md", "sha256": digest}}
    (out / OLD_MANIFEST).write_text(json.dumps({"version": 2, "files": {"md": files}}), "utf-8")
    (out / MANIFEST / DATABASE).write_bytes(b"")  # opened, then killed before the first commit
    result = export_articles(library, "md", out)
    assert [p.name for p in result.written] == ["Lambda.md"] and result.kept == ()
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)


@pytest.mark.parametrize("workers", [False, True])
def test_an_article_deleted_by_another_process_during_an_export_does_not_stop_it(
    library, tmp_path, monkeypatch, workers
):
    """The window deletes an article while `reader export` (or the vault keeper) is
    half-way: the export finishes, and the next one removes the deleted article's file."""
    from reader.core.export import folder, renderpool

    monkeypatch.setattr(folder, "BATCH", 2)  # three batches of five articles
    if workers:
        monkeypatch.setattr(renderpool, "POOL_MIN", 1)
        monkeypatch.setattr(renderpool.os, "cpu_count", lambda: 2)
        monkeypatch.setattr(renderpool, "AHEAD", 1)
        monkeypatch.setattr(renderpool, "workers", lambda: 1)
    ids = [import_one(library, saved_page(tmp_path / "pages", f"page{i}", f"Page {i}")) for i in range(5)]
    out = tmp_path / "out"
    deleted: list[int] = []

    def progress(done: int, total: int) -> None:
        if not deleted:  # after the first batch: the last article is still to be read
            library.delete(ids[-1])
            deleted.append(ids[-1])

    result = export_articles(library, "md", out, progress=progress, prune=True)
    assert deleted and len(result.written) == 4
    export_articles(library, "md", out, prune=True)
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)


@pytest.mark.parametrize("change", ["titles swapped", "title taken from a renamed article"])
def test_a_name_passed_from_one_article_to_another_gets_the_new_article_s_text(library, tmp_path, change):
    """Two articles swap titles (or one takes the title another just gave up): each
    file gets the text of the article now named so, as a fresh export writes it; the
    files were Reader's, unchanged, so none is kept as if the user had edited it."""
    pages = tmp_path / "pages"
    alpha = import_one(library, saved_page(pages, "alpha"))
    beta = import_one(library, saved_page(pages, "beta"))
    out = tmp_path / "out"
    export_articles(library, "md", out)
    if change == "titles swapped":
        library.set_title(alpha, "Beta")
        library.set_title(beta, "Alpha")
    else:
        library.set_title(beta, "Gamma")
        library.set_title(alpha, "Beta")
    result = export_articles(library, "md", out)
    assert result.kept == ()
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)
    again = export_articles(library, "md", out)
    assert (again.written, again.kept) == ((), ())


def test_a_title_changed_only_in_case_leaves_one_file(library, tmp_path):
    """ "Alpha" retitled "ALPHA": one file, under the new name, as a fresh export writes
    it (not the old file left behind beside it where names differ by case)."""
    alpha = import_one(library, saved_page(tmp_path / "pages", "alpha"))
    out = tmp_path / "out"
    export_articles(library, "md", out)
    library.set_title(alpha, "ALPHA")
    export_articles(library, "md", out)
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == _snapshot(fresh)


@pytest.mark.sqlite_only  # two libraries of their own
def test_a_vault_kept_by_another_library_keeps_that_library_s_files(tmp_path):
    """The window's vault keeper is one setting for every library: opening another
    library syncs it into the same vault. The first library's notes, neither deleted
    nor without highlights, stay (they are removed only when their article is)."""
    from reader.core import Library
    from reader.core.export import sync_vault

    vault = tmp_path / "vault"
    with Library.open(tmp_path / "one") as one:
        alpha = import_one(one, saved_page(tmp_path / "p1", "alpha"))
        one.highlight_quote(alpha, "the subject of this page")
        sync_vault(one, vault)
    with Library.open(tmp_path / "two") as two:
        beta = import_one(two, saved_page(tmp_path / "p2", "beta"))
        two.highlight_quote(beta, "the subject of this page")
        result = sync_vault(two, vault)
    assert result.removed == ()
    assert sorted(_snapshot(vault)) == ["Alpha.md", "Beta.md"]
    # Its own deleted article's file still goes, as does the other library's once deleted there.
    with Library.open(tmp_path / "two") as two:
        two.delete(beta)
        assert [p.name for p in sync_vault(two, vault).removed] == ["Beta.md"]
    with Library.open(tmp_path / "one") as one:
        one.delete(alpha)
        assert [p.name for p in sync_vault(one, vault).removed] == ["Alpha.md"]
    assert _snapshot(vault) == {}


def test_a_worker_whose_python_prints_at_startup_renders_the_same_files(library, tmp_path, monkeypatch):
    """A Python whose startup prints (a sitecustomize, a .pth file): the export's worker
    answers are not read from that text (the export stopped with a MemoryError); the
    files are rendered all the same."""
    from reader.core.export import renderpool

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text("print('hello from the site')\n", "utf-8")
    for name in ("alpha", "beta"):
        import_one(library, saved_page(tmp_path / "pages", name))
    here = export_articles(library, "md", tmp_path / "here")
    monkeypatch.setattr(renderpool, "POOL_MIN", 1)
    monkeypatch.setattr(renderpool.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    there = export_articles(library, "md", tmp_path / "there")
    assert [p.read_bytes() for p in there.paths] == [p.read_bytes() for p in here.paths]
