"""File > Your Name…: the display name recorded as the author of highlights and notes.

The CLI takes it from `reader --user NAME` or $READER_USER (reader.core.location,
default the OS user); the window keeps it in its settings (identity/name) and hands
it to the library on the ops lane, before any write of this session. A name given
with --user or $READER_USER for this run wins over the stored one until the reader
sets one here.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from reader.core.location import USER_ENV, default_user
from reader.gui.widgets import named
from reader.gui.window_parts import WindowParts

SETTING = "identity/name"


def os_user() -> str:
    """The name used when none is set: the OS user (what the CLI records)."""
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return default_user()


def stored_name(settings: QSettings) -> str:
    value = settings.value(SETTING, "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def session_name(settings: QSettings) -> str:
    """The name this window records: --user/$READER_USER for this run, else the stored one, else the OS user."""
    return os.environ.get(USER_ENV, "").strip() or stored_name(settings) or os_user()


def give_name(library: Any, name: str) -> None:
    """Runs on the ops lane: the Library records `name` from its next write on
    (a LazyLibrary loads its Library here, off the GUI thread)."""
    load = getattr(library, "load", None)
    core = load() if callable(load) else library
    core.user = name


class NameDialog(QDialog):
    """One line: the name others see on your highlights and notes; empty means the OS user."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your Name")
        self.setObjectName("NameDialog")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        explain = QLabel(
            "The name recorded with your highlights and notes. In a shared library the others "
            f"see it, e.g. “changed by {current} since you opened it”.",
            wordWrap=True,
        )
        layout.addWidget(explain)
        self.field = named(QLineEdit(current), "DisplayName")
        self.field.setPlaceholderText(os_user())
        self.field.selectAll()
        layout.addWidget(self.field)
        hint = named(QLabel(f"Leave it empty to use your computer's user name ({os_user()})."), "NameHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def name(self) -> str:
        return " ".join(self.field.text().split())


class IdentityController(WindowParts):
    """Mixin of MainWindow: the display name, set from File > Your Name…"""

    def _start_identity(self) -> None:
        name = session_name(self.settings)
        self.display_name = name
        if name != default_user():  # else the library chose it already; nothing to load early
            self.ops.run(lambda lib: give_name(lib, name))

    def name_dialog(self) -> NameDialog:
        """Made by one method so tests can answer it."""
        return NameDialog(self.display_name, self)

    def action_display_name(self) -> None:
        dialog = self.name_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.set_display_name(dialog.name())

    def set_display_name(self, name: str) -> None:
        """Store the name (empty: the OS user) and record it from the next write on."""
        name = " ".join(name.split())
        if name:
            self.settings.setValue(SETTING, name)
        else:
            self.settings.remove(SETTING)
        os.environ.pop(USER_ENV, None)  # the reader's own choice now wins over --user for this run
        self.display_name = name or os_user()
        chosen = self.display_name
        self.ops.run(lambda lib: give_name(lib, chosen))
        self.statusBar().showMessage(f"Your highlights and notes are now recorded as {chosen}", 5000)


__all__ = ["SETTING", "IdentityController", "NameDialog", "give_name", "os_user", "session_name", "stored_name"]
