"""Which block of a page is its article: rules readability-lxml lacks.

Used by readability_rules.ArticleDocument while readability-lxml chooses: the page's
own mark (<article>, <main>, articleBody) wins over boxes outside it; prose
wins over teaser cards of other posts; modals, consent and newsletter boxes
never win; a table's body stands for the box around the table. (Once chosen,
the standfirst and the lead figure in the article's header come back: leads.py.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TypedDict

from lxml import etree
from lxml.html import HtmlElement

from reader.core.importing.nodes import CaselessPattern, collapse, text_length
from reader.core.importing.titles import similarity


class Candidate(TypedDict):
    """readability-lxml's record of a scored block."""

    elem: HtmlElement
    content_score: float


Candidates = Mapping[HtmlElement, Candidate]

_SPACES = re.compile(r"\s+")


# A class, id or custom tag of a box that is not the article (scored -25, as
# readability's own negative words); unambiguous words count inside camelCase
# names too ("recipeNewsletterCTA").
NOT_ARTICLE = re.compile(
    r"news-?letter|cookie|consent|gdpr|subscribe|"
    r"(?:^|[\s_-])(?:author[-_]*(?:bio|box|info|description|profile|details|about)|about[-_]*(?:the[-_]*)?author|bio|"
    r"biography|no-?consent|"
    r"subscription|signup|cta|teasers?|testimonials?|takeaways?|credits?|disclaimer|"
    r"read-?next|more-?(?:stories|articles|posts)|popular|trending|modal|dialog)(?:$|[\s_-])",
    re.I,
)
KNOWN_TAGS = frozenset(
    "a abbr address article aside b blockquote body br caption center cite code dd details dfn div dl dt em "
    "figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr html i img li main nav ol p pre q s "
    "section small span strong sub summary sup table tbody td tfoot th thead time tr u ul".split()
)


def card_of(elem: HtmlElement) -> HtmlElement | None:
    """The teaser card elem sits in, if any: one of three or more siblings of the
    same tag and class, short, with a link (a grid of other posts)."""
    node = elem
    for _ in range(4):
        parent = node.getparent()
        if parent is None or node.tag in ("body", "html", "main"):
            return None
        cls = _first_class(node)
        if cls or node.tag in ("article", "li"):
            # the first class names the kind of box; later ones are often per item (post-123)
            same = sum(1 for sib in parent if sib.tag == node.tag and _first_class(sib) == cls)
            if same >= 3:
                length = text_length(node)
                if length < 800 and (
                    node.tag == "a" or node.find(".//a") is not None or any(a.tag == "a" for a in node.iterancestors())
                ):
                    return node
                return None
        node = parent
    return None


def prefer_outside_boxes(candidates: Candidates, best: Candidate) -> Candidate:
    """The best candidate inside a modal, a consent notice or a newsletter box
    gives way to the best one outside such boxes, if that one scores at least
    _MAIN_SHARE of it (its own class may say "body" and score as article)."""
    if not in_not_article(best["elem"]):
        return best
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:25]
    for c in ranked:
        if c["content_score"] < _MAIN_SHARE * best["content_score"]:
            break
        if c is not best and not in_not_article(c["elem"]):
            return c
    return best


def prefer_outside_navigation(page: HtmlElement, candidates: Candidates, best: Candidate) -> Candidate:
    """The best candidate in a <nav> (or role="navigation") gives way to the best one
    outside the page's navigation, unless the navigation holds most of the page
    (broken markup left it open around the article)."""
    nav = _navigation_of(best["elem"])
    if nav is None:
        return best
    # measured on the page as parsed (readability's copy has lost its sidebars and footer)
    body = page.find(".//body")
    total = text_length(body if body is not None else page)
    if any(text_length(el) > 0.5 * total for el in _NAVIGATION(page)):
        return best
    outside = [c for c in candidates.values() if c["content_score"] > 0 and _navigation_of(c["elem"]) is None]
    if not outside:
        return best
    top = max(outside, key=lambda c: c["content_score"])
    return top if text_length(top["elem"]) >= _NAV_ALTERNATIVE_TEXT else best


_NAV_ALTERNATIVE_TEXT = 200  # characters: a block outside the menu worth reading instead
_NAVIGATION = etree.XPath("//nav | //*[@role='navigation']")


def _navigation_of(elem: HtmlElement) -> HtmlElement | None:
    for el in (elem, *elem.iterancestors()):
        if el.tag == "nav" or (el.get("role") or "").strip().lower() == "navigation":
            return el
        if el.tag in ("body", "html"):
            return None
    return None


def table_as_part(candidates: Candidates, best: Candidate) -> Candidate:
    """A table's body chosen as the article (its cells score most, as on a list
    page) stands for the box that holds the table with its text around it."""
    elem = best["elem"]
    if elem.tag not in ("tbody", "thead", "tfoot", "tr", "table"):
        return best
    table = elem if elem.tag == "table" else next((a for a in elem.iterancestors("table")), None)
    if table is None:
        return best
    box = table.getparent()
    if box is None or box.tag in ("body", "html", "td", "th"):
        return best
    if text_length(box) > 3 * text_length(table):
        return best
    return candidates.get(box) or {"elem": box, "content_score": best["content_score"]}


def _first_class(el: HtmlElement) -> str:
    classes = (el.get("class") or "").split()
    return classes[0] if classes else ""


# A block of prose outside any card wins over a teaser card when it scores at
# least this share of the card.
_CARD_SHARE = 0.4
_CARD_PROSE_MIN = 500  # characters: a hub page of cards has short blurbs between them too


def prefer_prose_to_cards(candidates: Candidates, best: Candidate) -> Candidate:
    if card_of(best["elem"]) is None:
        return best
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:25]
    for c in ranked:
        if c["content_score"] < _CARD_SHARE * best["content_score"]:
            break
        if c is not best and text_length(c["elem"]) >= _CARD_PROSE_MIN and card_of(c["elem"]) is None:
            return c
    return _prose_in_pieces(candidates, best)


def _prose_in_pieces(candidates: Candidates, best: Candidate) -> Candidate:
    """A box of prose split into many small boxes (page builders put each paragraph
    in a widget of its own): each piece scores below one teaser card, together they
    score above it. The box outside the cards whose pieces score most wins when
    they score at least as much as the card chosen."""
    grid = best["elem"]
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:_PIECES_RANKED]
    totals: dict[HtmlElement, float] = {}
    for c in ranked:
        elem = c["elem"]
        if c["content_score"] <= 0 or card_of(elem) is not None:
            continue
        for box in [elem, *list(elem.iterancestors())[:_PIECES_UP]]:
            if box.tag in ("body", "html") or grid in box.iterancestors():
                break
            totals[box] = totals.get(box, 0.0) + c["content_score"]
    ranked_boxes = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    for box, total in ranked_boxes:
        if total < best["content_score"]:
            break
        if text_length(box) >= _CARD_PROSE_MIN and card_of(box) is None:
            return candidates.get(box) or {"elem": box, "content_score": total}
    return best


_PIECES_RANKED = 40  # candidates looked at
_PIECES_UP = 3  # levels of boxes above a piece


def main_container(doc: HtmlElement) -> HtmlElement | None:
    """The page's own mark of where its article is: a single articleBody, <article>
    or <main> with text. None when the page has no such mark, or several."""
    marks = doc.xpath('//*[@itemprop="articleBody"] | //article | //main | //*[@role="main"]')  # one walk
    kinds: tuple[Callable[[HtmlElement], bool], ...] = (
        lambda el: el.get("itemprop") == "articleBody",
        lambda el: el.tag == "article",
        lambda el: el.tag == "main" or el.get("role") == "main",
    )
    for kind in kinds:
        found = [el for el in marks if kind(el) and text_length(el) >= _MAIN_MIN_TEXT]
        # nested matches (an <article> inside another) count once: keep the outermost
        found = [el for el in found if not any(o is not el and o in el.iterancestors() for o in found)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


_MAIN_MIN_TEXT = 500
# A candidate inside the page's marked article wins over a higher-scored one
# outside it (a modal, a cookie notice, an author box at the end of <body>)
# when it scores at least this share of the best.
_MAIN_SHARE = 0.3


def prefer_main_container(doc: HtmlElement, candidates: Candidates, best: Candidate) -> Candidate:
    return prefer_inside(candidates, best, main_container(doc), _MAIN_SHARE)


def prefer_inside(candidates: Candidates, best: Candidate, box: HtmlElement | None, share: float) -> Candidate:
    """The best candidate inside `box` instead of `best` (which is neither in it nor
    around it), when it scores at least `share` of `best`."""
    elem = best["elem"]
    if box is None or elem is box or box in elem.iterancestors() or elem in box.iterancestors():
        return best
    inside = [c for c in candidates.values() if c["elem"] is box or box in c["elem"].iterancestors()]
    if not inside:
        return best
    top = max(inside, key=lambda c: c["content_score"])
    return top if top["content_score"] >= share * best["content_score"] else best


# Boxes laid over or beside the page, never holding its article.
_OVERLAY = re.compile(
    r"(?:^|[\s_-])(?:modal|dialog|popup|overlay|consent|no-?consent|cookie\w*|gdpr|newsletter\w*|subscribe|"
    r"subscription|signup)(?:$|[\s_-])",
    re.I,
)


def in_not_article(elem: HtmlElement) -> bool:
    """elem or a box around it is a modal, a consent notice, a newsletter box..."""
    for el in (elem, *elem.iterancestors()):
        if el.tag in ("body", "html"):
            return False
        ident = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(ident) > 1 and _overlay(ident):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def _overlay(ident: str) -> bool:
    return _OVERLAY_IDENT.search(ident)


_OVERLAY_IDENT = CaselessPattern(_OVERLAY)


def repeated_segments(
    candidates: Candidates,
    best: Candidate,
    link_density: Callable[[HtmlElement], float],
    stories: frozenset[HtmlElement] = frozenset(),
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """Blocks of the same tag and classes as the chosen one, each in a section of
    its own further up (a page built of repeated sections: text, image, text),
    that are the article going on: scored, prose, not links. Returns (before, after)
    in page order; readability-lxml only joins such blocks inside one <article>."""
    elem = best["elem"]
    classes = (elem.get("class") or "").split()
    if not classes or _LAYOUT_ONLY.fullmatch(" ".join(classes)):
        return _repeated_units(elem, link_density, stories)
    wanted = set(classes)
    threshold = max(10.0, best["content_score"] * _SEGMENT_SHARE)
    ancestors = list(elem.iterancestors())
    matching = [
        c["elem"]
        for c in candidates.values()
        if c["elem"] is not elem
        and c["content_score"] >= threshold
        and c["elem"].tag == elem.tag
        and set((c["elem"].get("class") or "").split()) == wanted
    ]
    if not matching:
        return [], []
    for scope in ancestors[1:_SEGMENT_UP]:  # the parent's own children are readability's siblings
        if scope.tag in ("body", "html"):
            break
        inside = [m for m in matching if scope in m.iterancestors() and m not in ancestors]
        if not inside:
            continue
        segments = [
            m
            for m in inside
            if ancestors[0] not in m.iterancestors()  # under the parent: readability's own siblings
            and text_length(m) >= _SEGMENT_MIN_TEXT
            and link_density(m) <= 0.2
            and not in_not_article(m)
        ]
        segments = [m for m in segments if not any(o in m.iterancestors() for o in segments)]
        # A section with a headline or a date of its own is another story (a page
        # that loads the next articles as the reader scrolls), not this one going on.
        segments = [
            m
            for m in segments
            if not _unit(m, scope).xpath(".//h1 | .//time")
            and not any(a in stories and a not in ancestors for a in m.iterancestors("article"))
        ]
        if not segments:
            return [], []
        order = {el: i for i, el in enumerate(scope.iter())}
        here = order[elem]
        segments.sort(key=lambda m: order[m])
        return [m for m in segments if order[m] < here], [m for m in segments if order[m] > here]
    return [], []


def _repeated_units(
    elem: HtmlElement, link_density: Callable[[HtmlElement], float], stories: frozenset[HtmlElement]
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """The chosen block named only by its place in a grid ("col-sm-10") sits in a
    box named for what it holds ("textblock"): the boxes beside that one of the
    same tag and classes, prose and not links, are the article going on (a story
    set as a run of text sections, each in its own grid row)."""
    unit = None
    for box in list(elem.iterancestors())[:_UNIT_UP]:
        if box.tag in ("body", "html", "main", "article"):
            return [], []
        names = " ".join((box.get("class") or "").split())
        if names and not _LAYOUT_ONLY.fullmatch(names):
            unit = box
            break
    parent = unit.getparent() if unit is not None else None
    if unit is None or parent is None:
        return [], []
    wanted = set((unit.get("class") or "").split())
    before: list[HtmlElement] = []
    after: list[HtmlElement] = []
    seen = False
    for sib in parent:
        if sib is unit:
            seen = True
            continue
        if (
            sib.tag != unit.tag
            or set((sib.get("class") or "").split()) != wanted
            or sib in stories
            or text_length(sib) < _SEGMENT_MIN_TEXT
            or link_density(sib) > 0.2
            or in_not_article(sib)
            or sib.xpath(".//h1 | .//time")
        ):
            continue
        (after if seen else before).append(sib)
    return before, after


_UNIT_UP = 3  # levels from the chosen block up to the box named for its content


def sibling_units(
    elem: HtmlElement, link_density: Callable[[HtmlElement], float], stories: frozenset[HtmlElement]
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """The chosen block sits in one of a run of boxes of the same shape (the posts
    of a thread, the entries of a live ticker, the sections of a long page): the
    same block in each of the others, when they hold prose, is the text going on.
    Readability.js finds them by scoring five levels of boxes above a paragraph;
    readability-lxml scores two, so the box around all of them scores too little."""
    node = elem
    for _ in range(_SIBLING_UP):
        parent = node.getparent()
        if parent is None or node.tag in ("body", "html", "main") or parent.tag in ("body", "html"):
            return [], []
        kind = _first_class(node)
        if kind or node.tag in ("article", "section", "li"):
            units = [sib for sib in parent if sib.tag == node.tag and _first_class(sib) == kind]
            if len(units) >= _SIBLING_UNITS:
                return _same_blocks(elem, node, units, link_density, stories)
        node = parent
    return [], []


def _same_blocks(
    elem: HtmlElement,
    unit: HtmlElement,
    units: list[HtmlElement],
    link_density: Callable[[HtmlElement], float],
    stories: frozenset[HtmlElement],
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    wanted = set((elem.get("class") or "").split())
    found: list[tuple[bool, HtmlElement]] = []
    seen = False
    for sib in units:
        if sib is unit:
            seen = True
            continue
        if sib in stories or in_not_article(sib) or sib.find(".//h1") is not None:
            continue
        same = [
            el
            for el in ([sib] if sib.tag == elem.tag else []) + list(sib.iterdescendants(elem.tag))
            if set((el.get("class") or "").split()) == wanted
        ]
        if not same:
            continue
        block = max(same, key=text_length)
        if text_length(block) >= _SIBLING_PROSE and link_density(block) <= 0.2:
            found.append((seen, block))
    if len(found) < _SIBLING_UNITS - 1:
        return [], []
    return [b for after, b in found if not after], [b for after, b in found if after]


def kin_boxes(
    elem: HtmlElement, link_density: Callable[[HtmlElement], float], stories: frozenset[HtmlElement]
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """A box around the chosen block has siblings of its own tag and classes that
    hold prose (a page builder's rows, a post set as a run of "card" boxes): they
    are the article going on, however little each scored. Readability.js reaches
    them by scoring five levels up; readability-lxml compares only the chosen
    block's own siblings. The nearest level with such siblings decides."""
    node = elem.getparent()
    for _ in range(_KIN_UP):
        if node is None or node.tag in ("body", "html", "main", "article"):
            return [], []
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            return [], []
        names = " ".join((node.get("class") or "").split())
        if names and not _LAYOUT_ONLY.fullmatch(names):
            wanted = set(names.split())
            kin = [
                sib
                for sib in parent
                if sib is not node and sib.tag == node.tag and set((sib.get("class") or "").split()) == wanted
            ]
            if kin:
                found: list[tuple[bool, HtmlElement]] = []
                seen = False
                for sib in parent:
                    if sib is node:
                        seen = True
                    elif any(sib is k for k in kin) and _prose_box(sib, link_density, stories):
                        found.append((seen, sib))
                return [b for after, b in found if not after], [b for after, b in found if after]
        node = parent
    return [], []


def _prose_box(box: HtmlElement, link_density: Callable[[HtmlElement], float], stories: frozenset[HtmlElement]) -> bool:
    """Paragraphs of text, few links, no headline of its own, no notice box."""
    length = text_length(box)
    if length < _KIN_MIN_TEXT or box in stories or box.find(".//h1") is not None or in_not_article(box):
        return False
    paragraphs = sum(text_length(p) for p in box.iter("p"))
    return paragraphs >= _KIN_PROSE_SHARE * length and link_density(box) <= 0.2


_KIN_UP = 6  # levels from the chosen block's parent up to the repeated box
_KIN_MIN_TEXT = 400  # characters: a section of text, not a promo box
_KIN_PROSE_SHARE = 0.6  # of a box's text in paragraphs

_SIBLING_UP = 6  # levels from the chosen block up to the repeated box
_SIBLING_UNITS = 3  # boxes of the same shape, the chosen one's included
_SIBLING_PROSE = 150  # characters of the block in each of the others


def _unit(elem: HtmlElement, scope: HtmlElement) -> HtmlElement:
    """The child of scope that holds elem."""
    node = elem
    for parent in elem.iterancestors():
        if parent is scope:
            return node
        node = parent
    return node


_SEGMENT_SHARE = 0.2
_SEGMENT_UP = 7  # levels of boxes between a block and the box that holds all the sections
_SEGMENT_MIN_TEXT = 80
# Classes that name only a place in a grid, shared by any box of the page.
_LAYOUT_ONLY = re.compile(
    r"(?:(?:row|col|column|container|wrapper|inner|clearfix|grid|cell|block|box|section|wrap)[\w-]*\s*)+", re.I
)


def scroll_stories(
    doc: HtmlElement, page: HtmlElement, title: str
) -> tuple[HtmlElement | None, frozenset[HtmlElement]]:
    """A page that holds several stories, each an <article> with a headline of its own
    (an <h1>, or an <h2> and a date; the next stories loaded as the reader scrolls): (the story whose headline is the
    page's title, the other stories beside it). (None, empty) on any other page.
    doc is readability's copy of the page; headlines are read from page, the page as
    parsed, since readability drops the boxes that hold them."""
    articles = list(doc.iter("article"))
    originals = list(page.iter("article"))
    if not title or len(articles) < 2 or len(articles) != len(originals):
        return None, frozenset()
    headlines: dict[HtmlElement, str] = {}
    for article, original in zip(articles, originals, strict=True):
        heading = original.find(".//h1")
        if heading is None and original.find(".//time") is not None:
            heading = original.find(".//h2")  # a dated story headed by an <h2>
        if heading is not None:
            headlines[article] = collapse(heading.text_content())
    if len(headlines) < 2 or not any(_titled(h, title) for h in headlines.values()):
        return None, frozenset()  # most pages: measured no further
    headlines = {a: h for a, h in headlines.items() if text_length(a) >= _MAIN_MIN_TEXT}
    titled = [a for a, headline in headlines.items() if _titled(headline, title)]
    if len(headlines) < 2 or not titled:
        return None, frozenset()
    story = min(titled, key=text_length)  # the story itself, not a wrapper of all of them
    # Beside it: neither inside it (a live blog's entries) nor around it.
    others = frozenset(
        a for a in headlines if a is not story and story not in a.iterancestors() and a not in story.iterancestors()
    )
    return (story, others) if others else (None, frozenset())


def prefer_titled_story(candidates: Candidates, best: Candidate, story: HtmlElement | None) -> Candidate:
    """The page's own story (scroll_stories) wins over a longer one below it."""
    return prefer_inside(candidates, best, story, _STORY_SHARE)


_STORY_SHARE = 0.1  # the page's own story wins even when it scores a tenth of a longer one


def _titled(headline: str, title: str) -> bool:
    """A story's headline is the page's title (which may carry the site's name)."""
    return len(headline.split()) >= 3 and similarity(title, headline) >= 0.75
