"""Re-anchoring benchmark (issue 13, section 3): how long finding highlights again takes.

    .venv/bin/python tests/benchmarks/bench_anchoring.py                 # 100,000 annotations
    .venv/bin/python tests/benchmarks/bench_anchoring.py --annotations 5000 --json out.json

Figures (targets in TARGETS):
- quote_20kb_ms: one 20 KB quote, edited inside (so only a fuzzy match finds it), in a
  long article; the median of a few runs;
- unplaceable_1000_s: 1000 quotes made of the article's own words in another order, which
  cannot be placed (the fuzzy search must give up quickly);
- reanchor_only_s: re-anchoring those N annotations alone, without the database;
- import_s: `import_annotations` of N annotations (stale positions, 2% edited, 2% gone)
  into a library of 20 articles, end to end; import_vs_bare_insert is its ratio to
  inserting the same highlights with no anchoring at all, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic

from reader.core import anchoring, domain
from reader.core.export import import_annotations

TARGETS = {"quote_20kb_ms": ("<=", 50.0), "reanchor_only_s": ("<=", 60.0), "import_s": ("<=", 60.0)}


def _edit(rng: random.Random, quote: str, edits: int) -> str:
    """The quote with a few words replaced, as a newer version of a page would have it."""
    words = quote.split(" ")
    for _ in range(edits):
        i = rng.randrange(len(words))
        words[i] = words[i][::-1] + "x"
    return " ".join(words)


def _stale(text: str, start: int, end: int) -> anchoring.Anchor:
    """An anchor made on the text as it was before a paragraph was added at the top."""
    a = anchoring.make_anchor(text, start, end)
    return anchoring.Anchor(max(0, a.start - 57), max(1, a.end - 57), a.quote, a.prefix, a.suffix)


def bench_long_quote(text: str, rng: random.Random, runs: int = 5) -> float:
    start = rng.randrange(0, len(text) - 21_000)
    end = start + 20_000
    anchor = anchoring.make_anchor(text, start, end)
    edited = text[:start] + _edit(rng, text[start:end], 12) + text[end:]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        found = anchoring.reanchor(edited, anchor)
        times.append(time.perf_counter() - t)
    assert found is not None and abs(found[0] - start) < 200, found
    return statistics.median(times) * 1000


def bench_unplaceable(text: str, rng: random.Random, count: int = 1000) -> float:
    words = text.split()
    anchors = []
    for _ in range(count):
        n = rng.randint(8, 40)
        i = rng.randrange(0, len(words) - n)
        piece = words[i : i + n]
        rng.shuffle(piece)
        anchors.append(anchoring.Anchor(rng.randrange(len(text)), 0, " ".join(piece), "", ""))
    t = time.perf_counter()
    placed = sum(1 for a in anchors if anchoring.reanchor(text, a) is not None)
    elapsed = time.perf_counter() - t
    print(f"  unplaceable: {placed} of {count} placed anyway (shuffled words can still match)", file=sys.stderr)
    return elapsed


def annotation_file(library, rng: random.Random, count: int) -> dict:
    """A W3C Web Annotation collection of `count` highlights over the library's articles."""
    articles = library.get_many(library.article_ids(), content=True)
    items = []
    for n in range(count):
        article = articles[n % len(articles)]
        text = article.text
        length = rng.randint(40, 240)
        start = rng.randrange(0, len(text) - length - 1)
        end = start + length
        kind = rng.random()
        anchor = _stale(text, start, end)
        exact = anchor.quote
        if kind < 0.02:
            exact = _edit(rng, exact, 2)
        elif kind < 0.04:
            exact = " ".join(rng.sample(exact.split(), len(exact.split()))) + " gone"
        selectors = [
            {"type": "TextQuoteSelector", "exact": exact, "prefix": anchor.prefix, "suffix": anchor.suffix},
            {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
        ]
        items.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128)).urn,
                "type": "Annotation",
                "motivation": "highlighting",
                "created": "2024-01-01T00:00:00Z",
                "target": {"type": "SpecificResource", "source": article.url, "selector": selectors},
            }
        )
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:x-reader:export:bench",
        "type": "AnnotationCollection",
        "total": count,
        "first": {"type": "AnnotationPage", "items": items},
    }


def bench_import(folder: Path, rng: random.Random, count: int) -> dict:
    library = synthetic.build_library(folder / "lib", articles=19, highlights_per_article=0, long_article=(10_000, 1))
    data = annotation_file(library, rng, count)
    # Re-anchoring alone (no database): the part of the import this benchmark is about.
    texts = {a.url: a.text for a in library.get_many(library.article_ids(), content=True)}
    anchors = []
    for item in data["first"]["items"]:
        quote, position = item["target"]["selector"]
        anchors.append(
            (
                texts[item["target"]["source"]],
                anchoring.Anchor(position["start"], position["end"], quote["exact"], quote["prefix"], quote["suffix"]),
            )
        )
    anchors.sort(key=lambda pair: id(pair[0]))  # grouped by article, as the import places them
    t = time.perf_counter()
    placed = sum(1 for text, anchor in anchors if anchoring.reanchor(text, anchor) is not None)
    reanchor_s = time.perf_counter() - t
    ticks = []
    t = time.perf_counter()
    try:
        report = import_annotations(library, data, progress=lambda done, total: ticks.append(done))
    except TypeError:  # before progress existed
        report = import_annotations(library, data)
    import_s = time.perf_counter() - t
    library.close()

    # Baseline: the same number of highlights inserted as they are, with no anchoring.
    bare = synthetic.build_library(folder / "bare", articles=19, highlights_per_article=0, long_article=(10_000, 1))
    ids = bare.article_ids()
    stamp = domain.Highlight  # noqa: F841 (readability: the records below are plain Highlights)
    from datetime import datetime

    when = datetime(2024, 1, 1)
    rows = [
        domain.Highlight(
            id=0,
            uid=uuid.uuid4().hex,
            article_id=ids[n % len(ids)],
            start=0,
            end=10,
            quote="q" * 100,
            prefix="",
            suffix="",
            color="yellow",
            note="",
            tags=(),
            created=when,
            updated=when,
        )
        for n in range(count)
    ]
    t = time.perf_counter()
    bare.insert_highlights(rows)
    bare_s = time.perf_counter() - t
    bare.close()
    return {
        "reanchor_only_s": reanchor_s,
        "reanchor_placed": placed,
        "import_s": import_s,
        "import_added": report.added,
        "import_orphans": report.orphans,
        "import_progress_calls": len(ticks),
        "bare_insert_s": bare_s,
        "import_vs_bare_insert": import_s / bare_s if bare_s else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--unplaceable", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    rng = random.Random(13)
    paragraphs = synthetic.fixture_paragraphs()
    _title, body = synthetic.make_article_html(rng, paragraphs, 14_000)
    from reader.core.text import html_to_text

    text = html_to_text(body)
    figures: dict[str, float] = {"text_chars": len(text)}
    figures["quote_20kb_ms"] = bench_long_quote(text, rng)
    figures["unplaceable_1000_s"] = bench_unplaceable(text, rng, args.unplaceable)
    with tempfile.TemporaryDirectory() as tmp:
        figures.update(bench_import(Path(tmp), rng, args.annotations))
    figures["annotations"] = args.annotations
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    for name, (op, limit) in TARGETS.items():
        ok = figures[name] <= limit
        print(f"{name:24} {figures[name]:10.2f}  target {op} {limit}  {'ok' if ok else 'MISSED'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
