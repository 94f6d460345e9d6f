"""Writing exports to disk: one file per article into a folder, or one file
(written only where no file is, or over the one Reader wrote there: single_file.py).

A folder keeps a small manifest, in `.reader-export/` (manifest.py), of the files
Reader wrote there: format -> article uid (stable, never reused, unlike the row
id) -> the file's name and the SHA-256 of the bytes Reader wrote. A later export
overwrites or removes (after a title changed) a file only while its bytes still
match that hash: a file the user edited is left alone, and the result says so
(ExportResult.kept). Any other file in the folder is never touched, and never
overwritten: a title that would land on a user's file gets the article id
added. Files whose content did not change are not rewritten, so their
modification times stay, and a file keeps its name while its article's title
does. Version-1 manifests (keyed by id, without hashes) are read, but their
files are only ever kept: nothing proves Reader wrote them as they are now.
Every file is written to a temporary file and renamed into place; temporary
files left by a killed export (their process is gone) are removed.

Each entry also records what its file was rendered from (a hash of the article's
fingerprint, listing.export_stamps, and of the export's options and template):
an article whose entry matches is neither read nor rendered again. Before a batch
of files is written, their entries are journaled with the hash of the bytes to
come, so a killed export's files stay known and the next export settles them.
An export of everything after one of everything asks the library only for what
changed since (folder.py): one changed article costs one render and a few queries.
A large export renders in worker processes (renderpool.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import reader
from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.export.anki import AnkiFormat
from reader.core.export.citations import BibtexFormat, CslJsonFormat
from reader.core.export.common import ArticleSource, AssetResolver, ExportOptions, Formatter
from reader.core.export.folder import Job, Progress, export_to_folder
from reader.core.export.html import HtmlFormat
from reader.core.export.hypothesis import HypothesisFormat
from reader.core.export.logseq import LogseqFormat
from reader.core.export.manifest import sha256
from reader.core.export.markdown import MarkdownFormat, default_template_text, template_bytes
from reader.core.export.readwise import CsvFormat
from reader.core.export.renderpool import render_in_worker
from reader.core.export.single_file import is_stream, write_single
from reader.core.export.tagnames import tag_name, tag_names
from reader.core.export.w3c import JsonFormat
from reader.core.export.writing import (
    NAME_BYTES,
    ExportResult,
    name_key,
    remove_stale_temporaries,
    safe_filename,
    unique_names,
    write_atomic,
)
from reader.core.listing import ExportStamp, export_stamp

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing.TypeIs from Python 3.13

__all__ = [
    "FORMATS",
    "NAME_BYTES",
    "ExportResult",
    "export_articles",
    "is_annotated",
    "name_key",
    "remove_stale_temporaries",
    "safe_filename",
    "unique_names",
    "write_atomic",
]

FORMATS: dict[str, type[Formatter]] = {
    "md": MarkdownFormat,
    "json": JsonFormat,
    "html": HtmlFormat,
    "csv": CsvFormat,
    "logseq": LogseqFormat,
    "anki": AnkiFormat,
    "bibtex": BibtexFormat,
    "csl-json": CslJsonFormat,
    "hypothesis": HypothesisFormat,
}
# Bumped when a format renders the same article differently: every file is then rendered again.
RENDER_REVISION = 2


def _options_key(fmt: str, options: ExportOptions) -> str:
    """Everything besides the article that a file's bytes depend on. Of the
    export's tags, only those whose name depends on the others (tagnames.py)."""
    template = ""
    if options.template is not None:
        template = sha256(template_bytes(options.template))  # a bad template: its error, at once
    data = [
        RENDER_REVISION,
        reader.__version__,
        fmt,
        template,
        sorted(options.color_names.items()),
        sorted(t for t, n in tag_names(options.tags).items() if n != tag_name(t)),
        options.bom,
        options.cloze,
        options.deck,
    ]
    if fmt in ("md", "logseq") and options.template is None:
        data.append(sha256(default_template_text().encode("utf-8")))
    return sha256(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _is_library(source: ArticleSource | Iterable[domain.Article]) -> TypeIs[ArticleSource]:
    return hasattr(source, "get_many")


def _loaded(articles: list[domain.Article], into: dict[int, domain.Article]) -> list[ExportStamp]:
    into.update((a.id, a) for a in articles)
    return [export_stamp(a) for a in articles]


def export_articles(
    source: ArticleSource | Iterable[domain.Article],
    fmt: str,
    out: str | os.PathLike[str],
    template: str | Path | None = None,
    color_names: dict[str, str] | None = None,
    *,
    ids: Sequence[int] | None = None,
    tag: str | None = None,
    single_file: bool | None = None,
    assets: AssetResolver | None = None,
    progress: Progress | None = None,
    annotated: bool = False,
    prune: bool = False,
    bom: bool = False,
    cloze: bool = False,
    deck: str = "",
    force: bool = False,
) -> ExportResult:
    """Export articles with their highlights and notes.

    `source` is a Library (then `ids`, else `tag`, else every article) or a
    sequence of domain.Article; `annotated` keeps only the articles with
    highlights or a note. `out` is a folder (one file per article) or, when it
    ends in the format's suffix (or single_file=True), one file holding every
    article. Same data, same bytes: nothing depends on the time of export.

    `prune` (a vault kept current, see vault.py): files this folder's manifest
    records for articles no longer exported (deleted, or without highlights now)
    are removed too, while they are unchanged since Reader wrote them.

    One file is written only where no file is, or over the bytes Reader last wrote
    there (single_file.py); another file there raises single_file.NotReaderFile, nothing
    written, unless `force` (the user agreed to replace it).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if template is not None:
        template_bytes(template)  # a template that cannot be read: said before anything is made
    kind = FORMATS[fmt]
    out = Path(out)
    if single_file is None:
        single_file = out.suffix.lower() == kind.suffix or getattr(kind, "single_only", False) or is_stream(out)
        other = {f.suffix for f in FORMATS.values()} - {kind.suffix}
        if out.suffix.lower() in other and not out.is_dir():
            raise ValueError(
                f"{out} ends in {out.suffix} but the format is {fmt}; name a folder or a {kind.suffix} file"
            )
    if single_file and out.is_dir():
        raise ValueError(f"{out} is a folder; the {fmt} format writes one file: name a {kind.suffix} file")
    if not single_file and out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; name a folder, or a file ending in {kind.suffix}")
    if force and not single_file:
        raise ValueError(
            f"{out} is a folder: forcing replaces only the one file of a single-file export (a folder export never replaces files you changed)"
        )

    library: ArticleSource | None = None
    loaded: dict[int, domain.Article] = {}  # articles already read (content=False)
    chosen: list[ExportStamp] = []
    if _is_library(source):
        library = source
        if assets is None:
            assets = library.asset
    else:
        chosen = _loaded(list(source), loaded)

    def options_for(tags: tuple[str, ...]) -> ExportOptions:
        return ExportOptions(
            template=template,
            color_names=dict(color_names or {}),
            assets=assets,
            tags=tags,
            bom=bom,
            cloze=cloze,
            deck=deck,
        )

    def fetch(batch: Sequence[ExportStamp]) -> list[domain.Article]:
        if library is None or (not kind.needs_content and all(s.id in loaded for s in batch)):
            return [loaded[s.id] for s in batch]
        return get_existing(library, [s.id for s in batch], kind.needs_content)

    def stamps() -> tuple[list[int], list[ExportStamp], list[ExportStamp]]:
        """(every selected id, the stamps of the articles exported, of every one selected)."""
        if library is None:
            items = chosen
            selected = [s.id for s in items]
        else:
            selected = _select(library, ids, tag)
            stamps_of = getattr(library, "export_stamps", None)
            if stamps_of is not None and not single_file:
                # Cheap records first: an article whose file is current is never read.
                items = stamps_of(selected)
            else:
                items = _loaded(library.get_many(selected, content=False), loaded)
        every = items
        if annotated:
            items = [s for s in items if s.highlights or s.note.strip()]
        return selected, items, every

    if single_file:
        _, items, _ = stamps()
        formatter = kind(options_for(tuple(sorted({t for s in items for t in s.tags}))))
        text = formatter.render(fetch(items), combined=True)
        wrote = write_single(out, text if isinstance(text, bytes) else text.encode("utf-8", "replace"), force=force)
        if progress:
            progress(len(items), len(items))
        highlights = sum(s.highlights for s in items)
        return ExportResult((out,), (out,) if wrote else (), (), len(items), highlights)

    job = Job(
        out=out,
        fmt=fmt,
        suffix=kind.suffix,
        annotated=annotated,
        prune=prune,
        options_key=lambda tags: _options_key(fmt, options_for(tags)),
        formatter=lambda tags: kind(options_for(tags)),
        fetch=fetch,
        needs_content=kind.needs_content,
        progress=progress,
    )
    location = getattr(library, "location", None)
    if location is not None:

        def pooled(tags: tuple[str, ...], batches: list[list[int]]) -> Iterator[list[tuple[int, bytes]]]:
            spec: dict[str, object] = {"template": template, "color_names": dict(color_names or {}), "tags": tags}
            spec |= {"bom": bom, "cloze": cloze, "deck": deck}
            return render_in_worker(location, fmt, spec, batches)

        job.pooled = pooled
    # Everything exported from a library that keeps a change sequence: the next
    # export asks it only for what changed since (folder.py).
    changes = getattr(library, "export_changes", None) if library is not None and not ids and not tag else None
    job.deletions = getattr(library, "export_deletions", None) if changes is not None else None
    return export_to_folder(job, stamps, changes)


def get_existing(library: ArticleSource, ids: Sequence[int], content: bool) -> list[domain.Article]:
    """The articles of these ids still in the library: one deleted by another process
    since the export listed it is left out (the next export sees the deletion)."""
    try:
        return library.get_many(ids, content=content)
    except LibraryError:
        alive = set(library.article_ids())
        if all(i in alive for i in ids):
            raise
        return get_existing(library, [i for i in ids if i in alive], content)


def is_annotated(article: domain.Article) -> bool:
    """Whether an article has highlights or a note: what "annotated only" exports."""
    return bool(article.highlights) or bool(article.note.strip())


def _select(library: ArticleSource, ids: Sequence[int] | None, tag: str | None) -> list[int]:
    if ids:
        return list(dict.fromkeys(ids))
    return library.article_ids(tag=tag or None)
