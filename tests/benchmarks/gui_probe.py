"""One measurement of the window, in a fresh process; prints one JSON line.

    gui_probe.py bare|startup|open|highlight|memory LIBRARY_DIR

bare     a bare PySide6 main window with a list (the baseline)
startup  Reader's window over the library: process start to first paint, list filled
open     time to show the longest article with its highlights painted
highlight time from H on a selection in the longest article to the highlight on screen (shown
         at once while the window's worker stores it), and to it stored, painted in the text's
         formats and listed in the sidebar
memory   peak RSS after scrolling the library list end to end, page by page (each step timed,
         once the core has loaded in the background); then the time to switch the list's view
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time

T0 = time.perf_counter()  # as near process start as Python allows
START_WALL = time.time()

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow


def rss_mb() -> float:
    """Peak resident memory of this process. (Not getrusage: on Linux its
    ru_maxrss carries over the parent's peak across exec.)"""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_age() -> float:
    """Seconds since this process was created (includes interpreter start)."""
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


class FirstPaint(QObject):
    def __init__(self, done) -> None:
        super().__init__()
        self.done = done

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.done)
        return False


def emit(**figures) -> None:
    print(json.dumps(figures), flush=True)


def main() -> int:
    mode, library_dir = sys.argv[1], sys.argv[2]
    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        listing = QListWidget()
        listing.addItems([f"Article {i}" for i in range(100)])
        window.setCentralWidget(listing)
        target = listing.viewport()
    else:
        from reader.core.lazy import LazyLibrary
        from reader.gui.app import create_app
        from reader.gui.main_window import MainWindow

        app = create_app(sys.argv[:1])
        settings = QSettings(os.path.join(tempfile.mkdtemp(), "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(LazyLibrary.open(library_dir), settings, poll_ms=0)  # as reader.gui.app.run
        target = window.panel.list.viewport()
    window.resize(1200, 800)

    def painted() -> None:
        first_paint = process_age()
        if mode in ("bare", "startup"):
            rows = window.panel.model.rowCount() if mode == "startup" else 100
            loaded = "sqlalchemy" in sys.modules
            emit(first_paint_s=first_paint, rows=rows, rss_mb=rss_mb(), core_loaded_before_paint=loaded)
            app.quit()
        elif mode == "open":
            measure_open(window, app)
        elif mode == "highlight":
            measure_highlight(window, app)
        elif mode == "memory":
            scroll_all(window, app)

    spy = FirstPaint(painted)  # keep a reference: Qt does not own event filters
    target.installEventFilter(spy)
    window.show()
    app.exec()
    os._exit(0)


def measure_open(window, app) -> None:
    from sqlalchemy import text

    library = window.library
    with library.engine.connect() as conn:
        article_id = conn.execute(text("SELECT id FROM articles ORDER BY word_count DESC LIMIT 1")).scalar()
    article = library.get(article_id)
    times = []
    for _ in range(5):
        window.open_article(window.panel.model.article_at(0).id)
        app.processEvents()
        t0 = time.perf_counter()
        window.open_article(article_id)
        window.view.viewport().repaint()  # the painted article, not just a queued paint
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    emit(open_ms=times[len(times) // 2], words=article.word_count, highlights=len(article.highlights))
    app.quit()


def measure_highlight(window, app) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtGui import QTextCursor
    from sqlalchemy import text

    settle(window, app)
    library = window.library
    with library.engine.connect() as conn:
        article_id = conn.execute(text("SELECT id FROM articles ORDER BY word_count DESC LIMIT 1")).scalar()
    window.open_article(article_id)
    app.processEvents()
    view = window.view
    doc = view.document()
    times, shown, made = [], [], []
    for k in range(9):
        before = set(view.highlights)
        cursor = QTextCursor(doc)
        start = doc.find(" ", 400 + 1499 * k).position()  # a word start, further down each time
        cursor.setPosition(start)
        cursor.setPosition(start + 60, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        t0 = time.perf_counter()
        window.highlight_selection("green")
        view.viewport().repaint()  # on screen: shown at once, over the text, while it is stored
        shown.append((time.perf_counter() - t0) * 1000)
        deadline = t0 + 30
        while set(view.highlights) == before and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # idle as the window is
        view.viewport().repaint()
        window.sidebar.repaint()
        times.append((time.perf_counter() - t0) * 1000)
        made.extend(set(view.highlights) - before)
    for highlight_id in made:  # the library as it was, for the figures after this one
        library.delete_highlight(highlight_id)
    times.sort()
    shown.sort()
    emit(
        highlight_ms=shown[len(shown) // 2],
        highlight_max_ms=shown[-1],
        stored_ms=times[len(times) // 2],
        stored_max_ms=times[-1],
        made=len(made),
    )
    app.quit()


def settle(window, app) -> None:
    """Wait for the rest of the core to load (the window does so off the GUI thread
    right after its first paint), so that the frames time the list, not the import."""
    deadline = time.perf_counter() + 60
    while not getattr(window.library, "loaded", True) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.005)


def scroll_all(window, app) -> None:
    settle(window, app)
    view = window.panel.list
    model = window.panel.model
    bar = view.verticalScrollBar()
    # Page by page, as a user scrolls: each step is one frame (scroll, fetch more
    # rows when at the end, paint), timed.
    steps = []
    while True:
        t0 = time.perf_counter()
        bar.setValue(bar.value() + 4 * bar.pageStep())  # a fast scroll: four pages a frame
        app.processEvents()
        view.viewport().repaint()
        steps.append((time.perf_counter() - t0) * 1000)
        if not model.canFetchMore(view.rootIndex()) and bar.value() >= bar.maximum():
            break
    bar.setValue(0)
    app.processEvents()
    steps.sort()
    emit(
        rss_mb=rss_mb(),
        rows=model.rowCount(),
        step_max_ms=steps[-1],
        step_p95_ms=steps[min(len(steps) - 1, round(0.95 * (len(steps) - 1)))],
        view_change_ms=view_changes(window, app),
    )
    app.quit()


def view_changes(window, app) -> float:
    """Median time to switch the list to another view and paint it (All, Inbox, ...):
    a new count, a reset of the list, its first rows."""
    from reader.gui.models import Query

    panel = window.panel
    times = []
    for state in ("archived", None, "inbox", "favorite", None, "inbox", "archived"):
        t0 = time.perf_counter()
        panel.set_query(Query(panel.current_query().sort, state, None))
        panel.list.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


if __name__ == "__main__":
    sys.exit(main())
