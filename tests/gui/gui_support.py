"""Helpers the GUI tests share (a module of its own: every test folder has a
"conftest", and `from conftest import ...` could find another folder's)."""

import threading

# What the window must never do on the GUI thread: write, or run a read that can be slow.
WRITES = frozenset(
    {
        "import_paths",
        "store",
        "reextract",
        "optimize",
        "reindex",
        "set_archived",
        "set_favorite",
        "set_progress",
        "set_note",
        "set_title",
        "reset_title",
        "set_tags",
        "add_tags",
        "remove_tags",
        "change_tags",
        "delete",
        "add_highlight",
        "highlight_quote",
        "update_highlight",
        "delete_highlight",
        "restore_highlight",
        "insert_highlights",
        "backup",
        "answer_review",
        "set_review_settings",
    }
)
SLOW_READS = frozenset({"all_highlights", "iter_articles", "search", "review_queue", "review_stats"})


class GuiThreadGuard:
    """The library as the window sees it: a write (or a slow read) called on the GUI
    thread fails the test, there and then and again at teardown."""

    def __init__(self, library) -> None:
        self._library = library
        self.violations: list[str] = []

    def __getattr__(self, name: str):
        value = getattr(self._library, name)
        if name not in WRITES and name not in SLOW_READS:
            return value

        def checked(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                self.violations.append(name)
                raise AssertionError(f"Library.{name} called on the GUI thread")
            return value(*args, **kwargs)

        return checked

    def __setattr__(self, name: str, value) -> None:
        # The window sets plain attributes on its library (e.g. `user`, the display name).
        if name in ("_library", "violations"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._library, name, value)


def settle(qtbot, window, timeout: int = 15000) -> None:
    """Wait until every operation the window started has finished and been announced."""
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=timeout)


def image_formats(view) -> list:
    """The images in the reading view's document (QTextImageFormat), in reading order."""
    found = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(fmt.toImageFormat())
            it += 1
        block = block.next()
    return found


def answer_dialogs(window, kind, *answers) -> None:
    """Answer the window's real modal dialogs of class `kind`, in turn, as they open: each answer
    is a function that fills one in and presses one of its buttons, as the reader would. Then, as
    the desktop does, the window has its keys back."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    queue = list(answers)

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible() or not queue:
            return
        dialog.finished.connect(lambda _result: window.activateWindow())
        queue.pop(0)(dialog)
        if not queue:
            timer.stop()

    timer = QTimer(window)
    timer.setInterval(10)
    timer.timeout.connect(look)
    timer.start()
