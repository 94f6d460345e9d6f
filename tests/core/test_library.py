import hashlib
import sqlite3

import pytest

from reader.core import Library, LibraryError, resolve_library_dir


def import_one(library, path):
    [outcome] = library.import_paths([path], workers=1)
    assert outcome.status == "imported", outcome
    return outcome.id


def test_import_gives_clean_article_with_metadata(library, article_page):
    article = library.get(import_one(library, article_page))
    assert article.title == "The Quiet Rivers of the North"
    assert "Under a lid of ice" in article.text
    assert "Another story" not in article.text  # the related-stories rail is not the article
    assert "<script" not in article.html and "tracker" not in article.html
    assert article.url == "https://example.org/2024/05/quiet-rivers.html"
    assert article.word_count > 200
    assert library.original(article.id) == article_page.read_bytes()


def test_same_page_twice_is_a_duplicate(library, article_page, tmp_path):
    first = import_one(library, article_page)
    copy = tmp_path / "again.html"
    copy.write_bytes(article_page.read_bytes())
    [outcome] = library.import_paths([copy], workers=1)
    assert outcome.status == "duplicate" and outcome.id == first
    assert library.count() == 1


def test_batch_goes_on_after_failures(library, article_page, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 junk")
    outcomes = library.import_paths([empty, pdf, article_page])
    by_path = {o.path: o for o in outcomes}
    assert by_path[str(empty)].status == "failed" and "empty" in by_path[str(empty)].error
    assert by_path[str(pdf)].status == "failed" and "PDF" in by_path[str(pdf)].error
    assert by_path[str(article_page)].status == "imported"


def test_parallel_folder_import(library, fixtures, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    source = (fixtures / "article.html").read_text()
    for i in range(6):
        # Different text each, so none is a duplicate of another.
        (folder / f"page{i}.html").write_text(
            source.replace("quiet in winter", f"quiet in winter {i}x").replace("example.org/2024", f"example.org/{i}")
        )
    seen = []
    outcomes = library.import_paths([folder], progress=lambda done, total, path: seen.append((done, total)))
    assert [o.status for o in outcomes] == ["imported"] * 6
    assert seen[-1] == (6, 6)
    assert library.count() == 6


def test_list_pages_with_keyset_cursor_and_sorts(library, fixtures, tmp_path, monkeypatch):
    from datetime import datetime, timedelta

    import reader.core.dates as dates_module

    # Each import is stamped a day *earlier* than the one before: newest-first
    # is then the reverse of id order, so the two cannot be confused.
    days = iter(range(100))
    monkeypatch.setattr(dates_module, "now", lambda: datetime(2024, 6, 1) - timedelta(days=next(days)))
    source = (fixtures / "article.html").read_text()
    for i, title in enumerate(["banana", "Apple", "cherry"]):
        page = tmp_path / f"{title}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", title)
            .replace("quiet in winter", f"quiet {i}")
            .replace("example.org/2024", f"e.org/{i}")
        )
        import_one(library, page)
    first = library.list_articles(sort="title", limit=2)
    assert [a.title for a in first.items] == ["Apple", "banana"]
    second = library.list_articles(sort="title", limit=2, cursor=first.next_cursor)
    assert [a.title for a in second.items] == ["cherry"] and second.next_cursor is None
    newest = library.list_articles(sort="added")
    assert [a.title for a in newest.items] == ["banana", "Apple", "cherry"]  # imported in that order


def test_states_tags_and_notes(library, article_page):
    article_id = import_one(library, article_page)
    library.set_archived(article_id)
    library.set_favorite(article_id)
    library.add_tags(article_id, ["science", "#rivers", "science"])
    library.set_note(article_id, "Read again in spring")
    article = library.get(article_id)
    assert article.archived and article.favorite
    assert article.tags == ("rivers", "science")
    assert library.count(state="inbox") == 0 and library.count(state="archived") == 1
    assert [a.id for a in library.iter_articles(tag="rivers")] == [article_id]
    assert library.tags() == [("rivers", 1), ("science", 1)]
    assert library.search("spring")[0].article_id == article_id  # notes are searchable


def test_highlights_round_trip(library, article_page):
    article_id = import_one(library, article_page)
    text = library.get(article_id).text
    start = text.index("listening posts")
    h = library.add_highlight(
        article_id, start, start + len("listening posts"), color="green", note="nice name", tags=["term"]
    )
    assert h.quote == "listening posts" and text[h.start : h.end] == h.quote
    assert h.prefix.endswith('calls the stations "') and h.suffix.startswith('" because')
    by_quote = library.highlight_quote(article_id, "daily   pulse")  # whitespace-insensitive
    assert text[by_quote.start : by_quote.end] == "daily pulse"
    hs = library.highlights(article_id)
    assert [x.quote for x in hs] == ["listening posts", "daily pulse"]  # reading order
    updated = library.update_highlight(h.id, color="blue", note="changed", tags=["a", "b"])
    assert (updated.color, updated.note, updated.tags) == ("blue", "changed", ("a", "b"))
    assert library.search("changed")[0].article_id == article_id
    library.delete_highlight(h.id)
    assert [x.quote for x in library.highlights(article_id)] == ["daily pulse"]
    restored = library.restore_highlight(h)
    assert restored.uid == h.uid and len(library.highlights(article_id)) == 2


def test_highlight_quote_errors(library, article_page):
    article_id = import_one(library, article_page)
    with pytest.raises(LibraryError, match="not found"):
        library.highlight_quote(article_id, "words that are not there")
    with pytest.raises(LibraryError, match=r"occurs .* times"):
        library.highlight_quote(article_id, "the rivers")
    h = library.highlight_quote(article_id, "the rivers", occurrence=2)
    assert h.quote.lower() == "the rivers"


def test_search_ranks_title_first_and_gives_snippets(library, fixtures, tmp_path):
    source = (fixtures / "article.html").read_text()
    a = tmp_path / "a.html"
    a.write_text(source)
    b = tmp_path / "b.html"
    b.write_text(
        source.replace("The Quiet Rivers of the North", "Glaciers and auger holes")
        .replace("quiet in winter", "still")
        .replace("example.org/2024", "e.org/b")
    )
    id_a, id_b = import_one(library, a), import_one(library, b)
    hits = library.search("glaciers")
    assert [h.article_id for h in hits] == [id_b]
    hits = library.search("auger")
    assert hits[0].article_id == id_b  # the title match outranks the body match
    assert {h.article_id for h in hits} == {id_a, id_b}
    assert "<b>auger</b>" in " ".join(h.snippet_html for h in hits)
    assert library.search('"unbalanced (quotes') == []  # never an FTS syntax error


def test_delete_removes_everything(library, article_page):
    article_id = import_one(library, article_page)
    library.highlight_quote(article_id, "daily pulse", note="x")
    library.delete(article_id)
    assert library.count() == 0 and library.search("rivers") == []
    with pytest.raises(LibraryError):
        library.get(article_id)
    with library.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from highlights").scalar() == 0
        assert conn.exec_driver_sql("select count(*) from article_contents").scalar() == 0


def test_library_location(monkeypatch, tmp_path):
    monkeypatch.setenv("READER_LIBRARY", str(tmp_path / "env"))
    assert resolve_library_dir(None) == tmp_path / "env"
    assert resolve_library_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv("READER_LIBRARY")
    assert resolve_library_dir(None).name.lower() == "reader"


def test_two_writers_at_once_never_see_database_is_locked(library, article_page):
    """Read-then-write transactions from two connections at once (as the window and
    the command line): each waits its turn, none fails."""
    import threading

    article_id = import_one(library, article_page)
    length = len(library.get(article_id).text)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        with Library.open(library.location) as other:
            for i in range(40):
                try:
                    start = (i * 13 + n * 7) % (length - 10)
                    other.add_highlight(article_id, start, start + 5, note=f"{n}-{i}")
                    other.set_note(article_id, f"{n}-{i}")
                except Exception as exc:  # collected: the assertion below names them
                    errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(library.get(article_id).highlights) == 80
    assert library.check() == []


def test_not_a_library_is_left_untouched(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    junk = folder / "library.db"
    junk.write_bytes(b"this is my shopping list, not a database" * 10)
    with pytest.raises(LibraryError, match="not a Reader library"):
        Library.open(folder)
    assert junk.read_bytes() == b"this is my shopping list, not a database" * 10
    other = tmp_path / "other"
    other.mkdir()
    con = sqlite3.connect(other / "library.db")
    con.execute("create table mine(x)")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="not a Reader library"):
        Library.open(other)


def test_backup_and_check(library, article_page, tmp_path):
    import_one(library, article_page)
    dest = library.backup(tmp_path / "copy.db")
    con = sqlite3.connect(dest)
    assert con.execute("select title from articles").fetchone()[0] == "The Quiet Rivers of the North"
    assert library.check() == []
    with pytest.raises(LibraryError, match="already exists"):
        library.backup(dest)


def test_broad_queries_list_title_matches_then_newest(library, fixtures, tmp_path, monkeypatch):
    from reader.core.storage import fts

    source = (fixtures / "article.html").read_text()
    ids = []
    for i, title in enumerate(["Ice notes", "Winter sensors", "Other things"]):
        page = tmp_path / f"p{i}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", title)
            .replace("quiet in winter", f"quiet {i}")
            .replace("example.org/2024", f"e.org/{i}")
        )
        ids.append(import_one(library, page))
    monkeypatch.setattr(fts, "BROAD_QUERY", 1)  # every query is broad now
    hits = library.search("sensors")
    assert hits[0].article_id == ids[1]  # the title match first
    assert [h.article_id for h in hits[1:]] == [ids[2], ids[0]]  # then newest first
    assert all("<b>sensor" in h.snippet_html for h in hits)


def test_short_last_word_is_not_a_prefix(library, article_page):
    article_id = import_one(library, article_page)
    assert library.search("the")[0].article_id == article_id
    assert library.search("hydrolog")[0].article_id == article_id  # a prefix from 4 letters on
    assert library.search("hyd") == []


def test_an_article_can_be_renamed_and_is_found_by_its_new_title(library, article_page):
    article_id = import_one(library, article_page)
    library.set_title(article_id, "  Rivers   under ice ")
    assert library.get(article_id).title == "Rivers under ice"
    assert [h.article_id for h in library.search("under ice")] == [article_id]
    with pytest.raises(LibraryError, match="cannot be empty"):
        library.set_title(article_id, "   ")


def test_a_title_set_by_hand_survives_reextraction_and_can_be_reset_to_the_pages(library, article_page):
    """Re-extraction wrote the page's title over the reader's: the rename was silently lost."""
    from sqlalchemy import text

    article_id = import_one(library, article_page)
    # As an older Reader extracted the page: another title than today's extractor finds.
    with library.engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET title = 'Quiet Rivers | Example News' WHERE id = :id"), {"id": article_id}
        )
    assert not library.get(article_id).renamed
    library.set_title(article_id, "Glacial channels")
    assert library.get(article_id).page_title == "Quiet Rivers | Example News"

    library.reextract(article_id)
    article = library.get(article_id)
    assert (article.title, article.page_title) == ("Glacial channels", "The Quiet Rivers of the North")
    assert library.get_summary(article_id).title == "Glacial channels"
    assert [h.article_id for h in library.search("glacial")] == [article_id]
    library.set_title(article_id, "Ice rivers")  # renamed again: the page's own title stays the page's
    assert library.get(article_id).page_title == "The Quiet Rivers of the North"

    library.reset_title(article_id)
    article = library.get(article_id)
    assert (article.title, article.renamed) == ("The Quiet Rivers of the North", False)
    assert library.search("glacial") == []
    library.reextract(article_id)  # the title follows the page's again
    assert library.get(article_id).title == "The Quiet Rivers of the North"
    library.reset_title(article_id)  # nothing to reset: left as it is
    assert library.get(article_id).title == "The Quiet Rivers of the North"


def test_reimporting_a_renamed_page_keeps_the_readers_title(library, article_page, tmp_path):
    article_id = import_one(library, article_page)
    library.set_title(article_id, "Glacial channels")
    again = tmp_path / "again.html"
    again.write_bytes(article_page.read_bytes())
    [outcome] = library.import_paths([again], workers=1)
    assert (outcome.status, outcome.id) == ("duplicate", article_id)
    assert library.get(article_id).title == "Glacial channels"


def test_a_deleted_highlight_put_back_by_undo_keeps_its_place_in_the_review(library, article_page):
    """Deleted and put back (the window's Ctrl+Z), a highlight came back as never reviewed:
    one the reader had retired ("never again") was due again, its answers gone from the history."""
    from datetime import UTC, datetime, timedelta

    article_id = import_one(library, article_page)
    kept = library.highlight_quote(article_id, "listening posts")
    retired = library.highlight_quote(article_id, "Under a lid of ice")
    when = datetime.now(UTC) + timedelta(days=2)
    library.answer_review(kept.id, "good", now=when, duration_ms=1200)
    library.answer_review(retired.id, "never", now=when)
    later = when + timedelta(days=60)
    queued = [item.highlight.id for item in library.review_queue(now=later)]
    assert queued == [kept.id]
    before = {h.id: h.review for h in library.get(article_id).highlights}

    for h in (kept, retired):
        as_it_was = library.get_highlight(h.id)  # as the window reads it before deleting it
        library.delete_highlight(h.id)
        library.restore_highlight(as_it_was)

    assert {h.id: h.review for h in library.get(article_id).highlights} == before
    assert [item.highlight.id for item in library.review_queue(now=later)] == queued
    assert [a.duration_ms for a in library.get_highlight(kept.id).review.answers] == [1200]


def test_undo_of_a_highlight_deletion_after_its_id_was_given_to_another(library, article_page):
    """SQLite gives a deleted highlight's id to the next one made (in another window perhaps):
    the undo of the deletion then failed on the taken id, and the highlight, its note and its
    review answers were gone. It comes back under a new id; the other highlight is untouched.
    An undo of one already put back (two windows) changes nothing."""
    from datetime import UTC, datetime, timedelta

    article_id = import_one(library, article_page)
    h = library.highlight_quote(article_id, "listening posts", note="the posts")
    library.answer_review(h.id, "good", now=datetime.now(UTC) + timedelta(days=2))
    as_it_was = library.get_highlight(h.id)
    library.delete_highlight(h.id)
    other = library.highlight_quote(article_id, "daily pulse", note="other")
    back = library.restore_highlight(as_it_was)
    assert (back.uid, back.note, back.quote) == (h.uid, "the posts", "listening posts")
    assert back.id != other.id
    assert len(library.get_highlight(back.id).review.answers) == 1
    assert library.get_highlight(other.id).note == "other"
    assert library.restore_highlight(as_it_was).id == back.id
    assert len(library.highlights(article_id)) == 2


def test_a_highlight_put_back_after_a_reextraction_covers_its_quote(library, article_page):
    """Put back (undo) at the offsets it had before the article was re-extracted, a highlight
    marked other words than the reader had chosen."""
    from sqlalchemy import text

    article_id = import_one(library, article_page)
    with library.engine.begin() as conn:  # as an older Reader extracted it: a line more at the top
        conn.execute(
            text(
                "UPDATE article_contents SET text = 'A line the old extraction kept. ' || text WHERE article_id = :id"
            ),
            {"id": article_id},
        )
    h = library.highlight_quote(article_id, "listening posts", note="the posts")
    as_it_was = library.get_highlight(h.id)
    library.delete_highlight(h.id)
    library.reextract(article_id)
    library.restore_highlight(as_it_was)
    article = library.get(article_id)
    [back] = article.highlights
    assert article.text[back.start : back.end] == back.quote == "listening posts"
    assert (back.id, back.note) == (h.id, "the posts")


class _ReextractedMeanwhile(Library):
    """A library whose article's text another process changes (a newer Reader
    re-extracting it) right after this one has read the article."""

    def get(self, article_id):
        article = super().get(article_id)
        with sqlite3.connect(self.db_path) as other:
            other.execute(
                "UPDATE article_contents SET text = 'A new first line, added by the re-extraction.' || char(10) || text "
                "WHERE article_id = ?",
                (article_id,),
            )
        return article


@pytest.mark.sqlite_only
def test_a_highlight_covers_its_words_when_the_text_changed_meanwhile(article_page, tmp_path):
    """`reader highlight --quote` found the quote in one read and stored the offsets
    against the text of another: after a re-extraction between the two, the
    highlight covered other words, silently. And the window's offsets, taken from
    the text it shows, are refused when that text has changed there since."""
    with _ReextractedMeanwhile.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([article_page], workers=1)
        h = library.highlight_quote(outcome.id, "listening posts")
        text = Library.get(library, outcome.id).text
        assert h.quote == "listening posts" and text[h.start : h.end] == "listening posts"

        start = text.index("Forty stations")
        shown = text[start : start + 14]
        with sqlite3.connect(library.db_path) as other:  # re-extracted after the window showed it
            other.execute("UPDATE article_contents SET text = 'More. ' || text WHERE article_id = ?", (outcome.id,))
        with pytest.raises(LibraryError, match="text changed since it was shown"):
            library.add_highlight(outcome.id, start, start + 14, seen=shown)
        assert [x.quote for x in library.highlights(outcome.id)] == ["listening posts"]
        assert library.add_highlight(outcome.id, start + 6, start + 20, seen=shown).quote == shown


@pytest.mark.sqlite_only
def test_backups_to_one_name_at_once_leave_one_whole_copy_and_no_other_file(article_page, tmp_path):
    """Each backup writes a temporary file of its own: two at once to one name
    shared 'copy.db.partial' (one removed and renamed the other's half-written
    file), and a file of the user's of that name was deleted."""
    import threading

    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([article_page], workers=1)
        library.highlight_quote(outcome.id, "listening posts")
    (tmp_path / "copy.db.partial").write_text("the user's own file")
    errors: list[str] = []

    def back_up() -> None:
        with Library.open(tmp_path / "lib") as library:
            try:
                library.backup(tmp_path / "copy.db")
            except LibraryError as exc:
                errors.append(str(exc))

    threads = [threading.Thread(target=back_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(errors) == 2 and all("already exists" in e for e in errors), errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "copy.db.partial", "lib", "pages"]
    assert (tmp_path / "copy.db.partial").read_text() == "the user's own file"
    con = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT quote FROM highlights").fetchall() == [("listening posts",)]
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_tag_edit_keeps_tags_added_meanwhile_and_is_stored_whole_or_not_at_all(library, article_page):
    """A tag editor's additions and removals are one transaction (change_tags): read and
    written together, so another process's tag stays; and a failure half-way (a trigger
    refusing the removal here, as a full disk would) leaves no half of the edit stored."""
    article_id = import_one(library, article_page)
    library.set_tags(article_id, ["rivers", "north"])
    with Library.open(library.location) as other:
        other.add_tags(article_id, ["science"])  # after the editor opened with "rivers, north"
    library.change_tags(article_id, add=["ice", "Glaciers"], remove=["RIVERS"])
    assert set(library.get(article_id).tags) == {"north", "science", "ice", "Glaciers"}
    with library.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE DELETE ON article_tags BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(Exception, match="disk full"):
        library.change_tags(article_id, add=["south"], remove=["north"])
    assert set(library.get(article_id).tags) == {"north", "science", "ice", "Glaciers"}


def test_highlight_tags_added_and_removed_keep_the_tags_given_meanwhile(library, article_page):
    article_id = import_one(library, article_page)
    start = library.get(article_id).text.index("listening posts")
    h = library.add_highlight(article_id, start, start + 15, note="first", tags=["term", "north"])
    with Library.open(library.location) as other:
        other.update_highlight(h.id, tags=["term", "north", "science"])  # while the editor was open
    fresh = library.update_highlight(h.id, note="second", add_tags=["Ice"], remove_tags=["TERM"], opened=h)
    assert set(fresh.tags) == {"north", "science", "Ice"} and fresh.note == "second"  # their tag is no conflict
    assert set(library.get_highlight(h.id).tags) == {"north", "science", "Ice"}


def test_a_front_end_learns_whether_the_text_it_shows_is_still_the_article_s(library, article_page, tmp_path):
    """What the window asks on a change from elsewhere before reading the article again."""
    import dataclasses

    article_id = import_one(library, article_page)
    shown = library.get(article_id)
    assert library.shows_current_text(shown)
    library.set_note(article_id, "a note is no change of text")
    assert library.shows_current_text(shown)
    assert not library.shows_current_text(dataclasses.replace(shown, text=shown.text + " An older last line."))
    assert not library.shows_current_text(dataclasses.replace(shown, html=shown.html + "<p>more</p>"))
    # Text beyond ASCII compares the same (a server is asked with digests of the UTF-8 bytes).
    page = tmp_path / "beyond-ascii.html"
    page.write_text(
        article_page.read_text("utf-8")
        .replace("quiet in winter", "quiet in winter — Māori, 冬 ☃")
        .replace("example.org/2024", "example.org/2025"),
        "utf-8",
    )
    other = library.get(import_one(library, page))
    assert "冬 ☃" in other.text and library.shows_current_text(other)


def test_a_nul_typed_in_a_note_tag_title_or_highlight_is_dropped_on_both_backends(library, article_page):
    """PostgreSQL refuses NUL in text: a note pasted with one was a traceback on a shared
    library (and kept on a personal one, which could then not be copied to a server)."""
    [outcome] = library.import_paths([article_page], workers=1)
    aid = outcome.id
    library.set_note(aid, "first\x00 thought")
    library.add_tags(aid, ["ri\x00vers"])
    library.set_title(aid, "Quiet\x00 Rivers")
    highlight = library.add_highlight(aid, 0, 20, note="wo\x00rth it")
    library.update_highlight(highlight.id, note="still wo\x00rth it")
    article = library.get(aid)
    assert article.note == "first thought"
    assert article.tags == ("rivers",)
    assert article.title == "Quiet Rivers"
    assert [h.note for h in article.highlights] == ["still worth it"]


def test_a_page_with_an_address_too_long_to_follow_imports_on_both_backends(library, article_page, tmp_path):
    """A 9,000-character address (tracking state) was refused by a shared library: its index
    row was too large. The page is kept, known by its text, without the address."""
    junk = "".join("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"[(i * 7919) % 36] for i in range(9000))
    page = tmp_path / "long-address.html"
    page.write_text(article_page.read_text(encoding="utf-8").replace("example.org/2024", "example.org/2024/" + junk))
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    article = library.get(outcome.id)
    assert article.url is None and "quiet" in article.text


def test_a_tag_too_long_is_refused_alike_on_both_backends(library, article_page):
    """A 3,000-character tag was kept in a personal library and refused by a shared one
    (a traceback: its index row was too large for the server). One limit on both: a tag
    of MAX_TAG_CHARS is kept, wherever it is stored, even in letters whose case-folded
    key is three times as long; a longer one is refused in one line, nothing changed."""
    from reader.core.tags import MAX_TAG_CHARS

    aid = import_one(library, article_page)
    library.add_tags(aid, ["rivers"])
    longest = ["x" * MAX_TAG_CHARS, "ΐ" * MAX_TAG_CHARS]  # ΐ folds to three characters
    library.add_tags(aid, longest)
    start = library.get(aid).text.index("listening posts")
    highlight = library.add_highlight(aid, start, start + 15, tags=longest)
    assert set(library.get(aid).tags) == {"rivers", *longest}
    too_long = "".join(hashlib.sha256(bytes([i])).hexdigest() for i in range(64))  # incompressible, 4,096
    with pytest.raises(LibraryError, match=f"at most {MAX_TAG_CHARS} characters") as refused:
        library.add_tags(aid, ["north", too_long])
    assert len(str(refused.value)) < 300 and "\n" not in str(refused.value)
    with pytest.raises(LibraryError, match=f"at most {MAX_TAG_CHARS} characters"):
        library.update_highlight(highlight.id, add_tags=[too_long])
    assert set(library.get(aid).tags) == {"rivers", *longest}
    assert set(library.get_highlight(highlight.id).tags) == set(longest)


@pytest.mark.sqlite_only
def test_a_long_tag_kept_before_the_limit_stays_usable(library, article_page):
    """A personal library took tags of any length before the limit: an article carrying
    one still has its tags edited, the long one kept or removed as asked."""
    aid = import_one(library, article_page)
    long_tag = "z" * 1000
    with sqlite3.connect(library.db_path) as conn:  # as a Reader before the limit stored it
        tag_id = conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (long_tag, long_tag)).lastrowid
        conn.execute("INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)", (aid, tag_id))
    conn.close()
    library.add_tags(aid, ["north"])
    assert set(library.get(aid).tags) == {long_tag, "north"}
    library.remove_tags(aid, [long_tag])
    assert library.get(aid).tags == ("north",)


@pytest.mark.sqlite_only
def test_undoing_the_deletion_of_a_highlight_with_an_old_long_tag_brings_it_back(library, article_page, tmp_path):
    """Deleting a highlight drops the tags nothing else carries; its undo puts them back.
    A tag longer than the limit, kept before it, made the undo fail: the highlight and its
    note were gone. A tag put back is never refused; an export of it still imports, without it."""
    from reader.core.export import export_library, import_annotations

    aid = import_one(library, article_page)
    start = library.get(aid).text.index("listening posts")
    highlight = library.add_highlight(aid, start, start + 15, note="mine")
    long_tag = "z" * 300
    with sqlite3.connect(library.db_path) as conn:  # as a Reader before the limit stored it
        tag_id = conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (long_tag, long_tag)).lastrowid
        conn.execute("INSERT INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)", (highlight.id, tag_id))
    conn.close()
    kept = library.get_highlight(highlight.id)
    export_library(library, "json", tmp_path / "all.json")
    library.delete_highlight(highlight.id)
    library.restore_highlight(kept)
    [back] = library.get(aid).highlights
    assert (back.note, back.tags) == ("mine", (long_tag,))

    # The export, into a library where it is gone: the highlight comes back, the long tag is named.
    library.delete_highlight(back.id)
    report = import_annotations(library, tmp_path / "all.json")
    assert report.added == 1 and report.long_tags == [long_tag]
    assert "1 tags over 200 characters left out" in report.summary()
    [again] = library.get(aid).highlights
    assert (again.note, again.tags) == ("mine", ())
