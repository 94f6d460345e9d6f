"""Soft hyphens for justified text: Pyphen's dictionaries mark where a word may break,
and Qt breaks there at a line's end (with a visible hyphen) and nowhere else.

The canonical text never sees them: the text map skips U+00AD.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w{6,}", re.UNICODE)
SOFT_HYPHEN = "\u00ad"


@lru_cache(maxsize=16)
def _dictionary(language: str | None):
    try:
        import pyphen
    except ImportError:
        return None
    for lang in (language or "", (language or "").split("-")[0], "en_US"):
        if lang and lang in pyphen.LANGUAGES:
            return pyphen.Pyphen(lang=lang)
        if lang:
            found = pyphen.language_fallback(lang)
            if found:
                return pyphen.Pyphen(lang=found)
    return None


def hyphenate_text(text: str, language: str | None) -> str:
    dic = _dictionary(language)
    if dic is None:
        return text
    return _WORD.sub(lambda m: dic.inserted(m[0], hyphen=SOFT_HYPHEN), text)


def hyphenate_html(fragment: str, language: str | None) -> str:
    """Soft hyphens in the text of paragraphs and list items (not code, not tables)."""
    if not fragment.strip() or _dictionary(language) is None:
        return fragment
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    skip = {"pre", "code", "kbd", "samp", "table", "a"}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in skip or any(a.tag in skip for a in el.iterancestors()):
            continue
        if el.text:
            el.text = hyphenate_text(el.text, language)
        for child in el:
            if child.tail:  # the text after a child is the parent's
                child.tail = hyphenate_text(child.tail, language)
    return lxml_html.tostring(root, encoding="unicode")
