"""The user's notes are Markdown: one renderer for every place that shows them.

`note_html(text)` is what the HTML export writes and what the window's
annotations sidebar can show (QTextBrowser reads this subset of HTML): CommonMark
by markdown-it-py with raw HTML off, single line breaks kept, then sanitized by
nh3 to a small set of tags, links only to http(s), mailto and reader:// and no
images (an exported page references nothing on the network).

`text_direction(text)` is the direction of a note's first strong character, so a
left-to-right note stays left to right inside a right-to-left article (and the
other way round), in browsers and in Qt alike (neither needs dir="auto").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

# markdown-it-py and nh3 load on the first note rendered, not with the window
# (the annotations sidebar imports this module; markdown_it alone is ~25 ms).
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

TAGS = frozenset(
    "p br strong em del s code pre blockquote ul ol li a h1 h2 h3 h4 h5 h6 hr table thead tbody tr th td".split()
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
SCHEMES = frozenset({"http", "https", "mailto", "reader"})


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # breaks: a line break typed in a note is a line break, as in the window's editor.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["strikethrough", "table"])

    def image_as_text(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:  # no remote images: the alt text stays
        return escape(tokens[idx].content)

    md.add_render_rule("image", image_as_text)
    return md


def note_html(text: str | None) -> str:
    """A note's Markdown as sanitized HTML ("" for an empty note)."""
    if not text or not text.strip():
        return ""
    import nh3

    raw = _renderer().render(text)
    return nh3.clean(
        raw,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(SCHEMES),
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    ).strip()


def note_text(text: str | None) -> str:
    """A note as the plain words it renders to (for tooltips and one-line previews)."""
    rendered = note_html(text)
    if not rendered:
        return ""
    from lxml import html as lxml_html

    return " ".join(lxml_html.fragment_fromstring(rendered, create_parent="div").text_content().split())


def text_direction(text: str | None) -> str | None:
    """ "ltr" or "rtl" from the first strong character (Unicode bidi classes L, R, AL); None if none."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None
