"""The library facade: everything the window and the command line can do.

Each public method is one transaction (all or nothing) and returns plain
records from reader.core.domain, never database objects.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from reader.core import domain, listing
from reader.core.errors import LibraryError
from reader.core.identity import display_name
from reader.core.library.articles import ArticleEditsMixin
from reader.core.library.copying import copy_library
from reader.core.library.highlights import HighlightsMixin
from reader.core.library.importer import ImportingMixin
from reader.core.library.reviewing import ReviewMixin
from reader.core.library.rows import NoteConflict, page_identity, storable_text
from reader.core.listing import SORTS, STATES  # noqa: F401 (re-exported for the CLI)
from reader.core.location import (  # noqa: F401
    DB_NAME,
    LIBRARY_ENV,
    default_library_dir,
    is_server_url,
    resolve_library,
    resolve_library_dir,
    synced_folder_warning,
)
from reader.core.storage import controls, copy, db, search, server
from reader.core.storage.models import (
    Article,
    Asset,
    Highlight,
    Setting,
)
from reader.core.storage.revision import SCHEMA_REVISION

ProgressCallback = Callable[[int, int, str], None]  # (done, total, current path)


# psycopg's errors for a server that cannot be reached or that refuses the user.
_SERVER_REFUSALS = ("OperationalError", "InsufficientPrivilege")


class Library(ImportingMixin, ArticleEditsMixin, HighlightsMixin, ReviewMixin):
    """A folder holding library.db (SQLite), or a shared library on a PostgreSQL
    server. Open with Library.open(path or postgresql:// URL).

    The importing, highlight and review parts live in the modules beside this
    one (importer.py, highlights.py, reviewing.py) and are mixed in here."""

    def __init__(
        self, folder: Path | None, read_only: bool = False, url: str | None = None, user: str | None = None
    ) -> None:
        self.folder = folder
        # The display name recorded with highlights and notes (reader.core.identity).
        self.user = user or display_name()
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
    def open(
        cls,
        location: str | os.PathLike[str] | None = None,
        user: str | None = None,
        on_upgrade: Callable[[str], None] | None = None,
    ) -> Library:
        """The library in a folder, or on a server for a postgresql:// URL
        (also from $READER_LIBRARY); created or upgraded as needed. `on_upgrade`
        hears one sentence before an existing library's format is upgraded (a
        minute or two for a large one, whose search index may be rebuilt)."""
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
                # A backup or copy killed mid-way left its temporary file here (one
                # of the copy kept before an upgrade, or of copy-library's target).
                db.remove_stale_partials(folder)
                library = cls(folder, user=user)
                try:
                    db.upgrade(library.engine, path, revision, on_upgrade)
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
        if revision != SCHEMA_REVISION:
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
        # Statistics only: a library held by another program, or a full disk, costs
        # some speed, never the import that just succeeded.
        with suppress(OperationalError):
            db.analyze(self._writer)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Session]:
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
            if not self.shared:  # locked too long, a full disk, a disk error: one line
                raise LibraryError(f"nothing was saved in {self.name}: {db.write_failure(exc)}") from None
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
    def _read(self) -> Iterator[Session]:
        try:
            with Session(self.engine) as session:
                yield session
        except Exception as exc:
            if self._lost_server(exc):
                raise self._server_error(exc) from None
            raise

    # -- reading -------------------------------------------------------------

    @contextmanager
    def _sql(self) -> Iterator[listing.Sql]:
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
        cursor: tuple[object, ...] | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> domain.Page:
        """One page of the list; keyset pagination, so any page costs the same
        (`offset` skips rows after the cursor, at a cost per row skipped)."""
        with self._sql() as conn:
            return listing.list_articles(conn, sort, state, tag, cursor, limit, offset)

    def position(
        self, article_id: int, sort: str = "added", state: str | None = None, tag: str | None = None
    ) -> int | None:
        """The row of an article in the list (0 first), None if it is not in it."""
        with self._sql() as conn:
            return listing.position(conn, article_id, sort, state, tag)

    def iter_articles(
        self, sort: str = "added", state: str | None = None, tag: str | None = None
    ) -> Iterator[domain.ArticleSummary]:
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

    def export_stamps(self, ids: Sequence[int]) -> list[listing.ExportStamp]:
        """What an export needs to know of articles before reading them (names,
        filters, and whether each changed since its file was written)."""
        history = self._history()
        with self._sql() as conn:
            return listing.export_stamps(conn, ids, f"{SCHEMA_REVISION}{history}")

    def export_changes(self, since: int, sample: Sequence[int] = ()) -> tuple[str, listing.ExportChanges]:
        """(this library's identity, what changed since revision `since` of its
        change sequence, with the `sample` articles' stamps): an export keeping a
        folder current asks only for that."""
        identity = self.name
        if self.db_path is not None:
            # The file's inode too: a backup restored in its place starts another history.
            with suppress(OSError):
                identity = f"{self.db_path.resolve()}#{self.db_path.stat().st_ino}"
        history = self._history()
        with self._sql() as conn:
            return identity + history, listing.export_changes(conn, since, f"{SCHEMA_REVISION}{history}", sample)

    def export_deletions(self) -> list[tuple[int, str]]:
        """(id, uid) of the articles deleted from this library: a vault it keeps
        removes their files, and no other library's (export.folder)."""
        with self._sql() as conn:
            return listing.export_deletions(conn)

    def _history(self) -> str:
        """The library's history mark ("" for one never copied): a backup or copy has
        its own, so its revisions, the same numbers for other changes once the two
        go their ways, never pass for this one's (in the folder's state and in the
        articles' fingerprints)."""
        with self._read() as session:
            row = session.get(Setting, db.HISTORY_KEY)
        return f"#{row.value}" if row is not None else ""

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

    def shows_current_text(self, article: domain.Article) -> bool:
        """Whether `article` (as a front end read it) still has the article's stored text and
        html: false once it was extracted again (by another process perhaps). Compared in the
        database, nothing is read back; a deleted article counts as unchanged."""
        with self._sql() as conn:
            return not listing.text_changed(conn, article.id, article.text, article.html)

    def original(self, article_id: int) -> bytes:
        with self._read() as session:
            return self._article_row(session, article_id).content.original

    def page_titles(self) -> dict[int, str]:
        """The page's own title of each article the reader renamed, by id (one query:
        import-annotations knows an article by either title)."""
        with self._read() as session:
            rows = session.execute(select(Article.id, Article.page_title).where(Article.page_title.is_not(None)))
            return {article_id: title for article_id, title in rows if title is not None}

    def tags(self) -> list[tuple[str, int]]:
        """Every article tag with how many articles carry it."""
        with self._sql() as conn:
            return listing.tags(conn)

    def signature(self) -> tuple[object, ...]:
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

    # -- search --------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[domain.SearchHit]:
        """Ranked full-text search over titles, authors, text, highlights and notes."""
        if self.shared:
            with self._read() as session:
                return search.hits(self._search, session.connection(), query, limit)
        with self._sql() as conn:  # the driver's connection: no ORM session for a read
            return search.hits(self._search, conn, query, limit)

    # -- maintenance ---------------------------------------------------------

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / DB_NAME
        if dest.exists():
            raise LibraryError(f"{dest} already exists; choose a new file name")
        try:
            if self.shared:
                copy.to_sqlite_file(self.engine, dest, replace=False)
            else:
                db.backup(self.engine, dest, replace=False)
        except FileExistsError:
            raise LibraryError(f"{dest} already exists; choose a new file name") from None
        except Exception as exc:
            raise LibraryError(f"cannot write the backup {dest}: {exc}") from None
        return dest

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check (on a server: the checks that
        apply there), and articles still holding control characters; empty when all
        is well."""
        problems = server.integrity_check(self.engine) if self.shared else db.integrity_check(self.engine)
        if not problems:  # a damaged library: its rows are not to be trusted or read further
            problems += self._control_characters()
        return problems

    def _control_characters(self) -> list[str]:
        """Articles imported before control characters were removed at import. Named,
        not changed: cleaning one moves its highlights, which `reextract` does where the
        user asks for it and reports what could not be placed. A migration would change
        what users wrote their highlights on at an upgrade nobody asked for (on a
        shared library, under every client at once)."""
        with self._read() as session:
            ids = controls.articles_with_controls(session.connection())
        if not ids:
            return []
        # Every id while the command stays a line to copy; past that, every article.
        command = f"reader reextract {' '.join(map(str, ids))}" if len(ids) <= 20 else "reader reextract --all"
        return [
            f"{len(ids)} article(s) still hold control characters (ESC, BEL, …) from an import before Reader "
            f"removed them: `{command}` cleans them and keeps their highlights"
        ]

    def reindex(self) -> None:
        with self._writer.begin() as conn:
            self._search.rebuild(conn)


__all__ = ["Library", "LibraryError", "NoteConflict", "copy_library", "page_identity", "storable_text"]
