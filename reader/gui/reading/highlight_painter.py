"""Highlights painted into the reading view's document.

Highlights are painted into the document's character formats (so a test, or
the clipboard's rich text, sees them), but never by re-rendering: the text map
is built once per render, the first paint is one cursor pass inside one edit
block, and a change repaints only the range it touches. Each painted piece
remembers the background it had (code spans have one) so it can be unpainted.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit

from reader.core.domain import Highlight
from reader.gui.reading.base import ViewBase

HL_ID = QTextFormat.Property.UserProperty + 1  # the (innermost) highlight painted on a piece of text
HL_ORIGINAL = QTextFormat.Property.UserProperty + 2  # the background the text had before it was painted


class HighlightPainter(ViewBase):
    """Mixin of ReadingView: its highlights, painted and hit-tested."""

    NOTE_MARK = 7.0  # px: the dot after a highlight that carries a note

    def paint_highlights(self, highlights, fresh: bool = False) -> None:
        """Show exactly these highlights (placed ones painted, the others listed elsewhere).

        `fresh`: the document was just rendered, nothing is painted yet."""
        self.highlights = {h.id: h for h in highlights}
        if self.text_map is None:
            return
        self._spans = self._compute_spans(self.highlights.values())
        self._paint_range(0, self.document().characterCount(), fresh=fresh, widen=False)

    def show_pending(self, start: int, end: int, color: str) -> None:
        """A highlight on its way to the library (text range [start, end)), shown in its colour
        at once, over the text rather than in its formats: the reader sees it the moment they
        press H, and the stored highlight takes its place when its change comes back."""
        span = self.text_map.range_to_doc(start, end) if self.text_map is not None else None
        if span is None or span[1] <= span[0]:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        palette = self.theme.highlights
        sel.format.setBackground(QColor(palette.get(color, palette["yellow"])))
        self._pending.append((span, sel))
        self._apply_extra()

    def clear_pending(self) -> None:
        """Take back what show_pending showed (the write failed)."""
        if self._pending:
            self._pending = []
            self._apply_extra()

    def update_highlight(self, highlight: Highlight | None, removed_id: int | None = None) -> None:
        """Add or change one highlight (or remove `removed_id`), repainting only its range."""
        key = highlight.id if highlight is not None else removed_id
        old = self._spans.get(key) if key is not None else None
        if highlight is None:
            if removed_id is not None:
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
        if new is not None and any(a < new[1] and b > new[0] for (a, b), _sel in self._pending):
            # Stored: in the formats now (the library may have trimmed the range a little).
            self._pending = [p for p in self._pending if not (p[0][0] < new[1] and p[0][1] > new[0])]
            self._apply_extra()
        self.viewport().update()

    def _compute_spans(self, highlights) -> dict[int, tuple[int, int]]:
        spans: dict[int, tuple[int, int]] = {}
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
                color = QColor(
                    sum(c.red() for c in qcolors) // n,
                    sum(c.green() for c in qcolors) // n,
                    sum(c.blue() for c in qcolors) // n,
                )
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

    def note_marks(self) -> dict[int, QRectF]:
        """Highlight id -> where its note's dot is drawn (viewport coordinates), for each placed
        highlight with a note that is on screen: at the top of its last character, like a
        footnote mark."""
        marks: dict[int, QRectF] = {}
        height = self.viewport().height()
        size = self.NOTE_MARK
        lo, hi = self._blocks_on_screen()
        for hid, (_start, end) in self._spans.items():
            if not lo <= end <= hi:
                continue  # placed by a layout query each: only the few on screen are asked
            h = self.highlights.get(hid)
            if h is None or not (h.note or "").strip():
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(end)
            rect = self.cursorRect(cursor)
            if rect.bottom() < 0 or rect.top() > height:
                continue
            rtl = (
                cursor.block().layout().textOption().textDirection() == Qt.LayoutDirection.RightToLeft
                or cursor.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
            )
            x = rect.left() - size - 1 if rtl else rect.left() + 1
            marks[hid] = QRectF(x, rect.top() - size * 0.25, size, size)
        return marks

    def _blocks_on_screen(self) -> tuple[int, int]:
        """The document range of the blocks on screen, with one block more on each side."""
        doc = self.document()
        layout = doc.documentLayout()
        top = self.verticalScrollBar().value()
        first = doc.findBlock(layout.hitTest(QPointF(0, top), Qt.HitTestAccuracy.FuzzyHit))
        last = doc.findBlock(layout.hitTest(QPointF(0, top + self.viewport().height()), Qt.HitTestAccuracy.FuzzyHit))
        first = first.previous() if first.previous().isValid() else first
        last = last.next() if last.next().isValid() else last
        return first.position(), last.position() + last.length()

    def _paint_note_marks(self, painter: QPainter) -> None:
        marks = self.note_marks()
        if not marks:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(self.theme.accent))
        for rect in marks.values():
            painter.drawEllipse(rect)
        painter.restore()

    def highlight_span(self, highlight_id: int) -> tuple[int, int] | None:
        """The document range [start, end) a highlight is painted on, if it is placed."""
        return self._spans.get(highlight_id)

    def highlight_at_point(self, point) -> int | None:
        """The highlight under a viewport point (the innermost where they overlap)."""
        if not self._spans:
            return None
        layout = self.document().documentLayout()
        doc_point = QPointF(
            point.x() + self.horizontalScrollBar().value(), point.y() + self.verticalScrollBar().value()
        )
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
