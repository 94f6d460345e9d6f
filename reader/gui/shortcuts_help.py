"""Help > Keyboard Shortcuts (F1 or ?): every key the window answers to, by menu, read from the
actions themselves so the sheet never drifts from what the keys do."""

from __future__ import annotations

import html
from typing import Any, cast

from PySide6.QtCore import QKeyCombination
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from reader.gui.actions import ACTIONS, MENUS

# Qt's codes from F13 on name keys few keyboards have (F14, Open, Undo, Copy...): left off the sheet.
SPECIAL_KEYS = 0x0100003C

# Keys that belong to a part of the window rather than to an action.
OTHER_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "In the text",
        (
            ("Select text, then H", "Highlight it"),
            ("Click a highlight", "Recolour, annotate or delete it"),
            ("Home / End", "Top / end of the article"),
        ),
    ),
    (
        "In the library search",
        (
            ("Enter", "Open the first result"),
            ("Up / Down", "Move through the results"),
            ("Esc", "Clear the search, back to the list"),
        ),
    ),
    (
        "Daily review",
        (
            ("1 2 3 4", "Again, Hard, Good, Easy"),
            ("Space", "Keep it"),
            ("N / T", "Edit the note / the tags"),
            ("O", "Open the article at the highlight"),
            ("Esc", "Close the review"),
        ),
    ),
)


def _key_of(sequence: QKeySequence) -> int:
    """The key (without modifiers) of a sequence's first chord."""
    first: QKeyCombination = cast("Any", sequence)[0]  # (the stubs lack QKeySequence.__getitem__)
    return first.key().value


def shortcut_rows(actions: dict[str, QAction]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu, [(keys, what they do)]) for every action that has a key, in menu order."""
    sections = []
    for menu in MENUS:
        rows = []
        for spec in ACTIONS:
            action = actions.get(spec.id)
            if spec.menu != menu or action is None or not action.shortcuts():
                continue
            typed = [k for k in action.shortcuts() if _key_of(k) < SPECIAL_KEYS][:2]
            if not typed:
                continue
            keys = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in typed)
            rows.append((keys, action.text().replace("&", "").rstrip("…")))
        if rows:
            sections.append((menu.replace("&", ""), rows))
    sections.extend((title, list(rows)) for title, rows in OTHER_KEYS)
    return sections


class ShortcutsHelp(QDialog):
    """A window of its own, not modal: it can stay open beside the text while the keys are tried."""

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShortcutsHelp")
        self.setWindowTitle("Keyboard Shortcuts")
        self.sections = shortcut_rows(actions)
        parts = []
        for title, rows in self.sections:  # one table, so the columns line up from section to section
            parts.append(
                f"<tr><td colspan='2' style='padding: 14px 0 4px 0'><h3 style='margin: 0'>{html.escape(title)}</h3></td></tr>"
            )
            parts.extend(
                f"<tr><td style='padding: 2px 18px 2px 0'><b>{html.escape(keys)}</b></td>"
                f"<td style='padding: 2px 0'>{html.escape(what)}</td></tr>"
                for keys, what in rows
            )
        self.text = QLabel(f"<table>{''.join(parts)}</table>")
        self.text.setObjectName("ShortcutsText")
        self.text.setContentsMargins(18, 6, 18, 14)
        scroll = QScrollArea()
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.resize(460, 640)

    def plain_text(self) -> str:
        """What the sheet says, a line a key (for tests and screen readers)."""
        return "\n".join(f"{keys}  {what}" for _title, rows in self.sections for keys, what in rows)
