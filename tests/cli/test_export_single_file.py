"""`reader export --out FILE` writes its one file only where no file is, or over the
bytes Reader last wrote there: a file of the user's (or Reader's, edited since) is
refused, byte for byte untouched, unless --force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from reader.core.export import FORMATS

TITLE = "The Quiet Rivers of the North"
MINE = b"my own notes\n"


def refusal(name: str) -> str:
    return f"reader: {name} exists and Reader did not write it (or it was changed since): nothing written; --force replaces it"


@pytest.fixture
def article_id(run, article_page):
    [outcome] = json.loads(run("import", "--workers", "1", article_page, "--json").stdout)
    run("highlight", outcome["id"], "--quote", "listening posts", "--note", "good name")
    return outcome["id"]


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "html", "bibtex", "csl-json", "hypothesis", "anki"])
def test_a_file_of_the_users_is_refused_then_replaced_with_force(run, article_id, tmp_path, fmt):
    (tmp_path / "docs").mkdir()
    name = f"docs/notes{FORMATS[fmt].suffix}"
    (tmp_path / name).write_bytes(MINE)

    refused = run("export", "--all", "--format", fmt, "--out", name, check=False)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [refusal(name)]
    assert (tmp_path / name).read_bytes() == MINE
    assert os.listdir(tmp_path / "docs") == [name[5:]]  # no temporary file left either

    run("export", "--all", "--format", fmt, "--out", name, "--force")
    exported = (tmp_path / name).read_bytes()
    assert exported != MINE and (TITLE.encode() in exported or zipfile.is_zipfile(tmp_path / name))
    # Now Reader's own: exported again without --force.
    run("export", "--all", "--format", fmt, "--out", name)


def test_a_file_reader_wrote_is_exported_again_until_the_user_edits_it(run, article_id, tmp_path):
    out = tmp_path / "notes.md"
    run("export", "--all", "--out", "notes.md")
    run("highlight", article_id, "--quote", "We expected the rivers to sleep")
    again = run("export", "--all", "--out", "notes.md")
    assert "1 files written" in again.stderr
    assert "We expected the rivers to sleep" in out.read_text("utf-8")  # replaced: a re-export

    mine = out.read_bytes() + b"\nMy thoughts, added in my editor.\n"
    out.write_bytes(mine)
    run("note", article_id, "a change, so the export has new bytes to write")
    refused = run("export", "--all", "--out", "notes.md", check=False)
    assert refused.returncode == 1 and refused.stderr.splitlines() == [refusal("notes.md")]
    assert out.read_bytes() == mine

    run("export", "--all", "--out", "notes.md", "--force")
    assert out.read_bytes() != mine and "a change, so the export" in out.read_text("utf-8")


def test_a_link_to_a_file_of_the_users_is_refused_and_a_redirected_stdout_written(run, article_id, tmp_path):
    theirs = tmp_path / "elsewhere" / "notes.json"
    theirs.parent.mkdir()
    theirs.write_bytes(MINE)
    (tmp_path / "notes.json").symlink_to(theirs)
    refused = run("export", "--all", "--format", "json", "--out", "notes.json", check=False)
    assert refused.returncode == 1 and refused.stderr.splitlines() == [refusal("notes.json")]
    assert theirs.read_bytes() == MINE and (tmp_path / "notes.json").is_symlink()

    # `--out /dev/stdout > FILE`: the shell made the file for the export, which writes into it.
    deck = tmp_path / "deck.apkg"
    with open(deck, "wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "export", "--all", "--format", "anki", "--out", "/dev/stdout"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert zipfile.is_zipfile(deck) and deck.read_bytes()[:2] == b"PK"  # the deck alone: no report in it
    # Any format: the same bytes as into a file (the list of what was written goes to stderr).
    for fmt, name in (("md", "all.md"), ("json", "all.json")):
        run("export", "--all", "--format", fmt, "--out", name)
        piped = tmp_path / f"piped-{name}"
        with open(piped, "wb") as stdout:
            done = subprocess.run(
                [sys.executable, "-m", "reader", "export", "--all", "--format", fmt, "--out", "/dev/stdout"],
                stdout=stdout,
                stderr=subprocess.PIPE,
                cwd=tmp_path,
                timeout=120,
            )
        assert done.returncode == 0, done.stderr
        assert piped.read_bytes() == (tmp_path / name).read_bytes()


def test_exports_in_many_processes_at_once_leave_whole_files_each_known_as_readers(run, article_id, tmp_path):
    """Two exports into one new file, and two into files of their own, at once: each
    succeeds, the shared file is one whole export, and every file is Reader's
    afterwards (exported again without --force) until the user changes it."""
    run("highlight", article_id, "--quote", "We expected the rivers to sleep")
    commands = [
        ("--format", "json", "--out", "same.json"),
        ("--format", "hypothesis", "--out", "same.json"),
        ("--format", "csv", "--out", "a.csv"),
        ("--format", "bibtex", "--out", "b.bib"),
    ]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "reader", "export", "--all", *args],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    for child in children:
        _out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err
    # One whole export, byte for byte the one or the other (not a mix, not a half).
    run("export", "--all", "--format", "json", "--out", "alone.json")
    run("export", "--all", "--format", "hypothesis", "--out", "alone-h.json")
    alone = {(tmp_path / name).read_bytes() for name in ("alone.json", "alone-h.json")}
    assert (tmp_path / "same.json").read_bytes() in alone and len(alone) == 2
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []

    run("note", article_id, "new bytes for every format")
    for args in commands:
        run("export", "--all", *args)  # each file recorded as Reader wrote it: no --force needed
    edited = (tmp_path / "same.json").read_bytes() + b"\n"
    (tmp_path / "same.json").write_bytes(edited)
    refused = run("export", "--all", "--format", "json", "--out", "same.json", check=False)
    assert refused.returncode == 1 and (tmp_path / "same.json").read_bytes() == edited


def test_a_registry_that_cannot_be_kept_writes_nothing_and_says_why(run, article_id, tmp_path, monkeypatch):
    """With the list of exported files a folder (or its folder a file), the export wrote its
    file and then failed naming a temporary file: the file was Reader's, but never recorded,
    so every later export refused it. Now nothing is written, and one line says where and why."""
    state = tmp_path / "state-dir"
    (state / "exported-files.json").mkdir(parents=True)
    monkeypatch.setenv("READER_STATE_DIR", str(state))
    refused = run("export", "--all", "--out", "notes.md", check=False)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"reader: {state / 'exported-files.json'}: Reader cannot keep its list of exported files there "
        "(it is not a file); nothing written"
    ]
    assert not (tmp_path / "notes.md").exists()

    blocked = tmp_path / "state-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("READER_STATE_DIR", str(blocked))
    refused = run("export", "--all", "--out", "notes.md", check=False)
    assert refused.returncode == 1 and "is not a folder); nothing written" in refused.stderr
    assert not (tmp_path / "notes.md").exists()

    (state / "exported-files.json").rmdir()
    monkeypatch.setenv("READER_STATE_DIR", str(state))
    run("export", "--all", "--out", "notes.md")
    run("note", article_id, "changed since")
    run("export", "--all", "--out", "notes.md")  # recorded: replaced without --force
    assert "changed since" in (tmp_path / "notes.md").read_text("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_re_export_keeps_the_permissions_the_user_gave_the_file(run, article_id, tmp_path):
    """A re-export replaced the file with a new one of the default permissions: notes the
    user had made private (chmod 600) became readable by everyone."""
    out = tmp_path / "notes.md"
    run("export", "--all", "--out", "notes.md")
    out.chmod(0o600)
    run("note", article_id, "private thoughts")
    run("export", "--all", "--out", "notes.md")
    assert "private thoughts" in out.read_text("utf-8")
    assert out.stat().st_mode & 0o777 == 0o600
