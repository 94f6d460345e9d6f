"""Reader's benchmark suite: each figure beside a baseline measured in the same run.

    .venv/bin/python tests/benchmarks/bench.py            # 10,000 articles, 50,000 highlights
    .venv/bin/python tests/benchmarks/bench.py --articles 200 --json out.json

Prints one JSON object of figures, then a short table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import synthetic

CORPUS = REPO.parent / "shared" / "corpus" / "readability-test-pages"

TARGETS = {
    "import_vs_readability": ("<=", 1.0),
    "startup_vs_bare_qt": ("<=", 2.0),
    "search_p95_ms": ("<=", 30.0),
    "search_vs_bare_fts": ("<=", 1.5),
    "open_article_ms": ("<=", 100.0),
    "export_all_s": ("<=", 5.0),
    "rss_mb": ("<=", 200.0),
}


def compile_reader() -> None:
    """Users run Reader with its bytecode cached (pip compiles a wheel when it
    installs it; a checkout writes __pycache__ on its first run), as the
    baselines' libraries are. Compile it, since PYTHONDONTWRITEBYTECODE may be set."""
    import compileall

    import reader

    compileall.compile_dir(Path(reader.__file__).parent, quiet=1)


def real_pages(limit: int | None) -> list[Path]:
    if CORPUS.is_dir():
        pages = sorted(CORPUS.glob("*/source.html"))
    else:
        pages = sorted(synthetic.FIXTURES.rglob("*.htm*"))
    return pages[:limit] if limit else pages


def bench_import(tmp: Path, limit: int | None) -> dict:
    """Our whole import pipeline (parallel) vs bare readability-lxml in one process."""
    from readability import Document

    from reader.core import Library

    pages = real_pages(limit)
    folder = tmp / "pages"
    folder.mkdir()
    for i, page in enumerate(pages):
        shutil.copy(page, folder / f"{i:04d}-{page.parent.name}.html")
    datas = [p.read_bytes() for p in sorted(folder.iterdir())]

    t0 = time.perf_counter()
    for data in datas:
        try:
            Document(data).summary()
        except Exception:
            pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    with Library.open(tmp / "import-lib") as library:
        outcomes = library.import_paths([folder])
    ours = time.perf_counter() - t0
    imported = sum(o.status == "imported" for o in outcomes)
    return {
        "import_pages": len(datas),
        "import_imported": imported,
        "import_s": round(ours, 3),
        "import_readability_s": round(bare, 3),
        "import_pages_per_s": round(len(datas) / ours, 1),
        "import_vs_readability": round(ours / bare, 3),
    }


def queries(library, count: int = 60, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    with sqlite3.connect(library.db_path) as con:
        texts = [row[0] for row in con.execute("SELECT text FROM article_contents ORDER BY random() LIMIT 50")]
    vocab = sorted({w.lower() for t in texts for w in t.split() if w.isalpha() and len(w) > 3})
    return [" ".join(rng.sample(vocab, rng.randint(1, 3))) for _ in range(count)]


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def bench_search(library) -> dict:
    """Library.search vs a bare FTS5 query (same index, same MATCH) over raw sqlite3."""
    from reader.core.storage import fts

    qs = queries(library)
    con = sqlite3.connect(library.db_path)
    bare_sql = (
        "SELECT rowid, snippet(search_index, -1, char(2), char(3), '…', 14) FROM search_index "
        "WHERE search_index MATCH ? ORDER BY bm25(search_index) LIMIT 50"
    )
    for q in qs[:5]:  # warm both caches alike
        library.search(q)
        con.execute(bare_sql, (fts.match_expression(q),)).fetchall()
    ours, bare = [], []
    for q in qs:
        t0 = time.perf_counter()
        library.search(q)
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        con.execute(bare_sql, (fts.match_expression(q),)).fetchall()
        bare.append((time.perf_counter() - t0) * 1000)
    con.close()
    return {
        "search_queries": len(qs),
        "search_p95_ms": round(p95(ours), 2),
        "search_median_ms": round(statistics.median(ours), 2),
        "search_bare_fts_p95_ms": round(p95(bare), 2),
        "search_vs_bare_fts": round(p95(ours) / max(p95(bare), 1e-6), 3),
    }


def bench_export(library, tmp: Path) -> dict:
    from reader.core import export

    out = tmp / "export"
    t0 = time.perf_counter()
    if hasattr(export, "export_library"):
        export.export_library(library, fmt="md", out=out)
    else:
        export.export_articles([library.get(a.id) for a in library.iter_articles()], "md", out)
    elapsed = time.perf_counter() - t0
    with sqlite3.connect(library.db_path) as con:
        highlights = con.execute("SELECT count(*) FROM highlights").fetchone()[0]
    files = sum(1 for p in out.rglob("*.md"))
    return {"export_files": files, "export_highlights": highlights, "export_all_s": round(elapsed, 3)}


def bench_gui(library_dir: Path) -> dict:
    """Start-up, article opening and memory of the window, each in a fresh process."""
    probe = HERE / "gui_probe.py"
    figures: dict = {}

    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}

    def run(mode: str) -> dict:
        t0 = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(probe), mode, str(library_dir)], capture_output=True, text=True, env=env, timeout=120
        )
        wall = time.perf_counter() - t0
        if result.returncode != 0:
            raise RuntimeError(f"gui probe {mode} failed: {result.stderr[-2000:]}")
        data = json.loads(result.stdout.strip().splitlines()[-1])
        data["wall_s"] = wall
        return data

    bare, ours = [], []
    for _ in range(5):  # interleaved, so that both see the same machine
        bare.append(run("bare")["first_paint_s"])
        ours.append(run("startup")["first_paint_s"])
    figures["startup_s"] = round(statistics.median(ours), 3)
    figures["startup_bare_qt_s"] = round(statistics.median(bare), 3)
    figures["startup_vs_bare_qt"] = round(statistics.median(ours) / statistics.median(bare), 3)
    opened = run("open")
    figures["open_article_ms"] = round(opened["open_ms"], 1)
    figures["open_article_words"] = opened["words"]
    figures["open_article_highlights"] = opened["highlights"]
    memory = run("memory")
    figures["rss_mb"] = round(memory["rss_mb"], 1)
    figures["rss_bare_qt_mb"] = round(run("bare")["rss_mb"], 1)
    figures["rows_scrolled"] = memory["rows"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--highlights-per-article", type=int, default=5)
    parser.add_argument("--import-pages", type=int, default=None, help="limit the import benchmark's pages")
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)

    compile_reader()
    figures: dict = {"articles": args.articles, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp_name:
        tmp = Path(tmp_name)
        figures.update(bench_import(tmp, args.import_pages))
        t0 = time.perf_counter()
        library = synthetic.build_library(tmp / "big", args.articles, args.highlights_per_article)
        figures["generate_library_s"] = round(time.perf_counter() - t0, 1)
        figures["highlights"] = args.articles * args.highlights_per_article
        figures.update(bench_search(library))
        figures.update(bench_export(library, tmp))
        library.close()
        if not args.skip_gui:
            figures.update(bench_gui(tmp / "big"))
        figures["db_mb"] = round((tmp / "big" / "library.db").stat().st_size / 1e6, 1)

    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    print()
    print(f"{'figure':<24} {'value':>10}  target")
    for name, (op, target) in TARGETS.items():
        if name in figures:
            value = figures[name]
            ok = value <= target
            print(f"{name:<24} {value:>10}  {op} {target}  {'ok' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
