"""Extract many saved pages without a library: one plain record per page, in input order.

Used by `reader extract FILE... --format jsonl` and by the extraction benchmarks:
a start-up of the interpreter and its imports per page cost more than the
extraction itself, so the pages go through a few worker processes instead.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

    from reader.core.importing.pipeline import PreparedArticle

Record = dict[str, Any]


def article_record(article: PreparedArticle) -> Record:
    """The fields `reader extract --format json` prints for a PreparedArticle."""
    return {
        "title": article.title,
        "byline": article.byline,
        "site": article.site,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "direction": article.direction,
        "excerpt": article.excerpt,
        "lead_image": article.lead_image,
        "word_count": article.word_count,
        "fallback": article.fallback,
        "text": article.text,
        "html": article.html,
        "images": [a.name for a in article.assets],
    }


def extract_record(path: str) -> Record:
    """One page to its record; a failure is a record with `error` (never raises)."""
    from reader.core.importing.worker import prepare_safely

    if not Path(path).is_file():
        return {"path": path, "error": "file not found"}
    result = prepare_safely(Path(path))
    if isinstance(result, str):
        return {"path": path, "error": result}
    return {"path": path, **article_record(result)}


def extract_records(paths: Iterable[str], workers: int | None = None) -> Iterator[Record]:
    """Records of the pages, in the order given, extracted in worker processes."""
    paths = [str(p) for p in paths]
    workers = min(workers or os.cpu_count() or 1, len(paths))
    if workers <= 1:
        for path in paths:
            yield extract_record(path)
        return
    todo = deque(enumerate(paths))
    crashed: dict[int, int] = {}
    while todo:
        # A worker that dies (killed, a crash in C code) breaks its pool: the
        # pages in flight are tried again in a new pool, and a page that breaks
        # two pools is reported as failed.
        yield from _run_pool(todo, crashed, workers)


def _run_pool(todo: deque[tuple[int, str]], crashed: dict[int, int], workers: int) -> Iterator[Record]:
    # Imported here: one page (`reader extract FILE --format json`) needs no pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from reader.core.importing.worker import watch_parent

    # spawn, not fork: the caller may be a process with threads (the window).
    context = multiprocessing.get_context("spawn")
    running: deque[tuple[int, str, Future[Record]]] = deque()  # (index, path, future), in input order
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),)
    ) as pool:
        while todo or running:
            # A few pages in flight per worker, not the whole batch in memory.
            while todo and len(running) < workers * 4:
                index, path = todo[0]
                if index in crashed and running:
                    break  # a suspect page runs alone
                todo.popleft()
                running.append((index, path, pool.submit(extract_record, path)))
                if index in crashed:
                    break
            index, path, future = running[0]
            try:
                record = future.result()
            except BrokenProcessPool:
                crashed[index] = crashed.get(index, 0) + 1
                lost = [(i, p) for i, p, _ in running]
                if crashed[index] >= 2:
                    yield {"path": path, "error": "the extractor process crashed on this file"}
                    lost = lost[1:]
                todo.extendleft(reversed(lost))
                return
            except Exception as exc:
                record = {"path": path, "error": f"the extractor stopped on this file ({type(exc).__name__})"}
            running.popleft()
            yield record
