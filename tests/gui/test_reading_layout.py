"""The reading view lays out the whole article: its end is drawn, however it was opened or resized."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from test_reading_window import page, relayout

from reader.gui.reading import measure

PARAGRAPH = "<p>" + "Words of an ordinary paragraph that fill the column for a while. " * 6 + "</p>"
CODE = "<pre><code>emcc -O3 add.c -o add.js -s STANDALONE_WASM -s EXPORTED_FUNCTIONS=['_add'] --no-entry</code></pre>"
WIDE = "<table><tr>" + "".join(f"<td>Hydroelectricity{i}</td>" for i in range(5)) + "</tr></table>"


def _sections(count: int) -> str:
    """Sections of prose with a code block and a table now and then, and the last words after them."""
    return "".join(
        f"<h2>Section {i}</h2>{PARAGRAPH}{CODE if i % 3 == 0 else ''}{WIDE if i % 4 == 1 else ''}{PARAGRAPH}"
        for i in range(count)
    ) + ("<p>The very last words.</p>")


def _window(library, make_window, tmp_path, count: int):
    (outcome,) = library.import_paths([page(tmp_path, f"sections-{count}.html", _sections(count))], workers=1)
    window = make_window(library)
    window.actions["toggle_library"].trigger()  # the text alone: its column follows the window's width
    window.actions["toggle_annotations"].trigger()
    return window, outcome.id


def _end_drawn(view) -> bool:
    """The last words laid out (a block Qt never laid out has no lines: not drawn) within the scroll range."""
    last = view.document().find("The very last words.").block()
    bottom = view.document().documentLayout().blockBoundingRect(last).bottom()
    return measure.clipped_lines(view) == 0 and last.layout().lineCount() == 1 and bottom > 0


@pytest.mark.parametrize("count", [8, 12, 20])
def test_the_end_of_an_article_is_drawn_when_it_is_opened(library, make_window, tmp_path, count):
    # Set while Qt was still laying the article out bit by bit, its last blocks were left without
    # lines (the end of the article not drawn, the scroll range short of it).
    window, article_id = _window(library, make_window, tmp_path, count)
    failures = []
    for width in (540, 900, 540):
        window.resize(width, 800)
        relayout(window)
        assert window.open_article(article_id)
        window.view.show_article(window.view.article, progress=0.0)  # and opened again at this width
        window.view.layout_now()
        if not _end_drawn(window.view):
            failures.append(width)
    assert failures == []


@pytest.mark.parametrize("count", [12, 20, 30])
def test_the_end_of_an_article_is_drawn_after_every_resize(library, qtbot, tmp_path, count):
    from reader.gui.reading.view import ReadingView

    (outcome,) = library.import_paths([page(tmp_path, f"sections-{count}.html", _sections(count))], workers=1)
    view = ReadingView(library)
    qtbot.addWidget(view)
    view.resize(500, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_article(library.get(outcome.id), progress=0.0)
    failures = []
    for width in (420, 500, 560, 640, 700, 760, 820, 900, 1000, 1200, 800, 600, 450):
        view.resize(width, 700)
        qtbot.wait(1)
        view.layout_now()
        if not _end_drawn(view):
            failures.append(width)
    assert failures == []
