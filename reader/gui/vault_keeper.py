"""File > Keep a Vault Current…: a folder (an Obsidian vault, a Logseq graph) kept up
to date with the library's highlights and notes while the window is open.

The reader picks a folder and a format once; the choice is kept in the settings
(vault/folder, vault/format) and can be turned off. After any change to the
library (the window's own, or another process's, as LibraryOps announces them)
a sync is scheduled a moment later, so a burst of edits makes one sync. It runs
on the ops' long lane (never the GUI thread) through the core's `sync_vault`,
the deterministic writer and manifest `reader export --watch` uses: only files
whose content changed are rewritten, nothing else in the folder is touched. A
failure is one line in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from reader.gui.tasks import describe
from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from reader.gui.vault_dialog import VaultDialog

FORMATS = (("md", "Markdown (Obsidian)"), ("logseq", "Logseq pages"))  # reader.core.export.VAULT_FORMATS
FOLDER_KEY = "vault/folder"
FORMAT_KEY = "vault/format"


class VaultKeeper(QObject):
    """Syncs the chosen folder after library changes, debounced, on the long lane.
    `synced(ExportResult)` after each sync, `failed(str)` with one line when one fails."""

    synced = Signal(object)
    failed = Signal(str)
    DELAY_MS = 1500  # a burst of edits (typing a note, several highlights) makes one sync

    def __init__(self, ops: Any, settings: QSettings, color_names: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.settings = settings
        self.color_names = color_names  # annotate.ColorNames: the reader's names for colours
        self._task: Any = None
        self._again = False  # a change came while a sync ran: one more after it
        self._timer = QTimer(self, singleShot=True, interval=self.DELAY_MS)
        self._timer.timeout.connect(self.sync_now)
        ops.changed.connect(self._changed)
        if self.folder is not None:
            self.schedule()  # catch up with what changed while the window was closed

    # -- the choice --------------------------------------------------------------------

    @property
    def folder(self) -> Path | None:
        value = self.settings.value(FOLDER_KEY, "")
        return Path(value) if isinstance(value, str) and value.strip() else None

    @property
    def fmt(self) -> str:
        value = self.settings.value(FORMAT_KEY, "md")
        return value if value in dict(FORMATS) else "md"

    def keep(self, folder: str | Path, fmt: str) -> None:
        """From now on keep `folder` current in `fmt` (remembered); syncs at once."""
        if fmt not in dict(FORMATS):
            raise ValueError(f"a vault is kept in Markdown or Logseq pages, not {fmt}")
        self.settings.setValue(FOLDER_KEY, str(Path(folder).expanduser().absolute()))
        self.settings.setValue(FORMAT_KEY, fmt)
        self.sync_now()

    def stop(self) -> None:
        """Stop keeping the folder current (its files stay as they are)."""
        self.settings.remove(FOLDER_KEY)
        self._timer.stop()
        self._again = False

    # -- syncing -------------------------------------------------------------------------

    def _changed(self, _change: Any) -> None:
        if self.folder is not None:
            self.schedule()

    def schedule(self) -> None:
        self._timer.start(self.DELAY_MS)

    def sync_now(self) -> None:
        self._timer.stop()
        folder, fmt = self.folder, self.fmt
        if folder is None or self.ops.closed:
            return
        if self._task is not None:
            self._again = True
            return
        names = self.color_names.custom() if self.color_names is not None else None

        def job(library: Any, _task: Any) -> Any:
            from reader.core.export import sync_vault

            return sync_vault(library, folder, fmt, color_names=names)

        def done(result: Any) -> None:
            self._task = None
            self.synced.emit(result)
            if self._again:
                self._again = False
                self.schedule()

        def failed(exc: BaseException) -> None:
            self._task = None
            # A failed long job announces "library changed" (it may have written part of
            # its work); a sync writes nothing there, so that is no reason to try again.
            self._again = False
            self._timer.stop()
            self.failed.emit(f"The vault was not updated: {describe(exc)}")

        self._task = self.ops.run_long(job, on_done=done, on_error=failed)

    @property
    def busy(self) -> bool:
        return self._task is not None or self._timer.isActive()


class VaultController(WindowParts):
    """Mixin of MainWindow: File > Keep a Vault Current…"""

    def _start_vault(self) -> None:
        self.vault = VaultKeeper(self.ops, self.settings, self.names, self)
        bar = self.statusBar()
        self.vault.failed.connect(lambda message: bar.showMessage(message, 15000))
        self.vault.synced.connect(self._vault_synced)

    def _vault_synced(self, result: Any) -> None:
        changed = len(result.written) + len(result.removed)
        if changed:
            self.statusBar().showMessage(
                f"Vault: {len(result.written)} file{'s' if len(result.written) != 1 else ''} written"
                + (f", {len(result.removed)} removed" if result.removed else ""),
                4000,
            )

    def vault_dialog(self) -> VaultDialog:
        """Made by one method so tests can answer it."""
        from reader.gui.vault_dialog import VaultDialog

        return VaultDialog(self.vault.folder, self.vault.fmt, self)

    def action_keep_vault(self) -> None:
        dialog = self.vault_dialog()
        result = dialog.exec()
        if result == dialog.STOP:
            self.vault.stop()
            self.statusBar().showMessage("The vault is no longer kept current", 5000)
        elif result:  # accepted
            folder, fmt = dialog.chosen()
            if folder:
                self.vault.keep(folder, fmt)


__all__ = ["FORMATS", "VaultController", "VaultKeeper"]
