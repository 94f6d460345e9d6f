"""The article's direction as a browser shows it: from the block that holds its text.

A page marks its direction where it likes: on <html> or <body>, or only on the
<article>, <main> or <div> around the text (`<article dir="rtl">`). The extracted
body keeps the block's text but not its ancestors (and the sanitizer unwraps
<article>), so the direction is read in the page: the nearest `dir` on the
elements holding the article's longest runs of text or their ancestors, as a
browser inherits it, else the nearest `lang` of a right-to-left language.
"""

from __future__ import annotations

import html as html_lib
import re

from lxml.html import HtmlElement

from reader.core.importing.metadata import RTL_LANGUAGES
from reader.core.notes import text_direction

_RUN = re.compile(r">([^<]{40,})<")  # text between two tags, long enough to be the article's own
_SPACES = re.compile(r"\s+")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RUNS = 3  # the longest runs: one paragraph set apart (a quote in another script) does not decide


def block_direction(root: HtmlElement, fragment: str) -> str | None:
    """ "ltr" or "rtl" for the article `fragment` extracted from the page `root`, or
    None when the page says nothing where its text is (or the text is not the page's)."""
    runs = sorted((_SPACES.sub(" ", html_lib.unescape(m.group(1))).strip() for m in _RUN.finditer(fragment)), key=len)
    wanted = {run: len(run) for run in runs[-_RUNS:] if len(run) >= 40}
    if not wanted:
        return None
    shortest = min(wanted.values())
    votes = {"ltr": 0, "rtl": 0}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for text, holder in ((el.text, el), (el.tail, el.getparent())):
            if not text or len(text) < shortest or holder is None:
                continue
            run = _SPACES.sub(" ", text).strip()
            if run in wanted:
                direction = _inherited(holder)
                if direction:
                    votes[direction] += wanted.pop(run)
        if not wanted:
            break
    if not any(votes.values()):
        return None
    return "rtl" if votes["rtl"] > votes["ltr"] else "ltr"


def _inherited(el: HtmlElement) -> str | None:
    """The direction `el` inherits: its own or nearest ancestor's dir, else the nearest lang."""
    chain = [el, *el.iterancestors()]
    for node in chain:
        value = (node.get("dir") or "").strip().lower()
        if value in ("ltr", "rtl"):
            return value
        if value == "auto":  # the element's first strong character decides
            found = text_direction(node.text_content())
            if found:
                return found
    for node in chain:
        lang = (node.get("lang") or node.get(_XML_LANG) or node.get("xml:lang") or "").strip()
        if lang and not lang.lower().startswith("x-"):  # x-tex: a formula's marker (mathml.py)
            return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    return None
