"""Pages nested deeper than libxml2 builds, rewritten shallower with all their text.

libxml2 (under lxml and readability) stops building the tree at 256 levels
and silently drops all the text below; the extraction's own parser allows
more (huge_tree), and its tree tells whether a page is that deep: no second
parse of every page to find out. A page that deep is rewritten with its
innermost tags removed and its text kept, then parsed again.
"""

from __future__ import annotations

import html as html_lib
from html.parser import HTMLParser

from lxml import etree
from lxml.html import HtmlElement

MAX_DEPTH = 200  # levels a flattened page keeps
_LIBXML2_LEVELS = 256  # levels libxml2 builds without huge_tree; an element deeper is an error there
# One step per level (html is the first): C code, a tenth of a millisecond on an article page.
_DEEPER = etree.XPath("boolean(/*" + "/*" * _LIBXML2_LEVELS + ")")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen".split()
)


def too_deep(root: HtmlElement) -> bool:
    """The tree has an element below the levels libxml2 builds by default
    (where a parse without huge_tree stops with ERR_RESOURCE_LIMIT)."""
    return bool(_DEEPER(root.getroottree()))


def flatten(html: str, depth: int = MAX_DEPTH) -> str:
    """The page with at most `depth` levels of open elements."""
    flattener = _Flattener(depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


class _Flattener(HTMLParser):
    """Re-writes HTML keeping at most `depth` levels of open elements (text all kept)."""

    def __init__(self, depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = depth
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, written)
        self.open_count: dict[str, int] = {}

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = len(self.stack) < self.depth
        if written:
            self.out.append(self.get_starttag_text() or f"<{tag}>")
        else:
            self.out.append(" ")
        if tag not in _VOID:
            self.stack.append((tag, written))
            self.open_count[tag] = self.open_count.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append((self.get_starttag_text() or f"<{tag}>") if len(self.stack) < self.depth else " ")

    def handle_endtag(self, tag: str) -> None:
        if not self.open_count.get(tag):
            return  # a stray end tag
        while self.stack:
            open_tag, written = self.stack.pop()
            self.open_count[open_tag] -= 1
            self.out.append(f"</{open_tag}>" if written else " ")
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self.out.append(html_lib.escape(data, quote=False))
