"""Exporting articles with their highlights and notes; one module per format.

The API the window and the command line call:

    export_articles(library_or_articles, fmt, out, template=None, color_names=None,
                    ids=None, tag=None, single_file=None, assets=None, progress=None) -> ExportResult
    import_annotations(library, path_or_json) -> AnnotationImport

Formats (FORMATS): "md" (Markdown, Jinja2 templates), "json" (W3C Web Annotation
collection), "html" (standalone page), "csv" (Readwise). Each is a class with
`suffix`, `needs_content` and `render(articles, combined)`, see common.Formatter.
"""

from reader.core.export.common import ExportOptions
from reader.core.export.files import FORMATS, MANIFEST, ExportResult, export_articles, safe_filename
from reader.core.export.markdown import default_template_text
from reader.core.export.restore import AnnotationImport, import_annotations

__all__ = [
    "FORMATS", "MANIFEST", "AnnotationImport", "ExportOptions", "ExportResult", "default_template_text",
    "export_articles", "import_annotations", "safe_filename",
]


def export_library(library, fmt: str = "md", out=".", **options) -> ExportResult:
    """export_articles over a library: every article, or `ids=[...]` / `tag=...`."""
    return export_articles(library, fmt, out, **options)


__all__.append("export_library")
