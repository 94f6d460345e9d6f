"""Small pieces around the window: the appearance popover, import progress and summary, About."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
)

from reader import APP_NAME, __version__
from reader.core.domain import ImportOutcome
from reader.gui.import_progress import ImportProgress
from reader.gui.theme import THEMES, ReadingSettings, font_choices
from reader.gui.widgets import props

__all__ = ["AppearancePanel", "ImportProgress", "ImportSummary", "show_about", "summarize"]


class AppearancePanel(QFrame):
    """Theme, font, size, line spacing and column width; emits `changed(settings)` on every edit."""

    changed = Signal(object)

    def __init__(self, settings: ReadingSettings, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("AppearancePanel")
        self.settings = settings
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 14, 16, 14)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)

        self.theme_buttons = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(8)
        for key, label, bg, fg in (
            ("system", "Auto", "#ffffff", "#1d1d1f"),
            ("light", "Light", THEMES["light"].background, THEMES["light"].text),
            ("sepia", "Sepia", THEMES["sepia"].background, THEMES["sepia"].text),
            ("dark", "Dark", THEMES["dark"].background, THEMES["dark"].text),
        ):
            button = props(QPushButton(label), checkable=True, objectName=f"theme-{key}")
            border = QColor(fg)
            border.setAlpha(60)
            button.setStyleSheet(
                f"QPushButton {{ background: {bg}; color: {fg}; border: 1px solid rgba({border.red()},{border.green()},"
                f"{border.blue()},60); border-radius: 8px; padding: 8px 10px; min-width: 48px; }}"
                f"QPushButton:checked {{ border: 2px solid #c2561a; }}"
            )
            if key == "system":
                button.setToolTip("Light or dark, following the system")
                button.setStyleSheet(
                    button.styleSheet()
                    .replace(
                        f"background: {bg};",
                        "background: qlineargradient(x1:0, y1:0, x2:1, y2:0, stop:0.5 #ffffff, stop:0.51 #1c1c1e);",
                    )
                    .replace(f"color: {fg};", "color: #888888;")
                )
            self.theme_buttons.addButton(button)
            button.setProperty("theme", key)
            row.addWidget(button)
        grid.addWidget(QLabel("Theme"), 0, 0)
        grid.addLayout(row, 0, 1)

        self.font_box = QComboBox()
        for name in font_choices():
            self.font_box.addItem(name, name)
        grid.addWidget(QLabel("Font"), 1, 0)
        grid.addWidget(self.font_box, 1, 1)

        size_row = QHBoxLayout()
        self.smaller = props(QToolButton(), text="A−", toolTip="Smaller text (Ctrl+-)")
        self.bigger = props(QToolButton(), text="A+", toolTip="Bigger text (Ctrl+=)")
        self.size_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.size_label.setMinimumWidth(48)
        size_row.addWidget(self.smaller)
        size_row.addWidget(self.size_label, 1)
        size_row.addWidget(self.bigger)
        grid.addWidget(QLabel("Size"), 2, 0)
        grid.addLayout(size_row, 2, 1)

        self.spacing = props(QSlider(Qt.Orientation.Horizontal), minimum=120, maximum=220, singleStep=5, pageStep=10)
        grid.addWidget(QLabel("Spacing"), 3, 0)
        grid.addWidget(self.spacing, 3, 1)
        self.column_width = props(
            QSlider(Qt.Orientation.Horizontal), minimum=480, maximum=1100, singleStep=20, pageStep=40
        )
        grid.addWidget(QLabel("Width"), 4, 0)
        grid.addWidget(self.column_width, 4, 1)

        self.set_settings(settings)
        self.theme_buttons.buttonClicked.connect(lambda b: self._edit(theme=b.property("theme")))
        self.font_box.currentIndexChanged.connect(lambda _i: self._edit(font=self.font_box.currentData()))
        self.smaller.clicked.connect(lambda: self._emit(self.settings.smaller()))
        self.bigger.clicked.connect(lambda: self._emit(self.settings.bigger()))
        self.spacing.valueChanged.connect(lambda v: self._edit(line_spacing=int(v)))
        self.column_width.valueChanged.connect(lambda v: self._edit(width=int(v)))

    def set_settings(self, settings: ReadingSettings) -> None:
        self.settings = settings
        widgets = (self.font_box, self.spacing, self.column_width)
        for w in widgets:
            w.blockSignals(True)
        for button in self.theme_buttons.buttons():
            button.setChecked(button.property("theme") == settings.theme)
        index = self.font_box.findData(settings.font)
        if index < 0:
            self.font_box.addItem(settings.font, settings.font)
            index = self.font_box.count() - 1
        self.font_box.setCurrentIndex(index)
        self.spacing.setValue(settings.line_spacing)
        self.column_width.setValue(settings.width)
        self.size_label.setText(f"{settings.size:g} pt")
        for w in widgets:
            w.blockSignals(False)

    def _edit(self, **changes) -> None:
        self._emit(replace(self.settings, **changes))

    def _emit(self, settings: ReadingSettings) -> None:
        if settings != self.settings:
            self.set_settings(settings)
            self.changed.emit(settings)


def summarize(outcomes: list[ImportOutcome], cancelled: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """'Imported 3 articles · 1 duplicate · 2 failed' and the failures with their reasons."""
    imported = [o for o in outcomes if o.status == "imported"]
    duplicates = [o for o in outcomes if o.status == "duplicate"]
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    parts = [f"Imported {len(imported)} article{'s' if len(imported) != 1 else ''}"]
    if duplicates:
        parts.append(f"{len(duplicates)} already in the library")
    if failed:
        parts.append(f"{len(failed)} failed")
    if skipped:
        parts.append(f"{len(skipped)} skipped")
    if cancelled:
        parts.append("cancelled")
    reasons = [(o.path, o.error or "unknown error") for o in failed]
    reasons += [(o.path, "already in the library") for o in duplicates]
    return " · ".join(parts), reasons


class ImportSummary(QFrame):
    """A dismissable banner above the panes: the summary of the last import."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportSummary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        top = QHBoxLayout()
        self.title = props(QLabel(), objectName="SummaryTitle")
        self.close_button = props(QToolButton(), text="✕", autoRaise=True, toolTip="Dismiss")
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)
        self.details = props(QLabel(), wordWrap=True, objectName="SummaryDetails")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self.hide()

    def show_outcomes(self, outcomes: list[ImportOutcome], cancelled: bool = False) -> str:
        text, reasons = summarize(outcomes, cancelled)
        self.title.setText(text)
        if reasons:
            items = "".join(
                f"<li><b>{html.escape(_short(path))}</b> — {html.escape(reason)}</li>" for path, reason in reasons[:50]
            )
            more = f"<p>…and {len(reasons) - 50} more</p>" if len(reasons) > 50 else ""
            self.details.setText(f"<ul style='margin: 0px'>{items}</ul>{more}")
            self.details.show()
        else:
            self.details.hide()
        self.setProperty("failed", any(o.status == "failed" for o in outcomes))
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        return text

    def text(self) -> str:
        return self.title.text() + "\n" + self.details.text()


def _short(path: str) -> str:
    from pathlib import Path

    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def show_about(parent) -> None:
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<h2 style='margin-bottom:0'>{APP_NAME}</h2>"
        f"<p style='color:gray'>Version {__version__}</p>"
        "<p>Read saved web articles in a clean, quiet view; highlight them, take notes and export them.</p>"
        "<p>Everything stays on this computer: nothing is fetched from the web.</p>",
    )
