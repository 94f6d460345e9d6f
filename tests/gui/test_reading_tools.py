"""Reading tools of the view: whole-word selection, note marks, contents, time left, RTL quotes (issue 14)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication
from test_reading_window import PROSE, open_one, page, relayout

SENTENCE = "<p>Nobody expected the extraordinarily patient cartographers to finish their maps before winter.</p>"


def _point(view, pos: int) -> QPointF:
    """The viewport point between document positions pos and pos+1 (inside a character)."""
    a, b = QTextCursor(view.document()), QTextCursor(view.document())
    a.setPosition(pos)
    b.setPosition(pos + 1)
    ra, rb = view.cursorRect(a), view.cursorRect(b)
    return QPointF((ra.center().x() + rb.center().x()) / 2, ra.center().y())


def _drag(view, start: QPointF, end: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    target = view.viewport()
    left = Qt.MouseButton.LeftButton
    for kind, point, button, buttons in (
        (QEvent.Type.MouseButtonPress, start, left, left),
        (QEvent.Type.MouseMove, (start + end) / 2, Qt.MouseButton.NoButton, left),
        (QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton, left),
        (QEvent.Type.MouseButtonRelease, end, left, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(kind, point, target.mapToGlobal(point), button, buttons, modifiers)
        QApplication.sendEvent(target, event)


def _word_drag(view, modifiers=Qt.KeyboardModifier.NoModifier) -> str:
    found = view.document().find("extraordinarily")
    start = found.selectionStart() + 5  # inside "extraordinarily"
    end_word = view.document().find("cartographers")
    end = end_word.selectionStart() + 4  # inside "cartographers"
    view.clear_selection()
    _drag(view, _point(view, start), _point(view, end), modifiers)
    return view.textCursor().selectedText()


def test_a_mouse_selection_snaps_to_whole_words_and_alt_selects_freely(library, make_window, tmp_path):
    window = open_one(library, make_window, page(tmp_path, "words.html", SENTENCE + PROSE))
    view = window.view
    assert _word_drag(view) == "extraordinarily patient cartographers"
    free = _word_drag(view, Qt.KeyboardModifier.AltModifier)
    assert free and free != "extraordinarily patient cartographers"
    assert free.startswith("ordinarily") or free.startswith("rdinarily") or free.startswith("aordinarily")
    assert "patient" in free and not free.endswith("cartographers")


def test_a_backward_drag_snaps_too(library, make_window, tmp_path):
    window = open_one(library, make_window, page(tmp_path, "back.html", SENTENCE + PROSE))
    view = window.view
    a = view.document().find("cartographers").selectionStart() + 4
    b = view.document().find("extraordinarily").selectionStart() + 5
    _drag(view, _point(view, a), _point(view, b))
    assert view.textCursor().selectedText() == "extraordinarily patient cartographers"


def test_a_highlight_with_a_note_carries_a_mark(library, make_window, tmp_path, qtbot):
    window = open_one(library, make_window, page(tmp_path, "note.html", SENTENCE + PROSE))
    view = window.view
    text = view.article.text
    start = text.index("extraordinarily")
    plain = library.add_highlight(view.article.id, start, start + len("extraordinarily"), "yellow")
    start = text.index("cartographers")
    noted = library.add_highlight(view.article.id, start, start + len("cartographers"), "yellow", note="Who were they?")
    window.poll_library()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(view.highlights) == 2, timeout=5000)
    marks = view.note_marks()
    assert set(marks) == {noted.id} and plain.id not in marks
    # The mark is drawn: its centre has the theme's accent colour.
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    centre = marks[noted.id].center()
    ratio = image.devicePixelRatio()
    pixel = QColor(image.pixel(round(centre.x() * ratio), round(centre.y() * ratio)))
    accent = QColor(view.theme.accent)
    assert (
        abs(pixel.red() - accent.red()) + abs(pixel.green() - accent.green()) + abs(pixel.blue() - accent.blue()) < 60
    )


LONG = "".join(
    f"<h2>Part {n}: the matter of {word}</h2>" + PROSE * 3
    for n, word in enumerate(("rivers", "mountains", "harbours", "forests"), 1)
)


def test_the_contents_list_the_headings_and_go_to_one(library, make_window, tmp_path):
    window = open_one(library, make_window, page(tmp_path, "long.html", PROSE + LONG))
    view = window.view
    relayout(window)
    assert window.actions["contents"].isEnabled()
    menu = window.contents_menu()
    titles = [a.text().strip("\u2003") for a in menu.actions()]
    assert titles == [
        "Part 1: the matter of rivers",
        "Part 2: the matter of mountains",
        "Part 3: the matter of harbours",
        "Part 4: the matter of forests",
    ]
    menu.actions()[2].trigger()
    heading = view.document().find("Part 3: the matter of harbours")
    top = view.cursorRect(QTextCursor(heading.block())).top()
    assert 0 <= top < 60
    assert view.current_heading() == 2
    assert window.contents_menu().actions()[2].isChecked()


def test_a_short_article_has_no_contents(library, make_window, tmp_path):
    window = open_one(library, make_window, page(tmp_path, "short.html", PROSE))
    assert not window.actions["contents"].isEnabled()


def test_the_time_left_falls_as_the_reader_scrolls(library, make_window, tmp_path, qtbot):
    window = open_one(library, make_window, page(tmp_path, "time.html", PROSE * 40))
    view = window.view
    relayout(window)
    bar = view.verticalScrollBar()
    bar.setValue(0)
    at_top = view.minutes_left()
    assert at_top is not None and at_top >= 2
    qtbot.waitUntil(lambda: view.time_left.text() == f"{at_top} min left in article", timeout=3000)
    bar.setValue(bar.maximum() // 2)
    middle = view.minutes_left()
    assert 0 < middle < at_top
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: view.time_left.text() == "End of article", timeout=3000)


def test_the_quote_bar_of_a_right_to_left_article_is_on_the_right(library, make_window, tmp_path):
    quote = "<blockquote><p>" + "اقتباس طويل بعض الشيء هنا. " * 4 + "</p></blockquote>"
    body = "<p>" + "هذا نص عربي طويل بما يكفي ليملأ السطر. " * 6 + "</p>" + quote + "<p>نهاية.</p>"
    window = open_one(
        library,
        make_window,
        page(tmp_path, "rtlq.html", body, title="عنوان المقال", lang="ar", dir="rtl", author="سارة أحمد"),
    )
    view = window.view
    relayout(window)
    block = view.document().find("اقتباس").block()
    text_rect = view.document().documentLayout().blockBoundingRect(block)
    y = round(text_rect.center().y() - view.verticalScrollBar().value())
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    accent = QColor(view.theme.accent)
    background = QColor(view.theme.background)

    def tinted(x: int) -> bool:
        c = QColor(image.pixel(x, y))
        # The bar is the accent at 60 % over the page: warm, unlike the text's grey.
        return c != background and c.red() - c.blue() > (accent.red() - accent.blue()) * 0.4

    row = [x for x in range(image.width()) if tinted(x)]
    assert row, "no quote bar drawn"
    lines = block.layout()
    text_right = max(lines.lineAt(i).naturalTextRect().right() for i in range(lines.lineCount())) + text_rect.left()
    assert min(row) >= text_right - 2  # beside the text's start, on its right


def test_the_bar_of_a_quote_far_down_the_article_shows_when_it_is_scrolled_to(library, make_window, tmp_path):
    quote = "<blockquote><p>" + "A quoted sentence that runs on for a while. " * 4 + "</p></blockquote>"
    window = open_one(library, make_window, page(tmp_path, "farq.html", PROSE * 15 + quote + PROSE * 15))
    view = window.view
    relayout(window)
    block = view.document().find("A quoted sentence").block()
    rect = view.document().documentLayout().blockBoundingRect(block)
    bar = view.verticalScrollBar()
    assert rect.top() > 2 * view.viewport().height()  # several screens down
    bar.setValue(round(rect.center().y() - view.viewport().height() / 2))
    y = round(rect.center().y() - bar.value())
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    accent = QColor(view.theme.accent)
    left = round(rect.left() + block.blockFormat().leftMargin())

    def tinted(x: int) -> bool:
        c = QColor(image.pixel(x, y))
        return c.red() - c.blue() > (accent.red() - accent.blue()) * 0.4

    assert [x for x in range(max(0, left - 40), left) if tinted(x)], "no quote bar drawn"


def test_no_caret_mark_is_drawn_in_a_right_to_left_article(library, make_window, tmp_path, qtbot):
    body = "<p>" + "هذا نص عربي طويل بما يكفي ليملأ السطر. " * 6 + "</p>"
    window = open_one(library, make_window, page(tmp_path, "rtlc.html", body, title="RTL Test", lang="ar", dir="rtl"))
    view = window.view
    window.panel.search.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=2000)
    view.viewport().repaint()
    unfocused = view.viewport().grab().toImage()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    view.viewport().repaint()
    focused = view.viewport().grab().toImage()
    # Qt draws a small direction flag beside the caret in right-to-left text; a page has no caret.
    assert focused == unfocused


def _size(view, words: str) -> float:
    found = view.document().find(words)
    assert not found.isNull(), words
    return found.charFormat().fontPointSize()


def test_a_code_block_is_set_at_one_size_and_keeps_its_blank_lines(library, make_window, tmp_path):
    wide = "total = combine(" + ", ".join(f"value_{i}" for i in range(14)) + ")"
    body = (
        PROSE
        + f"<pre>def first():\n    return 1\n\n{wide}\nshort_line()</pre>"
        + PROSE
        + "<pre>print('a short block keeps its size')</pre>"
        + PROSE
    )
    window = open_one(library, make_window, page(tmp_path, "pre.html", body))
    window.resize(760, 800)
    relayout(window)
    view = window.view
    sizes = {_size(view, w) for w in ("def first", "return 1", "total = combine", "short_line")}
    assert len(sizes) == 1, sizes  # one size for the whole <pre>
    assert sizes.pop() < _size(view, "print('a short") - 0.5  # the wide block shrank, the short one did not
    blank = view.document().find("return 1").block().next()
    assert blank.text() == "" and blank.isVisible() and blank.layout().lineCount() == 1
    from reader.gui.reading import measure

    assert measure.clipped_lines(view) == 0 and measure.overflow_px(view) == 0


def test_the_note_mark_of_a_highlight_far_down_shows_when_it_is_scrolled_to(library, make_window, tmp_path, qtbot):
    # Marks are placed only for the blocks on screen: one far down the article must still get
    # its mark once the reader gets there, and lose it when they scroll back up.
    ending = "<p>The very last words of this long article carry the closing remark.</p>"
    window = open_one(library, make_window, page(tmp_path, "long-note.html", SENTENCE + PROSE * 12 + ending))
    view = window.view
    text = view.article.text
    start = text.index("closing remark")
    noted = library.add_highlight(view.article.id, start, start + len("closing remark"), "yellow", note="Far down")
    window.poll_library()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: noted.id in view.highlights, timeout=5000)
    bar = view.verticalScrollBar()
    assert bar.maximum() > 2 * view.viewport().height()  # the article is several screens long
    bar.setValue(0)
    assert noted.id not in view.note_marks()
    bar.setValue(bar.maximum())
    marks = view.note_marks()
    assert noted.id in marks
    assert 0 <= marks[noted.id].center().y() <= view.viewport().height()
