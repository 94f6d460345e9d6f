"""The reading view shows what the page says, and the window keeps the reader where they are (issue 14)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import image_formats, settle
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QTextCursor, QTextFormat
from test_window import drop_and_wait, long_page, titles

from reader.gui.reading import measure
from reader.gui.reading.document import TEX_PROPERTY
from reader.gui.theme import THEMES

PAGE = """<!DOCTYPE html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="author" content="{author}"></head><body><article><h1>{title}</h1>{body}</article></body></html>"""


def page(tmp_path, name, body, title="A Page About Things", lang="en", dir="ltr", author="Ada Writer"):
    path = tmp_path / name
    path.write_text(PAGE.format(title=title, body=body, lang=lang, dir=dir, author=author), encoding="utf-8")
    return path


def open_one(library, make_window, path):
    (outcome,) = library.import_paths([path], workers=1)
    window = make_window(library)
    assert window.open_article(outcome.id)
    window.view.layout_now()
    return window


def relayout(window):
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()
    window.view.layout_now()


PROSE = "<p>" + "Words of an ordinary paragraph that fill the column for a while. " * 8 + "</p>"


def test_a_one_line_code_block_shows_its_line_in_a_monospace_face(library, make_window, tmp_path):
    body = PROSE + "<p>Build it:</p><pre><code>emcc -O3 add.c -o add.wasm</code></pre><p></p>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "code.html", body))
    view = window.view
    cursor = view.document().find("emcc -O3 add.c -o add.wasm")
    assert not cursor.isNull()
    assert cursor.block().isVisible() and cursor.block().layout().lineCount() == 1
    assert cursor.charFormat().font().fixedPitch() or "Mono" in " ".join(cursor.charFormat().font().families())
    assert measure.clipped_lines(view) == 0
    assert measure.missing_chars(view, view.article) == 0


def test_long_code_lines_never_push_the_article_sideways(library, make_window, tmp_path):
    line = "result = compute_everything(" + ", ".join(f"argument_{i}" for i in range(30)) + ")"
    window = open_one(library, make_window, page(tmp_path, "wide.html", PROSE + f"<pre>{line}\nshort()</pre>" + PROSE))
    window.resize(700, 700)
    relayout(window)
    assert measure.overflow_px(window.view) == 0
    assert measure.missing_chars(window.view, window.view.article) == 0


SLOW = (
    'def slow_requests(lines, threshold_ms=500, fields=("method", "path", "status", "duration_ms", "bytes_sent")):\n'
    "    for line in lines:\n"
    '        if int(record_of(line)["duration_ms"]) > threshold_ms and not is_health_check(line) and line_is_sampled(line):\n'
    "            yield record_of(line)"
)


def _underscore_ink(view, word: str) -> int:
    """Points drawn in something other than the code's background in the cell of the underscore
    of `word`, from the baseline down to the line's bottom (where an underscore sits)."""
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    found = view.document().find(word)
    assert not found.isNull(), word
    at = QTextCursor(view.document())
    at.setPosition(found.selectionStart() + word.index("_"))
    left = view.cursorRect(at)
    at.movePosition(QTextCursor.MoveOperation.NextCharacter)
    right = view.cursorRect(at)
    background = QColor(view.theme.code)
    ink = 0
    for y in range(left.top() + left.height() // 2, left.bottom() + 3):
        for x in range(left.left() + 1, right.left()):
            pixel = QColor(image.pixel(round(x * ratio), round(y * ratio)))
            off = abs(pixel.red() - background.red()) + abs(pixel.green() - background.green())
            ink += off + abs(pixel.blue() - background.blue()) > 60
    return ink


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_underscore_in_coloured_code_shows(library, make_window, tmp_path, theme):
    # Each line of a <pre> is a block of its own: painted line by line, each line's background
    # covered the row of pixels the underscores of the line above sit on.
    body = PROSE + f'<pre><code class="language-python">{SLOW}</code></pre>' + PROSE
    window = open_one(library, make_window, page(tmp_path, "slow.html", body))
    window.set_theme(theme)
    window.resize(1300, 800)
    relayout(window)
    view = window.view
    view.verticalScrollBar().setValue(view.cursorRect(view.document().find("slow_requests")).top() - 100)
    for word in ("slow_requests", "duration_ms", "record_of", "is_health_check"):
        assert _underscore_ink(view, word) > 0, word


def _whole_at(window, width: int):
    """The window at `width` px: its view, checked to show every character, none past the column."""
    window.resize(width, 800)
    relayout(window)
    view = window.view
    assert measure.overflow_px(view) == 0 and measure.missing_chars(view, view.article) == 0
    return view


def test_a_wrapped_code_line_goes_on_under_its_own_text_at_a_readable_size(library, make_window, tmp_path):
    body = PROSE + f'<pre><code class="language-python">{SLOW}</code></pre>' + PROSE
    window = open_one(library, make_window, page(tmp_path, "slow.html", body))
    view = _whole_at(window, 640)
    line = view.document().find("if int(record_of").block()
    assert line.layout().lineCount() > 1  # the column is too narrow for it: it wraps
    start = QTextCursor(line)
    start.setPosition(line.position() + line.text().index("if"))
    go_on = QTextCursor(line)
    go_on.setPosition(line.position() + line.layout().lineAt(1).textStart())
    # Past the line's own indentation (8 spaces), not back at the left edge of the code.
    assert view.cursorRect(go_on).left() > view.cursorRect(start).left()
    size = line.charFormat().fontPointSize()
    assert size >= window.reading.size * 0.8 * 0.85 - 0.01  # code wraps before it gets too small to read
    # A line that fits stays where it is.
    short = view.document().find("for line in lines").block()
    assert short.layout().lineCount() == 1


def test_a_code_block_broken_with_br_keeps_its_lines_flush_when_it_wraps(library, make_window, tmp_path):
    # Qt sets such a <pre> as one block whose lines are split by U+2028: a wrapping indent
    # would move every line after the first one.
    wide = "value = compute(" + ", ".join(f"argument_{i}" for i in range(16)) + ")"
    body = PROSE + f"<pre>first_line()<br>{wide}<br>last_line()</pre>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "br.html", body))
    view = _whole_at(window, 640)
    doc = view.document()
    starts = []
    for word in ("first_line", "value = compute", "last_line"):
        at = QTextCursor(doc)
        at.setPosition(doc.find(word).selectionStart())
        starts.append(view.cursorRect(at).left())
    assert starts[0] == starts[1] == starts[2]


def test_table_cells_never_break_a_word(library, make_window, tmp_path):
    cells = "".join(f"<td>Implementation&nbsp;review&nbsp;{i}</td>" for i in range(7))
    table = f"<table><tr>{cells}</tr><tr>{cells}</tr></table>"
    window = open_one(library, make_window, page(tmp_path, "table.html", PROSE + table + PROSE))
    for width in (1200, 700):
        window.resize(width, 800)
        relayout(window)
        assert measure.broken_words(window.view) == 0, width
        assert measure.overflow_px(window.view) == 0, width
        assert measure.missing_chars(window.view, window.view.article) == 0


def test_a_table_set_smaller_for_a_narrow_window_is_set_at_its_size_again_when_it_widens(
    library, make_window, tmp_path
):
    cells = "".join(f"<td>Hydroelectricity{i}</td>" for i in range(3))
    body = PROSE + f"<table><tr>{cells}</tr></table>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "table.html", body))
    window.actions["toggle_library"].trigger()  # the text alone in the window: its column follows the width
    window.actions["toggle_annotations"].trigger()
    view = window.view

    def size() -> float:
        return view.document().find("Hydroelectricity0").charFormat().fontPointSize()

    window.resize(1300, 800)
    relayout(window)
    wide = size()
    assert measure.broken_words(view) == 0
    window.resize(400, 800)
    relayout(window)
    assert size() < wide  # smaller, so that no word breaks
    window.resize(1300, 800)
    relayout(window)
    assert size() == pytest.approx(wide, abs=0.1)
    assert measure.broken_words(view) == 0 and measure.overflow_px(view) == 0


def test_an_image_is_drawn_at_its_declared_size_fitted_to_the_column(library, make_window, tmp_path):
    folder = tmp_path / "news_files"
    folder.mkdir()
    QImage(64, 36, QImage.Format.Format_RGB32).save(str(folder / "lead.png"))
    body = (
        PROSE
        + '<figure><img src="news_files/lead.png" width="640" height="360"><figcaption>The lead.</figcaption></figure>'
        + PROSE
    )
    window = open_one(library, make_window, page(tmp_path, "news.html", body))
    view = window.view
    # The stored HTML as the importer should keep it: the declared size on the image (today's
    # extraction drops it; the view honours it wherever it is kept).
    from dataclasses import replace

    html = view.article.html
    if 'width="640"' not in html:
        html = html.replace('.png"', '.png" width="640" height="360"', 1)
        view.show_article(replace(view.article, html=html))
        view.layout_now()
    (fmt,) = image_formats(view)
    column = view.column_width()
    assert fmt.width() == pytest.approx(min(640, column), abs=1)
    assert fmt.height() == pytest.approx(fmt.width() * 360 / 640, abs=1)
    assert measure.small_images(view, view.article) == 0


def test_formulas_are_typeset_and_their_tex_stays_the_text(library, make_window, tmp_path):
    body = (
        '<p>If the conjugate transpose of a matrix <span lang="x-tex">A</span> is denoted by '
        '<span lang="x-tex">A^{\\mathsf {H}}</span>, then the property is '
        '<span lang="x-tex-display">A=A^{\\mathsf {H}}</span> and that is all.</p>'
    ) + PROSE
    window = open_one(library, make_window, page(tmp_path, "math.html", body))
    view = window.view
    article = view.article
    assert "A^{\\mathsf {H}}" in article.text or "A^{\\mathsf{H}}" in article.text or "denoted by" in article.text
    tex = [fmt.property(TEX_PROPERTY) for fmt in image_formats(view)]
    assert "A^{\\mathsf {H}}" in tex
    # Each formula is drawn, not a blank box (Qt's SVG renderer draws nothing of SVG 2's <use>).
    from reader.gui.reading.typeset import formula_image

    for formula in tex:
        image = formula_image(formula, 14, "#000000", 1.0)
        ink = sum(image.pixelColor(x, y).alpha() > 0 for x in range(image.width()) for y in range(image.height()))
        assert ink > 0.1 * image.width() * image.height(), formula
    assert measure.missing_chars(view, article) == 0
    # A highlight over the formula's TeX lands on the formula's image, and back.
    start = article.text.index("A^{")
    end = article.text.index("}", start) + 2
    span = view.text_map.range_to_doc(start, end)
    assert span is not None
    assert view.text_map.doc_range_to_text(*span) == (start, end)


def test_a_formula_given_only_as_mathml_is_typeset_from_its_shape(library, make_window, tmp_path):
    # No TeX on the page (MathJax's assistive MathML): the view typesets the fraction the
    # importer wrote as TeX, and the formula still stands for the MathML's text in the article.
    body = (
        "<p>The heat equation reads <math><mfrac><mrow><mo>∂</mo><mi>T</mi></mrow>"
        "<mrow><mo>∂</mo><mi>t</mi></mrow></mfrac><mo>=</mo><mi>κ</mi></math> in one dimension.</p>"
    ) + PROSE
    window = open_one(library, make_window, page(tmp_path, "mathml.html", body))
    view = window.view
    article = view.article
    assert "reads ∂ T ∂ t = κ in one" in article.text
    (fmt,) = [f for f in image_formats(view) if f.hasProperty(TEX_PROPERTY)]
    assert fmt.property(TEX_PROPERTY) == "∂ T ∂ t = κ"
    assert fmt.toolTip() == r"\frac{\partial T}{\partial t} = \kappa"
    # Typeset as a fraction: taller than one line of the text around it.
    assert fmt.height() > 1.4 * QFontMetricsF(view.document().defaultFont()).height()
    assert measure.missing_chars(view, article) == 0
    start = article.text.index("∂ T")
    span = view.text_map.range_to_doc(start, start + len("∂ T ∂ t = κ"))
    assert span is not None and view.text_map.doc_range_to_text(*span) == (start, start + len("∂ T ∂ t = κ"))


def test_a_right_to_left_article_is_laid_out_right_to_left(library, make_window, tmp_path):
    body = (
        "<p>" + "هذا نص عربي طويل بما يكفي ليملأ السطر. " * 6 + "</p><blockquote><p>اقتباس قصير هنا.</p></blockquote>"
    )
    window = open_one(
        library,
        make_window,
        page(tmp_path, "rtl.html", body, title="عنوان المقال", lang="ar", dir="rtl", author="سارة أحمد"),
    )
    view = window.view
    cursor = view.document().find("هذا نص")
    assert cursor.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
    # The paragraph starts at the column's right edge.
    start = QTextCursor(cursor.block())
    assert view.cursorRect(start).x() > view.viewport().width() * 0.6
    # In the meta line each part keeps its own direction.
    meta = view.document().find("min read")
    assert not meta.isNull() and "\u2068" in meta.block().text()


def test_code_in_a_right_to_left_article_reads_left_to_right(library, make_window, tmp_path):
    code = "for value in values:\n    total += value"
    body = "<p>" + "هذا نص عربي طويل بما يكفي ليملأ السطر. " * 4 + f"</p><pre><code>{code}</code></pre>"
    window = open_one(library, make_window, page(tmp_path, "rtl-code.html", body, lang="ar", dir="rtl"))
    view = window.view
    doc = view.document()

    def x(position: int) -> int:
        cursor = QTextCursor(doc)
        cursor.setPosition(position)
        return view.cursorRect(cursor).x()

    loop = doc.find("for value in values:").block()
    colon = loop.position() + loop.text().index(":")
    assert x(loop.position()) < x(colon)  # the colon ends the line, on its right
    assert x(loop.position()) < view.viewport().width() * 0.3  # the code starts at the left edge
    body_line = loop.next()
    indented = body_line.position() + body_line.text().index("total")
    assert x(indented) > x(loop.position())  # the indentation is on the left, as written


def test_the_terms_of_a_definition_list_stand_out_from_their_definitions(library, make_window, tmp_path):
    body = PROSE + "<dl><dt>Moulin</dt><dd>A shaft through which meltwater enters a glacier.</dd></dl>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "terms.html", body))
    view = window.view
    term, definition = view.document().find("Moulin"), view.document().find("A shaft through")
    assert term.charFormat().fontWeight() >= QFont.Weight.Bold
    assert definition.charFormat().fontWeight() < QFont.Weight.DemiBold
    starts = [view.cursorRect(QTextCursor(found.block())).left() for found in (term, definition)]
    assert starts[1] > starts[0]  # the definition is indented under its term


def test_a_definition_in_a_right_to_left_article_is_indented_from_the_right(library, make_window, tmp_path):
    body = (
        "<p>"
        + "هذا نص عربي طويل بما يكفي ليملأ السطر. " * 4
        + "</p><dl><dt>المصطلح</dt><dd>تعريف المصطلح هنا</dd></dl>"
    )
    view = open_one(library, make_window, page(tmp_path, "rtl-terms.html", body, lang="ar", dir="rtl")).view
    term, definition = view.document().find("المصطلح"), view.document().find("تعريف المصطلح")
    starts = [view.cursorRect(QTextCursor(found.block())).right() for found in (term, definition)]
    assert starts[1] < starts[0] - 20  # the definition starts further in, on the right (it sat flush with its term)


def test_the_article_tags_show_in_its_header(library, make_window, tmp_path):
    (outcome,) = library.import_paths([page(tmp_path, "t.html", PROSE)], workers=1)
    library.set_tags(outcome.id, ["glaciers", "field notes"])
    window = make_window(library)
    window.open_article(outcome.id)
    header = window.view.document().find("glaciers")
    assert not header.isNull()
    assert window.view.text_map.doc_to_text(header.position()) == 0  # the header is not article text


def test_the_blue_highlight_is_not_the_selection_colour():
    for theme in THEMES.values():
        blue, selection = QColor(theme.highlights["blue"]), QColor(theme.selection)
        distance = sum(abs(a - b) for a, b in zip(blue.getRgb()[:3], selection.getRgb()[:3]))
        assert distance > 60, theme.name


def test_side_panels_give_way_in_a_narrow_window_and_come_back(library, make_window, tmp_path, qtbot):
    library.import_paths([long_page(tmp_path, "a.html", "Alpha", "apples")], workers=1)
    window = make_window(library)
    assert window.panel.isVisible() and window.sidebar.isVisible()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.view.viewport().width() >= window.view.min_column_px() - 12, timeout=3000)
    assert not window.sidebar.isVisible()  # the annotations give way first
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: window.sidebar.isVisible() and window.panel.isVisible(), timeout=3000)


def test_home_and_end_scroll_the_article(library, make_window, tmp_path, qtbot):
    library.import_paths([long_page(tmp_path, "a.html", "Alpha", "apples", paragraphs=80)], workers=1)
    window = make_window(library)
    window.panel.list.setCurrentIndex(window.panel.model.index(0))
    window.view.setFocus()
    bar = window.view.verticalScrollBar()
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum() > 0
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    assert bar.value() == 0
    assert window.view.cursorWidth() == 0


def test_the_text_menu_offers_no_article_deletion(library, make_window, article_page):
    window = open_one(library, make_window, article_page)
    menu = window.view_menu(window.view.viewport().rect().center())
    assert window.actions["delete"] not in menu.actions()
    assert window.actions["archive"] in menu.actions()


def test_a_drop_opens_the_first_import_only_when_nothing_was_open(library, make_window, tmp_path, qtbot):
    first = long_page(tmp_path, "a.html", "Alpha", "apples")
    window = make_window(library)
    drop_and_wait(qtbot, window, [first])
    assert window.view.article.title == "Alpha"
    drop_and_wait(qtbot, window, [long_page(tmp_path, "b.html", "Beta", "bananas")])
    assert window.view.article.title == "Alpha"  # still reading what was open
    assert "Beta" in titles(window)


def test_the_import_summary_names_the_duplicates(library, make_window, tmp_path, qtbot):
    path = long_page(tmp_path, "a.html", "Alpha", "apples")
    library.import_paths([path], workers=1)
    window = make_window(library)
    drop_and_wait(qtbot, window, [path])
    assert "1 already in the library" in window.last_summary
    assert "a.html" in window.summary.details.text()
    assert window.summary.property("failed") is False


def test_file_menu_can_import_a_folder(library, make_window, tmp_path, qtbot, monkeypatch):
    folder = tmp_path / "saved"
    long_page(folder, "a.html", "Alpha", "apples")
    long_page(folder / "inner", "b.html", "Beta", "bananas")
    window = make_window(library)
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    with qtbot.waitSignal(window.importFinished, timeout=15000):
        window.actions["import_folder"].trigger()
    assert sorted(titles(window)) == ["Alpha", "Beta"]


def test_clearing_a_search_selects_the_open_article_and_clears_the_tints(library, make_window, tmp_path, qtbot):
    library.import_paths(
        [
            long_page(tmp_path, "a.html", "Alpha", "apples"),
            long_page(tmp_path, "b.html", "Beta", "bananas"),
            long_page(tmp_path, "c.html", "Gamma", "grapes"),
        ],
        workers=1,
    )
    window = make_window(library)
    panel = window.panel
    panel.focus_search()
    qtbot.keyClicks(panel.search, "bananas")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.article is not None and window.view.article.title == "Beta", timeout=5000)
    # Enter on a result: reading goes on in the view, so Space pages instead of typing.
    qtbot.waitUntil(lambda: window.view.hasFocus(), timeout=3000)
    tints = [s.cursor.selectedText().lower() for s in window.view.extraSelections()]
    assert tints and set(tints) == {"bananas"}  # every place the term occurs is tinted
    panel.search.clear()
    assert window.view.extraSelections() == []
    assert panel.current_id() == window.article_id
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    expected = titles(window)[titles(window).index("Beta") + 1] if titles(window).index("Beta") + 1 < 3 else "Beta"
    assert window.view.article.title == expected


def test_archiving_opens_the_next_article_in_the_list(library, make_window, tmp_path, qtbot):
    library.import_paths(
        [
            long_page(tmp_path, "a.html", "Alpha", "apples"),
            long_page(tmp_path, "b.html", "Beta", "bananas"),
            long_page(tmp_path, "c.html", "Gamma", "grapes"),
        ],
        workers=1,
    )
    window = make_window(library)
    window.panel.sort_box.setCurrentIndex(window.panel.sort_box.findData("title"))
    window.panel.list.setCurrentIndex(window.panel.model.index(1))
    assert window.view.article.title == "Beta"
    window.actions["archive"].trigger()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.view.article.title == "Gamma", timeout=3000)
    assert window.panel.current_id() == window.article_id


def test_justified_text_is_hyphenated_without_touching_the_text(library, make_window, tmp_path):
    from dataclasses import replace

    window = open_one(
        library,
        make_window,
        page(tmp_path, "j.html", "<p>" + "Extraordinarily comprehensive international considerations. " * 12 + "</p>"),
    )
    window.set_reading(replace(window.reading, justify=True))
    text = window.view.document().toPlainText()
    assert "\u00ad" in text  # soft hyphens: places where a line may break
    block = window.view.document().begin()
    while block.isValid() and "\u00ad" not in block.text():
        block = block.next()
    assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignJustify
    assert window.view.text_map.missing == 0
    start = window.view.article.text.index("comprehensive")
    span = window.view.text_map.range_to_doc(start, start + len("comprehensive"))
    assert window.view.text_map.doc_range_to_text(*span) == (start, start + len("comprehensive"))


def test_the_background_of_code_whose_first_line_wraps_stays_in_the_column(library, make_window, tmp_path):
    # A wrapped line hangs under its own text (a larger left margin, a negative first-line indent):
    # the <pre>'s background, measured from its first line, reached past the column by that indent.
    first = "INTERNET DRAFT                                  Michiel B. de Jong of the IndieHosters"
    body = PROSE + f"<pre>{first}\nDocument: draft-dejong-remotestorage-04\nshort</pre>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "draft.html", body))
    window.actions["toggle_library"].trigger()
    window.actions["toggle_annotations"].trigger()
    view = _whole_at(window, 520)
    found = view.document().find("INTERNET DRAFT")
    assert found.block().layout().lineCount() > 1  # the first line wraps here
    view.verticalScrollBar().setValue(view.cursorRect(found).top() - 100)
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    edge = (view.viewport().width() + view.column_width()) // 2  # the column's right edge (it is centred)
    y = view.cursorRect(view.document().find("Document:")).center().y()
    page_colour = QColor(view.theme.background)
    beyond = [QColor(image.pixel(round(x * ratio), round(y * ratio))) for x in range(edge + 2, edge + 12)]
    assert all(c.rgb() == page_colour.rgb() for c in beyond)
    inside = QColor(image.pixel(round((edge - 4) * ratio), round(y * ratio)))
    assert inside.rgb() == QColor(view.theme.code).rgb()  # the background still reaches the edge


def test_a_line_break_that_ends_a_paragraph_adds_no_empty_line(library, make_window, tmp_path):
    body = (
        PROSE
        + "<p><strong>Interview: Ann Lee </strong><br></p><p>The first question.</p>"
        + "<ul><li>Before a list<br><ul><li>The inner item</li></ul></li><li>Second item</li></ul>"
        + "<p>Two breaks<br><br></p>"
        + PROSE
    )
    view = open_one(library, make_window, page(tmp_path, "breaks.html", body)).view
    doc = view.document()
    # As a browser draws them: one line each (Qt drew an empty line for the last break).
    for words in ("Interview: Ann Lee", "Before a list"):
        block = doc.find(words).block()
        assert block.layout().lineCount() == 1, words
    assert doc.find("Two breaks").block().layout().lineCount() == 2  # one empty line, as in a browser
    assert measure.missing_chars(view, view.article) == 0


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_horizontal_rule_is_drawn_as_a_hairline_in_the_themes_rule_colour(library, make_window, tmp_path, theme):
    body = PROSE + "<hr>" + "<p>The section after the rule.</p>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "rule.html", body))
    window.set_theme(theme)
    relayout(window)
    view = window.view
    doc = view.document()
    rule = doc.find("The section after the rule.").block().previous()
    while rule.isValid() and not rule.blockFormat().hasProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth):
        rule = rule.previous()
    assert rule.isValid()
    rect = doc.documentLayout().blockBoundingRect(rule)
    view.verticalScrollBar().setValue(int(rect.top()) - 100)
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    top = rect.top() - view.verticalScrollBar().value()
    x = rect.left() + rect.width() / 2
    # The colour the line is drawn in (it was the text's: a dark bar in the light theme, a light one in the dark).
    inks = {
        QColor(image.pixel(round(x * ratio), round(y * ratio))).name()
        for y in range(int(top) - 2, int(top + rect.height()) + 3)
    }
    expected = THEMES[theme].rule
    assert expected.lower() in inks
    assert THEMES[theme].text.lower() not in inks
