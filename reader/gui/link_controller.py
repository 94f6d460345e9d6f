"""reader://open links: go to a linked article and highlight, from another `reader` command,
the desktop or an export's link (mixin of MainWindow)."""

from __future__ import annotations

from reader.gui.tasks import describe
from reader.gui.window_parts import WindowParts


class LinkController(WindowParts):
    def open_link(self, article: str, highlight: str | None = None) -> None:
        """Go to a reader://open link's article (and highlight), and come forward."""

        def done(found: tuple[int, int | None]) -> None:
            article_id, highlight_id = found
            if highlight_id is None:
                if not self.panel.select_article(article_id):
                    self.open_article(article_id)
                if highlight:
                    self.statusBar().showMessage("The linked highlight is no longer in this article", 8000)
            else:
                self.open_at_highlight(article_id, highlight_id)
            if self.isMinimized():
                self.showNormal()
            self.raise_()
            self.activateWindow()

        def failed(exc: BaseException) -> None:
            self.statusBar().showMessage(describe(exc), 10000)

        self.ops.run(lambda lib: lib.find_link(article, highlight), on_done=done, on_error=failed)

    def open_at_highlight(self, article_id: int, highlight_id: int) -> bool:
        """Open an article (selecting it in the list when it is there) at one of its highlights."""
        if self.article_id != article_id and not self.panel.select_article(article_id):
            self.open_article(article_id)
        if self.article_id != article_id:
            return False
        self.sidebar.select(highlight_id)
        self.reveal_highlight(highlight_id)
        return True
