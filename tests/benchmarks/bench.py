"""Reader's benchmark suite: each figure beside a baseline measured in the same run.

    .venv/bin/python tests/benchmarks/bench.py            # 10,000 articles, 50,000 highlights
    .venv/bin/python tests/benchmarks/bench.py --articles 200 --json out.json
    .venv/bin/python tests/benchmarks/bench.py --sizes 1000,10000,100000 --skip-gui

Prints one JSON object of figures, then a table: one column per library size,
each figure beside its target (issue 19: 100,000 articles, 500,000 highlights).
The synthetic libraries are built once and kept under ~/.cache/reader-bench
(see synthetic.cached_library); --no-cache builds a fresh one.
"""

from __future__ import annotations

import argparse
import itertools
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
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import synthetic

CORPUS = REPO.parent / "shared" / "corpus" / "readability-test-pages"

# figure -> target (at most), from issue 19 (100,000 articles, 500,000 highlights).
TARGETS = {
    "import_vs_readability": 1 / 1.3,  # at least 1.3x the speed of bare readability-lxml
    "startup_vs_bare_qt": 1.5,
    "search_p95_ms": 30.0,
    "search_broad_p95_ms": 30.0,
    "search_vs_bare_fts": 1.5,
    "list_first_page_ms": 5.0,
    "list_page_max_ms": 16.0,
    "scroll_step_max_ms": 16.0,
    "change_check_ms": 1.0,
    "get_long_article_ms": 100.0,
    "open_article_ms": 100.0,
    "add_highlight_ms": 20.0,
    "add_highlight_screen_ms": 20.0,
    "export_all_s": 30.0,
    "export_incremental_ms": 100.0,
    "cli_list_json_ms": 150.0,
    "cli_search_ms": 150.0,
    "cli_show_ms": 150.0,
    "rss_mb": 250.0,
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


def queries(library, seed: int = 3) -> dict[str, list[str]]:
    """The search benchmark's queries by kind: specific (1-3 words from the library's
    text, often with no hit), common single words, two-letter prefixes and
    four-letter ones (as typed: the last word matches as a prefix), and CJK words."""
    rng = random.Random(seed)
    with sqlite3.connect(library.db_path) as con:
        top = con.execute("SELECT max(id) FROM articles").fetchone()[0]
        ids = sorted(rng.sample(range(1, top + 1), min(50, top)))
        marks = ",".join("?" * len(ids))
        texts = [row[0] for row in con.execute(f"SELECT text FROM article_contents WHERE article_id IN ({marks})", ids)]
    words = [w.lower() for t in texts for w in t.split() if w.isalpha()]
    vocab = sorted({w for w in words if len(w) > 3})
    frequent = [w for w, _ in Counter(words).most_common(200)]
    common = frequent[:12]
    prefixes2 = list(dict.fromkeys(w[:2] for w in frequent if len(w) >= 3))[:8]
    prefixes4 = list(dict.fromkeys(w[:4] for w in frequent if len(w) >= 6))[:8]
    return {
        "specific": [" ".join(rng.sample(vocab, rng.randint(1, 3))) for _ in range(40)],
        "common": common,
        "prefix2": prefixes2,
        "prefix4": prefixes4,
        "cjk": rng.sample(synthetic.CJK_WORDS, 8),
    }


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def bench_search(library) -> dict:
    """Library.search vs a bare FTS5 query (same index, same MATCH) over raw sqlite3."""
    from reader.core.storage import fts

    kinds = queries(library)
    con = sqlite3.connect(library.db_path)
    bare_sql = (
        "SELECT rowid, snippet(search_index, -1, char(2), char(3), '…', 14) FROM search_index "
        "WHERE search_index MATCH ? ORDER BY bm25(search_index) LIMIT 50"
    )
    specific = kinds["specific"]
    for q in specific[:5]:  # warm both caches alike
        library.search(q)
        con.execute(bare_sql, (fts.match_expression(q),)).fetchall()
    ours, bare = [], []
    for q in specific:
        t0 = time.perf_counter()
        library.search(q)
        ours.append(ms_since(t0))
        t0 = time.perf_counter()
        con.execute(bare_sql, (fts.match_expression(q),)).fetchall()
        bare.append(ms_since(t0))
    con.close()
    figures = {
        "search_queries": len(specific),
        "search_specific_hit_share": round(sum(bool(library.search(q, limit=1)) for q in specific) / len(specific), 2),
        "search_median_ms": round(statistics.median(ours), 2),
        "search_bare_fts_p95_ms": round(p95(bare), 2),
        "search_vs_bare_fts": round(p95(ours) / max(p95(bare), 1e-6), 3),
    }
    broad: list[float] = []
    slowest = ("", 0.0)
    for kind in ("common", "prefix2", "prefix4", "cjk"):
        times = []
        for q in kinds[kind]:
            t0 = time.perf_counter()
            hits = library.search(q)
            elapsed = ms_since(t0)
            times.append(elapsed)
            if elapsed > slowest[1]:
                slowest = (q, elapsed)
            if kind == "cjk" and not hits:
                raise RuntimeError(f"the CJK word {q!r} has no hits: the synthetic library lacks CJK text")
        figures[f"search_{kind}_max_ms"] = round(max(times), 2)
        broad += times
    figures["search_broad_p95_ms"] = round(p95(broad), 2)
    figures["search_slowest_query"] = slowest[0]
    figures["search_p95_ms"] = round(p95(ours + broad), 2)
    return figures


def bench_listing(library) -> dict:
    """The list's first page (as the window and `reader list` ask for it), every
    page of a walk through the whole list, and the window's change check."""
    from reader.core.lazy import LazyLibrary

    firsts = []
    for _ in range(20):
        t0 = time.perf_counter()
        library.list_articles()
        firsts.append(ms_since(t0))
    inbox = []
    for _ in range(20):
        t0 = time.perf_counter()
        library.list_articles(state="inbox", sort="title")
        inbox.append(ms_since(t0))
    lazy = LazyLibrary.open(library.folder)  # the window's list before the core has loaded
    lazy_firsts = []
    for _ in range(20):
        t0 = time.perf_counter()
        lazy.list_articles()
        lazy_firsts.append(ms_since(t0))
    lazy.close()
    pages, cursor, rows = [], None, 0
    t_walk = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        page = library.list_articles(cursor=cursor)
        pages.append(ms_since(t0))
        rows += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    walk = time.perf_counter() - t_walk
    checks = []
    library.signature()
    for _ in range(200):
        t0 = time.perf_counter()
        library.signature()
        checks.append(ms_since(t0))
    return {
        "list_first_page_ms": round(statistics.median(firsts), 3),
        "list_first_page_inbox_by_title_ms": round(statistics.median(inbox), 3),
        "list_first_page_lazy_ms": round(statistics.median(lazy_firsts), 3),
        "list_page_max_ms": round(max(pages), 3),
        "list_walk_s": round(walk, 3),
        "list_walk_rows": rows,
        "change_check_ms": round(statistics.median(checks), 4),
    }


def long_article_id(library) -> int:
    with sqlite3.connect(library.db_path) as con:
        return con.execute("SELECT id FROM articles ORDER BY word_count DESC LIMIT 1").fetchone()[0]


def bench_article(library) -> dict:
    """Reading the longest article with its highlights, and adding a highlight to it (core only)."""
    article_id = long_article_id(library)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        article = library.get(article_id)
        times.append(ms_since(t0))
    text = article.text
    adds, added = [], []
    for k in range(30):  # enough for the index's periodic merges to show in the max
        start = text.find(" ", 100 + 997 * k) + 1
        t0 = time.perf_counter()
        added.append(library.add_highlight(article_id, start, start + 60, note="bench"))
        adds.append(ms_since(t0))
    deletes = []
    for highlight in added:  # the library as it was, for the figures after this one
        t0 = time.perf_counter()
        library.delete_highlight(highlight.id)
        deletes.append(ms_since(t0))
    return {
        "get_long_article_ms": round(statistics.median(times), 2),
        "long_article_words": article.word_count,
        "long_article_highlights": len(article.highlights),
        "add_highlight_ms": round(statistics.median(adds), 2),
        "add_highlight_p95_ms": round(p95(adds), 2),
        "add_highlight_max_ms": round(max(adds), 2),
        "delete_highlight_ms": round(statistics.median(deletes), 2),
    }


def bench_export(library, tmp: Path) -> dict:
    """Markdown export of everything into an empty folder, then again after one
    article changed (only its file should be rewritten): the median of three such
    changes, to different articles. CPU time too (this process's with its writer
    threads, and its render workers'): on a busy machine the wall time also counts
    waiting for a core."""
    from reader.core import export

    out = tmp / "export"
    t0, c0 = time.perf_counter(), os.times()
    export.export_library(library, fmt="md", out=out)
    c1 = os.times()
    elapsed = time.perf_counter() - t0
    cpu = sum(c1[:4]) - sum(c0[:4])  # user and system, of this process and its finished children
    with sqlite3.connect(library.db_path) as con:
        highlights = con.execute("SELECT count(*) FROM highlights").fetchone()[0]
    files = sum(1 for p in out.rglob("*.md"))
    times = []
    for item in library.list_articles().items[:3]:
        library.set_note(item.id, "changed for the incremental export")
        t0 = time.perf_counter()
        result = export.export_library(library, fmt="md", out=out)
        times.append(ms_since(t0))
    return {
        "export_files": files,
        "export_highlights": highlights,
        "export_all_s": round(elapsed, 3),
        "export_all_cpu_s": round(cpu, 3),
        "export_incremental_ms": round(statistics.median(times), 1),
        "export_incremental_rewritten": len(result.written),
    }


def bench_cli(library_dir: Path, library, repeats: int = 3) -> dict:
    """Wall time of the real `reader` commands, each in a fresh process (median of `repeats`)."""
    word = queries(library)["specific"][0]
    env = {**os.environ, "READER_LIBRARY": str(library_dir)}
    commands = {
        "cli_list_json_ms": ["list", "--json"],
        "cli_search_ms": ["search", word],
        "cli_show_ms": ["show", str(long_article_id(library))],
    }
    figures = {}
    for name, args in commands.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "reader", *args],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=300,
            )
            times.append(ms_since(t0))
            if result.returncode != 0:
                raise RuntimeError(f"reader {' '.join(args)} failed: {result.stderr.decode()[-2000:]}")
        figures[name] = round(statistics.median(times), 1)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    figures["cli_bare_python_ms"] = round(ms_since(t0), 1)
    return figures


def bench_gui(library_dir: Path, repeats: int = 5) -> dict:
    """Start-up, article opening and memory of the window, each in a fresh process."""
    probe = HERE / "gui_probe.py"
    figures: dict = {}

    # Compiled bytecode kept in a private cache (warmed by an unmeasured run of each), as an
    # installed app has its .pyc files; PYTHONDONTWRITEBYTECODE would make every start
    # compile Reader's modules again, a cost the bare window does not share.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="reader-bench-pyc-")

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

    run("bare")
    run("startup")
    bare, ours = [], []
    for _ in range(repeats):  # interleaved, so that both see the same machine
        bare.append(run("bare")["first_paint_s"])
        ours.append(run("startup")["first_paint_s"])
    figures["startup_s"] = round(statistics.median(ours), 3)
    figures["startup_bare_qt_s"] = round(statistics.median(bare), 3)
    figures["startup_vs_bare_qt"] = round(statistics.median(ours) / statistics.median(bare), 3)
    opened = run("open")
    figures["open_article_ms"] = round(opened["open_ms"], 1)
    figures["open_article_words"] = opened["words"]
    figures["open_article_highlights"] = opened["highlights"]
    marked = run("highlight")
    figures["add_highlight_screen_ms"] = round(marked["highlight_ms"], 1)
    figures["add_highlight_screen_max_ms"] = round(marked["highlight_max_ms"], 1)
    figures["add_highlight_screen_made"] = marked["made"]
    figures["add_highlight_stored_screen_ms"] = round(marked["stored_ms"], 1)
    figures["add_highlight_stored_screen_max_ms"] = round(marked["stored_max_ms"], 1)
    memory = run("memory")
    figures["rss_mb"] = round(memory["rss_mb"], 1)
    figures["rss_bare_qt_mb"] = round(run("bare")["rss_mb"], 1)
    figures["rows_scrolled"] = memory["rows"]
    figures["scroll_step_max_ms"] = round(memory["step_max_ms"], 1)
    figures["scroll_step_p95_ms"] = round(memory["step_p95_ms"], 1)
    figures["list_view_change_ms"] = round(memory["view_change_ms"], 1)
    return figures


def bench_size(tmp: Path, articles: int, args) -> dict:
    """Every figure that depends on the library's size, on a private copy of the synthetic library."""
    figures: dict = {"articles": articles, "highlights": articles * args.highlights_per_article}
    folder = tmp / f"lib-{articles}"
    t0 = time.perf_counter()
    library = synthetic.cached_library(folder, articles, args.highlights_per_article, cache=not args.no_cache)
    figures["library_ready_s"] = round(time.perf_counter() - t0, 1)
    figures.update(bench_search(library))
    figures.update(bench_listing(library))
    figures.update(bench_cli(folder, library, repeats=1 if args.quick else 3))
    figures.update(bench_article(library))
    if not args.skip_export:
        figures.update(bench_export(library, tmp / f"out-{articles}"))
        shutil.rmtree(tmp / f"out-{articles}", ignore_errors=True)
    library.close()
    if not args.skip_gui:
        figures.update(bench_gui(folder, repeats=1 if args.quick else 5))
    figures["db_mb"] = round((folder / "library.db").stat().st_size / 1e6, 1)
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def table(by_size: dict[int, dict], common: dict) -> str:
    """One row per figure, one column per size, the growth from one size to the
    next (x10 the articles: about 10 is linear, about 1 is flat), and the target."""
    sizes = sorted(by_size)
    names = [n for n in TARGETS if n in common or any(n in f for f in by_size.values())]
    extra = [
        "list_walk_s",
        "scroll_step_p95_ms",
        "list_view_change_ms",
        "add_highlight_stored_screen_ms",
        "search_median_ms",
        "search_common_max_ms",
        "search_prefix2_max_ms",
        "search_prefix4_max_ms",
        "search_cjk_max_ms",
        "export_incremental_rewritten",
        "export_all_cpu_s",
        "library_ready_s",
        "db_mb",
    ]
    names += [n for n in extra if any(n in f for f in by_size.values())]
    head = f"{'figure':<28}" + "".join(f"{n:>12,}" for n in sizes)
    head += "".join(f"{'x' + format(b // a) if a else '':>8}" for a, b in itertools.pairwise(sizes))
    lines = [head + "  target"]
    for name in names:
        values = [common.get(name, by_size[n].get(name)) for n in sizes]
        row = f"{name:<28}" + "".join(f"{v if v is not None else '-':>12}" for v in values)
        for a, b in itertools.pairwise(values):
            grow = f"{b / a:.1f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a else "-"
            row += f"{grow:>8}"
        if name in TARGETS:
            last = values[-1]
            verdict = "" if not isinstance(last, (int, float)) else ("ok" if last <= TARGETS[name] else "MISSED")
            row += f"  <= {TARGETS[name]:.3g} {verdict}"
        lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="one library size")
    parser.add_argument("--sizes", help="several sizes, e.g. 1000,10000,100000: a table by size")
    parser.add_argument("--highlights-per-article", type=int, default=5)
    parser.add_argument("--import-pages", type=int, default=None, help="limit the import benchmark's pages")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="build the libraries afresh (nothing kept)")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one timed run of each start-up and command instead of a median (a smoke run: every figure, noisier)",
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else [args.articles]

    compile_reader()
    common: dict = {"cores": os.cpu_count()}
    by_size: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_import:
            common.update(bench_import(tmp, args.import_pages))
        for n in sizes:
            by_size[n] = bench_size(tmp, n, args)
            print(f"{n} articles: done", file=sys.stderr, flush=True)

    # One size: one flat object, as before; several: the figures under each size.
    figures = {**common, **by_size[sizes[0]]} if len(sizes) == 1 else {**common, "sizes": by_size}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    print()
    print(table(by_size, common))
    return 0


if __name__ == "__main__":
    sys.exit(main())
