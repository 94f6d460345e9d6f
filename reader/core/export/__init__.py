"""Exporting articles with their highlights and notes; one module per format."""

from reader.core.export.files import export_articles, FORMATS

__all__ = ["export_articles", "FORMATS"]
