"""The main window: library panel | reading view | annotations, toolbar and menus.

This module assembles the window in two steps. The first frame is the chrome (menus, toolbar,
status bar, every action and shortcut), the list with the last article's row selected, and
stand-ins where the text and the sidebar come (first_frame.py); right after the first paint,
build_rest makes the reading view, the sidebar, the highlight tools and the vault, and starts
the worker. A part asked for earlier (a shortcut in the first instant) is built at once.

Each behaviour lives in a module of its own, mixed in:

    window_state.py         geometry, panels and the last article kept between runs; narrow windows
    import_controller.py    File > Import, folders, drag and drop, the import queue and summary
    highlight_controller.py highlights and notes from the text, the floating bar and the sidebar; undo
    article_controller.py   archive, favourite, tags, rename, delete, the original file and address
    context_menus.py        the menus over the text, the list and the sidebar
    export_controller.py    export, and annotations imported back
    link_controller.py      reader://open links to an article and a highlight
    actions.py              every action as data (ids, menus, shortcuts); handlers are action_<id>
    styles.py               the window's style sheet
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
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
from reader.gui import actions as action_specs
from reader.gui.article_controller import ArticleController
from reader.gui.context_menus import ContextMenus
from reader.gui.export_controller import ExportController
from reader.gui.first_frame import StandIn
from reader.gui.highlight_controller import HighlightController
from reader.gui.icons import app_icon, icon
from reader.gui.identity import IdentityController
from reader.gui.import_controller import ImportController
from reader.gui.import_progress import ImportProgress
from reader.gui.library_panel import LibraryPanel
from reader.gui.link_controller import LinkController
from reader.gui.styles import window_css
from reader.gui.tasks import LibraryOps, describe
from reader.gui.theme import ReadingSettings, Theme, palette_for
from reader.gui.vault_keeper import VaultController
from reader.gui.window_parts import WindowParts
from reader.gui.window_state import WindowState

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent

    from reader.core.domain import Article
    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library
    from reader.gui.dialogs import AppearancePanel
    from reader.gui.instance import Listener
    from reader.gui.review import ReviewView

POLL_MS = 1000  # the check is SQLite's data_version: microseconds, at any library size


class MainWindow(
    WindowState,
    ImportController,
    HighlightController,
    ArticleController,
    ContextMenus,
    ExportController,
    IdentityController,
    VaultController,
    LinkController,
    WindowParts,
):
    """The Reader window over one Library.

    The window reads the library where it must show something at once (an article,
    a page of the list) but never writes to it: every operation goes through
    `self.ops` (gui/tasks.py), off the GUI thread, and what it changed comes back on
    `self.ops.changed`, which the list, the reading view, the sidebar, the Notebook
    and the window itself follow. Changes by other processes arrive the same way.
    """

    # Its signals (importFinished, articleOpened, exportFinished, annotationsImported) and the
    # parts the mixins share are declared in window_parts.py.
    listener: Listener  # files and links from other `reader` commands; set by app.run after the first paint
    review: ReviewView  # the daily review, made when first asked for (review.open_review)

    # The parts built right after the first paint (build_rest), or at once when something asks
    # for one of them first (a shortcut pressed in the first instant, a test, a link to open).
    DEFERRED = frozenset(
        ("view", "pane", "sidebar", "names", "annotations", "floating", "summary", "overlay", "vault", "display_name")
    )

    def __init__(
        self, library: Library | LazyLibrary, settings: QSettings | None = None, poll_ms: int = POLL_MS
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings if settings is not None else QSettings()
        self.reading = ReadingSettings.load(self.settings)
        self.theme: Theme = self.reading.resolved_theme()
        self.import_workers: int | None = None  # None: all cores
        self._import_task = None
        self._pending_imports: list[list[str]] = []
        self._arrivals_due = False  # a look at the articles an import has stored so far is on its way
        self._flipping: dict[tuple[str, int], int] = {}  # (switch, article): clicks not yet stored
        self.last_summary = ""
        self._wanted = {"library": True, "annotations": True}  # the side panels the reader asked for
        self._panel_widths: dict[str, int] = {}
        self.built = False  # the parts in DEFERRED exist
        self._building = False
        self._started = False
        self._on_start = []

        self.setWindowTitle(APP_NAME)
        if QApplication.windowIcon().isNull():  # else the app's (create_app)
            self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setUnifiedTitleAndToolBarOnMac(True)

        # The first frame: the chrome, the list, and stand-ins where the text and the sidebar come.
        # The lanes start after the first paint: jobs given before (the display name) wait, in order.
        self.ops = LibraryOps(library, self, poll_ms=poll_ms, start=False)
        self.panel = LibraryPanel(library, self.ops)
        self.panel.setMinimumWidth(240)
        self.panel.list.setSelectionMode(self.panel.list.SelectionMode.ExtendedSelection)  # export the selected
        self.notebook = None
        self.last_export = None
        self.focused_highlight: int | None = None  # the one clicked last (N edits its note)
        self._stand_ins = {
            "pane": StandIn("ReadingStandIn", self.theme.background),
            "annotations": StandIn("AnnotationsStandIn", None, min_width=240),
        }
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self._stand_ins["pane"])
        self.splitter.addWidget(self._stand_ins["annotations"])
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)  # (build_rest gives the parts the same factors)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setHandleWidth(1)
        self.splitter.setSizes([320, 800, 310])
        self._central_widget = central = QWidget()
        self._central = QVBoxLayout(central)
        self._central.setContentsMargins(0, 0, 0, 0)
        self._central.setSpacing(0)
        self._central.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.progress = ImportProgress()  # hidden, but it sets the status bar's height
        self.progress.cancelRequested.connect(self.cancel_import)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().setSizeGripEnabled(False)

        self.actions = action_specs.build_actions(self)  # every shortcut works from the first frame
        self.menus = action_specs.build_menus(self.menuBar(), self.actions)
        self._build_theme_menu()
        self._build_toolbar()
        self._build_list_menu()
        self.actions["toggle_library"].setChecked(True)
        self.actions["toggle_annotations"].setChecked(True)

        self.ops.changed.connect(self._follow_change)
        self.panel.articleChosen.connect(self.open_article)
        self.panel.resultOpened.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        self.panel.searchCleared.connect(self._search_cleared)
        self.panel.importRequested.connect(self.action_import)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda _scheme: self.set_reading(self.reading, force=True))

        self.apply_theme()
        self.resize(1240, 820)
        self._restore_state()
        self._update_actions()

    def build_rest(self) -> None:
        """The parts the first frame does without: the reading view, the sidebar, the highlight
        tools, the import banner, the vault; then the lanes start. Runs once,
        right after the first paint or when one of the parts is first asked for."""
        if self.built or self._building:
            return
        self._building = True
        from reader.gui.annotate import Annotations, ColorNames, FloatingToolbar
        from reader.gui.annotations_panel import AnnotationsPanel
        from reader.gui.dialogs import ImportSummary
        from reader.gui.import_controller import DropOverlay
        from reader.gui.reading.view import ReaderPane, ReadingView

        self.view = ReadingView(self.library, self.reading)
        self.pane = ReaderPane(self.view)
        self.names = ColorNames(self.settings)
        self.annotations = Annotations(self.ops, self)
        self.sidebar = AnnotationsPanel(self.library, self.ops, self.names)
        self.floating = FloatingToolbar(self.names, self.view.viewport())
        # Same place, size and visibility as the stand-ins (QSplitter.replaceWidget keeps them); a
        # stretch factor is kept in the widget's size policy, so it is given again.
        for index, (key, part) in enumerate((("pane", self.pane), ("annotations", self.sidebar)), start=1):
            self.splitter.replaceWidget(index, part)
            self.splitter.setStretchFactor(index, 1 if key == "pane" else 0)
            self._stand_ins.pop(key).deleteLater()
        self.summary = ImportSummary()  # hidden until an import ends
        self._central.insertWidget(0, self.summary)
        self.overlay = DropOverlay(self._central_widget)
        self._build_view_menu()
        self._connect_annotations()
        self._start_identity()  # the display name, queued before any write of this session
        self._start_vault()
        self.view.progressChanged.connect(self._save_progress)
        self.built = True
        self._building = False
        self._theme_parts(self.theme)
        self.make_room()
        self._update_actions()
        # Laid out now: an article opened in the same call (a click in the first instant) is set
        # in the column it keeps, not in a provisional one and again a moment later.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.ops.start()

    def _follow_change(self, change: Change) -> None:
        """One signal for every change, followed in this order: the views, then the window's own
        bits (which read the views). The Notebook connects itself when it is made."""
        self.build_rest()  # (a change before the first paint is over: the parts first)
        self.view.apply_change(change)
        self.sidebar.apply_change(change)
        self.panel.apply_change(change)
        self._library_changed(change)

    if not TYPE_CHECKING:  # (the type checker sees the parts as declared in WindowParts)

        def __getattr__(self, name: str) -> object:
            """A part not built yet is built when first asked for (only then is this called)."""
            if name in MainWindow.DEFERRED and not self.__dict__.get("_building", True):
                self.build_rest()
                return getattr(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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
                spacer.setSizePolicy(
                    spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy().Preferred
                )
                bar.addWidget(spacer)
            else:
                bar.addAction(self.actions[item])
        self.toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        # The appearance popover hangs from its toolbar button; its panel is built when
        # first shown (its themed buttons cost start-up time the first paint does not need).
        self._appearance: AppearancePanel | None = None
        self.appearance_menu = QMenu(self)
        self.appearance_menu.aboutToShow.connect(lambda: self.appearance)
        button = bar.widgetForAction(self.actions["appearance"])
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            button.setMenu(self.appearance_menu)
        self.appearance_button = button

    @property
    def appearance(self) -> AppearancePanel:
        """The appearance popover's panel, made and put in its menu on first use."""
        if self._appearance is None:
            from reader.gui.dialogs import AppearancePanel

            self._appearance = AppearancePanel(self.reading)
            self._appearance.changed.connect(self.set_reading)
            holder = QWidgetAction(self.appearance_menu)
            holder.setDefaultWidget(self._appearance)
            self.appearance_menu.addAction(holder)
        return self._appearance

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
        if self._appearance is not None:  # else made from self.reading when first shown
            self._appearance.set_settings(reading)
        if self.built:  # else made from self.reading
            self.view.apply_settings(reading)
        self.apply_theme()

    def apply_theme(self) -> None:
        t = self.reading.resolved_theme()
        self.theme = t
        if QApplication.instance() is not None:
            QApplication.setPalette(palette_for(t))
        from PySide6.QtGui import QColor

        self.panel.delegate.accent = QColor(t.accent)
        self.panel.search_delegate.accent = QColor(t.accent)
        self.setStyleSheet(window_css(t))
        for spec in action_specs.ACTIONS:
            if spec.icon:
                on = "star-filled" if spec.id == "favorite" else None
                self.actions[spec.id].setIcon(icon(spec.icon, self._icon_tint(t), on, t.accent))
        if self.built:
            self._theme_parts(t)
        else:
            self._stand_ins["pane"].set_color(t.background)
        if self.notebook is not None:
            self.notebook.set_theme(t)
        for key, action in getattr(self, "theme_actions", {}).items():
            action.setChecked(key == self.reading.theme)
        if self.isVisible():  # (viewport() costs the first frame a type lookup of 5 ms)
            self.panel.list.viewport().update()

    @staticmethod
    def _icon_tint(t: Theme) -> str:
        return t.muted if not t.dark else t.text

    def _theme_parts(self, t: Theme) -> None:
        """The theme on the parts built after the first paint."""
        self.pane.find_bar.set_icons(self._icon_tint(t))
        self.floating.set_theme(t)
        self.sidebar.set_theme(t)

    # -- articles ----------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        """The article shown (none before the reading view is built)."""
        return self.view.article if self.built else None

    @property
    def article_id(self) -> int | None:
        article = self.article
        return article.id if article is not None else None

    def open_article(self, article_id: int, terms: tuple[str, ...] = ()) -> bool:
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
        article = self.article
        for key in action_specs.article_actions():
            self.actions[key].setEnabled(article is not None)
        # A switch the reader flipped shows what they chose until it is stored, not the
        # state read meanwhile (a second quick click then flips it back, as they expect).
        for key, stored in (
            ("archive", bool(article and article.archived)),
            ("favorite", bool(article and article.favorite)),
        ):
            if article is None or not self._flipping.get((key, article.id)):
                self.actions[key].setChecked(stored)
        self.actions["contents"].setEnabled(article is not None and self.built and self.view.has_contents())
        self.actions["copy_url"].setEnabled(bool(article and article.url))
        self.actions["open_url"].setEnabled(bool(article and article.url))
        self._update_title_actions(article)
        # The title as it is now (renamed here or by another process).
        self.setWindowTitle(APP_NAME if article is None else f"{article.title} — {APP_NAME}")

    # -- changes, and the other windows ----------------------------------------------------------

    def _library_changed(self, change: Change) -> None:
        """The window's own bits, after the views have followed a change."""
        if change.kind == "article-deleted" and change.article_id is not None:
            self.annotations.forget(change.article_id)
        f = self.floating
        if self.view.article is None:
            if self.view.placeholder != self.view.placeholder_text():  # the library's first article, or its last gone
                self.view.show_placeholder()
            f.hide()
            self.focused_highlight = None
            self.annotations.activate(None)
        else:
            if change.kind == "highlight-added" and change.article_id == self.article_id:
                self.focused_highlight = change.highlight_id
            if f.isVisible() and f.highlight is not None and change.highlight_id in (None, f.highlight.id):
                h = self.view.highlights.get(f.highlight.id)
                rect = self.view.highlight_rect(f.highlight.id) if h is not None else None
                if h is None or rect is None:
                    f.hide()
                else:
                    f.show_for_highlight(h, rect)
        self._update_actions()

    def action_notebook(self) -> None:
        from reader.gui.notebook import Notebook

        if self.notebook is None:
            self.notebook = Notebook(self.ops, self.names, self)
            self.notebook.set_theme(self.theme)
            self.notebook.highlightChosen.connect(self.open_at_highlight)
            self.notebook.exportRequested.connect(
                lambda ids, only: self.action_export(
                    "notebook", notebook=(ids, frozenset(only) if only is not None else None)
                )
            )
        self.notebook.show()  # (re)reads the library when shown
        self.notebook.raise_()
        self.notebook.activateWindow()

    def action_review(self) -> None:
        from reader.gui.review import open_review

        open_review(self)  # made once, kept as self.review

    # -- other actions ------------------------------------------------------------------------

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

    def action_shortcuts(self) -> None:
        from reader.gui.shortcuts_help import ShortcutsHelp

        sheet = self.findChild(ShortcutsHelp, "ShortcutsHelp")
        if sheet is None:
            sheet = ShortcutsHelp(self.actions, self)
        sheet.show()
        sheet.raise_()
        sheet.activateWindow()

    def action_about(self) -> None:
        from reader.gui.dialogs import show_about

        show_about(self)

    # -- other processes ---------------------------------------------------------------------

    def poll_library(self) -> bool:
        """Look now for changes by another process (also done every few seconds)."""
        return self.ops.poll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.built:  # no floating bar or find bar to close yet
            super().keyPressEvent(event)
            return
        if event.matches(QKeySequence.StandardKey.Cancel) and self.floating.isVisible():
            self.floating.hide()
            return
        if event.matches(QKeySequence.StandardKey.Cancel) and self.pane.find_bar.isVisible():
            self.pane.find_bar.close_bar()
            return
        super().keyPressEvent(event)
