"""Find the article in a page: readability-lxml, with metadata around it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import html as lxml_html
from readability import Document

from reader.core.importing.metadata import canonical_url, meta_content
from reader.core.importing.sanitize import inner_html

logging.getLogger("readability").setLevel(logging.ERROR)


@dataclass
class Extraction:
    title: str
    html: str  # the article body; not yet sanitized, images not yet localized
    byline: str | None = None
    site: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601
    language: str | None = None
    direction: str | None = None  # "ltr" | "rtl"
    excerpt: str | None = None
    lead_image: str | None = None
    fallback: bool = False  # True when the whole cleaned page was used


def extract(html: str, *, url: str | None = None) -> Extraction:
    """Extract the article body and metadata of one page's HTML text."""
    doc = Document(html, url=url)
    body = doc.summary(html_partial=True)
    title = (doc.short_title() or doc.title() or "").strip()
    root = _parse(html)
    language = direction = site = byline = None
    if root is not None:
        title = meta_content(root, "og:title", "twitter:title") or title
        site = meta_content(root, "og:site_name", "application-name")
        byline = meta_content(root, "author", "article:author")
        url = canonical_url(root) or url
        html_el = root if root.tag == "html" else root.find(".//html")
        if html_el is not None:
            language = (html_el.get("lang") or "").strip() or None
            direction = (html_el.get("dir") or "").strip().lower() or None
    return Extraction(
        title=title, html=body, url=url, site=site, byline=byline, language=language, direction=direction
    )


def whole_page(html: str) -> str:
    """The page's <body>, for when no article can be found."""
    root = _parse(html)
    if root is None:
        return ""
    body = root.find(".//body")
    return inner_html(body if body is not None else root)


def _parse(html: str):
    try:
        return lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None
