"""The canonical plain text of an article's clean HTML.

Highlights are stored as offsets into this string, so it must be a pure
function of the clean HTML: blocks are separated by a blank line, a <br> is a
newline, runs of whitespace inside a block collapse to one space.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree  # lxml ships no types: to mypy its elements are Any

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption dd div dl dt figcaption figure
    footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody
    thead tfoot tr ul details summary""".split()
)
CELL_TAGS = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")


# Control characters an article never keeps (they drive a terminal and show nothing on
# a page): C0 controls but tab, newline, form feed and carriage return (whitespace),
# DEL, C1 controls, and the non-characters U+FFFE and U+FFFF. The importer removes them
# (importing/controls.py); `reader check` finds those an older import kept (storage/controls.py).
CONTROL_CHARS = "\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff"


def storable(text: str) -> str:
    """What a user typed (a note, a tag, a title) without NUL characters, which PostgreSQL
    refuses in text: the same text is then kept on either backend, and a personal library
    stays copyable to a server."""
    return text.replace("\x00", "") if "\x00" in text else text


def html_to_text(clean_html: str) -> str:
    """Return the canonical text of a clean HTML fragment or document."""
    if not clean_html or not clean_html.strip():
        return ""
    from lxml import html as lxml_html  # loaded on use: the window starts without it

    root = lxml_html.fragment_fromstring(clean_html, create_parent="div")
    return element_text(root)


def element_text(root: etree._Element) -> str:
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "".join(current)
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(text)
        current.clear()

    def walk(el: etree._Element, in_pre: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "template") or not isinstance(el.tag, str):
            if el.tail:
                current.append(el.tail if in_pre else _SPACES.sub(" ", el.tail))
            return
        is_block = tag in BLOCK_TAGS
        pre = in_pre or tag == "pre"
        if is_block:
            flush()
        if tag == "br":
            current.append("\n")
        elif tag in CELL_TAGS and current and not current[-1].endswith(" "):
            current.append(" ")
        if el.text:
            current.append(_pre_text(el.text) if pre else _SPACES.sub(" ", el.text))
        for child in el:
            walk(child, pre)
        if is_block:
            flush()
        if el.tail:
            current.append(_pre_text(el.tail) if in_pre else _SPACES.sub(" ", el.tail))

    walk(root, False)
    flush()
    return "\n\n".join(blocks)


def _pre_text(text: str) -> str:
    # Keep line structure in <pre>; the flush step still trims each line, which
    # loses indentation but keeps offsets stable and whitespace-insensitive.
    return text


# Chinese and Japanese are written without spaces: count their characters, each
# as 0.6 of a word, so that reading time comes out near 380 characters a minute.
CJK_WORDS_PER_CHAR = 0.6


@functools.cache
def _cjk() -> re.Pattern[str]:  # compiled on first use: 2.5 ms of the window's start-up
    return re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """Words for the word count and reading time (CJK characters count as 0.6 each)."""
    cjk = len(_cjk().findall(text))
    if not cjk:
        return len(text.split())
    others = sum(1 for token in _cjk().sub(" ", text).split() if any(c.isalnum() for c in token))
    return others + round(cjk * CJK_WORDS_PER_CHAR)


def reading_minutes(words: int, wpm: int = 230) -> int:
    return max(1, round(words / wpm)) if words else 0
