"""Time to the first painted window: Reader over a 10,000-article library vs a bare PySide6 window.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/gui/bench_startup.py [--articles 10000]

Each measurement runs in a fresh process (imports included), timed from process
start to the end of the window's first paint pass (the window, then all its children:
Reader's list, toolbar and chrome; the bare window's label), over the library the way
`reader` opens it (reader.gui.opening.open_library, as reader.gui.app.run). The wall time is the target's
measure; the process's CPU time is printed beside it, being far less moved by the
load of a shared machine. The children keep
compiled bytecode in a private cache, warmed by one unmeasured run, as an
installed app has its .pyc files: with PYTHONDONTWRITEBYTECODE set (as in some
shells) every run would otherwise compile Reader's modules again, a cost the bare
window does not have and users do not pay. The library is built once by storing
prepared copies of the fixture page with varied text.

A second baseline, "plain-list-window", is the least a window of Reader's kind does in
plain PySide6 (menus with shortcuts, a toolbar, a search field, a list over the same
file drawn by a delegate): it shows what PySide6 itself costs such a window before any
of Reader's own code (Qt's enums are made in Python on first use).
Not collected by pytest (the file name does not start with test_).
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, sys, time
T0 = float(sys.argv[2])
kind = sys.argv[1]
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
STAGES = [("PySide6 imported", time.process_time())]

def stage(name):
    STAGES.append((name, time.process_time()))

def painted():
    print(f"first-paint {time.time() - T0:.4f} {time.process_time():.4f}", flush=True)
    stage("first paint")
    print("stages " + repr(STAGES), flush=True)
    if kind == "reader" and window.settings.value("library/last_article") is not None:
        text_shown()  # and then the text the reader left, on screen
    else:
        QApplication.instance().quit()

def text_shown():
    view = window.__dict__.get("view")  # built right after the first paint
    if view is None or view.article is None:
        QTimer.singleShot(1, text_shown)
        return
    view.viewport().repaint()
    print(f"text-shown {time.time() - T0:.4f} {time.process_time():.4f}", flush=True)
    QApplication.instance().quit()

class FirstPaint(QObject):
    # The window paints first and its children after it, in one pass: the time is taken once the
    # pass is over (the list, the toolbar, the label drawn). Installed after the window's own
    # filter, this one runs first, so nothing the window does after its first paint is counted.
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, painted)
        return False

if kind == "bare":
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("hello"))
elif kind == "list":
    # The least a window of this kind does in plain PySide6: a menu bar of 40 shortcuts, a
    # toolbar, a search field, a sort box and a list over the library's file whose rows a
    # delegate draws with their selected state. Qt's own namespace, QStyle and QKeySequence
    # make their Python enums on first use; this window pays for them as Reader does.
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
    from PySide6.QtWidgets import QComboBox, QLineEdit, QSplitter, QStyle, QStyledItemDelegate, QTableView, QToolBar, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    conn = sqlite3.connect(os.path.join(sys.argv[3], "library.db"))
    rows = conn.execute("SELECT id, title FROM articles ORDER BY added DESC LIMIT 200").fetchall()
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):
            return total

        def columnCount(self, parent=QModelIndex()):
            return 1

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole and index.row() < len(rows):
                return rows[index.row()][1]
            return None

    class Delegate(QStyledItemDelegate):
        def paint(self, painter, option, index):
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(option.rect, QColor("#dde6f5"))
            flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            painter.drawText(option.rect.adjusted(8, 4, -8, -4), flags, index.data() or "")

    menus = [window.menuBar().addMenu(name) for name in ("File", "Edit", "View", "Article", "Help")]
    for i in range(40):
        action = QAction(f"Action {i}", window)
        action.setShortcut(QKeySequence(("Ctrl+Shift+" if i < 26 else "Alt+") + chr(65 + i % 26)))
        menus[i % 5].addAction(action)
    toolbar = QToolBar()
    window.addToolBar(toolbar)
    pixmap = QPixmap(24, 24)
    pixmap.fill(QColor("#555555"))
    for i in range(8):
        toolbar.addAction(QIcon(pixmap), f"Tool {i}")
    left = QWidget()
    column = QVBoxLayout(left)
    column.addWidget(QLineEdit(placeholderText="Search"))
    sort = QComboBox()
    for label in ("Newest", "Oldest", "Title"):
        sort.addItem(label)
    column.addWidget(sort)
    view = QTableView()
    view.setModel(Model(view))
    view.setItemDelegate(Delegate(view))
    view.horizontalHeader().hide()
    view.verticalHeader().hide()
    view.selectRow(0)
    column.addWidget(view)
    split = QSplitter()
    for part in (left, QWidget(), QWidget()):
        split.addWidget(part)
    window.setCentralWidget(split)
    window.statusBar().showMessage(f"{total} articles")
else:
    from reader.gui.app import create_app
    stage("reader.gui.app imported")
    app = create_app(sys.argv[:1])
    stage("QApplication made")
    from reader.gui.main_window import MainWindow
    stage("main_window imported")
    from reader.gui.opening import open_library
    library = open_library(sys.argv[3])
    stage("library open")
    settings = QSettings(sys.argv[4], QSettings.Format.IniFormat)
    window = MainWindow(library, settings, poll_ms=0)
if kind != "reader":
    stage("QApplication and window made")
else:
    stage("window made")
window.resize(1200, 800)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
if kind == "reader":
    print(f"rows {window.panel.model.rowCount()} total {window.panel.model.total}", flush=True)
os._exit(0)
"""


def build_library(folder: Path, count: int) -> None:
    from dataclasses import replace

    from reader.core.importing.pipeline import prepare, text_hash
    from reader.core.library import Library

    base = prepare(ROOT / "tests" / "fixtures" / "article.html")
    library = Library.open(folder)
    if library.count() >= count:
        return
    start = time.time()
    for i in range(library.count(), count):
        text = base.text + f"\n\nEntry number {i}."
        library.store(
            replace(
                base,
                title=f"{base.title} ({i})",
                text=text,
                html=base.html + f"<p>Entry number {i}.</p>",
                content_hash=text_hash(text),
                url=f"https://example.org/{i}",
                source_path=f"/saved/{i}.html",
            )
        )
    print(f"built {count} articles in {time.time() - start:.1f} s", file=sys.stderr)
    library.close()


def child_env() -> dict[str, str]:
    """The children's environment: bytecode written to (and read from) a private cache."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = CHILD_ENV_CACHE
    return env


CHILD_ENV_CACHE = tempfile.mkdtemp(prefix="reader-bench-pyc-")


Stages = list[tuple[str, float]]  # (what was done, CPU seconds since the process began)


def measure(
    kind: str, library: Path, settings: Path
) -> tuple[tuple[float, float], str, tuple[float, float] | None, Stages]:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, repr(t0), str(library), str(settings)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=child_env(),
    ).stdout
    first = next(line for line in out.splitlines() if line.startswith("first-paint"))
    rows = next((line for line in out.splitlines() if line.startswith("rows")), "")
    _, wall, cpu = first.split()
    text = next((line.split() for line in out.splitlines() if line.startswith("text-shown")), None)
    stages = ast.literal_eval(next(line for line in out.splitlines() if line.startswith("stages "))[len("stages ") :])
    return (float(wall), float(cpu)), rows, ((float(text[1]), float(text[2])) if text else None), stages


def print_stages(stages: dict[str, list[Stages]]) -> None:
    """Where each window's CPU time goes before its first paint: the median of each stage's share."""
    print("CPU time by stage, median ms (where the start-up goes):")
    for name, runs in stages.items():
        parts = []
        for i, (label, _) in enumerate(runs[0]):
            begun = [run[i - 1][1] if i else 0.0 for run in runs]
            spent = statistics.median(run[i][1] - b for run, b in zip(runs, begun, strict=True))
            parts.append(f"{label} +{spent * 1000:.0f}")
        print(f"  {name:22} " + ", ".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library", default=str(Path(tempfile.gettempdir()) / "reader-bench-10k"))
    args = parser.parse_args()
    library = Path(args.library)
    build_library(library, args.articles)
    settings = Path(tempfile.mkdtemp()) / "settings.ini"
    results: dict[str, list[tuple[float, float]]] = {
        "bare": [],
        "plain-list-window": [],
        "reader-empty-state": [],
        "reader-last-article": [],
    }
    rows = ""
    shown: list[tuple[float, float]] = []  # the last article's text on screen, in the second launch
    stages: dict[str, list[Stages]] = {"bare": [], "plain-list-window": [], "reader-empty-state": []}
    for kind in ("bare", "list", "reader"):  # unmeasured: fills the bytecode cache
        measure(kind, library, settings)
    settings.unlink(missing_ok=True)
    for _ in range(args.runs):
        for name, kind in (("bare", "bare"), ("plain-list-window", "list"), ("reader-empty-state", "reader")):
            if kind == "reader":
                settings.unlink(missing_ok=True)
            value, _, _, staged = measure(kind, library, settings)
            results[name].append(value)
            stages[name].append(staged)
        # Second launch: settings now name the last article, so it opens at start.
        from PySide6.QtCore import QSettings

        s = QSettings(str(settings), QSettings.Format.IniFormat)
        s.setValue("library/last_article", max(1, args.articles // 2))  # one in the middle, present at any size
        s.sync()
        value, rows, text, _ = measure("reader", library, settings)
        results["reader-last-article"].append(value)
        if text is not None:
            shown.append(text)
    for which, label in ((0, "wall"), (1, "cpu")):
        for name, pairs in results.items():
            values = [pair[which] for pair in pairs]
            print(
                f"{name:22} {label:4} median {statistics.median(values) * 1000:6.0f} ms   "
                f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})"
            )
    # Each run's launches against the bare window of the same run (the machine's load varies between
    # runs). The target is on wall time; the CPU time of the process (all its threads, from its start
    # to the first paint) is the same comparison, little moved by the load of a shared machine.
    for which, label in ((0, "wall"), (1, "cpu")):
        for name in ("plain-list-window", "reader-empty-state", "reader-last-article"):
            ratios = [r[which] / b[which] for r, b in zip(results[name], results["bare"], strict=True)]
            print(
                f"{name:22} {label:4} ratio to bare: median {statistics.median(ratios):.2f}x   "
                f"(min {min(ratios):.2f}, max {max(ratios):.2f}; target at most 1.5x)"
            )
    if shown:
        print(
            f"{'text on screen':22} (the last article, second launch): wall median "
            f"{statistics.median(t[0] for t in shown) * 1000:.0f} ms, cpu median {statistics.median(t[1] for t in shown) * 1000:.0f} ms"
        )
    print_stages(stages)
    print(rows, f"(library of {args.articles} articles)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "xcb"))
    raise SystemExit(main())
