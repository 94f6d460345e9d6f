"""Start-up in two steps: the window's first frame (the chrome, the list, the last article's
row) shows before the reading view, the sidebar and the worker exist; they are built right
after the first paint, or at once when something asks for them first. Nothing the reader can
do in the first instant is lost, and nothing moves when the rest arrives.

The window is opened here as `reader` opens it: over a LazyLibrary (reader.gui.app.run).
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from pages import numbered_page
from PySide6.QtCore import QSettings, Qt

from reader.core.lazy import LazyLibrary
from reader.core.library import Library
from reader.gui.main_window import MainWindow

ARTICLES = 30


@pytest.fixture
def library_dir(tmp_path):
    """A library of ARTICLES articles on disk, closed: the window opens it as `reader` does."""
    folder = tmp_path / "pages"
    folder.mkdir()
    library = Library.open(tmp_path / "library")
    outcomes = library.import_paths([numbered_page(folder, i) for i in range(ARTICLES)], workers=1)
    assert [o.status for o in outcomes] == ["imported"] * ARTICLES
    ids = {o.path: o.id for o in outcomes}
    library.close()
    return tmp_path / "library", ids


@pytest.fixture
def open_window(qtbot, tmp_path):
    """A MainWindow over a LazyLibrary, shown but not yet painted (no events processed)."""
    windows = []

    def make(folder, last_article: int | None = None):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        if last_article is not None:
            settings.setValue("library/last_article", last_article)
        window = MainWindow(LazyLibrary.open(folder), settings, poll_ms=0)
        window.import_workers = 1
        qtbot.addWidget(window)
        window.resize(1200, 800)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()
        window.library.close()


def test_the_first_frame_is_the_list_and_the_rest_follows_without_moving_anything(library_dir, open_window, qtbot):
    folder, _ids = library_dir
    window = open_window(folder)
    window.show()
    # The first frame: the list is filled, the reading view and the sidebar are not made yet.
    assert not window.built
    assert "view" not in window.__dict__ and "sidebar" not in window.__dict__
    assert window.panel.model.rowCount() == ARTICLES
    before = (window.splitter.sizes(), window.statusBar().height(), window.panel.list.geometry())
    qtbot.waitUntil(lambda: window.built, timeout=5000)  # right after the first paint, by itself
    assert window.splitter.widget(1) is window.pane and window.splitter.widget(2) is window.sidebar
    assert window.sidebar.isVisible() and window.view.isVisible()
    qtbot.wait(50)  # the new parts laid out and polished
    assert (window.splitter.sizes(), window.statusBar().height(), window.panel.list.geometry()) == before


def test_the_last_article_is_selected_in_the_first_frame_and_opens_after_it(library_dir, open_window, qtbot):
    folder, ids = library_dir
    deep = next(i for path, i in ids.items() if path.endswith("page-01.html"))  # near the end, newest first
    window = open_window(folder, last_article=deep)
    window.show()
    bar = window.panel.list.verticalScrollBar()
    assert not window.built
    assert window.panel.current_id() == deep  # its row, selected before the first paint
    assert bar.value() > 0  # and scrolled to: it is far down the list
    scrolled = bar.value()
    qtbot.waitUntil(lambda: window.article_id == deep, timeout=10000)
    assert window.view.article.title == "Article 01"
    assert window.windowTitle().startswith("Article 01")
    assert bar.value() == scrolled  # the list did not jump when the article opened


def test_the_last_article_shows_without_waiting_for_the_rest_of_the_core(library_dir, open_window, qtbot):
    # The text the reader left comes first; SQLAlchemy and the rest of the core load after it,
    # off the GUI thread (they took longer than the article itself).
    folder, ids = library_dir
    last = next(iter(ids.values()))
    window = open_window(folder, last_article=last)
    core_loaded_when_opened = []
    window.articleOpened.connect(lambda _id: core_loaded_when_opened.append(window.library.loaded))
    window.show()
    qtbot.waitUntil(lambda: window.article_id == last, timeout=10000)
    assert core_loaded_when_opened == [False]
    qtbot.waitUntil(lambda: window.library.loaded, timeout=20000)  # and the core follows by itself


def test_a_shortcut_pressed_before_the_rest_is_built_works(library_dir, open_window, qtbot):
    folder, _ids = library_dir
    window = open_window(folder)
    window.removeEventFilter(window._first_paint)  # hold the build back: only the key press may cause it
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert not window.built
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.panel.list, Qt.Key.Key_A, ctrl_shift)  # View > Annotations: the sidebar goes
    assert window.built
    assert not window.sidebar.isVisible() and not window.actions["toggle_annotations"].isChecked()
    qtbot.keyClick(window.panel.list, Qt.Key.Key_A, ctrl_shift)  # and comes back
    assert window.sidebar.isVisible()
    qtbot.keyClick(window.panel.list, Qt.Key.Key_J)  # the next article, from the first frame's list
    qtbot.waitUntil(lambda: window.article_id is not None, timeout=5000)
    assert window.view.article.title == window.panel.model.article_at(0).title


def test_a_window_never_painted_starts_all_the_same(library_dir, open_window, qtbot):
    folder, ids = library_dir
    window = open_window(folder, last_article=next(iter(ids.values())))
    started = []
    window.when_started(lambda: started.append(window.built))
    # Not shown (as a window started minimized or on another desktop may not be painted).
    qtbot.waitUntil(lambda: window.article_id is not None, timeout=10000)
    assert started == [True]


def test_files_given_at_start_are_imported_once_the_worker_starts(library_dir, open_window, qtbot, tmp_path):
    folder, _ids = library_dir
    window = open_window(folder)
    window.show()
    new = numbered_page(tmp_path / "pages", 77)
    with qtbot.waitSignal(window.importFinished, timeout=20000) as done:
        window.import_paths([new])  # as reader.gui.app.run does, maybe before the first paint
    assert [o.status for o in done.args[0]] == ["imported"]
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == ARTICLES + 1, timeout=5000)


def test_reader_with_files_imports_them_and_takes_more_from_a_second_command(library_dir, tmp_path):
    """`reader FILE` (reader.gui.app.run): the files are imported once the window has started, and the
    listener, started after the first paint, takes the files of a second `reader FILE` on the library."""
    import os
    import subprocess
    import sys
    import time

    folder, _ids = library_dir
    pages = tmp_path / "more"
    pages.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "reader", "--library", str(folder)]

    def count_reaches(n: int) -> None:
        library = LazyLibrary.open(folder)
        try:
            deadline = time.monotonic() + 60
            while library.count(None) < n:
                assert time.monotonic() < deadline, f"the library has {library.count(None)} articles, not {n}"
                time.sleep(0.1)
        finally:
            library.close()

    window = subprocess.Popen([*command, str(numbered_page(pages, 40))], env=env, stderr=subprocess.PIPE)
    try:
        count_reaches(ARTICLES + 1)
        second = subprocess.run([*command, str(numbered_page(pages, 41))], env=env, capture_output=True, timeout=60)
        assert second.returncode == 0, second.stderr
        count_reaches(ARTICLES + 2)
    finally:
        window.terminate()
        window.wait(30)


FIRST_FRAME = r"""
import sys
from PySide6.QtCore import QSettings
from reader.gui.app import create_app
app = create_app(sys.argv[:1])
from reader.core.lazy import LazyLibrary
from reader.gui.main_window import MainWindow
window = MainWindow(LazyLibrary.open(sys.argv[1]), QSettings(sys.argv[2], QSettings.Format.IniFormat), poll_ms=0)
window.show()
print(" ".join(sorted(sys.modules)))
"""


def test_the_first_frame_loads_neither_the_reading_view_nor_the_core(library_dir, tmp_path):
    """What the first frame does without is not even imported before it (a fresh process: the
    test run has imported everything)."""
    import os
    import subprocess
    import sys

    folder, _ids = library_dir
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(folder), str(tmp_path / "s.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    assert "reader.gui.main_window" in loaded and "reader.gui.library_panel" in loaded
    later = {
        "reader.gui.reading.view",  # the reading view
        "reader.gui.annotations_panel",  # the sidebar
        "reader.gui.annotate",  # the highlight tools
        "reader.gui.dialogs",
        "PySide6.QtNetwork",  # the listener for other `reader` commands
        "sqlalchemy",  # the full core
    }
    assert loaded & later == set()
