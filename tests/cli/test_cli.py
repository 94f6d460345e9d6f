"""The real `reader` command on a temporary library."""

import json

import pytest


def test_import_list_show_highlight_note_search_export(run, article_page, tmp_path):
    out = run("import", article_page, "--json")
    [outcome] = json.loads(out.stdout)
    assert outcome["status"] == "imported" and outcome["error"] is None
    article_id = outcome["id"]

    listed = json.loads(run("list", "--json").stdout)
    assert [a["title"] for a in listed] == ["The Quiet Rivers of the North"]
    assert listed[0]["word_count"] > 200 and listed[0]["highlights"] == 0

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
    run("note", article_id, "Article-level thoughts")
    run("tag", article_id, "science", "rivers")
    shown = json.loads(run("show", article_id, "--format", "json").stdout)
    [h] = shown["highlights"]
    assert shown["text"][h["start"] : h["end"]] == h["quote"] == "listening posts"
    assert (h["color"], h["note"], h["tags"]) == ("green", "good name", ["terms"])
    assert shown["note"] == "Article-level thoughts" and shown["tags"] == ["rivers", "science"]
    assert shown["reading_minutes"] >= 1

    hits = json.loads(run("search", "auger", "--json").stdout)
    assert hits[0]["id"] == article_id and "auger" in hits[0]["snippet"]
    assert json.loads(run("search", "good", "name", "--json").stdout)[0]["id"] == article_id

    run("export", "--all", "--format", "md", "--out", tmp_path / "notes")
    [md] = list((tmp_path / "notes").glob("*.md"))
    assert md.name == "The Quiet Rivers of the North.md"
    content = md.read_text()
    assert "> listening posts" in content and "good name" in content and "#terms" in content
    assert "Article-level thoughts" in content

    run("archive", article_id)
    assert json.loads(run("list", "--json", "--state", "archived").stdout)[0]["id"] == article_id
    assert json.loads(run("list", "--json", "--state", "inbox").stdout) == []
    run("delete", article_id)
    assert json.loads(run("list", "--json").stdout) == []


def test_import_reports_each_failure_and_exit_status(run, article_page, tmp_path):
    bad = tmp_path / "empty.html"
    bad.write_bytes(b"")
    result = run("import", bad, article_page, "--json", check=False)
    assert result.returncode == 1
    outcomes = {o["path"]: o for o in json.loads(result.stdout)}
    assert outcomes[str(bad)]["status"] == "failed" and "empty" in outcomes[str(bad)]["error"]
    assert outcomes[str(article_page)]["status"] == "imported"
    again = run("import", article_page, check=False)
    assert again.returncode == 0 and "duplicate of" in again.stdout


def test_errors_are_one_line_without_traceback(run, article_page):
    run("import", "--workers", "1", article_page)
    result = run("highlight", "1", "--quote", "no such words here", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not found" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("show", "999", check=False)
    assert result.returncode == 1 and "no article with id 999" in result.stderr
    result = run("list", "--state", "nonsense", check=False)
    assert result.returncode == 2


def test_extract_touches_no_library(run, article_page, tmp_path):
    data = json.loads(run("extract", article_page, "--format", "json").stdout)
    assert data["title"] == "The Quiet Rivers of the North"
    assert data["url"] == "https://example.org/2024/05/quiet-rivers.html"
    assert "Under a lid of ice" in data["text"]
    assert not (tmp_path / "lib").exists()


def test_help_explains_each_command(run):
    assert "import" in run("--help").stdout
    for command in ("import", "list", "show", "extract", "highlight", "search", "export"):
        assert "usage: reader " + command in run(command, "--help").stdout


def test_backup_and_check(run, article_page, tmp_path):
    run("import", "--workers", "1", article_page)
    run("backup", tmp_path / "copy.db")
    assert (tmp_path / "copy.db").stat().st_size > 0
    assert "ok" in run("check").stdout


def test_library_option_before_or_after_the_command(run, article_page, tmp_path):
    other = tmp_path / "other-lib"
    run("--library", other, "import", "--workers", "1", article_page)
    assert len(json.loads(run("list", "--json", "--library", other).stdout)) == 1
    assert len(json.loads(run("--library", other, "list", "--json").stdout)) == 1
    assert json.loads(run("list", "--json").stdout) == []  # $READER_LIBRARY is untouched


def test_notes_and_quotes_may_begin_with_a_dash(run, article_page):
    run("import", "--workers", "1", article_page)
    run("note", "1", "---")
    run("highlight", "1", "--quote", "quiet", "--occurrence", "1", "--note", "- first point")
    shown = json.loads(run("show", "1", "--format", "json").stdout)
    assert shown["note"] == "---"
    assert [h["note"] for h in shown["highlights"]] == ["- first point"]


def test_tags_typed_in_any_case_are_one_tag(run, article_page):
    run("import", "--workers", "1", article_page)
    assert run("tag", "1", "Rivers", "rivers", "#RIVERS", "ocean life").stdout.strip() == "ocean life, Rivers"
    assert [a["id"] for a in json.loads(run("list", "--json", "--tag", "RIVERS").stdout)] == [1]


def test_an_export_that_cannot_write_says_so_in_one_line(run, article_page, tmp_path):
    run("import", "--workers", "1", article_page)
    (tmp_path / "a-file").write_text("mine")
    result = run("export", "--all", "--out", tmp_path / "a-file" / "notes", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "a-file" in line
    assert (tmp_path / "a-file").read_text() == "mine"


def test_review_lists_what_is_due_and_records_answers(run, article_page, monkeypatch):
    from datetime import datetime, timedelta

    import reader.core.dates as dates_module

    # Highlights made two days ago are due today.
    monkeypatch.setattr(dates_module, "now", lambda: datetime.utcnow().replace(microsecond=0) - timedelta(days=2))
    run("import", "--workers", "1", article_page)
    run("highlight", "1", "--quote", "quiet", "--occurrence", "1")
    due = json.loads(run("review", "--json").stdout)
    assert [(d["highlight"], d["title"], d["due"]) for d in due] == [(1, "The Quiet Rivers of the North", None)]
    assert "next on" in run("review", "1", "--grade", "good").stdout
    assert json.loads(run("review", "--json").stdout) == []
    stats = json.loads(run("review", "--stats", "--json").stdout)
    assert stats["reviewed_today"] == 1 and stats["streak"] == 1 and len(stats["week"]) == 7
    assert run("review", "1", check=False).returncode == 2  # an answer needs --grade
    assert "will not come back" in run("review", "1", "--grade", "never").stdout


def test_a_tag_may_be_any_text(run, article_page):
    run("import", "--workers", "1", article_page)
    assert run("tag", "1", "---", "-x", "rivers").stdout.strip() == "---, -x, rivers"
    assert run("tag", "1", "--remove", "-x").stdout.strip() == "---, rivers"


def test_a_search_may_begin_with_a_dash(run, article_page):
    # "-rivers" was taken as an unknown option of search and needed `--`.
    run("import", "--workers", "1", article_page)
    assert "The Quiet Rivers" in run("search", "-rivers").stdout
    # search's own options still work, before or after the query, as does --library.
    found = json.loads(run("search", "--limit", "1", "-rivers", "--json").stdout)
    assert [hit["id"] for hit in found] == [1]
    assert json.loads(run("search", "-rivers", "--limit=0", "--json").stdout) == []
    assert "no matches for '-nothing-like-it'" in run("search", "-nothing-like-it").stderr
    # ...but a mistyped long option is a usage error, not a search for "--jsno".
    typo = run("search", "--jsno", "rivers", check=False)
    assert typo.returncode == 2 and "--jsno" in typo.stderr


@pytest.mark.sqlite_only
def test_an_old_library_is_upgraded_once_and_the_command_says_so(tmp_path, run):
    # An upgrade can take minutes on a large library (its search index is rebuilt):
    # the user hears why the command waits, and where the old file is kept.
    from reader.core.storage import db

    (tmp_path / "lib").mkdir()
    db.run_migrations(db.create_library_engine(tmp_path / "lib" / "library.db"), "0001")
    first = run("list")
    [line] = [x for x in first.stderr.splitlines() if "upgrading" in x]
    assert str(tmp_path / "lib") in line and f"library.db.before-{db.SCHEMA_REVISION}" in line
    assert (tmp_path / "lib" / f"library.db.before-{db.SCHEMA_REVISION}").exists()
    assert "upgrading" not in run("list").stderr  # once: the library is current now


def test_the_stored_name_is_recorded_with_highlights_until_cleared(run, article_page, monkeypatch):
    from reader.core.identity import USER_ENV, login_name

    monkeypatch.delenv(USER_ENV, raising=False)
    assert run("name").stdout.splitlines()[0] == login_name()
    assert "Ana Lima" in run("name", "  Ana   Lima ").stdout
    shown = run("name").stdout
    assert shown.startswith("Ana Lima\n") and "stored in" in shown
    article = json.loads(run("import", "--workers", "1", article_page, "--json").stdout)[0]["id"]
    run("highlight", article, "--quote", "we found them breathing")
    assert run("--user", "bo", "name").stdout.startswith("bo\n")  # --user wins for one run
    run("--user", "bo", "note", article, "from bo")
    shown = json.loads(run("show", article, "--format", "json").stdout)
    assert [h["created_by"] for h in shown["highlights"]] == ["Ana Lima"]
    assert shown["note_by"] == "bo"
    run("name", "--clear")
    assert run("name").stdout.splitlines()[0] == login_name()
    assert run("name", "", check=False).returncode == 2  # an empty name is a usage error


def test_control_characters_from_a_page_never_reach_the_terminal(run, tmp_path):
    """A page's title, byline or site holding ESC sequences (character references
    survive extraction): printed raw, `reader list` set the terminal's title,
    cleared its screen or wrote its clipboard (OSC 52). The import removes them
    (importing/controls.py); one a library still holds is shown as \\x1b."""
    page = tmp_path / "escapes.html"
    page.write_text(
        "<html><head><title>Title &#27;]0;pwned&#7; &#27;[31mRED&#27;[0m</title>"
        "<meta name='author' content='Bob &#27;]52;c;cm0gLXJmIH4=&#7;'>"
        "<meta property='og:site_name' content='Site &#27;[2J'></head><body><article>"
        "<p>Ordinary words here, enough of them for the extractor to keep this as the article it is.</p>"
        "<p>A second paragraph of plain words so that nothing here looks like a teaser or navigation.</p>"
        "</article></body></html>",
        "utf-8",
    )
    outputs = [run("import", page)]
    outputs += [run(*args) for args in (["list"], ["show", "1"], ["search", "ordinary"])]
    for result in outputs:
        printed = result.stdout + result.stderr
        assert "\x1b" not in printed and "\x07" not in printed, printed
    assert "Title ]0;pwned [31mRED[0m" in outputs[1].stdout
    assert "Bob ]52" in outputs[2].stdout


def test_an_id_or_limit_out_of_range_is_one_line_on_both_backends(run, article_page):
    """A server stores ids as 32-bit integers and SQLite as 64-bit ones: a larger
    number was a traceback (PostgreSQL: integer out of range; SQLite: Python int
    too large), a negative limit one on PostgreSQL (LIMIT must not be negative)."""
    run("import", "--workers", "1", article_page)
    for args in (
        ("tag", "99999999999", "x"),
        ("highlight", "99999999999", "--quote", "daily pulse"),
        ("delete", "99999999999"),
        ("show", "99999999999999999999"),
        ("note", "99999999999999999999", "x"),
    ):
        result = run(*args, check=False)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines()[-1].endswith(f"no article or highlight has the id {args[1]}")
    result = run("search", "rivers", "--limit", "-1", check=False)
    assert result.returncode == 2 and result.stderr.splitlines()[-1].endswith("-1 is below 0")
    result = run("show", "1x", check=False)
    assert result.returncode == 2 and result.stderr.splitlines()[-1].endswith("'1x' is not a whole number")
    largest = run("show", str(2**31 - 1), check=False)  # the largest id there can be: simply not there
    assert largest.returncode == 1 and f"no article with id {2**31 - 1}" in largest.stderr


def test_articles_imported_with_control_characters_are_named_by_check_and_cleaned_by_reextract(
    run, article_page, library_at
):
    """An import from before control characters were removed kept ESC, BEL and U+008F in
    the article's html and text. `reader check` names such articles; `reader reextract`
    cleans them, and every highlight stays on its words, its note kept."""
    import re

    from sqlalchemy import text

    from reader.core import Library

    legacy = "quiet\x1b in\x07 winter\u008f"
    article_page.write_text(
        article_page.read_text(encoding="utf-8").replace("quiet in winter", legacy), encoding="utf-8"
    )
    run("import", "--workers", "1", article_page)
    with Library.open(library_at("lib")) as library:
        assert "quiet in winter" in library.get(1).text  # today's import removes them
        with library.engine.begin() as conn:  # as an import before then stored the page
            for column in ("html", "text"):
                conn.execute(
                    text(f"UPDATE article_contents SET {column} = replace({column}, 'quiet in winter', :old)"),
                    {"old": legacy},
                )
        old = library.get(1).text
        spanning = library.add_highlight(1, old.index("quiet"), old.index("winter") + 7, note="mine")
        after = old.index("Under a lid of ice")
        later = library.add_highlight(1, after, after + 18)
    assert spanning.quote == legacy and later.quote == "Under a lid of ice"
    checked = run("check", check=False)
    assert checked.returncode == 1
    [line] = checked.stderr.splitlines()
    assert "control characters" in line and "`reader reextract 1`" in line

    assert run("reextract", "1").stdout.strip() == "re-extracted 1: 2 highlights placed"
    assert run("check").returncode == 0
    shown = json.loads(run("show", "1", "--format", "json").stdout)
    assert not re.search("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]", shown["text"] + shown["html"])
    placed = {h["id"]: (h["quote"], h["note"], shown["text"][h["start"] : h["end"]]) for h in shown["highlights"]}
    assert placed == {
        spanning.id: ("quiet in winter", "mine", "quiet in winter"),
        later.id: ("Under a lid of ice", "", "Under a lid of ice"),
    }


def test_a_rename_survives_reextract_all_and_rename_page_gives_the_pages_title_back(run, article_page):
    run("import", article_page)
    assert (
        run("rename", "1", "-", "Glacial", "channels").stdout == "- Glacial channels\n"
    )  # a title may begin with a dash
    run("reextract", "--all")
    shown = json.loads(run("show", "1", "--format", "json").stdout)
    assert (shown["title"], shown["page_title"]) == ("- Glacial channels", "The Quiet Rivers of the North")
    assert [a["title"] for a in json.loads(run("list", "--json").stdout)] == ["- Glacial channels"]
    assert run("rename", "1", "--page").stdout == "The Quiet Rivers of the North\n"
    assert json.loads(run("show", "1", "--format", "json").stdout)["page_title"] is None
    refused = run("rename", "1", check=False)
    assert (
        refused.returncode == 2
        and refused.stderr == "reader: give the article a new title, or --page for the page's own\n"
    )


def test_a_title_set_by_hand_comes_back_from_a_json_export(run, article_page, tmp_path):
    run("import", article_page)
    run("rename", "1", "Glacial channels")
    run("export", "--all", "--format", "json", "--out", tmp_path / "all.json")
    run("import", article_page, library="fresh")
    counts = json.loads(run("import-annotations", tmp_path / "all.json", "--json", library="fresh").stdout)
    assert counts["titles"] == 1
    run("reextract", "1", library="fresh")
    assert [a["title"] for a in json.loads(run("list", "--json", library="fresh").stdout)] == ["Glacial channels"]
