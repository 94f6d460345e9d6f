"""A small run of the shared library's benchmark: every figure is measured on
both backends and the ratios are what they say. Timings are not asserted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pgserver

BENCH = Path(__file__).parent / "bench_postgres.py"
FIGURES = ("search_p95_ms", "search_median_ms", "first_page_p95_ms", "first_page_median_ms", "open_article_median_ms")


@pytest.mark.postgresql
@pytest.mark.slow
def test_small_postgres_benchmark_reports_both_columns(tmp_path):
    if pgserver.find_bin_dir() is None:
        pytest.skip("NO POSTGRESQL: server binaries not found (apt-get install postgresql)")
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--articles", "100", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["highlights"] == 100 * 5 + 200
    for name in FIGURES:
        lite, pg = figures[f"sqlite_{name}"], figures[f"postgresql_{name}"]
        assert 0 < lite < float("inf") and 0 < pg < float("inf"), name
        assert abs(figures[f"ratio_{name}"] - pg / lite) < 0.01 + 0.01 * pg / lite, name
    assert figures["sqlite_search_p95_ms"] >= figures["sqlite_search_median_ms"]
    assert figures["postgresql_search_p95_ms"] >= figures["postgresql_search_median_ms"]
    assert "open_article_median_ms" in result.stdout  # the table
