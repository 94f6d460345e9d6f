"""A small run of the benchmark suite: every figure is measured and printed.

Timings are not asserted (a shared machine is noisy); the full run is
`python tests/benchmarks/bench.py` (README, "Benchmarks").
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent / "bench.py"
FIGURES = (
    "import_pages_per_s",
    "import_vs_readability",
    "startup_s",
    "startup_vs_bare_qt",
    "search_p95_ms",
    "search_vs_bare_fts",
    "open_article_ms",
    "export_all_s",
    "rss_mb",
    "search_broad_p95_ms",
    "list_first_page_ms",
    "change_check_ms",
    "add_highlight_ms",
    "add_highlight_screen_ms",
    "export_incremental_ms",
    "cli_list_json_ms",
    "cli_search_ms",
    "cli_show_ms",
    "scroll_step_max_ms",
)


@pytest.mark.slow
def test_small_benchmark_run_reports_every_figure(tmp_path):
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--articles",
            "200",
            "--import-pages",
            "6",
            "--no-cache",
            "--quick",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    for name in FIGURES:
        assert 0 < figures[name] < float("inf"), name
    # The figures agree with each other (each is what its name says).
    assert figures["search_p95_ms"] >= figures["search_median_ms"]
    assert abs(figures["import_pages_per_s"] - figures["import_pages"] / figures["import_s"]) < 0.2
    assert abs(figures["startup_vs_bare_qt"] - figures["startup_s"] / figures["startup_bare_qt_s"]) < 0.05
    assert figures["import_imported"] >= 1
    assert figures["export_files"] == 201  # 200 articles and the long one
    assert figures["export_highlights"] == 200 * 5 + 200
    assert figures["open_article_highlights"] == 200 and figures["open_article_words"] >= 10_000
    assert figures["list_walk_rows"] == 201
    assert figures["add_highlight_screen_made"] == 9  # each H made its highlight, and the probe saw it
    # After one article changed, only its file is written again.
    assert figures["export_incremental_rewritten"] == 1
    assert "startup_vs_bare_qt" in result.stdout  # the table
