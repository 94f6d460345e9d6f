"""Highlighting in the window, driven as a reader would: select, press H, click, undo, export."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

pytest.importorskip("pytestqt")

from gui_support import answer_dialogs, settle
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QTextCursor

from reader.gui.annotate import ColorNames

QUOTE = "Instead we found them breathing."


def open_first(window):
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    return window.view


def select(view, words: str, occurrence: int = 1) -> QTextCursor:
    """Select words in the reading view as a reader's drag would."""
    cursor = QTextCursor(view.document())
    for _ in range(occurrence):
        cursor = view.document().find(words, cursor)
    assert not cursor.isNull(), words
    view.setTextCursor(cursor)
    view.setFocus()
    return cursor


def background(view, pos: int) -> QColor | None:
    """The painted background of the character at document position `pos`."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos + 1)  # a cursor's format is that of the character before it
    brush = cursor.charFormat().background()
    return None if brush.style() == Qt.BrushStyle.NoBrush else brush.color()


def painted(view, start: int, end: int) -> set:
    return {background(view, p).name() if background(view, p) else None for p in range(start, end)}


def color_of(view, name: str) -> str:
    return QColor(view.theme.highlights[name]).name()


class Answer:
    """What the reader types in the note dialog when it opens: `note` and `tags`, then Save
    (or Cancel when `accept` is false)."""

    def __init__(self, note="", tags=(), accept=True):
        self.note, self.tags, self.accept = note, list(tags), accept


def answer_notes(monkeypatch, window, *answers):
    """Answer the window's real note dialogs, in turn, as they open; returns what each showed
    (quote, note, tags). `monkeypatch` is unused: kept for the callers' signature."""
    from PySide6.QtWidgets import QDialogButtonBox

    from reader.gui.annotate import NoteDialog

    seen = []

    def answering(answer):
        def fill(dialog) -> None:
            seen.append((dialog.quote.text().strip("\u201c\u201d"), dialog.note(), tuple(dialog.tag_list())))
            dialog.editor.setPlainText(answer.note)
            dialog.tags.setText(", ".join(answer.tags))
            button = QDialogButtonBox.StandardButton.Save if answer.accept else QDialogButtonBox.StandardButton.Cancel
            dialog.findChild(QDialogButtonBox).button(button).click()

        return fill

    answer_dialogs(window, NoteDialog, *(answering(a) for a in answers))
    return seen


def test_select_press_h_paints_and_stores_and_survives_a_restart(library, rivers, make_window, qtbot):
    window = make_window(library)
    view = open_first(window)
    cursor = select(view, "we found them breathing")
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)

    stored = library.highlights(rivers)
    assert [h.quote for h in stored] == ["we found them breathing"]
    assert stored[0].color == "yellow"
    assert not view.textCursor().hasSelection()  # the new highlight shows in its colour at once
    assert painted(view, start, end) == {color_of(view, "yellow")}
    assert background(view, start - 2) is None and background(view, end) is None
    assert window.sidebar.model.highlights() == stored
    assert window.panel.model.items[0].highlight_count == 1
    window.close()

    again = make_window(library)  # the last article opens again
    qtbot.waitUntil(lambda: again.article_id == rivers, timeout=5000)  # it opens after the first paint
    found = again.view.document().find("we found them breathing")
    assert painted(again.view, found.selectionStart(), found.selectionEnd()) == {color_of(again.view, "yellow")}
    assert background(again.view, found.selectionStart() - 2) is None
    assert background(again.view, found.selectionEnd()) is None


def test_floating_toolbar_highlights_the_selection_in_a_colour(library, rivers, make_window, qtbot):
    window = make_window(library)
    view = open_first(window)
    select(view, "a daily pulse")
    view.selectionFinished.emit()  # as on mouse release
    bar = window.floating
    assert bar.isVisible() and bar.highlight is None
    assert not bar.delete_button.isVisible()
    bar.color_buttons["purple"].click()
    settle(qtbot, window)
    (h,) = library.highlights(rivers)
    assert (h.quote, h.color) == ("a daily pulse", "purple")
    assert not bar.isVisible()
    found = view.document().find("a daily pulse")
    assert painted(view, found.selectionStart(), found.selectionEnd()) == {color_of(view, "purple")}


def click_highlight(qtbot, view, highlight_id):
    span = view.highlight_span(highlight_id)
    cursor = QTextCursor(view.document())
    cursor.setPosition((span[0] + span[1]) // 2)
    view.scroll_to_highlight(highlight_id, flash=False)  # as the sidebar does when it is clicked
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x() + 2, rect.center().y()))


def test_click_a_highlight_to_recolour_note_delete_and_undo_redo_everything(
    library, rivers, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    view = open_first(window)
    select(view, QUOTE)
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)
    (h,) = library.highlights(rivers)
    found = view.document().find(QUOTE)
    words = (found.selectionStart(), found.selectionEnd())

    # Click it: the toolbar offers its colours (the current one checked), note, tags, delete.
    click_highlight(qtbot, view, h.id)
    bar = window.floating
    assert bar.isVisible() and bar.highlight.id == h.id
    assert bar.color_buttons["yellow"].isChecked() and bar.delete_button.isVisible()
    bar.color_buttons["green"].click()
    settle(qtbot, window)
    assert library.get_highlight(h.id).color == "green"
    assert painted(view, *words) == {color_of(view, "green")}

    seen = answer_notes(
        monkeypatch, window, Answer("They **breathe**:\n\n- in winter\n- under ice", ["surprise", "ice"])
    )
    bar.note_button.click()
    settle(qtbot, window)
    assert seen[0][0] == QUOTE
    assert library.get_highlight(h.id).note == "They **breathe**:\n\n- in winter\n- under ice"
    assert library.get_highlight(h.id).tags == ("ice", "surprise")
    # The sidebar renders the note's Markdown (bold, a list), not its asterisks.
    doc = window.sidebar.delegate.card_document(_option(window.sidebar.list), window.sidebar.model.entries[0], 260)
    assert "breathe" in doc.toPlainText() and "**" not in doc.toPlainText()
    assert "#surprise" in doc.toPlainText()

    # Undo, step by step, with the standard keys; the library follows each step.
    def undo():
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        settle(qtbot, window)

    def redo():
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        settle(qtbot, window)

    assert window.actions["undo"].text() == "&Undo Edit Note and Tags"
    undo()
    assert library.get_highlight(h.id).note == "" and library.get_highlight(h.id).tags == ()
    undo()
    assert library.get_highlight(h.id).color == "yellow"
    assert painted(view, *words) == {color_of(view, "yellow")}
    redo()
    redo()
    assert library.get_highlight(h.id).color == "green"
    assert library.get_highlight(h.id).note.startswith("They **breathe**")

    # Delete (from the toolbar), undo brings back the same highlight, redo deletes it again.
    click_highlight(qtbot, view, h.id)
    window.floating.delete_button.click()
    settle(qtbot, window)
    assert library.highlights(rivers) == []
    assert painted(view, *words) == {None}
    assert window.sidebar.model.highlights() == []
    undo()
    (back,) = library.highlights(rivers)
    assert (back.id, back.uid, back.color, back.tags) == (h.id, h.uid, "green", ("ice", "surprise"))
    assert painted(view, *words) == {color_of(view, "green")}
    redo()
    assert library.highlights(rivers) == []
    # Undo all the way: even the highlight itself; redo all the way: it is all back.
    for _ in range(4):
        undo()
    assert library.highlights(rivers) == [] and not window.actions["undo"].isEnabled()
    for _ in range(3):
        redo()
    (again,) = library.highlights(rivers)
    assert (again.id, again.color, again.note.startswith("They"), again.tags) == (
        h.id,
        "green",
        True,
        ("ice", "surprise"),
    )
    assert painted(view, *words) == {color_of(view, "green")}


def _option(view):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    return option


def test_undo_history_is_per_article(library, rivers, make_window, qtbot, tmp_path):
    from test_window import long_page

    other = library.import_paths([long_page(tmp_path, "owls.html", "Night Owls", "owls", 5)], workers=1)[0].id
    window = make_window(library)
    window.open_article(rivers)
    select(window.view, QUOTE)
    qtbot.keyClick(window.view, Qt.Key.Key_H)
    settle(qtbot, window)
    window.open_article(other)
    assert not window.actions["undo"].isEnabled()  # nothing done here: Ctrl+Z cannot touch the other article
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert len(library.highlights(rivers)) == 1
    window.open_article(rivers)
    assert window.actions["undo"].isEnabled()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert library.highlights(rivers) == []


def test_highlight_with_a_note_from_the_keyboard(library, rivers, make_window, qtbot, monkeypatch):
    window = make_window(library)
    view = open_first(window)
    answer_notes(monkeypatch, window, Answer("cancelled", accept=False), Answer("Why *daily*?", ["question"]))
    select(view, "a daily pulse")
    qtbot.keyClick(view, Qt.Key.Key_N)
    settle(qtbot, window)
    assert library.highlights(rivers) == []  # cancelled: nothing was highlighted
    # The window has its keys back once the desktop makes it active again (asynchronous: on a
    # busy machine the next key could come first and miss the window's shortcut).
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(view, Qt.Key.Key_N)
    settle(qtbot, window)
    (h,) = library.highlights(rivers)
    assert (h.quote, h.note, h.tags) == ("a daily pulse", "Why *daily*?", ("question",))
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step for highlight + note
    settle(qtbot, window)
    assert library.highlights(rivers) == []


def test_adjacent_highlights_stay_two_and_overlaps_show_as_a_blend(library, rivers, make_window, qtbot):
    text = library.get(rivers).text
    at = text.index("found them breathing")
    middle = at + len("found them breath")
    a = library.add_highlight(rivers, at, middle, color="yellow")  # "found them breath"
    b = library.add_highlight(rivers, middle, middle + len("ing"), color="yellow")  # "ing": touching it
    over = text.index("Instead we found")
    c = library.add_highlight(rivers, over, at + len("found"), color="blue")  # overlaps "found"
    window = make_window(library)
    view = open_first(window)
    assert len(library.highlights(rivers)) == 3  # never merged
    span_a, span_b = view.highlight_span(a.id), view.highlight_span(b.id)
    assert span_a[1] == span_b[0]
    # Each part answers for itself when clicked.
    assert view.highlight_at(span_a[1] - 1) == a.id and view.highlight_at(span_b[0] + 1) == b.id
    # On screen: a hairline of page between the two, highlight colour either side.
    view.scroll_to_highlight(a.id, flash=False)
    qtbot.wait(20)
    cursor = QTextCursor(view.document())
    cursor.setPosition(span_a[1])
    rect = view.cursorRect(cursor)
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    y = int(rect.center().y() * dpr)
    assert QColor(image.pixel(int(rect.left() * dpr), y)).name() == QColor(view.theme.background).name()
    assert QColor(image.pixel(int((rect.left() + 6) * dpr), y)).name() != QColor(view.theme.background).name()
    # Where blue and yellow overlap ("found"), a third colour, deeper than either.
    found = view.document().find("found them")
    (name,) = {background(view, found.selectionStart() + i).name() for i in range(5)}
    blend = QColor(name)
    assert name not in (color_of(view, "yellow"), color_of(view, "blue"))
    assert blend.lightness() < QColor(color_of(view, "yellow")).lightness()
    assert background(view, view.highlight_span(c.id)[0]) == QColor(color_of(view, "blue"))
    assert view.highlight_at(found.selectionStart() + 1) == c.id  # the innermost wins a click


def test_sidebar_lists_in_reading_order_filters_and_clicking_scrolls(library, make_window, qtbot, tmp_path):
    from test_window import long_page

    article_id = library.import_paths([long_page(tmp_path, "l.html", "Long Read", "lichens", 80)], workers=1)[0].id
    text = library.get(article_id).text
    late = library.highlight_quote(article_id, "Paragraph 71 of long read", color="pink", tags=["late"])
    early = library.highlight_quote(article_id, "Paragraph 2 of long read", color="blue")
    middle = library.highlight_quote(article_id, "Paragraph 40 of long read", color="blue", note="half way")
    assert text  # sanity
    window = make_window(library)
    view = open_first(window)
    sidebar = window.sidebar
    assert [h.id for h in sidebar.model.highlights()] == [early.id, middle.id, late.id]
    assert sidebar.count.text() == "3"

    view.verticalScrollBar().setValue(0)
    rect = sidebar.entry_rect(late.id)
    qtbot.mouseClick(sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.verticalScrollBar().value() > 0
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.highlight_span(late.id)[0])
    assert view.viewport().rect().contains(view.cursorRect(cursor).center())

    sidebar.color_filter.setCurrentIndex(sidebar.color_filter.findData("blue"))
    assert [h.id for h in sidebar.model.highlights()] == [early.id, middle.id]
    assert sidebar.count.text() == "2 of 3"
    sidebar.color_filter.setCurrentIndex(0)
    sidebar.tag_filter.setCurrentIndex(sidebar.tag_filter.findData("late"))
    assert [h.id for h in sidebar.model.highlights()] == [late.id]


def test_a_highlight_that_could_not_be_placed_is_listed_with_its_quote(library, rivers, make_window):
    kept = library.highlight_quote(rivers, QUOTE, color="green")
    lost = library.highlight_quote(rivers, "a daily pulse", color="pink", note="where did it go?")
    # Annotations brought back from a copy whose text differs: one quote is no longer in this text.
    library.delete_highlight(lost.id)
    (lost,) = library.insert_highlights(
        [replace(lost, uid=uuid.uuid4().hex, start=None, end=None, quote="a sentence the new text no longer has")]
    )
    window = make_window(library)
    view = open_first(window)
    entries = window.sidebar.model.entries
    assert [e[0] for e in entries] == ["highlight", "header", "highlight"]
    assert entries[0][1].id == kept.id
    assert entries[1][1] == "Could not be placed"
    assert entries[2][1].id == lost.id and entries[2][1].quote == "a sentence the new text no longer has"
    assert view.highlight_span(lost.id) is None
    window.reveal_highlight(lost.id)
    assert "could not be placed" in window.statusBar().currentMessage()


def test_article_note_is_saved_after_a_pause_and_when_switching(library, rivers, make_window, qtbot, tmp_path):
    from test_window import long_page

    other = library.import_paths([long_page(tmp_path, "o.html", "Night Owls", "owls", 5)], workers=1)[0].id
    window = make_window(library)
    window.open_article(rivers)
    note = window.sidebar.note
    note.setFocus()
    qtbot.keyClicks(note, "Worth rereading")
    qtbot.waitUntil(lambda: library.get(rivers).note == "Worth rereading", timeout=3000)
    qtbot.keyClicks(note, " in spring")  # typing h/j/k here types them, it does not highlight or move
    window.open_article(other)  # before the pause is over
    settle(qtbot, window)
    assert library.get(rivers).note == "Worth rereading in spring"
    assert note.toPlainText() == ""
    window.open_article(rivers)
    assert note.toPlainText() == "Worth rereading in spring"


def test_notebook_filters_and_opens_the_article_at_the_highlight(library, rivers, make_window, qtbot, tmp_path):
    from test_window import long_page

    owls = library.import_paths([long_page(tmp_path, "o.html", "Night Owls", "owls", 60)], workers=1)[0].id
    library.highlight_quote(rivers, QUOTE, color="green", tags=["ice"])
    library.highlight_quote(rivers, "a daily pulse", color="yellow", note="the heartbeat of the river")
    deep = library.highlight_quote(owls, "Paragraph 55 of night owls", color="green", tags=["birds"])
    window = make_window(library)
    window.open_article(rivers)
    window.action_notebook()
    nb = window.notebook
    settle(qtbot, window)
    assert nb.isVisible()
    assert len(nb.model.highlights()) == 3 and nb.count.text() == "3 highlights in 2 articles"
    nb.color_filter.setCurrentIndex(nb.color_filter.findData("green"))
    settle(qtbot, window)
    assert {h.quote for h in nb.model.highlights()} == {QUOTE, "Paragraph 55 of night owls"}
    nb.tag_filter.setCurrentIndex(nb.tag_filter.findData("birds"))
    settle(qtbot, window)
    assert [h.id for h in nb.model.highlights()] == [deep.id]
    nb.tag_filter.setCurrentIndex(0)
    nb.color_filter.setCurrentIndex(0)
    nb.search.setText("heartbeat")  # words of a note
    nb.refresh()
    settle(qtbot, window)
    assert [h.quote for h in nb.model.highlights()] == ["a daily pulse"]
    nb.search.clear()
    nb.article_filter.setCurrentIndex(nb.article_filter.findData(owls))
    settle(qtbot, window)
    assert [h.id for h in nb.model.highlights()] == [deep.id]
    # Choosing it opens its article, scrolled to it.
    rect = nb.list.visualRect(nb.model.index(0))
    qtbot.mouseClick(nb.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.article_id == owls
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.highlight_span(deep.id)[0])
    assert view.verticalScrollBar().value() > 0
    assert view.viewport().rect().contains(view.cursorRect(cursor).center())


def answer_export(monkeypatch, window, path, fmt="md", single=True, scope=None):
    """The reader fills in the export dialog when it opens: format, one file or a folder, where;
    and presses Export. `monkeypatch` is unused: kept for the callers' signature."""
    from reader.gui.export_dialog import ExportDialog

    def fill(d) -> None:
        if scope is not None:
            d.scope.setCurrentIndex(d.scope.findData(scope))
        d.format.setCurrentIndex(d.format.findData(fmt))
        (d.to_file if single else d.to_folder).setChecked(True)
        d.path.setText(str(path))
        d.export_button.click()

    answer_dialogs(window, ExportDialog, fill)


def test_export_from_the_window_and_import_the_annotations_back(
    library, rivers, make_window, qtbot, monkeypatch, tmp_path, settings_file
):
    ColorNames(QSettings(settings_file, QSettings.Format.IniFormat)).set_label("green", "key idea")
    window = make_window(library)
    view = open_first(window)
    select(view, QUOTE)
    window.floating.color_buttons["green"].click()
    settle(qtbot, window)
    assert window.names.label("green") == "key idea"  # remembered in the settings

    out = tmp_path / "export" / "notes.md"
    answer_export(monkeypatch, window, out, "md", single=True)
    with qtbot.waitSignal(window.exportFinished, timeout=10000) as blocker:
        window.actions["export"].trigger()
    assert blocker.args[0] is not None and out.exists()
    markdown = out.read_text(encoding="utf-8")
    assert QUOTE in markdown and "key idea" in markdown
    assert "Exported 1 article with 1 highlight" in window.statusBar().currentMessage()

    folder = tmp_path / "export" / "json"
    answer_export(monkeypatch, window, folder, "json", single=False, scope="current")
    with qtbot.waitSignal(window.exportFinished, timeout=10000):
        window.action_export("current")
    (written,) = [p for p in folder.glob("*.json") if not p.name.startswith(".")]
    data = json.loads(written.read_text(encoding="utf-8"))
    assert QUOTE in json.dumps(data, ensure_ascii=False)

    # The highlight is lost; File > Import Annotations... brings it back, painted on the same words.
    window.delete_highlight(library.highlights(rivers)[0].id)
    settle(qtbot, window)
    assert library.highlights(rivers) == []
    with qtbot.waitSignal(window.annotationsImported, timeout=10000) as blocker:
        window.import_annotations(str(written))
    assert blocker.args[0] is not None and blocker.args[0].added == 1
    (back,) = library.highlights(rivers)
    assert (back.quote, back.color) == (QUOTE, "green")
    found = view.document().find(QUOTE)
    assert painted(view, found.selectionStart(), found.selectionEnd()) == {color_of(view, "green")}
    assert [h.quote for h in window.sidebar.model.highlights()] == [QUOTE]


def test_the_notebook_exports_just_the_highlights_it_shows(library, rivers, make_window, qtbot, monkeypatch, tmp_path):
    library.highlight_quote(rivers, QUOTE, color="green")
    library.highlight_quote(rivers, "a daily pulse", color="yellow")
    window = make_window(library)
    window.action_notebook()
    nb = window.notebook
    settle(qtbot, window)
    nb.color_filter.setCurrentIndex(nb.color_filter.findData("yellow"))
    settle(qtbot, window)
    out = tmp_path / "yellow.csv"
    answer_export(monkeypatch, window, out, "csv", single=True, scope="notebook")
    with qtbot.waitSignal(window.exportFinished, timeout=10000):
        nb.export_button.click()
    rows = out.read_text(encoding="utf-8")
    assert "a daily pulse" in rows and QUOTE not in rows


def test_a_change_repaints_in_place_without_rendering_the_article_again(
    library, rivers, make_window, qtbot, monkeypatch
):
    window = make_window(library)
    view = open_first(window)
    renders = []
    monkeypatch.setattr(view, "setHtml", lambda *a: renders.append(a))
    select(view, QUOTE)
    value = view.verticalScrollBar().value()
    qtbot.keyClick(view, Qt.Key.Key_H)
    settle(qtbot, window)
    (h,) = library.highlights(rivers)
    window.recolor(h.id, "pink")
    settle(qtbot, window)
    window.delete_highlight(h.id)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert renders == []
    assert view.verticalScrollBar().value() == value
    found = view.document().find(QUOTE)
    assert painted(view, found.selectionStart(), found.selectionEnd()) == {color_of(view, "pink")}


def test_theme_change_keeps_highlights_in_the_new_theme_colours(library, rivers, make_window):
    from dataclasses import replace

    library.highlight_quote(rivers, QUOTE, color="blue")
    window = make_window(library)
    view = open_first(window)
    window.set_reading(replace(window.reading, theme="dark"))
    found = view.document().find(QUOTE)
    assert painted(view, found.selectionStart(), found.selectionEnd()) == {color_of(view, "blue")}
    assert color_of(view, "blue") == QColor(view.theme.highlights["blue"]).name() and view.theme.dark


def test_an_anki_deck_of_the_annotated_articles_only(
    library, rivers, make_window, qtbot, monkeypatch, tmp_path, fixtures
):
    import sqlite3
    import zipfile

    other = tmp_path / "unread.html"
    other.write_text(
        (fixtures / "article.html")
        .read_text()
        .replace("Quiet Rivers", "Unread Rivers")
        .replace("example.org/2024", "e.org/u")
        .replace("quiet in winter", "unread")
    )
    library.import_paths([other], workers=1)  # an article with no highlight
    window = make_window(library)
    view = open_first(window)
    select(view, QUOTE)
    window.floating.color_buttons["green"].click()
    settle(qtbot, window)
    deck = tmp_path / "deck.apkg"
    answer_export(monkeypatch, window, deck, "anki", single=True, scope="all")
    with qtbot.waitSignal(window.exportFinished, timeout=20000) as blocker:
        window.actions["export"].trigger()
    result = blocker.args[0]
    assert result is not None and result.articles == 1  # the unread article is left out
    with zipfile.ZipFile(deck) as z:
        (tmp_path / "collection.anki2").write_bytes(z.read("collection.anki2"))
    notes = sqlite3.connect(tmp_path / "collection.anki2").execute("SELECT flds FROM notes").fetchall()
    assert len(notes) == 1 and QUOTE in notes[0][0]


def test_a_card_wraps_again_when_the_sidebar_changes_width(library, make_window, qtbot, tmp_path):
    # Cards are built once and laid out again at a new width: narrower, a long note takes
    # more lines and its card grows; wider again, it is as it was.
    from test_window import long_page

    article_id = library.import_paths([long_page(tmp_path, "w.html", "Wide Read", "mosses", 12)], workers=1)[0].id
    note = "A long note about mosses that needs several lines in a narrow card, " * 4
    noted = library.highlight_quote(article_id, "Paragraph 3 of wide read", color="green", note=note)
    window = make_window(library)
    open_first(window)
    sidebar = window.sidebar
    sizes = window.splitter.sizes()

    def height() -> int:
        window.splitter.setSizes(sizes)
        qtbot.waitUntil(lambda: sidebar.list.viewport().width() > 0, timeout=5000)
        qtbot.wait(20)
        return sidebar.entry_rect(noted.id).height()

    wide = height()
    sizes = [sizes[0], sizes[1] + sizes[2] - 260, 260]
    narrow = height()
    sizes = [sizes[0], sizes[1] - 200, 460]
    wider = height()
    assert narrow > wide > wider
