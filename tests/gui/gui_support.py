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
        "set_tags",
        "add_tags",
        "remove_tags",
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
