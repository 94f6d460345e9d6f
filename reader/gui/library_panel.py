"""The library panel: search field, view and sort choices, the article list or search results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import Change
from reader.gui.models import ArticleDelegate, ArticleListModel, IdRole, Query, SearchDelegate, SearchResultsModel
from reader.gui.tasks import describe
from reader.gui.widgets import named

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QObject
    from PySide6.QtGui import QShowEvent
    from PySide6.QtWidgets import QWidget

    from reader.core.domain import SearchHit
    from reader.core.lazy import LazyLibrary
    from reader.core.library import Library
    from reader.gui.tasks import LibraryOps

VIEWS = (("inbox", "Inbox"), ("favorite", "Favorites"), ("archived", "Archive"), (None, "All Articles"))
SORTS = (("added", "Newest"), ("title", "Title"), ("published", "Published"))


class EmptyState(QFrame):
    """What a new user sees: how to get articles in."""

    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 40, 24, 40)
        layout.addStretch(1)
        self.icon = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.title = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "EmptyTitle")
        self.body = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "EmptyBody")
        self.button = QPushButton("Import Saved Pages…")
        self.button.clicked.connect(self.importRequested)
        for widget in (self.icon, self.title, self.body):
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addSpacing(10)
        layout.addLayout(row)
        layout.addStretch(2)

    def show_message(self, title: str, body: str, offer_import: bool) -> None:
        self.title.setText(title)
        self.body.setText(body)
        self.button.setVisible(offer_import)


class ArticleTable(QTableView):
    """The article list as a one-column table with rows of one fixed height.

    A QListView lays out every row on each reset (two calls into the Python model
    per row: 0.2 s at 100,000 articles, on every reload); a table with a fixed
    row height asks only for the rows it paints. It behaves as a list: no headers
    or grid, whole rows selected, Tab leaves it, Home/End go to the first/last row.
    """

    def __init__(self, model: ArticleListModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._reveal: QPersistentModelIndex | None = None

    def reveal(self, index: QModelIndex) -> None:
        """Scroll `index` into view; a list not shown yet (the window's first frame) has no height
        to scroll in, so it does so when shown, before its first paint."""
        if self.isVisible():
            self.scrollTo(index)
        else:
            self._reveal = QPersistentModelIndex(index)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # (its size is set by now: resize events come before the show)
        index, self._reveal = self._reveal, None
        if index is not None and index.isValid():
            self.scrollTo(self.model().index(index.row(), index.column()))

    def fit_rows(self) -> None:
        """Every row as high as the delegate draws one (it depends on the font)."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        height = self.itemDelegate().sizeHint(option, QModelIndex()).height()
        self.verticalHeader().setMinimumSectionSize(min(height, self.verticalHeader().minimumSectionSize()))
        self.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_rows()

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier  # the first/last row, as in a list
        return super().moveCursor(action, modifiers)


class ViewBox(QComboBox):
    """The view menu; `before_popup` runs as it opens (the tags, read after the first paint,
    are then read at once if they are not yet)."""

    def __init__(self, before_popup: Callable[[], None]) -> None:
        super().__init__()
        self.before_popup = before_popup

    def showPopup(self) -> None:
        self.before_popup()
        super().showPopup()


class LibraryPanel(QWidget):
    """Emits articleChosen(id, terms) when the reader picks an article or a search hit."""

    articleChosen = Signal(int, tuple)
    resultOpened = Signal()  # Enter in the search box opened a result: reading goes on in the view
    searchCleared = Signal()  # the search box was emptied: the list is back
    importRequested = Signal()
    queryChanged = Signal()

    def __init__(self, library: Library | LazyLibrary, ops: LibraryOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library  # the list's pages are read here; searches run on `ops`
        self.ops = ops
        self._asked = 0  # searches asked; only the answer to the latest shows
        self.setObjectName("LibraryPanel")
        self.setAcceptDrops(False)
        self.model = ArticleListModel(library, self)
        self.results = SearchResultsModel(self)

        self.search = QLineEdit(placeholderText="Search library   Ctrl+K")
        self.search.setAcceptDrops(False)
        self.search.setObjectName("SearchField")
        self.view_box = ViewBox(self._read_tags)
        self.view_box.setAcceptDrops(False)
        self.sort_box = QComboBox()
        for key, label in SORTS:
            self.sort_box.addItem(label, key)
        self.count_label = named(QLabel(), "CountLabel")

        self.list = ArticleTable(self.model)
        self.list.setObjectName("ArticleList")
        self.delegate = ArticleDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.fit_rows()
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setAcceptDrops(False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.result_list = QListView()
        self.result_list.setObjectName("SearchResults")
        self.result_list.setModel(self.results)
        self.search_delegate = SearchDelegate(self.result_list)
        self.result_list.setItemDelegate(self.search_delegate)
        self.result_list.setMouseTracking(True)
        self.result_list.setWordWrap(True)
        self.result_list.setFrameShape(QFrame.Shape.NoFrame)
        self.result_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.result_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.result_list.setAcceptDrops(False)

        self.empty = EmptyState()
        self.empty.importRequested.connect(self.importRequested)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.result_list)
        self.stack.addWidget(self.empty)

        top = QVBoxLayout()
        top.setContentsMargins(10, 10, 10, 6)
        top.setSpacing(8)
        top.addWidget(self.search)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.view_box, 1)
        row.addWidget(self.sort_box)
        top.addLayout(row)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=180)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._search_text_changed)
        self.search.returnPressed.connect(self._open_first_result)
        self.search.installEventFilter(self)
        self.result_list.installEventFilter(self)  # Esc there leaves the search too
        self.view_box.currentIndexChanged.connect(self._query_changed)
        self.sort_box.currentIndexChanged.connect(self._query_changed)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.result_list.clicked.connect(self._hit_chosen)
        self.result_list.activated.connect(self._hit_chosen)
        self._updating = False
        self._tags: list[tuple[str, int]] | None = None  # None: not read yet (finish_start)
        self.importing = False  # an import runs: an empty list is one still filling
        self.fill_views(with_tags=False)

    def finish_start(self) -> None:
        """What the first frame does without (the window calls it right after its first paint):
        the tags in the view menu (a query that grows with the library) and the search field's
        clear button (it shows only over text; making it loads the icon machinery)."""
        self._read_tags()
        self.search.setClearButtonEnabled(True)

    def _read_tags(self) -> None:
        if self._tags is None:
            self.fill_views()

    # -- views, tags, sorting --------------------------------------------------------

    def fill_views(self, keep: str | None = None, with_tags: bool = True) -> None:
        """The view menu: Inbox, Favorites, Archive, All, then one entry per tag."""
        current = keep if keep is not None else self.view_box.currentData()
        tags = self.library.tags() if with_tags else []
        if tags == self._tags and self.view_box.count() and current == self.view_box.currentData():
            return  # the same menu: leave it alone (it may be open)
        self._tags = tags if with_tags else None
        self._updating = True
        self.view_box.clear()
        for state, label in VIEWS:
            self.view_box.addItem(label, f"state:{state or 'all'}")
        if tags:
            self.view_box.insertSeparator(self.view_box.count())
            for name, count in tags:
                self.view_box.addItem(f"#{name}  ({count})", f"tag:{name}")
        index = self.view_box.findData(current) if current is not None else 0
        self.view_box.setCurrentIndex(max(0, index))
        self._updating = False

    def current_query(self) -> Query:
        kind, _, value = (self.view_box.currentData() or "state:inbox").partition(":")
        sort = self.sort_box.currentData() or "added"
        if kind == "tag":
            return Query(sort, None, value)
        return Query(sort, None if value == "all" else value, None)

    def set_query(self, query: Query) -> None:
        if query.tag:
            self._read_tags()
        self._updating = True
        data = f"tag:{query.tag}" if query.tag else f"state:{query.state or 'all'}"
        index = self.view_box.findData(data)
        self.view_box.setCurrentIndex(max(0, index))
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(query.sort)))
        self._updating = False
        self._query_changed()

    def _query_changed(self) -> None:
        if self._updating:
            return
        current = self.current_id()
        self.model.set_query(self.current_query())
        if current is not None:
            self.select_article(current, emit=False)  # still in this view: still the current one
        self._update_state()
        self.queryChanged.emit()

    def apply_change(self, change: Change) -> None:
        """Follow a change to the library (LibraryOps.changed): one row, or everything."""
        article_id, kind = change.article_id, change.kind
        if article_id is None:
            self.reload()
            return
        if kind == "article-deleted":
            handled = self.model.remove_article(article_id)
        elif kind == "article-updated" and self.model.query.tag:
            handled = False  # its tags may have taken it out of this view
        else:
            row = self.model.row_of(article_id)
            before = self.model.items[row].title if row is not None else None
            handled = self.model.update_article(article_id)
            row = self.model.row_of(article_id)
            if handled and self.model.query.sort == "title" and row is not None:
                handled = self.model.items[row].title == before  # renamed: its place in the order moves
        if not handled:
            self._reload_list()  # a row not fetched yet: the count and the rows on screen again
        if kind in ("article-updated", "article-deleted"):
            self.fill_views()
        self._update_state()

    def reload(self) -> None:
        """Reload after changes by anyone (keeps the selection and the scroll position)."""
        self.fill_views()
        self._reload_list()
        self._update_state()
        if self.search.text().strip():
            self.run_search()

    def _reload_list(self) -> None:
        current = self.current_id()
        scroll = self.list.verticalScrollBar().value()
        if self.model.reload(keep_rows=self._rows_on_screen()):
            if current is not None:
                self.select_article(current, emit=False)
            self.list.verticalScrollBar().setValue(scroll)

    def _rows_on_screen(self) -> list[int]:
        """The rows the list shows now, and the current one."""
        viewport = self.list.viewport()
        top = max(0, self.list.indexAt(QPoint(1, 1)).row())
        bottom = self.list.indexAt(QPoint(1, viewport.height() - 2)).row()
        if bottom < 0:  # the list ends on screen
            bottom = min(self.model.rowCount(), top + 100) - 1
        return [self.list.currentIndex().row(), *range(top, bottom + 1)]

    def _update_state(self) -> None:
        total = self.model.total
        query = self.model.query
        self.count_label.setText(f"{total:,} article{'s' if total != 1 else ''}")
        query_text = self.search.text().strip()
        if query_text:
            hits = self.results.rowCount()
            if self.results.query == query_text:
                self.count_label.setText(f"{hits} result{'s' if hits != 1 else ''} for “{query_text}”")
            self.stack.setCurrentWidget(self.result_list)
            return
        if total:
            self.stack.setCurrentWidget(self.list)
            return
        if self.importing:
            self.empty.show_message("Importing…", "Each saved page shows up here as soon as it is read.", False)
        elif query.state == "inbox" and self.library.count() == 0:
            self.empty.show_message(
                "Your library is empty",
                "Drag saved web pages here — .html files, “Web Page, complete” folders, .mhtml or "
                "SingleFile pages, or whole folders of them — or import them from the File menu.",
                True,
            )
        else:
            label = self.view_box.currentText().split("  (")[0]
            self.empty.show_message(f"Nothing in {label}", "Articles you file here will show up in this list.", False)
        self.stack.setCurrentWidget(self.empty)

    def set_importing(self, importing: bool) -> None:
        self.importing = importing
        self._update_state()

    # -- the list ---------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select_article(self, article_id: int, fetch: bool = True, emit: bool = True) -> bool:
        row = self.model.locate(article_id) if fetch else self.model.row_of(article_id)
        if row is None:
            return False
        index = self.model.index(row)
        blocked = not emit
        if blocked:
            self.list.selectionModel().blockSignals(True)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if blocked:
            self.list.selectionModel().blockSignals(False)
            if self.list.isVisible():  # else it paints as it is when shown
                self.list.viewport().update()
        self.list.reveal(index)
        return True

    def step(self, delta: int) -> None:
        """Next/previous article in the list (j/k)."""
        view = self.result_list if self.stack.currentWidget() is self.result_list else self.list
        model = view.model()
        row = view.currentIndex().row()
        target = 0 if row < 0 else row + delta
        if 0 <= target < model.rowCount():
            index = model.index(target, 0)
            view.setCurrentIndex(index)
            view.scrollTo(index)
            if view is self.result_list:
                self._hit_chosen(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.articleChosen.emit(current.data(IdRole), ())

    # -- search -----------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def leave_search(self) -> None:
        """Esc in the search box or its results: the search cleared, the list back with the
        open article current, and the keys go to the list (as Readwise does)."""
        self.search.clear()  # (textChanged: the list shows again, searchCleared)
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _search_text_changed(self, text: str) -> None:
        if not text.strip():
            self._search_timer.stop()
            self._asked += 1  # an answer still on its way is no longer wanted
            self.results.set_hits("", [])
            self._update_state()
            self.searchCleared.emit()
            return
        self._search_timer.start()

    def run_search(self, then: Callable[[], None] | None = None) -> None:
        """Search the library on the ops lane (a big library takes a while); the answer
        shows if no newer search was asked meanwhile, then `then()` runs."""
        self._search_timer.stop()
        query = self.search.text().strip()
        self._asked += 1
        asked = self._asked

        def found(hits: list[SearchHit]) -> None:
            if asked == self._asked:
                self._show_hits(query, hits)
                if then is not None:
                    then()

        def failed(exc: BaseException) -> None:
            if asked == self._asked:
                self.count_label.setText(describe(exc))

        if not query:
            found([])
            return
        self.ops.run(lambda lib: lib.search(query), on_done=found, on_error=failed)

    def _show_hits(self, query: str, hits: list[SearchHit]) -> None:
        if query and query == self.results.query and hits == self.results.hits:
            self._update_state()  # the same answer: keep the reader's place in it
            return
        self.results.set_hits(query, hits)
        self.count_label.setText(
            f"{len(hits)} result{'s' if len(hits) != 1 else ''} for “{query}”" if query else self.count_label.text()
        )
        self._update_state()
        if hits:
            self.result_list.setCurrentIndex(self.results.index(0))

    def _open_first_result(self) -> None:
        if self._search_timer.isActive() or self.results.query != self.search.text().strip():
            self.run_search(then=self._open_and_read)
        else:
            self._open_and_read()

    def _open_and_read(self) -> None:
        self._open_current_result()
        if self.result_list.currentIndex().isValid() or self.results.rowCount():
            self.resultOpened.emit()

    def _open_current_result(self) -> None:
        index = self.result_list.currentIndex()
        if not index.isValid() and self.results.rowCount():
            index = self.results.index(0)
        if index.isValid():
            self._hit_chosen(index)

    def _hit_chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self.results.hits[index.row()]
        self.articleChosen.emit(hit.article_id, tuple(hit.terms))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        from PySide6.QtGui import QKeyEvent

        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and (obj is self.search or obj is self.result_list):
                self.leave_search()
                return True
        if obj is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.rowCount():
                self.step(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(obj, event)
