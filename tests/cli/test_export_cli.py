"""`reader export` in every format and `reader import-annotations`, as a user runs them."""

import csv
import json

import pytest
import yaml

TITLE = "The Quiet Rivers of the North"


@pytest.fixture
def article_id(run, article_page):
    [outcome] = json.loads(run("import", "--workers", "1", article_page, "--json").stdout)
    article_id = outcome["id"]
    run(
        "highlight",
        article_id,
        "--quote",
        "listening posts",
        "--color",
        "green",
        "--note",
        "good name",
        "--tag",
        "terms",
    )
    run("highlight", article_id, "--quote", "We expected the rivers to sleep", "--color", "pink")
    run("note", article_id, "Article-level thoughts")
    run("tag", article_id, "science", "rivers")
    return article_id


def test_export_every_format(run, article_id, tmp_path):
    out = tmp_path / "out"
    for fmt in ("md", "json", "html", "csv"):
        result = run("export", article_id, "--format", fmt, "--out", out)
        assert result.stdout.strip() == str(out / f"{TITLE}.{fmt}")
        assert "1 articles, 2 highlights: 1 files written" in result.stderr
    md = (out / f"{TITLE}.md").read_text("utf-8")
    meta = yaml.safe_load(md.split("---\n")[1])
    assert meta["title"] == TITLE and meta["highlights"] == 2 and meta["tags"] == ["rivers", "science"]
    assert "> listening posts" in md and "good name" in md and "#terms" in md
    data = json.loads((out / f"{TITLE}.json").read_text("utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    with open(out / f"{TITLE}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["Highlight"] for r in rows] == ["listening posts", "We expected the rivers to sleep"]
    assert "<mark" in (out / f"{TITLE}.html").read_text("utf-8")
    # Again: nothing changes.
    again = run("export", "--all", "--format", "md", "--out", out, "--json")
    report = json.loads(again.stdout)
    assert report["written"] == [] and report["paths"] == [str(out / f"{TITLE}.md")]


def test_export_by_tag_one_file_and_template(run, article_id, tmp_path):
    run("export", "--tag", "science", "--format", "json", "--out", tmp_path / "science.json")
    assert json.loads((tmp_path / "science.json").read_text("utf-8"))["total"] == 2
    failed = run("export", "--tag", "nope", "--out", tmp_path, check=False)
    assert failed.returncode == 1 and "no articles tagged 'nope'" in failed.stderr

    template = run("export", "--show-template").stdout
    assert "article.title" in template
    (tmp_path / "mine.md.j2").write_text(template.replace("## Highlights", "## My highlights"), "utf-8")
    run("export", article_id, "--template", tmp_path / "mine.md.j2", "--out", tmp_path / "mine")
    assert "## My highlights" in (tmp_path / "mine" / f"{TITLE}.md").read_text("utf-8")


def test_export_usage_errors(run, article_id, tmp_path):
    assert run("export", "--out", tmp_path, check=False).returncode == 2
    bad = run("export", article_id, "--format", "csv", "--template", "x.j2", check=False)
    assert bad.returncode == 2 and "--format md only" in bad.stderr
    missing = run("export", 999, "--out", tmp_path / "x", check=False)
    assert missing.returncode == 1 and "no article with id 999" in missing.stderr
    wrong = run("export", article_id, "--format", "md", "--out", tmp_path / "x.json", check=False)
    assert wrong.returncode == 1 and "format is md" in wrong.stderr
    typo = tmp_path / "typo.md.j2"
    typo.write_text("# {{ article.title | md }}\n{{ article.titel }}\n", "utf-8")
    failed = run("export", article_id, "--template", typo, "--out", tmp_path / "y", check=False)
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        f"reader: template {typo}, line 2: no variable 'titel' here (see README.md, \"Markdown templates\")"
    ]


def test_import_annotations_into_a_fresh_library(run, article_id, article_page, tmp_path):
    run("export", "--all", "--format", "json", "--out", tmp_path / "backup.json")
    original = json.loads(run("show", article_id, "--format", "json").stdout)

    run("import", "--workers", "1", article_page, library="fresh")
    assert "import-annotations" in run("import-annotations", "--help", library="fresh").stdout
    result = run("import-annotations", tmp_path / "backup.json", library="fresh")
    assert "2 highlights added, 0 already present" in result.stdout
    assert "1 article notes and 2 article tags restored" in result.stdout
    restored = json.loads(run("show", 1, "--format", "json", library="fresh").stdout)
    assert restored["note"] == original["note"] and restored["tags"] == original["tags"]
    key = lambda h: (h["uid"], h["quote"], h["start"], h["end"], h["color"], h["note"], h["tags"])  # noqa: E731
    assert sorted(map(key, restored["highlights"])) == sorted(map(key, original["highlights"]))

    again = json.loads(run("import-annotations", tmp_path / "backup.json", "--json", library="fresh").stdout)
    assert (again["added"], again["present"]) == (0, 2)

    missing = run("import-annotations", tmp_path / "nope.json", check=False, library="fresh")
    assert missing.returncode == 1 and "file not found" in missing.stderr


def test_export_leaves_an_edited_file_alone_and_says_so(run, article_id, tmp_path):
    out = tmp_path / "vault"
    run("export", article_id, "--out", out)
    note = out / f"{TITLE}.md"
    edited = note.read_text("utf-8") + "\nMy own words.\n"
    note.write_text(edited, "utf-8")
    run("tag", article_id, "more")
    result = run("export", article_id, "--out", out)
    assert note.read_text("utf-8") == edited
    assert f"left alone (changed since Reader wrote it): {note}" in result.stderr
    assert "0 files written, 0 unchanged, 1 files left alone" in result.stderr
    listed = json.loads(run("export", article_id, "--out", out, "--json").stdout)
    assert listed["kept"] == [str(note)] and listed["written"] == []


def test_the_cli_names_each_skipped_entry_and_refuses_a_folder(run, article_page, tmp_path):
    run("import", "--workers", "1", article_page)
    (tmp_path / "bad.json").write_text(
        json.dumps(
            {
                "type": "Annotation",
                "id": 5,
                "target": {
                    "source": "https://example.org/2024/05/quiet-rivers.html",
                    "selector": {"type": "TextQuoteSelector", "exact": "quiet"},
                },
            }
        )
    )
    result = run("import-annotations", tmp_path / "bad.json")
    assert "skipped: " in result.stderr and "annotation 1: 'id' is not text" in result.stderr
    (tmp_path / "folder.json").mkdir()
    refused = run("import-annotations", tmp_path / "folder.json", check=False)
    assert refused.returncode == 1 and "not a file" in refused.stderr


def test_export_new_formats_and_annotated_only(run, article_id, article_page, tmp_path):
    import sqlite3
    import zipfile

    import bibtexparser

    bare = tmp_path / "bare.html"
    bare.write_text(article_page.read_text("utf-8").replace("Quiet Rivers", "Loud Rivers"), "utf-8")
    run("import", "--workers", "1", bare)
    # --annotated alone: every article with highlights or a note, here one of two.
    result = run("export", "--annotated", "--format", "logseq", "--out", tmp_path / "graph", "--json")
    assert [p.rsplit("/", 1)[-1] for p in json.loads(result.stdout)["paths"]] == [f"{TITLE}.md"]
    page = (tmp_path / "graph" / f"{TITLE}.md").read_text("utf-8")
    assert "tags:: rivers, science" in page and page.count("  id:: ") == 2
    # Anki: with no --out, Reader.apkg here; by tag, the deck is named after it.
    run("export", "--annotated", "--format", "anki")
    assert zipfile.is_zipfile(tmp_path / "Reader.apkg")
    run("export", "--tag", "science", "--format", "anki", "--cloze", "--out", tmp_path / "science.apkg")
    with zipfile.ZipFile(tmp_path / "science.apkg") as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    try:
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 2
    finally:
        conn.close()
    assert "Reader::science" in {d["name"] for d in decks.values()}
    run("export", "--annotated", "--format", "bibtex", "--out", tmp_path / "refs.bib")
    [entry] = bibtexparser.parse_file(str(tmp_path / "refs.bib")).entries
    assert entry.entry_type == "online" and entry.fields_dict["title"].value == TITLE
    run("export", "--annotated", "--format", "csl-json", "--out", tmp_path / "refs.json")
    assert json.loads((tmp_path / "refs.json").read_text("utf-8"))[0]["title"] == TITLE
    run("export", "--annotated", "--format", "hypothesis", "--out", tmp_path / "h.json")
    assert len(json.loads((tmp_path / "h.json").read_text("utf-8"))["annotations"]) == 3  # 2 + the page note
    run("export", "--annotated", "--format", "csv", "--bom", "--out", tmp_path / "excel.csv")
    assert (tmp_path / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbfHighlight,")
    folder = run("export", "--annotated", "--format", "anki", "--out", tmp_path / "x.md", check=False)
    assert folder.returncode == 1 and "format is anki" in folder.stderr


def test_a_note_or_tag_of_dashes_is_text(run, article_id, tmp_path):
    run("note", article_id, "---")
    run("tag", article_id, "--", "---")
    run("export", article_id, "--out", tmp_path / "out")
    md = (tmp_path / "out" / f"{TITLE}.md").read_text("utf-8")
    meta = yaml.safe_load(md.split("---\n", 2)[1])
    assert "---" in meta["tags"] and "#tag" not in md


def _watch(vault, library, cwd):
    """`reader export --watch 0.2 --out VAULT` running on `library`, and a wait for a check
    to hold (False after `limit` seconds; the watch ending meanwhile fails the test)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "READER_LIBRARY": str(library)}  # the library `run` uses, either backend
    child = subprocess.Popen(
        [sys.executable, "-m", "reader", "export", "--watch", "0.2", "--out", str(vault)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as at a terminal: a suite started in the background (`cmd &` without job
        # control) ignores SIGINT, and its children inherit that, so the watch never stopped.
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if os.name == "posix" else None,
    )

    def wait_for(check, limit=60.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if check():
                return True
            if child.poll() is not None:
                raise AssertionError(child.stderr.read() if child.stderr else "the watch ended")
            time.sleep(0.1)
        return False

    return child, wait_for


def test_export_watch_keeps_a_vault_current(run, article_id, tmp_path, library_at):
    import signal
    import subprocess

    vault = tmp_path / "vault"
    child, wait_for = _watch(vault, library_at("lib"), tmp_path)
    note = vault / f"{TITLE}.md"
    try:
        assert wait_for(note.exists), "the vault was not written"
        run("highlight", article_id, "--quote", "Forty stations across three river basins")
        assert wait_for(lambda: "Forty stations" in note.read_text("utf-8")), "the change did not reach the vault"
    finally:
        child.send_signal(signal.SIGINT)
        try:
            _out, err = child.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
    assert child.returncode == 0, err
    assert "keeping" in err and "Traceback" not in err
    bad = run("export", "--watch", "--format", "html", "--out", vault, check=False)
    assert bad.returncode == 2 and "md or logseq" in bad.stderr


def test_export_watch_outlives_a_vault_that_is_gone_for_a_while(run, article_id, tmp_path, library_at):
    """The vault's drive unplugged, or its folder moved, for a while: the watch
    says so once and carries on, and the vault is current again when it is back
    (the first failure ended the watch)."""
    import time

    vault, away = tmp_path / "vault", tmp_path / "away"
    child, wait_for = _watch(vault, library_at("lib"), tmp_path)
    note = vault / f"{TITLE}.md"
    try:
        assert wait_for(note.exists), "the vault was not written"
        vault.rename(away)
        vault.write_text("not a folder now")  # what stands in the vault's place meanwhile
        run("highlight", article_id, "--quote", "Forty stations across three river basins")
        time.sleep(1.5)  # several checks fail meanwhile
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        vault.unlink()
        away.rename(vault)
        assert wait_for(lambda: "Forty stations" in note.read_text("utf-8")), "the vault was not brought up to date"
        time.sleep(1.0)  # the files are written before the watch says so
    finally:
        child.terminate()
        _out, err = child.communicate(timeout=30)
    assert err.count("is a file; a vault is a folder; trying again") == 1, err
    assert "is current again" in err and "Traceback" not in err


def test_reader_links_on_the_command_line_are_checked(run):
    for link, reason in (
        ("reader://open?highlight=abc", "no article named"),
        ("reader://delete?article=abc", "Reader links open articles"),
    ):
        result = run(link, check=False)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"reader: {link}: {reason}"
            + (" (article=...)" if reason == "no article named" else " (reader://open?article=...)")
        ]


def test_import_annotations_takes_nul_characters_out_on_both_backends(run, article_id, article_page, tmp_path):
    """A note, highlight note or tag holding a NUL (\\u0000 in the JSON) is restored
    without it: PostgreSQL refuses such text (the restore failed with a traceback),
    and a personal library holding one could never be copied to a shared one."""
    run("export", "--all", "--format", "json", "--out", tmp_path / "backup.json")
    backup = json.loads((tmp_path / "backup.json").read_text())
    backup["articles"][0]["note"] += "\u0000!"
    backup["articles"][0]["tags"] = [tag + "\u0000x" for tag in backup["articles"][0]["tags"]]
    for item in backup["first"]["items"]:
        for body in item.get("body", []):
            body["value"] += "\u0000x"
    (tmp_path / "nul.json").write_text(json.dumps(backup))
    original = json.loads(run("show", article_id, "--format", "json").stdout)

    run("import", "--workers", "1", article_page, library="fresh")
    result = run("import-annotations", tmp_path / "nul.json", library="fresh", check=False)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "2 highlights added" in result.stdout
    restored = json.loads(run("show", 1, "--format", "json", library="fresh").stdout)
    assert "\\u0000" not in json.dumps(restored)
    assert restored["note"] == original["note"] + "!"
    assert restored["tags"] == [tag + "x" for tag in original["tags"]]
    notes = sorted(h["note"] + "x" if h["note"] else "" for h in original["highlights"])
    assert sorted(h["note"] for h in restored["highlights"]) == notes
