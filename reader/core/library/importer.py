"""Importing into the library: the crash-tolerant pool of worker processes that
prepares pages, one transaction per stored article, and re-extraction."""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reader.core import anchoring, dates, domain
from reader.core.errors import LibraryError
from reader.core.importing.worker import can_interrupt, prepare_limit, prepare_safely, too_long, watch_parent
from reader.core.library.rows import add_assets, bump_revision, page_identity, storable_text, store_page_fields
from reader.core.storage.models import (
    Article,
    ArticleContent,
    Asset,
    Highlight,
)

if TYPE_CHECKING:
    from reader.core.importing.pipeline import PreparedArticle
    from reader.core.library.host import LibraryHost
else:
    LibraryHost = object  # the declaration is for the type checker only

ProgressCallback = Callable[[int, int, str], None]  # (done, total, current path)
Todo: TypeAlias = tuple[int, Path]  # a page to prepare: (its place among the outcomes, its file)
Prepared: TypeAlias = "PreparedArticle | str"  # what preparing a page gives: the article, or why it failed
Finish: TypeAlias = Callable[[int, Path, Prepared], None]  # stores one prepared page, or reports it failed


class ImportingMixin(LibraryHost):
    """Part of Library (reader.core.library): import_paths, store, reextract."""

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        progress: ProgressCallback | None = None,
        should_cancel: Callable[[], bool] | None = None,
        workers: int | None = None,
    ) -> list[domain.ImportOutcome]:
        """Import files and folders; one outcome per file, in the order found.

        Pages are prepared in worker processes (all cores) and written here,
        one transaction per article, so a failure never stops the batch. A page
        that takes longer than its limit (worker.prepare_limit, 60 s) fails
        with that reason. workers=1 prepares in this process when its main
        thread can be interrupted by a timer (the CLI, tests); otherwise in a
        worker process even for one page, so that the limit holds.
        """
        from reader.core.importing.formats import SKIPPED, find_pages  # lxml/readability load on first import only

        outcomes: dict[int, domain.ImportOutcome] = {}
        todo: list[Todo] = []
        for index, (path, reason) in enumerate(find_pages(paths)):
            if reason and reason.startswith(SKIPPED):
                outcomes[index] = domain.ImportOutcome(str(path), "skipped", error=reason[len(SKIPPED) :])
            elif reason:
                outcomes[index] = domain.ImportOutcome(str(path), "failed", error=reason)
            else:
                todo.append((index, path))
        total = len(todo)
        done = 0

        def finish(index: int, path: Path, result: Prepared) -> None:
            nonlocal done
            if isinstance(result, str):
                outcomes[index] = domain.ImportOutcome(str(path), "failed", error=result)
            else:
                outcomes[index] = self._store_safely(result)
            done += 1
            if progress:
                progress(done, total, str(path))

        workers = workers or os.cpu_count() or 1
        limit = prepare_limit()
        if workers <= 1 and can_interrupt():
            for index, path in todo:
                if should_cancel and should_cancel():
                    break
                finish(index, path, prepare_safely(path, limit))
        elif todo:
            self._import_parallel(todo, finish, should_cancel, max(1, min(workers, total)), limit)
        if any(o.status == "imported" for o in outcomes.values()):
            self.optimize()
        return [outcomes[i] for i in sorted(outcomes)]

    def _import_parallel(
        self,
        todo: list[Todo],
        finish: Finish,
        should_cancel: Callable[[], bool] | None,
        workers: int,
        limit: float,
    ) -> None:
        queue = list(reversed(todo))
        strikes: dict[int, int] = {}
        while queue:
            lost = self._run_pool(queue, finish, should_cancel, workers, strikes, limit)
            # A worker process died (killed, out of memory, a crash in C code) and
            # took the pool with it: start a new pool and try each page that was in
            # flight again, alone; a page that kills a worker twice is reported.
            for index, path in lost:
                strikes[index] = strikes.get(index, 0) + 1
                if strikes[index] >= 2:
                    finish(index, path, "the importer process crashed on this file")
                else:
                    queue.append((index, path))

    def _run_pool(
        self,
        queue: list[Todo],
        finish: Finish,
        should_cancel: Callable[[], bool] | None,
        workers: int,
        strikes: dict[int, int],
        limit: float,
    ) -> list[Todo]:
        """Run the queue through one pool; returns the pages in flight if the pool broke."""
        # spawn, not fork: forking a process that runs Qt threads is unsafe.
        context = multiprocessing.get_context("spawn")
        running: dict[Future[Prepared], Todo] = {}
        started: dict[Future[Prepared], float] = {}  # when each was first seen running
        # A worker's own timer ends a slow page at `limit`; one stuck in C code
        # cannot be interrupted, and its worker is ended here, later (a page
        # marked running may still wait behind one other page in its worker).
        backstop = 2 * limit + 5
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),)
        ) as pool:
            while queue or running:
                if should_cancel and should_cancel():
                    for future in running:
                        future.cancel()
                    queue.clear()
                    return []
                # Keep a few pages in flight per worker, not the whole batch in memory;
                # a page suspected of killing a worker runs alone.
                while queue and len(running) < workers * 3:
                    suspect = queue[-1][0] in strikes
                    if running and (suspect or any(i in strikes for i, _ in running.values())):
                        break
                    index, path = queue.pop()
                    try:
                        running[pool.submit(prepare_safely, path, limit)] = (index, path)
                    except BrokenProcessPool:
                        queue.append((index, path))
                        return list(running.values())
                finished, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    index, path = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        running[future] = (index, path)
                        broken = True
                        continue
                    except Exception as exc:
                        result = f"the importer stopped on this file ({type(exc).__name__})"
                    finish(index, path, result)
                if broken:
                    return list(running.values())
                clock = time.monotonic()
                for future in running:
                    if future.running():
                        started.setdefault(future, clock)
                overdue = [f for f, t in started.items() if f in running and clock - t > backstop]
                if overdue:
                    for future in overdue:
                        index, path = running.pop(future)
                        finish(index, path, too_long(limit))
                    # The other pages in flight were not at fault: back in the queue.
                    queue.extend(running.values())
                    running.clear()
                    for process in list(getattr(pool, "_processes", {}).values()):
                        process.kill()
                    return []
        return []

    def _store_safely(self, prepared: PreparedArticle) -> domain.ImportOutcome:
        try:
            return self.store(prepared)
        except Exception as exc:
            # SQLAlchemy adds the SQL and a link on lines of their own: the first line says it.
            reason = (
                str(exc)
                if isinstance(exc, LibraryError)
                else f"could not save: {(str(exc).splitlines() or [type(exc).__name__])[0]}"
            )
            return domain.ImportOutcome(prepared.source_path, "failed", error=reason)

    def store(self, prepared: PreparedArticle) -> domain.ImportOutcome:
        """Write one prepared article, or report the article it duplicates.

        The duplicate check and the insert are one transaction holding the write
        lock, and the page's identity is unique in the database: imports running
        at once in several processes never store one page twice."""
        try:
            return self._store(prepared)
        except IntegrityError:
            with self._read() as session:
                duplicate = self._find_duplicate(session, prepared)
            if duplicate is None:
                raise
            return domain.ImportOutcome(prepared.source_path, "duplicate", id=duplicate, title=prepared.title)

    def _store(self, prepared: PreparedArticle) -> domain.ImportOutcome:
        with self._write() as session:
            duplicate = self._find_duplicate(session, prepared)
            if duplicate is not None:
                return domain.ImportOutcome(prepared.source_path, "duplicate", id=duplicate, title=prepared.title)
            stamp = dates.now()
            article = Article(
                uid=uuid.uuid4().hex,
                identity=page_identity(prepared.url, prepared.content_hash),
                source_name=storable_text(Path(prepared.source_path).name),
                source_path=storable_text(prepared.source_path),
                source_kind=prepared.source_kind,
                content_hash=prepared.content_hash,
                note="",
                archived=False,
                favorite=False,
                progress=0.0,
                added=stamp,
                updated=stamp,
            )
            store_page_fields(article, prepared)
            article.content = ArticleContent(html=prepared.html, text=prepared.text, original=prepared.original)
            session.add(article)
            session.flush()
            bump_revision(session, article.id)  # a new article is a change an export asks for
            add_assets(session, article.id, prepared)
            session.flush()
            self._search.refresh(session.connection(), article.id)
            return domain.ImportOutcome(
                prepared.source_path, "imported", id=article.id, title=article.title, warnings=tuple(prepared.warnings)
            )

    @staticmethod
    def _find_duplicate(session: Session, prepared: PreparedArticle) -> int | None:
        conditions = [
            Article.content_hash == prepared.content_hash,
            Article.identity == page_identity(prepared.url, prepared.content_hash),
        ]
        if prepared.url:
            conditions.append(Article.url == prepared.url)
        return session.scalar(select(Article.id).where(or_(*conditions)).order_by(Article.id).limit(1))

    def reextract(self, article_id: int) -> tuple[int, int]:
        """Extract an article again from its saved original, keeping its highlights.

        Returns (highlights placed, highlights that could not be placed).
        """
        from reader.core.importing.formats import ImportFailure, Resource, decode_data_uri, page_from_bytes
        from reader.core.importing.pipeline import prepare_page

        with self._read() as session:
            article = self._article_row(session, article_id)
            original = article.content.original
            name = article.source_path or article.source_name or "page.html"
            stored = {
                a.source: Resource(a.data, a.mime)
                for a in session.scalars(select(Asset).where(Asset.article_id == article_id))
            }

        def resolve(src: str) -> Resource | None:
            return decode_data_uri(src) if src.startswith("data:") else stored.get(src)

        from reader.core.importing.worker import PrepareTimeout, time_limit

        limit = prepare_limit()
        try:
            # The same limit as an import (where a timer can interrupt: the main thread).
            with time_limit(limit):
                prepared = prepare_page(page_from_bytes(Path(name), original, resolve))
        except ImportFailure as exc:
            raise LibraryError(f"article {article_id}: cannot re-extract: {exc}") from None
        except PrepareTimeout:
            raise LibraryError(f"article {article_id}: cannot re-extract: {too_long(limit)}") from None
        with self._write() as session:
            article = self._article_row(session, article_id)
            kept_url = article.url  # the address it was imported from stays
            store_page_fields(article, prepared)
            article.url = kept_url or prepared.url
            article.content_hash = prepared.content_hash
            identity = page_identity(article.url, prepared.content_hash)
            taken = session.scalar(select(Article.id).where(Article.identity == identity, Article.id != article_id))
            if taken is None:
                article.identity = identity
            article.updated = dates.now()
            article.content.html = prepared.html
            article.content.text = prepared.text
            session.execute(delete(Asset).where(Asset.article_id == article_id))
            add_assets(session, article_id, prepared)
            placed = orphaned = 0
            for highlight in article.highlights:
                if self._reanchor(highlight, prepared.text):
                    placed += 1
                else:
                    orphaned += 1
            session.flush()
            bump_revision(session, article_id)
            self._search.refresh(session.connection(), article_id)
        return placed, orphaned

    @staticmethod
    def _reanchor(highlight: Highlight, new_text: str) -> bool:
        anchor = anchoring.Anchor(
            highlight.start if highlight.start is not None else -1,
            highlight.end if highlight.end is not None else -1,
            highlight.quote,
            highlight.prefix,
            highlight.suffix,
        )
        found = anchoring.reanchor(new_text, anchor)
        if found is None:
            highlight.start = highlight.end = None  # kept, listed as "could not be placed"
            return False
        fresh = anchoring.make_anchor(new_text, *found)
        highlight.start, highlight.end = fresh.start, fresh.end
        highlight.quote, highlight.prefix, highlight.suffix = fresh.quote, fresh.prefix, fresh.suffix
        return True
