"""copy_library: a whole library copied to a new one, across backends (a folder or a
postgresql:// URL each), all or nothing (reader copy-library)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from reader.core.errors import LibraryError
from reader.core.location import DB_NAME, resolve_library
from reader.core.storage import copy, db, server

if TYPE_CHECKING:
    from reader.core.library import Library, ProgressCallback


def copy_library(
    source: str | os.PathLike[str], dest: str | os.PathLike[str], progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Copy a whole library to a new one, across backends (a folder or a
    postgresql:// URL each): all or nothing, every table's row count verified.
    The destination must not hold a library with anything in it. Returns the
    row counts per table."""
    from reader.core.library import Library  # (the facade imports this module)

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
        except copy.SourceError as exc:
            raise _source_failed(src, exc) from None
        except (copy.CopyError, OSError, SQLAlchemyError) as exc:
            raise LibraryError(f"cannot copy the library to {path}: {server.reason(exc)}") from None


def _copy_to_server(src: Library, url: str, progress: ProgressCallback | None) -> dict[str, int]:
    with type(src).open(url) as dst:
        if src.url is not None and server.display_url(src.url) == dst.name:
            raise LibraryError(f"{dst.name} is the library being copied")
        try:
            with dst._writer.begin() as conn:
                if not copy.is_empty(conn):
                    raise LibraryError(f"{dst.name} already holds articles; copy into an empty database")
                return copy.copy_rows(src.engine, conn, progress)
        except copy.SourceError as exc:
            raise _source_failed(src, exc) from None
        except (copy.CopyError, SQLAlchemyError) as exc:
            raise LibraryError(f"cannot copy the library to {dst.name}: {server.reason(exc)}") from None


def _source_failed(src: Library, exc: copy.SourceError) -> LibraryError:
    """The library being copied went away mid-copy: the line names it, not the destination."""
    return LibraryError(f"cannot read the library being copied, {src.name}: {server.reason(exc.__cause__ or exc)}")


__all__ = ["copy_library"]
