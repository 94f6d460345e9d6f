"""The reading view: one article in a centred column, typeset for reading.

QTextBrowser (see DESIGN.md). The column is the root frame's margins (set on
resize); what its CSS cannot do is in typeset.py; highlights are painted by
highlight_painter.py, find is find_bar.py, the HTML is article_html.py.

Highlights refer to offsets in the article's canonical text (Article.text); the
text map (reader/core/textmap.py, built by document.py) is the one place that
converts between those offsets and positions in the QTextDocument.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QPoint, QSize, QSizeF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from reader.core.domain import Article, Change, Highlight
from reader.core.errors import LibraryError
from reader.core.textmap import TextMap
from reader.gui.reading.article_html import Formula, compose_html, display_html, stylesheet
from reader.gui.reading.contents import Contents
from reader.gui.reading.direction import page_direction
from reader.gui.reading.document import CHROME_STATE, document_text_map
from reader.gui.reading.find_bar import FindBar, Finding
from reader.gui.reading.highlight_painter import HighlightPainter
from reader.gui.reading.painting import PagePainting
from reader.gui.reading.position import ReadingPosition
from reader.gui.reading.typeset import Typesetting, can_typeset
from reader.gui.reading.word_selection import WordSelection
from reader.gui.theme import ReadingSettings, Theme, body_font, min_column_px


class ReadingView(
    PagePainting, HighlightPainter, Finding, Typesetting, ReadingPosition, Contents, WordSelection, QTextBrowser
):
    """Shows one article. Emits `progressChanged(article_id, fraction)` as the reader scrolls."""

    progressChanged = Signal(int, float)
    highlightClicked = Signal(int, QPoint)  # highlight id, global position of the click
    selectionFinished = Signal()  # the reader let go of a selection (mouse up or a keyboard selection)
    viewMoved = Signal()  # scrolled or resized: floating tools follow or hide
    pressed = Signal()  # a mouse button went down on the page
    highlightsReloaded = Signal(int)  # article id: its highlights changed behind the window's back
    textReplaced = Signal(int)  # article id: extracted again elsewhere, its new text is shown

    def __init__(self, library, settings: ReadingSettings | None = None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings or ReadingSettings()
        self.theme: Theme = self.settings.resolved_theme()
        self.article: Article | None = None
        self.placeholder = ""  # what the pane says while no article is open
        self.text_map: TextMap | None = None
        self._images: dict = {}
        self._formulas: list[Formula] = []
        self._code_blocks: list = []
        self._fitted_width = -1.0
        self._applied_scales: dict[int, float] = {}  # the page's index of a table -> its size now
        # The sizes the last fit found (the page's index of a table -> its size), and for what
        # (text size, column width, article): the next fit of the article starts there.
        self._table_scales: tuple[dict[int, float], tuple[float, float, object]] = ({}, (0.0, 0.0, None))
        self._stacked: frozenset[int] = frozenset()  # tables shown as lines: too wide for the column
        self._stacked_column = 0
        self._table_indices: list[int] = []  # the page's index of each table shown as a table
        self._mirrored: list[bool] = []  # of each table in the document: right to left, its columns mirrored
        self._page_rtl = False  # the article is set right to left (declared, or most of its letters)
        # For what (article, text size and face) and, by the page's index of a table, the least width its
        # words take at the smallest size (table_fit.TableFitting._hopeless_tables).
        self._table_words: tuple[object, dict[int, float]] = (None, {})
        self._margins_width = -1
        self._image_limit = 0
        self._margins = (-1, -1)
        self._search_terms: tuple[str, ...] = ()
        self._pending_fraction: float | None = None
        self._find_selections: list = []
        self._term_selections: list = []
        self._flash_selections: list = []
        self._pending: list = []  # highlights on their way to the library (HighlightPainter.show_pending)
        self.highlights: dict[int, Highlight] = {}
        self._spans: dict[int, tuple[int, int]] = {}  # highlight id -> document range
        self._joins: list[int] = []
        self._brushes: dict = {}
        self._map_key: tuple | None = None
        self._flash_timer = QTimer(self, singleShot=True, interval=1400)
        self._flash_timer.timeout.connect(self._end_flash)
        # Time left in the article, in a line under the page (Kindle's "min left in chapter");
        # ReaderPane places it. Never over the text, so it hides no words.
        self.time_left = QLabel()
        self.time_left.setObjectName("TimeLeft")
        self.time_left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.viewMoved.connect(self.update_time_left)  # a hit test and a bisection: cheap on every scroll
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.document().setUndoRedoEnabled(False)
        self.setCursorWidth(0)  # selectable by keyboard, but no blinking caret in a page
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
        self.time_left.setStyleSheet(
            f"QLabel {{ background: {t.background}; color: {t.muted}; padding: 1px 14px 3px 14px; "
            f"font-size: {max(8.0, self.settings.size * 0.62):.1f}pt; }}"
        )
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
        return body_font(self.settings)

    # -- showing an article --------------------------------------------------

    def show_placeholder(self, message: str | None = None) -> None:
        self.article = None
        self.text_map = None
        self.highlights = {}
        self._spans = {}
        self._joins = []
        self._headings = None
        self._code_blocks = []
        self._clear_extra()
        self.update_time_left()
        t = self.theme
        self.setFont(self.body_font())  # QTextEdit hands its own font to the document on every polish
        self.document().setDefaultFont(self.body_font())
        self.document().setDefaultStyleSheet("")
        text = message or self.placeholder_text()
        self.placeholder = text
        self.setHtml(
            f"<div style='-qt-user-state: {CHROME_STATE}'>"
            f"<p align='center' style='margin-top: 120px; color: {t.muted}; font-size: {self.settings.size * 1.05:.1f}pt'>"
            f"{html.escape(text)}</p></div>"
        )
        self._set_margins(force=True)

    def placeholder_text(self) -> str:
        """What the pane says with no article open: how to start, while the library is empty."""
        if self.library.count():
            return "Choose an article from the library, or drop saved web pages anywhere on this window."
        # (the list beside it already says the library is empty: this pane says what to do)
        return "Drag saved web pages or a folder of them anywhere on this window, or use File > Import: they open here."

    def show_article(self, article: Article, progress: float | None = None) -> None:
        """Show an article; scroll to `progress` (0..1, default the stored one)."""
        self._save_timer.stop()
        if self.article is not None and self.article.id != article.id:
            self._emit_progress()
        if self.article is None or self.article.id != article.id:
            self._images.clear()
            self._stacked = frozenset()
        self.article = article
        self.highlights = {h.id: h for h in article.highlights}
        self._search_terms = ()
        self._render(article.progress if progress is None else progress)

    def _render(self, fraction: float) -> None:
        article = self.article
        assert article is not None
        self._clear_extra()
        # The scroll bar stays as it is until the article is set: else it goes and comes back
        # (the document empty, then long), and the article is laid out at each width.
        bar = self.verticalScrollBar()
        # An article sure to be longer than the screen gets the bar now: else it came after the article
        # was fitted to the column (code, tables) and laid out, and all that was done again, 11 px narrower.
        scrolls = bar.isVisible() or self._surely_scrolls(article)
        hold = Qt.ScrollBarPolicy.ScrollBarAlwaysOn if scrolls else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        doc = self.document()
        self._code_blocks = []  # of the document about to be replaced
        doc.clear()  # else the fonts and options below, and the bar, lay the previous article out again
        self.setVerticalScrollBarPolicy(hold)
        self.setFont(self.body_font())  # QTextEdit hands its own font to the document on every polish
        doc.setDefaultFont(self.body_font())
        rtl = page_direction(article.direction, article.title + "\n" + article.text) == "rtl"
        self._page_rtl = rtl
        doc.setDefaultStyleSheet(stylesheet(self.theme, self.settings, rtl))
        option = doc.defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
        doc.setDefaultTextOption(option)
        self._formulas = []
        self._fitted_width = -1.0
        self._headings = None
        self._table_indices = []
        self._mirrored = []
        body = display_html(
            article.html,
            self._formulas,
            can_typeset,
            self._stacked,
            code_theme=self.theme,
            tables=self._table_indices,
            direction=article.direction,
            page_rtl=rtl,
            mirrored=self._mirrored,
        )
        if self.settings.justify:
            from reader.gui.reading.hyphenate import hyphenate_html

            body = hyphenate_html(body, article.language)
        # No layout while the article is put together (a page of no size is not laid out): each step
        # (the HTML, the block formats, the column's margins, the code's sizes) laid the article out.
        doc.setPageSize(QSizeF(0, 0))
        self.setHtml(compose_html(article, body, self.theme, self.settings, rtl))
        self._finish_blocks()
        # Built once per article: a re-render for a theme or font spells the same blocks.
        # (The tables shown as lines too: their cells are spelled, and a right-to-left one ordered, otherwise.)
        key = (
            article.id,
            article.updated,
            len(article.text),
            doc.characterCount(),
            self.settings.justify,
            self._stacked,
        )
        if self.text_map is None or self._map_key != key:
            self.text_map = document_text_map(doc, article.text, self._mirrored)
            self._map_key = key
        self._spans = {}
        self.paint_highlights(list(self.highlights.values()), fresh=True)
        # The margins (and the fitting of wide code and tables) lay the whole article out: once,
        # after the highlights are painted, not again for their formats.
        self._margins = (-1, -1)
        self._set_margins(force=True)
        self.set_page_width()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # a change lays out again
        self._restore(fraction)

    def _surely_scrolls(self, article: Article) -> bool:
        """Whether the article's text alone, at the size of a table's text and closely set, in a column
        wider than it will have, would be taller than the screen (a guess that errs short: a long
        article guessed short costs what it cost before, one more fit when the bar comes)."""
        font = self.body_font()
        em = QFontInfo(font).pixelSize() or QFontMetricsF(font).height()
        small = em * 0.88  # the lines of a table (a fitted table's text may be smaller still: rare)
        column = max(80.0, min(float(self.settings.width), self.viewport().width() - 56.0))
        lines = len(article.text) * small * 0.35 / column  # 0.35 em a character, spaces counted
        return lines * small > self.viewport().height()

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
            # Extracted again (by another process: the window's own edits leave the text): shown
            # anew. Compared in the library, the text is read back only when it changed.
            if kind != "article-updated" and not self.library.shows_current_text(article):
                self._show_new_text(self.library.get(article.id))
                return
        except LibraryError:
            self.show_placeholder()
            return
        self.article = replace(
            article,
            archived=fresh.archived,
            favorite=fresh.favorite,
            tags=fresh.tags,
            note=fresh.note,
            progress=fresh.progress,
        )
        if (fresh.title, fresh.page_title) != (article.title, article.page_title):  # renamed (here or elsewhere)
            self.article = replace(self.article, title=fresh.title, page_title=fresh.page_title)
            if fresh.title != article.title:
                self._render(self.scroll_fraction())  # the header shows the new title
        # Only a broad change may bring highlights the window did not make (another process,
        # an annotation import); the window's own come one by one, above.
        if kind != "article-updated" and set(fresh.highlights) != set(self.highlights.values()):
            self.paint_highlights(fresh.highlights)
            self.article = replace(self.article, highlights=fresh.highlights)
            self.viewport().update()
            self.highlightsReloaded.emit(article.id)

    def _show_new_text(self, article: Article) -> None:
        """The open article as another process extracted it again: rendered once, its
        highlights where they now are, the reader kept at their place (as a fraction)."""
        saving = self._save_timer.isActive()  # the reader's last scroll, not yet stored
        self._images.clear()  # its images were stored again too
        self.show_article(article, progress=self.scroll_fraction())
        if saving:
            self._save_timer.start()
        self.textReplaced.emit(article.id)
        self.highlightsReloaded.emit(article.id)  # the undo history's offsets were in the old text

    def resizeEvent(self, event) -> None:
        fraction = self.scroll_fraction()
        super().resizeEvent(event)
        self.viewMoved.emit()
        if (self._set_margins() or self._pending_fraction is not None) and self.article is not None:
            self._restore(fraction)

    def showEvent(self, event) -> None:
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
        if not force and (side, top) == self._margins[:2] and width == self._margins_width:
            return False
        self._margins = (side, top)
        self._margins_width = width
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(top)
        fmt.setBottomMargin(max(120, self.viewport().height() // 3))
        frame.setFrameFormat(fmt)
        self._scale_images(self.column_width())
        self._fit_wide_blocks(self.column_width())
        return True

    def set_page_width(self) -> None:
        """The document laid out at the viewport's width again (as QTextEdit sets it), after _render
        put the article together on a page of no size."""
        doc = self.document()
        if doc.pageSize().isNull():
            doc.setTextWidth(self.viewport().width())

    def column_width(self) -> int:
        """The width of the text column, in px."""
        side = self._margins[0] if self._margins[0] >= 0 else 28
        return max(80, self.viewport().width() - 2 * side)

    def layout_now(self) -> None:
        """Lay the whole article out now (the audit, and a restore of the position, need it)."""
        doc = self.document()
        layout = doc.documentLayout()
        layout.blockBoundingRect(doc.lastBlock())
        # Qt can leave the article's end without lines, never drawn and out of the scroll range:
        # a change made while it was still laying the article out bit by bit (as it does after a
        # resize) lays out the changed part, moves the rest, and counts all as done. Lay it all out.
        last = doc.lastBlock()
        while last.isValid() and (not last.isVisible() or not last.text().strip()):
            last = last.previous()
        if last.isValid() and last.layout().lineCount() == 0:
            doc.markContentsDirty(0, doc.characterCount())
            layout.blockBoundingRect(doc.lastBlock())

    # -- selecting and clicking ----------------------------------------------------

    def mousePressEvent(self, event) -> None:
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        self.pressed.emit()
        self._start_drag(event)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._snap_drag(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = getattr(self, "_press", None), None
        if event.button() == Qt.MouseButton.LeftButton:
            self._snap_drag(event)
            self._end_drag()
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        point = event.position().toPoint()
        if self.textCursor().hasSelection():
            self.selectionFinished.emit()
        elif (point - press).manhattanLength() < 5 and not self.anchorAt(point):
            hid = self.highlight_at_point(point)
            if hid is not None:
                self.highlightClicked.emit(hid, self.viewport().mapToGlobal(point))

    def keyPressEvent(self, event) -> None:
        # A reading view has no caret: Home and End go to the top and the end of the article.
        if (
            event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End)
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            bar = self.verticalScrollBar()
            bar.setValue(bar.minimum() if event.key() == Qt.Key.Key_Home else bar.maximum())
            return
        super().keyPressEvent(event)

    def min_column_px(self) -> int:
        """The narrowest column worth reading in (theme.min_column_px)."""
        return min_column_px(self.settings)

    def keyReleaseEvent(self, event) -> None:
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

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.viewMoved.emit()

    # -- links -----------------------------------------------------------------

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif not url.scheme() and url.hasFragment():
            self.scrollToAnchor(url.fragment())

    def setSource(self, *args) -> None:
        return


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
        layout.addWidget(view.time_left)
        layout.addWidget(self.find_bar)

    def sizeHint(self) -> QSize:
        return QSize(800, 700)
