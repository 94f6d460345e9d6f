"""How much a second opinion (trafilatura) could add to Reader's extraction, page by page.

    .venv/bin/pip install trafilatura          # once: not a dependency of Reader
    .venv/bin/python tests/benchmarks/score_second_opinion.py --cache /tmp/peercache

For each shared corpus (trafilatura-eval split into its even-numbered pages, where
rules are developed, and its odd-numbered ones, held out), it prints:

  ceiling    Reader, trafilatura, and the per-page best of the two (an oracle that
             knows the answer), with how often each is ahead
  gated      the same oracle when only "doubtful" pages may take the second opinion,
             doubt read from Reader's own output (its share of the page's text, its
             length) with the share of pages flagged: a second extraction costs about
             as much CPU as the first (0.9x readability-lxml a page), so at most a
             tenth of the pages can get one without breaking the speed target
  rules      general rules that choose trafilatura's text from what both texts say
             (length ratio, how much of each text's word 4-grams the other holds)

Figures are the shared eval tool's (pooled snippet F on trafilatura-eval, pooled
F1 on the readability corpus). trafilatura's output comes from score_peers' cache
(--cache) or is computed once.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score_extraction as se
import score_peers

from reader.core.importing.extract import parse
from reader.core.importing.finish import page_text_length
from reader.core.importing.formats import load_page

_WORD = re.compile(r"\w+")


def _grams(text: str, k: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1))} if words else set()


def _page_chars(path: Path) -> int:
    root = parse(load_page(path).html)
    return page_text_length(root) if root is not None else 0


def pages_of(corpus: str, workers: int, cache: Path | None) -> list[dict]:
    """Per page: Reader's row and text, trafilatura's, the page's text length."""
    tool = se.load_tool()
    pages = score_peers._pages(tool, corpus, None)
    paths = [p.html_path for p in pages]
    snippets = corpus in tool.SNIPPET_CORPORA
    ours = se.run_jsonl(paths, workers)
    theirs = score_peers.peer_records("trafilatura", paths, workers, cache, corpus)
    if theirs is None:
        raise SystemExit("trafilatura is not installed in this venv")
    rows = {}
    for name, records in (("reader", ours), ("trafilatura", theirs)):
        found = tool.evaluate(pages, se.Precomputed(records, 0.0), with_meta=False, verbose=False, snippets=snippets)
        rows[name] = found
    out = []
    for i, (page, r, t) in enumerate(zip(pages, rows["reader"], rows["trafilatura"], strict=True)):
        a = ours[str(page.html_path)].get("text") or ""
        b = theirs[str(page.html_path)].get("text") or ""
        ga, gb = _grams(a), _grams(b)
        both = len(ga & gb)
        out.append(
            {
                "i": i,
                "R": r,
                "T": t,
                "reader_chars": len(a),
                "other_chars": len(b),
                "page_chars": _page_chars(page.html_path),
                "ours_in_other": both / max(1, len(ga)),
                "other_in_ours": both / max(1, len(gb)),
            }
        )
    return out


def figure(rows: list[dict]) -> float:
    return float(se.load_tool().summarize(rows, 0)["benchmark"]["f1"])


def with_choice(pages: list[dict], pick: Callable[[dict], bool]) -> float:
    return figure([p["T"] if pick(p) else p["R"] for p in pages])


def ahead(p: dict) -> bool:
    key = "accuracy" if "tp" in p["R"] else "f1"
    return bool(p["T"][key] > p["R"][key] + 1e-9)


def behind(p: dict) -> bool:
    key = "accuracy" if "tp" in p["R"] else "f1"
    return bool(p["R"][key] > p["T"][key] + 1e-9)


def _share(p: dict) -> float:
    return float(p["reader_chars"] / max(1, p["page_chars"]))


def _ratio(p: dict) -> float:
    return math.log2((p["other_chars"] + 1) / (p["reader_chars"] + 1))


DOUBT: dict[str, Callable[[dict], bool]] = {
    "share of page text < 0.1": lambda p: _share(p) < 0.1,
    "share of page text < 0.2": lambda p: _share(p) < 0.2,
    "share of page text < 0.3": lambda p: _share(p) < 0.3,
    "text < 1000 chars": lambda p: p["reader_chars"] < 1000,
    "every page": lambda p: True,
}

RULES: dict[str, Callable[[dict], bool]] = {
    "other >= 4x longer": lambda p: _ratio(p) >= 2,
    "other >= 3x longer, holds 90% of ours": lambda p: _ratio(p) >= math.log2(3) and p["ours_in_other"] >= 0.9,
    "share < 0.1, other longer, holds 80% of ours": lambda p: (
        _share(p) < 0.1 and _ratio(p) > 0 and p["ours_in_other"] >= 0.8
    ),
    "share < 0.2, other >= 2x longer": lambda p: _share(p) < 0.2 and _ratio(p) >= 1,
    "other shorter, ours holds 95% of it": lambda p: _ratio(p) < 0 and p["other_in_ours"] >= 0.95,
}


def report(corpus: str, pages: list[dict]) -> None:
    halves = {"all": pages}
    if corpus == "trafilatura":
        halves = {"even (dev)": pages[0::2], "odd (held out)": pages[1::2]}
    for name, part in halves.items():
        n = len(part)
        base = figure([p["R"] for p in part])
        print(f"{corpus} {name}, {n} pages")
        print(
            f"  ceiling  Reader {base:.4f}  trafilatura {figure([p['T'] for p in part]):.4f}  "
            f"best of both {with_choice(part, ahead):.4f}  "
            f"(trafilatura ahead on {sum(map(ahead, part))}, Reader on {sum(map(behind, part))})"
        )
        for label, doubt in DOUBT.items():
            flagged = sum(map(doubt, part))
            best = with_choice(part, lambda p, d=doubt: d(p) and ahead(p))  # type: ignore[misc]
            print(f"  gated    {label:44s} flags {flagged / n:4.0%}  best of both there {best - base:+.4f}")
        for label, rule in RULES.items():
            print(f"  rule     {label:44s} chosen {sum(map(rule, part)):3d}  {with_choice(part, rule) - base:+.4f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=("readability", "trafilatura"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="score_peers' cache of the peers' outputs")
    args = parser.parse_args(argv)
    if not se.EVAL_TOOL.is_file():
        raise SystemExit(f"the shared eval tool is not here: {se.EVAL_TOOL}")
    for corpus in args.corpus or ["readability", "trafilatura"]:
        report(corpus, pages_of(corpus, args.workers, args.cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
