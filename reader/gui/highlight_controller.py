"""Making and changing highlights and notes from the text, the floating bar and the sidebar, with undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from reader.core.errors import LibraryError
from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtCore import QPoint

    from reader.core.domain import Highlight
    from reader.gui.annotate import NoteDialog


class HighlightController(WindowParts):
    """Mixin of MainWindow: making and changing highlights and notes from the text, the floating bar and
    the sidebar, with undo."""

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
        f.tagsRequested.connect(self._floating_tags)
        f.deleteRequested.connect(self._floating_delete)
        a = self.annotations
        a.failed.connect(lambda message: self.statusBar().showMessage(message, 6000))
        a.failed.connect(lambda _message: self.view.clear_pending())  # a highlight shown before it was stored
        a.failed.connect(self._text_changed_meanwhile)
        self.view.highlightsReloaded.connect(self._highlights_reloaded)
        self.view.textReplaced.connect(self._text_replaced)
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

    def _update_undo(self, *_args: object) -> None:
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

    def _highlight_clicked(self, highlight_id: int, _global_pos: QPoint) -> None:
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

    def _floating_tags(self) -> None:
        if self.floating.highlight is not None:
            self.edit_note(self.floating.highlight.id, tags_first=True)

    def _floating_delete(self) -> None:
        if self.floating.highlight is not None:
            self.delete_highlight(self.floating.highlight.id)

    def _floating_note(self) -> None:
        f = self.floating
        if f.highlight is not None:
            self.edit_note(f.highlight.id)
        else:
            self.action_note()

    def highlight_selection(self, color: str | None = None, note: str = "", tags: Iterable[str] = ()) -> bool:
        """Highlight the selected text (stored on the ops lane; the views follow the change).
        False when nothing was selected."""
        article = self.view.article
        span = self.view.selected_text_range()
        if article is None or span is None:
            self.statusBar().showMessage("Select some text to highlight first", 4000)
            return False
        color = color or self.names.default
        # The words the reader saw there: refused by the library if another process has
        # extracted the article again since (the offsets would cover other words).
        seen = article.text[span[0] : span[1]]
        self.annotations.add(article.id, span[0], span[1], color, note, tags, seen=seen)
        self.view.clear_selection()
        self.view.show_pending(span[0], span[1], color)  # on screen now; stored on the worker
        self.floating.hide()
        return True

    def _text_changed_meanwhile(self, _message: str) -> None:
        """An annotation could not be stored: perhaps (the library refuses a selection made
        on text extracted again since) because the text shown is no longer the article's."""
        if self._show_new_text():
            self.statusBar().showMessage(
                "The article's text changed since it was shown (extracted again); "
                "the new text is shown: select the words again",
                8000,
            )

    def _show_new_text(self) -> bool:
        """If another process extracted the open article again, show its new text (with its
        highlights where they now are) at the reader's place; True when it did."""
        article = self.view.article
        if article is None:
            return False
        try:
            fresh = self.library.get(article.id)
        except LibraryError:
            return False  # deleted meanwhile: that change comes by itself
        if fresh.text == article.text:
            return False
        self.view.show_article(fresh, progress=self.view.scroll_fraction())
        self.sidebar.set_article(fresh)
        self.annotations.forget(fresh.id)  # its highlights moved with the text
        self.annotations.activate(fresh.id)
        return True

    def _text_replaced(self, _article_id: int) -> None:
        """The view shows the open article's new text (extracted again elsewhere): the bar
        over a selection or highlight of the old text goes."""
        self.floating.hide()
        self.statusBar().showMessage("The article was extracted again; its new text is shown", 5000)

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

    def _highlight(self, highlight_id: int) -> Highlight | None:
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
        if dialog.exec() == dialog.DialogCode.Accepted:
            self.annotations.edit(h, dialog.note(), dialog.tag_list())

    def note_dialog(self, quote: str, note: str, tags: Iterable[str], color: str) -> NoteDialog:
        """Made by one method so tests can answer it."""
        from reader.gui.annotate import NoteDialog
        from reader.gui.tag_completion import complete_tags

        dialog = NoteDialog(quote, note, tags, self.names.label(color), self)
        known = {name for name, _count in self.library.tags()}  # one set of tags for articles and highlights
        known.update(tag for h in self.view.highlights.values() for tag in h.tags)
        complete_tags(dialog.tags, known)
        return dialog

    def action_highlight(self) -> None:
        self.highlight_selection()

    def action_note(self) -> None:
        if self.view.selected_text_range() is not None:
            cursor = self.view.textCursor()
            dialog = self.note_dialog(cursor.selectedText().replace("\u2029", "\n"), "", (), self.names.default)
            if dialog.exec() == dialog.DialogCode.Accepted:
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

    def _highlights_reloaded(self, article_id: int) -> None:
        """Highlights changed behind the window's back (another process, an annotation
        import): the undo history before this no longer applies."""
        self.annotations.forget(article_id)
        if article_id == self.article_id:
            self.annotations.activate(article_id)
            # Extracted again elsewhere, the highlights' offsets are in the new text: on the
            # text shown they would cover other words. (The view shows the new text itself when
            # it sees it first: view.textReplaced.)
            if self._show_new_text():
                self.statusBar().showMessage("The article was extracted again; its new text is shown", 5000)

    def reveal_highlight(self, highlight_id: int) -> None:
        self.focused_highlight = highlight_id
        if not self.view.scroll_to_highlight(highlight_id):
            self.statusBar().showMessage("This highlight could not be placed in the article's current text", 5000)

    def _sidebar_menu(self, highlight_id: int, global_pos: QPoint) -> None:
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
        from reader.gui.annotate import ColorNamesDialog

        dialog = ColorNamesDialog(self.names, self.view.theme, self)
        if dialog.exec() == ColorNamesDialog.DialogCode.Accepted:
            dialog.save()
            self.names_changed()

    def names_changed(self) -> None:
        self.floating.refresh_labels()
        self.sidebar.color_filter.refill()
        if self.notebook is not None:
            self.notebook.color_filter.refill()
