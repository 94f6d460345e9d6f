"""Find the article in a page: readability-lxml, with our own work around it.

The page is parsed once. Metadata is read from that tree (metadata.py), the
tree is tidied where readability-lxml is known to go wrong (furniture.py:
share/newsletter/"listen" widgets, related rails, embedded tweets, the byline
and date block), and the same tree is handed to readability-lxml, which works
on its own copy. Its choice is then checked: lead paragraphs left outside the
chosen container are brought back, and when it found next to nothing of a page
that has text, the cleaned page is used instead.
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import overload

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.domain import PageFields
from reader.core.importing import choice, notices
from reader.core.importing.dek import headline_dek
from reader.core.importing.depth import flatten, too_deep
from reader.core.importing.direction import block_direction
from reader.core.importing.finish import finish_body, fragment_text_length, page_text_length
from reader.core.importing.furniture import prepare_tree, strip_furniture
from reader.core.importing.mathml import mark_math
from reader.core.importing.metadata import read_metadata
from reader.core.importing.nodes import link_share, text_length
from reader.core.importing.parsers import html_parser
from reader.core.importing.readability_rules import ArticleDocument
from reader.core.importing.sanitize import inner_html
from reader.core.importing.stated import instead_of, stated_body

logging.getLogger("readability").setLevel(logging.CRITICAL)


@dataclass(frozen=True, kw_only=True)
class Extraction(PageFields):
    """What the extractor found: the page's fields as the page states them (the
    pipeline fills in what it knows better) and the article body."""

    html: str = ""  # the article body; not yet sanitized, images not yet localized
    lead_image: str | None = None  # the page's og:image URL (reported, not stored)


def extract(html: str, *, url: str | None = None) -> Extraction:
    """Extract the article body and metadata of one page's HTML text."""
    root = parse(html)
    if root is None:
        return Extraction(title="", html="", url=url, fallback=True)
    mark_math(root)
    _open_noscript(root)
    meta = read_metadata(root, url)
    prepare_tree(root, meta)
    fallback = False
    try:
        document = ArticleDocument(root, url=None)
        document.headline = meta.title
        body = document.summary(html_partial=True)
    except Exception:  # readability raises many kinds on broken markup
        body = ""
    dek = headline_dek(root, meta.title)
    body = finish_body(body, meta, dek)
    page_chars = page_text_length(root)
    # what readability found, without a dek put before it (finish_body inserts the copy)
    found = fragment_text_length(body) - (text_length(dek) if dek is not None and dek.getparent() is not None else 0)
    if found < min(200, page_chars * 0.5):
        # Next to nothing found in a page with text: the cleaned page instead, or
        # the part of it the page marks as its article (<main>, <article>).
        whole = ""
        container = choice.main_container(root)
        if container is not None:
            whole = finish_body(whole_page_tree(root, container), meta)
        if fragment_text_length(whole) < 200:
            whole = finish_body(whole_page_tree(root), meta)
        if fragment_text_length(whole) > fragment_text_length(body):
            body, fallback = whole, True
    stated = stated_body(root)
    if stated is not None:
        # the page's structured data states far more of the story than its markup held
        instead = instead_of(fragment_text_length(body), stated)
        if instead is not None:
            body, fallback = finish_body(instead, meta), False
    return Extraction(
        title=_nfc(meta.title),
        html=_nfc(body),
        author=_nfc(meta.byline),
        site=_nfc(meta.site),
        url=meta.url or url,
        published=meta.published,
        language=meta.language,
        direction=block_direction(root, body) or meta.direction,  # the article's block first, as a browser
        excerpt=_nfc(meta.excerpt),
        lead_image=meta.lead_image,
        fallback=fallback,
    )


def _open_noscript(root: HtmlElement) -> None:
    """A page whose text is all inside <noscript> (shown when scripts do not run,
    as here) is read from there."""
    blocks = root.findall(".//body//noscript")
    if not blocks:
        return
    contents = []
    counted = 0  # text of <noscript> children that page_text_length counts
    for block in blocks:
        if len(block):
            text = len((block.text_content() or "").strip())
            counted += text
            contents.append((block, None, text))
        elif "<" in (block.text or ""):
            # libxml2 keeps a <noscript>'s content as raw text in some places
            try:
                fragment = lxml_html.fragment_fromstring(
                    block.text, create_parent="div", parser=html_parser(huge_tree=False)
                )
            except (ValueError, etree.ParserError):
                continue
            contents.append((block, fragment, len((fragment.text_content() or "").strip())))
    inside = sum(text for _, _, text in contents)
    if inside <= 200:
        return  # tracking pixels, "please enable JavaScript": the usual <noscript>
    outside = page_text_length(root) - counted
    if outside >= inside * 0.5:
        return
    for block, fragment, _ in contents:
        if block.getparent() is None:
            continue
        if fragment is not None:
            block.text = None
            block.extend(list(fragment))
            block.text = fragment.text
        block.drop_tag()


def whole_page(html: str) -> str:
    """The page's <body>, cleaned of its furniture, for when no article can be found."""
    root = parse(html)
    if root is None:
        return ""
    mark_math(root)
    _open_noscript(root)
    return _nfc(whole_page_tree(root))


@overload
def _nfc(text: str) -> str: ...
@overload
def _nfc(text: None) -> None: ...
@overload
def _nfc(text: str | None) -> str | None: ...
def _nfc(text: str | None) -> str | None:
    """One spelling of each character (NFC): a quote, a search or a highlight typed
    on another system finds "য়" or "é" however the page composed it. Applied to
    what is kept, not to the whole page: a tenth of the work."""
    if text and not text.isascii() and not unicodedata.is_normalized("NFC", text):
        return unicodedata.normalize("NFC", text)
    return text


def whole_page_tree(root: HtmlElement, part: HtmlElement | None = None) -> str:
    body = part if part is not None else root.find(".//body")
    body = copy.deepcopy(body if body is not None else root)
    # Never the source of a script as the article, even when it is all the page has.
    etree.strip_elements(body, "script", "style", "noscript", "template", etree.Comment, with_tail=False)
    strip_furniture(body)
    notices.keep_big_containers(body)
    _drop_landmarks(body)
    _drop_link_lists(body)
    return inner_html(body)


# The page's own marks of what is not its text: the site's header and footer, side
# columns, search. Readability drops them from the block it chooses; a page kept
# whole keeps them unless they go first.
_LANDMARK_TAGS = ("aside", "footer", "header")
_LANDMARK_ROLES = frozenset(("banner", "complementary", "contentinfo", "navigation", "search"))
_SIDEBAR = re.compile(r"(?:^|[\s_-])side-?bar(?:$|[\s_-])", re.I)
_LANDMARK_MAX_SHARE = 0.3  # a landmark holding more of the text than this is kept (broken markup)


def _drop_landmarks(body: HtmlElement) -> None:
    total = text_length(body)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el is body or el.getparent() is None:
            continue
        role = (el.get("role") or "").strip().lower()
        if el.tag in _LANDMARK_TAGS or role in _LANDMARK_ROLES:
            # a header in an article or holding the headline is the article's own (its lead)
            landmark = role or el.tag != "header" or not _articles_header(el)
        else:
            ident = f"{el.get('class') or ''} {el.get('id') or ''}"
            landmark = len(ident) > 1 and _SIDEBAR.search(ident) is not None
        if landmark and text_length(el) <= total * _LANDMARK_MAX_SHARE:
            el.drop_tree()


def _articles_header(header: HtmlElement) -> bool:
    return (
        header.find(".//h1") is not None or next(header.iterancestors("article", "main", "section"), None) is not None
    )


# A block of the page kept whole that is mostly short links and holds no paragraph
# of prose is a menu, a tag cloud or a footer's links: not the article.
_LINK_LIST_TAGS = ("ul", "ol", "div", "section", "table", "nav", "aside", "header", "footer", "dl")
_LINK_LIST_SHARE = 0.6
_PROSE_PARAGRAPH = 150
_MENU_LABEL = 30  # characters of text per link, at most: "Home", "Impressum", a tag


def _drop_link_lists(body: HtmlElement) -> None:
    total = text_length(body)
    for el in list(body.iter(*_LINK_LIST_TAGS)):
        if el.getparent() is None:
            continue  # inside a block already dropped
        text = " ".join(el.text_content().split())
        if not text or len(text) > total * 0.5 or link_share(el, text) < _LINK_LIST_SHARE:
            continue
        links = sum(1 for _ in el.iter("a"))
        if not links or len(text) / links > _MENU_LABEL:
            continue  # links with sentences of their own (a list of bugs fixed, of sources)
        if any(text_length(p) >= _PROSE_PARAGRAPH for p in el.iter("p")):
            continue
        el.drop_tree()


def parse(html: str) -> HtmlElement | None:
    # Soft hyphens are invisible in a browser but break search, word counts and quotes.
    if _has_soft_hyphen(html):
        html = _SOFT_HYPHEN.sub("", html)
    root = _parse(html)
    if root is not None and too_deep(root):
        # before the HTML5 parse below, which slows with depth
        html = flatten(html)
        root = None
    if _nested_document(html):
        html = _html5_markup(html)
        root = None
    return root if root is not None else _parse(html)


def _parse(html: str) -> HtmlElement | None:
    try:
        # huge_tree: libxml2 otherwise drops a text node over 10 MB (a long page
        # without markup came out as "no readable text"), and builds only 256
        # levels (parse() flattens deeper pages). A parser per call: parsers
        # are not thread-safe.
        return lxml_html.document_fromstring(html, parser=html_parser())
    except ValueError:
        # A str with an XML encoding declaration: parse the bytes instead.
        try:
            return lxml_html.document_fromstring(html.encode("utf-8"), parser=_utf8())
        except (ValueError, etree.ParserError):
            return None
    except etree.ParserError:
        return None


def _utf8() -> lxml_html.HTMLParser:
    return html_parser(encoding="utf-8")


_SOFT_HYPHEN = re.compile(r"\xad|&(?:shy|#173|#x0*ad);", re.I)
_HEX_SOFT_HYPHEN = re.compile(r"&#x0*ad;")


def _has_soft_hyphen(html: str) -> bool:
    """_SOFT_HYPHEN.search(html), with fast substring searches: the pattern's
    search tries its alternatives at every character (a millisecond a page)."""
    if "\xad" in html:
        return True
    if not ("&shy" in html or "&SHY" in html or "&#173" in html or "&#x" in html or "&#X" in html):
        return False  # (most pages: no lowercased copy of the page needed)
    if "\u017f" in html or "\u212a" in html:
        return _SOFT_HYPHEN.search(html) is not None  # ſ and K match s and k in a case-insensitive pattern
    lower = html.lower()
    return "&shy;" in lower or "&#173;" in lower or ("&#x" in lower and _HEX_SOFT_HYPHEN.search(lower) is not None)


_DOCUMENT_START = re.compile(r"<(?:!doctype|html|body)[\s>]", re.I)
# lexbor's tree building slows with depth (about n*depth); a page with more
# tags than this keeps lxml's parse.
_HTML5_MAX_TAGS = 20_000


def _nested_document(html: str) -> bool:
    """A second <!DOCTYPE>, <html> or <body> in the page: a document pasted inside it."""
    seen: set[str] = set()
    for match in _DOCUMENT_START.finditer(html):
        kind = match.group()[:5].lower()
        if kind in seen:
            return True
        seen.add(kind)
    return False


def _html5_markup(html: str) -> str:
    """The page as a browser parses it (HTML5), written out again as well-formed markup.

    libxml2's HTML parser does not close an unclosed <div> at the end of an
    HTML5 element such as </aside>, so a widget pasted as a whole document
    swallows the rest of the page, article included; a browser closes it there.
    On pages without a nested document both parsers give the same article text
    (measured on both shared corpora), so only those pages pay for a second parse.
    """
    if html.count("<") > _HTML5_MAX_TAGS:
        return html
    from selectolax.lexbor import LexborHTMLParser

    try:
        return LexborHTMLParser(html).html or html
    except Exception:  # never worse than lxml's own parse
        return html
