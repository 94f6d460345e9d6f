"""One article record (issue 16): the page's fields are declared once (domain.PageFields)
and reach the database, the CLI's JSON and the Markdown templates by their names;
`saved_at` is kept, the never-read `lead_image` column is gone."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from pathlib import Path

from reader.cli import main
from reader.core import Library, domain
from reader.core.export import export_articles
from reader.core.storage import db

SAVED = """<!--
 Page saved with SingleFile \n url: https://blog.example.org/2024/harbour-ledger \n saved date: Sat May 04 2024 18:22:05 GMT+0200 (Central European Summer Time)
-->"""


def _page(tmp_path: Path, article_page: Path) -> Path:
    page = tmp_path / "saved.html"
    page.write_text(SAVED + article_page.read_text("utf-8"), "utf-8")
    return page


def _columns(folder: Path) -> dict[str, object]:
    con = sqlite3.connect(folder / "library.db")
    con.row_factory = sqlite3.Row
    try:
        return dict(con.execute("SELECT * FROM articles").fetchone())
    finally:
        con.close()


def test_the_page_fields_are_stored_under_their_names(tmp_path, article_page):
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([_page(tmp_path, article_page)], workers=1)
        article = library.get(outcome.id)
    row = _columns(folder)
    assert "lead_image" not in row
    assert row["saved_at"] == "2024-05-04T18:22:05+02:00"
    assert row["url"] == "https://example.org/2024/05/quiet-rivers.html"
    # Every page field the record shows is the stored column of that name.
    for name in domain.PAGE_FIELDS:
        column = "extracted_fallback" if name == "fallback" else name
        assert getattr(article, name) == (bool(row[column]) if name == "fallback" else row[column]), name


def test_reextract_rewrites_the_page_fields_and_keeps_the_address(tmp_path, article_page):
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([_page(tmp_path, article_page)], workers=1)
        con = sqlite3.connect(folder / "library.db")
        con.execute("UPDATE articles SET saved_at = NULL, word_count = 1, excerpt = 'stale'")
        con.commit()
        con.close()
        library.reextract(outcome.id)
        article = library.get(outcome.id)
    row = _columns(folder)
    assert row["saved_at"] == "2024-05-04T18:22:05+02:00" and row["excerpt"] != "stale"
    assert article.word_count > 100 and article.url == "https://example.org/2024/05/quiet-rivers.html"


def test_upgrade_from_0007_adds_saved_at_and_drops_lead_image(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    engine = db.create_library_engine(folder / "library.db")
    db.run_migrations(engine, "0007")
    engine.dispose()
    con = sqlite3.connect(folder / "library.db")
    con.execute(
        "INSERT INTO articles (id, uid, title, word_count, source_name, source_kind, content_hash, lead_image, "
        "extracted_fallback, note, archived, favorite, progress, added, updated) VALUES (1, 'u', 'Otters', 3, "
        "'a.html', 'html', 'h', 'https://example.org/i.jpg', 0, '', 0, 0, 0, '2024-01-01 00:00:00', "
        "'2024-01-01 00:00:00')"
    )
    con.execute("INSERT INTO article_contents VALUES (1, '<p>Otters.</p>', 'Otters.', x'00')")
    con.commit()
    con.close()
    with Library.open(folder) as library:
        assert library.get(1).title == "Otters"
    row = _columns(folder)
    assert "lead_image" not in row and row["saved_at"] is None


def test_show_json_and_templates_carry_every_field_of_the_record(tmp_path, article_page, capsys):
    folder = str(tmp_path / "lib")
    assert main(["--library", folder, "import", "--workers", "1", str(_page(tmp_path, article_page))]) == 0
    assert main(["--library", folder, "highlight", "1", "--quote", "quiet", "--occurrence", "1", "--note", "n"]) == 0
    capsys.readouterr()
    assert main(["--library", folder, "show", "1", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {f.name for f in fields(domain.Article)} <= set(shown)
    assert {f.name for f in fields(domain.Highlight)} <= set(shown["highlights"][0])
    assert shown["direction"] == "ltr" and shown["source_name"] == "saved.html"

    template = tmp_path / "t.md.j2"
    template.write_text("{{ article.source_name }}|{{ article.direction }}|{{ article.fallback }}\n", "utf-8")
    with Library.open(tmp_path / "lib") as library:
        export_articles(library, "md", tmp_path / "out.md", ids=[1], template=template)
    assert (tmp_path / "out.md").read_text("utf-8").strip() == "saved.html|ltr|False"


def test_one_row_to_record_mapping_gives_the_librarys_record(tmp_path, article_page):
    """domain.article_record, from a row of ARTICLE_COLUMNS as any DB-API driver
    returns it, builds the record Library.get builds (which reads it the same way)."""
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([_page(tmp_path, article_page)], workers=1)
        text = library.get(outcome.id).text
        start = text.index("listening posts")
        library.add_highlight(outcome.id, start, start + len("listening posts"), note="n", tags=["t"])
        library.set_tags(outcome.id, ["rivers"])
        library.set_note(outcome.id, "a note")
        article = library.get(outcome.id)
    con = sqlite3.connect(folder / "library.db")
    con.row_factory = sqlite3.Row
    select = ", ".join("extracted_fallback AS fallback" if c == "fallback" else c for c in domain.ARTICLE_COLUMNS)
    row = con.execute(f"SELECT {select} FROM articles WHERE id = ?", (outcome.id,)).fetchone()
    con.close()
    record = domain.article_record(
        row,
        html=article.html,
        text=article.text,
        tags=article.tags,
        highlights=article.highlights,
        images=article.images,
    )
    assert record == article and article.saved_at == "2024-05-04T18:22:05+02:00"
