"""Export never deletes or overwrites what it did not write (issue 12, section 4)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pages import import_one, saved_page

from reader.core import Library
from reader.core.export import MANIFEST, export_articles
from reader.core.export.manifest import OLD_MANIFEST, read_entries

TITLE = "The Quiet Rivers of the North"


def _files(folder: Path) -> list[str]:
    """The folder's files but the manifest (a database and its journal)."""
    return sorted(p.name for p in folder.iterdir() if MANIFEST not in p.name)


def _recorded(folder: Path, fmt: str = "md", edited: tuple[str, ...] = ()) -> dict[str, str]:
    """name -> sha256 recorded for each file; every recorded file exists and holds those
    bytes, but for the ones the user `edited`."""
    out = {}
    for entry in read_entries(folder, fmt).values():
        data = (folder / entry.name).read_bytes()
        if entry.name not in edited:
            assert hashlib.sha256(data).hexdigest() == entry.sha256, entry.name
        out[entry.name] = entry.sha256
    return out


@pytest.mark.sqlite_only  # SQLite reuses a deleted row id; PostgreSQL's sequences never do
def test_an_edited_file_survives_when_its_article_id_is_reused(library, tmp_path):
    pages = tmp_path / "pages"
    first = import_one(library, saved_page(pages, "alpha", "Alpha"))
    second = import_one(library, saved_page(pages, "beta", "Beta"))
    out = tmp_path / "vault"
    export_articles(library, "md", out, ids=[second])
    edited = (out / "Beta.md").read_bytes() + b"\nMy own thoughts, written in my vault.\n"
    (out / "Beta.md").write_bytes(edited)

    library.delete(second)
    again = import_one(library, saved_page(pages, "beta", "Beta"))  # the same page, back
    assert again == second  # SQLite gave the row id again: what the old manifest keyed on
    result = export_articles(library, "md", out)
    assert (out / "Beta.md").read_bytes() == edited
    assert result.removed == ()
    assert sorted(p.name for p in result.paths) == ["Alpha.md", f"Beta ({second}).md"]
    assert first != second

    # The same article's own file, edited by the user, is left alone and reported.
    export_articles(library, "md", out, ids=[again])
    mine = (out / f"Beta ({second}).md").read_bytes() + b"\nmore of mine\n"
    (out / f"Beta ({second}).md").write_bytes(mine)
    library.add_tags(again, ["changed"])
    result = export_articles(library, "md", out, ids=[again])
    assert result.kept == (out / f"Beta ({second}).md",) and result.written == ()
    assert (out / f"Beta ({second}).md").read_bytes() == mine
    # ... also when its title changes: the old, edited file is not removed.
    library.set_title(again, "Beta renamed")
    result = export_articles(library, "md", out, ids=[again])
    assert result.removed == () and (out / f"Beta ({second}).md").read_bytes() == mine
    assert out / f"Beta ({second}).md" in result.kept and (out / "Beta renamed.md").exists()
    # The edited file is the user's now: no longer in the manifest, never touched again.
    assert set(_recorded(out, edited=("Beta.md",))) == {"Alpha.md", "Beta.md", "Beta renamed.md"}


def test_an_unchanged_file_is_still_replaced_and_removed(library, tmp_path):
    article = import_one(library, saved_page(tmp_path / "pages", "gamma", "Gamma"))
    out = tmp_path / "vault"
    export_articles(library, "md", out)
    library.add_tags(article, ["one"])
    assert export_articles(library, "md", out).written == (out / "Gamma.md",)
    library.set_title(article, "Gamma two")
    result = export_articles(library, "md", out)
    assert result.removed == (out / "Gamma.md",) and result.kept == ()
    assert _files(out) == ["Gamma two.md"]
    assert list(_recorded(out)) == ["Gamma two.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_file_the_user_made_private_stays_private_when_written_again(library, tmp_path):
    article = import_one(library, saved_page(tmp_path / "pages", "gamma", "Gamma"))
    out = tmp_path / "vault"
    export_articles(library, "md", out)
    (out / "Gamma.md").chmod(0o600)
    library.add_tags(article, ["one"])
    assert export_articles(library, "md", out).written == (out / "Gamma.md",)
    assert (out / "Gamma.md").stat().st_mode & 0o777 == 0o600


def test_two_libraries_in_one_folder_do_not_delete_each_other(tmp_path):
    out = tmp_path / "vault"
    one = Library.open(tmp_path / "one")
    two = Library.open(tmp_path / "two")
    try:
        a1 = import_one(one, saved_page(tmp_path / "p1", "delta", "Delta"))
        a2 = import_one(two, saved_page(tmp_path / "p2", "epsilon", "Delta"))  # same id, same title
        assert a1 == a2
        export_articles(one, "md", out)
        first = (out / "Delta.md").read_bytes()
        result = export_articles(two, "md", out)
        assert [p.name for p in result.paths] == [f"Delta ({a2}).md"]
        two.set_title(a2, "Epsilon")
        result = export_articles(two, "md", out)
        assert result.removed == (out / f"Delta ({a2}).md",)  # its own old file only
        assert (out / "Delta.md").read_bytes() == first
        one.set_title(a1, "Delta again")
        export_articles(one, "md", out)
        assert _files(out) == ["Delta again.md", "Epsilon.md"]
        assert set(_recorded(out)) == {"Delta again.md", "Epsilon.md"}
    finally:
        one.close()
        two.close()


def test_an_old_manifest_never_costs_a_file(library, tmp_path):
    article = import_one(library, saved_page(tmp_path / "pages", "zeta", "Zeta"))
    out = tmp_path / "vault"
    out.mkdir()
    # Written by an older Reader (keyed by id, no hashes), then edited by the user; and an
    # entry for a title the article no longer has.
    (out / "Zeta.md").write_text("edited by me\n", "utf-8")
    (out / "Zeta old title.md").write_text("also mine now\n", "utf-8")
    (out / OLD_MANIFEST).write_text(
        json.dumps({"version": 1, "files": {"md": {str(article): "Zeta.md", "99": "Zeta old title.md"}}}), "utf-8"
    )
    result = export_articles(library, "md", out)
    assert result.kept == (out / "Zeta.md",) and result.removed == ()
    assert (out / "Zeta.md").read_text("utf-8") == "edited by me\n"
    assert (out / "Zeta old title.md").read_text("utf-8") == "also mine now\n"
    assert (out / MANIFEST).exists() and not (out / OLD_MANIFEST).exists()  # upgraded once
    # Once the user removes the old file, the export writes it and takes it over.
    (out / "Zeta.md").unlink()
    result = export_articles(library, "md", out)
    assert result.written == (out / "Zeta.md",) and result.kept == ()
    assert list(_recorded(out)) == ["Zeta.md"]
    assert (out / "Zeta old title.md").exists()


def test_stale_temporaries_of_a_killed_export_are_removed(library, tmp_path):
    import_one(library, saved_page(tmp_path / "pages", "eta", "Eta"))
    out = tmp_path / "vault"
    out.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(gone.stdout)
    stale = out / f".Eta.md.reader-{dead_pid}-1234.tmp"
    live = out / f".Other.md.reader-{os.getpid()}-1234.tmp"  # a running export's
    user = out / ".my.reader-notes.tmp"
    for path in (stale, live, user):
        path.write_text("partial", "utf-8")
    export_articles(library, "md", out)
    assert not stale.exists() and live.exists() and user.exists()


def test_a_failed_template_records_nothing_it_did_not_write(library, tmp_path):
    first = import_one(library, saved_page(tmp_path / "pages", "theta", "Theta"))
    import_one(library, saved_page(tmp_path / "pages", "iota", "Iota"))
    out = tmp_path / "vault"
    template = tmp_path / "t.md.j2"
    template.write_text(
        "# {{ article.title }}\n{% if article.id != FIRST %}{{ article.nope }}{% endif %}\n".replace(
            "FIRST", str(first)
        ),
        "utf-8",
    )
    with pytest.raises(ValueError, match="nope"):
        export_articles(library, "md", out, template=template)
    written = _files(out)
    assert set(_recorded(out)) == set(written)  # whatever exists is recorded, nothing more
    assert "Iota.md" not in written


def test_a_json_manifest_is_read_once_and_its_files_stay_reader_s(library, tmp_path):
    """A folder from the version that kept `.reader-export.json` (and a journal of a
    killed export): its entries move into the new manifest, hashes and all."""
    first = import_one(library, saved_page(tmp_path / "pages", "lambda", "Lambda"))
    second = import_one(library, saved_page(tmp_path / "pages", "mu", "Mu"))
    out = tmp_path / "vault"
    out.mkdir()
    (out / "Lambda.md").write_bytes(b"as an older Reader wrote it\n")
    (out / "Mu.md").write_bytes(b"as a killed older export wrote it\n")
    (out / "Nu.md").write_bytes(b"the user's own\n")

    def digest(name: str) -> str:
        return hashlib.sha256((out / name).read_bytes()).hexdigest()

    uids = {library.get(first).uid: "Lambda.md", library.get(second).uid: "Mu.md"}
    files = {uid: {"name": name, "sha256": digest(name)} for uid, name in uids.items() if name == "Lambda.md"}
    (out / OLD_MANIFEST).write_text(json.dumps({"version": 2, "files": {"md": files}}), "utf-8")
    journal = {"format": "md", "key": library.get(second).uid, "name": "Mu.md", "sha256": digest("Mu.md")}
    (out / ".reader-export.journal").write_text(json.dumps(journal) + "\n", "utf-8")

    result = export_articles(library, "md", out)
    # Both proved Reader's (by the manifest, by the journal): replaced, not left alone.
    assert sorted(p.name for p in result.written) == ["Lambda.md", "Mu.md"] and result.kept == ()
    assert (out / "Nu.md").read_bytes() == b"the user's own\n"
    assert not (out / OLD_MANIFEST).exists() and not (out / ".reader-export.journal").exists()
    assert set(_recorded(out)) == {"Lambda.md", "Mu.md"}


def test_a_link_at_the_temporary_name_is_not_written_through(tmp_path):
    """The temporary file's name is predictable: a link someone put there must not
    have the export write into the file it points to (outside the folder)."""
    import threading

    from reader.core.export.writing import write_atomic

    outside = tmp_path / "outside.txt"
    outside.write_text("someone's file")
    out = tmp_path / "vault"
    out.mkdir()
    tmp = out / f".Note.md.reader-{os.getpid()}-{threading.get_ident()}.tmp"
    tmp.symlink_to(outside)
    assert write_atomic(out / "Note.md", "the export")
    assert outside.read_text() == "someone's file"
    assert (out / "Note.md").read_text() == "the export" and not (out / "Note.md").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == ["Note.md"]


def test_a_link_the_user_put_in_place_of_a_file_is_left_alone(library, tmp_path):
    """The user moved an exported note elsewhere and linked it back: the link is
    theirs, whatever it holds. It was replaced by a file when the article changed,
    and removed when it lost its highlights (the bytes it led to proved it Reader's)."""
    from reader.core.export import sync_vault

    article = import_one(library, saved_page(tmp_path / "pages", "alpha", "Alpha"))
    library.add_highlight(article, 0, 5)
    vault, elsewhere = tmp_path / "vault", tmp_path / "notes"
    sync_vault(library, vault)
    elsewhere.mkdir()
    (vault / "Alpha.md").rename(elsewhere / "Alpha.md")
    (vault / "Alpha.md").symlink_to(elsewhere / "Alpha.md")
    kept = (elsewhere / "Alpha.md").read_bytes()

    library.add_highlight(article, 10, 20)
    result = sync_vault(library, vault)
    assert result.kept == (vault / "Alpha.md",) and result.written == ()
    assert (vault / "Alpha.md").is_symlink() and (elsewhere / "Alpha.md").read_bytes() == kept

    for highlight in library.highlights(article):
        library.delete_highlight(highlight.id)
    result = sync_vault(library, vault)
    assert result.removed == ()
    assert (vault / "Alpha.md").is_symlink() and (elsewhere / "Alpha.md").read_bytes() == kept


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_single_file_export_writes_into_a_pipe_or_through_a_link_never_over_them(library, tmp_path):
    """`--out` naming a pipe another program reads (or /dev/null: as root, the
    device itself) had it replaced by a regular file; a link to the user's file,
    replaced by a file of its own (the file it led to left as it was)."""
    import threading

    article = import_one(library, saved_page(tmp_path / "pages", "alpha", "Alpha"))
    library.add_highlight(article, 0, 5)
    pipe = tmp_path / "stream.json"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    export_articles(library, "json", pipe)
    reader.join(30)
    assert pipe.is_fifo() and json.loads(received[0])["type"] == "AnnotationCollection"

    # A link to a file Reader wrote: that file is exported again, through the link.
    target, link = tmp_path / "dropbox" / "all.json", tmp_path / "all.json"
    export_articles(library, "json", target)
    library.add_highlight(article, 6, 9)
    link.symlink_to(target)
    export_articles(library, "json", link)
    assert link.is_symlink() and len(json.loads(target.read_text("utf-8"))["first"]["items"]) == 2
    assert sorted(p.name for p in target.parent.iterdir()) == ["all.json"]


def test_the_record_of_single_files_forgets_files_that_are_gone_and_keeps_the_latest(library, tmp_path, monkeypatch):
    """The registry of single files Reader wrote stays small: a file deleted since is
    forgotten, and past MAX_ENTRIES the oldest are (then refused, the safe way round)."""
    from reader.core.export import single_file as singles

    monkeypatch.setattr(singles, "MAX_ENTRIES", 3)
    article = import_one(library, saved_page(tmp_path / "pages", "alpha", "Alpha"))
    paths = [tmp_path / "out" / f"{n}.json" for n in "abcde"]
    for path in paths:
        export_articles(library, "json", path)

    def recorded() -> set[str]:
        return set(json.loads(singles.registry_file().read_text("utf-8"))["files"])

    assert recorded() == {os.path.realpath(p) for p in paths[2:]}
    paths[4].unlink()
    library.add_highlight(article, 0, 5)
    export_articles(library, "json", paths[3])
    assert recorded() == {os.path.realpath(p) for p in paths[2:4]}

    before = paths[0].read_bytes()
    with pytest.raises(singles.NotReaderFile, match=r"a\.json exists and Reader did not write it"):
        export_articles(library, "json", paths[0])
    assert paths[0].read_bytes() == before
    export_articles(library, "json", paths[0], force=True)
    assert json.loads(paths[0].read_text("utf-8"))["total"] == 1


def test_single_file_exports_at_once_each_leave_their_file_known_as_readers(library, tmp_path):
    """Exports writing at once (threads here, processes in tests/cli): two alternating into
    one file, four into files of their own, round after round. None is refused (each
    sees what the others wrote) and every file stays recorded: none is lost from the
    registry, and none recorded with bytes another export replaced."""
    import threading

    from reader.core.export import single_file as singles

    article = import_one(library, saved_page(tmp_path / "pages", "alpha", "Alpha"))
    library.add_highlight(article, 0, 5)
    library.add_highlight(article, 6, 9)
    [full] = library.get_many([article])
    one = replace(full, highlights=full.highlights[:1])  # other bytes for the same file
    out = tmp_path / "out"
    jobs = [([full], out / "same.json"), ([one], out / "same.json")]
    jobs += [([full], out / f"own{i}.json") for i in range(4)]
    failures: list[BaseException] = []

    def work(articles, path) -> None:
        try:
            for _ in range(15):
                export_articles(articles, "json", path)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(t.is_alive() for t in threads) and failures == []
    recorded = json.loads(singles.registry_file().read_text("utf-8"))["files"]
    assert set(recorded) == {os.path.realpath(p) for _, p in jobs}
    for path in {p for _, p in jobs}:
        assert recorded[os.path.realpath(path)]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
