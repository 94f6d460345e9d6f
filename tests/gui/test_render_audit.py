"""The render audit over the shared corpus: the reading view drops nothing (issue 14).

Kept fast: a named sample of the corpus (the pages with code, tables, math, right-to-left
text, wide content, images) in one audit process, at 500, 800 and 1200 px. The whole corpus
is tests/gui/bench_audit.py (about 2 minutes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "readability-test-pages"
SAMPLE = (
    "ietf-1",
    "v8-blog",
    "keep-tabular-data",
    "wikipedia",
    "wikipedia-2",
    "wikipedia-3",
    "wikipedia-4",
    "rtl-1",
    "rtl-2",
    "toc-missing",
    "lazy-image-1",
    "001",
    "gmw",
    "links-in-tables",
    "qq",
    "pixnet",
    "mathjax",
    "lwn-1",
    "table-style-attributes",
    "google-sre-book-1",
)
# (page, width): why. Each must still fail; one that passes is taken off this list.
KNOWN: dict[tuple[str, int], str] = {}


def run_audit(pages: list[Path], timeout: float = 600) -> list[dict]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "reader.gui.audit", "--json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the project")
def test_the_view_shows_every_sampled_corpus_page_whole_at_three_widths():
    rows = run_audit([CORPUS / name / "source.html" for name in SAMPLE])
    keys = {
        "page",
        "width",
        "missing_chars",
        "clipped_lines",
        "broken_words",
        "overflow_px",
        "small_images",
        "render_ms",
    }
    assert rows and all(set(r) == keys for r in rows)
    assert {(r["page"], r["width"]) for r in rows} == {(p, w) for p in SAMPLE for w in (500, 800, 1200)}
    defects = {(r["page"], r["width"]): {k: r[k] for k in keys - {"page", "width", "render_ms"} if r[k]} for r in rows}
    failing = {key: counts for key, counts in defects.items() if counts}
    assert {k: v for k, v in failing.items() if k not in KNOWN} == {}
    assert [k for k in KNOWN if k[0] in SAMPLE and k not in failing] == [], (
        "a known exception passes now: take it off KNOWN"
    )


def test_the_audit_says_which_page_it_cannot_read(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "reader.gui.audit", str(tmp_path / "nothing.html")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"audit: {tmp_path / 'nothing.html'}: no such file"]
