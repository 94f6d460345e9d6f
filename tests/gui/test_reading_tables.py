"""Tables in the reading view: a table too wide for the column, shown as lines, reads as its rows."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from test_reading_window import PROSE, open_one, page, relayout

from reader.gui.reading import measure

WIDE = "".join(f"<td>Hydroelectricity{i} Photosynthesis{i}</td>" for i in range(8))
INNER = "<table><tr><td>inner one</td><td>inner two</td></tr><tr><td>inner three</td><td>inner four</td></tr></table>"


def _narrow(window):
    """The text alone in a narrow window: the wide table cannot be a table there."""
    window.actions["toggle_library"].trigger()
    window.actions["toggle_annotations"].trigger()
    window.resize(520, 800)
    relayout(window)
    return window.view


def _block_of(view, words: str):
    cursor = view.document().find(words)
    assert not cursor.isNull(), words
    return cursor.block()


def test_a_row_whose_first_cell_holds_a_boxed_table_stays_one_line_at_the_lines_size(library, make_window, tmp_path):
    rows = "".join(
        f"<tr><td><div><div>{INNER}</div>after the box {i}</div></td>{WIDE}<td>last cell {i}</td></tr>"
        for i in range(4)
    )
    body = PROSE + f"<table><tr><th>Name</th>{'<th>Head</th>' * 9}</tr>{rows}</table>" + PROSE
    view = _narrow(open_one(library, make_window, page(tmp_path, "boxed.html", body)))
    assert measure.missing_chars(view, view.article) == 0 and measure.overflow_px(view) == 0
    lines_size = view.settings.size * 0.88
    for i in range(4):
        block = _block_of(view, f"after the box {i}")
        # One paragraph for the row: its first cell and its last (they began lines of their own).
        assert block == _block_of(view, f"last cell {i}")
        # The nested table's last row and the words after it apart, on lines of their own.
        assert f"inner four\u2028after the box {i}" in block.text()
        sizes = set()
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.text().strip():
                sizes.add(round(fragment.charFormat().fontPointSize(), 1))
            it += 1
        assert sizes == {round(lines_size, 1)}, i  # none at the body's size


def test_words_after_a_nested_table_or_list_in_a_row_never_run_into_it(library, make_window, tmp_path):
    cells = [
        f"<td>lead words<ul><li>{INNER} item after</li></ul>after the list</td>",
        f"<td>{INNER}<b>bold after</b> plain after</td>",
        f"<td><table><tr><td>{INNER}deep after</td></tr></table>middle after</td>",
    ]
    rows = "".join(f"<tr>{cell}{WIDE}</tr>" for cell in cells)
    body = PROSE + f"<table><tr><th>Name</th>{'<th>Head</th>' * 8}</tr>{rows}</table>" + PROSE
    view = _narrow(open_one(library, make_window, page(tmp_path, "nested.html", body)))
    assert measure.missing_chars(view, view.article) == 0
    texts = [_block_of(view, words).text() for words in ("lead words", "bold after", "deep after")]
    assert "lead words\u2028inner one" in texts[0] and "inner four\u2028item after\u2028after the list" in texts[0]
    assert "inner four\u2028bold after plain after" in texts[1]
    assert "inner four\u2028deep after\u2028middle after" in texts[2]


def _rows(table) -> list[str]:
    """The text of each row of a laid-out table, its cells apart by a space."""
    doc = table.document()
    rows = []
    for r in range(table.rows()):
        cells = []
        for c in range(table.columns()):
            cell = table.cellAt(r, c)
            if (cell.row(), cell.column()) != (r, c):  # (the rest of a cell spanning rows or columns)
                continue
            block = doc.findBlock(cell.firstPosition())
            cells.append(block.text())
        rows.append(" ".join(cells).strip())
    return rows


def test_an_infobox_row_that_held_only_a_remote_image_is_not_an_empty_box(library, make_window, tmp_path):
    picture = '<img src="https://upload.example.org/{0}" alt="A map of the harbour" width="220" height="180">'
    infobox = (
        '<table class="infobox"><tr><th colspan="2">Port of Somewhere</th></tr>'
        f'<tr><td colspan="2"><a href="https://example.org/File:Map.jpg">{picture.format("map.jpg")}</a></td></tr>'
        "<tr><th>Country</th><td>Norway</td></tr><tr><th>Opened</th><td>1850</td></tr>"
        f'<tr><td colspan="2">{picture.format("flag.png")}</td></tr>'
        "<tr><th>Owner</th><td>The harbour authority</td></tr></table>"
    )
    window = open_one(library, make_window, page(tmp_path, "infobox.html", PROSE + infobox + PROSE))
    view = window.view
    # Images are never fetched: the rows that held nothing else are gone, the rest as they were.
    table = view.document().find("Country").currentTable()
    assert _rows(table) == ["Port of Somewhere", "Country Norway", "Opened 1850", "Owner The harbour authority"]
    assert measure.missing_chars(view, view.article) == 0
    # An empty row a cell spans into stays: without it the cells after it would shift.
    from dataclasses import replace

    spanning = (
        '<th rowspan="2">Owner</th><td>The harbour authority</td></tr><tr><td></td></tr><tr><td colspan="2"></td>'
    )
    html = view.article.html.replace("<th>Owner</th><td>The harbour authority</td>", spanning)
    assert html != view.article.html
    view.show_article(replace(view.article, html=html))
    view.layout_now()
    table = view.document().find("Country").currentTable()
    assert _rows(table)[3:] == ["Owner The harbour authority", ""]


def test_the_caption_of_a_table_shown_as_lines_is_shown(library, make_window, tmp_path):
    rows = "".join(f"<tr><th>Row {i}</th>{WIDE}</tr>" for i in range(3))
    nested = f"<table><caption>Inner caption words</caption>{INNER[7:]}"  # INNER with a caption
    body = (
        PROSE
        + f"<table><caption>Development of the main products</caption><tr><th>Name</th>{'<th>Head</th>' * 8}</tr>"
        + rows
        + f"<tr><td>{nested} after</td>{WIDE}</tr></table>"
        + PROSE
    )
    view = _narrow(open_one(library, make_window, page(tmp_path, "caption.html", body)))
    assert measure.missing_chars(view, view.article) == 0
    title = _block_of(view, "Development of the main products")
    assert title.text().strip() == "Development of the main products"  # a line of its own, before the rows
    assert title.next().text().startswith("Name")  # the header row's line next
    assert "Inner caption words\u2028inner one" in _block_of(view, "Inner caption words").text()


def test_a_table_shown_as_lines_stands_apart_from_the_paragraph_after_it(library, make_window, tmp_path):
    rows = "".join(f"<tr><th>Row {i}</th>{WIDE}</tr>" for i in range(3))
    body = PROSE + f"<table>{rows}</table><p>The paragraph after the table.</p>" + PROSE
    view = _narrow(open_one(library, make_window, page(tmp_path, "apart.html", body)))
    layout = view.document().documentLayout()

    def top(words: str) -> float:
        return layout.blockBoundingRect(_block_of(view, words)).top()

    def bottom(words: str) -> float:
        return layout.blockBoundingRect(_block_of(view, words)).bottom()

    between_rows = top("Row 2") - bottom("Row 1")
    after = top("The paragraph after the table.") - bottom("Row 2")
    # As far below as after a table, well more than between its lines (0.3 em: it ran into the paragraph).
    assert after >= view.settings.size * 1.2 * 96 / 72 - 1
    assert after > 2 * between_rows


def test_a_table_of_chinese_sentences_keeps_its_size_and_wraps_them(library, make_window, tmp_path):
    # Lines break between any two Chinese characters, as between words: the view took each such
    # break for a broken word and set the table smaller and smaller (0.7 of its size at 700 px),
    # then as lines in a narrow window.
    sentence = "中华人民共和国是一个位于东亚的国家，人口众多，历史悠久。"
    rows = "".join(f"<tr><td>城市{i}</td><td>{sentence}</td><td>{sentence}</td></tr>" for i in range(3))
    body = PROSE + f"<table><tr><th>名称</th><th>说明</th><th>备注</th></tr>{rows}</table>" + PROSE
    window = open_one(library, make_window, page(tmp_path, "cjk.html", body, lang="zh"))
    for view in (window.view, _narrow(window)):
        cell = view.document().find("城市1")
        assert cell.currentTable() is not None  # a table still
        assert cell.charFormat().fontPointSize() == pytest.approx(view.settings.size * 0.88, abs=0.05)
        assert measure.overflow_px(view) == 0 and measure.missing_chars(view, view.article) == 0


# -- right-to-left tables ---------------------------------------------------------------

AR_PROSE = "<p>" + "هذه فقرة عادية من مقال باللغة العربية تملأ العمود لفترة من الوقت. " * 6 + "</p>"
FRUIT = (
    "<table><caption>أسعار الفاكهة في السوق</caption><tr><th>الصنف</th><th>السعر</th><th>الكمية</th></tr>"
    "<tr><td>تفاح</td><td>عشرة دراهم</td><td>خمسة كيلو</td></tr>"
    "<tr><td rowspan='2'>برتقال</td><td>ثمانية دراهم</td><td>ثلاثة كيلو</td></tr>"
    "<tr><td>تسعة دراهم</td></tr></table>"
)


def _caret_x(view, position: int) -> int:
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return view.cursorRect(cursor).x()


def _cell_box(view, words: str):
    """The cell holding `words`: (its left, its right) in the viewport, and its block."""
    block = _block_of(view, words)
    rect = view.document().documentLayout().blockBoundingRect(block)
    left = rect.left() - view.horizontalScrollBar().value()
    return left, left + rect.width(), block


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("", "")], ids=["declared", "undeclared"])
def test_a_right_to_left_table_reads_from_the_right(library, make_window, tmp_path, lang, direction):
    body = AR_PROSE + FRUIT + AR_PROSE
    path = page(tmp_path, "fruit.html", body, title="سوق المدينة", lang=lang, dir=direction)
    view = open_one(library, make_window, path).view
    assert measure.missing_chars(view, view.article) == 0
    # The page reads right to left, declared or not (most of its letters are Arabic): its title and
    # paragraphs start at the column's right edge.
    for words in ("سوق المدينة", "هذه فقرة عادية"):
        block = _block_of(view, words)
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft
        assert _caret_x(view, block.position()) > view.viewport().width() / 2
    # The first column on the right, as a browser draws a table of a right-to-left page.
    heads = [_cell_box(view, words)[0] for words in ("الصنف", "السعر", "الكمية")]
    assert heads[0] > heads[1] > heads[2]
    # A cell spanning two rows stays in the first column; the short row's cell in the second.
    assert _cell_box(view, "برتقال")[0] == _cell_box(view, "تفاح")[0] == heads[0]
    assert _cell_box(view, "تسعة دراهم")[0] == _cell_box(view, "عشرة دراهم")[0] == heads[1]
    # Each cell's text starts at its right edge, the caption's at the column's right.
    _left, right, block = _cell_box(view, "عشرة دراهم")
    start, end = _caret_x(view, block.position()), _caret_x(view, block.position() + len(block.text()))
    assert start > end and right - 16 <= start <= right + 2
    caption = _block_of(view, "أسعار الفاكهة في السوق")
    assert _caret_x(view, caption.position()) > heads[0]
    # Selecting a cell's words selects those words of the article (the page's order is kept).
    cursor = view.document().find("ثمانية دراهم")
    view.setTextCursor(cursor)
    start, end = view.selected_text_range()
    assert view.article.text[start:end] == "ثمانية دراهم"
    span = view.text_map.range_to_doc(*_found(view.article.text, "خمسة كيلو"))
    cursor.setPosition(span[0])
    cursor.setPosition(span[1], cursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "خمسة كيلو"


def test_a_right_to_left_table_after_a_table_left_empty_still_selects_its_words(library, make_window, tmp_path):
    # A gallery whose images were not kept leaves a table of a caption only, which Qt makes no
    # table of: counted still, the tables after it were taken for others and their words could
    # not be selected or highlighted.
    gallery = "<table><caption>معرض الصور</caption><tr><td><img src='https://example.com/a.jpg'></td></tr></table>"
    path = page(tmp_path, "gallery.html", AR_PROSE + gallery + FRUIT + AR_PROSE, title="سوق", lang="ar", dir="rtl")
    view = open_one(library, make_window, path).view
    for words in ("الصنف", "خمسة كيلو", "تفاح", "ثلاثة كيلو", "برتقال"):
        view.setTextCursor(view.document().find(words))
        selected = view.selected_text_range()
        assert selected is not None and view.article.text[selected[0] : selected[1]] == words


def _found(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_right_to_left_table_in_a_left_to_right_page_leaves_the_page_left_to_right(library, make_window, tmp_path):
    table = "<table dir='rtl'><tr><th>الفاكهة</th><th>السعر</th></tr><tr><td>تفاح</td><td>عشرة دراهم</td></tr></table>"
    english = "<table><tr><th>Fruit</th><th>Price</th></tr><tr><td>Apple</td><td>Ten dirham</td></tr></table>"
    body = PROSE + table + "<p>The English paragraph after the Arabic table.</p>" + english + PROSE
    view = open_one(library, make_window, page(tmp_path, "mixed.html", body)).view
    assert measure.missing_chars(view, view.article) == 0
    assert _cell_box(view, "الفاكهة")[0] > _cell_box(view, "السعر")[0]
    assert _cell_box(view, "Fruit")[0] < _cell_box(view, "Price")[0]
    # The paragraph after it reads left to right, from the column's left edge (it took the table's direction).
    after = _block_of(view, "The English paragraph after")
    left = _cell_box(view, "The English paragraph after")[0]
    assert _caret_x(view, after.position()) <= left + 2


# -- a table shown as lines reads row by row -------------------------------------------------


def test_a_table_shown_as_lines_names_each_value_by_its_column(library, make_window, tmp_path):
    head = "<tr><th>Station</th>" + "".join(f"<th>Measure{i}</th>" for i in range(8)) + "</tr>"
    rows = "".join(
        f"<tr><td>Station{r}</td>"
        + "".join(f"<td>Hydroelectricity{i} Photosynthesis{i}</td>" for i in range(8))
        + "</tr>"
        for r in range(3)
    )
    plain = "".join(f"<tr><th>Row {i}</th>{WIDE}</tr>" for i in range(3))
    body = (
        PROSE + f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>" + PROSE + f"<table>{plain}</table>" + PROSE
    )
    view = _narrow(open_one(library, make_window, page(tmp_path, "stations.html", body)))
    assert measure.missing_chars(view, view.article) == 0
    # Under a header row: each value on a line of its own after its column's name.
    card = _block_of(view, "Station1")
    lines = card.text().split("\u2028")
    assert lines[0] == "\u2068Station\u2069: Station1"
    assert lines[1:] == [f"\u2068Measure{i}\u2069: Hydroelectricity{i} Photosynthesis{i}" for i in range(8)]
    # The names are the view's, not the article's: a selection of the card is the row's words alone.
    cursor = view.document().find("Station1")
    cursor.setPosition(card.position() + len(card.text()), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    start, end = view.selected_text_range()
    assert view.article.text[start:end].split() == ["Station1"] + [
        word for i in range(8) for word in (f"Hydroelectricity{i}", f"Photosynthesis{i}")
    ]
    # No header row: a row's header, then its cells apart by a visible separator.
    row = " ".join(_block_of(view, "Row 1").text().split())
    assert row.startswith("Row 1: Hydroelectricity0 Photosynthesis0 \u2502 Hydroelectricity1 Photosynthesis1 \u2502")


def test_a_right_to_left_table_shown_as_lines_reads_from_the_right(library, make_window, tmp_path):
    head = "<tr><th>المدينة</th>" + "".join(f"<th>العمود{i}</th>" for i in range(8)) + "</tr>"
    rows = "".join(
        f"<tr><td>القاهرة{r}</td>" + "".join(f"<td>الكهرباء{i} والتمثيل{i}</td>" for i in range(8)) + "</tr>"
        for r in range(3)
    )
    body = AR_PROSE + f"<table>{head}{rows}</table>" + AR_PROSE
    path = page(tmp_path, "cities.html", body, title="مدن", lang="ar", dir="rtl")
    view = _narrow(open_one(library, make_window, path))
    assert measure.missing_chars(view, view.article) == 0
    card = _block_of(view, "القاهرة1")
    assert card.textDirection() == Qt.LayoutDirection.RightToLeft
    assert card.text().split("\u2028")[3] == "\u2068العمود2\u2069: الكهرباء2 والتمثيل2"
    # Each line starts at the right: the column's name right of its value.
    at = card.position() + card.text().index("العمود2")
    value = card.position() + card.text().index("الكهرباء2")
    assert _caret_x(view, at) > _caret_x(view, value)
    header = _block_of(view, "المدينة")
    assert _caret_x(view, header.position()) > _caret_x(view, header.position() + header.text().index("العمود0"))


def test_a_cell_whose_linked_image_was_not_kept_says_so(library, make_window, tmp_path):
    # A support matrix of ticks: remote images are never fetched, and each tick's cell was left empty,
    # as if the platform were not supported. A tick with alt text leaves it (the importer's, as
    # article text); one without says so in the view.
    tick = '<a href="https://example.org/{0}"><img src="https://example.org/check.svg" alt="{1}"></a>'
    table = (
        "<table><thead><tr><th>Platform</th><th>amd64</th><th>arm64</th></tr></thead><tbody>"
        f"<tr><td>Mac</td><td>{tick.format('mac', 'yes')}</td><td>{tick.format('mac-arm', '')}</td></tr>"
        f"<tr><td>Windows</td><td>{tick.format('windows', '')}</td><td></td></tr></tbody></table>"
    )
    view = open_one(library, make_window, page(tmp_path, "matrix.html", PROSE + table + PROSE)).view
    assert measure.missing_chars(view, view.article) == 0
    table = view.document().find("Windows").currentTable()
    assert _rows(table) == ["Platform amd64 arm64", "Mac yes [image]", "Windows [image]"]
    assert "Mac yes" in view.article.text
    cursor = view.document().find("[image]")
    assert cursor.charFormat().anchorHref() == "https://example.org/mac-arm"  # still the page's link
    # The view's words, not the article's: a selection of them is no text of the article.
    view.setTextCursor(cursor)
    assert view.selected_text_range() is None
    assert "[image]" not in view.article.text


def test_a_column_left_empty_by_images_not_kept_gives_its_room_to_the_words(library, make_window, tmp_path):
    # Pros and cons, each after a remote tick or cross: the icons' columns were left empty and narrow.
    icon = '<td><img src="https://example.org/{0}.svg" width="16" height="16"></td>'
    rows = "".join(
        f"<tr>{icon.format('tick')}<td>Advantage number {i} of leasing a company car</td>"
        f"{icon.format('cross')}<td>Disadvantage number {i} of leasing a company car</td></tr>"
        for i in range(3)
    )
    table = (
        f'<table><tr><td colspan="2"><b>Advantages</b></td><td colspan="2"><b>Disadvantages</b></td></tr>{rows}</table>'
    )
    view = open_one(library, make_window, page(tmp_path, "pros.html", PROSE + table + PROSE)).view
    assert measure.missing_chars(view, view.article) == 0
    table = view.document().find("Advantage number 1").currentTable()
    assert table.columns() == 2
    assert _rows(table) == ["Advantages Disadvantages"] + [
        f"Advantage number {i} of leasing a company car Disadvantage number {i} of leasing a company car"
        for i in range(3)
    ]


def test_a_table_of_numbers_in_a_right_to_left_page_that_declares_nothing_follows_the_page(
    library, make_window, tmp_path
):
    rows = "".join("<tr>" + "".join(f"<td>{1000 + r * 10 + c}</td>" for c in range(4)) + "</tr>" for r in range(8))
    path = page(
        tmp_path, "numbers.html", AR_PROSE + f"<table>{rows}</table>" + AR_PROSE, title="أرقام", lang="", dir=""
    )
    view = open_one(library, make_window, path).view
    assert measure.missing_chars(view, view.article) == 0
    # No letter says which way the table reads: it reads as the page does, from the right.
    assert _cell_box(view, "1000")[0] > _cell_box(view, "1001")[0] > _cell_box(view, "1003")[0]


def test_a_table_that_fits_stays_a_table_at_every_window_width(library, make_window, tmp_path):
    rows = "".join("<tr>" + "".join(f"<td>{1000 + r * 10 + c}</td>" for c in range(4)) + "</tr>" for r in range(8))
    window = open_one(library, make_window, page(tmp_path, "numbers.html", PROSE + f"<table>{rows}</table>" + PROSE))
    window.actions["toggle_library"].trigger()
    window.actions["toggle_annotations"].trigger()
    view = window.view
    for width in (1000, 1001, 1002, 1003):  # (a column of one parity made the table a pixel wider than it)
        window.resize(width, 800)
        relayout(window)
        assert view.document().find("1000").currentTable() is not None, width
        assert measure.overflow_px(view) == 0 and measure.missing_chars(view, view.article) == 0
