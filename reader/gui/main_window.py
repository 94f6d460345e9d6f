"""The main window: library panel | reading view, toolbar and menus, drop to import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from reader import APP_NAME
from reader.core.domain import Change
from reader.core.errors import LibraryError
from reader.core.tags import parse_tags
from reader.gui import actions as action_specs
from reader.gui.annotate import Annotations, ColorNames, ColorNamesDialog, FloatingToolbar, NoteDialog
from reader.gui.annotations_panel import AnnotationsPanel
from reader.gui.dialogs import AppearancePanel, ImportProgress, ImportSummary, show_about, summarize
from reader.gui.icons import app_icon, icon
from reader.gui.library_panel import LibraryPanel
from reader.gui.models import Query
from reader.gui.reading.view import ReaderPane, ReadingView
from reader.gui.styles import window_css
from reader.gui.tasks import ARTICLES_ADDED, LibraryOps, OpResult, describe
from reader.gui.theme import ReadingSettings, Theme, palette_for

POLL_MS = 1000  # the check is SQLite's data_version: microseconds, at any library size


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
        self.setGeometry(self.parentWidget().rect().adjusted(12, 12, -12, -12))
        self.raise_()
        self.show()


class _AfterFirstPaint(QObject):
    """Calls `then` once, from the event loop, after `widget` has first painted."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


class MainWindow(QMainWindow):
    """The Reader window over one Library.

    The window reads the library where it must show something at once (an article,
    a page of the list) but never writes to it: every operation goes through
    `self.ops` (gui/tasks.py), off the GUI thread, and what it changed comes back on
    `self.ops.changed`, which the list, the reading view, the sidebar, the Notebook
    and the window itself follow. Changes by other processes arrive the same way.
    """

    importFinished = Signal(list)  # [ImportOutcome], after the list and the view were updated
    articleOpened = Signal(int)
    exportFinished = Signal(object)  # ExportResult, or None when it failed
    annotationsImported = Signal(object)  # AnnotationImport, or None

    def __init__(self, library, settings: QSettings | None = None, poll_ms: int = POLL_MS) -> None:
        super().__init__()
        self.library = library
        self.settings = settings if settings is not None else QSettings()
        self.reading = ReadingSettings.load(self.settings)
        self.theme: Theme = self.reading.resolved_theme()
        self.import_workers: int | None = None  # None: all cores
        self._import_task = None
        self._pending_imports: list[list[str]] = []
        self._flipping: dict[tuple[str, int], int] = {}  # (switch, article): clicks not yet stored
        self.last_summary = ""
        self._wanted = {"library": True, "annotations": True}  # the side panels the reader asked for
        self._panel_widths: dict[str, int] = {}

        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setUnifiedTitleAndToolBarOnMac(True)

        self.ops = LibraryOps(library, self, poll_ms=poll_ms)
        self.view = ReadingView(library, self.reading)
        self.pane = ReaderPane(self.view)
        self.panel = LibraryPanel(library, self.ops)
        self.panel.setMinimumWidth(240)
        self.panel.list.setSelectionMode(self.panel.list.SelectionMode.ExtendedSelection)  # export the selected
        self.names = ColorNames(self.settings)
        self.annotations = Annotations(self.ops, self)
        self.sidebar = AnnotationsPanel(library, self.ops, self.names)
        self.floating = FloatingToolbar(self.names, self.view.viewport())
        self.notebook = None
        self.last_export = None
        self.focused_highlight: int | None = None  # the one clicked last (N edits its note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.pane)
        self.splitter.addWidget(self.sidebar)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setHandleWidth(1)
        self.splitter.setSizes([320, 800, 310])
        self.summary = ImportSummary()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.overlay = DropOverlay(central)

        self.progress = ImportProgress()
        self.progress.cancelRequested.connect(self.cancel_import)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().setSizeGripEnabled(False)

        self.actions = action_specs.build_actions(self)
        self.menus = action_specs.build_menus(self.menuBar(), self.actions)
        self._build_theme_menu()
        self._build_toolbar()
        self._build_context_menus()
        self.actions["toggle_library"].setChecked(True)
        self.actions["toggle_annotations"].setChecked(True)
        self._connect_annotations()

        self.panel.articleChosen.connect(self.open_article)
        self.panel.resultOpened.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        self.panel.searchCleared.connect(self._search_cleared)
        self.panel.importRequested.connect(self.action_import)
        self.view.progressChanged.connect(self._save_progress)
        # One signal for every change, in this order: the views, then the window's own bits
        # (which read the views). The Notebook connects itself when it is made.
        for follower in (self.view.apply_change, self.sidebar.apply_change, self.panel.apply_change,
                         self._library_changed):
            self.ops.changed.connect(follower)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda _scheme: self.set_reading(self.reading, force=True))

        self.apply_theme()
        self.resize(1240, 820)
        self._restore_state()
        self._update_actions()

    # -- building ------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Toolbar")
        bar.setObjectName("MainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setIconSize(QSize(20, 20))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        for item in action_specs.TOOLBAR:
            if item is None:
                bar.addSeparator()
            elif item == "|":
                spacer = QWidget()
                spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy().Preferred)
                bar.addWidget(spacer)
            else:
                bar.addAction(self.actions[item])
        self.toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        # The appearance popover hangs from its toolbar button.
        self.appearance = AppearancePanel(self.reading)
        self.appearance.changed.connect(self.set_reading)
        self.appearance_menu = QMenu(self)
        holder = QWidgetAction(self.appearance_menu)
        holder.setDefaultWidget(self.appearance)
        self.appearance_menu.addAction(holder)
        button = bar.widgetForAction(self.actions["appearance"])
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            button.setMenu(self.appearance_menu)
        self.appearance_button = button

    def _build_theme_menu(self) -> None:
        menu = self.menus["&View"]
        theme_menu = QMenu("&Theme", self)
        self.theme_actions = {}
        for key, label in (("system", "Follow System"), ("light", "Light"), ("sepia", "Sepia"), ("dark", "Dark")):
            action = theme_menu.addAction(label)
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, k=key: self.set_theme(k))
            self.theme_actions[key] = action
        menu.insertMenu(self.actions["appearance"], theme_menu)

    def _build_context_menus(self) -> None:
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._view_menu)
        self.panel.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.panel.list.customContextMenuRequested.connect(self._list_menu)

    def _article_menu(self, menu: QMenu, with_delete: bool = True) -> None:
        keys = ("archive", "favorite", "tags", None, "open_original", "copy_url", "open_url")
        for key in keys + ((None, "delete") if with_delete else ()):
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions[key])

    def _view_menu(self, pos) -> None:
        self.view_menu(pos).popup(self.view.viewport().mapToGlobal(pos))

    def view_menu(self, pos) -> QMenu:
        """The context menu over the text at viewport point `pos`."""
        menu = QMenu(self)
        hid = self.view.highlight_at_point(pos)
        if self.view.textCursor().hasSelection() and self.view.article is not None:
            sub = menu.addMenu("&Highlight")
            self._color_items(sub, lambda color: self.highlight_selection(color))
            menu.addAction(self.actions["note"])
            menu.addAction(self.actions["copy"])
            menu.addSeparator()
        elif hid is not None:
            self._highlight_menu(menu, self.view.highlights[hid])
            menu.addSeparator()
        menu.addAction(self.actions["find"])
        menu.addSeparator()
        # Over the text: what to do with it, never the whole article's deletion (that is in the list's menu).
        self._article_menu(menu, with_delete=False)
        return menu

    def _list_menu(self, pos) -> None:
        index = self.panel.list.indexAt(pos)
        if not index.isValid():
            return
        selected = self.selected_article_ids()
        if index.row() not in [self.panel.model.row_of(i) for i in selected]:
            self.panel.list.setCurrentIndex(index)
            selected = self.selected_article_ids()
        menu = QMenu(self)
        self._article_menu(menu)
        menu.addSeparator()
        if len(selected) > 1:
            menu.addAction(f"Export {len(selected)} Selected Articles…", lambda: self.action_export("selected"))
        else:
            menu.addAction("Export Highlights and Notes…", lambda: self.action_export("current"))
        menu.exec(self.panel.list.viewport().mapToGlobal(pos))

    def selected_article_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.panel.list.selectionModel().selectedIndexes())
        items = self.panel.model.items
        return [items[r].id for r in rows if 0 <= r < len(items)]

    def _color_items(self, menu: QMenu, handler, current: str | None = None) -> None:
        from reader.core.domain import COLORS
        from reader.gui.annotate import swatch

        for color in COLORS:
            label = self.names.label(color)
            if color == self.names.default:
                label += "\tH"
            action = menu.addAction(swatch(self.view.theme.highlights[color], 14), label)
            action.setCheckable(current is not None)
            action.setChecked(color == current)
            action.triggered.connect(lambda _c=False, c=color: handler(c))

    def _highlight_menu(self, menu: QMenu, h) -> None:
        sub = menu.addMenu("Colour")
        self._color_items(sub, lambda color: self.recolor(h.id, color), current=h.color)
        menu.addAction("Edit Note…" if h.note else "Add Note…", lambda: self.edit_note(h.id))
        menu.addAction("Edit Tags…", lambda: self.edit_note(h.id, tags_first=True))
        menu.addAction("Copy Quote", lambda: QGuiApplication.clipboard().setText(h.quote))
        menu.addSeparator()
        menu.addAction("Delete Highlight", lambda: self.delete_highlight(h.id))

    # -- theme and reading settings ---------------------------------------------------

    def set_theme(self, key: str) -> None:
        from dataclasses import replace

        self.set_reading(replace(self.reading, theme=key))

    def set_reading(self, reading: ReadingSettings, force: bool = False) -> None:
        """Apply reading settings everywhere and remember them."""
        if reading == self.reading and not force:
            return
        self.reading = reading
        reading.save(self.settings)
        self.appearance.set_settings(reading)
        self.view.apply_settings(reading)
        self.apply_theme()

    def apply_theme(self) -> None:
        t = self.reading.resolved_theme()
        self.theme = t
        app = QApplication.instance()
        if app is not None:
            app.setPalette(palette_for(t))
        from PySide6.QtGui import QColor

        self.panel.delegate.accent = QColor(t.accent)
        self.panel.search_delegate.accent = QColor(t.accent)
        self.setStyleSheet(window_css(t))
        tint = t.muted if not t.dark else t.text
        for spec in action_specs.ACTIONS:
            if spec.icon:
                on = "star-filled" if spec.id == "favorite" else None
                self.actions[spec.id].setIcon(icon(spec.icon, tint, on, t.accent))
        self.pane.find_bar.set_icons(tint)
        self.floating.set_theme(t)
        self.sidebar.set_theme(t)
        if self.notebook is not None:
            self.notebook.set_theme(t)
        for key, action in getattr(self, "theme_actions", {}).items():
            action.setChecked(key == self.reading.theme)
        self.panel.list.viewport().update()

    # -- articles ----------------------------------------------------------------------

    @property
    def article_id(self) -> int | None:
        return self.view.article.id if self.view.article is not None else None

    def open_article(self, article_id: int, terms: tuple = ()) -> bool:
        try:
            article = self.library.get(article_id)
        except LibraryError:  # deleted by another process since the list was read
            self.ops.announce(Change("article-deleted", article_id))
            return False
        self.floating.hide()
        self.sidebar.save_note()
        self.view.show_article(article)
        self.annotations.activate(article.id)
        self.focused_highlight = None
        self.sidebar.set_article(article)
        if terms:
            self.view.reveal_terms(terms)
        self.setWindowTitle(f"{article.title} — {APP_NAME}")
        self.settings.setValue("library/last_article", article_id)
        self._update_actions()
        self.articleOpened.emit(article_id)
        return True

    def _search_cleared(self) -> None:
        """Back to the list: it shows the open article as the current one, and the search's
        tints leave the text."""
        if self.article_id is not None:
            self.panel.select_article(self.article_id, emit=False)
        self.view.reveal_terms(())

    def _save_progress(self, article_id: int, fraction: float) -> None:
        article = self.view.article
        stored = article.progress if article is not None and article.id == article_id else None
        if stored is not None and abs(stored - fraction) < 0.001:
            return
        self.ops.run(lambda lib: lib.set_progress(article_id, fraction), on_error=self._report)

    def _report(self, exc: BaseException) -> None:
        """A short operation failed: say why, in one line (the views stay as the library is)."""
        self.statusBar().showMessage(describe(exc), 8000)

    def _update_actions(self) -> None:
        article = self.view.article
        for key in action_specs.article_actions():
            self.actions[key].setEnabled(article is not None)
        # A switch the reader flipped shows what they chose until it is stored, not the
        # state read meanwhile (a second quick click then flips it back, as they expect).
        for key, stored in (("archive", bool(article and article.archived)),
                            ("favorite", bool(article and article.favorite))):
            if article is None or not self._flipping.get((key, article.id)):
                self.actions[key].setChecked(stored)
        self.actions["contents"].setEnabled(article is not None and self.view.has_contents())
        self.actions["copy_url"].setEnabled(bool(article and article.url))
        self.actions["open_url"].setEnabled(bool(article and article.url))
        if article is None:
            self.setWindowTitle(APP_NAME)

    # -- article actions -------------------------------------------------------------------

    def action_archive(self, checked: bool | None = None) -> None:
        archived = (not self.actions["archive"].isChecked()) if checked is None else bool(checked)
        following = self._next_in_list() if archived and self.panel.current_query().state == "inbox" else None
        self._flip("archive", archived, lambda lib, article_id: lib.set_archived(article_id, archived),
                   "Archived" if archived else "Moved back to the inbox", then=following)

    def _next_in_list(self) -> int | None:
        """The article after the open one in the list (or before it, at the end): what to read next."""
        model = self.panel.model
        row = model.row_of(self.article_id) if self.article_id is not None else None
        if row is None:
            return None
        for r in (row + 1, row - 1):
            if 0 <= r < model.rowCount():
                return model.items[r].id
        return None

    def action_favorite(self, checked: bool | None = None) -> None:
        favorite = (not self.actions["favorite"].isChecked()) if checked is None else bool(checked)
        self._flip("favorite", favorite, lambda lib, article_id: lib.set_favorite(article_id, favorite))

    def _flip(self, key: str, value: bool, store, message: str = "", then: int | None = None) -> None:
        article_id = self.article_id
        if article_id is None:
            return
        pending = (key, article_id)
        self._flipping[pending] = self._flipping.get(pending, 0) + 1
        self.actions[key].setChecked(value)

        def settled() -> None:
            self._flipping[pending] -= 1
            if not self._flipping[pending]:
                del self._flipping[pending]
            self._update_actions()

        def stored(_change) -> None:
            settled()
            if message:
                self.statusBar().showMessage(message, 4000)
            if then is not None and not self.panel.select_article(then):  # the list moved on by itself: to the next
                self.open_article(then)

        def failed(exc: BaseException) -> None:
            settled()
            self._report(exc)

        self.ops.run(lambda lib: store(lib, article_id), on_done=stored, on_error=failed)

    def action_tags(self) -> None:
        article = self.view.article
        if article is None:
            return
        text, ok = QInputDialog.getText(
            self, "Tags", "Tags for this article, separated by commas:", text=", ".join(article.tags)
        )
        if ok:
            self.set_tags(parse_tags(text))

    def set_tags(self, tags: list[str]) -> None:
        article_id = self.article_id
        if article_id is None:
            return
        tags = list(tags)
        self.ops.run(lambda lib: lib.set_tags(article_id, tags), on_error=self._report)

    def confirm_delete(self, title: str) -> bool:
        answer = QMessageBox.question(
            self, "Delete Article",
            f"Delete “{title}” and its highlights from the library?\n\nThe saved page on disk is not touched.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def action_delete(self) -> None:
        article = self.view.article
        if article is None or not self.confirm_delete(article.title):
            return
        row = self.panel.model.row_of(article.id)
        self.floating.hide()
        self.sidebar.save_note()  # queued before the delete, like everything else

        def deleted(_change) -> None:
            self.statusBar().showMessage(f"Deleted “{article.title}”", 5000)
            model = self.panel.model
            if row is not None and model.rowCount() and self.article_id is None:
                self.panel.select_article(model.items[min(row, model.rowCount() - 1)].id)

        self.ops.run(lambda lib: lib.delete(article.id), on_done=deleted, on_error=self._report)

    def action_open_original(self) -> None:
        article = self.view.article
        if article is None:
            return
        path = Path(article.source_path) if article.source_path else None
        if path is None or not path.exists():
            # The file moved or was deleted: open the copy kept in the library.
            folder = Path(tempfile.mkdtemp(prefix="reader-original-"))
            path = folder / (article.source_name or "page.html")
            path.write_bytes(self.library.original(article.id))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def action_copy_url(self) -> None:
        article = self.view.article
        if article is None or not article.url:
            self.statusBar().showMessage("This article has no source address", 4000)
            return
        QGuiApplication.clipboard().setText(article.url)
        self.statusBar().showMessage(f"Copied {article.url}", 4000)

    def action_open_url(self) -> None:
        article = self.view.article
        if article is not None and article.url:
            QDesktopServices.openUrl(QUrl(article.url))

    # -- annotating ---------------------------------------------------------------------------

    def _connect_annotations(self) -> None:
        view = self.view
        view.selectionFinished.connect(self._selection_finished)
        view.selectionChanged.connect(self._selection_changed)
        view.highlightClicked.connect(self._highlight_clicked)
        view.viewMoved.connect(self._follow_view)
        view.pressed.connect(self.floating.hide)
        f = self.floating
        f.colorChosen.connect(self._floating_color)
        f.noteRequested.connect(self._floating_note)
        f.tagsRequested.connect(lambda: f.highlight and self.edit_note(f.highlight.id, tags_first=True))
        f.deleteRequested.connect(lambda: f.highlight and self.delete_highlight(f.highlight.id))
        a = self.annotations
        a.failed.connect(lambda message: self.statusBar().showMessage(message, 6000))
        self.view.highlightsReloaded.connect(self._highlights_reloaded)
        a.group.canUndoChanged.connect(self._update_undo)
        a.group.canRedoChanged.connect(self._update_undo)
        a.group.undoTextChanged.connect(self._update_undo)
        a.group.redoTextChanged.connect(self._update_undo)
        a.group.activeStackChanged.connect(self._update_undo)
        sb = self.sidebar
        sb.highlightActivated.connect(self.reveal_highlight)
        sb.editRequested.connect(self.edit_note)
        sb.menuRequested.connect(self._sidebar_menu)
        sb.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self._update_undo()

    def _update_undo(self, *_args) -> None:
        group = self.annotations.group
        undo, redo = self.actions["undo"], self.actions["redo"]
        undo.setEnabled(group.canUndo())
        redo.setEnabled(group.canRedo())
        undo.setText(f"&Undo {group.undoText()}" if group.canUndo() else "&Undo")
        redo.setText(f"&Redo {group.redoText()}" if group.canRedo() else "&Redo")

    def action_undo(self) -> None:
        self.floating.hide()
        self.annotations.group.undo()

    def action_redo(self) -> None:
        self.floating.hide()
        self.annotations.group.redo()

    def _selection_finished(self) -> None:
        rect = self.view.selection_rect()
        if rect is not None and self.view.selected_text_range() is not None:
            self.floating.show_for_selection(rect)

    def _selection_changed(self) -> None:
        if self.floating.isVisible() and self.floating.highlight is None and not self.view.textCursor().hasSelection():
            self.floating.hide()

    def _highlight_clicked(self, highlight_id: int, _global_pos) -> None:
        h = self.view.highlights.get(highlight_id)
        rect = self.view.highlight_rect(highlight_id)
        if h is None or rect is None:
            return
        self.focused_highlight = highlight_id
        self.sidebar.select(highlight_id)
        self.floating.show_for_highlight(h, rect)

    def _follow_view(self) -> None:
        """The floating bar stays over its text while the page scrolls; off screen, it goes."""
        f = self.floating
        if not f.isVisible():
            return
        rect = self.view.highlight_rect(f.highlight.id) if f.highlight is not None else self.view.selection_rect()
        if rect is None or rect.bottom() < 0 or rect.top() > self.view.viewport().height():
            f.hide()
        elif f.highlight is not None:
            f.show_for_highlight(self.view.highlights.get(f.highlight.id, f.highlight), rect)
        else:
            f.show_for_selection(rect)

    def _floating_color(self, color: str) -> None:
        f = self.floating
        if f.highlight is not None:
            self.recolor(f.highlight.id, color)
        else:
            self.highlight_selection(color)

    def _floating_note(self) -> None:
        f = self.floating
        if f.highlight is not None:
            self.edit_note(f.highlight.id)
        else:
            self.action_note()

    def highlight_selection(self, color: str | None = None, note: str = "", tags=()) -> bool:
        """Highlight the selected text (stored on the ops lane; the views follow the change).
        False when nothing was selected."""
        article = self.view.article
        span = self.view.selected_text_range()
        if article is None or span is None:
            self.statusBar().showMessage("Select some text to highlight first", 4000)
            return False
        color = color or self.names.default
        self.annotations.add(article.id, span[0], span[1], color, note, tags)
        self.view.clear_selection()
        self.floating.hide()
        return True

    def recolor(self, highlight_id: int, color: str) -> None:
        h = self._highlight(highlight_id)
        if h is not None:
            self.annotations.set_color(h, color, self.names.label(color))

    def delete_highlight(self, highlight_id: int) -> None:
        h = self._highlight(highlight_id)
        if h is not None:
            self.floating.hide()
            self.annotations.delete(h)
            self.statusBar().showMessage("Highlight deleted (Ctrl+Z to undo)", 5000)

    def _highlight(self, highlight_id: int):
        h = self.view.highlights.get(highlight_id)
        if h is None:
            try:
                h = self.library.get_highlight(highlight_id)
            except LibraryError:
                return None
        return h

    def edit_note(self, highlight_id: int, tags_first: bool = False) -> None:
        h = self._highlight(highlight_id)
        if h is None:
            return
        self.floating.hide()
        dialog = self.note_dialog(h.quote, h.note, h.tags, h.color)
        if tags_first:
            dialog.tags.setFocus()
            dialog.tags.selectAll()
        if dialog.exec() == NoteDialog.DialogCode.Accepted:
            self.annotations.edit(h, dialog.note(), dialog.tag_list())

    def note_dialog(self, quote: str, note: str, tags, color: str) -> NoteDialog:
        """Made by one method so tests can answer it."""
        return NoteDialog(quote, note, tags, self.names.label(color), self)

    def action_highlight(self) -> None:
        self.highlight_selection()

    def action_note(self) -> None:
        if self.view.selected_text_range() is not None:
            cursor = self.view.textCursor()
            dialog = self.note_dialog(cursor.selectedText().replace("\u2029", "\n"), "", (), self.names.default)
            if dialog.exec() == NoteDialog.DialogCode.Accepted:
                self.highlight_selection(self.names.default, dialog.note(), dialog.tag_list())
        elif self.focused_highlight is not None and self.focused_highlight in self.view.highlights:
            self.edit_note(self.focused_highlight)
        else:
            self.statusBar().showMessage("Select text, or click a highlight, to write a note", 4000)

    def action_delete_highlight(self) -> None:
        f = self.floating
        hid = f.highlight.id if f.isVisible() and f.highlight is not None else self.focused_highlight
        if hid is not None:
            self.delete_highlight(hid)

    def _library_changed(self, change: Change) -> None:
        """The window's own bits, after the views have followed a change."""
        if change.kind == "article-deleted" and change.article_id is not None:
            self.annotations.forget(change.article_id)
        f = self.floating
        if self.view.article is None:
            f.hide()
            self.focused_highlight = None
            self.annotations.activate(None)
        else:
            if change.kind == "highlight-added" and change.article_id == self.article_id:
                self.focused_highlight = change.highlight_id
            if f.isVisible() and f.highlight is not None and change.highlight_id in (None, f.highlight.id):
                h = self.view.highlights.get(f.highlight.id)
                rect = self.view.highlight_rect(f.highlight.id) if h is not None else None
                if rect is None:
                    f.hide()
                else:
                    f.show_for_highlight(h, rect)
        self._update_actions()

    def _highlights_reloaded(self, article_id: int) -> None:
        """Highlights changed behind the window's back (another process, an annotation
        import): the undo history before this no longer applies."""
        self.annotations.forget(article_id)
        if article_id == self.article_id:
            self.annotations.activate(article_id)

    def reveal_highlight(self, highlight_id: int) -> None:
        self.focused_highlight = highlight_id
        if not self.view.scroll_to_highlight(highlight_id):
            self.statusBar().showMessage("This highlight could not be placed in the article's current text", 5000)

    def _sidebar_menu(self, highlight_id: int, global_pos) -> None:
        h = self._highlight(highlight_id)
        if h is None:
            return
        menu = QMenu(self)
        self._highlight_menu(menu, h)
        menu.exec(global_pos)

    def action_toggle_annotations(self, checked: bool) -> None:
        self._wanted["annotations"] = bool(checked)
        self.sidebar.setVisible(bool(checked))
        if not checked:
            self.sidebar.save_note()

    def action_color_names(self) -> None:
        dialog = ColorNamesDialog(self.names, self.view.theme, self)
        if dialog.exec() == ColorNamesDialog.DialogCode.Accepted:
            dialog.save()
            self.names_changed()

    def names_changed(self) -> None:
        self.floating.refresh_labels()
        self.sidebar.color_filter.refill()
        if self.notebook is not None:
            self.notebook.color_filter.refill()

    def action_notebook(self) -> None:
        from reader.gui.notebook import Notebook

        if self.notebook is None:
            self.notebook = Notebook(self.ops, self.names, self)
            self.notebook.set_theme(self.theme)
            self.notebook.highlightChosen.connect(self.open_at_highlight)
            self.notebook.exportRequested.connect(
                lambda ids, only: self.action_export("notebook", notebook=(ids, frozenset(only) if only is not None else None)))
        self.notebook.show()  # (re)reads the library when shown
        self.notebook.raise_()
        self.notebook.activateWindow()

    def action_review(self) -> None:
        from reader.gui.review import open_review

        open_review(self)  # made once, kept as self.review

    def open_at_highlight(self, article_id: int, highlight_id: int) -> bool:
        """Open an article (selecting it in the list when it is there) at one of its highlights."""
        if self.article_id != article_id and not self.panel.select_article(article_id):
            self.open_article(article_id)
        if self.article_id != article_id:
            return False
        self.sidebar.select(highlight_id)
        self.reveal_highlight(highlight_id)
        return True

    # -- export and import of annotations -----------------------------------------------------

    def export_dialog(self, **kwargs):
        """Made by one method so tests can answer it."""
        from reader.gui.export_dialog import ExportDialog

        return ExportDialog(self.settings, **kwargs, parent=self)

    def action_export(self, preset: str | None = None, notebook=None) -> None:
        current = (self.view.article.id, self.view.article.title) if self.view.article is not None else None
        tags = [name for name, _count in self.library.tags()]
        dialog = self.export_dialog(tags=tags, current=current, selected=self.selected_article_ids(),
                                    notebook=notebook, preset=preset)
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
            kept = (f"; {len(result.kept)} file{'s' if len(result.kept) != 1 else ''} you changed left alone"
                    if result.kept else "")
            self.statusBar().showMessage(
                f"Exported {result.articles} article{'s' if result.articles != 1 else ''} with "
                f"{result.highlights} highlight{'s' if result.highlights != 1 else ''} to {request.out}{kept}", 10000)
            self.exportFinished.emit(result)

        def failed(exc):
            self.statusBar().clearMessage()
            self.exportFinished.emit(None)
            QMessageBox.warning(self, "Export", f"The export failed: {describe(exc)}")

        return self.ops.run_long(job, on_done=done, on_error=failed, on_progress=progress)

    def action_import_annotations(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Annotations", str(Path.home()),
                                              "W3C Web Annotations (*.json *.jsonld);;All files (*)")
        if path:
            self.import_annotations(path)

    def import_annotations(self, path: str):
        """Import a W3C annotation file on the long lane; its changes refresh the views."""
        from reader.core.export import import_annotations

        def done(result):
            self.statusBar().showMessage(f"Annotations: {result.summary()}", 12000)
            self.annotationsImported.emit(result)

        def failed(exc):
            self.annotationsImported.emit(None)
            QMessageBox.warning(self, "Import Annotations", describe(exc))

        def job(library, task):
            return import_annotations(library, path, progress=lambda done, total: task.report(done, total, ""))

        def progress(done, total, _message):
            self.statusBar().showMessage(f"Importing annotations… {done} of {total}")

        return self.ops.run_long(job, on_done=done, on_error=failed, on_progress=progress)

    # -- other actions ------------------------------------------------------------------------

    def action_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import Saved Pages", str(Path.home()),
            "Saved web pages (*.html *.htm *.xhtml *.mhtml *.mht *.shtml);;All files (*)",
        )
        if files:
            self.import_paths(files)

    def action_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a Folder of Saved Pages", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def action_quit(self) -> None:
        self.close()

    def action_copy(self) -> None:
        self.view.copy()

    def action_find(self) -> None:
        self.pane.find_bar.open_bar()

    def action_contents(self) -> None:
        """The article's headings as a popover, from its toolbar button (or over the page)."""
        menu = self.contents_menu()
        button = self.toolbar.widgetForAction(self.actions["contents"])
        if button is not None and button.isVisible():
            menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        else:
            menu.popup(self.view.mapToGlobal(self.view.rect().topLeft()))

    def contents_menu(self) -> QMenu:
        """Made by one method so tests can read it without popping it up."""
        from reader.gui.reading.contents import contents_menu

        return contents_menu(self.view, self)

    def action_find_next(self) -> None:
        if not self.pane.find_bar.isVisible():
            self.pane.find_bar.open_bar()
        else:
            self.pane.find_bar.step(1)

    def action_find_previous(self) -> None:
        if self.pane.find_bar.isVisible():
            self.pane.find_bar.step(-1)

    def action_search(self) -> None:
        if not self.panel.isVisible():
            self.actions["toggle_library"].setChecked(True)
            self.panel.show()
        self.panel.focus_search()

    def action_toggle_library(self, checked: bool) -> None:
        self._wanted["library"] = bool(checked)
        self.panel.setVisible(bool(checked))  # asked for: shown now, even where it crowds the text

    def action_appearance(self) -> None:
        button = self.appearance_button
        if button is not None and button.isVisible():
            self.appearance_menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        else:
            self.appearance_menu.popup(self.mapToGlobal(self.rect().center()))

    def action_zoom_in(self) -> None:
        self.set_reading(self.reading.bigger())

    def action_zoom_out(self) -> None:
        self.set_reading(self.reading.smaller())

    def action_zoom_reset(self) -> None:
        from dataclasses import replace

        self.set_reading(replace(self.reading, size=ReadingSettings().size))

    def action_full_screen(self, checked: bool) -> None:
        self.showFullScreen() if checked else self.showNormal()

    def action_next_article(self) -> None:
        self.panel.step(1)

    def action_previous_article(self) -> None:
        self.panel.step(-1)

    def action_page_down(self) -> None:
        self.view.page(True)

    def action_page_up(self) -> None:
        self.view.page(False)

    def action_about(self) -> None:
        show_about(self)

    # -- importing ---------------------------------------------------------------------------

    def import_paths(self, paths) -> None:
        """Import files and folders in the background; the window stays responsive."""
        paths = [str(p) for p in paths]
        if not paths:
            return
        if self._import_task is not None:
            self._pending_imports.append(paths)
            return
        names = Path(paths[0]).name if len(paths) == 1 else f"{len(paths)} items"
        self.progress.start(names)
        self.statusBar().clearMessage()
        workers = self.import_workers

        def job(library, task):
            outcomes = library.import_paths(paths, progress=task.report, should_cancel=task.cancelled, workers=workers)
            added = any(o.status == "imported" for o in outcomes)
            return OpResult(outcomes, (Change(ARTICLES_ADDED),) if added else ())

        self._import_task = self.ops.run_long(
            job, on_done=self._import_done, on_error=self._import_error, on_progress=self.progress.update_progress
        )

    def cancel_import(self) -> None:
        if self._import_task is not None:
            self._import_task.cancel()
            self._pending_imports.clear()

    def _import_done(self, outcomes) -> None:
        cancelled = self._import_task.cancelled() if self._import_task is not None else False
        self._import_task = None
        self.progress.hide()
        self.last_summary = self.summary.show_outcomes(outcomes, cancelled)
        self.statusBar().showMessage(summarize(outcomes, cancelled)[0], 8000)
        first_new = next((o.id for o in outcomes if o.status == "imported" and o.id), None)
        target = first_new or next((o.id for o in outcomes if o.status == "duplicate" and o.id), None)
        if self.article_id is None:  # never take the reader away from what they are reading
            self._show_after_import(target)
        self.importFinished.emit(outcomes)
        if self._pending_imports:
            self.import_paths(self._pending_imports.pop(0))

    def _import_error(self, exc: BaseException) -> None:
        self._import_task = None
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

    # -- drag and drop -------------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(mime) -> list[str]:
        if mime is None or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]

    @staticmethod
    def _accept_as_copy(event) -> None:
        """Always a copy: a source that honours Move would delete the reader's saved pages."""
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_paths(event.mimeData()):
            self._accept_as_copy(event)
            self.overlay.cover()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if self._dropped_paths(event.mimeData()):
            self._accept_as_copy(event)
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self.overlay.hide()

    def dropEvent(self, event) -> None:  # noqa: N802
        self.overlay.hide()
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        self._accept_as_copy(event)
        self.import_paths(paths)

    # -- other processes ---------------------------------------------------------------------

    def poll_library(self) -> bool:
        """Look now for changes by another process (also done every few seconds)."""
        return self.ops.poll()

    # -- window state ---------------------------------------------------------------------------

    def _restore_state(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        library_visible = s.value("window/library_visible", True)
        visible = library_visible not in (False, "false", "0", 0)
        self.panel.setVisible(visible)
        self._wanted["library"] = visible
        self.actions["toggle_library"].setChecked(visible)
        annotations = s.value("window/annotations_visible", True) not in (False, "false", "0", 0)
        self.sidebar.setVisible(annotations)
        self._wanted["annotations"] = annotations
        self.actions["toggle_annotations"].setChecked(annotations)
        sort = s.value("library/sort", "added")
        view = s.value("library/view", "inbox")
        tag = s.value("library/tag", "") or None
        state_value = None if view in ("", "all", None) else view
        self.panel.set_query(Query(sort if sort in ("added", "title", "published") else "added",
                                   None if tag else state_value, tag))
        last = s.value("library/last_article")
        try:
            last_id = int(last) if last is not None else None
        except (TypeError, ValueError):
            last_id = None
        self.view.show_placeholder()
        # After the first paint: the list shows at once, the article (which needs
        # the full core) a moment later.
        self._first_paint = _AfterFirstPaint(self.panel.list.viewport(), lambda: self._finish_startup(last_id))

    def _finish_startup(self, last_id: int | None) -> None:
        load = getattr(self.library, "load", None)
        if load is None:
            self._open_last(last_id)
            return

        def failed(exc):
            QMessageBox.warning(self, "Reader", describe(exc))

        # The rest of the core loads off the GUI thread; the list already shows.
        self.ops.run(lambda library: library.load() and None, on_done=lambda _r: self._open_last(last_id),
                     on_error=failed)

    def _open_last(self, last_id: int | None) -> None:
        if last_id is None or self.article_id is not None:
            return
        if not self.panel.select_article(last_id, fetch=False):
            self.open_article(last_id)

    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/library_visible", self._wanted["library"])
        s.setValue("window/annotations_visible", self._wanted["annotations"])
        query = self.panel.current_query()
        s.setValue("library/sort", query.sort)
        s.setValue("library/view", query.state or "all")
        s.setValue("library/tag", query.tag or "")
        if self.article_id is not None:
            s.setValue("library/last_article", self.article_id)
        self.reading.save(s)
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.ops.closed:  # closed once already
            super().closeEvent(event)
            return
        self.sidebar.save_note()
        self.view.flush_progress()
        self.save_state()
        self.cancel_import()
        self.ops.shutdown()  # the last note and position are written before the threads end
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.make_room()

    def make_room(self) -> None:
        """Side panels give way when the text column would fall under MIN_COLUMN_CHARS
        characters (the annotations first, then the library), and come back when there is room."""
        total = self.width()  # the splitter is laid out after this event
        need = self.view.min_column_px()
        widths = {}
        for name, widget in (("library", self.panel), ("annotations", self.sidebar)):
            if widget.isVisible() and widget.width() > 0:
                self._panel_widths[name] = widget.width()
            widths[name] = max(self._panel_widths.get(name, 0), widget.minimumSizeHint().width(), 240)
        show = dict(self._wanted)
        for name in ("annotations", "library"):
            room = total - sum(widths[n] for n in show if show[n])
            if room < need and show[name]:
                show[name] = False
        for name, widget in (("library", self.panel), ("annotations", self.sidebar)):
            if widget.isVisible() != show[name]:
                widget.setVisible(show[name])
                if not show[name] and name == "annotations":
                    self.sidebar.save_note()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Cancel) and self.floating.isVisible():
            self.floating.hide()
            return
        if event.matches(QKeySequence.StandardKey.Cancel) and self.pane.find_bar.isVisible():
            self.pane.find_bar.close_bar()
            return
        super().keyPressEvent(event)
