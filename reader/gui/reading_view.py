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
from bisect import bisect_left, bisect_right
from datetime import datetime

from PySide6.QtCore import QByteArray, QEvent, QRectF, QSize, Qt, QTimer, QUrl, Signal
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

from reader.core.domain import Article, Highlight
from reader.gui.icons import icon
from reader.gui.theme import ReadingSettings, Theme, font_families, mono_families

CHROME_STATE = 0x5EAD  # QTextBlock.userState of blocks we add (title, byline...): not article text
ASSET_SCHEME = "asset"
PX = 96 / 72  # Qt rich text takes margins in px only; sizes here are in points
_SKIP = frozenset("\ufffc\u2028\u2029\u200b\u00ad")


def _utf16_len(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


class TextMap:
    """Canonical text offsets <-> QTextDocument positions.

    Built by aligning the non-space characters of Article.text with those of
    the document's article blocks, so it is immune to how either side spells
    whitespace, paragraph breaks, list markers or images.
    """

    def __init__(self, document: QTextDocument, text: str) -> None:
        doc_chars: list[str] = []
        doc_pos: list[int] = []
        block = document.begin()
        while block.isValid():
            if block.userState() != CHROME_STATE:
                pos = block.position()
                for ch in block.text():
                    if not ch.isspace() and ch not in _SKIP:
                        doc_chars.append(ch)
                        doc_pos.append(pos)
                    pos += _utf16_len(ch)
            block = block.next()
        text_idx = [i for i, ch in enumerate(text) if not ch.isspace() and ch not in _SKIP]
        a = "".join(text[i] for i in text_idx)
        b = "".join(doc_chars)
        self.text_len = len(text)
        self.exact = a == b
        if self.exact:
            self.text_idx, self.doc_pos = text_idx, doc_pos
            self.doc_len = [_utf16_len(c) for c in doc_chars]
            return
        pairs_t: list[int] = []
        pairs_d: list[int] = []
        lens: list[int] = []
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for i, j, n in matcher.get_matching_blocks():
            for k in range(n):
                pairs_t.append(text_idx[i + k])
                pairs_d.append(doc_pos[j + k])
                lens.append(_utf16_len(b[j + k]))
        self.text_idx, self.doc_pos, self.doc_len = pairs_t, pairs_d, lens

    def text_to_doc(self, offset: int) -> int | None:
        """The document position of the first mapped character at or after `offset`."""
        i = bisect_left(self.text_idx, offset)
        if i < len(self.text_idx):
            return self.doc_pos[i]
        if self.doc_pos:
            return self.doc_pos[-1] + self.doc_len[-1]
        return None

    def range_to_doc(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_left(self.text_idx, start)
        j = bisect_left(self.text_idx, end) - 1
        if i > j or i >= len(self.text_idx):
            return None
        return self.doc_pos[i], self.doc_pos[j] + self.doc_len[j]

    def doc_to_text(self, pos: int) -> int:
        """The canonical offset of the first mapped character at or after document `pos`."""
        i = bisect_left(self.doc_pos, pos)
        return self.text_idx[i] if i < len(self.text_idx) else self.text_len

    def doc_range_to_text(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_left(self.doc_pos, start)
        j = bisect_right(self.doc_pos, end - 1) - 1
        if i > j or i >= len(self.text_idx):
            return None
        return self.text_idx[i], self.text_idx[j] + 1


def display_html(fragment: str) -> str:
    """Adapt the clean article HTML to what Qt's rich text understands.

    Qt treats <figure>/<figcaption> as inline, so they become blocks here; the
    canonical text is unchanged (TextMap ignores how blocks are spelled).
    """
    from lxml import html as lxml_html  # loaded when the first article opens, not at start

    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
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
        self.text_map = TextMap(doc, article.text)
        self.paint_highlights(article.highlights)
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

    # -- highlights (issue 5 builds on this) -----------------------------------

    def paint_highlights(self, highlights) -> None:
        """Paint each placed highlight's range with its colour."""
        if self.text_map is None:
            return
        cursor = QTextCursor(self.document())
        for h in highlights:
            self._paint_highlight(cursor, h)

    def _paint_highlight(self, cursor: QTextCursor, h: Highlight) -> None:
        if h.start is None or h.end is None or self.text_map is None:
            return
        span = self.text_map.range_to_doc(h.start, h.end)
        if span is None:
            return
        fmt = QTextCharFormat()
        fmt.setBackground(QBrush(QColor(self.theme.highlights.get(h.color, self.theme.highlights["yellow"]))))
        fmt.setProperty(QTextFormat.Property.UserProperty + 1, h.id)
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

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
        self.setExtraSelections(self._term_selections + self._find_selections)

    def _clear_extra(self) -> None:
        self._find_selections = []
        self._term_selections = []
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
