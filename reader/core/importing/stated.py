"""The article's text as the page states it in its structured data.

News pages built by scripts often save with little of the story in their markup
(the rest came later, from the network) while their schema.org Article carries
the whole text as "articleBody". When what was found in the markup is a small
part of that stated text, the stated text is the article.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.importing.metadata import ld_documents
from reader.core.importing.parsers import html_parser

_MIN_CHARS = 1000  # a stated body shorter than this is a summary, not the story
_FOUND_SHARE = 0.5  # markup text below this share of the stated body: use the stated body
_MARKUP = re.compile(r"</?(?:p|br|div|h[1-6]|ul|ol|li|blockquote|strong|em|a)\b", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"\s+")


def stated_body(root: HtmlElement) -> str | None:
    """The longest articleBody of the page's JSON-LD, or None."""
    best = ""
    for data in ld_documents(root, containing="articleBody"):
        for text in _bodies(data):
            if len(text) > len(best):
                best = text
    return best.strip() or None


def instead_of(found_chars: int, stated: str | None) -> str | None:
    """The stated body as HTML when the markup gave a small part of it, else None."""
    if stated is None or len(stated) < _MIN_CHARS:
        return None
    if "&lt;" in stated:  # markup stored escaped
        stated = html.unescape(stated)
    markup = _MARKUP.search(stated) is not None
    text = _markup_text(stated) if markup else stated
    if text is None:
        return None
    length = len(_SPACES.sub(" ", text).strip())
    if length < _MIN_CHARS or found_chars >= _FOUND_SHARE * length:
        return None
    if markup:
        return stated
    paragraphs = _PARAGRAPH_BREAK.split(stated)
    if len(paragraphs) == 1:
        paragraphs = _LINE_BREAK.split(stated)
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs if p.strip())


def _markup_text(stated: str) -> str | None:
    try:
        fragment = lxml_html.fragment_fromstring(stated, create_parent="div", parser=html_parser(huge_tree=False))
    except (ValueError, etree.ParserError):
        return None
    return str(fragment.text_content())


def _bodies(data: object, depth: int = 0) -> Iterator[str]:
    if depth > 6:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "articleBody" and isinstance(value, str):
                yield value
            elif isinstance(value, (dict, list)):
                yield from _bodies(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _bodies(item, depth + 1)
