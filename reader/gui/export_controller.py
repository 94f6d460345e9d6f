"""Exporting highlights and notes, and importing annotations back, on the long lane."""

from __future__ import annotations

from pathlib import Path

from reader.gui.tasks import describe
from reader.gui.window_parts import WindowParts


class ExportController(WindowParts):
    """Mixin of MainWindow: exporting highlights and notes, and importing annotations back, on the long
    lane."""

    def export_dialog(self, **kwargs):
        """Made by one method so tests can answer it."""
        from reader.gui.export_dialog import ExportDialog

        return ExportDialog(self.settings, **kwargs, parent=self)

    def action_export(self, preset: str | None = None, notebook=None) -> None:
        current = (self.view.article.id, self.view.article.title) if self.view.article is not None else None
        tags = [name for name, _count in self.library.tags()]
        dialog = self.export_dialog(
            tags=tags, current=current, selected=self.selected_article_ids(), notebook=notebook, preset=preset
        )
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        self.export(dialog.request())

    def export(self, request):
        """Run an export on the long lane; the status bar tells how it went."""
        from reader.gui.export_dialog import run_export

        names = self.names.custom()
        self.statusBar().showMessage("Exporting…")

        def job(library, task):
            return run_export(library, request, names, progress=lambda done, total: task.report(done, total, ""))

        def progress(done, total, _message):
            self.statusBar().showMessage(f"Exporting… {done} of {total} articles")

        def done(result):
            self.last_export = result
            kept = (
                f"; {len(result.kept)} file{'s' if len(result.kept) != 1 else ''} you changed left alone"
                if result.kept
                else ""
            )
            self.statusBar().showMessage(
                f"Exported {result.articles} article{'s' if result.articles != 1 else ''} with "
                f"{result.highlights} highlight{'s' if result.highlights != 1 else ''} to {request.out}{kept}",
                10000,
            )
            self.exportFinished.emit(result)

        def failed(exc):
            from PySide6.QtWidgets import QMessageBox

            self.statusBar().clearMessage()
            self.exportFinished.emit(None)
            QMessageBox.warning(self, "Export", f"The export failed: {describe(exc)}")

        return self.ops.run_long(job, on_done=done, on_error=failed, on_progress=progress)

    def action_import_annotations(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self, "Import Annotations", str(Path.home()), "W3C Web Annotations (*.json *.jsonld);;All files (*)"
        )
        if path:
            self.import_annotations(path)

    def import_annotations(self, path: str):
        """Import a W3C annotation file on the long lane; its changes refresh the views."""
        from reader.core.export import import_annotations

        def done(result):
            self.statusBar().showMessage(f"Annotations: {result.summary()}", 12000)
            self.annotationsImported.emit(result)

        def failed(exc):
            from PySide6.QtWidgets import QMessageBox

            self.annotationsImported.emit(None)
            QMessageBox.warning(self, "Import Annotations", describe(exc))

        def job(library, task):
            return import_annotations(library, path, progress=lambda done, total: task.report(done, total, ""))

        def progress(done, total, _message):
            self.statusBar().showMessage(f"Importing annotations… {done} of {total}")

        return self.ops.run_long(job, on_done=done, on_error=failed, on_progress=progress)
