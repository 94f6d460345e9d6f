"""What the main window is made of, declared once for the mixins that give it its behaviour.

MainWindow (main_window.py) is assembled from mixins, one behaviour each: window_state,
import_controller, highlight_controller, article_controller, context_menus, export_controller,
identity (the display name) and vault_keeper.
Each derives from WindowParts, so the type checker knows the parts the window builds in its
__init__ and the methods one mixin calls on another. At run time WindowParts adds only the
window's signals; everything else here is a declaration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable

    from reader.core.domain import Article, Highlight
    from reader.core.export.files import ExportResult
    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library
    from reader.gui.annotate import Annotations, ColorNames, FloatingToolbar
    from reader.gui.annotations_panel import AnnotationsPanel
    from reader.gui.dialogs import ImportSummary
    from reader.gui.first_frame import StandIn
    from reader.gui.import_controller import DropOverlay
    from reader.gui.import_progress import ImportProgress
    from reader.gui.library_panel import LibraryPanel
    from reader.gui.notebook import Notebook
    from reader.gui.reading.view import ReaderPane, ReadingView
    from reader.gui.tasks import LibraryOps, Task
    from reader.gui.theme import ReadingSettings, Theme


class WindowParts(QMainWindow):
    """The main window's parts and signals (see the module's docstring)."""

    importFinished = Signal(list)  # [ImportOutcome], after the list and the view were updated
    articleOpened = Signal(int)
    exportFinished = Signal(object)  # ExportResult, or None when it failed
    annotationsImported = Signal(object)  # AnnotationImport, or None

    # What the window works on and how it looks.
    library: Library | LazyLibrary
    settings: QSettings
    reading: ReadingSettings
    theme: Theme
    ops: LibraryOps

    # Its widgets ("after": built after the first paint, MainWindow.DEFERRED).
    view: ReadingView  # after
    pane: ReaderPane  # after
    panel: LibraryPanel
    sidebar: AnnotationsPanel  # after
    floating: FloatingToolbar  # after
    notebook: Notebook | None
    splitter: QSplitter
    summary: ImportSummary  # after
    progress: ImportProgress
    overlay: DropOverlay  # after
    # Every action by its id (actions.py). The name hides QWidget.actions(), which nothing here
    # calls; tests and both engineers' modules use `window.actions[...]`, so it stays.
    actions: dict[str, QAction]  # type: ignore[assignment]
    menus: dict[str, QMenu]

    # Highlights and notes.
    names: ColorNames  # after
    annotations: Annotations  # after
    focused_highlight: int | None  # the one clicked last (N edits its note)

    # Imports and exports.
    import_workers: int | None  # None: all cores
    last_summary: str
    last_export: ExportResult | None
    _import_task: Task | None
    _pending_imports: list[list[str]]
    _arrivals_due: bool

    # The first frame (main_window.py, first_frame.py): the parts above marked "after the first
    # paint" exist once `built` is true; until then stand-ins hold their places.
    built: bool
    _stand_ins: dict[str, StandIn]
    _started: bool  # the steps after the first paint have run (window_state.py)
    _on_start: list[Callable[[], object]]  # what waits for them (when_started)

    # What the reader asked for, and what is not yet stored.
    _wanted: dict[str, bool]  # the side panels the reader asked for
    _panel_widths: dict[str, int]
    _flipping: dict[tuple[str, int], int]  # (switch, article): clicks not yet stored

    if TYPE_CHECKING:
        # Methods one mixin calls on another (defined in main_window.py and the mixins).

        @property
        def article(self) -> Article | None: ...

        @property
        def article_id(self) -> int | None: ...

        def build_rest(self) -> None: ...

        def focus_reading(self) -> None: ...

        def open_article(self, article_id: int, terms: tuple[str, ...] = ()) -> bool: ...

        def open_at_highlight(self, article_id: int, highlight_id: int) -> bool: ...

        def _update_actions(self) -> None: ...

        def _report(self, exc: BaseException) -> None: ...

        def import_paths(self, paths: Iterable[str | os.PathLike[str]]) -> None: ...

        def cancel_import(self) -> None: ...

        def highlight_selection(self, color: str | None = None, note: str = "", tags: Iterable[str] = ()) -> bool: ...

        def recolor(self, highlight_id: int, color: str) -> None: ...

        def edit_note(self, highlight_id: int, tags_first: bool = False) -> None: ...

        def delete_highlight(self, highlight_id: int) -> None: ...

        def reveal_highlight(self, highlight_id: int) -> None: ...

        def _highlight_menu(self, menu: QMenu, h: Highlight) -> None: ...

        def selected_article_ids(self) -> list[int]: ...

        def action_export(self, preset: str | None = None, notebook: object = None) -> None: ...
