"""The chosen article, tidied after readability-lxml: a headline, byline or date
repeated at the top of the body goes, ruby readings go, and the notices of
notices.py (photo credits, "follow us" lines, ad labels, empty table rows).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.importing import notices
from reader.core.importing.furniture import drop_buttons
from reader.core.importing.metadata import PageMeta
from reader.core.importing.nodes import HEADINGS, SPACES, collapse, remove
from reader.core.importing.parsers import html_parser
from reader.core.importing.titles import similarity

# A line that is only a date (with a label such as "Updated:"): metadata, not text.
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|veröffentlicht|aktualisiert|erstellt|stand|publicado|"
    r"actualizado|publié|mis à jour|opublikowano|aktualizacja|pubblicato|aggiornato)(?: am| on| el| le| il)?\s*:?\s*)?"
    r"(?:[^\W\d_]+\.?,?\s+)?(?:\d{1,2}\.?\s*(?:\d{1,2}\.|[^\W\d_]+\.?)\s*\d{2,4}|"
    r"[^\W\d_]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s*(?:um|at|à|a las|o)?\s*\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm))?)?$",
    re.I,
)


def finish_body(fragment: str, meta: PageMeta, lead: HtmlElement | None = None) -> str:
    """Drop a headline, byline or date repeated at the top of the body; put `lead`
    (the dek under the headline, dek.py) first when the body lacks it."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div", parser=html_parser(huge_tree=False))
    except (ValueError, etree.ParserError):
        return fragment
    _drop_top_duplicates(root, meta)
    if lead is not None:
        _put_lead(root, lead)
    # Ruby annotations (furigana) read inline as doubled words ("子こども") in
    # the text and in a view that cannot set them above the line.
    etree.strip_elements(root, "rt", "rp", with_tail=False)
    _drop_heading_anchors(root)
    notices.keep_big_containers(root)
    notices.drop_empty_rows(root)
    notices.drop_link_sections(root, meta.url)
    # before credits and notices go: a credit after the last line keeps that line
    notices.drop_trailing_lines(root)
    notices.drop_trailing_notices(root)  # after: a notice after the last line keeps that line too
    notices.drop_photo_credits(root)
    notices.drop_notices(root)
    notices.drop_consent_boxes(root, fragment)
    drop_buttons(root)
    return _inner(root)


def _put_lead(root: HtmlElement, lead: HtmlElement) -> None:
    words = SPACES.sub(" ", lead.text_content()).strip()[:_LEAD_PROBE]
    if words and words not in SPACES.sub(" ", root.text_content()):
        lead.tail = root.text
        root.text = None
        root.insert(0, lead)


_LEAD_PROBE = 80  # characters of the lead looked for in the body


# What a heading's permalink shows ("Building plugins #"): a mark, never words of the heading.
_ANCHOR_MARKS = frozenset({"", "#", "¶", "§", "🔗", "⚓", "⚓︎", "link", "permalink", "anchor"})


def _drop_heading_anchors(root: HtmlElement) -> None:
    """A heading's own permalink ("#", "¶", a link icon pointing at the heading's
    fragment) is page furniture: in the text it would be read, searched and exported."""
    for heading in list(root.iter(*HEADINGS)):
        for link in list(heading.iter("a")):
            href = (link.get("href") or "").strip()
            if "#" not in href or link.find(".//img") is not None:
                continue
            if link.text_content().strip().lower() in _ANCHOR_MARKS:
                remove(link)


def _drop_top_duplicates(root: HtmlElement, meta: PageMeta) -> None:
    title = meta.title or ""
    byline = (meta.byline or "").lower()
    seen_text = 0
    title_removed = False
    for el in list(root.iter()):
        if seen_text >= 400:
            break  # nothing below here is looked at
        if el is root or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag not in HEADINGS and el.tag not in ("p", "div", "span", "time", "ul", "section", "header"):
            continue
        text = collapse(el.text_content())
        if el.tag in HEADINGS and title and seen_text < 400 and not title_removed:
            if similarity(title, text) > 0.75 and similarity(text, title) > 0.75:
                remove(el)
                title_removed = True
                continue
        if seen_text < 300 and text and len(text) < 120:
            if el.tag == "time" or (el.find(".//time") is not None and len(text) < 60):
                remove(el)
                continue
            if len(text) < 60 and _DATE_LINE.match(text):
                remove(el)
                continue
            if len(text) < _META_LINE_MAX and _date_and_labels(text):
                remove(el)
                continue
            if byline and len(text) < 100 and _is_byline_text(text, byline):
                remove(el)
                continue
        if el.tag in ("p",) or (el.tag in HEADINGS):
            seen_text += len(text)


def _date_and_labels(text: str) -> bool:
    """A line of the page's metadata: a date and a few words beside it, set apart by bars
    or dots ("2021-10-16 | Botschaft", "24. März 2004, 19:49 | Genesis", "Von: Jane Doe · 3. Mai 2021")."""
    parts = [part.strip() for part in _META_SEPARATOR.split(text)]
    if len(parts) < 2 or not all(parts):
        return False
    dates = [part for part in parts if _DATE_LINE.match(part)]
    return len(dates) == 1 and all(part in dates or len(part.split()) <= _META_LABEL_WORDS for part in parts)


_META_SEPARATOR = re.compile(r"\s[|·•]\s|\s[|·•]|[|·•]\s")
_META_LINE_MAX = 80  # characters
_META_LABEL_WORDS = 3  # a name, a category: "Verfasst von: Jane Doe"


def _is_byline_text(text: str, byline: str) -> bool:
    lowered = text.lower()
    names = [n.strip() for n in byline.split(",") if n.strip()]
    if not names or not all(n in lowered for n in names):
        return False
    rest = lowered
    for n in names:
        rest = rest.replace(n, " ")
    rest_words = re.findall(r"[a-zà-ÿ]+", rest)
    return len(rest_words) <= 6


def _inner(root: HtmlElement) -> str:
    parts = [root.text] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(parts).strip()


def fragment_text_length(fragment: str) -> int:
    if not fragment:
        return 0
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div", parser=html_parser(huge_tree=False))
    except (ValueError, etree.ParserError):
        return 0
    return len(collapse(root.text_content()))


def page_text_length(root: HtmlElement) -> int:
    body = root.find(".//body")
    if body is None:
        return 0
    total = 0
    for el in body.iter():
        tag = el.tag
        if tag in _NOT_TEXT:  # (a comment's tag is a function: never in it)
            continue
        text = el.text
        if text and isinstance(tag, str):
            total += len(text.strip())
        tail = el.tail
        if tail:
            total += len(tail.strip())
    return total


_NOT_TEXT = ("script", "style", "noscript", "template")
