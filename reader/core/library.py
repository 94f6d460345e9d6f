"""The library facade: everything the window and the command line can do.

Each public method is one transaction (all or nothing) and returns plain
records from reader.core.domain, never database objects.
"""

from __future__ import annotations

import html as html_lib
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from reader.core import anchoring, domain, listing, review
from reader.core.dates import now
from reader.core.errors import LibraryError
from reader.core.importing.worker import can_interrupt, prepare_limit, prepare_safely, too_long, watch_parent
from reader.core.listing import SORTS, STATES  # noqa: F401 (re-exported for the CLI)
from reader.core.location import (  # noqa: F401
    DB_NAME,
    LIBRARY_ENV,
    default_library_dir,
    default_user,
    is_server_url,
    resolve_library,
    resolve_library_dir,
    synced_folder_warning,
)
from reader.core.storage import copy, db, fts, reviews, search, server
from reader.core.storage.models import (
    Article,
    ArticleContent,
    Asset,
    Highlight,
    ReviewCard,
    ReviewLog,
    Tag,
    article_tags,
    highlight_tags,
)
from reader.core.tags import clean_tags, tag_key

if TYPE_CHECKING:
    from reader.core.importing.pipeline import PreparedArticle


ProgressCallback = Callable[[int, int, str], None]  # (done, total, current path)


# psycopg's errors for a server that cannot be reached or that refuses the user.
_SERVER_REFUSALS = ("OperationalError", "InsufficientPrivilege")


class NoteConflict(LibraryError):
    """A note was changed by someone else since the editor opened it: both texts
    are kept here for the front end to show, nothing was written."""

    def __init__(self, what: str, by: str | None, theirs: str, yours: str) -> None:
        self.by = by or "someone else"
        self.theirs = theirs
        self.yours = yours
        super().__init__(
            f"{what}: the note was changed by {self.by} since you opened it "
            f"(theirs: {_clip(theirs)!r}; yours: {_clip(yours)!r}); nothing was saved"
        )


def _clip(text_: str, limit: int = 80) -> str:
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= limit else text_[: limit - 1] + "…"


class Library:
    """A folder holding library.db (SQLite), or a shared library on a PostgreSQL
    server. Open with Library.open(path or postgresql:// URL)."""

    def __init__(
        self, folder: Path | None, read_only: bool = False, url: str | None = None, user: str | None = None
    ) -> None:
        self.folder = folder
        # The display name recorded with highlights and notes; the window and
        # $READER_USER may set it, the OS user name by default.
        self.user = user or default_user()
        self.url = url
        self.read_only = read_only
        self.db_path: Path | None
        if url is not None:
            self.db_path = None
            self.name = server.display_url(url)
            self.engine = server.create_server_engine(url)
        else:
            if folder is None:
                raise LibraryError("a library needs a folder or a server URL")
            self.db_path = folder / DB_NAME
            self.name = str(self.db_path)
            self.engine = db.create_library_engine(self.db_path, read_only=read_only)
        self.dialect = self.engine.dialect.name
        # Said once at open by the front ends (a library in a synced folder).
        self.warnings: list[str] = []
        if folder is not None:
            warning = synced_folder_warning(folder)
            if warning:
                self.warnings.append(warning)
        self._search = search.for_dialect(self.dialect)
        self._writer = db.writer(self.engine)
        self._poll: listing.Sql | server.ChangeWatch | None = None
        self._poll_lock = threading.Lock()

    @property
    def location(self) -> Path | str:
        """What Library.open() takes to open this library again: its folder or URL."""
        if self.url is not None:
            return self.url
        assert self.folder is not None  # one or the other, from __init__
        return self.folder

    @property
    def shared(self) -> bool:
        """Whether this library lives on a server (PostgreSQL)."""
        return self.url is not None

    @classmethod
    def open(cls, location: str | os.PathLike | None = None, user: str | None = None) -> Library:
        """The library in a folder, or on a server for a postgresql:// URL
        (also from $READER_LIBRARY); created or upgraded as needed."""
        where = resolve_library(location)
        if isinstance(where, str):
            library = cls._open_server(where)
            library.user = user or library.user
            return library
        folder = where
        if folder.exists() and not folder.is_dir():
            raise LibraryError(f"{folder} is a file, not a library folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {folder}: {exc.strerror or exc}") from None
        path = folder / DB_NAME
        writable = db.is_writable(path)
        try:
            # Checked, created and upgraded under one lock: a second process
            # opening a new library at once waits, then opens what the first made.
            with db.open_lock(path) if writable else nullcontext():
                revision = db.inspect(path)
                if not writable:
                    return cls._open_read_only(folder, path, revision)
                library = cls(folder, user=user)
                try:
                    db.upgrade(library.engine, path, revision)
                except BaseException:
                    library.close()
                    raise
        except db.DatabaseError as exc:
            raise LibraryError(str(exc)) from None
        return library

    @classmethod
    def _open_server(cls, url: str) -> Library:
        library = cls(None, url=url)
        try:
            server.open_checked(library.engine, library.name)
        except db.DatabaseError as exc:
            library.close()
            raise LibraryError(str(exc)) from None
        except BaseException:
            library.close()
            raise
        return library

    @classmethod
    def _open_read_only(cls, folder: Path, path: Path, revision: str | None) -> Library:
        if revision == db.NEW:
            raise LibraryError(f"cannot create a library in {folder}: the folder is read-only")
        if revision != db.SCHEMA_REVISION:
            raise LibraryError(
                f"{path} is read-only and from an older version of Reader; nothing is wrong with it, "
                "but it must be writable once to be upgraded"
            )
        return cls(folder, read_only=True)

    def close(self) -> None:
        with self._poll_lock:
            if self._poll is not None:
                self._poll.close()
                self._poll = None
        self.engine.dispose()

    def optimize(self) -> None:
        """Refresh the query planner's statistics (after imports); see db.analyze.
        PostgreSQL's autovacuum keeps its own statistics."""
        if self.read_only or self.shared:
            return
        db.analyze(self._writer)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _write(self):
        """One write transaction, begun with the write lock held (see db.writer)."""
        if self.read_only:
            raise self._read_only_error()
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as exc:
            if "readonly" in str(exc.orig):
                raise self._read_only_error() from None
            if self._lost_server(exc):
                raise self._server_error(exc) from None
            raise
        except Exception as exc:
            if self._lost_server(exc):
                raise self._server_error(exc) from None
            raise

    def _read_only_error(self) -> LibraryError:
        return LibraryError(f"{self.name} is read-only (nothing is wrong with it): it can be read, not changed")

    def _lost_server(self, exc: BaseException) -> bool:
        """Whether `exc` says the server cannot be reached, or refused us (the
        connection, or a right the user was not granted): SQLAlchemy's wrapper, or
        psycopg's own error when raised while reconnecting."""
        if not self.shared:
            return False
        if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            return True
        if isinstance(exc, DBAPIError) and type(exc.orig).__name__ in _SERVER_REFUSALS:
            return True
        cause = exc.__cause__ or exc.__context__
        if isinstance(exc, SQLAlchemyError) and isinstance(cause, Exception):
            return self._lost_server(cause)
        return type(exc).__module__.startswith("psycopg") and type(exc).__name__ in _SERVER_REFUSALS

    def _server_error(self, exc: BaseException) -> LibraryError:
        """The server went away, or refused us, in the middle of the work: one line."""
        return LibraryError(f"{self.name}: {server.reason(exc)}")

    @contextmanager
    def _read(self):
        try:
            with Session(self.engine) as session:
                yield session
        except Exception as exc:
            if self._lost_server(exc):
                raise self._server_error(exc) from None
            raise

    # -- importing ---------------------------------------------------------

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike],
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
        todo: list[tuple[int, Path]] = []
        for index, (path, reason) in enumerate(find_pages(paths)):
            if reason and reason.startswith(SKIPPED):
                outcomes[index] = domain.ImportOutcome(str(path), "skipped", error=reason[len(SKIPPED) :])
            elif reason:
                outcomes[index] = domain.ImportOutcome(str(path), "failed", error=reason)
            else:
                todo.append((index, path))
        total = len(todo)
        done = 0

        def finish(index: int, path: Path, result: PreparedArticle | str) -> None:
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

    def _import_parallel(self, todo, finish, should_cancel, workers: int, limit: float) -> None:
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

    def _run_pool(self, queue, finish, should_cancel, workers: int, strikes: dict[int, int], limit: float) -> list:
        """Run the queue through one pool; returns the pages in flight if the pool broke."""
        # spawn, not fork: forking a process that runs Qt threads is unsafe.
        context = multiprocessing.get_context("spawn")
        running: dict = {}
        started: dict = {}  # future -> when it was first seen running
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
            return domain.ImportOutcome(prepared.source_path, "failed", error=f"could not save: {exc}")

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
            stamp = now()
            article = Article(
                uid=uuid.uuid4().hex,
                identity=page_identity(prepared.url, prepared.content_hash),
                title=prepared.title,
                author=prepared.byline,
                site=prepared.site,
                url=prepared.url,
                published=prepared.published,
                language=prepared.language,
                direction=prepared.direction,
                excerpt=prepared.excerpt,
                lead_image=prepared.lead_image,
                word_count=prepared.word_count,
                source_name=storable_text(Path(prepared.source_path).name),
                source_path=storable_text(prepared.source_path),
                source_kind=prepared.source_kind,
                content_hash=prepared.content_hash,
                extracted_fallback=prepared.fallback,
                note="",
                archived=False,
                favorite=False,
                progress=0.0,
                added=stamp,
                updated=stamp,
            )
            article.content = ArticleContent(html=prepared.html, text=prepared.text, original=prepared.original)
            session.add(article)
            session.flush()
            _add_assets(session, article.id, prepared)
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
            article.title = prepared.title
            article.author = prepared.byline
            article.site = prepared.site
            article.url = article.url or prepared.url
            article.published = prepared.published
            article.language = prepared.language
            article.direction = prepared.direction
            article.excerpt = prepared.excerpt
            article.lead_image = prepared.lead_image
            article.word_count = prepared.word_count
            article.content_hash = prepared.content_hash
            identity = page_identity(article.url, prepared.content_hash)
            taken = session.scalar(select(Article.id).where(Article.identity == identity, Article.id != article_id))
            if taken is None:
                article.identity = identity
            article.extracted_fallback = prepared.fallback
            article.updated = now()
            article.content.html = prepared.html
            article.content.text = prepared.text
            session.execute(delete(Asset).where(Asset.article_id == article_id))
            _add_assets(session, article_id, prepared)
            placed = orphaned = 0
            for highlight in article.highlights:
                if self._reanchor(highlight, prepared.text):
                    placed += 1
                else:
                    orphaned += 1
            session.flush()
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

    # -- reading -------------------------------------------------------------

    @contextmanager
    def _sql(self):
        """A plain DB-API connection from the pool, for the reads in reader.core.listing."""
        try:
            raw = self.engine.raw_connection()
        except Exception as exc:
            if self._lost_server(exc):
                raise self._server_error(exc) from None
            raise
        try:
            yield listing.Sql(raw.driver_connection, self.dialect)
        except Exception as exc:
            if self._lost_server(exc):  # psycopg's own errors: listing runs on the driver's connection
                raise self._server_error(exc) from None
            raise
        finally:
            raw.close()

    def count(self, state: str | None = None, tag: str | None = None) -> int:
        with self._sql() as conn:
            return listing.count(conn, state, tag)

    def list_articles(
        self,
        sort: str = "added",
        state: str | None = None,
        tag: str | None = None,
        cursor: tuple | None = None,
        limit: int = 200,
    ) -> domain.Page:
        """One page of the list; keyset pagination, so any page costs the same."""
        with self._sql() as conn:
            return listing.list_articles(conn, sort, state, tag, cursor, limit)

    def iter_articles(self, sort: str = "added", state: str | None = None, tag: str | None = None):
        cursor = None
        while True:
            page = self.list_articles(sort, state, tag, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def get(self, article_id: int) -> domain.Article:
        return self.get_many([article_id])[0]

    def article_ids(self, state: str | None = None, tag: str | None = None) -> list[int]:
        """The ids of the articles in a state and/or with a tag (every article by default), ascending."""
        with self._sql() as conn:
            return listing.article_ids(conn, state, tag)

    def get_many(self, ids: Sequence[int], content: bool = True) -> list[domain.Article]:
        """Several articles with tags and highlights, in the order of `ids`, in a
        handful of queries per 500 articles (for export). With content=False the
        html and text are left empty and never read."""
        with self._sql() as conn:
            return listing.get_many(conn, ids, content)

    def find_link(self, article: str, highlight: str | None = None) -> tuple[int, int | None]:
        """(article id, highlight id or None) for a reader://open link's uids (an
        article may also be named by its id, as links from old exports are)."""
        with self._read() as session:
            article_id = session.scalar(select(Article.id).where(Article.uid == article))
            if article_id is None and article.isdigit():
                article_id = session.scalar(select(Article.id).where(Article.id == int(article)))
            if article_id is None:
                raise LibraryError(f"the linked article ({article}) is not in this library")
            highlight_id = None
            if highlight:
                highlight_id = session.scalar(
                    select(Highlight.id).where(Highlight.uid == highlight, Highlight.article_id == article_id)
                )
            return article_id, highlight_id

    def get_summary(self, article_id: int) -> domain.ArticleSummary:
        for item in self._summaries([article_id]):
            return item
        raise LibraryError(f"no article with id {article_id}")

    def _summaries(self, ids: Sequence[int]) -> list[domain.ArticleSummary]:
        with self._sql() as conn:
            return listing.summaries(conn, ids)

    def asset(self, article_id: int, name: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of an article's image, as referenced by src="asset:<name>"."""
        with self._read() as session:
            row = session.execute(
                select(Asset.mime, Asset.data).where(Asset.article_id == article_id, Asset.name == name)
            ).first()
        return (row[0], row[1]) if row else None

    def original(self, article_id: int) -> bytes:
        with self._read() as session:
            return self._article_row(session, article_id).content.original

    def tags(self) -> list[tuple[str, int]]:
        """Every article tag with how many articles carry it."""
        with self._sql() as conn:
            return listing.tags(conn)

    def signature(self) -> tuple:
        """Changes whenever anything in the library changes (in any process)."""
        with self._poll_lock:
            # One connection of its own: data_version is only comparable between
            # reads on the same connection, and the pool hands out any. On a
            # server: the notifications every write transaction sends.
            if self._poll is None:
                if self.url is not None:
                    self._poll = server.ChangeWatch(self.url)
                else:
                    assert self.db_path is not None
                    self._poll = listing.connect(self.db_path)
            if isinstance(self._poll, server.ChangeWatch):
                return self._poll.signature()
            return listing.signature(self._poll)

    @staticmethod
    def _article_row(session: Session, article_id: int) -> Article:
        row = session.get(Article, article_id)
        if row is None:
            raise LibraryError(f"no article with id {article_id}")
        return row

    # -- article actions -----------------------------------------------------

    def set_archived(self, article_id: int, archived: bool = True) -> domain.Change:
        return self._set(article_id, archived=archived)

    def set_favorite(self, article_id: int, favorite: bool = True) -> domain.Change:
        return self._set(article_id, favorite=favorite)

    def set_progress(self, article_id: int, progress: float) -> domain.Change:
        # Reading progress is not an edit of the article: `updated` stays.
        with self._write() as session:
            self._article_row(session, article_id).progress = min(1.0, max(0.0, float(progress)))
        return domain.Change("article-updated", article_id)

    def set_title(self, article_id: int, title: str) -> domain.Change:
        """Rename an article (a page's own title is often the site's, or shouting)."""
        title = " ".join(str(title).split())
        if not title:
            raise LibraryError("a title cannot be empty")
        return self._set(article_id, reindex=True, title=title)

    def set_note(self, article_id: int, note: str, opened: domain.Article | None = None) -> domain.Change:
        """Write the article's note. With `opened` (the article as the editor read
        it), a note someone else changed since then is not overwritten: NoteConflict."""
        with self._write() as session:
            article = self._article_row(session, article_id)
            if opened is not None and article.note_version != opened.note_version and article.note != opened.note:
                raise NoteConflict(f"article {article_id}", article.note_by, article.note, note)
            article.note = note
            article.note_by = self.user
            article.note_version = (article.note_version or 1) + 1
            article.updated = now()
            session.flush()
            self._search.refresh(session.connection(), article_id)
        return domain.Change("article-updated", article_id)

    def _set(self, article_id: int, reindex: bool = False, **values) -> domain.Change:
        with self._write() as session:
            article = self._article_row(session, article_id)
            for name, value in values.items():
                setattr(article, name, value)
            article.updated = now()
            session.flush()
            if reindex:
                self._search.refresh(session.connection(), article_id)
        return domain.Change("article-updated", article_id)

    def set_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        with self._write() as session:
            article = self._article_row(session, article_id)
            article.tags = self._tag_rows(session, tags)
            article.updated = now()
        return domain.Change("article-updated", article_id)

    def add_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        current = self.get(article_id).tags
        return self.set_tags(article_id, [*current, *tags])

    def remove_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        drop = {tag_key(t) for t in tags}
        return self.set_tags(article_id, [t for t in self.get(article_id).tags if tag_key(t) not in drop])

    @staticmethod
    def _tag_rows(session: Session, names: Iterable[str]) -> list[Tag]:
        """The tag rows for these names; a tag is found by its key whatever its
        case, and a new one keeps the spelling first typed."""
        wanted = clean_tags(names)
        if not wanted:
            return []  # most highlights have no tags: no query (it also flushes the session)
        keys = [tag_key(name) for name in wanted]
        existing = {t.key: t for t in session.scalars(select(Tag).where(Tag.key.in_(keys)))}
        rows = []
        for name, key in zip(wanted, keys):
            tag = existing.get(key) or Tag(name=name, key=key)
            session.add(tag)
            rows.append(tag)
        return rows

    def delete(self, article_id: int) -> domain.Change:
        with self._write() as session:
            self._article_row(session, article_id)
            session.execute(delete(Article).where(Article.id == article_id))
            self._search.remove(session.connection(), article_id)
            self._drop_unused_tags(session)
        return domain.Change("article-deleted", article_id)

    @staticmethod
    def _drop_unused_tags(session: Session) -> None:
        session.execute(
            delete(Tag).where(~Tag.id.in_(select(article_tags.c.tag_id)), ~Tag.id.in_(select(highlight_tags.c.tag_id)))
        )

    # -- highlights ----------------------------------------------------------

    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
        uid: str | None = None,
    ) -> domain.Highlight:
        """Highlight text[start:end] of the article's canonical text."""
        with self._write() as session:
            article = self._article_row(session, article_id)
            text_ = article.content.text
            start, end = anchoring.trim_range(text_, max(0, start), min(len(text_), end))
            if end <= start:
                raise LibraryError("nothing to highlight: the selection holds no text")
            anchor = anchoring.make_anchor(text_, start, end)
            stamp = now()
            row = Highlight(
                uid=uid or uuid.uuid4().hex,
                article_id=article_id,
                start=anchor.start,
                end=anchor.end,
                quote=anchor.quote,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                color=color or "yellow",
                note=note or "",
                created=stamp,
                updated=stamp,
                created_by=self.user,
                updated_by=self.user,
            )
            row.tags = self._tag_rows(session, tags)
            session.add(row)
            session.flush()
            self._search.refresh(session.connection(), article_id)
            return _highlight_record(row)

    def highlight_quote(
        self,
        article_id: int,
        quote: str,
        occurrence: int | None = None,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
    ) -> domain.Highlight:
        """Highlight an exact quote (whitespace-insensitive); `occurrence` counts from 1."""
        text_ = self.get(article_id).text
        found = anchoring.find_quote(text_, quote)
        if not found:
            raise LibraryError(f"article {article_id}: the quote was not found in the text")
        if occurrence is None:
            if len(found) > 1:
                raise LibraryError(
                    f"article {article_id}: the quote occurs {len(found)} times; choose one with --occurrence 1..{len(found)}"
                )
            occurrence = 1
        if not 1 <= occurrence <= len(found):
            raise LibraryError(f"article {article_id}: occurrence {occurrence} of {len(found)} does not exist")
        start, end = found[occurrence - 1]
        return self.add_highlight(article_id, start, end, color=color, note=note, tags=tags)

    def highlights(self, article_id: int) -> list[domain.Highlight]:
        with self._read() as session:
            self._article_row(session, article_id)
            rows = session.scalars(
                select(Highlight)
                .where(Highlight.article_id == article_id)
                .options(selectinload(Highlight.tags))
                .order_by(Highlight.start.is_(None), Highlight.start, Highlight.end, Highlight.id)
            )
            return [_highlight_record(h) for h in rows]

    def get_highlight(self, highlight_id: int) -> domain.Highlight:
        with self._read() as session:
            return _highlight_record(self._highlight_row(session, highlight_id))

    def all_highlights(
        self,
        color: str | None = None,
        tag: str | None = None,
        article_id: int | None = None,
        query: str | None = None,
    ) -> list[domain.Highlight]:
        """Highlights across the library (newest article first, reading order within)."""
        stmt = select(Highlight).options(selectinload(Highlight.tags)).join(Article)
        if color:
            stmt = stmt.where(Highlight.color == color)
        if article_id is not None:
            stmt = stmt.where(Highlight.article_id == article_id)
        if tag:
            stmt = stmt.where(
                Highlight.id.in_(
                    select(highlight_tags.c.highlight_id)
                    .join(Tag, Tag.id == highlight_tags.c.tag_id)
                    .where(Tag.key == tag_key(tag))
                )
            )
        if query:
            for word in query.split():
                like = f"%{word}%"
                stmt = stmt.where(or_(Highlight.quote.ilike(like), Highlight.note.ilike(like)))
        stmt = stmt.order_by(
            Article.added.desc(), Article.id.desc(), Highlight.start.is_(None), Highlight.start, Highlight.id
        )
        with self._read() as session:
            return [_highlight_record(h) for h in session.scalars(stmt)]

    def update_highlight(
        self,
        highlight_id: int,
        color: str | None = None,
        note: str | None = None,
        tags: Iterable[str] | None = None,
        opened: domain.Highlight | None = None,
    ) -> domain.Highlight:
        """Change a highlight. With `opened` (the highlight as the editor read it),
        a note someone else changed since then is not overwritten: NoteConflict."""
        try:
            with self._write() as session:
                row = self._highlight_row(session, highlight_id)
                if (
                    opened is not None
                    and note is not None
                    and row.version != opened.version
                    and row.note != opened.note
                ):
                    raise NoteConflict(f"highlight {highlight_id}", row.updated_by, row.note, note)
                if color is not None:
                    row.color = color
                if note is not None:
                    row.note = note
                if tags is not None:
                    row.tags = self._tag_rows(session, tags)
                row.updated = now()
                row.updated_by = self.user
                session.flush()
                self._drop_unused_tags(session)
                self._search.refresh(session.connection(), row.article_id)
                return _highlight_record(row)
        except StaleDataError:
            # Changed by another client between our read and our write.
            current = self.get_highlight(highlight_id)
            raise NoteConflict(
                f"highlight {highlight_id}",
                current.updated_by,
                current.note,
                note if note is not None else current.note,
            ) from None

    def delete_highlight(self, highlight_id: int) -> domain.Change:
        with self._write() as session:
            row = self._highlight_row(session, highlight_id)
            article_id = row.article_id
            session.delete(row)
            session.flush()
            self._drop_unused_tags(session)
            self._search.refresh(session.connection(), article_id)
        return domain.Change("highlight-deleted", article_id, highlight_id)

    def restore_highlight(self, highlight: domain.Highlight) -> domain.Highlight:
        """Put back a deleted highlight exactly as it was (for undo)."""
        with self._write() as session:
            self._article_row(session, highlight.article_id)
            row = self._highlight_row_of(session, highlight, keep_id=True)
            session.flush()
            self._search.refresh(session.connection(), highlight.article_id)
            return _highlight_record(row)

    def insert_highlights(self, highlights: Sequence[domain.Highlight]) -> list[domain.Highlight]:
        """Insert highlights exactly as given (uid, start/end or None for "could not be
        placed", quote, prefix, suffix, colour, note, tags, created, updated) in one
        transaction, for restoring backups and imported annotations. Ids are new;
        highlights whose uid is already in the library are skipped. Returns the inserted."""
        if not highlights:
            return []
        inserted = []
        with self._write() as session:
            uids = [x.uid for x in highlights]
            present = set()
            for offset in range(0, len(uids), 500):
                present.update(
                    session.scalars(select(Highlight.uid).where(Highlight.uid.in_(uids[offset : offset + 500])))
                )
            articles = set()
            rows = []
            for x in highlights:
                if x.uid in present:
                    continue
                present.add(x.uid)
                if x.article_id not in articles:
                    self._article_row(session, x.article_id)
                    articles.add(x.article_id)
                rows.append(self._highlight_row_of(session, x))
            session.flush()
            for article_id in sorted(articles):
                self._search.refresh(session.connection(), article_id)
            inserted = [_highlight_record(row) for row in rows]
        return inserted

    def _highlight_row_of(self, session: Session, x: domain.Highlight, keep_id: bool = False) -> Highlight:
        """A new row holding the highlight exactly as given (added to the session)."""
        placed = x.start is not None and x.end is not None
        row = Highlight(
            id=x.id if keep_id else None,
            uid=x.uid,
            article_id=x.article_id,
            start=x.start if placed else None,
            end=x.end if placed else None,
            quote=x.quote,
            prefix=x.prefix,
            suffix=x.suffix,
            color=x.color or "yellow",
            note=x.note or "",
            created=x.created,
            updated=x.updated,
            created_by=x.created_by or None,
            updated_by=x.updated_by or None,
        )
        row.tags = self._tag_rows(session, x.tags)
        session.add(row)
        if x.review is not None:  # restored with its place in the daily review
            session.flush()
            r = x.review
            session.add(
                ReviewCard(
                    highlight_id=row.id,
                    state=r.state,
                    step=None,
                    stability=r.stability,
                    difficulty=r.difficulty,
                    due=r.due,
                    last_review=r.last_reviewed,
                    retired=r.retired,
                )
            )
        return row

    @staticmethod
    def _highlight_row(session: Session, highlight_id: int) -> Highlight:
        row = session.get(Highlight, highlight_id)
        if row is None:
            raise LibraryError(f"no highlight with id {highlight_id}")
        return row

    # -- the daily review ----------------------------------------------------

    def review_settings(self) -> review.ReviewSettings:
        with self._read() as session:
            return review.ReviewSettings.from_json(reviews.load_setting(session, reviews.REVIEW_SETTINGS))

    def set_review_settings(self, settings: review.ReviewSettings) -> domain.Change:
        with self._write() as session:
            reviews.save_setting(session, reviews.REVIEW_SETTINGS, settings.to_json())
        return domain.Change("review-settings")

    def review_queue(self, limit: int | None = None, now: datetime | None = None) -> list[domain.ReviewItem]:
        """Today's review: due highlights, then new ones (made over a day ago),
        up to the daily limit less what was already answered today."""
        when = (now or datetime.now(UTC)).astimezone(UTC)
        settings = self.review_settings()
        day_start = review.local_day_start(now or datetime.now().astimezone())
        with self._read() as session:
            done = reviews.reviewed_since(session, reviews.naive_utc(day_start))
            room = (limit if limit is not None else settings.daily_limit) - (0 if limit is not None else done)
            if room <= 0:
                return []
            ids = reviews.queue(
                session,
                due_before=reviews.naive_utc(day_start + timedelta(days=1)),
                made_before=reviews.naive_utc(when - review.NEW_AFTER),
                exclude_archived=settings.exclude_archived,
                exclude_tags=settings.exclude_tags,
                exclude_colors=settings.exclude_colors,
                limit=room,
            )
            cards = reviews.cards(session, ids)
            counts = reviews.answers(session, ids)
        highlights = {h.id: h for h in self._highlights_by_id(ids)}
        articles = {a.id: a for a in self._summaries(sorted({h.article_id for h in highlights.values()}))}
        items = []
        for highlight_id in ids:
            h = highlights[highlight_id]
            a = articles[h.article_id]
            card = cards.get(highlight_id)
            items.append(
                domain.ReviewItem(
                    highlight=h,
                    article_title=a.title,
                    article_site=a.site,
                    article_url=a.url,
                    article_published=a.published,
                    article_added=a.added,
                    due=reviews.aware(card.due) if card else None,
                    reviews=counts.get(highlight_id, 0),
                )
            )
        return items

    def answer_review(
        self, highlight_id: int, answer: str, now: datetime | None = None, duration_ms: int | None = None
    ) -> domain.ReviewAnswer:
        """Record how well a highlight was remembered (again, hard, good, easy; or
        keep, less-often, never) and schedule it."""
        try:
            answer = review.normalize_answer(answer)
        except ValueError as exc:
            raise LibraryError(str(exc)) from None
        when = (now or datetime.now(UTC)).astimezone(UTC)
        with self._write() as session:
            self._highlight_row(session, highlight_id)
            row = session.get(ReviewCard, highlight_id)
            current = (
                None
                if row is None
                else review.CardState(
                    row.state,
                    row.step,
                    row.stability,
                    row.difficulty,
                    reviews.aware(row.due),
                    reviews.aware(row.last_review),
                    row.retired,
                )
            )
            card = review.answer_card(current, answer, when)
            row = row or ReviewCard(highlight_id=highlight_id)
            row.state, row.step, row.stability, row.difficulty = card.state, card.step, card.stability, card.difficulty
            row.due, row.retired = reviews.naive_utc(card.due), card.retired
            row.last_review = reviews.naive_utc(card.last_review) if card.last_review else None
            session.add(row)
            session.add(
                ReviewLog(
                    highlight_id=highlight_id, answer=answer, reviewed=reviews.naive_utc(when), duration_ms=duration_ms
                )
            )
        return domain.ReviewAnswer(highlight_id, answer, None if card.retired else card.due)

    def review_stats(self, now: datetime | None = None) -> review.Stats:
        local_now = now or datetime.now().astimezone()
        local_now = local_now.astimezone() if local_now.tzinfo is None else local_now
        tz = local_now.tzinfo
        today = local_now.date()
        week_start = review.local_day_start(local_now) - timedelta(days=6)
        with self._read() as session:
            reviewed = [reviews.aware(t).astimezone(tz).date() for t in reviews.review_times(session)]
            made = [
                reviews.aware(t).astimezone(tz).date()
                for t in reviews.highlight_times(session, reviews.naive_utc(week_start))
            ]
        per_day_reviewed: dict = {}
        for day in reviewed:
            per_day_reviewed[day] = per_day_reviewed.get(day, 0) + 1
        per_day_made: dict = {}
        for day in made:
            per_day_made[day] = per_day_made.get(day, 0) + 1
        due = len(self.review_queue(now=local_now))
        return review.Stats(
            due=due,
            reviewed_today=per_day_reviewed.get(today, 0),
            streak=review.streak(per_day_reviewed, today),
            week=review.week(per_day_made, per_day_reviewed, today),
        )

    def _highlights_by_id(self, ids: Sequence[int]) -> list[domain.Highlight]:
        if not ids:
            return []
        with self._read() as session:
            rows = session.scalars(
                select(Highlight).options(selectinload(Highlight.tags)).where(Highlight.id.in_(list(ids)))
            )
            return [_highlight_record(h) for h in rows]

    # -- search --------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[domain.SearchHit]:
        """Ranked full-text search over titles, authors, text, highlights and notes."""
        terms = fts.query_terms(query)
        if not terms:
            return []
        pattern = fts.term_pattern(terms)
        with self._read() as session:
            conn = session.connection()
            scores = self._search.find(conn, query, limit)
            if not scores:
                return []
            rows = self._search.texts(conn, [row[0] for row in scores])
        hits = []
        for article_id, score in scores:
            title, body, annotations = rows[article_id]
            snippet = fts.make_snippet(pattern, body, annotations, title)
            hits.append(
                domain.SearchHit(
                    article_id=article_id,
                    title=title,
                    snippet=snippet.replace("\x02", "").replace("\x03", ""),
                    snippet_html=html_lib.escape(snippet).replace("\x02", "<b>").replace("\x03", "</b>"),
                    rank=score,
                    terms=tuple(terms),
                )
            )
        return hits

    # -- maintenance ---------------------------------------------------------

    def backup(self, dest: str | os.PathLike) -> Path:
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / DB_NAME
        if dest.exists():
            raise LibraryError(f"{dest} already exists; choose a new file name")
        try:
            if self.shared:
                copy.to_sqlite_file(self.engine, dest)
            else:
                db.backup(self.engine, dest)
        except Exception as exc:
            raise LibraryError(f"cannot write the backup {dest}: {exc}") from None
        return dest

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check (on a server: the checks that
        apply there); empty when all is well."""
        if self.shared:
            return server.integrity_check(self.engine)
        return db.integrity_check(self.engine)

    def reindex(self) -> None:
        with self._writer.begin() as conn:
            self._search.rebuild(conn)


def copy_library(
    source: str | os.PathLike, dest: str | os.PathLike, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Copy a whole library to a new one, across backends (a folder or a
    postgresql:// URL each): all or nothing, every table's row count verified.
    The destination must not hold a library with anything in it. Returns the
    row counts per table."""
    target = resolve_library(dest)
    origin = resolve_library(source)
    if isinstance(origin, Path) and not (origin / DB_NAME).is_file():
        raise LibraryError(f"there is no library in {origin}")
    with Library.open(origin) as src:
        if isinstance(target, str):
            return _copy_to_server(src, target, progress)
        path = target / DB_NAME
        if src.db_path is not None and path.resolve() == src.db_path.resolve():
            raise LibraryError(f"{path} is the library being copied")
        try:
            if db.inspect(path) != db.NEW:
                raise LibraryError(f"{path} already holds a library; copy into a new folder")
            target.mkdir(parents=True, exist_ok=True)
            return copy.to_sqlite_file(src.engine, path, progress)
        except db.DatabaseError as exc:
            raise LibraryError(str(exc)) from None
        except (copy.CopyError, OSError, SQLAlchemyError) as exc:
            raise LibraryError(f"cannot copy the library to {path}: {server.reason(exc)}") from None


def _copy_to_server(src: Library, url: str, progress: ProgressCallback | None) -> dict[str, int]:
    with Library.open(url) as dst:
        if src.url is not None and server.display_url(src.url) == dst.name:
            raise LibraryError(f"{dst.name} is the library being copied")
        try:
            with dst._writer.begin() as conn:
                if not copy.is_empty(conn):
                    raise LibraryError(f"{dst.name} already holds articles; copy into an empty database")
                return copy.copy_rows(src.engine, conn, progress)
        except (copy.CopyError, SQLAlchemyError) as exc:
            raise LibraryError(f"cannot copy the library to {dst.name}: {server.reason(exc)}") from None


def storable_text(value: str) -> str:
    """File names that are not valid UTF-8 (kept by Python as surrogates) as storable text."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def page_identity(url: str | None, content_hash: str) -> str:
    """What makes two imports the same page: its URL when known, else its text."""
    return f"url:{url}" if url else f"sha256:{content_hash}"


def _add_assets(session: Session, article_id: int, prepared: PreparedArticle) -> None:
    for asset in prepared.assets:
        session.add(
            Asset(article_id=article_id, name=asset.name, mime=asset.mime, source=asset.source, data=asset.data)
        )


def _highlight_record(row: Highlight) -> domain.Highlight:
    return domain.Highlight(
        id=row.id,
        uid=row.uid,
        article_id=row.article_id,
        start=row.start,
        end=row.end,
        quote=row.quote,
        prefix=row.prefix,
        suffix=row.suffix,
        color=row.color,
        note=row.note,
        tags=tuple(t.name for t in row.tags),
        created=row.created,
        updated=row.updated,
        created_by=row.created_by or "",
        updated_by=row.updated_by or "",
        version=row.version,
    )
