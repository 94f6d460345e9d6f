"""An article's opening left outside the container readability chose, taken back in front of
the article (readability_rules.ArticleDocument): the standfirst and the lead figure in the
article's header, a lead under a headline in a "hero" block, and paragraphs in a box of
their own just before the container (a page builder's lead block)."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from reader.core.importing import notices
from reader.core.importing.furniture import FURNITURE_TEXT
from reader.core.importing.nodes import HEADINGS, SPACES, collapse, remove, text_length


def orphan_leads(best: HtmlElement, link_density: Callable[[HtmlElement], float]) -> list[HtmlElement]:
    """Paragraphs just before the chosen container, at most two levels up, that
    read as the article's opening (a standfirst or first paragraph in its own box)."""
    best_len = len(SPACES.sub(" ", best.text_content()))
    if best_len < 200:
        return []
    leads: list[HtmlElement] = []
    node = best
    for _ in range(2):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        found: list[HtmlElement] = []
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue
            if (
                sib.tag in HEADINGS
                or sib.find(".//h1") is not None
                or sib.tag in ("figure", "aside", "nav", "blockquote")
            ):
                break
            paras = [sib] if sib.tag == "p" else list(sib.iter("p"))
            if not paras and len(collapse(sib.text_content())) > 0:
                break
            chunk = []
            for p in paras:
                text = collapse(p.text_content())
                if len(text) < 40 or link_density(p) > 0.2 or FURNITURE_TEXT.match(text):
                    continue
                if any(
                    a.tag in ("figure", "figcaption", "aside", "blockquote", "li")
                    for a in p.iterancestors()
                    if a is not sib and sib in a.iterancestors()
                ):
                    continue
                chunk.append(p)
            found[:0] = chunk
        total = sum(len(SPACES.sub(" ", p.text_content())) for p in found)
        if found and total < best_len * 0.6:
            leads[:0] = found
        node = parent
    return leads


_STANDFIRST = re.compile(
    r"(?:^|[\s_-])(?:lead|lead-?text|intro|introduction|standfirst|abstract|summary|subtitle|sub-?title|"
    r"subline|sub-?headline|sub-?head|strapline|deck|dek|teaser-?text|excerpt|description|"
    # the same in the languages Reader meets most: chapô, bajada, epígrafe, entradilla
    r"chap[oô]|bajada|epigraph|epigrafe|entradilla)(?:$|[\s_-])",
    re.I,
)


def is_article_header(elem: HtmlElement) -> bool:
    """A "header" box with the headline and a standfirst: the article's own header."""
    if elem.find(".//h1") is None:
        return False
    return any(
        _STANDFIRST.search(f"{el.get('class') or ''} {el.get('id') or ''}") and text_length(el) >= 40
        for el in elem.iter("p", "div", "h2", "span")
    )


def standfirst(best: HtmlElement, link_density: Callable[[HtmlElement], float]) -> HtmlElement | None:
    """The standfirst (lead, intro, abstract) in the article's header, before the
    body container chosen: the article's first words. Looked for in the <article>
    around the body, then in the box that holds the headline (<h1>) and the body,
    after the headline."""
    ancestors = list(best.iterancestors())
    regions = [next((a for a in ancestors[:4] if a.tag == "article"), None)]
    # the page's few <h1>s, found once, rather than a search under each box
    around_headlines = {a for h1 in best.getroottree().iter("h1") for a in h1.iterancestors()}
    regions.append(next((a for a in ancestors[:_HEADLINE_UP] if a in around_headlines), None))
    regions.append(ancestors[min(2, len(ancestors) - 1)] if ancestors else None)
    seen: set[HtmlElement] = set()
    for region in regions:
        if region is None or region in seen or region.tag in ("body", "html"):
            continue
        seen.add(region)
        found = _standfirst_in(region, best, link_density)
        if found is not None:
            return found
    # no box marked as one: the paragraph set right under the headline, in the
    # headline's own box (a "hero" block with the title and its lead)
    headline_box = regions[1]
    if headline_box is not None and headline_box.tag not in ("body", "html"):
        return _lead_under_headline(headline_box, best, link_density)
    return None


def _lead_under_headline(
    region: HtmlElement, best: HtmlElement, link_density: Callable[[HtmlElement], float]
) -> HtmlElement | None:
    h1 = region.find(".//h1")
    if h1 is None or best in h1.iterancestors() or h1 in best.iterancestors():
        return None
    for sib in h1.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib is best or best in sib.iterdescendants():
            return None
        if sib.tag == "div":
            # a box around the lead paragraph alone
            paragraphs = list(sib.iter("p"))
            if len(paragraphs) == 1 and text_length(paragraphs[0]) >= text_length(sib) - 5:
                sib = paragraphs[0]
        if sib.tag != "p":
            continue  # a date line, a share bar: look on
        text = collapse(sib.text_content())
        ident = f"{sib.get('class') or ''} {sib.get('id') or ''}"
        if (
            _LEAD_MIN <= len(text) <= 600
            and _SENTENCE_STOP.search(text)
            and not (len(ident) > 1 and _MEDIA.search(ident))
            and sib.find(".//img") is None
            and link_density(sib) < 0.3
        ):
            return sib
        return None  # the first paragraph under the headline is the lead or there is none
    return None


_LEAD_MIN = 80  # characters: a sentence of a lead, not a kicker or a date
_SENTENCE_STOP = re.compile(r"[.!?…:][\"'»“”’)]*$")


_HEADLINE_UP = 6  # levels from the body up to the box that holds the headline
# "lead-asset", "slideshow-description", "image-summary": a picture's box or caption, not a standfirst
# ... nor an author's description, the story's metadata or a box of other links
_MEDIA = re.compile(
    r"asset|image|img|photo|media|caption|gallery|slideshow|video|figure|"
    r"author|byline|profile|meta|share|social|categor|breadcrumb|comment|newsletter|related",
    re.I,
)


def _standfirst_in(
    region: HtmlElement, best: HtmlElement, link_density: Callable[[HtmlElement], float]
) -> HtmlElement | None:
    after_headline = region.find(".//h1") is None  # no headline here: anywhere before the body
    for el in region.iter():
        if el is best:
            return None
        if el.tag == "h1":
            after_headline = True
            continue
        if (
            not after_headline
            or not isinstance(el.tag, str)
            or el.tag not in ("p", "div", "h2", "h3", "section", "span")
        ):
            continue
        ident = f"{el.get('class') or ''} {el.get('id') or ''}"
        marked = (len(ident) > 1 and _STANDFIRST.search(ident)) or el.get("itemprop") in ("description", "abstract")
        if not marked or _MEDIA.search(ident) or best in el.iterancestors():
            continue
        if el.xpath(".//h1 | .//img | .//figure | ancestor::figure"):
            continue  # the headline's box, or a picture and its caption
        length = text_length(el)
        if 40 <= length <= 600 and link_density(el) < 0.3:
            return el
    return None


def lead_figure(best: HtmlElement) -> HtmlElement | None:
    """The figure with an image between an <article>'s headline and its body
    container, when the body was chosen without it (the story's lead image).
    The image only: its caption is not the story's text (Readability.js leaves
    it out, and so do both shared corpora's truths)."""
    article = next((a for a in list(best.iterancestors())[:3] if a.tag == "article"), None)
    if article is None:
        return None
    for el in article.iter():
        if el is best:
            return None
        if el.tag == "figure":
            if el.find(".//img") is None or len(SPACES.sub(" ", el.text_content())) > 400:
                return None
            for caption in list(el.iter("figcaption")):
                remove(caption)
            _drop_credits(el)
            return el
    return None


_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline|author", re.I)


def _drop_credits(figure: HtmlElement) -> None:
    """A lead figure keeps its caption, not its photo credit ("Foto: AFP", "© Getty")."""
    for el in list(figure.iter()):
        if el is figure or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        ident = f"{el.get('class') or ''} {el.get('itemprop') or ''}"
        text = collapse(el.text_content())
        if (
            el.tag != "img"
            and el.find(".//img") is None
            and (_CREDIT_CLASS.search(ident) or (text and notices.CREDIT_TEXT.fullmatch(text)))
        ):
            remove(el)
    for el in figure.iter("figcaption"):
        last = el[-1] if len(el) else None
        if last is not None and last.tail:
            last.tail = notices.CREDIT_TEXT.sub("", SPACES.sub(" ", last.tail))
        elif last is None and el.text:
            el.text = notices.CREDIT_TEXT.sub("", SPACES.sub(" ", el.text))


__all__ = ["is_article_header", "lead_figure", "orphan_leads", "standfirst"]
