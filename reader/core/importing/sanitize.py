"""An allowlist sanitizer: only reading markup survives, nothing runs or fetches.

lxml-html-clean does the first pass (scripts, handlers, javascript: URLs,
embedded content, forms); a strict allowlist of tags, attributes and URL
schemes then removes everything else.
"""

from __future__ import annotations

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
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        allowed = ALLOWED_ATTRS["*"] | ALLOWED_ATTRS.get(el.tag, set())
        for name in list(el.attrib):
            if name not in allowed:
                del el.attrib[name]
        if el.tag == "a":
            href = (el.get("href") or "").strip()
            if href and not href.lower().startswith(LINK_SCHEMES):
                del el.attrib["href"]
        elif el.tag == "img":
            src = (el.get("src") or "").strip()
            if not src.startswith(ASSET_SCHEME):
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
    parts = [root.text or ""] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(parts).strip()
