"""The context menus over the text, the list and the sidebar's highlights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QPoint

    from reader.core.domain import Highlight


class ContextMenus(WindowParts):
    """Mixin of MainWindow: the context menus over the text, the list and the sidebar's highlights."""

    def _build_list_menu(self) -> None:
        self.panel.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.panel.list.customContextMenuRequested.connect(self._list_menu)

    def _build_view_menu(self) -> None:
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._view_menu)

    def _article_menu(self, menu: QMenu, with_delete: bool = True) -> None:
        keys = ("archive", "favorite", "tags", "rename", "reset_title", None, "open_original", "copy_url", "open_url")
        for key in keys + ((None, "delete") if with_delete else ()):
            if key is None:
                menu.addSeparator()
            elif key != "reset_title" or self.actions[key].isEnabled():  # only for a renamed article
                menu.addAction(self.actions[key])

    def _view_menu(self, pos: QPoint) -> None:
        self.view_menu(pos).popup(self.view.viewport().mapToGlobal(pos))

    def view_menu(self, pos: QPoint) -> QMenu:
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

    def _list_menu(self, pos: QPoint) -> None:
        menu = self.list_menu(pos)
        if menu is not None:
            menu.exec(self.panel.list.viewport().mapToGlobal(pos))

    def list_menu(self, pos: QPoint) -> QMenu | None:
        """The context menu over the list at viewport point `pos` (its row made current), if over a row."""
        index = self.panel.list.indexAt(pos)
        if not index.isValid():
            return None
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
        return menu

    def selected_article_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.panel.list.selectionModel().selectedIndexes())
        items = self.panel.model.items
        return [items[r].id for r in rows if 0 <= r < len(items)]

    def _color_items(self, menu: QMenu, handler: Callable[[str], object], current: str | None = None) -> None:
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

    def _highlight_menu(self, menu: QMenu, h: Highlight) -> None:
        sub = menu.addMenu("Colour")
        self._color_items(sub, lambda color: self.recolor(h.id, color), current=h.color)
        menu.addAction("Edit Note…" if h.note else "Add Note…", lambda: self.edit_note(h.id))
        menu.addAction("Edit Tags…", lambda: self.edit_note(h.id, tags_first=True))
        menu.addAction("Copy Quote", lambda: QGuiApplication.clipboard().setText(h.quote))
        menu.addSeparator()
        menu.addAction("Delete Highlight", lambda: self.delete_highlight(h.id))
