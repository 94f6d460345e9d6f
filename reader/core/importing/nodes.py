"""Small measures and edits of lxml elements that the extraction modules share."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

SPACES = re.compile(r"\s+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def text_length(elem: HtmlElement) -> int:
    """Characters of an element's text, whitespace runs counted as one space."""
    return len(" ".join((elem.text_content() or "").split()))


def link_share(el: HtmlElement, text: str | None = None) -> float:
    """The share of el's text (collapsed; pass it when already computed) that is link text."""
    text = text if text is not None else SPACES.sub(" ", el.text_content()).strip()
    if not text:
        return 0.0
    links = sum(len(SPACES.sub(" ", a.text_content()).strip()) for a in el.iter("a"))
    return links / len(text)


def remove(el: HtmlElement) -> None:
    """Take el out of the tree; its tail text stays with the parent."""
    if el.getparent() is not None:
        el.drop_tree()
