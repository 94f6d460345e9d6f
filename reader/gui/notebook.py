"""The Notebook: every highlight in the library, filtered by colour, tag, article or words.

A window of its own (not modal), so the reader can keep it beside the article:
choosing a highlight opens its article at it. Export... exports the articles of
the highlights shown, with just those highlights.

Reading every highlight of a big library takes a while, so the reads run on the
window's ops lane (gui/tasks.py), never on the GUI thread; an answer that a newer
request has overtaken is dropped. It follows every change the window announces.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from reader.core.domain import Highlight
from reader.gui.annotate import ColorNames
from reader.gui.highlight_cards import (
    ColorFilter,
    HighlightDelegate,
    HighlightListModel,
    TagFilter,
    build_entries,
    highlight_list,
)
from reader.gui.widgets import props

LIMIT = 5000  # highlights listed at once; a filter narrows a bigger notebook


class Notebook(QDialog):
    highlightChosen = Signal(int, int)  # article id, highlight id
    exportRequested = Signal(list, object)  # article ids, the highlights shown (by id) or None for all
    refreshed = Signal()  # the list shows the answer to the latest request

    def __init__(self, ops, names: ColorNames, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Notebook")
        self.setWindowTitle("Notebook")
        self.ops = ops
        self.names = names
        self.titles: dict[int, str] = {}
        self.shown: list[Highlight] = []
        self._asked = self._filled = 0  # requests made; only the answer to the latest is shown
        self._filters: tuple | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.search = props(QLineEdit(), placeholderText="Search quotes and notes", objectName="NotebookSearch")
        self.search.setClearButtonEnabled(True)
        self.color_filter = ColorFilter(names)
        self.tag_filter = TagFilter()
        self.article_filter = props(QComboBox(), objectName="ArticleFilter")
        self.article_filter.setMinimumContentsLength(18)
        self.article_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        row.addWidget(self.search, 2)
        row.addWidget(self.color_filter, 1)
        row.addWidget(self.tag_filter, 1)
        row.addWidget(self.article_filter, 2)
        layout.addLayout(row)
        self.model = HighlightListModel(self)
        self.delegate = HighlightDelegate(names, self, show_titles=True)
        self.list = highlight_list("NotebookList", self.model, self.delegate)
        layout.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        self.count = props(QLabel(), objectName="NotebookCount")
        self.export_button = props(QPushButton("Export…"), objectName="NotebookExport")
        self.export_button.setToolTip("Export the articles of these highlights, with just these highlights")
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)

        # What it shows until the library answers (a big library takes a moment): the filters as
        # they will read, and a word that the highlights are on their way, not an empty frame.
        self.tag_filter.set_tags([])
        self.article_filter.addItem("All articles", None)
        self.count.setText("Reading your highlights…")

        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh)
        self._reload_timer = QTimer(self, singleShot=True, interval=150)  # a burst of changes: one reload
        self._reload_timer.timeout.connect(self.reload)
        ops.changed.connect(self.apply_change)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for box in (self.color_filter, self.tag_filter, self.article_filter):
            box.currentIndexChanged.connect(self.refresh)
        self.list.activated.connect(self._chosen)
        self.list.clicked.connect(self._chosen)
        self.export_button.clicked.connect(self._export)
        self.resize(760, 640)

    def set_theme(self, theme) -> None:
        self.delegate.set_theme(theme)
        self.color_filter.theme = theme
        self.color_filter.refill()
        self.list.viewport().update()

    def apply_change(self, change) -> None:
        """A highlight, a title or an article's presence may have changed: read again.
        (An article's own fields - progress, note, archive - are not shown here.)"""
        if self.isVisible() and change.kind != "article-updated":
            self._reload_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        """Fill the tag and article filters from the library, then list."""
        self._reload_timer.stop()
        self._filled += 1
        asked = self._filled

        def read(lib):
            titles = {summary.id: summary.title for summary in lib.iter_articles()}
            counts: dict[int, int] = {}
            tags = set()
            for h in lib.all_highlights():
                counts[h.article_id] = counts.get(h.article_id, 0) + 1
                tags.update(h.tags)
            return titles, counts, tags

        def answered(answer) -> None:
            if asked == self._filled:
                self._fill_filters(*answer)

        self.ops.run(read, on_done=answered)

    def _fill_filters(self, titles: dict[int, str], counts: dict[int, int], tags: set) -> None:
        if (titles, counts, tags) == self._filters:
            self.refresh()  # the same menus: leave them alone (one may be open)
            return
        self._filters = (titles, counts, tags)
        self.titles = titles
        self.tag_filter.set_tags(tags)
        current = self.article_filter.currentData()
        self.article_filter.blockSignals(True)
        self.article_filter.clear()
        self.article_filter.addItem("All articles", None)
        for article_id, n in counts.items():
            self.article_filter.addItem(f"{self.titles.get(article_id, article_id)} ({n})", article_id)
        self.article_filter.setCurrentIndex(max(0, self.article_filter.findData(current)))
        self.article_filter.blockSignals(False)
        self.color_filter.refill()
        self.refresh()

    def refresh(self) -> None:
        """List the highlights the filters choose (read on the ops lane)."""
        self._timer.stop()
        self._asked += 1
        asked = self._asked
        color, tag = self.color_filter.currentData(), self.tag_filter.currentData()
        article_id, query = self.article_filter.currentData(), self.search.text().strip() or None

        def answered(found) -> None:
            if asked == self._asked:
                self._show(found)

        self.ops.run(
            lambda lib: lib.all_highlights(color=color, tag=tag, article_id=article_id, query=query), on_done=answered
        )

    def _show(self, found) -> None:
        if found == self.shown and self.model.rowCount():
            self.refreshed.emit()  # the same answer: keep the reader's place in the list
            return
        self.shown = found
        # Newest article first (the library's order), reading order inside each.
        entries = []
        previous = None
        for h in found[:LIMIT]:  # the article's title over its first highlight, not every one
            entries.append(("highlight", h, self.titles.get(h.article_id, "") if h.article_id != previous else ""))
            previous = h.article_id
        self.model.set_entries(entries)
        articles = len({h.article_id for h in found})
        text = f"{len(found)} highlight{'s' if len(found) != 1 else ''} in {articles} article{'s' if articles != 1 else ''}"
        if len(found) > LIMIT:
            text += f" (the first {LIMIT} shown)"
        if not found:  # say why the list is empty and how it fills, not "0 highlights in 0 articles"
            text = (
                "No highlights match these filters."
                if self.filtered()
                else "No highlights yet: select words in an article and press H."
            )
        self.count.setText(text)
        self.export_button.setEnabled(bool(found))
        self.refreshed.emit()

    def _chosen(self, index) -> None:
        entry = index.data(Qt.ItemDataRole.UserRole + 1) if index.isValid() else None
        if entry is not None and entry[0] == "highlight":
            self.highlightChosen.emit(entry[1].article_id, entry[1].id)

    def filtered(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.color_filter.currentData()
            or self.tag_filter.currentData()
            or self.article_filter.currentData()
        )

    def _export(self) -> None:
        ids = list(dict.fromkeys(h.article_id for h in self.shown))
        self.exportRequested.emit(ids, {h.id for h in self.shown} if self.filtered() else None)

    def sizeHint(self) -> QSize:
        return QSize(760, 640)


__all__ = ["Notebook", "build_entries"]
