"""What Qt's rich-text CSS cannot do, done on the laid-out document.

- line spacing from block formats; empty paragraphs (left where the page had
  widgets) hidden, never squeezed to zero height (that drew the line before
  them as a sliver);
- code blocks: every line shown, blank lines kept; a <pre> whose longest line is
  wider than the column is set smaller as a whole (one size for all its lines,
  down to MIN_CODE_SCALE, still easy to read) and only then wrapped at spaces,
  each wrapped line continuing under its own text, two spaces in (as an editor's
  wrapping indent), so the code's shape still shows. Qt makes each line of a
  <pre> a block of its own: the <pre>'s margins mark its first and last.
  QTextBrowser cannot scroll one block sideways (its blocks have no overflow),
  so this is the nearest it has;
- tables: a cell that would break a word is set smaller, table by table, until
  no word breaks (down to MIN_TABLE_SCALE);
- images at their declared size (as a browser), fitted to the column, drawn
  from full-resolution pixels (crisp on HiDPI);
- formulas typeset from their TeX (ziamath, to SVG), drawn as images whose
  format carries the TeX (document.TEX_PROPERTY).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
    QTextLayout,
)

from reader.gui.reading.article_html import PX, TEX_SCHEME, asset_query
from reader.gui.reading.document import CHROME_STATE, TEX_PROPERTY
from reader.gui.reading.logical_order import tables_in_order
from reader.gui.reading.table_fit import TableFitting

ASSET_SCHEME = "asset"
MIN_CODE_SCALE = 0.85  # smaller than this, code is hard to read: it wraps instead
CODE_LINE_HEIGHT = 115.0  # code lines a little apart (at 100% they sat glyph to glyph)
CODE_MARGIN = QTextFormat.Property.UserProperty + 11  # on a code line: its left margin before any wrapping indent
LINE_SEPARATOR = "\u2028"  # a <br> inside a block
WORD = re.compile(r"\w", re.UNICODE)


# -- code -------------------------------------------------------------------------


def _code_font(lines) -> QFont:
    """The font a <pre>'s text is set in (its first fragment's: the block's own may lack the family)."""
    for block in lines:
        it = block.begin()
        if not it.atEnd():
            return QFont(it.fragment().charFormat().font())
    return QFont(lines[0].charFormat().font())


def _natural_width(text: str, font: QFont) -> float:
    """The width of the widest line of a block of code set in `font` unwrapped, with the fonts
    Qt falls back to for characters the font lacks (box drawing, CJK), as the document sets it.
    A block holds more than one line where the page broke its <pre> with <br> (U+2028)."""
    widest = 0.0
    for part in text.split(LINE_SEPARATOR):
        if part:
            layout = QTextLayout(part, font)
            layout.beginLayout()
            line = layout.createLine()
            layout.endLayout()
            widest = max(widest, line.naturalTextWidth())
    return widest


# -- formulas -----------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _formula_svg(tex: str) -> bytes | None:
    """SVG of a TeX formula, or None when it cannot be typeset."""
    try:
        import ziamath

        # SVG 1.1 paths: Qt's SVG renderer (SVG Tiny) draws nothing of SVG 2's
        # <symbol>/<use> glyph reuse, and the formulas came out blank.
        ziamath.config.svg2 = False  # type: ignore[attr-defined]
        svg: str = ziamath.Latex(tex, size=20).svg()  # type: ignore[attr-defined]
        return svg.encode("utf-8")
    except Exception:
        return None


def can_typeset(tex: str, _display: bool = False) -> bool:
    return _formula_svg(tex) is not None


def formula_image(tex: str, point_size: float, color: str, ratio: float) -> QImage:
    """The formula drawn at the body's size in the text colour, at `ratio` pixels per px."""
    from PySide6.QtSvg import QSvgRenderer

    svg = _formula_svg(tex)
    if svg is None:
        return QImage()
    renderer = QSvgRenderer(QByteArray(svg))
    size = renderer.defaultSize()
    scale = point_size * PX / 20 * 1.05  # rendered at 20 px to the em
    w, h = max(1, round(size.width() * scale * ratio)), max(1, round(size.height() * scale * ratio))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, w, h))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), QColor(color))  # ziamath draws black: take the theme's text colour
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


class Typesetting(TableFitting):
    """Mixin of ReadingView: block formats, code, tables, images and formulas."""

    def _finish_blocks(self) -> None:
        """Line spacing, centred figures, hidden empty paragraphs, the article's direction."""
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        block = doc.begin()
        # The setting is a CSS-like line height (160 = 1.6 em); Qt's proportional height
        # multiplies the font's own line spacing, which is already about 1.35 em for Noto Serif.
        font = self.body_font()
        metrics = QFontMetricsF(font)
        em = QFontInfo(font).pixelSize() or metrics.height()
        spacing = max(100.0, self.settings.line_spacing * em / metrics.lineSpacing())
        rtl = self._page_rtl
        hide = []
        self._code_blocks = []  # (first, last) block number of each <pre>'s lines
        previous_code = False
        while block.isValid():
            fmt = block.blockFormat()
            cursor.setPosition(block.position())  # currentTable() below asks about this block
            new = QTextBlockFormat()
            # (A block the page set left to right, a left-to-right table's cells, stay so.)
            if rtl and not fmt.nonBreakableLines() and fmt.layoutDirection() != Qt.LayoutDirection.LeftToRight:
                new.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            if fmt.nonBreakableLines():  # <pre>
                # Code reads left to right in any article: set right to left, an indented line
                # moved to the right and its closing ":" or ")" to the front of the line.
                new.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
                new.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
                new.setLineHeight(
                    max(CODE_LINE_HEIGHT, spacing - 35), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
                )
                new.setLeftMargin(fmt.leftMargin() + 10)
                new.setProperty(CODE_MARGIN, fmt.leftMargin() + 10)
                new.setRightMargin(10)
                number = block.blockNumber()
                if not previous_code or fmt.topMargin() > 0 or not self._code_blocks:
                    self._code_blocks.append((number, number))
                self._code_blocks[-1] = (self._code_blocks[-1][0], number)
                previous_code = fmt.bottomMargin() <= 0  # the last line of a <pre> carries its bottom margin
            elif fmt.headingLevel() or block.userState() == CHROME_STATE:
                new.setLineHeight(max(110.0, spacing - 40), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            else:
                new.setLineHeight(spacing, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            text = block.text()
            if text and text.strip("\ufffc \u2028") == "" and "\ufffc" in text:
                new.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                new.setLineHeight(100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                new.setTopMargin(self.settings.size * 0.6 * PX)
            elif (
                not text.strip()
                and not block.textList()
                and not cursor.currentTable()
                and not fmt.nonBreakableLines()
                and not fmt.hasProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth)
            ):
                # Empty paragraphs left where the page had widgets or remote images.
                new.setTopMargin(0)
                new.setBottomMargin(0)
                hide.append(block)
            elif (
                self.settings.justify
                and not fmt.headingLevel()
                and block.userState() != CHROME_STATE
                and not fmt.nonBreakableLines()
                and not cursor.currentTable()
            ):
                new.setAlignment(Qt.AlignmentFlag.AlignJustify)
            if not fmt.nonBreakableLines():
                previous_code = False
            cursor.setPosition(block.position())
            cursor.mergeBlockFormat(new)
            block = block.next()
        self._mark_formulas(cursor)
        # Hidden before the edit ends: the edit's one layout leaves them out (hidden after it,
        # the whole article had to be laid out again).
        for b in hide:
            b.setVisible(False)
        cursor.endEditBlock()
        self._image_limit = 0
        self._fitted_width = -1
        self._applied_scales: dict[int, float] = {}  # a new document: every table at its size

    def _mark_formulas(self, cursor: QTextCursor) -> None:
        """Each formula image carries its TeX: the text map lets it stand for that text."""
        for position, length, fmt in self._image_fragments():
            name = fmt.name()
            if not name.startswith(TEX_SCHEME + ":"):
                continue
            try:
                formula = self._formulas[int(name.split(":", 1)[1])]
            except (ValueError, IndexError):
                continue
            new = QTextImageFormat(fmt)
            new.setProperty(TEX_PROPERTY, formula.text)
            new.setToolTip(formula.tex)
            new.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignMiddle)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(new)

    def _image_fragments(self):
        doc = self.document()
        block = doc.begin()
        found = []
        while block.isValid():
            if "\ufffc" in block.text():
                it = block.begin()
                while not it.atEnd():
                    fragment = it.fragment()
                    fmt = fragment.charFormat()
                    if fmt.isImageFormat():
                        found.append((fragment.position(), fragment.length(), fmt.toImageFormat()))
                    it += 1
            block = block.next()
        return found

    # -- images -----------------------------------------------------------------------

    def image_size(self, name: str) -> tuple[float, float] | None:
        """The size a browser gives an image before fitting it: declared, else its own."""
        if name.startswith(TEX_SCHEME + ":"):
            return None
        image = self._image(QUrl(name))
        if image is None or image.isNull():
            return None
        ratio = image.devicePixelRatio() or 1.0
        natural_w, natural_h = image.width() / ratio, image.height() / ratio
        w, h = asset_query(name)
        if w and h:
            return w, h
        if w:
            return w, w * natural_h / natural_w
        if h:
            return h * natural_w / natural_h, h
        return natural_w, natural_h

    def _formula_size(self, name: str) -> tuple[float, float] | None:
        """A typeset formula's own size (px): a long displayed one is set smaller to fit the column."""
        if not name.startswith(TEX_SCHEME + ":"):
            return None
        image = self._image(QUrl(name))
        if image is None or image.isNull():
            return None
        ratio = image.devicePixelRatio() or 1.0
        return image.width() / ratio, image.height() / ratio

    def _scale_images(self, limit: int) -> None:
        if limit == self._image_limit or self.article is None:
            return
        self._image_limit = limit
        doc = self.document()
        cursor = QTextCursor(doc)
        for position, length, fmt in self._image_fragments():
            size = self.image_size(fmt.name()) or self._formula_size(fmt.name())
            if size is None:
                continue
            width, height = size
            # Within its block's margins: an indented display formula (<dd>) must fit too.
            block = doc.findBlock(position).blockFormat()
            room = max(limit * 0.25, limit - block.leftMargin() - block.rightMargin())
            scale = min(1.0, room / width) if width > 0 else 1.0
            new = QTextImageFormat(fmt)
            new.setWidth(width * scale)
            new.setHeight(height * scale)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(new)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Images come from the library; nothing is ever fetched from elsewhere."""
        if kind == QTextDocument.ResourceType.ImageResource.value or kind == QTextDocument.ResourceType.ImageResource:
            image = self._image(QUrl(url))
            return image if image is not None else QImage()
        return QByteArray()  # style sheets, links, anything else: never loaded

    def _image(self, url: QUrl) -> QImage | None:
        if url.scheme() == TEX_SCHEME:
            return self._formula(url)
        if url.scheme() != ASSET_SCHEME or self.article is None:
            return None
        name = url.path()
        if name not in self._images:
            found = self.library.asset(self.article.id, name)
            image = QImage()
            if found:
                image.loadFromData(found[1])
            self._images[name] = image
        return self._images[name]

    def _formula(self, url: QUrl) -> QImage | None:
        try:
            tex = self._formulas[int(url.path())].tex
        except (ValueError, IndexError):
            return None
        ratio = max(2.0, QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0)
        key = f"tex:{tex}:{self.settings.size}:{self.theme.text}:{ratio}"
        if key not in self._images:
            self._images[key] = formula_image(tex, self.settings.size, self.theme.text, ratio)
        return self._images[key]

    # -- code blocks and tables ------------------------------------------------------

    def _fit_wide_blocks(self, column: float) -> None:
        """Code set smaller where its lines are wider than the column; tables where a word breaks."""
        if column == self._fitted_width or self.article is None:
            return
        self._fitted_width = column
        if self._stacked and column > self._stacked_column + 40:
            self._stacked = frozenset()  # room again: try the tables as tables
            self._render(self.scroll_fraction())
            return
        doc = self.document()
        tables = tables_in_order(doc)  # document order, as the HTML
        # The page's index of each table in `tables` (the stacked ones are no longer tables).
        shown = self._table_indices
        # Tables no size could fit are known before any layout: set as lines at once (the article
        # was laid out a time for each step down to the smallest size, then set again).
        hopeless = {shown[i] for i in self._hopeless_tables(tables, column) if i < len(shown)}
        if not hopeless <= self._stacked:
            self._stacked = self._stacked | hopeless
            self._stacked_column = column
            self._render(self.scroll_fraction())
            return
        cursor = QTextCursor(doc)
        self._fit_code(cursor, column)
        self.set_page_width()  # (the first layout of a new article: _render)
        self.layout_now()
        too_wide = self._fit_tables(cursor, tables, column)
        stacked = self._stacked | {shown[i] for i in too_wide if i < len(shown)}
        if stacked != self._stacked:  # (else the same document again, and again)
            self._stacked = stacked
            self._stacked_column = column
            self._render(self.scroll_fraction())

    def _fit_code(self, cursor: QTextCursor, column: float) -> None:
        """Each <pre> at the code size, or smaller (to MIN_CODE_SCALE) when its widest line is
        wider than the column, and past that wrapped with a hanging indent. The lines are measured
        apart from the document and every change is made in one edit: measuring each <pre> on
        the document laid the article out again after each one (quadratic in the <pre>s)."""
        base_code = self.settings.size * 0.8
        plans = []
        for span in self._code_blocks:
            lines = self._code_lines(span)
            if not lines:
                continue
            fmt = lines[0].blockFormat()
            margin = fmt.property(CODE_MARGIN)  # (its left margin may hold a wrapping indent now)
            room = column - (fmt.leftMargin() if margin is None else float(margin)) - fmt.rightMargin() - 2
            font = _code_font(lines)
            font.setPointSizeF(base_code)
            widths = [_natural_width(b.text(), font) for b in lines]
            size, wrap = base_code, False
            if max(widths) > room:
                size = base_code * max(MIN_CODE_SCALE, room / max(widths) * 0.98)
                font.setPointSizeF(size)
                widths = [_natural_width(b.text(), font) for b in lines]
                wrap = max(widths) > room  # past the floor: wrap at spaces
            # (A block of several lines (<br>) is wrapped without the indent: it would move them all.)
            wrapped = [
                b
                for b, width in zip(lines, widths, strict=True)
                if wrap and width > room and LINE_SEPARATOR not in b.text()
            ]
            plans.append((lines, size, wrap, wrapped, room, QFontMetricsF(font).horizontalAdvance(" ")))
        cursor.beginEditBlock()  # one change to lay out
        for lines, size, wrap, wrapped, room, space in plans:
            self._set_lines_format(cursor, lines, size, wrap)
            self._hang_wrapped_lines(cursor, wrapped, room, space)
        cursor.endEditBlock()

    def _paint_code_backgrounds(self, painter: QPainter, clip: QRectF) -> None:
        """Each <pre>'s background, one rectangle behind all its lines, before the text is drawn.
        As block backgrounds (each line of a <pre> is a block), each line's background was
        painted after the line above it and covered the pixel row its underscores sit on
        ("slow_requests" read "slow requests"), and line spacing left stripes between them."""
        layout = self.document().documentLayout()
        color = QColor(self.theme.code)
        doc = self.document()
        spans = self._code_blocks

        def bottom_of(index: int) -> float:
            block = doc.findBlockByNumber(spans[index][1])
            return layout.blockBoundingRect(block).bottom() if block.isValid() else float("inf")

        # The <pre>s are in document order, so top to bottom: the first on screen is found by
        # bisection (a page of a thousand <pre>s cost 7 ms a frame when each was looked at).
        begin = bisect.bisect_left(range(len(spans)), clip.top() - clip.height(), key=bottom_of)
        for top, bottom in spans[begin:]:
            start, end = doc.findBlockByNumber(top), doc.findBlockByNumber(bottom)
            if not start.isValid() or not end.isValid():
                continue
            first, last = layout.blockBoundingRect(start), layout.blockBoundingRect(end)
            if first.top() > clip.bottom() + clip.height():  # (a screen's slack: <pre>s in table cells)
                break
            fmt = start.blockFormat()
            # A block's rect is its column less its margins and its first line's indent (the text's
            # 10 px inset, a wrapping indent: a hanging one is a larger margin and a negative indent):
            # the background spans the column from the <pre>'s own margin, as tables do.
            indent = float(fmt.property(CODE_MARGIN) or 10.0) - 10
            width = first.width() + fmt.leftMargin() + fmt.rightMargin() + fmt.textIndent() - indent
            pad = fmt.topMargin()  # as much under the last line as over the first
            box = QRectF(first.left() + indent, first.top(), width, last.bottom() + pad - first.top())
            if box.intersects(clip):
                painter.fillRect(box, color)

    def _code_lines(self, span: tuple[int, int]) -> list:
        """The blocks (lines) of one <pre>, by their numbers: blocks are never kept across a
        change of the document (a kept QTextBlock of a cleared document crashes when read)."""
        doc = self.document()
        lines = [doc.findBlockByNumber(n) for n in range(span[0], span[1] + 1)]
        return [b for b in lines if b.isValid()]

    def _hang_wrapped_lines(self, cursor: QTextCursor, lines, room: float, space: float) -> None:
        """Each wrapped code line goes on under its own text, two spaces (of `space` px) further
        in (a hanging indent: the first line keeps its place, the rest move right), at most half
        the room."""
        for block in lines:
            text = block.text()
            lead = len(text) - len(text.lstrip(" \t"))
            columns = len(text[:lead].expandtabs(4)) + 2
            hang = min(columns * space, room / 2)
            fmt = QTextBlockFormat()
            fmt.setLeftMargin(float(block.blockFormat().property(CODE_MARGIN) or 0.0) + hang)
            fmt.setTextIndent(-hang)
            cursor.setPosition(block.position())
            cursor.mergeBlockFormat(fmt)

    def _set_lines_format(self, cursor: QTextCursor, lines, point_size: float | None, wrap: bool) -> None:
        """The lines of one <pre>: one size (None: keep it), wrapped at spaces or not, and without
        a wrapping indent (_hang_wrapped_lines gives it to the lines that wrap)."""
        flow = QTextBlockFormat()
        flow.setNonBreakableLines(not wrap)
        base = lines[0].blockFormat().property(CODE_MARGIN)
        if base is not None:  # (every line of a <pre> has its margin)
            flow.setTextIndent(0)
            flow.setLeftMargin(float(base))
        # One selection over the whole <pre>: one edit for all its lines, not one a line.
        first, last = lines[0], lines[-1]
        cursor.setPosition(first.position())
        cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeBlockFormat(flow)
        if point_size is not None:
            size = QTextCharFormat()
            size.setFontPointSize(point_size)
            cursor.mergeCharFormat(size)
            cursor.mergeBlockCharFormat(size)  # an empty line's height follows it


__all__ = ["ASSET_SCHEME", "QSize", "Typesetting", "can_typeset", "formula_image"]
