"""What the main window's mixins (export, vault, display name...) may use of the
window they are mixed into: for the type checker only. At run time the mixins are
plain classes and MainWindow is the one QMainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, SignalInstance
    from PySide6.QtWidgets import QMainWindow

    from reader.gui.annotate import Annotations, ColorNames
    from reader.gui.reading.view import ReadingView
    from reader.gui.tasks import LibraryOps

    class WindowBase(QMainWindow):
        library: Any
        settings: QSettings
        ops: LibraryOps
        view: ReadingView
        names: ColorNames
        annotations: Annotations
        last_export: Any
        exportFinished: SignalInstance
        annotationsImported: SignalInstance

        def selected_article_ids(self) -> list[int]: ...

else:
    WindowBase = object

__all__ = ["WindowBase"]
