"""An article's opening left outside the container readability chose: a standfirst or first
paragraph in a box of its own just before it (a page builder's lead block), taken back in
front of the article (readability_rules.ArticleDocument)."""

from __future__ import annotations

from collections.abc import Callable

from lxml.html import HtmlElement

from reader.core.importing.furniture import FURNITURE_TEXT
from reader.core.importing.nodes import HEADINGS, SPACES, collapse


def orphan_leads(best: HtmlElement, link_density: Callable[[HtmlElement], float]) -> list[HtmlElement]:
    """Paragraphs just before the chosen container, at most two levels up, that
    read as the article's opening (a standfirst or first paragraph in its own box)."""
    best_len = len(SPACES.sub(" ", best.text_content()))
    if best_len < 200:
        return []
    leads: list[HtmlElement] = []
    node = best
    for _ in range(2):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        found: list[HtmlElement] = []
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue
            if (
                sib.tag in HEADINGS
                or sib.find(".//h1") is not None
                or sib.tag in ("figure", "aside", "nav", "blockquote")
            ):
                break
            paras = [sib] if sib.tag == "p" else list(sib.iter("p"))
            if not paras and len(collapse(sib.text_content())) > 0:
                break
            chunk = []
            for p in paras:
                text = collapse(p.text_content())
                if len(text) < 40 or link_density(p) > 0.2 or FURNITURE_TEXT.match(text):
                    continue
                if any(
                    a.tag in ("figure", "figcaption", "aside", "blockquote", "li")
                    for a in p.iterancestors()
                    if a is not sib and sib in a.iterancestors()
                ):
                    continue
                chunk.append(p)
            found[:0] = chunk
        total = sum(len(SPACES.sub(" ", p.text_content())) for p in found)
        if found and total < best_len * 0.6:
            leads[:0] = found
        node = parent
    return leads


__all__ = ["orphan_leads"]
