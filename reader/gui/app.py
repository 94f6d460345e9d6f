"""Start the desktop window over a library: the QApplication, its settings, the main window."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from reader import APP_ID, APP_NAME, __version__
from reader.core.errors import LibraryError
from reader.core.lazy import LazyLibrary
from reader.gui.opening import open_library

if TYPE_CHECKING:
    from reader.gui.main_window import MainWindow


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Reader's names (settings live under Reader/<app id>) and style."""
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    app.setStyle("Fusion")  # the same look everywhere; the palette comes from the reading theme
    from reader.gui.icons import app_icon

    app.setWindowIcon(app_icon())
    return app


def user_settings() -> QSettings:
    """The user's settings: organization "Reader", application the app id."""
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, APP_NAME, APP_ID)


def run(library_dir: str | None, files: list[str], links: list[tuple[str, str | None]] | None = None) -> int:
    app = create_app()
    links = links or []
    try:
        # Lists at once; the rest of the core loads right after the first paint.
        library = open_library(library_dir)
    except LibraryError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        opened = _offer_personal_library(str(exc), library_dir)
        if opened is None:
            return 1
        library = opened
    from reader.gui import instance
    from reader.gui.main_window import MainWindow

    folder = library.folder  # a folder, or a server's URL
    key = str(folder.resolve()) if isinstance(folder, Path) else str(folder)
    name = instance.server_name(key)
    if (files or links) and instance.forward(name, files, links):
        library.close()  # the window already open on this library takes them
        return 0
    window = MainWindow(library, user_settings())
    window.show()

    def listen() -> None:  # after the first paint: QtNetwork costs start-up time
        window.listener = instance.Listener(name, window.import_paths, window.open_link, window)

    window.when_started(listen)
    if files:
        window.when_started(lambda: window.import_paths(files))
    for article, highlight in links:
        window.when_started(functools.partial(window.open_link, article, highlight))
    try:
        return app.exec()
    finally:
        library.close()


def __getattr__(name: str) -> type[MainWindow]:
    if name == "MainWindow":
        from reader.gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)


def _offer_personal_library(reason: str, library_dir: str | None) -> LazyLibrary | None:
    """The library could not be opened (a server down, a wrong password...): say why,
    and offer the personal library on this computer instead, when that is another one."""
    from PySide6.QtWidgets import QMessageBox

    from reader.core.location import default_library_dir, resolve_library

    box = QMessageBox(QMessageBox.Icon.Critical, "Reader cannot open the library", reason)
    personal_dir = default_library_dir()
    other = str(resolve_library(library_dir)) != str(personal_dir)
    personal = box.addButton("Open My Personal Library", QMessageBox.ButtonRole.AcceptRole) if other else None
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if personal is None or box.clickedButton() is not personal:
        return None
    try:
        return open_library(personal_dir)
    except LibraryError as exc:
        QMessageBox.critical(None, "Reader cannot open the library", str(exc))
        return None
