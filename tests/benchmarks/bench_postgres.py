"""The shared library's benchmark: PostgreSQL beside SQLite, in the same run.

    .venv/bin/python tests/benchmarks/bench_postgres.py                 # 10,000 articles
    .venv/bin/python tests/benchmarks/bench_postgres.py --articles 500 --json out.json

Builds the synthetic library of bench.py in SQLite, copies it to a private
PostgreSQL cluster (tests/pgserver.py) with `copy-library`, then measures the
same operations on both through the Library facade: search (p95 over 60
queries of 1-3 words from the articles), the first page of the list (each sort
order), and opening the long article (its record with text and highlights).
Prints one JSON object of figures, then a short table of PG/SQLite ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import pgserver
import synthetic
from bench import p95, queries


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(library, qs: list[str], long_id: int) -> dict:
    for q in qs[:5]:
        library.search(q)
    searches = []
    for q in qs:
        t0 = time.perf_counter()
        library.search(q)
        searches.append((time.perf_counter() - t0) * 1000)
    slowest = sorted(zip(searches, qs), reverse=True)[:3]
    pages = [
        t
        for sort in ("added", "title", "published")
        for t in timed(lambda sort=sort: library.list_articles(sort=sort, state="inbox", limit=200), 10)
    ]
    opened = timed(lambda: (library.get(long_id), library.highlights(long_id)), 10)
    return {
        "search_p95_ms": round(p95(searches), 2),
        "search_median_ms": round(statistics.median(searches), 2),
        "first_page_p95_ms": round(p95(pages), 2),
        "first_page_median_ms": round(statistics.median(pages), 2),
        "open_article_median_ms": round(statistics.median(opened), 2),
    }, [f"{q!r} {ms:.1f} ms" for ms, q in slowest]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    bin_dir = pgserver.find_bin_dir()
    if bin_dir is None:
        print("bench_postgres: no PostgreSQL server binaries (apt-get install postgresql)", file=sys.stderr)
        return 1
    from reader.core import Library
    from reader.core.library import copy_library

    figures: dict = {"articles": args.articles}
    cluster = pgserver.Cluster(bin_dir)
    cluster.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "library"
            t0 = time.perf_counter()
            synthetic.build_library(folder, articles=args.articles).close()
            figures["build_sqlite_s"] = round(time.perf_counter() - t0, 1)
            cluster.admin("CREATE DATABASE bench")
            url = cluster.url("bench")
            t0 = time.perf_counter()
            counts = copy_library(folder, url)
            figures["copy_to_postgresql_s"] = round(time.perf_counter() - t0, 1)
            figures["highlights"] = counts["highlights"]
            long_id = args.articles + 1
            with Library.open(folder) as lite:
                qs = [q for kind in queries(lite).values() for q in kind]  # every kind, broad ones too
                sqlite, figures["sqlite_slowest_searches"] = measure(lite, qs, long_id)
            with Library.open(url) as shared:
                with shared.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")  # as autovacuum would soon after a bulk load
                pg, figures["postgresql_slowest_searches"] = measure(shared, qs, long_id)
    finally:
        cluster.stop()
    for name, value in sqlite.items():
        figures[f"sqlite_{name}"] = value
        figures[f"postgresql_{name}"] = pg[name]
        figures[f"ratio_{name}"] = round(pg[name] / max(value, 1e-6), 2)
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    print(f"\n{'figure':<26}{'SQLite':>10}{'PostgreSQL':>12}{'ratio':>8}")
    for name in sqlite:
        print(f"{name:<26}{sqlite[name]:>10}{pg[name]:>12}{figures['ratio_' + name]:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
