"""The reading view: one article in a centred column, typeset for reading.

QTextBrowser (see DESIGN.md). What its CSS cannot do is done here in Python:
the column is the root frame's margins (set on resize), images are scaled to
the column, line spacing comes from block formats.

Highlights refer to offsets in the article's canonical text (Article.text);
`TextMap` is the one place that converts between those offsets and positions
in the QTextDocument (which counts a paragraph break or an image as one
character, leaves out list markers and has our header blocks in front).
"""

from __future__ import annotations

import difflib
import html
import re
from bisect import bisect_right
from datetime import datetime
from itertools import accumulate

from PySide6.QtCore import QByteArray, QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import Article, Change, Highlight
from reader.core.errors import LibraryError
from reader.gui.icons import icon
from reader.gui.theme import ReadingSettings, Theme, font_families, mono_families

HL_ID = QTextFormat.Property.UserProperty + 1  # the (innermost) highlight painted on a piece of text
HL_ORIGINAL = QTextFormat.Property.UserProperty + 2  # the background the text had before it was painted
CHROME_STATE = 0x5EAD  # QTextBlock.userState of blocks we add (title, byline...): not article text
ASSET_SCHEME = "asset"
PX = 96 / 72  # Qt rich text takes margins in px only; sizes here are in points
_SKIP = frozenset("\ufffc\u2028\u2029\u200b\u00ad")
_RUN = re.compile(r"[^\s\ufffc\u2028\u2029\u200b\u00ad]+")  # what TextMap aligns: all but spaces and _SKIP
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _squeeze(text: str) -> str:
    """`text` without spaces and _SKIP characters (what TextMap aligns)."""
    text = "".join(text.split())
    for ch in "\ufffc\u200b\u00ad":
        if ch in text:
            text = text.replace(ch, "")
    return text


def _utf16_len(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


class TextMap:
    """Canonical text offsets <-> QTextDocument positions.

    Built by aligning the non-space characters of Article.text with those of
    the document's article blocks, so it is immune to how either side spells
    whitespace, paragraph breaks, list markers or images.

    Kept as runs (a word on either side), not one entry per character, so an
    article of 10,000 words maps in a few milliseconds: a query is a handful
    of bisections. "Mapped characters" are the non-space characters the two
    sides share; in the usual case that is all of them (`exact`).
    """

    def __init__(self, document: QTextDocument, text: str) -> None:
        # Document side: runs of mapped characters, by position; b counts mapped characters.
        d_start: list[int] = []
        d_len: list[int] = []
        d_unit: list[int] = []  # UTF-16 units per character: 1, or 2 for a one-character astral run
        doc_parts: list[str] = []
        block = document.begin()
        while block.isValid():
            if block.userState() != CHROME_STATE:
                btext = block.text()
                base = block.position()
                if _ASTRAL.search(btext) is None:
                    spans = [m.span() for m in _RUN.finditer(btext)]
                    d_start.extend([base + a for a, _ in spans])
                    d_len.extend([b - a for a, b in spans])
                    d_unit.extend([1] * len(spans))
                    doc_parts.append(_squeeze(btext))
                else:
                    pos = base
                    for ch in btext:
                        width = _utf16_len(ch)
                        if not ch.isspace() and ch not in _SKIP:
                            d_start.append(pos)
                            d_len.append(1)
                            d_unit.append(width)
                            doc_parts.append(ch)
                        pos += width
            block = block.next()
        spans = [m.span() for m in _RUN.finditer(text)]
        self._t_start = [a for a, _ in spans]
        self._t_end = [b for _, b in spans]
        self._t_cum = [0, *accumulate(b - a for a, b in spans)]
        self._d_start = d_start
        self._d_unit = d_unit
        self._d_end = [s + n * u for s, n, u in zip(d_start, d_len, d_unit)]
        self._d_cum = [0, *accumulate(d_len)]
        self.text_len = len(text)
        a = _squeeze(text)
        b = "".join(doc_parts)
        self.exact = a == b
        if self.exact:
            blocks = [(0, 0, len(a))] if a else []
        else:
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            blocks = [blk for blk in matcher.get_matching_blocks() if blk[2]]
        # Matching blocks: pair index p in [P, P+n) <-> a in [i, i+n) <-> b in [j, j+n).
        self._bi = [blk[0] for blk in blocks]
        self._bj = [blk[1] for blk in blocks]
        self._bn = [blk[2] for blk in blocks]
        self._bp = [0, *accumulate(self._bn)]
        self.pairs = self._bp[-1]

    # -- the steps: text offset <-> a (mapped text char) <-> pair <-> b (mapped doc char) <-> position

    def _a_at_or_after(self, offset: int) -> int:
        r = bisect_right(self._t_start, offset) - 1
        if r >= 0 and offset < self._t_end[r]:
            return self._t_cum[r] + offset - self._t_start[r]
        return self._t_cum[r + 1]

    def _b_at_or_after(self, pos: int) -> int:
        r = bisect_right(self._d_start, pos) - 1
        if r >= 0 and pos < self._d_end[r]:
            return self._d_cum[r] - (self._d_start[r] - pos) // self._d_unit[r]  # inside a surrogate pair: the next
        return self._d_cum[r + 1]

    @staticmethod
    def _pair_at_or_after(starts: list[int], lengths: list[int], first: list[int], x: int) -> int:
        k = bisect_right(starts, x) - 1
        if k >= 0 and x < starts[k] + lengths[k]:
            return first[k] + x - starts[k]
        return first[k + 1]

    def _pair_ab(self, p: int) -> tuple[int, int]:
        k = bisect_right(self._bp, p) - 1
        return self._bi[k] + p - self._bp[k], self._bj[k] + p - self._bp[k]

    def _offset(self, a: int) -> int:
        r = bisect_right(self._t_cum, a) - 1
        return self._t_start[r] + a - self._t_cum[r]

    def _position(self, b: int) -> tuple[int, int]:
        """Document position of mapped character b, and the position after it."""
        r = bisect_right(self._d_cum, b) - 1
        pos = self._d_start[r] + (b - self._d_cum[r]) * self._d_unit[r]
        return pos, pos + self._d_unit[r]

    def _pair_of_offset(self, offset: int) -> int:
        return self._pair_at_or_after(self._bi, self._bn, self._bp, self._a_at_or_after(offset))

    def _pair_of_position(self, pos: int) -> int:
        return self._pair_at_or_after(self._bj, self._bn, self._bp, self._b_at_or_after(pos))

    # -- the API

    def text_to_doc(self, offset: int) -> int | None:
        """The document position of the first mapped character at or after `offset`."""
        p = self._pair_of_offset(offset)
        if p < self.pairs:
            return self._position(self._pair_ab(p)[1])[0]
        if self.pairs:
            return self._position(self._pair_ab(self.pairs - 1)[1])[1]
        return None

    def range_to_doc(self, start: int, end: int) -> tuple[int, int] | None:
        i = self._pair_of_offset(start)
        j = self._pair_of_offset(end) - 1
        if i > j or i >= self.pairs:
            return None
        return self._position(self._pair_ab(i)[1])[0], self._position(self._pair_ab(j)[1])[1]

    def doc_to_text(self, pos: int) -> int:
        """The canonical offset of the first mapped character at or after document `pos`."""
        p = self._pair_of_position(pos)
        return self._offset(self._pair_ab(p)[0]) if p < self.pairs else self.text_len

    def doc_range_to_text(self, start: int, end: int) -> tuple[int, int] | None:
        i = self._pair_of_position(start)
        j = self._pair_of_position(end) - 1
        if i > j or i >= self.pairs:
            return None
        return self._offset(self._pair_ab(i)[0]), self._offset(self._pair_ab(j)[0]) + 1


def display_html(fragment: str) -> str:
    """Adapt the clean article HTML to what Qt's rich text understands.

    Qt treats <figure>/<figcaption> as inline, so they become blocks here; the
    canonical text is unchanged (TextMap ignores how blocks are spelled).
    """
    from lxml import html as lxml_html  # loaded when the first article opens, not at start

    if not fragment.strip():
        return ""
    from reader.core.importing.bound import bound_tree

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    # Articles stored before tables were bounded at import could hang the layout.
    bound_tree(root)
    for el in root.iter("figure"):
        el.tag = "div"
    for el in root.iter("figcaption"):
        el.tag = "p"
        el.set("class", "caption")
        el.set("align", "center")
    for el in root.iter("img"):
        for attr in ("width", "height"):
            el.attrib.pop(attr, None)
    for el in root.iter("table"):
        el.set("cellspacing", "0")
        el.set("cellpadding", "6")
        el.set("width", "100%")
    return lxml_html.tostring(root, encoding="unicode")


def format_date(value: str | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        day = value
    else:
        try:
            day = datetime.fromisoformat(value.strip().replace("Z", "+00:00")[:25])
        except ValueError:
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
            if not match:
                return value.strip()[:40]
            day = datetime(int(match[1]), int(match[2]), int(match[3]))
    return f"{day.day} {day:%b %Y}"


class ReadingView(QTextBrowser):
    """Shows one article. Emits `progressChanged(article_id, fraction)` as the reader scrolls."""

    progressChanged = Signal(int, float)
    highlightClicked = Signal(int, QPoint)  # highlight id, global position of the click
    selectionFinished = Signal()  # the reader let go of a selection (mouse up or a keyboard selection)
    viewMoved = Signal()  # scrolled or resized: floating tools follow or hide
    pressed = Signal()  # a mouse button went down on the page
    highlightsReloaded = Signal(int)  # article id: its highlights changed behind the window's back

    def __init__(self, library, settings: ReadingSettings | None = None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings or ReadingSettings()
        self.theme: Theme = self.settings.resolved_theme()
        self.article: Article | None = None
        self.text_map: TextMap | None = None
        self._images: dict[str, QImage] = {}
        self._image_limit = 0
        self._margins = (-1, -1)
        self._search_terms: tuple[str, ...] = ()
        self._pending_fraction: float | None = None
        self._find_selections: list = []
        self._term_selections: list = []
        self._flash_selections: list = []
        self.highlights: dict[int, Highlight] = {}
        self._spans: dict[int, tuple[int, int]] = {}  # highlight id -> document range
        self._joins: list[int] = []
        self._brushes: dict = {}
        self._map_key: tuple | None = None
        self._flash_timer = QTimer(self, singleShot=True, interval=1400)
        self._flash_timer.timeout.connect(self._end_flash)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(0)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self._save_timer = QTimer(self, singleShot=True, interval=700)
        self._save_timer.timeout.connect(self._emit_progress)
        # The reading position is kept as a fraction of the article, so that any relayout
        # (window resize, polish, font change, images) leaves the reader where they were.
        self._fraction = 0.0
        self._last_max = 0
        self.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self.verticalScrollBar().rangeChanged.connect(self._on_range)
        self.apply_settings(self.settings)

    # -- settings ------------------------------------------------------------

    def apply_settings(self, settings: ReadingSettings) -> None:
        fraction = self.scroll_fraction()
        self.settings = settings
        self.theme = settings.resolved_theme()
        t = self.theme
        palette = self.palette()
        for role, color in (
            (QPalette.ColorRole.Base, t.background),
            (QPalette.ColorRole.Window, t.background),
            (QPalette.ColorRole.Text, t.text),
            (QPalette.ColorRole.Link, t.link),
            (QPalette.ColorRole.Highlight, t.selection),
            (QPalette.ColorRole.HighlightedText, t.text),
        ):
            palette.setColor(role, QColor(color))
        self.setPalette(palette)
        self.viewport().setPalette(palette)
        self.viewport().setAutoFillBackground(True)
        self.setStyleSheet(
            f"QTextBrowser {{ background: {t.background}; color: {t.text}; border: none; }}"
            f"QScrollBar:vertical {{ background: {t.background}; width: 11px; margin: 0; }}"
            f"QScrollBar::handle:vertical {{ background: {t.rule}; border-radius: 4px; min-height: 40px; margin: 2px; }}"
            f"QScrollBar::handle:vertical:hover {{ background: {t.muted}; }}"
            "QScrollBar::add-line, QScrollBar::sub-line { height: 0; }"
            "QScrollBar::add-page, QScrollBar::sub-page { background: none; }"
        )
        if self.article is not None:
            self._render(fraction)
        else:
            self.show_placeholder()

    def body_font(self) -> QFont:
        font = QFont()
        font.setFamilies(font_families(self.settings.font))
        font.setPointSizeF(self.settings.size)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        return font

    def _stylesheet(self) -> str:
        t = self.theme
        s = self.settings.size
        mono = ", ".join(f"'{f}'" for f in mono_families())
        return f"""
        a {{ color: {t.link}; text-decoration: none; }}
        p {{ margin-top: 0px; margin-bottom: {s * 0.95 * PX:.0f}px; }}
        h1 {{ font-size: {s * 1.75:.1f}pt; font-weight: 700; margin-top: {s * 1.6 * PX:.0f}px; margin-bottom: {s * 0.7 * PX:.0f}px; }}
        h2 {{ font-size: {s * 1.4:.1f}pt; font-weight: 700; margin-top: {s * 1.6 * PX:.0f}px; margin-bottom: {s * 0.6 * PX:.0f}px; }}
        h3 {{ font-size: {s * 1.18:.1f}pt; font-weight: 700; margin-top: {s * 1.3 * PX:.0f}px; margin-bottom: {s * 0.5 * PX:.0f}px; }}
        h4, h5, h6 {{ font-size: {s * 1.04:.1f}pt; font-weight: 700; margin-top: {s * 1.1 * PX:.0f}px; margin-bottom: {s * 0.4 * PX:.0f}px; }}
        blockquote {{ margin-left: {s * 1.6 * PX:.0f}px; margin-right: 0px; font-style: italic; color: {t.muted}; }}
        pre {{ font-family: {mono}; font-size: {s * 0.8:.1f}pt; background-color: {t.code};
               margin-top: {s * 0.3 * PX:.0f}px; margin-bottom: {s * 1.1 * PX:.0f}px; }}
        code, kbd, samp {{ font-family: {mono}; font-size: {s * 0.85:.1f}pt; background-color: {t.code}; }}
        ul, ol {{ margin-top: 0px; margin-bottom: {s * 0.95 * PX:.0f}px; }}
        li {{ margin-bottom: {s * 0.35 * PX:.0f}px; }}
        table {{ border-collapse: collapse; margin-top: {s * 0.4 * PX:.0f}px; margin-bottom: {s * 1.2 * PX:.0f}px;
                 border-color: {t.rule}; }}
        td, th {{ border: 1px solid {t.rule}; padding: 5px 8px; font-size: {s * 0.88:.1f}pt; }}
        th {{ background-color: {t.code}; font-weight: 700; }}
        p.caption {{ font-size: {s * 0.8:.1f}pt; color: {t.muted}; margin-top: {s * 0.4 * PX:.0f}px; }}
        hr {{ color: {t.rule}; }}
        """

    # -- showing an article --------------------------------------------------

    def show_placeholder(self, message: str | None = None) -> None:
        self.article = None
        self.text_map = None
        self.highlights = {}
        self._spans = {}
        self._joins = []
        self._clear_extra()
        t = self.theme
        self.setFont(self.body_font())  # QTextEdit hands its own font to the document on every polish
        self.document().setDefaultFont(self.body_font())
        self.document().setDefaultStyleSheet("")
        text = message or "Choose an article from the library, or drop saved web pages anywhere on this window."
        self.setHtml(
            f"<div style='-qt-user-state: {CHROME_STATE}'>"
            f"<p align='center' style='margin-top: 120px; color: {t.muted}; font-size: {self.settings.size * 1.05:.1f}pt'>"
            f"{html.escape(text)}</p></div>"
        )
        self._set_margins(force=True)

    def show_article(self, article: Article, progress: float | None = None) -> None:
        """Show an article; scroll to `progress` (0..1, default the stored one)."""
        self._save_timer.stop()
        if self.article is not None and self.article.id != article.id:
            self._emit_progress()
        if self.article is None or self.article.id != article.id:
            self._images.clear()
        self.article = article
        self.highlights = {h.id: h for h in article.highlights}
        self._search_terms = ()
        self._render(article.progress if progress is None else progress)

    def _render(self, fraction: float) -> None:
        article = self.article
        assert article is not None
        self._clear_extra()
        doc = self.document()
        self.setFont(self.body_font())  # QTextEdit hands its own font to the document on every polish
        doc.setDefaultFont(self.body_font())
        doc.setDefaultStyleSheet(self._stylesheet())
        if article.direction in ("rtl", "ltr"):
            doc.setDefaultTextOption(doc.defaultTextOption())
        self.setHtml(self._compose_html(article))
        self._finish_blocks()
        self._margins = (-1, -1)
        self._set_margins(force=True)
        # Built once per article: a re-render for a theme or font spells the same blocks.
        key = (article.id, article.updated, len(article.text), doc.characterCount())
        if self.text_map is None or self._map_key != key:
            self.text_map = TextMap(doc, article.text)
            self._map_key = key
        self._spans = {}
        self.paint_highlights(list(self.highlights.values()), fresh=True)
        self._restore(fraction)

    def _compose_html(self, article: Article) -> str:
        t = self.theme
        s = self.settings.size
        chrome = f"-qt-user-state: {CHROME_STATE};"
        body = display_html(article.html)
        site = article.site or _host(article.url) or ""
        meta_parts = []
        if article.author:
            meta_parts.append(html.escape(article.author))
        date = format_date(article.published)
        if date:
            meta_parts.append(date)
        if article.reading_minutes:
            meta_parts.append(f"{article.reading_minutes} min read")
        sans = ", ".join(f"'{f}'" for f in font_families("Sans"))
        site_html = (
            f"<p style=\"{chrome} font-family: {sans}; font-size: {s * 0.72:.1f}pt; font-weight: 600; "
            f"color: {t.accent}; margin-bottom: {s * 0.45 * PX:.0f}px\">{html.escape(site.upper())}</p>"
            if site else ""
        )
        meta_html = (
            f"<p style=\"{chrome} font-family: {sans}; font-size: {s * 0.82:.1f}pt; color: {t.muted}; "
            f"margin-top: {s * 0.1 * PX:.0f}px; margin-bottom: {s * 2.2 * PX:.0f}px\">{' · '.join(meta_parts)}</p>"
        )
        rule = ""
        title_html = (
            f"<h1 style='{chrome} font-size: {s * 2.0:.1f}pt; margin-top: 0px; margin-bottom: {s * 0.5 * PX:.0f}px'>"
            f"{html.escape(article.title)}</h1>"
        )
        # Extraction often keeps the headline as the body's first heading: show it
        # once, as the title, with our site line above it and the byline below.
        match = re.match(r"\s*((?:<div>\s*)+)<(h[1-3])>(.*?)</\2>", body, re.S)
        if match and _same_words(html.unescape(re.sub(r"<[^>]+>", "", match[3])), article.title):
            heading = (f"<h1 style='font-size: {s * 2.0:.1f}pt; margin-top: 0px; margin-bottom: {s * 0.5 * PX:.0f}px'>"
                       f"{match[3]}</h1>")
            return f"{site_html}{heading}{meta_html}{rule}{match[1]}{body[match.end():]}"
        return f"{site_html}{title_html}{meta_html}{rule}{body}"

    def _finish_blocks(self) -> None:
        """Line spacing, centred figures and images scaled to the column."""
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
        while block.isValid():
            fmt = block.blockFormat()
            new = QTextBlockFormat()
            if fmt.nonBreakableLines():  # <pre>
                new.setLineHeight(max(100.0, spacing - 35), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                new.setLeftMargin(fmt.leftMargin() + 10)
                new.setRightMargin(10)
            elif fmt.headingLevel() or block.userState() == CHROME_STATE:
                new.setLineHeight(max(110.0, spacing - 40), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            else:
                new.setLineHeight(spacing, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            text = block.text()
            if text and text.strip("\ufffc \u2028") == "" and "\ufffc" in text:
                new.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                new.setLineHeight(100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                new.setTopMargin(self.settings.size * 0.6 * PX)
            elif not text.strip() and not block.textList() and not cursor.currentTable() and not fmt.hasProperty(
                QTextFormat.Property.BlockTrailingHorizontalRulerWidth
            ):
                # Empty paragraphs left where the page had widgets or remote images.
                new.setLineHeight(0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
                new.setTopMargin(0)
                new.setBottomMargin(0)
            cursor.setPosition(block.position())
            cursor.mergeBlockFormat(new)
            block = block.next()
        cursor.endEditBlock()
        self._image_limit = 0

    def _scale_images(self, limit: int) -> None:
        if limit == self._image_limit or self.article is None:
            return
        self._image_limit = limit
        doc = self.document()
        cursor = QTextCursor(doc)
        block = doc.begin()
        edits = []
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    edits.append((fragment.position(), fragment.length(), fmt.toImageFormat()))
                it += 1
            block = block.next()
        for position, length, fmt in edits:
            image = self._image(QUrl(fmt.name()))
            if image is None or image.isNull():
                continue
            ratio = image.devicePixelRatio() or 1.0
            width = image.width() / ratio
            height = image.height() / ratio
            scale = min(1.0, limit / width) if width > 0 else 1.0
            new = QTextImageFormat(fmt)
            new.setWidth(width * scale)
            new.setHeight(height * scale)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(new)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt API)
        """Images come from the library; nothing is ever fetched from elsewhere."""
        if kind == QTextDocument.ResourceType.ImageResource.value or kind == QTextDocument.ResourceType.ImageResource:
            image = self._image(url)
            return image if image is not None else QImage()
        return QByteArray()  # style sheets, links, anything else: never loaded

    def _image(self, url: QUrl) -> QImage | None:
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

    # -- highlights ------------------------------------------------------------
    #
    # Highlights are painted into the document's character formats (so a test, or
    # the clipboard's rich text, sees them), but never by re-rendering: the text map
    # is built once per render, the first paint is one cursor pass inside one edit
    # block, and a change repaints only the range it touches. Each painted piece
    # remembers the background it had (code spans have one) so it can be unpainted.

    def paint_highlights(self, highlights, fresh: bool = False) -> None:
        """Show exactly these highlights (placed ones painted, the others listed elsewhere).

        `fresh`: the document was just rendered, nothing is painted yet."""
        self.highlights = {h.id: h for h in highlights}
        if self.text_map is None:
            return
        self._spans = self._compute_spans(self.highlights.values())
        self._paint_range(0, self.document().characterCount(), fresh=fresh, widen=False)

    # -- changes (LibraryOps.changed) ---------------------------------------------------

    def apply_change(self, change: Change) -> None:
        """Follow a change to the library: one highlight repainted in place, the article's
        fields refreshed, or (for anything broader) the article and its highlights read again."""
        article = self.article
        if article is None or change.article_id not in (None, article.id):
            return
        kind = change.kind
        if kind == "article-deleted":
            self.show_placeholder()
            return
        if kind in ("highlight-added", "highlight-updated"):
            try:
                highlight = self.library.get_highlight(change.highlight_id)
            except LibraryError:
                return  # deleted again meanwhile; that change follows
            if highlight.article_id == article.id:
                self.update_highlight(highlight)
            return
        if kind == "highlight-deleted":
            self.update_highlight(None, change.highlight_id)
            return
        try:
            (fresh,) = self.library.get_many([article.id], content=False)
        except LibraryError:
            self.show_placeholder()
            return
        from dataclasses import replace

        self.article = replace(article, archived=fresh.archived, favorite=fresh.favorite, tags=fresh.tags,
                               note=fresh.note, progress=fresh.progress)
        # Only a broad change may bring highlights the window did not make (another process,
        # an annotation import); the window's own come one by one, above.
        if kind != "article-updated" and set(fresh.highlights) != set(self.highlights.values()):
            self.paint_highlights(fresh.highlights)
            self.article = replace(self.article, highlights=fresh.highlights)
            self.viewport().update()
            self.highlightsReloaded.emit(article.id)

    def update_highlight(self, highlight: Highlight | None, removed_id: int | None = None) -> None:
        """Add or change one highlight (or remove `removed_id`), repainting only its range."""
        old = self._spans.get(removed_id if highlight is None else highlight.id)
        if highlight is None:
            self.highlights.pop(removed_id, None)
            self._spans.pop(removed_id, None)
            new = None
        else:
            self.highlights[highlight.id] = highlight
            self._spans.pop(highlight.id, None)
            new = self._compute_spans([highlight]).get(highlight.id)
            if new is not None:
                self._spans[highlight.id] = new
        if self.article is not None:
            from dataclasses import replace

            self.article = replace(self.article, highlights=tuple(self.highlights.values()))
        spans = [s for s in (old, new) if s is not None]
        if spans and self.text_map is not None:
            self._paint_range(min(s[0] for s in spans), max(s[1] for s in spans))
        self.viewport().update()

    def _compute_spans(self, highlights) -> dict[int, tuple[int, int]]:
        spans = {}
        if self.text_map is None:
            return spans
        for h in highlights:
            if h.start is None or h.end is None:
                continue
            span = self.text_map.range_to_doc(h.start, h.end)
            if span is not None and span[1] > span[0]:
                spans[h.id] = span
        return spans

    def _paint_range(self, a: int, b: int, fresh: bool = False, widen: bool = True) -> None:
        """Repaint document range [a, b): unpaint it, then paint each piece by what covers it."""
        if widen:  # take in whole highlights that meet the range (cheap, and keeps joins right)
            for s, e in self._spans.values():
                if s <= b and e >= a:
                    a, b = min(a, s), max(b, e)
        inside = [(max(a, s), min(b, e), hid) for hid, (s, e) in self._spans.items() if s < b and e > a]
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        if not fresh:
            self._unpaint(cursor, a, b)
        events: list[tuple[int, int, int]] = []
        for s, e, hid in inside:
            events.append((s, 1, hid))
            events.append((e, 0, hid))
        events.sort()
        # One pass over the events gives the pieces and what covers each; one pass over
        # the text fragments (read once) gives their formats.
        pieces: list[tuple[int, int, tuple[int, ...]]] = []
        active: dict[int, int] = {}
        previous = None
        for pos, kind, hid in events:
            if previous is not None and pos > previous and active:
                pieces.append((previous, pos, tuple(active)))
            if kind:
                active[hid] = 1
            else:
                active.pop(hid, None)
            previous = pos
        if pieces:
            fragments = self._pieces(pieces[0][0], pieces[-1][1])
            k = 0
            for ps, pe, ids in pieces:
                while k < len(fragments) and fragments[k][1] <= ps:
                    k += 1
                m = k
                while m < len(fragments) and fragments[m][0] < pe:
                    fs, fe, fmt = fragments[m]
                    self._paint_piece(cursor, max(ps, fs), min(pe, fe), fmt, ids)
                    m += 1
        cursor.endEditBlock()
        self._joins = self._find_joins()

    def _find_joins(self) -> list[int]:
        """Positions where one highlight ends and another begins: drawn as a hairline gap."""
        ends = {e for s, e in self._spans.values()}
        return sorted({s for s, e in self._spans.values() if s in ends})

    def _brush(self, ids) -> QBrush:
        colors = tuple(self.highlights[i].color for i in ids)
        key = (self.theme.name, tuple(sorted(colors)))
        brush = self._brushes.get(key)
        if brush is None:
            palette = self.theme.highlights
            qcolors = [QColor(palette.get(c, palette["yellow"])) for c in colors]
            if len(qcolors) == 1:
                color = qcolors[0]
            else:  # where highlights overlap: their blend, a step deeper per layer
                n = len(qcolors)
                color = QColor(sum(c.red() for c in qcolors) // n, sum(c.green() for c in qcolors) // n,
                               sum(c.blue() for c in qcolors) // n)
                step = 100 + 14 * (n - 1)
                color = color.lighter(step + 12 * (n - 1)) if self.theme.dark else color.darker(step)
            brush = self._brushes[key] = QBrush(color)
        return brush

    def _pieces(self, a: int, b: int):
        """(start, end, format) of the text fragments within [a, b), images left out."""
        doc = self.document()
        block = doc.findBlock(a)
        pieces = []
        while block.isValid() and block.position() < b:
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fs = fragment.position()
                fe = fs + fragment.length()
                if fs >= b:
                    break
                if fe > a:
                    fmt = fragment.charFormat()
                    if not fmt.isImageFormat():
                        pieces.append((max(a, fs), min(b, fe), fmt))
                it += 1
            block = block.next()
        return pieces

    def _paint_piece(self, cursor: QTextCursor, a: int, b: int, fmt: QTextCharFormat, ids: tuple[int, ...]) -> None:
        new = QTextCharFormat(fmt)
        if not fmt.hasProperty(HL_ORIGINAL):
            new.setProperty(HL_ORIGINAL, fmt.background())
        new.setBackground(self._brush(ids))
        top = min(ids, key=lambda i: (self._spans[i][1] - self._spans[i][0], -i))  # the innermost
        new.setProperty(HL_ID, top)
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(new)

    def _unpaint(self, cursor: QTextCursor, a: int, b: int) -> None:
        for s, e, fmt in self._pieces(a, b):
            if not fmt.hasProperty(HL_ORIGINAL):
                continue
            new = QTextCharFormat(fmt)
            original = fmt.property(HL_ORIGINAL)
            if isinstance(original, QBrush) and original.style() != Qt.BrushStyle.NoBrush:
                new.setBackground(original)
            else:
                new.clearBackground()
            new.clearProperty(HL_ORIGINAL)
            new.clearProperty(HL_ID)
            cursor.setPosition(s)
            cursor.setPosition(e, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(new)

    def highlight_span(self, highlight_id: int) -> tuple[int, int] | None:
        """The document range [start, end) a highlight is painted on, if it is placed."""
        return self._spans.get(highlight_id)

    def highlight_at_point(self, point) -> int | None:
        """The highlight under a viewport point (the innermost where they overlap)."""
        if not self._spans:
            return None
        layout = self.document().documentLayout()
        doc_point = QPointF(point.x() + self.horizontalScrollBar().value(), point.y() + self.verticalScrollBar().value())
        pos = layout.hitTest(doc_point, Qt.HitTestAccuracy.ExactHit)
        if pos < 0:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(pos)
        if point.x() < self.cursorRect(cursor).center().x() and pos > 0:
            pos -= 1  # hitTest answers the nearest boundary: the character is on its left
        return self.highlight_at(pos)

    def highlight_at(self, pos: int) -> int | None:
        best = None
        for hid, (s, e) in self._spans.items():
            if s <= pos < e and (best is None or e - s < best[0]):
                best = (e - s, hid)
        return best[1] if best else None

    def scroll_to_highlight(self, highlight_id: int, flash: bool = True) -> bool:
        span = self._spans.get(highlight_id)
        if span is None:
            return False
        self._scroll_to_position(span[0])
        if flash:
            cursor = QTextCursor(self.document())
            cursor.setPosition(span[0])
            cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            color = QColor(self.theme.accent)
            color.setAlpha(80)
            sel.format.setBackground(color)
            self._flash_selections = [sel]
            self._apply_extra()
            self._flash_timer.start()
        return True

    def _end_flash(self) -> None:
        self._flash_selections = []
        self._apply_extra()

    def selected_text_range(self) -> tuple[int, int] | None:
        """The current selection as a canonical text range (start, end)."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.text_map is None:
            return None
        return self.text_map.doc_range_to_text(cursor.selectionStart(), cursor.selectionEnd())

    def scroll_to_text(self, offset: int) -> None:
        if self.text_map is None:
            return
        pos = self.text_map.text_to_doc(offset)
        if pos is not None:
            self._scroll_to_position(pos)

    # -- scrolling and progress -------------------------------------------------

    def scroll_fraction(self) -> float:
        if self._pending_fraction is not None:
            return self._pending_fraction
        return self._fraction

    def _on_scroll(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if bar.maximum() != self._last_max:
            return  # the range is changing under us: not the reader scrolling
        self._fraction = value / bar.maximum() if bar.maximum() > 0 else 0.0
        self._save_timer.start()

    def _on_range(self, _minimum: int, maximum: int) -> None:
        self._last_max = maximum
        if self.article is not None and self._pending_fraction is None and maximum > 0:
            self.verticalScrollBar().setValue(round(self._fraction * maximum))

    def reading_progress(self) -> float:
        """How far the reader got: 1.0 once the end of the article is on screen."""
        if self._pending_fraction is not None:
            return self._pending_fraction
        bar = self.verticalScrollBar()
        if bar.maximum() <= 0:
            return 1.0 if self.article is not None else 0.0
        return round(bar.value() / bar.maximum(), 4)

    def _restore(self, fraction: float) -> None:
        if not self.isVisible() or self.viewport().width() < 50:
            self._pending_fraction = fraction  # laid out for real when shown
            return
        self._pending_fraction = None
        self._fraction = max(0.0, min(1.0, fraction))
        doc = self.document()
        doc.documentLayout().blockBoundingRect(doc.lastBlock())  # lay out everything now
        bar = self.verticalScrollBar()
        self._last_max = bar.maximum()
        bar.setValue(round(max(0.0, min(1.0, fraction)) * bar.maximum()) if fraction < 0.999 else bar.maximum())
        self._save_timer.stop()

    def _emit_progress(self) -> None:
        self._save_timer.stop()
        if self.article is not None:
            self.progressChanged.emit(self.article.id, self.reading_progress())

    def flush_progress(self) -> None:
        """Report the position now (before switching article or closing)."""
        if self.article is not None:
            self._emit_progress()

    def page(self, forward: bool = True) -> None:
        bar = self.verticalScrollBar()
        step = max(40, self.viewport().height() - 60)
        bar.setValue(bar.value() + (step if forward else -step))

    def _scroll_to_position(self, pos: int, select_to: int | None = None) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(pos)
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)

    def resizeEvent(self, event) -> None:  # noqa: N802
        fraction = self.scroll_fraction()
        super().resizeEvent(event)
        self.viewMoved.emit()
        if (self._set_margins() or self._pending_fraction is not None) and self.article is not None:
            self._restore(fraction)

    def showEvent(self, event) -> None:  # noqa: N802
        fraction = self.scroll_fraction()
        super().showEvent(event)  # QTextEdit scrolls to its cursor on the first show
        if self.article is not None:
            self._set_margins()
            self._restore(fraction)

    def _set_margins(self, force: bool = False) -> bool:
        width = self.viewport().width()
        column = self.settings.width
        side = max(28, (width - column) // 2)
        top = 44 if width > 600 else 24
        if not force and (side, top) == self._margins:
            return False
        self._margins = (side, top)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(top)
        fmt.setBottomMargin(max(120, self.viewport().height() // 3))
        frame.setFrameFormat(fmt)
        self._scale_images(max(80, width - 2 * side))
        return True

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.article is None:
            return
        # Qt's rich text has no border-left: draw the bar beside block quotes here.
        painter = QPainter(self.viewport())
        if self._joins:
            # Two highlights that touch stay two: a hairline of page between them.
            page = QColor(self.theme.background)
            height = self.viewport().height()
            for pos in self._joins:
                cursor = QTextCursor(self.document())
                cursor.setPosition(pos)
                rect = self.cursorRect(cursor)
                if rect.bottom() < 0 or rect.top() > height:
                    continue
                painter.fillRect(QRectF(rect.left() - 1, rect.top(), 2, rect.height()), page)
        color = QColor(self.theme.accent)
        color.setAlpha(150)
        offset = self.verticalScrollBar().value()
        layout = self.document().documentLayout()
        visible = QRectF(0, offset, self.viewport().width(), self.viewport().height())
        block = self.document().begin()
        while block.isValid():
            if block.blockFormat().property(QTextFormat.Property.BlockQuoteLevel):
                rect = layout.blockBoundingRect(block)
                if rect.intersects(visible):
                    fmt = block.blockFormat()
                    inner = block.layout().boundingRect()
                    x = rect.left() + fmt.leftMargin() - self.settings.size * 0.9
                    top = block.layout().position().y() + inner.top()
                    painter.fillRect(QRectF(x, top + 2 - offset, 3, inner.height() - 4), color)
                elif rect.top() > visible.bottom():
                    break
            block = block.next()
        painter.end()

    # -- selecting and clicking ----------------------------------------------------

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        self.pressed.emit()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        press, self._press = getattr(self, "_press", None), None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        point = event.position().toPoint()
        if self.textCursor().hasSelection():
            self.selectionFinished.emit()
        elif (point - press).manhattanLength() < 5 and not self.anchorAt(point):
            hid = self.highlight_at_point(point)
            if hid is not None:
                self.highlightClicked.emit(hid, self.viewport().mapToGlobal(point))

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        super().keyReleaseEvent(event)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.textCursor().hasSelection():
            self.selectionFinished.emit()

    def clear_selection(self) -> None:
        """Drop the selection where it is (QTextEdit would scroll to its cursor)."""
        bar = self.verticalScrollBar()
        value = bar.value()
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        bar.setValue(value)

    def selection_rect(self):
        """Where a floating tool sits over the selection: its first line (viewport coordinates)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._span_rect(cursor.selectionStart(), cursor.selectionEnd())

    def highlight_rect(self, highlight_id: int):
        span = self._spans.get(highlight_id)
        return self._span_rect(*span) if span is not None else None

    def _span_rect(self, start: int, end: int):
        first = QTextCursor(self.document())
        first.setPosition(start)
        last = QTextCursor(self.document())
        last.setPosition(end)
        a, b = self.cursorRect(first), self.cursorRect(last)
        if a.top() == b.top():
            return a.united(b)
        # Several lines: over the first one, from where the text starts to the column's edge.
        right = self.viewport().width() - self._margins[0] if self._margins[0] > 0 else a.right() + 240
        return a.united(a.translated(max(0, right - a.left()), 0))

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        self.viewMoved.emit()

    # -- links -----------------------------------------------------------------

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif not url.scheme() and url.hasFragment():
            self.scrollToAnchor(url.fragment())

    def setSource(self, *args) -> None:  # noqa: N802 - never navigate away from the article
        return

    # -- finding -----------------------------------------------------------------

    def find_all(self, needle: str) -> list[QTextCursor]:
        found: list[QTextCursor] = []
        if not needle:
            return found
        doc = self.document()
        cursor = doc.find(needle, 0)
        while not cursor.isNull() and len(found) < 2000:
            if cursor.block().userState() != CHROME_STATE or True:
                found.append(QTextCursor(cursor))
            cursor = doc.find(needle, cursor)
        return found

    def mark_found(self, cursors: list[QTextCursor], current: int) -> None:
        """Show all matches, the current one stronger, and scroll to it."""
        selections = []
        soft = QColor(self.theme.highlights["yellow"])
        strong = QColor(self.theme.accent)
        strong.setAlpha(120)
        for index, cursor in enumerate(cursors):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format.setBackground(strong if index == current else soft)
            selections.append(sel)
        self._find_selections = selections
        self._apply_extra()
        if 0 <= current < len(cursors):
            self._scroll_to_position(cursors[current].selectionStart())

    def reveal_terms(self, terms) -> bool:
        """Scroll to the first place in the body where a search term occurs, and mark them all."""
        self._search_terms = tuple(t for t in terms if t)
        selections = []
        first = None
        color = QColor(self.theme.accent)
        color.setAlpha(55)  # not a highlight colour: these marks are not saved
        for term in self._search_terms:
            for cursor in self.find_all(term):
                if cursor.block().userState() == CHROME_STATE:
                    continue
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cursor
                sel.format.setBackground(color)
                selections.append(sel)
                if first is None or cursor.selectionStart() < first:
                    first = cursor.selectionStart()
        self._term_selections = selections
        self._apply_extra()
        if first is not None:
            self._scroll_to_position(first)
            return True
        return False

    def _apply_extra(self) -> None:
        self.setExtraSelections(self._term_selections + self._find_selections + self._flash_selections)

    def _clear_extra(self) -> None:
        self._find_selections = []
        self._term_selections = []
        self._flash_selections = []
        self.setExtraSelections([])

    def clear_found(self) -> None:
        self._find_selections = []
        self._apply_extra()


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = QUrl(url).host()
    return host[4:] if host.startswith("www.") else host


def _same_words(a: str, b: str) -> bool:
    norm = lambda s: " ".join(re.findall(r"\w+", s.lower()))  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


class FindBar(QFrame):
    """Find in the article: Enter for next, Shift+Enter for previous, Esc closes."""

    def __init__(self, view: ReadingView, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.matches: list[QTextCursor] = []
        self.current = -1
        self.setObjectName("FindBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(6)
        self.field = QLineEdit(placeholderText="Find in article")
        self.field.setClearButtonEnabled(True)
        self.field.setMaximumWidth(320)
        self.count = QLabel()
        self.prev_button = QToolButton(toolTip="Previous match (Shift+Enter)", autoRaise=True)
        self.next_button = QToolButton(toolTip="Next match (Enter)", autoRaise=True)
        self.close_button = QToolButton(toolTip="Close (Esc)", autoRaise=True)
        layout.addWidget(self.field)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.count)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(lambda: self.step(1))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)
        self.hide()

    def set_icons(self, color: str) -> None:
        self.prev_button.setIcon(icon("up", color))
        self.next_button.setIcon(icon("down", color))
        self.close_button.setIcon(icon("close", color))

    def open_bar(self) -> None:
        cursor = self.view.textCursor()
        if cursor.hasSelection() and "\u2029" not in cursor.selectedText():
            self.field.setText(cursor.selectedText())
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self._search(self.field.text())

    def close_bar(self) -> None:
        self.hide()
        self.view.clear_found()
        self.view.setFocus()

    def _search(self, needle: str) -> None:
        self.matches = self.view.find_all(needle)
        self.current = 0 if self.matches else -1
        self._show()

    def step(self, delta: int) -> None:
        if not self.matches:
            return
        self.current = (self.current + delta) % len(self.matches)
        self._show()

    def _show(self) -> None:
        self.view.mark_found(self.matches, self.current)
        if not self.field.text():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.step(-1)
                return True
        return super().eventFilter(obj, event)


class ReaderPane(QWidget):
    """The reading view with its find bar."""

    def __init__(self, view: ReadingView, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.find_bar = FindBar(view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(view, 1)
        layout.addWidget(self.find_bar)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(800, 700)


__all__ = ["ReadingView", "ReaderPane", "FindBar", "TextMap", "display_html", "format_date", "CHROME_STATE", "QKeySequence"]
