"""readability-lxml's Document with Reader's rules where it is known to go wrong.

While it scores: in-article lists are kept even when they are mostly links;
code boxes are kept however short; links, table cells and containers holding
much of the page are never dropped as "unlikely"; author bios, consent and
newsletter boxes, teaser cards, testimonials and credits score low. Once it has
chosen (choice.py): the page's own <article>/<main> wins, prose wins over teaser
cards, never a modal or a notice; lead paragraphs, the standfirst and the lead
figure just outside the chosen container come back.
"""

from __future__ import annotations

import copy
import functools
import re

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring
from readability import Document
from readability.readability import REGEXES as READABILITY_REGEXES
from readability.readability import is_video_url

from reader.core.importing import choice, leads
from reader.core.importing.choice import Candidate, Candidates
from reader.core.importing.data_tables import is_data_table
from reader.core.importing.leads import orphan_leads
from reader.core.importing.nodes import HEADINGS, CaselessPattern, Runs, collapse, in_big_run, link_share, text_length


class ArticleDocument(Document):  # type: ignore[misc]  # readability-lxml has no types
    """readability.Document with the rules above."""

    headline = ""  # the page's title, as metadata.py found it

    def get_clean_html(self) -> str:
        # readability strips width, height, style... with a regex run over the
        # serialized article until nothing matches. The sanitizer drops what must
        # go anyway, and an image's declared size is the size a browser draws it
        # at (a 64x36 file shown 640 wide): keep the attributes.
        from lxml.etree import tounicode

        html: str = tounicode(self._html(), method="html")
        return html

    def get_preserved_elements(self, node: HtmlElement) -> dict[HtmlElement, bool]:
        allowed: dict[HtmlElement, bool] = super().get_preserved_elements(node)
        for elem in self.tags(node, "ul", "ol"):
            if elem in allowed:
                continue
            # Readability.js keeps lists whatever their link density; we keep those
            # that read as part of the text (items with some words), not nav rails.
            if self.class_weight(elem) < 0:
                continue
            items = [li for li in elem if isinstance(li.tag, str) and li.tag == "li"]
            if not items:
                continue
            texts = [collapse(li.text_content()) for li in items]
            if sum(len(t) for t in texts) / len(items) < 12 and link_share(elem) > 0.5:
                continue
            allowed[elem] = True
        # As Readability.js: nothing in a data table is cleaned away (an infobox's values are
        # lists of links: removed, they left its rows with a label and nothing beside it).
        for table in self.tags(node, "table"):
            if table not in allowed and is_data_table(table):
                for inner in table.iter("table", "ul", "div", "aside", "header", "footer", "section"):
                    allowed[inner] = True
        # A box holding a code block (<div class="highlight"><pre>) is kept however
        # short: Readability.js removes short boxes only when they have links.
        for elem in self.tags(node, "div", "section"):
            if elem not in allowed and elem.find(".//pre") is not None:
                code = sum(text_length(pre) for pre in elem.iter("pre"))
                if code >= 0.8 * text_length(elem):
                    allowed[elem] = True
            elif elem not in allowed and _one_paragraph(elem):
                allowed[elem] = True  # a box per paragraph: see _one_paragraph
        return allowed

    def _parse(self, input: HtmlElement) -> HtmlElement:
        # readability runs lxml-html-clean over a copy of the whole page here, a
        # tenth of the import's time. Our sanitizer cleans the article it returns;
        # for finding the article only hidden elements, scripts, styles and
        # comments need to go, which lxml's C code removes. A copy: readability
        # parses again from its input when it retries less strictly.
        doc = copy.deepcopy(input)
        self.encoding = "utf-8"
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if READABILITY_REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        etree.strip_elements(
            doc, "script", "style", "link", etree.Comment, etree.ProcessingInstruction, with_tail=False
        )
        doc.resolve_base_href(handle_failures="discard")
        return doc

    def remove_unlikely_candidates(self) -> None:
        # As Readability.js does, and readability-lxml does not: never drop a link
        # or a table cell's content for its class. A `class="popup"` annotation
        # link in a sentence took the words of the link out of the sentence.
        # Nor an element that holds much of the page's text: "sidebar-wrapper" or
        # "sidebar-layout" wraps the article along with its sidebar.
        body = self.html.find(".//body")
        total: int | None = None
        prose: int | None = None
        page = self.html
        elements = self.html.findall(".//*")
        detached = 0  # elements still to come inside a dropped one
        runs: Runs = {}
        for elem in elements:
            if detached:
                detached -= 1
                if prose is not None:
                    # Out of the page already: nothing done to it shows. (Until `prose`
                    # is measured, the first element to ask measures it, as before.)
                    continue
            cls = elem.get("class")
            ident = elem.get("id")
            if not (cls or ident) or elem.tag in ("html", "body", "a"):
                continue
            if (
                _unlikely(f"{cls or ''} {ident or ''}")
                and elem.tag not in ("pre", "code")
                and next(elem.iterancestors("pre", "code", "table"), None) is None
                and not self._holds_article(elem)
                and not leads.is_article_header(elem)
            ):
                if total is None:
                    # raw lengths (spaces included): a ratio needs no collapsing of the whole page
                    page = body if body is not None else self.html
                    total = len(page.text_content())
                if not choice.in_not_article(elem):
                    if len(elem.text_content()) > total * _UNLIKELY_MAX_SHARE:
                        continue
                    # most of the page's paragraphs: a "hasHeaderImage" box around
                    # the article on a page whose menus and footer outweigh it
                    own = _prose_length(elem)
                    if own:
                        if prose is None:
                            prose = _prose_length(page)
                        if own > prose * _UNLIKELY_MAX_PROSE:
                            continue
                    if in_big_run(elem, total * _UNLIKELY_MAX_SHARE, runs):
                        continue
                if not detached:
                    detached = len(elem.findall(".//*"))
                elem.drop_tree()

    def _holds_article(self, elem: HtmlElement) -> bool:
        """elem is or holds a <main>, an <article> or a formula. (This pass never
        drops those or what holds them: the set stays true while it drops.)"""
        holders = getattr(self, "_holders", None)
        if holders is None or holders[0] is not self.html:
            found: set[HtmlElement] = set()
            for el in _ARTICLE_OR_MATH(self.html):
                if el not in found:
                    found.add(el)
                    for ancestor in el.iterancestors():
                        if ancestor in found:
                            break
                        found.add(ancestor)
            holders = self._holders = (self.html, found)
        return elem in holders[1]

    def transform_misused_divs_into_paragraphs(self) -> None:
        # readability-lxml serializes each <div>'s children and searches the markup
        # for a block tag, and each inline child's again: the whole page over
        # and over. The same answers from one pass that marks the block elements
        # and their ancestors. (Comments, scripts and styles, whose raw text could
        # also match, are gone by now: _parse.)
        blocks = {el for el in self.html.iter() if isinstance(el.tag, str) and el.tag.lower().startswith(_BLOCK_WORDS)}
        holding: set[HtmlElement] = set()  # elements with a block element below them
        for block in blocks:
            for ancestor in block.iterancestors():
                if ancestor in holding:
                    break
                holding.add(ancestor)
        for elem in self.tags(self.html, "div"):
            if elem not in holding:
                elem.tag = "p"  # a <div> holding no block: a paragraph (still a block: no answer changes)
        for elem in self.tags(self.html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = fragment_fromstring("<p/>")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in _INLINE_TAGS or child in blocks or child in holding:
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = fragment_fromstring("<p/>")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = fragment_fromstring("<p/>")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()

    def sanitize(self, node: HtmlElement, candidates: Candidates, keep_all_images: bool = False) -> str:
        # readability-lxml's, step for step, without what costs and shows nothing:
        # its debug lines (each describing elements and their text, built whether
        # logged or not) and a text cleaning that compiles its patterns per call.
        min_len = self.min_text_length
        # As Readability.js: an article's <footer> and <aside> are not its text (a
        # "previous article" link, a box of other stories), unless broken markup
        # left most of the text inside one.
        total = None
        for box in list(self.tags(node, "footer", "aside")):
            if box.getparent() is None:
                continue
            if total is None:
                total = text_length(node)
            if text_length(box) <= total * _BOX_MAX_SHARE:
                box.drop_tree()
        for header in self.tags(node, "h1", "h2", "h3", "h4", "h5", "h6"):
            if self.class_weight(header) < 0 or self.get_link_density(header) > 0.33:
                header.drop_tree()
        for elem in self.tags(node, "p"):
            if READABILITY_REGEXES["callToActionRe"].search(elem.text_content()) and self.get_link_density(elem) > 0.2:
                elem.drop_tree()
        for elem in self.tags(node, "form", "textarea"):
            elem.drop_tree()
        for elem in self.tags(node, "iframe"):
            if "src" in elem.attrib and is_video_url(elem.attrib["src"]):
                elem.attrib.pop("srcdoc", None)
                elem.text = "VIDEO"  # so that it is written <iframe></iframe>
            else:
                elem.drop_tree()
        allowed = self.get_preserved_elements(node)
        runs: Runs = {}
        half: float | None = None
        # Conditionally clean <table>s, <ul>s, and <div>s
        for el in self.reverse_tags(node, "table", "ul", "div", "aside", "header", "footer", "section"):
            if el in allowed:
                continue
            weight = self.class_weight(el)
            content_score = candidates[el]["content_score"] if el in candidates else 0
            tag = el.tag
            negative = weight + content_score < 0
            if negative:
                if half is None:
                    half = 0.5 * text_length(node)  # once: the article as it was before cleaning
                negative = not in_big_run(el, half, runs)
            if negative:
                el.drop_tree()
            elif el.text_content().count(",") < 10:
                counts = {kind: len(el.findall(f".//{kind}")) for kind in ("p", "img", "li", "a", "embed", "input")}
                counts["li"] -= 100
                counts["input"] -= len(el.findall('.//input[@type="hidden"]'))
                # the text length excluding any surrounding whitespace
                content_length = _text_length(el)
                link_density = self.get_link_density(el)
                to_remove = False
                if keep_all_images and el.tag == "div" and counts["img"] >= 1:
                    continue
                if counts["p"] and counts["img"] > 1 + counts["p"] * 1.3:
                    to_remove = True  # too many images
                elif counts["li"] > counts["p"] and tag not in ("ol", "ul"):
                    to_remove = True  # more <li>s than <p>s
                elif counts["input"] > (counts["p"] / 3):
                    to_remove = True  # less than 3x <p>s than <input>s
                elif content_length < min_len and counts["img"] == 0:
                    to_remove = True  # short, without a single image
                elif content_length < min_len and counts["img"] > 2:
                    to_remove = True  # short, with too many images
                elif (
                    weight < 25
                    and link_density > (0.25 if tag in ("ul", "section") and _IN_MAIN_OR_ARTICLE(el) else 0.2)
                ) or (weight >= 25 and link_density > 0.5):
                    to_remove = True  # too many links for its weight
                elif (counts["embed"] == 1 and content_length < 75) or counts["embed"] > 1:
                    to_remove = True  # <embed>s with too short content length, or too many <embed>s
                elif not content_length:
                    to_remove = True  # no content
                    # the nearest non-empty sibling after it and the one before it
                    siblings = []
                    for sib in el.itersiblings():
                        sib_content_length = _text_length(sib)
                        if sib_content_length:
                            siblings.append(sib_content_length)
                            break
                    for sib in el.itersiblings(preceding=True):
                        sib_content_length = _text_length(sib)
                        if sib_content_length:
                            siblings.append(sib_content_length)
                            break
                    if siblings and sum(siblings) > 1000:
                        to_remove = False
                        for desnode in self.tags(el, "table", "ul", "div", "section"):
                            allowed[desnode] = True
                if to_remove:
                    el.drop_tree()
        self.html = node
        html: str = self.get_clean_html()
        return html

    def select_best_candidate(self, candidates: Candidates) -> Candidate | None:
        best = self._select_best(candidates)
        if best is None:
            return best
        # never the page's menu (a mega menu of news blurbs outscored a short page)
        return choice.prefer_outside_navigation(self.input, candidates, best)

    def _select_best(self, candidates: Candidates) -> Candidate | None:
        best: Candidate | None = super().select_best_candidate(candidates)
        if best is None:
            return best
        best = choice.prefer_main_container(self.html, candidates, best)
        best = choice.prefer_outside_boxes(candidates, best)
        best = choice.table_as_part(candidates, best)
        best = choice.prefer_prose_to_cards(candidates, best)
        titled = choice.prefer_titled_story(candidates, best, self._scroll_stories()[0])
        if titled is not best:
            return titled  # one story of several: never the box around all of them
        best_is_prose = choice.card_of(best["elem"]) is None
        # As Readability.js: when at least three other top candidates scoring near
        # the best share an ancestor with it, the article is that ancestor (a post
        # split into <section>s, a body in several boxes), not its first part.
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:5]
        # Never the stories below this one on an endless-scroll page.
        stories = self._stories()
        own = {a for a in best["elem"].iterancestors("article")} | {best["elem"]}
        near = [
            set(c["elem"].iterancestors())
            for c in ranked
            if c is not best
            and c["content_score"] >= 0.75 * best["content_score"]
            and (not best_is_prose or choice.card_of(c["elem"]) is None)
            and not any(a in stories and a not in own for a in c["elem"].iterancestors("article"))
        ]
        if len(near) < 3:
            return best
        for ancestor in best["elem"].iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            if sum(ancestor in ancestors for ancestors in near) >= 3:
                return candidates.get(ancestor) or {"elem": ancestor, "content_score": best["content_score"]}
        return best

    def class_weight(self, e: HtmlElement) -> float:
        # readability's negative words miss the boxes that most often win over a
        # short article: author bios, newsletter and consent notices, teaser
        # cards, testimonials, "key takeaways" and credits. Custom elements
        # (<app-no-consent>, <newsletter-signup>) say what they are by their tag.
        if self.positive_keywords or self.negative_keywords:
            raise NotImplementedError("readability's keyword options are not used here")
        return _class_weight(e.get("class"), e.get("id"), e.tag if isinstance(e.tag, str) else "")

    def get_link_density(self, elem: HtmlElement, links: dict[HtmlElement, int] | None = None) -> float:
        # readability's own measures text with three regex passes per element,
        # for every link, of every candidate: the largest cost of extraction.
        # Collapsing whitespace runs to one character gives the same lengths.
        # `links`: the lengths of links measured already, while the tree is unchanged.
        if elem.tag in HEADINGS:
            # Readability.js keeps a heading that is all link ("Setting up¶",
            # a section title linking back to the contents); readability-lxml
            # dropped headings over a third of link text.
            return 0.0
        if links is None:
            link_length = sum(text_length(a) for a in elem.iterfind(".//a"))
        else:
            link_length = 0
            for a in elem.iterfind(".//a"):
                length = links.get(a)
                if length is None:
                    length = links[a] = text_length(a)
                link_length += length
        return link_length / max(text_length(elem), 1)

    def score_paragraphs(self) -> Candidates:
        # readability-lxml's, with the same scores, but: its debug line (built
        # whether logged or not) is gone, its text cleaning compiles no pattern
        # per call, and a link inside nested candidates is measured once.
        min_len = self.min_text_length
        candidates: dict[HtmlElement, Candidate] = {}
        ordered = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            inner_text = _clean(elem.text_content() or "")
            inner_text_len = len(inner_text)
            # a paragraph under 25 characters does not count
            if inner_text_len < min_len:
                continue
            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)
            content_score: float = 1
            content_score += len(inner_text.split(","))
            content_score += min((inner_text_len / 100), 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0
        # Good content has few links: scale each candidate's score by its link density.
        links: dict[HtmlElement, int] = {}
        for elem in ordered:
            candidates[elem]["content_score"] *= 1 - self.get_link_density(elem, links)
        return candidates

    def _scroll_stories(self) -> tuple[HtmlElement | None, frozenset[HtmlElement]]:
        # once per parse of the page (readability parses again when it retries)
        cached = getattr(self, "_story_cache", None)
        if cached is None or cached[0] is not self.html:
            cached = (self.html, choice.scroll_stories(self.html, self.input, self.headline))
            self._story_cache = cached
        found: tuple[HtmlElement | None, frozenset[HtmlElement]] = cached[1]
        return found

    def _stories(self) -> frozenset[HtmlElement]:
        """The other stories of an endless-scroll page (see choice.scroll_stories)."""
        return self._scroll_stories()[1]

    def merge_article_segments(self, candidates: Candidates, best_candidate: Candidate, threshold: float) -> None:
        # readability-lxml joins blocks like the chosen one inside one <article>;
        # a page of repeated sections (each its own <article> or box) goes on
        # in the next one: those blocks come too, in page order.
        super().merge_article_segments(candidates, best_candidate, threshold)
        best = best_candidate["elem"]
        stories = self._stories()
        before, after = choice.repeated_segments(candidates, best_candidate, self.get_link_density, stories)
        if not before and not after:
            before, after = choice.sibling_units(best, self.get_link_density, stories)
        if not before and not after:
            before, after = choice.kin_boxes(best, self.get_link_density, stories)
        for segment in reversed(before):
            best.insert(0, segment)
        best.extend(after)

    def get_article(
        self, candidates: dict[HtmlElement, Candidate], best_candidate: Candidate, html_partial: bool = False
    ) -> HtmlElement:
        best = best_candidate["elem"]
        for lead in reversed(orphan_leads(best, self.get_link_density)):
            best.insert(0, lead)
        figure = leads.lead_figure(best)
        if figure is not None:
            best.insert(0, figure)
        standfirst = leads.standfirst(best, self.get_link_density)
        if standfirst is not None:
            best.insert(0, standfirst)
        # As Readability.js: a sibling of the same tag and class is the article
        # going on (a body split into several boxes around an ad), however it scored.
        threshold = max(10, best_candidate["content_score"] * 0.2)
        cls = best.get("class")
        parent = best.getparent()
        # The other stories of an endless-scroll page are not this one going on:
        # readability neither appends them as siblings nor joins them as segments.
        stories = self._stories()
        around = set(best.iterancestors())
        for story in stories:
            if story is not best and story not in around and story in candidates:
                candidates[story]["content_score"] = min(candidates[story]["content_score"], 0.0)
        if cls and parent is not None:
            for sib in parent:
                if (
                    sib is not best
                    and sib not in stories
                    and sib.tag == best.tag
                    and sib.get("class") == cls
                    and text_length(sib) >= 80
                    and self.get_link_density(sib) < 0.3
                ):
                    entry = candidates.setdefault(sib, {"elem": sib, "content_score": 0.0})
                    entry["content_score"] = max(entry["content_score"], threshold)
        return super().get_article(candidates, best_candidate, html_partial=html_partial)


@functools.lru_cache(maxsize=8192)
def _class_weight(cls: str | None, ident: str | None, tag: str) -> int:
    """ArticleDocument.class_weight from what it reads (once per distinct class, id and tag)."""
    # readability-lxml's own
    weight = 0
    for feature in (cls, ident):
        if feature:
            if _NEGATIVE.search(feature):
                weight -= 25
            if _POSITIVE.search(feature):
                weight += 25
    # Page builders (Elementor and its kind) wrap every box of the article's
    # own text in a "<builder>-widget" class, which readability scores as a
    # sidebar widget: such a class alone costs nothing.
    if cls and "widget" in cls and _BUILDER_WIDGET.search(cls):
        rest = _BUILDER_WIDGET.sub(" ", cls)
        if not _NEGATIVE.search(rest):
            weight += 25
    for feature in (cls, ident, tag if "-" in tag or tag not in choice.KNOWN_TAGS else None):
        if feature and _NOT_ARTICLE.search(feature):
            weight -= 25
    return weight


_NEGATIVE = CaselessPattern(READABILITY_REGEXES["negativeRe"])
_POSITIVE = CaselessPattern(READABILITY_REGEXES["positiveRe"])
_NOT_ARTICLE = CaselessPattern(choice.NOT_ARTICLE)

# A builder's content box: "elementor-widget-container", "wb-widget-inner"; not a
# sidebar's or footer's widget ("widget", "widget_text", "sidebar-widget").
_BUILDER_WIDGET = re.compile(
    r"(?:^|\s)(?!(?:sidebar|side|footer|header|nav|menu|social|share|textwidget)[-_])"
    r"[a-z][a-z0-9]*[-_]+widget(?:[-_][\w-]*)?(?=\s|$)",
    re.I,
)

_IN_MAIN_OR_ARTICLE = etree.XPath("boolean(ancestor::main | ancestor::article)")
_ARTICLE_OR_MATH = etree.XPath("//main | //article | //math | //*[@lang][starts-with(@lang, 'x-tex')]")
# The words of readability's divToPElementsRe, found at the start of a tag name
# in the markup ("<p" finds <pre> and <picture> too).
_BLOCK_WORDS = tuple(READABILITY_REGEXES["divToPElementsRe"].pattern[2:-1].split("|"))
_INLINE_TAGS = frozenset("a b cite code em font i small span strong sub sup u".split())

_UNLIKELY = CaselessPattern(READABILITY_REGEXES["unlikelyCandidatesRe"])
_MAYBE = CaselessPattern(READABILITY_REGEXES["okMaybeItsACandidateRe"])


@functools.lru_cache(maxsize=8192)
def _unlikely(ident: str) -> bool:
    """readability's test of a class and id, once per distinct pair (pages repeat them)."""
    return _UNLIKELY.search(ident) and not _MAYBE.search(ident)


# An "unlikely" element (sidebar, menu...) holding more of the page's text than
# this is a layout wrapper around the article, and stays.
_UNLIKELY_MAX_SHARE = 0.4
# ... or more than this share of the text of the page's long paragraphs.
_UNLIKELY_MAX_PROSE = 0.5
_PROSE_PARAGRAPH = 150  # characters (raw): a paragraph of an article, not a blurb


_BOX_MAX_SHARE = 0.3  # of the article's text: a <footer> or <aside> holding more stays

_WHITESPACE_RUN = re.compile(r"\s{255,}")
_AROUND_NEWLINE = re.compile(r"\s*\n\s*")
_TAB_OR_SPACES = re.compile(r"\t|[ \t]{2,}")


def _one_paragraph(el: HtmlElement) -> bool:
    """One of a run of <div>s each around one paragraph (a page builder's box per
    paragraph): Readability.js reads each as its paragraph, which is never cleaned
    away for being short ("<p><b>1. Choose the Right Pot</b></p>", a subheading)."""
    if not _wraps_a_paragraph(el):
        return False
    cls = el.get("class")
    return any(
        sib is not None and sib.get("class") == cls and _wraps_a_paragraph(sib)
        for sib in (el.getprevious(), el.getnext())
    )


def _wraps_a_paragraph(el: HtmlElement) -> bool:
    if el.tag != "div" or len(el) != 1 or (el.text or "").strip() or (el[0].tail or "").strip():
        return False
    only = el[0]
    if only.tag != "p" or only.find(".//a") is not None:
        return False
    # words, not a chart's labels ("$900", "billion")
    text = collapse(only.text_content())
    return any(c.isalpha() for c in text) and (" " in text or _STOP_AT_END.search(text) is not None)


_STOP_AT_END = re.compile(r"[.!?…][\"'»“”’)]*$")


def _clean(text: str) -> str:
    """readability-lxml's clean(), the same text, each pass run only where it can match."""
    if len(text) >= 255:
        text = _WHITESPACE_RUN.sub(" " * 255, text)
    if "\n" in text:
        text = _AROUND_NEWLINE.sub("\n", text)
    if "\t" in text or "  " in text:
        text = _TAB_OR_SPACES.sub(" ", text)
    return text.strip()


def _text_length(elem: HtmlElement) -> int:
    """readability-lxml's text_length."""
    return len(_clean(elem.text_content() or ""))


def _prose_length(elem: HtmlElement) -> int:
    """Raw characters of the long paragraphs under elem."""
    lengths = (len(p.text_content()) for p in elem.iter("p"))
    return sum(n for n in lengths if n >= _PROSE_PARAGRAPH)
