"""What the reader does to the open article: archive, favourite, tags, rename, delete, and its source
(the original file, its address)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from reader.core.tags import tag_edits
from reader.gui.window_parts import WindowParts

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from reader.core.domain import Article, Change
    from reader.core.library import Library


class ArticleController(WindowParts):
    """Mixin of MainWindow: what the reader does to the open article: archive, favourite, tags, rename,
    delete, and its source (the original file, its address)."""

    def action_archive(self, checked: bool | None = None) -> None:
        archived = (not self.actions["archive"].isChecked()) if checked is None else bool(checked)
        following = self._next_in_list() if archived and self.panel.current_query().state == "inbox" else None
        self._flip(
            "archive",
            archived,
            lambda lib, article_id: lib.set_archived(article_id, archived),
            "Archived" if archived else "Moved back to the inbox",
            then=following,
        )

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

    def _flip(
        self, key: str, value: bool, store: Callable[[Library, int], Change], message: str = "", then: int | None = None
    ) -> None:
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

        def stored(_change: Change) -> None:
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
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from reader.core.tags import parse_tags
        from reader.gui.tag_completion import complete_tags

        opened = article.tags  # what the editor starts from: only the reader's edits to it are stored
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Tags")
        dialog.setLabelText("Tags for this article, separated by commas:")
        dialog.setTextValue(", ".join(opened))
        field = dialog.findChild(QLineEdit)
        if field is not None:
            complete_tags(field, (name for name, _count in self.library.tags()))
        ok = dialog.exec() == QInputDialog.DialogCode.Accepted
        text = dialog.textValue()
        dialog.deleteLater()
        if ok and self.article_id == article.id:
            self.set_tags(parse_tags(text), opened=opened)

    def set_tags(self, tags: Iterable[str], opened: Iterable[str] | None = None) -> None:
        """Give the open article these tags, as edited from `opened` (default: the tags the
        window shows). Only the tags added and removed are stored, read and written in one
        transaction: a tag another process added meanwhile (`reader tag ID x`) is kept, where
        writing the whole list dropped it, and the edit is stored whole or not at all."""
        article_id = self.article_id
        if article_id is None:
            return
        if opened is None:
            opened = self.view.article.tags if self.view.article is not None else ()
        added, removed = tag_edits(opened, tags)
        if not added and not removed:
            return

        self.ops.run(lambda lib: lib.change_tags(article_id, add=added, remove=removed), on_error=self._report)

    def action_rename(self) -> None:
        """The title in a small dialog (opened, not run: the window goes on painting, and a
        test answers it); Rename stores it, Esc leaves the title as it was."""
        article = self.view.article
        if article is None:
            return
        from reader.gui.rename_dialog import RenameDialog

        dialog = RenameDialog(article.title, article.page_title, self)

        def answered(result: int) -> None:
            if result == RenameDialog.DialogCode.Accepted and self.article_id == article.id:
                self.rename(dialog.title())
            dialog.deleteLater()

        dialog.finished.connect(answered)
        dialog.open()

    def rename(self, title: str) -> None:
        """Give the open article the reader's own title (kept through re-extraction); an
        empty title is refused, here and in the library."""
        article = self.view.article
        title = " ".join(title.split())
        if article is None or not title or title == article.title:
            return
        self.ops.run(
            lambda lib: lib.set_title(article.id, title),
            on_done=lambda _change: self.statusBar().showMessage(f"Renamed to “{title}”", 4000),
            on_error=self._report,
        )

    def action_reset_title(self) -> None:
        article = self.view.article
        if article is None or not article.renamed:
            return
        page_title = article.page_title
        self.ops.run(
            lambda lib: lib.reset_title(article.id),
            on_done=lambda _change: self.statusBar().showMessage(f"Back to the page’s title, “{page_title}”", 4000),
            on_error=self._report,
        )

    def _update_title_actions(self, article: Article | None) -> None:
        """“Use the Page’s Title” only for a renamed article, naming the title it brings back."""
        reset = self.actions["reset_title"]
        renamed = article is not None and article.renamed
        reset.setEnabled(renamed)
        if renamed and article is not None and article.page_title is not None:
            shown = article.page_title if len(article.page_title) <= 48 else article.page_title[:47] + "…"
            reset.setText(f"Use the Page’s Tit&le: “{shown.replace('&', '&&')}”")
            reset.setToolTip(f"Give this article its page’s title again: {article.page_title}")
        else:
            reset.setText("Use the Page’s Tit&le")
            reset.setToolTip("Give this article the title its page has again")

    def confirm_delete(self, title: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            "Delete Article",
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

        def deleted(_change: Change) -> None:
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
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="reader-original-"))
            path = folder / (article.source_name or "page.html")
            path.write_bytes(self.library.original(article.id))
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def action_copy_url(self) -> None:
        article = self.view.article
        if article is None or not article.url:
            self.statusBar().showMessage("This article has no source address", 4000)
            return
        QGuiApplication.clipboard().setText(article.url)
        self.statusBar().showMessage(f"Copied {article.url}", 4000)

    def action_copy_citation(self) -> None:
        """The article as a BibTeX @online entry, for Zotero or a LaTeX bibliography."""
        from reader.core.export.citations import citation_text

        article = self.view.article
        if article is None:
            return
        QGuiApplication.clipboard().setText(citation_text(article, "bibtex"))
        self.statusBar().showMessage("Copied the citation (BibTeX)", 4000)

    def action_open_url(self) -> None:
        article = self.view.article
        if article is not None and article.url:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl(article.url))
