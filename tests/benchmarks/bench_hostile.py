"""Hostile pages: preparation grows linearly with page size, layout stays bounded.

    .venv/bin/python tests/benchmarks/bench_hostile.py              # 10k, 100k, 1M elements
    .venv/bin/python tests/benchmarks/bench_hostile.py --sizes 10000 100000 --json out.json

1. Growth. Generated pages of N elements in several shapes. Whole pages
   (prepare(): parse, extract, sanitize, bound, tidy) up to the importer's
   element limit (formats.MAX_ELEMENTS; a larger page is refused, and the
   time to refuse it is shown); the steps after extraction (sanitize, bound,
   tidy, text), which run on the article, also at every size. Each size's
   time is printed with its ratio to the previous size: x10 elements should
   cost about x10 (a quadratic step shows x100).
2. Layout. Every stored article of the shared corpus and of generated bombs
   (nested tables, huge spans, huge tables, code too wide for the column) laid
   out by QTextDocument at an 800 px column in a child process: seconds per
   100 KB of stored HTML (target <= 1) and the child's peak memory (target
   < 300 MB). Then the bombs opened in the reading view itself at three widths
   (reader.gui.audit), with its own passes (code and tables fitted to the column).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "readability-test-pages"
W = "harbour budget pier "


def shapes(n: int) -> dict[str, str]:
    """Article bodies of about n elements."""
    return {
        "spans": "<p>" + "".join(f"<span>{W}{i}</span>" for i in range(n)) + "</p>",
        "paragraphs": "".join(f"<p>{W}<a href='https://x.org/{i}'>link</a> <b>b</b></p>" for i in range(n // 3)),
        "nested-divs": "".join("<div>" * 40 + f"<p>{W}{i}</p>" + "</div>" * 40 for i in range(n // 41)),
        "table-rows": "<table>" + "".join(f"<tr><td>{W}</td><td>{i}</td></tr>" for i in range(n // 3)) + "</table>",
    }


def page(body: str) -> str:
    return f"<html><head><title>Generated</title></head><body><article><h1>Generated</h1>{body}</article></body></html>"


def time_prepare(path: Path) -> tuple[float, str]:
    from reader.core.importing.formats import ImportFailure
    from reader.core.importing.pipeline import prepare

    start = time.perf_counter()
    try:
        outcome = f"{prepare(path).word_count} words"
    except ImportFailure as exc:
        outcome = f"refused: {exc}"
    return time.perf_counter() - start, outcome


def time_finish(body: str) -> float:
    """The steps that run on the extracted article, as pipeline._finish runs them."""
    from reader.core.importing import pipeline
    from reader.core.importing.formats import SavedPage

    saved = SavedPage(path=Path("x.html"), original=b"", html="", kind="html")
    start = time.perf_counter()
    pipeline._finish(body, saved)
    return time.perf_counter() - start


def bench_growth(sizes: list[int], tmp: Path) -> dict:
    figures: dict = {}
    print(f"{'shape':<12} {'elements':>9} {'prepare s':>10} {'x prev':>7} {'finish s':>9} {'x prev':>7}  outcome")
    for shape in shapes(10):
        previous: tuple[float, float] | None = None
        for n in sizes:
            body = shapes(n)[shape]
            path = tmp / f"{shape}-{n}.html"
            path.write_text(page(body))
            prepared_s, outcome = time_prepare(path)
            finish_s = time_finish(body)
            ratios = (
                ("", "") if previous is None else (f"{prepared_s / previous[0]:.1f}", f"{finish_s / previous[1]:.1f}")
            )
            print(
                f"{shape:<12} {n:>9,} {prepared_s:>10.2f} {ratios[0]:>7} {finish_s:>9.2f} {ratios[1]:>7}  {outcome[:60]}",
                flush=True,
            )
            figures[f"{shape}_{n}"] = {
                "prepare_s": round(prepared_s, 3),
                "finish_s": round(finish_s, 3),
                "outcome": outcome,
            }
            previous = (prepared_s, finish_s)
            path.unlink()
    return figures


def bombs() -> dict[str, str]:
    text = "The committee met on Tuesday to discuss the harbour budget. "
    code = "    value = compute(" + ", ".join(f"argument_{i}" for i in range(20)) + ")"
    wide_row = "<tr>" + "".join(f"<td>Hydroelectricity{i}</td>" for i in range(8)) + "</tr>"
    return {
        # Code too wide for the column: set smaller, then wrapped, by the reading view (its own passes).
        "pre-5000-lines": f"<p>{text}</p><pre><code class='language-python'>"
        + "\n".join([code] * 5000)
        + "</code></pre>",
        "pre-1000-blocks": f"<p>{text}</p>" * 2 + f"<pre><code>{code}\n{code}</code></pre><p>{text}</p>" * 1000,
        # Tables the view sets smaller until no word breaks (each in several steps).
        "tables-300-fitted": f"<p>{text}</p>" + (f"<table>{wide_row}{wide_row}</table><p>{text}</p>") * 300,
        # 60 tables too wide for the column in a table of 20 rows (some in a box): the whole set as
        # lines; it took the view a layout of the article for each size it tried first.
        "tables-in-a-table-to-fit": f"<p>{text}</p><table>"
        + (
            "<tr>"
            + f"<td><table>{wide_row}{wide_row}</table></td>" * 2
            + f"<td><div><table>{wide_row}</table> after the box</div></td>"
            + "</tr>"
        )
        * 20
        + "</table>",
        "nested-20": "<table><tr><td>" * 20 + text * 5 + "</td></tr></table>" * 20,
        "unclosed-66": "".join(f"<table><tr><td>{text}" for _ in range(66)),
        "spans-20": "<table>" + f"<tr><td colspan=1000 rowspan=1000>{text}</td></tr>" * 20 + "</table>",
        "spans-1000": "<table>" + f"<tr><td colspan=1000 rowspan=1000>{text}</td></tr>" * 1000 + "</table>",
        "table-100k-cells": "<table>" + ("<tr>" + "<td>c</td>" * 100 + "</tr>") * 1000 + "</table>",
        "nested-3-wide": "<table>"
        + (
            "<tr>"
            + (
                "<td><table>"
                + ("<tr>" + ("<td><table>" + ("<tr>" + "<td>w</td>" * 5 + "</tr>") * 5 + "</table></td>") * 5 + "</tr>")
                * 5
                + "</table></td>"
            )
            * 10
            + "</tr>"
        )
        * 10
        + "</table>",
    }


# One child per article, so that each article's peak memory is its own.
_LAYOUT = r"""
import json, os, resource, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QGuiApplication, QTextDocument
app = QGuiApplication([])
html = sys.stdin.read()
start = time.perf_counter()
doc = QTextDocument()
doc.setTextWidth(800)
doc.setHtml(html)
doc.size()
elapsed = time.perf_counter() - start
# The peak of this process (VmHWM). Not getrusage: on Linux its ru_maxrss carries over the
# parent's peak across exec, and the parent holds the million-element pages of part 1.
with open("/proc/self/status") as status:
    peak = next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")), None)
if peak is None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps([elapsed, peak]))
"""
FLOOR_KB = 10  # per-100 KB figures count a smaller article as this size (start-up noise)


def bench_layout(tmp: Path) -> dict:
    from reader.core import Library

    pages = tmp / "pages"
    pages.mkdir()
    for name, body in bombs().items():
        (pages / f"bomb-{name}.html").write_text(f"<html><head><title>{name}</title></head><body>{body}</body></html>")
    if CORPUS.is_dir():
        for source in sorted(CORPUS.glob("*/source.html")):
            (pages / f"corpus-{source.parent.name}.html").write_bytes(source.read_bytes())
    with Library.open(tmp / "lib") as library:
        outcomes = library.import_paths([pages])
        items = [(Path(o.path).stem, library.get(o.id).html) for o in outcomes if o.status == "imported"]
    rows = []
    for name, html in items:
        result = subprocess.run(
            [sys.executable, "-c", _LAYOUT],
            input=html,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        seconds, peak = json.loads(result.stdout)
        size = len(html.encode())
        rows.append((name, size, seconds, peak, seconds / (max(size, FLOOR_KB * 1024) / 102400)))
    rows.sort(key=lambda r: r[4], reverse=True)
    print(f"\n{'article':<44} {'KB':>7} {'layout s':>9} {'s/100KB':>8} {'peak MB':>8}")
    for name, size, seconds, peak, per in [r for r in rows if r[0].startswith("bomb")] + rows[:5]:
        print(f"{name[:44]:<44} {size / 1024:>7.1f} {seconds:>9.3f} {per:>8.3f} {peak:>8.0f}")
    worst = rows[0]
    figures = {
        "layout_articles": len(rows),
        "layout_worst_s_per_100kb": round(worst[4], 3),
        "layout_worst_article": worst[0],
        "layout_max_s": round(max(r[2] for r in rows), 3),
        "layout_peak_mb": round(max(r[3] for r in rows), 1),
        "layout_peak_article": max(rows, key=lambda r: r[3])[0],
    }
    print(
        f"worst {figures['layout_worst_s_per_100kb']} s per 100 KB (target <= 1; articles under {FLOOR_KB} KB "
        f"count as {FLOOR_KB} KB), peak {figures['layout_peak_mb']} MB ({figures['layout_peak_article']}; "
        f"target < 300)"
    )
    figures.update(bench_view(sorted(pages.glob("bomb-*.html"))))
    failed = [Path(o.path).name for o in outcomes if o.status != "imported"]
    if failed:
        print("not imported:", ", ".join(failed))
    return figures


def bench_view(pages: list[Path]) -> dict:
    """The bombs shown by the reading view itself (reader.gui.audit: open, fit code and tables,
    lay out, at 500, 800 and 1200 px), whose passes over the document a bare QTextDocument skips."""
    result = subprocess.run(
        [sys.executable, "-m", "reader.gui.audit", "--json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    sizes = {p.stem: p.stat().st_size for p in pages}
    worst: dict[str, float] = {}
    for line in result.stdout.splitlines():
        row = json.loads(line)
        seconds = row["render_ms"] / 1000
        worst[row["page"]] = max(worst.get(row["page"], 0.0), seconds)
    print(f"\n{'shown in the reading view (slowest width)':<44} {'KB':>7} {'open s':>9} {'s/100KB':>8}")
    per = {}
    for name, seconds in sorted(worst.items()):
        size = max(sizes.get(name, 0), FLOOR_KB * 1024)
        per[name] = seconds / (size / 102400)
        print(f"{name[:44]:<44} {sizes.get(name, 0) / 1024:>7.1f} {seconds:>9.3f} {per[name]:>8.3f}")
    name = max(per, key=per.__getitem__)
    print(f"worst {per[name]:.3f} s per 100 KB in the view ({name}; target <= 1)")
    return {"view_worst_s_per_100kb": round(per[name], 3), "view_worst_article": name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--skip-layout", action="store_true")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="reader-hostile-") as name:
        tmp = Path(name)
        figures["growth"] = bench_growth(args.sizes, tmp)
        if not args.skip_layout:
            figures.update(bench_layout(tmp))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
