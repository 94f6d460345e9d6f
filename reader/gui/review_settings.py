"""The daily review's settings: the daily limit and what is left out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from reader.core.domain import COLORS
from reader.core.review import ReviewSettings
from reader.core.tags import parse_tags
from reader.gui.annotate import ColorNames, swatch
from reader.gui.theme import Theme
from reader.gui.widgets import named

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# (answer sent to the library, button label, keys)
GRADES = (("again", "Again", "1"), ("hard", "Hard", "2"), ("good", "Good", "3"), ("easy", "Easy", "4"))
PLAIN = (("keep", "Keep", "Space"), ("less-often", "Less often", ""), ("never-again", "Never again", ""))


class ReviewSettingsDialog(QDialog):
    """The daily limit and what the review leaves out."""

    def __init__(
        self, settings: ReviewSettings, names: ColorNames, theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewSettings")
        self.setWindowTitle("Review Settings")
        form = QFormLayout(self)
        form.setVerticalSpacing(10)
        self.limit = named(QSpinBox(minimum=1, maximum=1000, value=settings.daily_limit), "ReviewLimit")
        self.limit.setSuffix(" highlights")
        form.addRow("A day:", self.limit)
        self.archived = named(QCheckBox("Leave out archived articles"), "ReviewExcludeArchived")
        self.archived.setChecked(settings.exclude_archived)
        form.addRow("", self.archived)
        self.tags = named(
            QLineEdit(", ".join(settings.exclude_tags), placeholderText="e.g. private, todo"), "ReviewExcludeTags"
        )
        form.addRow("Leave out tags:", self.tags)
        colours = QWidget()
        grid = QGridLayout(colours)
        grid.setContentsMargins(0, 0, 0, 0)
        self.colors: dict[str, QCheckBox] = {}
        excluded = set(settings.exclude_colors)
        for i, color in enumerate(COLORS):
            box = named(QCheckBox(names.label(color)), f"exclude-{color}")
            box.setIcon(swatch(theme.highlights[color], 14))
            box.setChecked(color in excluded)
            grid.addWidget(box, i // 3, i % 3)
            self.colors[color] = box
        form.addRow("Leave out colours:", colours)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> ReviewSettings:
        return ReviewSettings(
            daily_limit=self.limit.value(),
            exclude_archived=self.archived.isChecked(),
            exclude_tags=tuple(parse_tags(self.tags.text())),
            exclude_colors=tuple(c for c, box in self.colors.items() if box.isChecked()),
        )
