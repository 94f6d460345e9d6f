"""An allowlist sanitizer: only reading markup survives, nothing runs or fetches.

lxml-html-clean does the first pass (scripts, handlers, javascript: URLs,
embedded content, forms); a strict allowlist of tags, attributes and URL
schemes then removes everything else.
"""

from __future__ import annotations

import html as html_lib
import re

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

ALLOWED_TAGS = frozenset(
    """a abbr b bdi bdo blockquote br caption cite code dd del dfn div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q rp rt
    ruby s samp small span strong sub sup table tbody td tfoot th thead time tr u
    ul var""".split()
)
# Removed with everything inside them (not just unwrapped).
DROP_WITH_CONTENT = frozenset(
    """script style noscript template iframe frame frameset object embed applet
    form input button select textarea option svg math canvas video audio source
    track map area link meta base head title nav dialog portal""".split()
)
ALLOWED_ATTRS = {
    "*": {"dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
    "bdo": {"dir"},
    "pre": {"data-language"},
    "code": {"data-language"},
}
LINK_SCHEMES = ("http://", "https://", "mailto:", "#")
ASSET_SCHEME = "asset:"
# Attributes holding a URL: only a web link, a mail address or an in-page anchor stays.
URL_ATTRS = frozenset({"href", "cite"})
_SAFE_URL = re.compile(r"^(https?://[^\s/?#]|mailto:[^\s]|#)", re.I)
# The only image source left: an asset the importer stored (images.py names them).
_ASSET_SRC = re.compile(r"^asset:[0-9a-f]{8,64}\.(?:png|jpg|gif|bmp|webp)$")
# Numeric attributes and their bounds; huge spans or sizes would make the
# reading view build enormous tables or images.
_NUMBERS = {"width": (1, 10_000), "height": (1, 10_000), "colspan": (1, 1000), "rowspan": (0, 1000),
            "start": (-1_000_000, 1_000_000), "value": (-1_000_000, 1_000_000)}
_INTEGER = re.compile(r"^\s*[-+]?\d{1,9}\s*$")
_CHOICES = {"dir": {"ltr", "rtl", "auto"}, "type": {"1", "a", "A", "i", "I"}, "scope": {"row", "col", "rowgroup", "colgroup"}}

_cleaner = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=False,  # our own allowlist below is stricter
)


def sanitize_fragment(fragment: str) -> str:
    """Clean an HTML fragment; returns the fragment's inner HTML."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    sanitize_tree(root)
    return inner_html(root)


def sanitize_tree(root) -> None:
    """Clean an lxml element in place (its own tag is kept)."""
    _cleaner(root)
    for el in list(root.iter()):
        if el is root:
            continue
        if not isinstance(el.tag, str):  # comments, processing instructions
            _drop(el, keep_children=False)
            continue
        tag = el.tag.lower()
        if tag in DROP_WITH_CONTENT:
            _drop(el, keep_children=False)
        elif tag not in ALLOWED_TAGS:
            _drop(el, keep_children=True)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None and el is not root:
            continue
        allowed = ALLOWED_ATTRS["*"] | ALLOWED_ATTRS.get(el.tag, set())
        for name in list(el.attrib):
            value = el.attrib[name]
            if name not in allowed:
                del el.attrib[name]
            elif name in URL_ATTRS:
                if not _SAFE_URL.match(value.strip()):
                    del el.attrib[name]
            elif name in _NUMBERS:
                low, high = _NUMBERS[name]
                if not _INTEGER.match(value):
                    del el.attrib[name]
                else:
                    el.set(name, str(min(high, max(low, int(value)))))
            elif name in _CHOICES:
                if value.strip() not in _CHOICES[name]:
                    del el.attrib[name]
                else:
                    el.set(name, value.strip())
            elif len(value) > 2000:
                del el.attrib[name]
        if el.tag == "img" and el is not root:
            if not _ASSET_SRC.match((el.get("src") or "").strip()):
                # Remote or unknown images are never fetched.
                _drop(el, keep_children=False)
    for name in list(root.attrib):
        del root.attrib[name]


def _drop(el, keep_children: bool) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if keep_children:
        el.drop_tag()
    else:
        el.drop_tree()


def inner_html(root) -> str:
    # The leading text must be escaped like any other: "&lt;img onerror=...&gt;"
    # in a page is text, and must not come out as a tag.
    parts = [html_lib.escape(root.text, quote=False)] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(parts).strip()
