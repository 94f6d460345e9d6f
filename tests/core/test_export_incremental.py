"""Exporting again after a change rewrites only what changed, and ends exactly as
an export into an empty folder would (issue 19: incremental export)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pages import import_one, saved_page

from reader.core.export import MANIFEST, export_articles, import_annotations

# Shows every field a change below touches, review dates included.
TEMPLATE = (
    "# {{ article.title }}\n{{ article.note }}\n{% for t in article.tags %}{{ t | tag }} {% endfor %}\n"
    "{% for h in highlights %}- {{ h.quote }} {{ h.color_name }} {{ h.note }} {{ h.tags | join(',') }} "
    "{{ h.last_reviewed }} {{ h.review_due }}\n{% endfor %}"
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file but the manifest (a database: its bytes depend on its history)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and MANIFEST not in p.name}


def test_every_kind_of_change_is_exported_again_and_nothing_else(library, library_location, tmp_path):
    ids = [import_one(library, saved_page(tmp_path / "pages", name)) for name in ("alpha", "beta", "gamma")]
    first, second = ids[0], ids[1]
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    marked = library.highlight_quote(first, "the subject of this page")
    out = tmp_path / "vault"
    options = {"template": template, "color_names": {"yellow": "sun"}}
    assert len(export_articles(library, "md", out, **options).written) == 3

    def check(change: str, rewritten: int) -> None:
        again = export_articles(library, "md", out, **options)
        fresh = tmp_path / f"fresh-{change}"
        export_articles(library, "md", fresh, **options)
        assert _snapshot(out) == _snapshot(fresh), change
        assert len(again.written) == rewritten, change
        assert export_articles(library, "md", out, **options).written == (), change

    check("nothing", 0)
    library.set_note(second, "a note")
    check("article note", 1)
    library.set_title(second, "Beta renamed")
    check("title", 1)
    library.add_tags(first, ["rivers"])
    check("article tag", 1)
    library.update_highlight(marked.id, color="green")
    check("highlight colour", 1)
    library.update_highlight(marked.id, note="why", tags=["later"])
    check("highlight note and tags", 1)
    library.answer_review(marked.id, "good")
    check("review", 1)
    other = library.highlight_quote(second, "adds more words")
    check("new highlight", 1)
    annotations = tmp_path / "annotations.json"
    export_articles(library, "json", annotations, ids=[second])
    library.delete_highlight(other.id)
    check("deleted highlight", 1)
    options["color_names"] = {"green": "leaf"}
    check("colour names", 1)  # only the article with a green highlight shows a colour name
    template.write_text(TEMPLATE.replace("# ", "## "), "utf-8")
    check("template", 3)
    library.restore_highlight(other)
    check("undone delete", 1)
    library.delete_highlight(other.id)
    check("deleted again", 1)
    assert import_annotations(library, annotations).added == 1
    check("imported annotations", 1)
    library.update_highlight(marked.id, tags=[])
    check("highlight tag removed", 1)
    library.remove_tags(first, ["rivers"])
    check("article tag removed", 1)
    assert library.reextract(first) == (1, 0)
    check("re-extracted", 0)  # the same page again: the highlight is found where it was
    # A change made by another process, seen by this one's export.
    script = (
        "import sys\n"
        "from reader.core import Library\n"
        "with Library.open(sys.argv[1]) as library:\n"
        "    library.update_highlight(int(sys.argv[2]), note='from elsewhere')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(library_location), str(marked.id)], check=True, timeout=120)
    check("change by another process", 1)


def test_a_killed_export_leaves_its_files_known(library, library_location, tmp_path):
    first = import_one(library, saved_page(tmp_path / "pages", "delta"))
    import_one(library, saved_page(tmp_path / "pages", "epsilon"))
    out = tmp_path / "vault"
    # Killed once its files are written, before it could write the manifest.
    script = (
        "import os, signal, sys\n"
        "from reader.core import Library\n"
        "from reader.core.export import export_articles\n"
        "kill = lambda done, total: os.kill(os.getpid(), signal.SIGKILL)\n"
        "export_articles(Library.open(sys.argv[1]), 'md', sys.argv[2], progress=kill)\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(library_location), str(out)], capture_output=True, timeout=120
    )
    assert killed.returncode != 0 and (out / "Delta.md").exists()
    # The next export knows the file it wrote: renamed with its article, not left behind.
    library.set_title(first, "Delta renamed")
    result = export_articles(library, "md", out)
    assert result.removed == (out / "Delta.md",) and (out / "Delta renamed.md").exists()
    assert sorted(_snapshot(out)) == ["Delta renamed.md", "Epsilon.md"]


def test_new_deleted_and_renamed_articles_and_the_users_own_files(library, tmp_path):
    pages = tmp_path / "pages"
    alpha = import_one(library, saved_page(pages, "alpha"))
    beta = import_one(library, saved_page(pages, "beta"))
    library.highlight_quote(beta, "the subject of this page")
    out = tmp_path / "out"
    out.mkdir()
    (out / "Kappa.md").write_text("the user's own note\n", "utf-8")

    def export(change: str) -> list[str]:
        """Export again: the same files, counts and list as an export into a new folder
        would give (names apart: they are kept from run to run); the names written."""
        result = export_articles(library, "md", out)
        fresh = export_articles(library, "md", tmp_path / f"fresh-{change}")
        assert (result.articles, result.highlights) == (fresh.articles, fresh.highlights), change
        assert len(result.paths) == len(fresh.paths) and all(p.exists() for p in result.paths), change
        assert [p.read_bytes() for p in result.paths] == [p.read_bytes() for p in fresh.paths], change
        assert (out / "Kappa.md").read_text("utf-8") == "the user's own note\n", change
        return sorted(p.name for p in result.written)

    assert export("first") == ["Alpha.md", "Beta.md"]
    # A new article, whose title is the name of the user's file: written beside it.
    kappa = import_one(library, saved_page(pages, "kappa"))
    assert export("new article") == [f"Kappa ({kappa}).md"]
    # The article with the latest change deleted, then another one changed: still seen.
    library.delete(kappa)
    library.set_note(alpha, "a note after a deletion")
    assert export("deleted, then changed") == ["Alpha.md"]
    # A file the user deleted is written again, though its article did not change.
    (out / "Beta.md").unlink()
    assert export("file deleted by the user") == ["Beta.md"]
    # A title taken by another article: that one keeps its file, this one gets its id
    # (also when the folder must be listed again: a file of the user's came meanwhile).
    library.set_title(alpha, "Beta")
    (out / "Zeta.md").write_text("the user's other note\n", "utf-8")
    assert export("title of another") == [f"Beta ({alpha}).md"]
    assert not (out / "Alpha.md").exists() and (out / "Beta.md").exists()
    assert (out / "Zeta.md").read_text("utf-8") == "the user's other note\n"
    assert export("nothing") == []


def test_a_change_committed_after_an_export_read_is_exported_next(library, tmp_path):
    """Writes take their revision with the write lock held and keep it until they commit:
    an export reading while one is still open (and another waits behind it) records no
    revision above it, so the next export finds both changes."""
    import threading

    from sqlalchemy import event

    pages = tmp_path / "pages"
    first = import_one(library, saved_page(pages, "alpha"))
    second = import_one(library, saved_page(pages, "beta"))
    out = tmp_path / "out"
    export_articles(library, "md", out)
    inside, release = threading.Event(), threading.Event()

    def hold(conn) -> None:  # the first writer's commit waits until the export has read
        if threading.current_thread().name == "slow-writer":
            inside.set()
            release.wait(60)

    event.listen(library.engine, "commit", hold)
    try:
        slow = threading.Thread(target=library.set_note, args=(first, "committed late"), name="slow-writer")
        slow.start()
        assert inside.wait(60)
        waiting = threading.Thread(target=library.set_note, args=(second, "queued behind it"))
        waiting.start()
        during = export_articles(library, "md", out)
        assert during.written == ()  # neither change is visible yet
        release.set()
        slow.join(60)
        waiting.join(60)
        assert not slow.is_alive() and not waiting.is_alive()
    finally:
        release.set()
        event.remove(library.engine, "commit", hold)
    after = export_articles(library, "md", out)
    assert sorted(p.name for p in after.written) == ["Alpha.md", "Beta.md"]
    assert "committed late" in (out / "Alpha.md").read_text("utf-8")
    assert "queued behind it" in (out / "Beta.md").read_text("utf-8")


def test_a_large_export_renders_in_worker_processes_the_same_bytes(library, tmp_path, monkeypatch):
    from reader.core.export import renderpool

    pages = tmp_path / "pages"
    ids = [import_one(library, saved_page(pages, name)) for name in ("alpha", "beta", "gamma")]
    library.highlight_quote(ids[0], "the subject of this page")
    library.add_tags(ids[1], ["rivers"])
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    options = {"template": template, "color_names": {"yellow": "sun"}}
    here = export_articles(library, "md", tmp_path / "here", **options)
    monkeypatch.setattr(renderpool, "POOL_MIN", 1)
    monkeypatch.setattr(renderpool.os, "cpu_count", lambda: 2)
    spawned = []
    real_popen = renderpool.subprocess.Popen

    def popen(*args, **kwargs):  # the real worker, counted
        spawned.append(args[0])
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(renderpool.subprocess, "Popen", popen)
    there = export_articles(library, "md", tmp_path / "there", **options)
    assert spawned  # rendered by a worker process
    assert [p.read_bytes() for p in there.paths] == [p.read_bytes() for p in here.paths]
    # No worker can start (a Python that cannot run Reader): rendered here, the same.
    monkeypatch.setattr(renderpool.sys, "executable", "/bin/false" if Path("/bin/false").exists() else "false")
    spawned.clear()
    fallback = export_articles(library, "md", tmp_path / "fallback", **options)
    assert spawned and [p.read_bytes() for p in fallback.paths] == [p.read_bytes() for p in here.paths]
    monkeypatch.undo()
    monkeypatch.setattr(renderpool, "POOL_MIN", 1)
    monkeypatch.setattr(renderpool.os, "cpu_count", lambda: 2)
    # A template error in the worker ends the export with the template's message.
    template.write_text("{{ article.title }}{{ article.nope.deeper }}", "utf-8")
    with pytest.raises(ValueError, match="nope"):
        export_articles(library, "md", tmp_path / "broken", **options)
