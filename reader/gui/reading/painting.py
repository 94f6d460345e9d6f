"""Painting the page: what QTextEdit paints, without its caret, rules in the theme's
colour, and what Qt's rich text cannot draw itself (the bar beside block quotes, the
hairline between two highlights that touch)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextCursor, QTextFormat

from reader.gui.reading.base import ViewBase


class PagePainting(ViewBase):
    """The view's paintEvent (mixed into ReadingView)."""

    def paintEvent(self, event) -> None:
        self._paint_document(event.rect())
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
                caret = self.cursorRect(cursor)
                if caret.bottom() < 0 or caret.top() > height:
                    continue
                painter.fillRect(QRectF(caret.left() - 1, caret.top(), 2, caret.height()), page)
        self._paint_note_marks(painter)
        color = QColor(self.theme.accent)
        color.setAlpha(150)
        offset = self.verticalScrollBar().value()
        layout = self.document().documentLayout()
        visible = QRectF(0, offset, self.viewport().width(), self.viewport().height())
        # From the block at the top of the screen, not the first of the article: walking every
        # block above it cost each frame 1 ms per thousand blocks.
        block = self.cursorForPosition(QPoint(0, 0)).block()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.top() > visible.bottom() + visible.height():  # (a screen's slack: table cells)
                break
            if block.blockFormat().property(QTextFormat.Property.BlockQuoteLevel):
                if rect.intersects(visible):
                    fmt = block.blockFormat()
                    inner = block.layout().boundingRect()
                    gap = self.settings.size * 0.9
                    if fmt.layoutDirection() == Qt.LayoutDirection.RightToLeft:  # the bar on the start side
                        lines = block.layout()
                        edge = max(
                            (lines.lineAt(i).x() + lines.lineAt(i).width() for i in range(lines.lineCount())),
                            default=rect.width(),
                        )
                        x = lines.position().x() + edge + gap - 3
                    else:
                        x = rect.left() + fmt.leftMargin() - gap
                    top = block.layout().position().y() + inner.top()
                    painter.fillRect(QRectF(x, top + 2 - offset, 3, inner.height() - 4), color)
            block = block.next()
        painter.end()

    def _paint_document(self, rect) -> None:
        """What QTextEdit paints, without its caret: a reading view has none, and in right-to-left
        text Qt draws a direction flag (a small "‹") beside the caret even at width 0."""
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        painter = QPainter(self.viewport())
        painter.translate(-dx, -dy)
        clip = QRectF(rect.translated(dx, dy))
        painter.setClipRect(clip)
        self._paint_code_backgrounds(painter, clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = self.palette()
        # Qt draws an <hr> in the inactive window-text colour (Qt 5: Dark): the text's, a black or
        # white bar across the column; a rule in the theme's colour for hairlines instead.
        rule = QColor(self.theme.rule)
        palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.WindowText, rule)
        palette.setColor(QPalette.ColorRole.Dark, rule)
        context.palette = palette
        context.clip = clip
        context.cursorPosition = -1
        selections = []
        for extra in self.extraSelections():
            selection = QAbstractTextDocumentLayout.Selection()
            selection.cursor = extra.cursor
            selection.format = extra.format
            selections.append(selection)
        cursor = self.textCursor()
        if cursor.hasSelection():
            group = QPalette.ColorGroup.Active if self.hasFocus() else QPalette.ColorGroup.Inactive
            selection = QAbstractTextDocumentLayout.Selection()
            selection.cursor = cursor
            selection.format.setBackground(context.palette.brush(group, QPalette.ColorRole.Highlight))
            selection.format.setForeground(context.palette.brush(group, QPalette.ColorRole.HighlightedText))
            selections.append(selection)
        context.selections = selections
        self.document().documentLayout().draw(painter, context)
        painter.end()
