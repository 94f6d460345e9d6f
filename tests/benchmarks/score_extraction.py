"""Score Reader's extraction on the shared corpora in one `reader extract --format jsonl` run.

    .venv/bin/python tests/benchmarks/score_extraction.py --corpus readability
    .venv/bin/python tests/benchmarks/score_extraction.py --corpus trafilatura --sample 200 --json /tmp/t.json
    .venv/bin/python tests/benchmarks/score_extraction.py --corpus readability --speed   # CPU time vs readability-lxml

The pages' output comes from ONE process (worker processes inside it) instead of
one `reader extract` per page, and is scored by the shared eval tool's own
functions (../shared/tools/eval_extract.py, imported by path), so the figures
are the tool's `cmdjson:reader extract --format json` figures (times aside:
these are the batch's wall time spread over its pages).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
# ../shared beside the checkout, or where READER_SHARED points
SHARED = Path(os.environ.get("READER_SHARED") or REPO.parent / "shared")
EVAL_TOOL = SHARED / "tools" / "eval_extract.py"
READER = [sys.executable, "-m", "reader"]


def load_tool(path: Path = EVAL_TOOL) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_extract", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the eval tool: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_extract", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run_jsonl(paths: list[Path], workers: int | None = None, timeout: float = 1800) -> dict[str, dict]:
    """Every page's record from one `reader extract --format jsonl` run, by path."""
    cmd = [*READER, "extract", "--format", "jsonl", *map(str, paths)]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=REPO)
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").split("\n") if line.strip()]
    if len(records) != len(paths):
        raise SystemExit(
            f"reader extract gave {len(records)} records for {len(paths)} pages: "
            f"{proc.stderr.decode('utf-8', 'replace')[-500:]}"
        )
    return {r["path"]: r for r in records}


class Precomputed:
    """An extractor for the tool's evaluate(): answers from the jsonl records."""

    meta_fields = ("title", "byline")
    version = ""

    def __init__(self, records: dict[str, dict], seconds_per_page: float) -> None:
        self.name = "reader extract --format jsonl"
        self.records = records
        self.seconds = seconds_per_page
        self._last: dict = {}

    def extract_text(self, path: Path, html: bytes) -> str:
        record = self.records[str(path)]
        if "error" in record:
            raise RuntimeError(record["error"])
        self._last = {"title": record.get("title"), "byline": record.get("byline")}
        return record.get("text") or ""

    def extract_meta(self, path: Path, html: bytes) -> dict:
        return self._last


def score(
    corpus: str,
    *,
    sample: int | None = None,
    seed: str = "0",
    workers: int | None = None,
    n_bootstrap: int = 200,
    verbose: bool = False,
) -> tuple[dict, list[dict], float]:
    """(the tool's summary, its per-page rows, wall seconds of the extraction run)."""
    tool = load_tool()
    root = SHARED / "corpus" / {"readability": "readability-test-pages", "trafilatura": "trafilatura-eval"}[corpus]
    snippets = corpus in tool.SNIPPET_CORPORA
    pages = tool.load_trafilatura(root) if snippets else tool.load_readability(root)
    if sample:
        pages = tool.sample_pages(pages, sample, seed)
    start = time.perf_counter()
    records = run_jsonl([p.html_path for p in pages], workers)
    wall = time.perf_counter() - start
    extractor = Precomputed(records, wall / len(pages))
    rows = tool.evaluate(pages, extractor, with_meta=not snippets, verbose=verbose, snippets=snippets)
    return tool.summarize(rows, n_bootstrap), rows, wall


def speed(corpus: str, *, sample: int | None = None, seed: str = "0") -> dict:
    """CPU seconds of Reader's extraction of every page (in this process) beside
    bare readability-lxml's on the same bytes, measured in the same run."""
    from readability import Document

    from reader.core.importing.pipeline import prepare

    tool = load_tool()
    root = SHARED / "corpus" / {"readability": "readability-test-pages", "trafilatura": "trafilatura-eval"}[corpus]
    pages = tool.load_trafilatura(root) if corpus in tool.SNIPPET_CORPORA else tool.load_readability(root)
    if sample:
        pages = tool.sample_pages(pages, sample, seed)
    datas = [p.html_path.read_bytes() for p in pages]

    def bare() -> None:
        for data in datas:
            try:
                Document(data).summary()
            except Exception:
                pass

    def ours() -> None:
        for page in pages:
            try:
                prepare(page.html_path)
            except Exception:
                pass

    times: dict[str, float] = {}
    for name, run in (("readability_lxml_s", bare), ("reader_s", ours)) * 2:  # twice, keep the best
        start = time.process_time()
        run()
        times[name] = min(times.get(name, float("inf")), time.process_time() - start)
    times["reader_vs_readability_lxml"] = times["reader_s"] / times["readability_lxml_s"]
    return {"pages": len(pages), **{k: round(v, 3) for k, v in times.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, choices=("readability", "trafilatura"))
    parser.add_argument("--sample", type=int, help="the eval tool's fixed subset of N pages")
    parser.add_argument("--seed", default="0")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--json", type=Path, metavar="OUT", help="write per-page rows (with text) here")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--speed",
        action="store_true",
        help="instead: CPU time of the extraction beside bare readability-lxml's, in one process",
    )
    args = parser.parse_args(argv)
    if not EVAL_TOOL.is_file():
        raise SystemExit(f"the shared eval tool is not here: {EVAL_TOOL}")
    if args.speed:
        print(json.dumps(speed(args.corpus, sample=args.sample, seed=args.seed)))
        return 0
    summary, rows, wall = score(
        args.corpus,
        sample=args.sample,
        seed=args.seed,
        workers=args.workers,
        n_bootstrap=args.n_bootstrap,
        verbose=args.verbose,
    )
    tool = sys.modules["eval_extract"]
    extractor = Precomputed({}, 0.0)
    tool.print_summary(args.corpus, extractor, summary)
    print(f"  wall time of the jsonl run {wall:.1f} s for {summary['pages']} pages")
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "pages": rows}, indent=1, ensure_ascii=False), encoding="utf8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
