"""What the window remembers between runs (geometry, panels, the list's view, the last article), its
start-up in two steps, and the side panels giving way in a narrow window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from reader.gui.first_frame import AfterFirstPaint
from reader.gui.models import Query
from reader.gui.tasks import describe
from reader.gui.theme import min_column_px
from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QResizeEvent
    from PySide6.QtWidgets import QWidget


STARTUP_FALLBACK_MS = 1000


def _text(value: object) -> str:
    """A setting read back as text ("" for a value of another type, as a hand-edited file may hold)."""
    return value if isinstance(value, str) else ""


class WindowState(WindowParts):
    """Mixin of MainWindow: what the window remembers between runs (geometry, panels, the list's view, the
    last article), its start-up in two steps, and the side panels giving way in a narrow window."""

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
        self._side_panel("annotations").setVisible(annotations)
        self._wanted["annotations"] = annotations
        self.actions["toggle_annotations"].setChecked(annotations)
        sort = _text(s.value("library/sort", "added"))
        view = _text(s.value("library/view", "inbox"))
        tag = _text(s.value("library/tag", "")) or None
        state_value = None if view in ("", "all") else view
        self.panel.set_query(
            Query(sort if sort in ("added", "title", "published") else "added", None if tag else state_value, tag)
        )
        last = s.value("library/last_article")
        try:
            last_id = int(last) if last is not None else None
        except (TypeError, ValueError):
            last_id = None
        if last_id is not None:  # its row shows selected in the first frame; it opens after the paint
            self.panel.select_article(last_id, emit=False)
        # After the first paint (the window's own comes first, its children's in the same pass): the
        # rest of the window and the article, read without the full core. A window never painted
        # (shown minimized, on another desktop) starts all the same, a little later.
        self._first_paint = AfterFirstPaint(self, lambda: self._finish_startup(last_id))
        QTimer.singleShot(STARTUP_FALLBACK_MS, self, lambda: self._finish_startup(last_id))

    def when_started(self, then: Callable[[], object]) -> None:
        """Run `then` once the window has started (right after its first paint), or now if it has."""
        if self._started:
            then()
        else:
            self._on_start.append(then)

    def _finish_startup(self, last_id: int | None) -> None:
        if self._started or self.ops.closed:  # closed before its first paint (e.g. a start-up probe)
            return
        self._started = True
        self.build_rest()
        self.panel.finish_start()
        waiting, self._on_start = self._on_start, []
        for then in waiting:
            then()
        # The article first: it is read on the light path, and the reader waits for its text.
        self._open_last(last_id)
        if getattr(self.library, "load", None) is None:
            return

        def failed(exc: BaseException) -> None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "Reader", describe(exc))

        # Then the rest of the core loads off the GUI thread (writes wait for it on their lane).
        self.ops.run(lambda library: library.load() and None, on_error=failed)

    def _open_last(self, last_id: int | None) -> None:
        if last_id is None or self.article_id is not None:
            return
        # Selected in the first frame without opening it; else found by its position, however deep.
        if self.panel.current_id() == last_id or not self.panel.select_article(last_id):
            self.open_article(last_id)
        self.focus_reading()

    def focus_reading(self) -> None:
        """Keys go to the article that just opened by itself (at start, after the first import):
        j/k, Space and arrows then read, instead of typing into the search field, which the
        window would otherwise focus as its first field. Focus the reader put elsewhere stays."""
        if self.article_id is None:
            return
        focused = QApplication.focusWidget()
        idle_search = focused is self.panel.search and not self.panel.search.text()
        if focused is None or idle_search or focused is self.panel.list or not focused.isVisible():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

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

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ops.closed:  # closed once already
            super().closeEvent(event)
            return
        if self.built:
            self.sidebar.save_note()
            self.view.flush_progress()
        self.save_state()
        self.cancel_import()
        self.ops.shutdown()  # the last note and position are written before the threads end
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.make_room()

    def make_room(self) -> None:
        """Side panels give way when the text column would fall under MIN_COLUMN_CHARS
        characters (the annotations first, then the library), and come back when there is room."""
        total = self.width()  # the splitter is laid out after this event
        need = min_column_px(self.reading)
        widths = {}
        for name, widget in (("library", self.panel), ("annotations", self._side_panel("annotations"))):
            if widget.isVisible() and widget.width() > 0:
                self._panel_widths[name] = widget.width()
            widths[name] = max(self._panel_widths.get(name, 0), widget.minimumSizeHint().width(), 240)
        show = dict(self._wanted)
        for name in ("annotations", "library"):
            room = total - sum(widths[n] for n in show if show[n])
            if room < need and show[name]:
                show[name] = False
        for name, widget in (("library", self.panel), ("annotations", self._side_panel("annotations"))):
            if widget.isVisible() != show[name]:
                widget.setVisible(show[name])
                if not show[name] and name == "annotations" and self.built:
                    self.sidebar.save_note()
            # The toolbar button shows what is on screen: a panel that gave way is one click from
            # coming back (setChecked does not trigger the action, so the reader's wish stays).
            self.actions[f"toggle_{name}"].setChecked(show[name])

    def _side_panel(self, name: str) -> QWidget:
        """The library panel, or the sidebar (its stand-in until it is built)."""
        if name == "library":
            return self.panel
        return self.sidebar if self.built else self._stand_ins["annotations"]
