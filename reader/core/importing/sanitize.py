"""An allowlist sanitizer: only reading markup survives, nothing runs or fetches.

nh3 (the Ammonia sanitizer, built for hostile input; lxml-html-clean's own
documentation says it is not) keeps only the tags and attributes allowed
below; every kept attribute value is checked here (URLs, numbers, choices);
image sources can only be assets the importer stored (images.py turns local
files and data: URIs into assets first).
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.importing.images import alt_trace, remove_image
from reader.core.importing.parsers import html_parser

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
_NUMBERS = {
    "width": (1, 10_000),
    "height": (1, 10_000),
    "colspan": (1, 1000),
    "rowspan": (0, 1000),
    "start": (-1_000_000, 1_000_000),
    "value": (-1_000_000, 1_000_000),
}
_INTEGER = re.compile(r"^\s*[-+]?\d{1,9}\s*$")
_CHOICES = {
    "dir": {"ltr", "rtl", "auto"},
    "type": {"1", "a", "A", "i", "I"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
}


def sanitize_fragment(fragment: str) -> str:
    """Clean an HTML fragment; returns the clean fragment (lxml's serialization)."""
    return inner_html(sanitize_to_tree(fragment))


def sanitize_to_tree(fragment: str) -> HtmlElement:
    """Clean an HTML fragment into a new lxml <div> holding it.

    nh3 (Ammonia, an html5ever parser) applies the allowlist; `_check_attribute`
    bounds numbers and checks every URL. The importer then bounds its tables
    (bound.py) so that no stored article can make the reading view's layout explode.
    """
    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRS,
        attribute_filter=_check_attribute,
        strip_comments=True,
        link_rel=None,
        # Ammonia drops other schemes before _check_attribute sees the value.
        url_schemes={"http", "https", "mailto", "asset"},
    )
    if not clean.strip():
        return lxml_html.Element("div")
    # html5ever writes a <tbody> into each table: nesting near libxml2's default
    # limit of 256 levels (which extract.parse keeps pages under) can pass it,
    # and libxml2 would silently drop all text below.
    # A parser per call: lxml parsers must not be shared between threads.
    root = lxml_html.fragment_fromstring(f"<div>{clean}</div>", parser=html_parser())
    # An image whose source was not an asset goes (remote or unknown images are never
    # fetched); where it was a value (a tick in a table), its alt text stays as text.
    unknown = [img for img in root.iter("img") if not img.get("src")]
    traces = {img: alt_trace(img) for img in unknown}
    for img in unknown:
        remove_image(img, traces[img])
    return root


def sanitize_tree(root: HtmlElement) -> None:
    """Clean an lxml element in place (its own tag is kept, its attributes go)."""
    clean = sanitize_to_tree(inner_html(root))
    for name in list(root.attrib):
        del root.attrib[name]
    for child in list(root):
        root.remove(child)
    root.text = clean.text
    root.extend(list(clean))


def _check_attribute(tag: str, name: str, value: str) -> str | None:
    """An allowed attribute's value as stored, or None to drop the attribute."""
    if name in URL_ATTRS:
        return value if _SAFE_URL.match(value.strip()) else None
    if name == "src":
        return value.strip() if _ASSET_SRC.match(value.strip()) else None
    if name in _NUMBERS:
        if not _INTEGER.match(value):
            return None
        low, high = _NUMBERS[name]
        return str(min(high, max(low, int(value))))
    if name in _CHOICES:
        return value.strip() if value.strip() in _CHOICES[name] else None
    return value if len(value) <= 2000 else None


def inner_html(root: HtmlElement) -> str:
    # The leading text must be escaped like any other: "&lt;img onerror=...&gt;"
    # in a page is text, and must not come out as a tag.
    parts = [html_lib.escape(root.text, quote=False)] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(parts).strip()
