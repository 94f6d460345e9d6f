"""File > Your Name…: the display name recorded as the author of highlights and notes.

The name is stored by reader.core.identity, where the command line reads it too
(`reader name`); a name given with --user or $READER_USER for this run wins over
the stored one until the reader sets one here. Windows before the name moved
there kept it in their Qt settings (identity/name): it is moved over once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from reader.core import identity
from reader.core.identity import USER_ENV, login_name
from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from reader.gui.name_dialog import NameDialog

OLD_SETTING = "identity/name"


def adopt_old_setting(settings: QSettings) -> None:
    """Move a name stored in the window's settings by an earlier version to the
    shared place, unless one is stored there already."""
    value = settings.value(OLD_SETTING, "")
    if not isinstance(value, str):
        return
    if identity.tidy(value) and not identity.stored_name():
        identity.store_name(value)
    settings.remove(OLD_SETTING)


def give_name(library: Any, name: str) -> None:
    """Runs on the ops lane: the Library records `name` from its next write on
    (a LazyLibrary loads its Library here, off the GUI thread)."""
    load = getattr(library, "load", None)
    core = load() if callable(load) else library
    core.user = name


class IdentityController(WindowParts):
    """Mixin of MainWindow: the display name, set from File > Your Name…"""

    def _start_identity(self) -> None:
        adopt_old_setting(self.settings)
        stored = identity.stored_name()
        self.display_name = identity.display_name(stored)
        if stored and not os.environ.get(USER_ENV, "").strip():
            # A Library opened before the name was stored (one this window was
            # handed open) records it from its next write on.
            chosen = self.display_name
            self.ops.run(lambda lib: give_name(lib, chosen))

    def name_dialog(self) -> NameDialog:
        """Made by one method so tests can answer it."""
        from reader.gui.name_dialog import NameDialog

        return NameDialog(self.display_name, self)

    def action_display_name(self) -> None:
        dialog = self.name_dialog()
        if not dialog.exec():  # rejected
            return
        self.set_display_name(dialog.name())

    def set_display_name(self, name: str) -> None:
        """Store the name (empty: the OS user) and record it from the next write on."""
        name = identity.tidy(name)
        try:
            identity.store_name(name)
        except OSError as exc:
            self.statusBar().showMessage(f"Cannot store your name in {identity.config_file()}: {exc.strerror or exc}")
            return
        os.environ.pop(USER_ENV, None)  # the reader's own choice now wins over --user for this run
        self.display_name = name or login_name()
        chosen = self.display_name
        self.ops.run(lambda lib: give_name(lib, chosen))
        self.statusBar().showMessage(f"Your highlights and notes are now recorded as {chosen}", 5000)


__all__ = ["OLD_SETTING", "IdentityController", "adopt_old_setting", "give_name"]
