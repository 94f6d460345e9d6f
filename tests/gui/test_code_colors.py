"""Syntax colours in code blocks that declare their language (issue 14), in light and
dark themes, over the same text, with highlights painted over them."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QColor, QTextCursor

from reader.gui.reading.code_colors import MIN_CONTRAST, contrast
from reader.gui.reading.view import ReadingView
from reader.gui.theme import THEMES, ReadingSettings

CODE = '''def discharge(pressure_kpa, area_m2):
    """Flow from a logger's pressure."""
    depth = pressure_kpa / 9.81  # metres of water
    return area_m2 * 0.8 * depth ** 0.5'''

PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Measuring meltwater</title></head>
<body><article><h1>Measuring meltwater</h1>
<p>We lowered loggers into three moulins and read them every ten minutes, through a long season of
rain and sun; the code that turned raw pressure into discharge is short enough to print here.</p>
<div class="highlight highlight-source-python"><pre>{CODE}</pre></div>
<p>The same function without a declared language stays in the plain code colour, as a browser without
a highlighter would show it, with every character where it was.</p>
<pre><code>{CODE}</code></pre>
<pre class="language-js"><code class="language-js">const peak = 4.2;<br>// the peak comes later each week<br>console.log(peak);</code></pre>
<p>By August the loggers had recorded a full season, and the daily peak came later every week.</p>
</article></body></html>"""


@pytest.fixture
def code_article(library, tmp_path):
    page = tmp_path / "meltwater.html"
    page.write_text(PAGE, encoding="utf-8")
    (outcome,) = library.import_paths([page], workers=1)
    return library.get(outcome.id)


def show(qtbot, library, article, theme: str) -> ReadingView:
    view = ReadingView(library, ReadingSettings(theme=theme))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.show_article(article)
    return view


def colors_in(view, word: str, occurrence: int) -> set[str]:
    """The foreground colours of `word`'s characters in its n-th place in the document."""
    doc = view.document()
    cursor = QTextCursor(doc)
    for _ in range(occurrence):
        cursor = doc.find(word, cursor)
    assert not cursor.isNull(), word
    found = set()
    for pos in range(cursor.selectionStart(), cursor.selectionEnd()):
        probe = QTextCursor(doc)
        probe.setPosition(pos + 1)
        brush = probe.charFormat().foreground()
        found.add(brush.color().name() if brush.style().value else "default")
    return found


@pytest.mark.parametrize("theme", ["light", "dark", "sepia"])
def test_declared_code_is_coloured_readably_and_undeclared_code_is_not(library, code_article, qtbot, theme):
    view = show(qtbot, library, code_article, theme)
    t = THEMES[theme]
    keyword = colors_in(view, "return", 1)
    comment = colors_in(view, "metres of water", 1)
    name = colors_in(view, "discharge", 1)
    assert len(keyword) == 1 and len(comment) == 1
    assert keyword != comment  # a keyword and a comment are told apart
    for colors in (keyword, comment):
        (color,) = colors
        assert color not in ("default", QColor(t.text).name())
        assert contrast(color, t.code) >= MIN_CONTRAST  # readable on the code background
    # Lines kept as <br>s in the page: coloured too, every line in its place.
    assert len(colors_in(view, "const", 1)) == 1
    assert colors_in(view, "const", 1) != colors_in(view, "the peak comes later", 1)
    assert (
        "const peak = 4.2;\u2028// the peak comes later each week\u2028console.log(peak);"
        in view.document().toRawText()
    )
    # The block without a declared language: the text colour only.
    assert colors_in(view, "return", 2) <= {"default", QColor(t.text).name()}
    assert name  # found at all
    # Nothing of the text changed: the document holds the code exactly, twice.
    assert view.document().toPlainText().count(CODE.replace("\n", "\u2029").replace("\u2029", "\n")) == 2


def test_a_highlight_over_coloured_code_keeps_the_colours_and_goes_away_cleanly(library, code_article, qtbot):
    view = show(qtbot, library, code_article, "light")
    before = colors_in(view, "return area_m2", 1)
    text = code_article.text
    start = text.index("return area_m2")
    highlight = library.add_highlight(code_article.id, start, start + len("return area_m2"), color="yellow")
    view.update_highlight(highlight)
    doc = view.document()
    cursor = doc.find("return area_m2", QTextCursor(doc))
    probe = QTextCursor(doc)
    probe.setPosition(cursor.selectionStart() + 1)
    assert probe.charFormat().background().color().name() == QColor(THEMES["light"].highlights["yellow"]).name()
    assert colors_in(view, "return area_m2", 1) == before  # colours kept under the highlight
    assert len(before) > 1
    view.update_highlight(None, highlight.id)
    probe = QTextCursor(doc)
    probe.setPosition(cursor.selectionStart() + 1)
    assert probe.charFormat().background().color().name() != QColor(THEMES["light"].highlights["yellow"]).name()
    assert colors_in(view, "return area_m2", 1) == before
