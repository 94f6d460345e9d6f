"""The real window, driven as a user would: drop files, pick articles, search, change the look."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from gui_support import answer_dialogs, image_formats, settle
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core.library import Library
from reader.gui.reading.document import CHROME_STATE
from reader.gui.theme import THEMES, ReadingSettings

LONG_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Test Weekly"></head><body><article><h1>{title}</h1>
{paragraphs}</article></body></html>"""


def long_page(folder, name, title, word, paragraphs=40):
    body = "\n".join(
        f"<p>Paragraph {i} of {title.lower()} talks about {word} and many other quiet things that "
        f"fill a page, so that the reader has to scroll a long way down to reach the end.</p>"
        for i in range(paragraphs)
    )
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LONG_PAGE.format(title=title, paragraphs=body), encoding="utf-8")
    return path


def drop(window, paths, target=None):
    """A real QDropEvent with file URLs, as the platform sends it when files are dropped."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    widget = target or window
    enter = QDragEnterEvent(
        QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the window takes dragged files"
    event = QDropEvent(
        QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)
    return event


def drop_and_wait(qtbot, window, paths, target=None):
    with qtbot.waitSignal(window.importFinished, timeout=15000) as blocker:
        drop(window, paths, target)
    return blocker.args[0]


def titles(window):
    return [item.title for item in window.panel.model.items]


def test_empty_library_tells_a_new_user_to_drop_pages(library, make_window):
    window = make_window(library)
    panel = window.panel
    assert panel.stack.currentWidget() is panel.empty
    assert "Drag saved web pages here" in panel.empty.body.text()
    assert panel.empty.button.isVisible()


def test_dropping_files_imports_them_in_the_background_and_opens_the_first(
    library, make_window, article_page, tmp_path, qtbot
):
    window = make_window(library)
    broken = tmp_path / "pages" / "broken.html"
    broken.write_bytes(b"")
    notes = tmp_path / "pages" / "notes.txt"
    notes.write_text("not a web page")
    outcomes = drop_and_wait(qtbot, window, [article_page, broken])

    statuses = sorted(o.status for o in outcomes)
    assert statuses == ["failed", "imported"]
    # The list shows the new article, and it is open in the reading view.
    assert titles(window) == ["The Quiet Rivers of the North"]
    assert window.panel.stack.currentWidget() is window.panel.list
    assert window.view.article is not None and window.view.article.title == "The Quiet Rivers of the North"
    assert "Under a lid of ice" in window.view.toPlainText()
    # The summary says what happened, with the failed file and why.
    assert window.summary.isVisible()
    assert "Imported 1 article" in window.summary.title.text()
    assert "1 failed" in window.summary.title.text()
    reason = next(o.error for o in outcomes if o.status == "failed")
    assert "broken.html" in window.summary.details.text()
    assert reason and reason.split(":")[0][:20] in window.summary.details.text()
    assert not window.progress.isVisible()

    # Dropping the same file again is reported as a duplicate, not a second copy.
    outcomes = drop_and_wait(qtbot, window, [article_page], target=window.view.viewport())
    assert [o.status for o in outcomes] == ["duplicate"]
    assert "1 already in the library" in window.summary.title.text()
    assert len(titles(window)) == 1


def test_dropping_a_folder_imports_every_page_in_it(library, make_window, tmp_path, fixtures, qtbot):
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(fixtures / "article.html", folder / "rivers.html")
    long_page(folder / "sub", "owls.html", "Night Owls", "owls")
    window = make_window(library)
    # Dropped onto the library list: anywhere on the window works.
    outcomes = drop_and_wait(qtbot, window, [folder], target=window.panel.list.viewport())
    assert sorted(o.status for o in outcomes) == ["imported", "imported"]
    assert sorted(titles(window)) == ["Night Owls", "The Quiet Rivers of the North"]
    assert window.panel.count_label.text() == "2 articles"
    assert "Imported 2 articles" in window.summary.title.text()


def test_drag_enter_accepts_files_and_shows_the_drop_hint(library, make_window, article_page):
    window = make_window(library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(article_page))])
    event = QDragEnterEvent(
        QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, event)
    assert event.isAccepted()
    assert window.overlay.isVisible()
    text_only = QMimeData()
    text_only.setText("just text")
    event = QDragEnterEvent(
        QPoint(40, 40), Qt.DropAction.CopyAction, text_only, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, event)
    assert not event.isAccepted()


def test_cancel_stops_an_import(library, make_window, tmp_path, qtbot):
    folder = tmp_path / "many"
    for i in range(30):
        long_page(folder, f"page{i:02}.html", f"Page number {i}", f"word{i}", paragraphs=3)
    window = make_window(library)
    seen = []
    real = window.progress.update_progress

    def progressed(done, total, path):  # the reader presses Cancel as soon as the bar moves
        seen.append(done)
        real(done, total, path)
        window.progress.cancel.click()

    window.progress.update_progress = progressed
    with qtbot.waitSignal(window.importFinished, timeout=30000) as blocker:
        drop(window, [folder])
    outcomes = blocker.args[0]
    assert seen, "progress was reported while importing"
    assert len([o for o in outcomes if o.status == "imported"]) < 30
    assert "cancelled" in window.summary.title.text()


def test_selecting_opens_the_article_and_j_k_move_through_the_list(library, make_window, tmp_path, qtbot):
    library.import_paths(
        [
            long_page(tmp_path, "a.html", "Alpha Article", "apples"),
            long_page(tmp_path, "b.html", "Beta Article", "bananas"),
        ],
        workers=1,
    )
    window = make_window(library)
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    assert titles(window) == ["Alpha Article", "Beta Article"]
    window.panel.list.setCurrentIndex(window.panel.model.index(1))
    assert window.view.article.title == "Beta Article"
    assert window.windowTitle().startswith("Beta Article")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_K)
    assert window.view.article.title == "Alpha Article"
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    assert window.view.article.title == "Beta Article"


def test_archive_and_favorite_move_the_article_between_views(library, make_window, article_page, qtbot):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    window.actions["favorite"].trigger()
    settle(qtbot, window)
    assert library.get(window.article_id).favorite
    assert window.actions["favorite"].isChecked()
    window.actions["archive"].trigger()
    settle(qtbot, window)
    assert library.get(window.article_id).archived
    assert titles(window) == []  # gone from the inbox
    window.panel.view_box.setCurrentIndex(window.panel.view_box.findData("state:archived"))
    assert titles(window) == ["The Quiet Rivers of the North"]
    window.panel.view_box.setCurrentIndex(window.panel.view_box.findData("state:favorite"))
    assert titles(window) == ["The Quiet Rivers of the North"]


def test_tags_filter_and_delete(library, make_window, article_page, tmp_path, qtbot):
    library.import_paths([article_page, long_page(tmp_path, "o.html", "Night Owls", "owls")], workers=1)
    window = make_window(library)
    window.panel.select_article(library.search("owls")[0].article_id)
    window.set_tags(["birds"])
    settle(qtbot, window)
    index = window.panel.view_box.findData("tag:birds")
    assert index >= 0
    window.panel.view_box.setCurrentIndex(index)
    assert titles(window) == ["Night Owls"]
    window.panel.view_box.setCurrentIndex(0)
    window.panel.select_article(library.search("owls")[0].article_id)
    asked = []

    def answer(box, button) -> None:
        asked.append(box.text())
        box.button(button).click()

    # Asked first: Cancel keeps the article, Yes deletes it.
    answer_dialogs(window, QMessageBox, lambda box: answer(box, QMessageBox.StandardButton.Cancel))
    window.actions["delete"].trigger()
    settle(qtbot, window)
    assert library.count() == 2 and "Night Owls" in asked[0]
    answer_dialogs(window, QMessageBox, lambda box: answer(box, QMessageBox.StandardButton.Yes))
    window.actions["delete"].trigger()
    settle(qtbot, window)
    assert titles(window) == ["The Quiet Rivers of the North"]
    assert library.count() == 1


def test_search_finds_an_article_by_a_word_in_its_body_and_opens_it_at_the_match(
    library, make_window, article_page, tmp_path, qtbot
):
    library.import_paths([article_page, long_page(tmp_path, "o.html", "Night Owls", "owls", 60)], workers=1)
    extra = tmp_path / "late.html"
    extra.write_text(
        LONG_PAGE.format(
            title="Late Words",
            paragraphs="<p>start</p>" * 1
            + "".join(f"<p>Filler paragraph {i} with nothing special to say at all, just words.</p>" for i in range(80))
            + "<p>The hidden word is marmalade.</p>",
        ),
        encoding="utf-8",
    )
    library.import_paths([extra], workers=1)
    window = make_window(library)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.search.hasFocus()
    qtbot.keyClicks(window.panel.search, "sensors")
    window.panel.run_search()
    settle(qtbot, window)
    hits = window.panel.results.hits
    assert [h.title for h in hits] == ["The Quiet Rivers of the North"]
    assert window.panel.stack.currentWidget() is window.panel.result_list
    assert "<b>" in hits[0].snippet_html
    qtbot.keyClick(window.panel.search, Qt.Key.Key_Return)
    assert window.view.article.title == "The Quiet Rivers of the North"

    window.panel.search.clear()
    qtbot.keyClicks(window.panel.search, "marmalade")
    qtbot.keyClick(window.panel.search, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.view.article.title == "Late Words"
    # Opened at the match: scrolled down, the word visible and marked.
    assert window.view.verticalScrollBar().value() > 0
    cursor = window.view.document().find("marmalade")
    rect = window.view.cursorRect(cursor)
    assert window.view.viewport().rect().contains(rect.center())
    assert any(sel.cursor.selectedText() == "marmalade" for sel in window.view.extraSelections())
    # Escape leaves the search and shows the list again.
    qtbot.keyClick(window.panel.search, Qt.Key.Key_Escape)
    assert window.panel.stack.currentWidget() is window.panel.list


def test_theme_and_font_settings_apply_and_persist(library, make_window, article_page, settings_file, qtbot):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    panel = window.appearance
    dark = next(b for b in panel.theme_buttons.buttons() if b.property("theme") == "dark")
    dark.click()
    assert window.view.palette().color(window.view.viewport().backgroundRole()) == QColor(THEMES["dark"].background)
    assert QApplication.palette().window().color() == QColor(THEMES["dark"].window)
    size_before = window.view.document().defaultFont().pointSizeF()
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.document().defaultFont().pointSizeF() == size_before + 1
    panel.font_box.setCurrentIndex(panel.font_box.findData("Sans"))
    assert window.view.document().defaultFont().families()[0] in ("Noto Sans", "DejaVu Sans", "Inter")
    window.close()

    stored = ReadingSettings.load(QSettings(settings_file, QSettings.Format.IniFormat))
    assert (stored.theme, stored.font, stored.size) == ("dark", "Sans", size_before + 1)
    again = make_window(library)
    assert again.reading == stored
    assert again.view.palette().color(again.view.viewport().backgroundRole()) == QColor(THEMES["dark"].background)
    assert again.view.document().defaultFont().pointSizeF() == size_before + 1
    again.set_reading(replace(again.reading, theme="light"))


def test_scroll_position_is_saved_and_restored(library, make_window, tmp_path, qtbot):
    library.import_paths(
        [
            long_page(tmp_path, "a.html", "Alpha Article", "apples", 80),
            long_page(tmp_path, "b.html", "Beta Article", "bananas", 80),
        ],
        workers=1,
    )
    window = make_window(library)
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    bar = window.view.verticalScrollBar()
    assert bar.maximum() > 1000
    bar.setValue(bar.maximum() // 2)
    alpha = window.article_id
    window.panel.list.setCurrentIndex(window.panel.model.index(1))  # switching saves the position
    settle(qtbot, window)
    assert library.get(alpha).progress == pytest.approx(0.5, abs=0.01)
    assert window.view.verticalScrollBar().value() == 0
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    assert bar.value() == pytest.approx(bar.maximum() // 2, abs=3)
    # The list shows the progress too; and after a restart the last article opens where it was.
    assert window.panel.model.items[0].progress == pytest.approx(0.5, abs=0.01)
    bar.setValue(bar.maximum() // 4)
    window.close()
    assert library.get(alpha).progress == pytest.approx(0.25, abs=0.01)
    again = make_window(library)
    qtbot.waitUntil(lambda: again.article_id == alpha, timeout=5000)  # it opens after the first paint
    assert again.view.verticalScrollBar().value() == pytest.approx(again.view.verticalScrollBar().maximum() // 4, abs=3)


def test_window_state_is_restored(library, make_window, article_page):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.resize(900, 640)
    window.splitter.setSizes([400, 500])
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    window.close()
    again = make_window(library)
    assert again.splitter.sizes()[0] == 400
    assert again.panel.current_query().sort == "title"


def test_find_in_article(library, make_window, article_page, qtbot):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.pane.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "river")
    assert bar.count.text().endswith(f"of {len(bar.matches)}") and len(bar.matches) >= 3
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.count.text().startswith("2 of")
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_images_come_from_the_library_and_fit_the_column(library, make_window, tmp_path):
    folder = tmp_path / "pic"
    (folder / "pic_files").mkdir(parents=True)
    image = QImage(2000, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    image.save(str(folder / "pic_files" / "wide.png"))
    (folder / "pic.html").write_text(
        "<html><head><title>Wide Picture</title></head><body><article><h1>Wide Picture</h1>"
        "<p>Some words before the picture, enough to make an article out of it.</p>"
        "<figure><img src='pic_files/wide.png'><figcaption>The caption</figcaption></figure>"
        "<p>A remote one is never fetched: <img src='https://example.com/tracker.png'></p>"
        "<p>More words after the picture so the page is an article.</p></article></body></html>"
    )
    library.import_paths([folder / "pic.html"], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    view = window.view
    assert view.loadResource(2, QUrl("https://example.com/tracker.png")).isNull()
    assert view.loadResource(2, QUrl("file:///etc/passwd")).isNull()
    formats = image_formats(view)
    assert len(formats) == 1 and formats[0].name().startswith("asset:")
    assert 0 < formats[0].width() <= view.column_width()
    assert formats[0].height() == pytest.approx(formats[0].width() / 2, abs=1)
    # The caption reads as a caption: centred under the picture.
    caption = view.document().find("The caption").block()
    assert caption.blockFormat().alignment() & Qt.AlignmentFlag.AlignHCenter


def test_links_open_in_the_browser_and_nothing_navigates(library, make_window, article_page, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()) or True))
    window.view.anchorClicked.emit(QUrl("https://example.org/more"))
    window.view.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://example.org/more"]
    assert "Under a lid of ice" in window.view.toPlainText()


def test_articles_added_by_another_process_show_up(library, make_window, article_page, tmp_path, qtbot):
    window = make_window(library, poll_ms=50)
    other = Library.open(library.folder)
    try:
        other.import_paths([article_page], workers=1)
    finally:
        other.close()
    qtbot.waitUntil(lambda: titles(window) == ["The Quiet Rivers of the North"], timeout=5000)


def test_text_map_round_trips_canonical_offsets(library, make_window, article_page):
    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    view = window.view
    article = view.article
    assert view.text_map.exact
    doc = view.document()
    for quote in ("We expected the rivers to sleep.", "Readings every fifteen minutes", "Listening under the ice"):
        start = article.text.index(quote)
        span = view.text_map.range_to_doc(start, start + len(quote))
        cursor = QTextCursor(doc)
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == quote
        assert cursor.block().userState() != CHROME_STATE
        assert view.text_map.doc_range_to_text(*span) == (start, start + len(quote))


def test_existing_highlights_are_painted(library, make_window, article_page):
    library.import_paths([article_page], workers=1)
    article_id = library.list_articles().items[0].id
    library.highlight_quote(article_id, "Instead we found them breathing.", color="green")
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    doc = window.view.document()
    cursor = doc.find("found them")
    cursor.setPosition(cursor.selectionStart() + 1)
    assert cursor.charFormat().background().color() == QColor(window.view.theme.highlights["green"])
    plain = doc.find("expected the rivers")
    plain.setPosition(plain.selectionStart() + 1)
    assert plain.charFormat().background().style() == Qt.BrushStyle.NoBrush


def test_started_as_reader_starts_it(library, make_window, article_page, fixtures, tmp_path, qtbot):
    """`reader` opens a LazyLibrary: the list first, the full core right after the
    first paint; the last article read opens again, and everything works."""
    from reader.core.lazy import LazyLibrary

    source = (fixtures / "article.html").read_text()
    other = tmp_path / "other.html"
    other.write_text(
        source.replace("The Quiet Rivers of the North", "Second Story")
        .replace("quiet in winter", "loud")
        .replace("example.org/2024", "e.org/2")
    )
    library.import_paths([article_page, other], workers=1)
    first = make_window(library)
    first.panel.list.setCurrentIndex(first.panel.model.index(1))
    qtbot.waitUntil(lambda: first.article_id is not None)
    opened = first.article_id
    first.close()

    lazy = LazyLibrary.open(library.folder)
    assert not lazy.loaded
    window = make_window(lazy)
    qtbot.waitUntil(lambda: lazy.loaded and window.article_id == opened, timeout=3000)
    assert window.panel.model.rowCount() == 2
    assert lazy.get(opened).title in window.view.toPlainText()
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    qtbot.waitUntil(lambda: window.article_id != opened)


def test_an_article_stored_before_tables_were_bounded_opens_at_once(library, make_window, article_page):
    """Libraries imported by earlier versions hold unbounded tables: 20 nested
    tables took 77 s to lay out (doubling per level). The view bounds them before Qt sees them."""
    import sqlite3
    import time

    [outcome] = library.import_paths([article_page], workers=1)
    bomb = "<table><tr><td>" * 23 + "deep words" + "</td></tr></table>" * 23
    spans = "<table>" + "<tr><td colspan=1000 rowspan=1000>x</td></tr>" * 20 + "</table>"
    conn = sqlite3.connect(library.db_path)
    conn.execute("UPDATE article_contents SET html = html || ? WHERE article_id = ?", (bomb + spans, outcome.id))
    conn.commit()
    conn.close()
    window = make_window(library)
    started = time.monotonic()
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    assert "deep words" in window.view.toPlainText()
    assert time.monotonic() - started < 20  # seconds; unbounded, this layout takes minutes


def test_copy_citation_puts_a_bibtex_entry_on_the_clipboard(library, make_window, article_page):
    import bibtexparser
    from PySide6.QtGui import QGuiApplication

    library.import_paths([article_page], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    window.actions["copy_citation"].trigger()
    parsed = bibtexparser.parse_string(QGuiApplication.clipboard().text())
    [entry] = parsed.entries
    assert entry.entry_type == "online" and not parsed.failed_blocks
    assert entry.fields_dict["title"].value == "The Quiet Rivers of the North"
    assert "example.org" in entry.fields_dict["url"].value


def test_open_shared_library_remembers_the_address_without_its_password(
    library, make_window, settings_file, monkeypatch
):
    from PySide6.QtCore import QSettings

    from reader.gui import libraries

    started: list[str] = []
    monkeypatch.setattr(libraries, "open_in_new_window", started.append)  # no second window in a test
    monkeypatch.setattr(
        libraries.QInputDialog, "getItem", lambda *a, **k: ("postgresql://ann:s3cret@db.example/lab", True)
    )
    window = make_window(library)
    window.actions["open_shared"].trigger()
    assert started == ["postgresql://ann:s3cret@db.example/lab"]  # the window's own process gets the password
    window.settings.sync()
    recent = libraries.recent_libraries(QSettings(settings_file, QSettings.Format.IniFormat))
    assert recent == ["postgresql://ann@db.example/lab"]
    written = Path(settings_file).read_text(encoding="utf-8")
    assert "ann@db.example" in written and "s3cret" not in written
    assert libraries.without_password("postgresql://u@h/d?sslmode=require&password=x") == (
        "postgresql://u@h/d?sslmode=require"
    )
