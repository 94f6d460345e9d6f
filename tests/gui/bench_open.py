"""Time to open an article of 10,000 words with 200 highlights in the reading view.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/bench_open.py [--words 10000 --highlights 200]

Opens the article in a real window several times (switching away in between, as a
reader does) and prints the median wall and CPU time of `MainWindow.open_article`
(database read, render, text map, highlight painting, sidebar) and of the highlight
painting inside it, as JSON on the last line. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = (
    "river ice glacier moulin pressure logger summer winter valley stream water melt night "
    "quiet north sensor reading season current channel flow drain tunnel crack"
).split()


def make_page(folder: Path, words: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    paragraphs, count, i = [], 0, 0
    while count < words:
        n = rng.randint(40, 110)
        text = " ".join(rng.choice(WORDS) for _ in range(n))
        if i % 9 == 3:
            paragraphs.append(f"<h2>Section {i}</h2>")
        if i % 7 == 5:
            text = text.replace(" melt ", " <em>melt</em> ", 2).replace(
                " flow ", " <a href='https://example.org'>flow</a> ", 1
            )
        paragraphs.append(f"<p>{text.capitalize()}.</p>")
        count += n
        i += 1
    page = folder / "long.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>A Very Long Article</title></head><body><article>"
        "<h1>A Very Long Article</h1>" + "\n".join(paragraphs) + "</article></body></html>",
        "utf-8",
    )
    return page


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--highlights", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings

    from reader.core.domain import COLORS
    from reader.core.library import Library
    from reader.gui.app import create_app
    from reader.gui.main_window import MainWindow

    app = create_app()
    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-open-"))
    library = Library.open(tmp / "library")
    (tmp / "pages").mkdir()
    outcomes = library.import_paths([make_page(tmp / "pages", args.words)], workers=1)
    article_id = outcomes[0].id
    other = library.import_paths([ROOT / "tests" / "fixtures" / "article.html"], workers=1)[0].id
    text = library.get(article_id).text
    rng = random.Random(3)
    step = len(text) // args.highlights
    for i in range(args.highlights):
        start = i * step + rng.randint(0, step // 3)
        end = start + rng.randint(20, max(21, step // 2)) + (step if i % 10 == 0 else 0)  # some overlap
        library.add_highlight(
            article_id, start, min(end, len(text)), color=COLORS[i % len(COLORS)], note="a note" if i % 4 == 0 else ""
        )
    article = library.get(article_id)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, settings, poll_ms=0)
    window.resize(1280, 840)
    window.show()
    app.processEvents()

    view = window.view
    painted = []
    original = view.paint_highlights

    def timed(*a, **k):
        t = time.perf_counter()
        original(*a, **k)
        painted.append(time.perf_counter() - t)

    view.paint_highlights = timed
    opens = []
    cpu = []
    for _ in range(args.runs):
        window.open_article(other)
        app.processEvents()
        painted.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        window.open_article(article_id)
        opens.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        app.processEvents()
    figures = {
        "words": article.word_count,
        "highlights": len(article.highlights),
        "painted_spans": len(view._spans),
        "open_ms": round(statistics.median(opens) * 1000, 1),
        "open_min_ms": round(min(opens) * 1000, 1),
        "open_cpu_ms": round(statistics.median(cpu) * 1000, 1),  # less sensitive to a busy machine
        "paint_ms": round(statistics.median(painted) * 1000, 1) if painted else None,
    }
    print(json.dumps(figures))
    window.close()
    library.close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
