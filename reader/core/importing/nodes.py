"""Small measures and edits of lxml elements that the extraction modules share."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

SPACES = re.compile(r"\s+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def collapse(text: str) -> str:
    """Whitespace runs as one space, none at the ends: SPACES.sub(" ", text).strip(),
    three times faster (str.split and \\s agree on what whitespace is)."""
    return " ".join(text.split())


def text_length(elem: HtmlElement) -> int:
    """Characters of an element's text, whitespace runs counted as one space."""
    return len(collapse(elem.text_content() or ""))


def link_share(el: HtmlElement, text: str | None = None) -> float:
    """The share of el's text (collapsed; pass it when already computed) that is link text."""
    text = text if text is not None else collapse(el.text_content())
    if not text:
        return 0.0
    links = sum(len(collapse(a.text_content())) for a in el.iter("a"))
    return links / len(text)


def remove(el: HtmlElement) -> None:
    """Take el out of the tree; its tail text stays with the parent."""
    if el.getparent() is not None:
        el.drop_tree()


Runs = dict[tuple[HtmlElement | None, str, str], bool]  # in_big_run's answers, per run


def in_big_run(el: HtmlElement, share: float, runs: Runs) -> bool:
    """el is one of a run of three or more boxes of its tag and class that together
    hold more than `share` characters: the entries of a live "comment"ary, not
    readers' comments beside a story. A class name readability scores as unlikely or
    negative is not reason enough to drop them. (`runs` caches the answer per run.)"""
    parent = el.getparent()
    if parent is None or len(parent) < 3:
        return False  # (most boxes: no run to measure)
    # the first class names the kind of box; later ones vary per entry ("left", "goal")
    cls = first_class(el)
    key = (parent, el.tag, cls)
    found = runs.get(key)
    if found is None:
        if not cls:
            found = False
        else:
            run = [sib for sib in parent if sib.tag == el.tag and first_class(sib) == cls]
            found = len(run) >= 3 and sum(text_length(sib) for sib in run) > share
        runs[key] = found
    return found


def first_class(el: HtmlElement) -> str:
    """The first class names the kind of box; later ones are often per item."""
    classes = (el.get("class") or "").split()
    return classes[0] if classes else ""


class CaselessPattern:
    """A case-insensitive pattern, searched or matched faster.

    Python's regex engine folds case character by character: over ASCII text
    (nearly every class name, most short labels) a case-sensitive copy used on
    the lowercased text gives the same answers two to four times faster. Other
    text is searched with the pattern itself.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        letters = re.sub(r"\\.", "", pattern.pattern)  # escapes such as \s, \W aside
        if not pattern.flags & re.I or letters != letters.lower():
            raise ValueError(f"not a case-insensitive pattern written in lower case: {pattern.pattern!r}")
        self.pattern = pattern
        self._lower = re.compile(pattern.pattern, pattern.flags & ~re.I)

    def search(self, text: str) -> bool:
        if text.isascii():
            return self._lower.search(text.lower()) is not None
        return self.pattern.search(text) is not None

    def match(self, text: str) -> bool:
        if text.isascii():
            return self._lower.match(text.lower()) is not None
        return self.pattern.match(text) is not None
