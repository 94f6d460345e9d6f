"""A folder kept current: the user's Obsidian vault or Logseq graph.

`sync_vault(library, folder, fmt)` exports every article with highlights or a
note into `folder` through the same deterministic writer and manifest as any
export (files.py): a file is rewritten only when its content changed, a file the
user edited is left alone, and a file of an article that lost its last highlight
(or was deleted) is removed while unchanged since Reader wrote it. Nothing else
in the folder is ever touched. Call it after each change (the window does, off
its GUI thread); `watch` polls the library's change signature and syncs when it
moves (`reader export --watch`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from reader.core.errors import LibraryError
from reader.core.export.common import ArticleSource
from reader.core.export.files import ExportResult, export_articles

VAULT_FORMATS = ("md", "logseq")  # one file per article, linkable: what a vault holds


class WatchedSource(ArticleSource, Protocol):
    def signature(self) -> object: ...  # changes whenever anything in the library changes


def sync_vault(
    library: ArticleSource,
    folder: str | os.PathLike[str],
    fmt: str = "md",
    *,
    template: str | Path | None = None,
    color_names: dict[str, str] | None = None,
) -> ExportResult:
    """Bring `folder` up to date with the library's annotated articles."""
    if fmt not in VAULT_FORMATS:
        raise ValueError(f"a vault is kept in {' or '.join(VAULT_FORMATS)}, not {fmt}")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file; a vault is a folder")
    return export_articles(
        library, fmt, folder, template=template, color_names=color_names, single_file=False, annotated=True, prune=True
    )


def watch(
    library: WatchedSource,
    folder: str | os.PathLike[str],
    fmt: str = "md",
    *,
    interval: float = 2.0,
    on_sync: Callable[[ExportResult], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    template: str | Path | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Sync now, then again whenever the library changes (checked every `interval`
    seconds, in any process), until `stop()` is true. With `on_error`, a sync that
    fails after the first (the vault's drive gone for a while, a full disk, the
    library held by another program) is reported there and tried again at the
    next check, instead of ending the watch; the first sync's error is raised."""
    last: object = None
    first = True
    while not stop():
        signature = library.signature()
        if signature != last:
            try:
                result = sync_vault(library, folder, fmt, template=template)
            except (OSError, LibraryError, ValueError) as exc:
                if first or on_error is None:
                    raise
                on_error(exc)
            else:
                last = signature
                if on_sync is not None:
                    on_sync(result)
            first = False
        time.sleep(interval)
