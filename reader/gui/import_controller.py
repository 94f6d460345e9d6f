"""Importing saved pages (File menu, folders, drag and drop), one import at a time with the rest
queued, and what the window shows after it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from reader.core.domain import Change
from reader.core.errors import LibraryError
from reader.gui.models import Query
from reader.gui.tasks import ARTICLES_ADDED, OpResult, describe
from reader.gui.window_parts import WindowParts

ARRIVALS_MS = 400  # how often the list looks for the articles a running import has stored

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent

    from reader.core.domain import ImportOutcome
    from reader.core.library import Library
    from reader.gui.tasks import Task


class DropOverlay(QLabel):
    """Shown over the window while files are dragged over it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Drop to import saved pages", parent)
        self.setObjectName("DropOverlay")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAcceptDrops(False)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(12, 12, -12, -12))
        self.raise_()
        self.show()


class ImportController(WindowParts):
    """Mixin of MainWindow: importing saved pages (File menu, folders, drag and drop), one import at a time
    with the rest queued, and what the window shows after it."""

    def action_import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Import Saved Pages",
            str(Path.home()),
            "Saved web pages (*.html *.htm *.xhtml *.mhtml *.mht *.shtml);;All files (*)",
        )
        if files:
            self.import_paths(files)

    def action_open_shared(self) -> None:
        """Another library (on a server, or a folder) in a window of its own."""
        from reader.gui import libraries

        address = libraries.ask_for_library(self, self.settings)
        if address is None:
            return
        libraries.remember(self.settings, address)
        libraries.open_in_new_window(address)
        self.statusBar().showMessage(f"Opening {libraries.without_password(address)} in a new window…", 8000)

    def action_import_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Import a Folder of Saved Pages", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Import files and folders in the background; the window stays responsive."""
        wanted = [str(p) for p in paths]
        if not wanted:
            return
        if self._import_task is not None:
            self._pending_imports.append(wanted)
            return
        names = Path(wanted[0]).name if len(wanted) == 1 else f"{len(wanted)} items"
        self.progress.start(names)
        self.statusBar().clearMessage()
        workers = self.import_workers

        def job(library: Library, task: Task) -> OpResult:
            outcomes = library.import_paths(wanted, progress=task.report, should_cancel=task.cancelled, workers=workers)
            added = any(o.status == "imported" for o in outcomes)
            return OpResult(outcomes, (Change(ARTICLES_ADDED),) if added else ())

        self._import_task = self.ops.run_long(
            job, on_done=self._import_done, on_error=self._import_error, on_progress=self._import_progress
        )
        self.panel.set_importing(True)

    def _import_progress(self, done: int, total: int, path: str) -> None:
        self.progress.update_progress(done, total, path)
        if not self._arrivals_due:  # each page is stored as it is read: the list shows them coming
            self._arrivals_due = True
            QTimer.singleShot(ARRIVALS_MS, self, self._show_arrivals)

    def _show_arrivals(self) -> None:
        self._arrivals_due = False
        if self._import_task is not None:  # (at the end the import's change reloads the list)
            self.panel.reload()

    def cancel_import(self) -> None:
        if self._import_task is not None:
            self._import_task.cancel()
            self._pending_imports.clear()

    def _import_done(self, outcomes: list[ImportOutcome]) -> None:
        cancelled = self._import_task.cancelled() if self._import_task is not None else False
        self._import_task = None
        self.panel.set_importing(False)
        self.progress.hide()
        self.last_summary = self.summary.show_outcomes(outcomes, cancelled)
        from reader.gui.dialogs import summarize

        self.statusBar().showMessage(summarize(outcomes, cancelled)[0], 8000)
        new = [o.id for o in outcomes if o.status == "imported" and o.id]
        target = self._top_of_list(new) or next((o.id for o in outcomes if o.status == "duplicate" and o.id), None)
        if self.article_id is None:  # never take the reader away from what they are reading
            self._show_after_import(target)
        self.importFinished.emit(outcomes)
        if self._pending_imports:
            self.import_paths(self._pending_imports.pop(0))

    def _top_of_list(self, article_ids: list[int]) -> int | None:
        """Of the articles just imported, the one highest in the list (a folder's newest, by
        default): j then walks down through the others. The first imported when none is in
        the rows read so far."""
        rows = {article_id: self.panel.model.row_of(article_id) for article_id in article_ids}
        placed = [article_id for article_id, row in rows.items() if row is not None]
        if placed:
            return min(placed, key=lambda article_id: rows[article_id] or 0)
        return article_ids[0] if article_ids else None

    def _import_error(self, exc: BaseException) -> None:
        self._import_task = None
        self.panel.set_importing(False)
        self.progress.hide()
        self.last_summary = f"The import stopped: {describe(exc)}"
        self.summary.title.setText(self.last_summary)
        self.summary.details.hide()
        self.summary.show()
        self.importFinished.emit([])
        if self._pending_imports:
            self.import_paths(self._pending_imports.pop(0))

    def _show_after_import(self, article_id: int | None) -> None:
        if self.panel.search.text():
            self.panel.search.clear()
        query = self.panel.current_query()
        if article_id is not None and (query.tag or query.state in ("archived", "favorite")):
            try:
                summary = self.library.get_summary(article_id)
            except LibraryError:
                summary = None
            if summary is not None and not (query.state == "archived" and summary.archived):
                self.panel.set_query(Query(query.sort, "inbox" if not summary.archived else None, None))
        if article_id is not None:
            if not self.panel.select_article(article_id):
                self.open_article(article_id)
            self.focus_reading()

    @staticmethod
    def _dropped_paths(mime: QMimeData | None) -> list[str]:
        if mime is None or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]

    @staticmethod
    def _accept_as_copy(event: QDropEvent) -> None:
        """Always a copy: a source that honours Move would delete the reader's saved pages."""
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            self._accept_as_copy(event)
            self.overlay.cover()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            self._accept_as_copy(event)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.overlay.hide()

    def dropEvent(self, event: QDropEvent) -> None:
        self.overlay.hide()
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        self._accept_as_copy(event)
        self.import_paths(paths)
