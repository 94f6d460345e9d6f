"""The extractor over the shared corpus (skipped when the corpus is absent).

The scores themselves are measured with ../shared/tools/eval_extract.py; this
test only holds the floor: every page gives a non-empty article, no crash, and
a title.
"""

from __future__ import annotations

import time

from reader.core.importing.pipeline import prepare


def test_every_corpus_page_gives_a_non_empty_article(corpus):
    pages = sorted(p / "source.html" for p in corpus.iterdir() if (p / "source.html").is_file())
    assert pages
    start = time.perf_counter()
    empty, failed = [], []
    for path in pages:
        try:
            article = prepare(path)
        except Exception as exc:  # noqa: BLE001 - report every page at once
            failed.append(f"{path.parent.name}: {type(exc).__name__}: {exc}")
            continue
        if not article.text.strip():
            empty.append(path.parent.name)
        assert article.title.strip(), path.parent.name
    assert not failed, failed
    assert not empty, empty
    assert time.perf_counter() - start < 60
