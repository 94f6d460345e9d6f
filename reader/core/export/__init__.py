"""Exporting articles with their highlights and notes; one module per format.

The API the window and the command line call:

    export_articles(library_or_articles, fmt, out, template=None, color_names=None,
                    ids=None, tag=None, single_file=None, assets=None, progress=None) -> ExportResult
    import_annotations(library, path_or_json) -> AnnotationImport

Formats (FORMATS): "md" (Markdown for Obsidian, Jinja2 templates), "logseq"
(Logseq pages), "json" (W3C Web Annotation collection), "html" (standalone
page), "csv" (Readwise), "anki" (.apkg deck), "bibtex" and "csl-json"
(citations), "hypothesis" (the Hypothesis client's export). Each is a class with
`suffix`, `needs_content` and `render(articles, combined)`, see common.Formatter.

    sync_vault(library, folder, fmt="md") -> ExportResult   a folder kept current
    reader_link(article, highlight) / parse_reader_link(url) reader://open?... links
"""

import os
from typing import Any

from reader.core.export.common import ArticleSource, ExportOptions, parse_reader_link, reader_link
from reader.core.export.files import FORMATS, ExportResult, export_articles, is_annotated, safe_filename
from reader.core.export.manifest import MANIFEST
from reader.core.export.markdown import default_template_text
from reader.core.export.restore import AnnotationImport, import_annotations
from reader.core.export.vault import VAULT_FORMATS, sync_vault, watch

__all__ = [
    "FORMATS",
    "MANIFEST",
    "VAULT_FORMATS",
    "AnnotationImport",
    "ExportOptions",
    "ExportResult",
    "default_template_text",
    "export_articles",
    "import_annotations",
    "is_annotated",
    "parse_reader_link",
    "reader_link",
    "safe_filename",
    "sync_vault",
    "watch",
]


def export_library(
    library: ArticleSource, fmt: str = "md", out: str | os.PathLike[str] = ".", **options: Any
) -> ExportResult:
    """export_articles over a library: every article, or `ids=[...]` / `tag=...`."""
    return export_articles(library, fmt, out, **options)


__all__.append("export_library")
