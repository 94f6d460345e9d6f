"""The pieces of a review card: the quote and note as set in the reading view's
typography, the note and tag editor, the answer buttons with their keys, dates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QKeySequence,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from reader.core.domain import ReviewItem
from reader.core.notes import note_html
from reader.core.tags import parse_tags
from reader.gui.theme import ReadingSettings, Theme, font_families
from reader.gui.widgets import named

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtGui import QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QWidget

# (answer sent to the library, button label, keys)
GRADES = (("again", "Again", "1"), ("hard", "Hard", "2"), ("good", "Good", "3"), ("easy", "Easy", "4"))
PLAIN = (("keep", "Keep", "Space"), ("less-often", "Less often", ""), ("never-again", "Never again", ""))


def short_date(value: str | datetime | None) -> str:
    """'18 Mar 2024' from an ISO date or datetime; other text as it is (short)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip()[:25])
        except ValueError:
            return value.strip()[:40]
    else:
        when = value
    return f"{when.day} {when:%b %Y}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def days_ago(when: datetime, now: datetime | None = None) -> str:
    """'today', 'yesterday', '5 days ago'; a date after a month."""
    now = now or datetime.now(when.tzinfo)
    days = (now.date() - when.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days < 31 else short_date(when)


class KeyButton(QPushButton):
    """A button with its key beside the label, drawn fainter (the keys are the point here)."""

    def __init__(self, label: str, key: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.setObjectName(name)
        self.key = key
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the card, never to a button
        self.setAutoDefault(False)
        self.setToolTip(f"{label} ({key})" if key else label)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.key:
            hint.setWidth(hint.width() + self.fontMetrics().horizontalAdvance(self.key) + 10)
        return hint

    def paintEvent(self, event: QPaintEvent) -> None:
        from PySide6.QtGui import QPainter
        from PySide6.QtWidgets import QStyle, QStyleOptionButton

        if not self.key:
            super().paintEvent(event)
            return
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        painter = QPainter(self)
        self.style().drawControl(QStyle.ControlElement.CE_PushButton, option, painter, self)
        colour = option.palette.color(self.foregroundRole())
        font = QFont(self.font())
        metrics = self.fontMetrics()
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        small.setBold(False)
        from PySide6.QtGui import QFontMetrics

        small_metrics = QFontMetrics(small)
        label_w = metrics.horizontalAdvance(self.text())
        key_w = small_metrics.horizontalAdvance(self.key)
        gap = 8
        left = self.rect().center().x() - (label_w + gap + key_w) // 2
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        rect = self.rect()
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(rect.adjusted(left, 0, 0, 0), flags, self.text())
        faint = QColor(colour)
        faint.setAlphaF(0.55)
        painter.setFont(small)
        painter.setPen(faint)
        painter.drawText(rect.adjusted(left + label_w + gap, 0, 0, 0), flags, self.key)
        painter.end()


class CardText(QTextBrowser):
    """The quote as it looks in the article (reading font, size, line height, its
    highlight colour), then the note (Markdown) and the tags. Centred vertically."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewQuote")
        self.setOpenLinks(False)  # nothing leaves the window from here
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_item(self, item: ReviewItem, theme: Theme, reading: ReadingSettings, with_note: bool = True) -> None:
        h = item.highlight
        doc = self.document()
        doc.clear()
        body = QFont()
        body.setFamilies(font_families(reading.font))
        words = len(h.quote)
        body.setPointSizeF(reading.size * (1.4 if words < 160 else 1.22 if words < 420 else 1.1))
        doc.setDefaultFont(body)
        doc.setDefaultStyleSheet(
            f"a {{ color: {theme.link}; text-decoration: none; }}code {{ background-color: {theme.code}; }}"
        )
        doc.setDocumentMargin(6)
        # The reading view's line height: a CSS-like percentage of the font size.
        metrics = QFontMetricsF(body)
        em = QFontInfo(body).pixelSize() or metrics.height()
        spacing = max(100.0, reading.line_spacing * em / metrics.lineSpacing())
        quote_block = QTextBlockFormat()
        quote_block.setLineHeight(spacing, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor = QTextCursor(doc)
        cursor.setBlockFormat(quote_block)
        mark = QTextCharFormat()
        mark.setFont(body)
        mark.setForeground(QColor(theme.text))
        mark.setBackground(QColor(theme.highlights.get(h.color, theme.highlights["yellow"])))
        cursor.insertText(" ".join(h.quote.split()), mark)
        small = QTextBlockFormat()
        small.setTopMargin(reading.size * 1.1)
        small.setLineHeight(130, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if h.note.strip() and with_note:
            cursor.insertBlock(small, QTextCharFormat())
            start = cursor.position()
            # The one Markdown renderer of notes, the HTML export's too (sanitized, no images).
            cursor.insertHtml(note_html(h.note))
            cursor.setPosition(start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            note = QTextCharFormat()
            note.setFontPointSize(reading.size * 0.95)
            note.setFontFamilies(font_families("Sans"))
            note.setForeground(QColor(theme.text))
            cursor.mergeCharFormat(note)
            cursor.movePosition(QTextCursor.MoveOperation.End)
        if h.tags and with_note:  # (while they are edited below, the quote alone)
            tags = QTextCharFormat()
            tags.setFontFamilies(font_families("Sans"))
            tags.setFontPointSize(reading.size * 0.85)
            tags.setForeground(QColor(theme.accent))
            block = QTextBlockFormat(small)
            block.setTopMargin(reading.size * 0.6 if h.note.strip() else reading.size * 1.1)
            cursor.insertBlock(block, QTextCharFormat())
            cursor.insertText("   ".join(f"#{tag}" for tag in h.tags), tags)
        self._centre()

    def _centre(self) -> None:
        """A short quote sits in the middle of the card, a long one scrolls from the top."""
        doc = self.document()
        frame = doc.rootFrame().frameFormat()
        frame.setTopMargin(0)
        doc.rootFrame().setFrameFormat(frame)
        doc.setTextWidth(self.viewport().width())
        spare = self.viewport().height() - doc.size().height()
        frame.setTopMargin(max(0.0, spare * 0.4))  # a little above the middle reads as centred
        doc.rootFrame().setFrameFormat(frame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._centre()


class CardEditor(QFrame):
    """The note and tags of the card, edited in place (N, T); Ctrl+Enter saves, Esc cancels."""

    saved = Signal(str, list)  # note, tags
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewEditor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.note = named(QPlainTextEdit(), "ReviewNote")
        self.note.setPlaceholderText("Your note… (Markdown: **bold**, *italic*, - lists)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(84)
        self.tags = named(QLineEdit(placeholderText="Tags, separated by commas"), "ReviewTags")
        row = QHBoxLayout()
        hint = named(QLabel("Ctrl+Enter to save · Esc to cancel"), "ReviewHint")
        self.save_button = named(QPushButton("Save"), "ReviewSave")
        self.cancel_button = named(QPushButton("Cancel"), "ReviewCancel")
        for button in (self.save_button, self.cancel_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
        row.addWidget(hint, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        layout.addWidget(self.note)
        layout.addWidget(self.tags)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        self.tags.returnPressed.connect(self.save)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.save, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.hide()

    def start(self, note: str, tags: Iterable[str], field: str) -> None:
        self.note.setPlainText(note)
        self.tags.setText(", ".join(tags))
        self.show()
        target = self.tags if field == "tags" else self.note
        target.setFocus()
        if target is self.note:
            cursor = self.note.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            self.note.setTextCursor(cursor)
        else:
            self.tags.end(False)

    def save(self) -> None:
        if self.isVisible():
            self.saved.emit(self.note.toPlainText().strip("\n"), parse_tags(self.tags.text()))


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "") if url else ""
    return host[4:] if host.startswith("www.") else host
