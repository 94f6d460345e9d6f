"""Measures of a rendered article: what the render audit (reader/gui/audit.py) counts.

Each takes a ReadingView showing an article, laid out.
"""

from __future__ import annotations

from unicodedata import east_asian_width

from PySide6.QtGui import QTextBlock, QTextCursor

from reader.gui.reading.article_html import TEX_SCHEME

WORD_JOINERS = frozenset("'’_")
BREAK_AFTER = frozenset("-‐/\u00ad")  # a line may end after these (UAX #14) without breaking a word


def is_word(ch: str) -> bool:
    """A character a line must not break beside another of: letters and digits, but not the wide
    ones of Chinese, Japanese and Korean, between which lines break as between words."""
    return (ch.isalnum() or ch in WORD_JOINERS) and not (ch > "\u2e7f" and east_asian_width(ch) in "WF")


def line_breaks_word(block: QTextBlock) -> bool:
    return broken_in_block(block) > 0


def broken_in_block(block: QTextBlock) -> int:
    """Lines of the block that end inside a word (a soft hyphen is a place to break)."""
    text = block.text()
    layout = block.layout()
    count = 0
    for i in range(layout.lineCount() - 1):
        line = layout.lineAt(i)
        end = line.textStart() + line.textLength()
        if 0 < end < len(text) and is_word(text[end - 1]) and is_word(text[end]) and text[end - 1] not in BREAK_AFTER:
            count += 1
    return count


def missing_chars(view, article) -> int:
    """Non-space characters of the article text that the document does not show."""
    if view.text_map is None:
        return len("".join(article.text.split()))
    hidden = 0
    block = view.document().begin()
    while block.isValid():
        if not block.isVisible() and block.text().strip():
            hidden += len("".join(block.text().split()))
        block = block.next()
    return view.text_map.missing + hidden


def clipped_lines(view) -> int:
    """Lines of zero height, drawn outside their block (over the line before it), or hidden; a block
    of text never laid out (none of its lines drawn) counts one."""
    doc = view.document()
    layout = doc.documentLayout()
    count = 0
    block = doc.begin()
    while block.isValid():
        has_text = bool(block.text().strip())
        if not block.isVisible():
            count += max(1, block.layout().lineCount()) if has_text else 0
            block = block.next()
            continue
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        if has_text and lines.lineCount() == 0:
            count += 1
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            natural = line.ascent() + line.descent()
            if line.y() < -1:
                count += 1  # drawn above its block, over the line before it (even an empty line paints)
            elif has_text and (line.height() < 1 or line.y() + natural > rect.height() + 1):
                count += 1
        block = block.next()
    return count


def broken_words(view) -> int:
    """Words broken across two lines inside table cells."""
    doc = view.document()
    count = 0
    block = doc.begin()
    while block.isValid():
        if block.isVisible() and QTextCursor(block).currentTable() is not None:
            count += broken_in_block(block)
        block = block.next()
    return count


def overflow_px(view) -> int:
    """How much wider than the view the article is (the horizontal scrollbar's range)."""
    return max(0, view.horizontalScrollBar().maximum())


def small_images(view, article) -> int:
    """Images drawn at under half the size a browser would give them in this column."""
    column = view.column_width()
    count = 0
    for _position, _length, fmt in view._image_fragments():
        name = fmt.name()
        if name.startswith(TEX_SCHEME + ":"):
            continue
        size = view.image_size(name)
        if size is None:
            continue
        expected = min(size[0], column)
        shown = fmt.width() if fmt.width() > 0 else size[0]
        if shown < expected / 2:
            count += 1
    return count
