"""Small text helpers the metadata readers share (titles, dates, bylines)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from reader.core.importing.nodes import collapse

_SPACES = re.compile(r"\s+")


def _text(el: HtmlElement) -> str:
    if el is None:
        return ""
    return collapse(el.text_content() or "")


def _first(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text.strip(), re.I))


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    import html as _html

    return _html.unescape(text)
