"""Start the desktop window over a library."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QTextBrowser

from reader import APP_NAME, __version__
from reader.core.library import Library, LibraryError


class MainWindow(QMainWindow):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.setWindowTitle(APP_NAME)
        self.list = QListWidget()
        self.view = QTextBrowser()
        self.view.setOpenExternalLinks(True)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.view)
        splitter.setSizes([300, 700])
        self.setCentralWidget(splitter)
        self.list.currentItemChanged.connect(self._open_item)
        self.reload()
        self.resize(1100, 750)

    def reload(self) -> None:
        self.list.clear()
        for article in self.library.iter_articles():
            item = QListWidgetItem(article.title)
            item.setData(256, article.id)
            self.list.addItem(item)

    def _open_item(self, item) -> None:
        if item is None:
            return
        article = self.library.get(item.data(256))
        self.view.setHtml(f"<h1>{article.title}</h1>{article.html}")


def run(library_dir: str | None, files: list[str]) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    try:
        library = Library.open(library_dir)
    except LibraryError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 1
    if files:
        library.import_paths(files)
    window = MainWindow(library)
    window.show()
    return app.exec()
