"""Where the reader is in an article: its headings (a table of contents) and the time left.

The contents are the article's own headings (h1-h4; the title the view puts on
top is not one of them). Time left counts the words still below the screen's
bottom line, at the same speed as the "min read" of the header (core.text).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCursor

from reader.core.text import reading_minutes
from reader.gui.reading.base import ViewBase
from reader.gui.reading.document import CHROME_STATE

MAX_LEVEL = 4  # deeper headings make a list too long to choose from
MIN_HEADINGS = 2  # fewer: a table of contents says nothing the scrollbar does not


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    position: int  # in the view's document


def headings(document) -> list[Heading]:
    found = []
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if 0 < level <= MAX_LEVEL and block.userState() != CHROME_STATE and block.isVisible():
            title = " ".join(block.text().replace("\u00ad", "").split())
            if title:
                found.append(Heading(level, title, block.position()))
        block = block.next()
    return found


class Contents(ViewBase):
    """Mixin of ReadingView: the table of contents and the time left."""

    _headings: list[Heading] | None = None

    def headings(self) -> list[Heading]:
        """The article's headings, in order (none when nothing is open)."""
        if self.article is None:
            return []
        if self._headings is None:
            self._headings = headings(self.document())
        return self._headings

    def has_contents(self) -> bool:
        return len(self.headings()) >= MIN_HEADINGS

    def current_heading(self) -> int | None:
        """Index of the section the reader is in: the last heading above the upper third."""
        marks = self.headings()
        if not marks:
            return None
        top = self.verticalScrollBar().value() + self.viewport().height() // 3
        layout = self.document().documentLayout()
        current = None
        for i, h in enumerate(marks):
            if layout.blockBoundingRect(self.document().findBlock(h.position)).top() <= top:
                current = i
            else:
                break
        return current

    def go_to_heading(self, index: int) -> None:
        """Scroll so that heading `index` is at the top of the page."""
        marks = self.headings()
        if not 0 <= index < len(marks):
            return
        block = self.document().findBlock(marks[index].position)
        rect = self.document().documentLayout().blockBoundingRect(block)
        self.verticalScrollBar().setValue(round(rect.top() - 12))
        cursor = QTextCursor(block)
        cursor.clearSelection()
        bar = self.verticalScrollBar()
        value = bar.value()
        self.setTextCursor(cursor)  # keyboard selection starts from here
        bar.setValue(value)

    def minutes_left(self) -> int | None:
        """Minutes of reading below the bottom of the screen (None when nothing is open)."""
        article = self.article
        if article is None or self.text_map is None or not article.text:
            return None
        bar = self.verticalScrollBar()
        if bar.value() >= bar.maximum():
            return 0
        bottom = QPoint(self.viewport().width() // 2, self.viewport().height() - 1)
        offset = self.text_map.doc_to_text(self.cursorForPosition(bottom).position())
        left = max(0.0, 1.0 - offset / len(article.text))
        words = article.word_count * left
        return reading_minutes(round(words)) if words >= 1 else 0


def contents_menu(view, parent=None):
    """The table of contents as a popover menu: one entry a heading, indented by level, the
    section the reader is in checked and active (arrow keys go on from there)."""
    from PySide6.QtWidgets import QMenu

    menu = QMenu(parent)
    menu.setObjectName("ContentsMenu")
    marks = view.headings()
    if not marks:
        menu.addAction("No headings in this article").setEnabled(False)
        return menu
    top = min(h.level for h in marks)
    current = view.current_heading()
    for i, h in enumerate(marks):
        title = h.title if len(h.title) <= 80 else h.title[:77] + "…"
        action = menu.addAction("\u2003" * (h.level - top) + title.replace("&", "&&"))
        action.setCheckable(True)
        action.setChecked(i == current)
        action.triggered.connect(lambda _c=False, k=i: view.go_to_heading(k))
        if i == current:
            menu.setActiveAction(action)
    return menu


def time_left_label(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes == 0:
        return "End of article"
    return f"{minutes} min left in article"


__all__ = ["MIN_HEADINGS", "Contents", "Heading", "contents_menu", "headings", "time_left_label"]
