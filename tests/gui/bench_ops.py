"""The window's one write path, measured: GUI-thread stalls while an import runs, and
how soon a change made by another process shows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/bench_ops.py [--pages 80 --changes 8]

Part 1. An import of --pages pages runs (one worker: pages are prepared in the import
thread, the worst case for the GUI) while the reader toggles Favourite every 100 ms.
Baseline "gui_thread": the write is called on the GUI thread, as the window did before;
"ops": through window.ops, as it does now. Figures: time the GUI thread spends per
request (median, max), the longest gap of a 5 ms heartbeat timer during the import
(how long the window froze), and for "ops" the time until the change was announced.

Part 2. Another Library on the folder (as the `reader` command) adds a highlight to
the open article --changes times, at random moments; figure: time until the window's
sidebar shows it (median, max), with the window's real poll interval.

Prints JSON on the last line. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from itertools import pairwise
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body><article>
<h1>{title}</h1>{body}</article></body></html>"""


def make_pages(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    for i in range(count):
        body = "".join(
            f"<p>Paragraph {j} of page {i} says something about rivers, ice and the long winter "
            f"that the reader may want to highlight, number {i * 100 + j}.</p>"
            for j in range(40)
        )
        (folder / f"page{i:03}.html").write_text(PAGE.format(title=f"Page {i}", body=body), encoding="utf-8")
    return [folder]


def ms(values) -> dict:
    values = list(values)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


def run_import(app, window, library, article_id: int, pages, mode: str) -> dict:
    from PySide6.QtCore import QTimer

    beats: list[float] = []
    gui_time: list[float] = []
    announced: list[float] = []
    state = {"favorite": False, "done": False}

    def beat() -> None:
        beats.append(time.perf_counter())

    def edit() -> None:
        state["favorite"] = not state["favorite"]
        favorite = state["favorite"]
        t0 = time.perf_counter()
        if mode == "gui_thread":
            library.set_favorite(article_id, favorite)
        else:
            window.ops.run(
                lambda lib: lib.set_favorite(article_id, favorite),
                on_done=lambda _c: announced.append(time.perf_counter() - t0),
            )
        gui_time.append(time.perf_counter() - t0)

    heartbeat = QTimer(interval=5)
    heartbeat.timeout.connect(beat)
    editor = QTimer(interval=100)
    editor.timeout.connect(edit)
    window.importFinished.connect(lambda _o: state.update(done=True))
    started = time.perf_counter()
    window.import_paths(pages)
    heartbeat.start()
    editor.start()
    while not state["done"]:
        app.processEvents()
        time.sleep(0.001)
    heartbeat.stop()
    editor.stop()
    elapsed = time.perf_counter() - started
    while window.ops.busy:  # the last edits
        app.processEvents()
        time.sleep(0.001)
    gaps = [b - a for a, b in pairwise(beats)]
    figures = {
        "import_s": round(elapsed, 2),
        "edits": len(gui_time),
        "gui_thread_per_edit": ms(gui_time),
        "longest_freeze_ms": round(max(gaps) * 1000, 1) if gaps else None,
    }
    if announced:
        figures["edit_announced"] = ms(announced)
    return figures


def run_other_process(app, window, folder: Path, article_id: int, changes: int) -> dict:
    from reader.core.library import Library

    other = Library.open(folder)
    text = other.get(article_id).text
    shown = threading.Event()
    written: list[float] = []
    seen: list[float] = []
    expected = {"count": 0}

    def writer() -> None:
        rng = random.Random(5)
        for i in range(changes):
            time.sleep(rng.uniform(0.1, 1.2))
            at = text.index(f"number {i}.")
            shown.clear()
            expected["count"] = i + 1
            written.append(time.perf_counter())
            other.add_highlight(article_id, at, at + len(f"number {i}"))
            shown.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        app.processEvents()
        if len(seen) < len(written) and len(window.sidebar.model.highlights()) >= expected["count"]:
            seen.append(time.perf_counter())
            shown.set()
        time.sleep(0.002)
    other.close()
    return {"changes": changes, "shown_after": ms(b - a for a, b in zip(written, seen))}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--changes", type=int, default=8)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings

    from reader.core.library import Library
    from reader.gui.app import create_app
    from reader.gui.main_window import POLL_MS, MainWindow

    app = create_app()
    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-ops-"))
    figures: dict = {"pages": args.pages, "poll_ms": POLL_MS}
    for mode in ("gui_thread", "ops"):
        folder = tmp / f"library-{mode}"
        library = Library.open(folder)
        make_pages(tmp / f"first-{mode}", 1)
        article_id = library.import_paths([tmp / f"first-{mode}"], workers=1)[0].id
        window = MainWindow(library, QSettings(str(tmp / f"{mode}.ini"), QSettings.Format.IniFormat), poll_ms=POLL_MS)
        window.import_workers = 1
        window.resize(1200, 800)
        window.show()
        app.processEvents()
        window.open_article(article_id)
        figures[mode] = run_import(
            app, window, library, article_id, make_pages(tmp / f"pages-{mode}", args.pages), mode
        )
        if mode == "ops":
            window.open_article(article_id)  # the import opened the first new article
            figures["other_process"] = run_other_process(app, window, folder, article_id, args.changes)
        window.close()
        library.close()
    print(json.dumps(figures))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
