"""The standfirst set right under the headline (a "dek"), found by its place.

News and magazine pages put one or two sentences that sum the story up between
the headline and the body: an <h2> in the headline's <hgroup>, a <p> after the
<h1> in the article's header, a "lead" or "abstract" box. Readability-lxml
chooses the body's container, so the dek stays outside it (or is cleaned away
with the header's boxes). The dek is the first line of prose after the <h1>
that names the page's title, in the box that holds the headline; a line of
metadata (date, byline, a label) may sit between them, a figure never counts.
"""

from __future__ import annotations

import copy
import re

from lxml import etree
from lxml.html import HtmlElement

from reader.core.importing.nodes import collapse, link_share
from reader.core.importing.titles import similarity

# Lines shorter than this are metadata (a date, "By ...", a section label), not a dek.
_DEK_MIN = 40
_DEK_MAX = 1000
_DEK_WORDS = 6
_UP = 3  # levels from the headline up to the box that holds it and its dek
_SKIPPED_MAX = 8  # short lines between the headline and the dek
_LINE_TAGS = frozenset(("p", "h2", "h3", "h4", "div", "span", "strong", "em", "b"))
_BLOCKS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hgroup li main nav ol p pre section table ul form".split()
)
# Boxes looked through, never into: pictures and their captions, forms, menus, embeds.
_NEVER = frozenset(
    (
        "figure",
        "figcaption",
        "picture",
        "form",
        "nav",
        "aside",
        "button",
        "table",
        "ul",
        "ol",
        "blockquote",
        "iframe",
        "video",
        "audio",
        "select",
        "label",
        "time",
        "address",
    )
)
# Classes of boxes about the story, not the story: who, when, pictures; a dek may follow them.
_META = re.compile(
    r"author|byline|profile|meta|date|time|share|social|caption|credit|breadcrumb|tags?\b|categor|"
    r"rating|copyright|asset|photo|image|img|media|gallery|slideshow|video|figure|kicker|overline",
    re.I,
)
# Classes of the page's own boxes (calls to subscribe or give, ads, other stories):
# past one of them the headline's box is over, and no dek follows.
_CALL = re.compile(
    r"related|newsletter|comment|sponsor|advert|cookie|consent|teaser-?list|(?:^|[\s_-])cta(?:$|[\s_-])|donat|"
    r"promo|subscri|signup|paywall|login",
    re.I,
)

_UTILITY = re.compile(r"[\d:]")

# Lines after a headline that are not its dek though long enough: a byline with
# its date, a time of day, a price tag, a photo credit.
_NOT_DEK = re.compile(
    r"^(?:von|by|por|par|door|przez|posted|written|geschrieben|veröffentlicht|published|updated|aktualisiert|"
    r"zuletzt)\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|©|"
    r"\b(?:foto|photo|fotocredit|bild|credits?)\s*:|^(?:[€$£]|eur|usd)\s?\d",
    re.I,
)


def headline_dek(root: HtmlElement, title: str) -> HtmlElement | None:
    """A copy of the dek under the page's headline, as a paragraph, or None."""
    body = root.find(".//body")
    if not title or body is None:
        return None
    # the <h1> that names the page's title; on pages that head the story with an <h2>, that
    headline = next((h for h in body.iter("h1") if _names_title(h, title)), None)
    if headline is None:
        headline = next((h for h in body.iter("h2") if _names_title(h, title)), None)
    if headline is None:
        return None
    skipped = 0
    node = headline
    for _ in range(_UP):
        for sib in node.itersiblings():
            for line in _lines(sib):
                if line is None:
                    return None  # a heading of the body, or a box of its own: no dek
                text = collapse(_visible_text(line))
                box = _named(line, node.getparent())
                if box is _CALL:
                    return None
                # a short line, or a box about the story (an author's bio, a caption): past it
                if len(text) < _DEK_MIN or box is _META:
                    skipped += 1
                    if skipped > _SKIPPED_MAX:
                        return None
                    continue
                return _as_paragraph(line) if _is_dek(line, text) else None
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        node = parent
    return None


def _names_title(h1: HtmlElement, title: str) -> bool:
    text = collapse(h1.text_content())
    # a headline that is a link is the site's name over every page, not the story's
    return len(text.split()) >= 2 and similarity(title, text) >= 0.75 and link_share(h1, text) < 0.5


def _lines(box: HtmlElement):  # type: ignore[no-untyped-def]  # a generator of elements and None
    """The blocks with text and no block inside, in order; None where the search must stop."""
    if not isinstance(box.tag, str) or box.tag in _HIDDEN or box.tag == "svg":
        return
    if box.tag in _NEVER:
        return
    if box.tag == "h1" or (box.tag in ("article", "main", "section") and len(_visible_text(box)) > 2 * _DEK_MAX):
        yield None
        return
    inner = [c for c in box if isinstance(c.tag, str) and c.tag in _BLOCKS]
    if not inner:
        if _visible_text(box).strip():
            yield box
        return
    if (box.text or "").strip():
        yield box  # text of its own beside its blocks: read as one line
        return
    for child in box:
        yield from _lines(child)


def _visible_text(el: HtmlElement) -> str:
    """el's text without the source of its scripts and styles (still in the page here)."""
    parts = []
    for node in el.iter():
        if node.text and isinstance(node.tag, str) and node.tag not in _HIDDEN:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return "".join(parts)


_HIDDEN = frozenset(("script", "style", "noscript", "template"))


def _is_dek(line: HtmlElement, text: str) -> bool:
    """line reads as a dek: prose, not a byline, a date or a list of links."""
    if line.tag not in _LINE_TAGS or len(text) > _DEK_MAX or len(text.split()) < _DEK_WORDS or _NOT_DEK.search(text):
        return False
    return link_share(line, text) <= 0.3 and line.find(".//time") is None and line.find(".//img") is None


def _named(line: HtmlElement, box: HtmlElement | None) -> re.Pattern[str] | None:
    """_CALL or _META when line, or a box around it inside the headline's box, is
    named so (a picture beside it makes it a caption: _META); else None."""
    found = None
    for el in (line, *line.iterancestors()):
        if el is box:
            break
        # utility classes of a CSS framework ("caption-s5-fx", "sm:mb-8") set the type, not the role
        names = [n for n in f"{el.get('class') or ''} {el.get('id') or ''}".split() if not _UTILITY.search(n)]
        if any(_CALL.search(n) for n in names):
            return _CALL
        if any(_META.search(n) for n in names) or (
            el is not line and any(c.tag in ("img", "picture", "video") for c in el)
        ):
            found = _META
    return found


def _as_paragraph(line: HtmlElement) -> HtmlElement:
    para = copy.deepcopy(line)
    etree.strip_elements(para, *_HIDDEN, with_tail=False)
    para.tail = None
    para.tag = "p"
    for name in list(para.attrib):
        del para.attrib[name]
    return para
