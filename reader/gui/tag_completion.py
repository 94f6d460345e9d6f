"""Tags offered as they are typed: the field holds tags separated by commas, and the one being
typed (after the last comma) is completed from the tags the library already has, so "Riv" finds
"rivers" instead of starting a "Rivres" beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

if TYPE_CHECKING:
    from collections.abc import Iterable


class TagCompleter(QCompleter):
    def __init__(self, tags: Iterable[str], field: QLineEdit) -> None:
        super().__init__(field)
        self.setModel(QStringListModel(sorted(set(tags), key=str.casefold), self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        field.setCompleter(self)
        self.field = field

    def splitPath(self, path: str) -> list[str]:
        """Only the tag being typed is matched (a leading # is no part of a tag's name)."""
        return [path.rsplit(",", 1)[-1].strip().lstrip("#")]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        """The field's text with the tag being typed replaced by the one chosen."""
        typed = self.field.text()
        done = typed.rsplit(",", 1)[0] + ", " if "," in typed else ""
        return done + str(index.data())


def complete_tags(field: QLineEdit, tags: Iterable[str]) -> TagCompleter:
    return TagCompleter(tags, field)
