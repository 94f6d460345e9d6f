"""The review's weekly chart: highlights made and reviewed on each of the last seven days,
drawn with QPainter (no web view, no network)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from reader.core.review import DayCount


class WeekChart(QWidget):
    """Seven pairs of bars, oldest day first: made (the highlight colour) and reviewed (the accent)."""

    BAR = 7.0  # width of one bar, px
    GAP = 2.0  # between the two bars of a day

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewChart")
        self.week: tuple[DayCount, ...] = ()
        self.made_color = QColor("#e9c46a")
        self.reviewed_color = QColor("#c2561a")
        self.text_color = QColor("#6b6b70")
        self.rule_color = QColor("#e3e1dc")
        self.setMinimumSize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(230, 74)

    def set_theme(self, theme) -> None:
        made = QColor(theme.highlights["yellow"])
        self.made_color = made.lighter(195) if theme.dark else made.darker(108)  # dark tints are for backgrounds
        self.reviewed_color = QColor(theme.accent)
        self.text_color = QColor(theme.muted)
        self.rule_color = QColor(theme.rule)
        self.update()

    def set_week(self, week: Sequence[DayCount]) -> None:
        self.week = tuple(week)
        made = sum(d.made for d in self.week)
        reviewed = sum(d.reviewed for d in self.week)
        self.setAccessibleName("This week")
        self.setAccessibleDescription(f"{made} highlights made and {reviewed} reviewed in the last seven days")
        self.update()

    # -- geometry ------------------------------------------------------------------

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        return font

    def _slots(self) -> list[QRectF]:
        """One rectangle per day: the bars above, the day's letter below."""
        if not self.week:
            return []
        width = self.width() / len(self.week)
        return [QRectF(i * width, 0, width, self.height()) for i in range(len(self.week))]

    def _label_height(self) -> float:
        return QFontMetricsF(self._label_font()).height() + 2

    # -- drawing -----------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_h = self._label_height()
        top = 4.0
        base = self.height() - label_h
        painter.setPen(self.rule_color)
        painter.drawLine(QPointF(0, base + 0.5), QPointF(self.width(), base + 0.5))
        highest = max([1] + [max(d.made, d.reviewed) for d in self.week])
        font = self._label_font()
        painter.setFont(font)
        for i, (slot, day) in enumerate(zip(self._slots(), self.week)):
            middle = slot.center().x()
            for value, color, x in (
                (day.made, self.made_color, middle - self.BAR - self.GAP / 2),
                (day.reviewed, self.reviewed_color, middle + self.GAP / 2),
            ):
                if value <= 0:
                    continue
                height = max(2.0, (base - top - 1) * value / highest)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(QRectF(x, base - height, self.BAR, height), 2, 2)
            today = i == len(self.week) - 1
            bold = QFont(font)
            bold.setBold(today)
            painter.setFont(bold)
            painter.setPen(self.text_color)
            painter.drawText(
                QRectF(slot.left(), base + 2, slot.width(), label_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                "Today" if today and slot.width() > 40 else f"{day.day:%a}"[:2],
            )
        painter.end()

    def day_at(self, x: float) -> DayCount | None:
        for slot, day in zip(self._slots(), self.week):
            if slot.left() <= x < slot.right():
                return day
        return None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            day = self.day_at(event.pos().x())  # a QHelpEvent
            if day is not None:
                QToolTip.showText(
                    event.globalPos(),
                    f"{day.day:%a} {day.day.day} {day.day:%b}: {day.made} made, {day.reviewed} reviewed",
                    self,
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


__all__ = ["WeekChart"]
