"""Several people on one library: who made each highlight and note is kept, and
a note changed by someone else since it was opened is never overwritten.
Runs on both backends (SQLite, PostgreSQL)."""

import pytest

from reader.core import Library
from reader.core.library import NoteConflict


@pytest.fixture
def two(library_location, article_page):
    """Ann and Ben, each with the library open, one article in it."""
    ann = Library.open(library_location, user="Ann")
    ben = Library.open(library_location, user="Ben")
    [outcome] = ann.import_paths([article_page], workers=1)
    yield ann, ben, outcome.id
    ann.close()
    ben.close()


def test_highlights_and_notes_record_who_made_them(two):
    ann, ben, article_id = two
    made = ann.highlight_quote(article_id, "Under a lid of ice")
    assert (made.created_by, made.updated_by) == ("Ann", "Ann")
    ben.update_highlight(made.id, note="thick ice")
    seen = ann.get(article_id).highlights[0]
    assert (seen.created_by, seen.updated_by, seen.note) == ("Ann", "Ben", "thick ice")
    ben.set_note(article_id, "for the seminar")
    assert ann.get(article_id).note_by == "Ben"


def test_the_os_user_or_reader_user_by_default(library_location, monkeypatch, article_page):
    monkeypatch.setenv("READER_USER", "Cleo")
    with Library.open(library_location) as library:
        [outcome] = library.import_paths([article_page], workers=1)
        assert library.highlight_quote(outcome.id, "daily pulse").created_by == "Cleo"


def test_a_note_changed_since_it_was_opened_is_refused_with_both_texts(two):
    ann, ben, article_id = two
    made = ann.highlight_quote(article_id, "Under a lid of ice", note="first")
    opened_by_ann = ann.get_highlight(made.id)
    opened_by_ben = ben.get_highlight(made.id)
    ben.update_highlight(made.id, note="Ben's reading", opened=opened_by_ben)
    with pytest.raises(NoteConflict, match="changed by Ben since you opened it") as caught:
        ann.update_highlight(made.id, note="Ann's reading", opened=opened_by_ann)
    assert (caught.value.theirs, caught.value.yours) == ("Ben's reading", "Ann's reading")
    assert ann.get_highlight(made.id).note == "Ben's reading"  # nothing was overwritten
    # Reopened, Ann's save goes through.
    assert (
        ann.update_highlight(made.id, note="Ann's reading", opened=ann.get_highlight(made.id)).note == "Ann's reading"
    )


def test_other_changes_in_between_do_not_block_a_note(two):
    ann, ben, article_id = two
    made = ann.highlight_quote(article_id, "Under a lid of ice", note="first")
    opened = ann.get_highlight(made.id)
    ben.update_highlight(made.id, color="blue", tags=["ice"])  # not the note
    saved = ann.update_highlight(made.id, note="second", opened=opened)
    assert (saved.note, saved.color, saved.tags) == ("second", "blue", ("ice",))


def test_an_article_note_changed_since_it_was_opened_is_refused(two):
    ann, ben, article_id = two
    opened_by_ann = ann.get(article_id)
    ben.set_note(article_id, "Ben's summary", opened=ben.get(article_id))
    with pytest.raises(NoteConflict, match="changed by Ben since you opened it"):
        ann.set_note(article_id, "Ann's summary", opened=opened_by_ann)
    assert ann.get(article_id).note == "Ben's summary"
    ann.set_note(article_id, "Ann's summary", opened=ann.get(article_id))
    assert ben.get(article_id).note == "Ann's summary"


def test_highlights_made_before_names_were_recorded_stay_editable(library_at, backend):
    """A library at 0006 upgrades to 0007: its highlights have no author yet and
    version 1; editing one records who did it."""
    from sqlalchemy import text

    from reader.core.storage import db, server

    where = library_at("old") if backend == "postgresql" else None
    if backend == "sqlite":
        folder = library_at("old")
        folder.mkdir()
        engine = db.create_library_engine(folder / "library.db")
        where = folder
    else:
        # library_at gives a migrated library: take it back to 0006 first.
        engine = server.create_server_engine(where)
        from importlib import resources

        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files("reader.core.storage") / "migrations"))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")
    if backend == "sqlite":
        db.run_migrations(engine, "0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (title, word_count, source_name, source_kind, content_hash, extracted_fallback, "
                "note, archived, favorite, progress, added, updated, uid, identity) VALUES ('Old', 1, 'a.html', "
                "'html', 'h', false, '', false, false, 0, '2024-01-01 10:00:00', '2024-01-01 10:00:00', 'u1', 'sha256:h')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO article_contents (article_id, html, text, original) "
                "VALUES (1, '<p>Old words</p>', 'Old words', :b)"
            ),
            {"b": b"x"},
        )
        conn.execute(
            text(
                'INSERT INTO highlights (uid, article_id, start, "end", quote, prefix, suffix, color, note, created, '
                "updated) VALUES ('h1', 1, 0, 3, 'Old', '', ' words', 'yellow', 'then', '2024-01-01 10:00:00', "
                "'2024-01-01 10:00:00')"
            )
        )
    engine.dispose()
    with Library.open(where, user="Dora") as library:
        [old] = library.highlights(1)
        assert (old.created_by, old.updated_by, old.version, old.note) == ("", "", 1, "then")
        edited = library.update_highlight(old.id, note="now", opened=old)
        assert (edited.created_by, edited.updated_by, edited.version, edited.note) == ("", "Dora", 2, "now")


def test_the_command_line_records_the_name_given(library_at, article_page, monkeypatch, capsys):
    import json

    from reader import cli

    monkeypatch.setenv("READER_LIBRARY", str(library_at("cli")))
    monkeypatch.setenv("READER_USER", "Eve")
    assert cli.main(["import", "--workers", "1", str(article_page)]) == 0
    assert cli.main(["--user", "Ann", "highlight", "1", "--quote", "Under a lid of ice"]) == 0
    assert cli.main(["highlight", "1", "--quote", "daily pulse", "--user", "Ben"]) == 0
    assert cli.main(["note", "1", "--user", "Ann", "-- a list"]) == 0
    assert cli.main(["highlight", "1", "--quote", "as thick as a man"]) == 0
    capsys.readouterr()
    assert cli.main(["show", "1", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["note"] == "-- a list" and shown["note_by"] == "Ann"
    assert [(h["quote"], h["created_by"]) for h in shown["highlights"]] == [
        ("Under a lid of ice", "Ann"),
        ("as thick as a man", "Eve"),
        ("daily pulse", "Ben"),
    ]
