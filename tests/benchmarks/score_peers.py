"""Reader beside its peers on the shared corpora, page by page.

    (cd tests/benchmarks/peers && npm ci)       # once: Readability.js 0.6 + jsdom, pinned
    .venv/bin/pip install trafilatura            # once: not a dependency of Reader
    .venv/bin/python tests/benchmarks/score_peers.py --corpus readability --corpus trafilatura
    .venv/bin/python tests/benchmarks/score_peers.py --corpus trafilatura --json /tmp/peers.json

Every extractor's text is scored by the shared eval tool's own functions, so a row
is the figure `eval_extract.py --extractor ...` would give:

  reader            one `reader extract --format jsonl` run (score_extraction.run_jsonl)
  readability.js    Mozilla Readability.js 0.6 over jsdom (peers/readability_js.js, one node
                    process, nothing fetched, no page script run); its article HTML is turned
                    into text by the tool's html_to_text, as readability-lxml's is
  readability.js-textContent  the same article's textContent (blocks glued, as a DOM gives it)
  readability-lxml  Document(html).summary(), in worker processes
  trafilatura       trafilatura.extract(html), default settings, in worker processes

A peer that is not installed (node_modules, the trafilatura package) is left out
with a line saying so. Peers' outputs do not change with Reader's code: --cache DIR
keeps them between runs. --json writes the per-page rows of every extractor, and
the pages where Reader is behind a peer are listed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score_extraction as se

PEERS = Path(__file__).resolve().parent / "peers"
NODE_SCRIPT = PEERS / "readability_js.js"


def _pages(tool, corpus: str, sample: int | None):
    root = se.SHARED / "corpus" / {"readability": "readability-test-pages", "trafilatura": "trafilatura-eval"}[corpus]
    pages = tool.load_trafilatura(root) if corpus in tool.SNIPPET_CORPORA else tool.load_readability(root)
    return tool.sample_pages(pages, sample, "0") if sample else pages


def readability_js(paths: list[Path]) -> dict[str, dict] | None:
    node = shutil.which("node")
    if node is None or not (PEERS / "node_modules" / "@mozilla" / "readability").is_dir():
        print("  readability.js left out: run `npm ci` in tests/benchmarks/peers (needs node)", file=sys.stderr)
        return None
    proc = subprocess.run(
        [node, str(NODE_SCRIPT)],
        input="\n".join(map(str, paths)).encode("utf-8"),
        capture_output=True,
        timeout=3600,
        check=False,
    )
    # split on "\n" only: JSON leaves U+2028 and friends raw, and splitlines() would cut there
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").split("\n") if line.strip()]
    if len(records) != len(paths):
        raise SystemExit(f"readability.js gave {len(records)} records for {len(paths)} pages: {proc.stderr[-500:]!r}")
    return {r["path"]: r for r in records}


def _python_peer(job: tuple[str, str]) -> dict:
    name, path = job
    tool = se.load_tool()
    extractor = tool.make_extractor(name, 60)
    data = Path(path).read_bytes()
    try:
        text = extractor.extract_text(Path(path), data)
        meta = extractor.extract_meta(Path(path), data)
    except Exception as exc:  # one bad page must not stop the run
        return {"path": path, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"path": path, "text": text, "title": meta.get("title"), "byline": meta.get("byline")}


def python_peer(name: str, paths: list[Path], workers: int) -> dict[str, dict] | None:
    module = {"readability-lxml": "readability", "trafilatura": "trafilatura"}[name]
    try:
        __import__(module)
    except ImportError:
        print(f"  {name} left out: `pip install {name}` into the venv", file=sys.stderr)
        return None
    with ProcessPoolExecutor(workers) as pool:
        records = list(pool.map(_python_peer, [(name, str(p)) for p in paths], chunksize=8))
    return {r["path"]: r for r in records}


def peer_records(name: str, paths: list[Path], workers: int, cache: Path | None, corpus: str) -> dict | None:
    file = cache / f"{corpus}-{name}.json" if cache else None
    if file and file.is_file():
        return json.loads(file.read_text(encoding="utf-8"))
    if name.startswith("readability.js"):
        records = readability_js(paths)
    else:
        records = python_peer(name, paths, workers)
    if records is not None and file:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return records


def _as_text_content(records: dict[str, dict]) -> dict[str, dict]:
    return {p: {**r, "content": None} for p, r in records.items()}


def score_corpus(corpus: str, *, sample: int | None, workers: int, cache: Path | None) -> dict[str, dict]:
    """{extractor: {"summary": ..., "rows": [...]}} for one corpus."""
    tool = se.load_tool()
    pages = _pages(tool, corpus, sample)
    paths = [p.html_path for p in pages]
    snippets = corpus in tool.SNIPPET_CORPORA
    runs: dict[str, dict[str, dict]] = {"reader": se.run_jsonl(paths, workers)}
    js = peer_records("readability.js", paths, workers, cache, corpus)
    if js is not None:
        # the article's HTML made text as the tool makes readability-lxml's (blocks apart)
        runs["readability.js"] = {
            p: {**r, "text": tool.html_to_text(r["content"])} if "content" in r else r for p, r in js.items()
        }
        runs["readability.js-textContent"] = js
    for name in ("readability-lxml", "trafilatura"):
        records = peer_records(name, paths, workers, cache, corpus)
        if records is not None:
            runs[name] = records
    out = {}
    for name, records in runs.items():
        extractor = se.Precomputed(records, 0.0)
        rows = tool.evaluate(pages, extractor, with_meta=not snippets, verbose=False, snippets=snippets)
        for row in rows:
            row.pop("text", None)
        out[name] = {"summary": tool.summarize(rows, 0), "rows": rows}
    return out


def table(corpus: str, results: dict[str, dict]) -> str:
    lines = [f"{corpus} ({next(iter(results.values()))['summary']['pages']} pages)"]
    for name, result in results.items():
        s = result["summary"]
        b = s["benchmark"]
        if "pages_all_right" in s:
            figures = (
                f"F {b['f1']:.3f}  P {b['precision']:.3f}  R {b['recall']:.3f}  pages all right {s['pages_all_right']}"
            )
        else:
            meta = s.get("metadata", {})
            title = meta.get("title", {})
            byline = meta.get("byline", {})
            figures = (
                f"F1 {b['f1']:.3f}  per-page F1 {s['mean_f1']:.3f}  "
                f"title {title.get('exact', 0) / max(title.get('n', 1), 1):.3f}  "
                f"byline {byline.get('name', 0) / max(byline.get('n', 1), 1):.3f}"
            )
        lines.append(f"  {name:28s} {figures}  errors {s['errors']}")
    return "\n".join(lines)


def behind(results: dict[str, dict]) -> list[tuple[str, str, float, float]]:
    """(page, peer, Reader's page score, the peer's) where a peer does better."""
    key = "accuracy" if "tp" in results["reader"]["rows"][0] else "f1"
    ours = {r["id"]: r[key] for r in results["reader"]["rows"]}
    found = []
    for name, result in results.items():
        if name in ("reader", "readability.js-textContent"):
            continue
        for row in result["rows"]:
            if row[key] > ours[row["id"]] + 1e-9:
                found.append((row["id"], name, ours[row["id"]], row[key]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=("readability", "trafilatura"), required=True)
    parser.add_argument("--sample", type=int, help="the eval tool's fixed subset of N pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="keep the peers' outputs here between runs")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every extractor's per-page rows here")
    args = parser.parse_args(argv)
    if not se.EVAL_TOOL.is_file():
        raise SystemExit(f"the shared eval tool is not here: {se.EVAL_TOOL}")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    everything = {}
    for corpus in args.corpus:
        results = score_corpus(corpus, sample=args.sample, workers=args.workers, cache=args.cache)
        everything[corpus] = results
        print(table(corpus, results))
        late = behind(results)
        pages = sorted({page for page, *_ in late})
        print(f"  Reader behind a peer on {len(pages)} pages")
    if args.json:
        args.json.write_text(json.dumps(everything, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
