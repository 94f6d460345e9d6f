"""One saved page on disk to one article ready to store (no database here).

`prepare` is a plain function of a path so that batches can run it in worker
processes; only plain data comes back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.domain import PageFields, page_values
from reader.core.importing.bound import bound_tree
from reader.core.importing.codelang import mark_code_languages
from reader.core.importing.controls import clean_fields, one_line
from reader.core.importing.extract import Extraction, extract, whole_page
from reader.core.importing.formats import ImportFailure, SavedPage, load_page
from reader.core.importing.images import Asset, localize_images
from reader.core.importing.parsers import html_parser
from reader.core.importing.sanitize import inner_html, sanitize_to_tree
from reader.core.importing.tidy import tidy_tree
from reader.core.text import element_text, word_count

MIN_ARTICLE_CHARS = 1


@dataclass(frozen=True, kw_only=True)
class PreparedArticle(PageFields):
    """One page read and ready to store: its fields (PageFields), its content and where it came from."""

    source_path: str
    original: bytes
    source_kind: str
    html: str
    text: str
    content_hash: str
    lead_image: str | None = None  # the page's og:image URL: `reader extract` reports it, the library does not keep it
    assets: list[Asset] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. an image skipped for its size, named

    @property
    def byline(self) -> str | None:
        """The author as the extractor names it (`reader extract` prints "byline")."""
        return self.author


def prepare(path: str | Path) -> PreparedArticle:
    """Load, extract, localize images and sanitize one page. Raises ImportFailure."""
    page = load_page(Path(path))
    return prepare_page(page)


# An address longer than this is no link one follows (tracking state, an inlined data: URI),
# and PostgreSQL cannot index it (a B-tree row holds at most 2,704 bytes): such a page was
# imported into a personal library but refused by a shared one, which then could not take a copy.
MAX_URL_BYTES = 2000


def prepare_page(page: SavedPage) -> PreparedArticle:
    try:
        extraction = extract(page.html, url=page.url)
    except ImportFailure:
        raise
    except RecursionError:
        raise ImportFailure("the page is nested too deeply to read") from None
    except Exception as exc:  # readability/lxml raise many kinds on broken markup
        extraction = Extraction(title="", html="", url=page.url)
        extraction_error: Exception | None = exc
    else:
        extraction_error = None
    html, text, assets, warnings = _finish(extraction.html, page)
    fallback = extraction.fallback
    if not text.strip():
        # Never an empty article when the page has text: use the cleaned page.
        html, text, assets, warnings = _finish(whole_page(page.html), page)
        fallback = True
    if not text.strip():
        if extraction_error is not None:
            raise ImportFailure(f"could not read the page: {extraction_error}")
        raise ImportFailure("no readable text in the page")
    # The one place the page's fields enter the record: none keeps a control
    # character, wherever it came from (markup, JSON-LD, MHTML headers, file name).
    fields = clean_fields({**page_values(extraction), "url": extraction.url or page.url, "saved_at": page.saved_at})
    if fields["url"] and len(fields["url"].encode("utf-8", "surrogatepass")) > MAX_URL_BYTES:
        fields["url"] = None  # the page is then known by its text, as one saved without an address
    title = _clean_title(fields["title"]) or _first_line(text) or one_line(page.path.stem)
    return PreparedArticle(
        **{
            **fields,
            "title": title,
            "excerpt": fields["excerpt"] or _excerpt(text),
            "word_count": word_count(text),
            "fallback": fallback,
        },
        source_path=str(page.path),
        original=page.original,
        source_kind=page.kind,
        html=html,
        text=text,
        content_hash=text_hash(text),
        lead_image=extraction.lead_image,
        assets=assets,
        warnings=warnings,
    )


def _finish(fragment: str, page: SavedPage) -> tuple[str, str, list[Asset], list[str]]:
    if not fragment or not fragment.strip():
        return "", "", [], []
    try:
        # huge_tree: a text node over 10 MB is otherwise dropped (see extract.parse).
        root = lxml_html.fragment_fromstring(fragment, create_parent="div", parser=html_parser())
    except (ValueError, lxml_html.etree.ParserError):
        return "", "", [], []
    assets, warnings = localize_images(root, page.resolve)
    mark_code_languages(root)  # the sanitizer drops classes, where pages name a code block's language
    root = sanitize_to_tree(inner_html(root))
    bound_tree(root)  # layout of the stored HTML stays cheap (nested tables, spans)
    _drop_empty_blocks(root)
    tidy_tree(root)
    used = {img.get("src", "")[len("asset:") :] for img in root.iter("img")}
    assets = [a for a in assets if a.name in used]
    return inner_html(root), element_text(root), assets, warnings


def _drop_empty_blocks(root: HtmlElement) -> None:
    """Remove blocks with no text, image or line break in them, in one pass
    (asking each block for its text would be quadratic in the nesting)."""
    full = set()  # elements with text, an image or a line break inside
    empty = []
    for el in reversed(list(root.iter())):  # each element after all its descendants
        if (el.text or "").strip() or el.tag in ("img", "br") or any(c in full or (c.tail or "").strip() for c in el):
            full.add(el)
        elif el.tag in _DROPPABLE and el is not root:
            empty.append(el)
    for el in empty:
        if el.getparent() is not None:
            el.drop_tree()


_DROPPABLE = frozenset(("p", "div", "span", "figure", "li", "blockquote"))
_SPACES = re.compile(r"\s+")


def text_hash(text: str) -> str:
    return hashlib.sha256(_SPACES.sub(" ", text).strip().lower().encode()).hexdigest()


def _clean_title(title: str) -> str:
    return _SPACES.sub(" ", title or "").strip()


def _first_line(text: str, limit: int = 80) -> str:
    """A title made from the first line, cut at a word when long."""
    line = text.strip().split("\n", 1)[0].strip()
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"


def _excerpt(text: str, limit: int = 240) -> str:
    first = text.strip().split("\n\n", 1)[0]
    first = _SPACES.sub(" ", first)
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
