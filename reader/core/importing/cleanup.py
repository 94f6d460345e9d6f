"""Tidying around readability-lxml: before it scores the page, and after.

Before (prepare_tree, on the parsed page):
  - the byline element found by metadata.py leaves the body (it is metadata);
  - embedded tweets lose the "twitter" class that makes readability drop them;
  - share bars, newsletter boxes, "listen to this article" players, "read more"
    teasers and related/recommended rails go, so that their links do not
    push the article's link density over readability's limit;
During (ReadabilityDocument): in-article lists are kept even when they are
  mostly links; lead paragraphs, the standfirst and the lead figure just
  outside the chosen container come back; the choice prefers the page's own
  <article>/<main>, prose over teaser cards, and never a modal or notice.
After (finish_body): a headline, byline or date repeated at the top of the
  body is removed, and photo credits, "follow us" lines, ad labels, tag lines
  and empty table rows go. (MathML was turned into TeX text before: mathml.py.)
"""

from __future__ import annotations

import copy
import re

from lxml import etree
from lxml import html as lxml_html
from readability.readability import REGEXES as READABILITY_REGEXES

from reader.core.importing import choice, notices
from reader.core.importing.metadata import UNLIKELY
from reader.core.importing.titles import similarity

_SPACES = re.compile(r"\s+")

# class/id of page widgets that are never article text
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharebar|share-?tools|social-?(?:share|links|media|bar|icons|buttons)|"
    r"newsletter|subscribe|subscription|signup|sign-up|paywall|"
    r"listen|audio-?player|text-?to-?speech|tts|read-?more|readmore|more-?stories|"
    r"related\w*|recommend(?:ed|ations)?|you-?may-?like|also-?like|outbrain|taboola|"
    r"promo|ad-?slot|ad-?container|ad-?wrapper|advert|advertisement|dfp|sponsored|"
    r"print-?only|skip-?link|screen-?reader|sr-only|visually-?hidden|breadcrumbs?|"
    r"author-?bio|about-?the-?author|post-?tags|tag-?list|comments?|edit-?section)(?:$|[\s_-])",
    re.I,
)
# The whole text of a small block that is page furniture.
_FURNITURE_TEXT = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|skip advertisement|continue reading( the main story)?|"
    r"story continues below( advertisement)?|listen to (?:this|the) (?:article|story)(?:\W+\d+\s*min(?:utes?)?)?|"
    r"listen|play audio|read more|read more:?|more:|share|share this( article| story)?|copy link|"
    r"link copied|print|email|save|comment|comments|sign up|subscribe|follow us|like this|share this:?|"
    r"(?:sign up|subscribe) (?:for|to) (?:our|the) .{0,40}newsletter.*|"
    r"(?:image|photo|video)\s*(?:credit|source)?:?|open in app|"
    r"this article is more than \d+ (?:years?|months?) old|"
    r"\d+\s*min(?:ute)?s?\s*read|toggle caption|hide caption|enlarge this image|"
    r"you may also like|related( articles| stories| content| posts)?:?|recommended( for you)?|"
    r"most (?:read|popular|viewed)|more from .{0,40}|trending( now)?|"
    # the same furniture in the languages Reader meets most
    r"anzeige|werbung|reklama|publicidad|publicité|pubblicità|publicidade|"
    r"weiterlesen|mehr lesen|leer más|lire la suite|lire plus|czytaj (?:więcej|dalej)|leia mais|"
    r"teilen|artikel teilen|compartir|partager|udostępnij|condividi|compartilhar|"
    r"kommentieren|keine kommentare|bisher keine kommentare|"
    r"drucken|imprimir|imprimer|drukuj|"
    r"(?:jetzt )?abonnieren|suscríbete|abonnez-vous|subskrybuj|"
    r"(?:\d+\s*min(?:\.|uten)?\s*)?lesezeit(?::?\s*\d+\s*min(?:\.|uten)?)?|"
    r"\d+\s*min(?:utos)? de lectura|\d+\s*min(?:utes)? de lecture|"
    r"war (?:der|dieser) (?:artikel|beitrag) (?:hilfreich|nützlich)\??|"
    r"(?:möchten sie|jetzt) (?:den|diesen) (?:artikel|beitrag) teilen\??|"
    r"quellen (?:anzeigen|ausblenden)|zum seitenanfang|nach oben|volver arriba|retour en haut)$",
    re.I,
)
# A heading over an author box, in the languages Reader meets most.
_AUTHOR_HEADING = re.compile(
    r"^(?:about the author|über (?:den|die) autor(?:in)?|zum autor|zur autorin|sobre el autor|"
    r"sobre la autora|à propos de l'auteur|l'auteur|o autorze|sull'autore|sobre o autor)$",
    re.I,
)
# A line that is only a date (with a label such as "Updated:"): metadata, not text.
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|veröffentlicht|aktualisiert|erstellt|stand|publicado|"
    r"actualizado|publié|mis à jour|opublikowano|aktualizacja|pubblicato|aggiornato)(?: am| on| el| le| il)?\s*:?\s*)?"
    r"(?:[^\W\d_]+\.?,?\s+)?(?:\d{1,2}\.?\s*(?:\d{1,2}\.|[^\W\d_]+\.?)\s*\d{2,4}|"
    r"[^\W\d_]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s*(?:um|at|à|a las|o)?\s*\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm))?)?$",
    re.I,
)
# A paragraph that only points elsewhere: "READ MORE: <link>"
_TEASER_LEAD = re.compile(
    r"^\s*(?:read more|read also|also read|related|see also|more|watch|listen|recommended|"
    r"click here|lire aussi|à lire aussi|voir aussi|lesen sie (?:auch|mehr)|auch lesen|mehr zum thema|siehe auch|"
    r"leia também|leia mais|veja também|lee también|lea también|lea más|lea|ver también|leggi anche|"
    r"czytaj (?:także|też|więcej)|zobacz (?:też|także))\b\s*[:»>\-–|]",
    re.I,
)
_RELATED_HEADING = re.compile(
    r"^(?:related|related (?:articles?|stories|posts|content|coverage|links|reading)|"
    r"more (?:from|on|about|stories|in|news)\b.*|you (?:may|might) (?:also )?(?:like|enjoy|be interested in).*|"
    r"recommended.*|read (?:more|next|also)\b.*|also read|most (?:read|popular|viewed).*|"
    r"trending.*|popular.*|top stories|latest (?:news|stories)|what to read next|"
    r"further reading|editor'?s picks?|latest articles|more stories|"
    # the same in the languages Reader meets most
    r"weitere (?:artikel|beiträge|meldungen|nachrichten|themen).*|mehr (?:zum thema|aus|von|zu)\b.*|"
    r"(?:das|dies)(?: thema)? könnte (?:sie|dich) (?:auch )?interessieren.*|auch interessant|schon gelesen|"
    r"mehr themen|weitere themen|"
    r"lesen sie auch|empfohlene (?:artikel|beiträge)|ähnliche (?:artikel|beiträge)|verwandte (?:artikel|themen)|"
    r"meist-?(?:gelesen|diskutiert|kommentiert).*|am meisten gelesen|most (?:commented|discussed|shared)|"
    r"(?:te|le) puede interesar.*|también te puede interesar.*|noticias relacionadas|más noticias|"
    r"lo más (?:leído|visto)|artículos relacionados|"
    r"à lire aussi|lire aussi|sur le même (?:sujet|thème)|articles? (?:similaires|liés)|les plus lus|"
    r"vous (?:aimerez|pourriez aimer) aussi.*|"
    r"czytaj (?:także|też)|zobacz (?:też|także)|polecamy|najczęściej czytane|podobne artykuły|"
    r"leggi anche|potrebbe interessarti|leia também|veja também|mais lidas)$",
    re.I,
)
_TWEET_CLASS = re.compile(r"twitter-(?:tweet|video)|tweet|twitter", re.I)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class ReadabilityDocument:
    """Mixin over readability.Document (put before it in the bases)."""

    def get_clean_html(self):
        # readability strips width, height, style... with a regex run over the
        # serialized article until nothing matches. The sanitizer drops what must
        # go anyway, and an image's declared size is the size a browser draws it
        # at (a 64x36 file shown 640 wide): keep the attributes.
        from lxml.etree import tounicode

        return tounicode(self._html(), method="html")

    def get_preserved_elements(self, node):
        allowed = super().get_preserved_elements(node)
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
            texts = [_SPACES.sub(" ", li.text_content()).strip() for li in items]
            if sum(len(t) for t in texts) / len(items) < 12 and _link_share(elem) > 0.5:
                continue
            allowed[elem] = True
        # A box holding a code block (<div class="highlight"><pre>) is kept however
        # short: Readability.js removes short boxes only when they have links.
        for elem in self.tags(node, "div", "section"):
            if elem not in allowed and elem.find(".//pre") is not None:
                code = sum(_text_length(pre) for pre in elem.iter("pre"))
                if code >= 0.8 * _text_length(elem):
                    allowed[elem] = True
        return allowed

    def _parse(self, input):
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

    def remove_unlikely_candidates(self):
        # As Readability.js does, and readability-lxml does not: never drop a link
        # or a table cell's content for its class. A `class="popup"` annotation
        # link in a sentence took the words of the link out of the sentence.
        # Nor an element that holds much of the page's text: "sidebar-wrapper" or
        # "sidebar-layout" wraps the article along with its sidebar.
        body = self.html.find(".//body")
        total = None
        for elem in self.html.findall(".//*"):
            s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
            if len(s) < 2 or elem.tag in ("html", "body", "a"):
                continue
            if (
                READABILITY_REGEXES["unlikelyCandidatesRe"].search(s)
                and not READABILITY_REGEXES["okMaybeItsACandidateRe"].search(s)
                and not elem.xpath("ancestor-or-self::pre | ancestor-or-self::code | ancestor::table")
                and not elem.xpath(
                    "descendant-or-self::main | descendant-or-self::article | descendant-or-self::math"
                    " | descendant-or-self::*[starts-with(@lang, 'x-tex')]"
                )
                and not choice.is_article_header(elem)
            ):
                if total is None:
                    # raw lengths (spaces included): a ratio needs no collapsing of the whole page
                    total = len((body if body is not None else self.html).text_content())
                if len(elem.text_content()) > total * _UNLIKELY_MAX_SHARE and not choice.in_not_article(elem):
                    continue
                elem.drop_tree()

    def select_best_candidate(self, candidates):
        best = super().select_best_candidate(candidates)
        if best is None:
            return best
        best = choice.prefer_main_container(self.html, candidates, best)
        best = choice.prefer_outside_boxes(candidates, best)
        best = choice.table_as_part(candidates, best)
        best = choice.prefer_prose_to_cards(candidates, best)
        best_is_prose = choice.card_of(best["elem"]) is None
        # As Readability.js: when at least three other top candidates scoring near
        # the best share an ancestor with it, the article is that ancestor (a post
        # split into <section>s, a body in several boxes), not its first part.
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:5]
        near = [
            set(c["elem"].iterancestors())
            for c in ranked
            if c is not best
            and c["content_score"] >= 0.75 * best["content_score"]
            and (not best_is_prose or choice.card_of(c["elem"]) is None)
        ]
        if len(near) < 3:
            return best
        for ancestor in best["elem"].iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            if sum(ancestor in ancestors for ancestors in near) >= 3:
                return candidates.get(ancestor) or {"elem": ancestor, "content_score": best["content_score"]}
        return best

    def class_weight(self, e):
        # readability's negative words miss the boxes that most often win over a
        # short article: author bios, newsletter and consent notices, teaser
        # cards, testimonials, "key takeaways" and credits. Custom elements
        # (<app-no-consent>, <newsletter-signup>) say what they are by their tag.
        weight = super().class_weight(e)
        tag = e.tag if isinstance(e.tag, str) else ""
        for feature in (e.get("class"), e.get("id"), tag if "-" in tag or tag not in choice.KNOWN_TAGS else None):
            if feature and choice.NOT_ARTICLE.search(feature):
                weight -= 25
        return weight

    def get_link_density(self, elem):
        # readability's own measures text with three regex passes per element,
        # for every link, of every candidate: the largest cost of extraction.
        # Collapsing whitespace runs to one character gives the same lengths.
        if elem.tag in _HEADINGS:
            # Readability.js keeps a heading that is all link ("Setting up¶",
            # a section title linking back to the contents); readability-lxml
            # dropped headings over a third of link text.
            return 0.0
        link_length = sum(_text_length(a) for a in elem.iterfind(".//a"))
        return link_length / max(_text_length(elem), 1)

    def get_article(self, candidates, best_candidate, html_partial=False):
        best = best_candidate["elem"]
        for lead in reversed(_orphan_leads(best, self.get_link_density)):
            best.insert(0, lead)
        figure = choice.lead_figure(best)
        if figure is not None:
            best.insert(0, figure)
        standfirst = choice.standfirst(best, self.get_link_density)
        if standfirst is not None:
            best.insert(0, standfirst)
        # As Readability.js: a sibling of the same tag and class is the article
        # going on (a body split into several boxes around an ad), however it scored.
        threshold = max(10, best_candidate["content_score"] * 0.2)
        cls = best.get("class")
        parent = best.getparent()
        if cls and parent is not None:
            for sib in parent:
                if (
                    sib is not best
                    and sib.tag == best.tag
                    and sib.get("class") == cls
                    and _text_length(sib) >= 80
                    and self.get_link_density(sib) < 0.3
                ):
                    entry = candidates.setdefault(sib, {"elem": sib, "content_score": 0.0})
                    entry["content_score"] = max(entry["content_score"], threshold)
        return super().get_article(candidates, best_candidate, html_partial=html_partial)


# An "unlikely" element (sidebar, menu...) holding more of the page's text than
# this is a layout wrapper around the article, and stays.
_UNLIKELY_MAX_SHARE = 0.4


def _text_length(elem) -> int:
    return len(" ".join((elem.text_content() or "").split()))


def _orphan_leads(best, link_density) -> list:
    """Paragraphs just before the chosen container, at most two levels up, that
    read as the article's opening (a standfirst or first paragraph in its own box)."""
    best_len = len(_SPACES.sub(" ", best.text_content()))
    if best_len < 200:
        return []
    leads: list = []
    node = best
    for _ in range(2):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        found: list = []
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue
            if (
                sib.tag in _HEADINGS
                or sib.find(".//h1") is not None
                or sib.tag in ("figure", "aside", "nav", "blockquote")
            ):
                break
            paras = [sib] if sib.tag == "p" else list(sib.iter("p"))
            if not paras and len(_SPACES.sub(" ", sib.text_content()).strip()) > 0:
                break
            chunk = []
            for p in paras:
                text = _SPACES.sub(" ", p.text_content()).strip()
                if len(text) < 40 or link_density(p) > 0.2 or _FURNITURE_TEXT.match(text):
                    continue
                if any(
                    a.tag in ("figure", "figcaption", "aside", "blockquote", "li")
                    for a in p.iterancestors()
                    if a is not sib and sib in a.iterancestors()
                ):
                    continue
                chunk.append(p)
            found[:0] = chunk
        total = sum(len(_SPACES.sub(" ", p.text_content())) for p in found)
        if found and total < best_len * 0.6:
            leads[:0] = found
        node = parent
    return leads


# ---------------------------------------------------------------------------
# before readability
# ---------------------------------------------------------------------------


def prepare_tree(root, meta) -> None:
    body = root.find(".//body")
    if body is None:
        return
    byline_el = meta.byline_element
    if byline_el is not None and byline_el.getparent() is not None and byline_el is not body:
        _remove(byline_el)
    _keep_tweets(body)
    strip_furniture(body)


def strip_furniture(body) -> None:
    """Remove widgets, teasers and related rails from a page or fragment, in place."""
    # Code is never furniture: highlight.js marks comments "hljs-comment".
    code = {el for block in body.iter("pre", "code") for el in block.iter()}
    total = None
    for el in list(body.iter()):
        if el is body or not isinstance(el.tag, str) or el.getparent() is None or el in code:
            continue
        tag = el.tag
        if tag in ("html", "body", "main", "article"):
            continue
        ident = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(ident) > 1 and _WIDGET.search(ident) and _is_small(el):
            _remove(el)
            continue
        if (
            len(ident) > 1
            and tag not in ("p", "span", "a", "li")
            and _COMMENTS_HINT.search(ident)
            and any(_COMMENTS.fullmatch(token) for token in ident.split())
        ):
            # Readers' comments, however long, unless they are most of the page.
            if total is None:
                total = _text_length(body)
            if _text_length(el) < total * 0.5:
                _remove(el)
                continue
        if tag in ("p", "div", "span", "a", "li", "button", "section", "aside", "figure", "strong", "b", "em"):
            raw = el.text_content()
            # Only short blocks are checked; collapsing the spaces of every
            # container's text was most of this function's time.
            text = _SPACES.sub(" ", raw).strip() if len(raw) < _SHORT_RAW else ""
            if len(text) <= 80 and text and _FURNITURE_TEXT.match(text.strip(" .:…»›>")):
                if el.find(".//img") is None or tag in ("a", "button", "span"):
                    _remove(el)
                    continue
            if (
                tag in ("p", "div", "li")
                and len(text) < 300
                and _TEASER_LEAD.match(text)
                and _link_share(el, text) > 0.5
            ):
                _remove(el)
                continue
        if tag in _HEADINGS:
            text = _SPACES.sub(" ", el.text_content()).strip(" :…»›")
            if text and len(text) < 60 and _RELATED_HEADING.match(text):
                _drop_related_block(el)
            elif text and len(text) < 40 and _AUTHOR_HEADING.match(text):
                _drop_author_block(el)


# The section of readers' comments (WordPress, Disqus and the like), by its class or id.
_COMMENTS = re.compile(
    r"comments?|comments?-(?:area|section|list|wrapper|container|block)|commentlist|comment-?list|"
    r"disqus_thread|respond|kommentare|comentarios|commentaires|komentarze",
    re.I,
)
_COMMENTS_HINT = re.compile(r"comment|respond|disqus|kommentar|comentario|komentarz", re.I)
_SHORT_RAW = 1500  # characters of raw text (spaces included) of a block worth checking


def _drop_related_block(heading) -> None:
    """A "Related" / "More from ..." heading and the link list after it."""
    # Page builders wrap a heading in boxes of its own: the list follows the outermost.
    while True:
        parent = heading.getparent()
        if (
            parent is None
            or parent.tag in ("body", "article", "main", "html")
            or sum(1 for c in parent if isinstance(c.tag, str)) != 1
            or (parent.text or "").strip()
        ):
            break
        heading = parent
    nxt = heading.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is not None and nxt.tag in ("ul", "ol", "div", "section", "nav", "aside"):
        text = _SPACES.sub(" ", nxt.text_content()).strip()
        if text and _link_share(nxt, text) > 0.5:
            _remove(nxt)
            _remove(heading)
            return
    parent = heading.getparent()
    if parent is not None and parent.tag not in ("body", "article", "main"):
        text = _SPACES.sub(" ", parent.text_content()).strip()
        if text and _link_share(parent, text) > 0.5 and len(text) < 2000:
            _remove(parent)


def _drop_author_block(heading) -> None:
    """An "About the author" heading and the short bio right after it."""
    nxt = heading.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is not None and nxt.tag not in _HEADINGS and _text_length(nxt) < 800:
        _remove(nxt)
    _remove(heading)


def _keep_tweets(body) -> None:
    for bq in body.iter("blockquote"):
        cls = bq.get("class") or ""
        if "twitter-tweet" in cls or "twitter-video" in cls or "instagram-media" in cls:
            bq.set("class", "embedded-post")
            for anc in bq.iterancestors():
                if anc.tag in ("body", "article", "main"):
                    break
                ident = f"{anc.get('class') or ''} {anc.get('id') or ''}"
                if _TWEET_CLASS.search(ident) or UNLIKELY.search(ident):
                    if len(anc) <= 3:
                        anc.set("class", "embedded-post")
                        anc.attrib.pop("id", None)
                else:
                    break


def _is_small(el) -> bool:
    """A widget, not a container that happens to carry such a class."""
    text = _SPACES.sub(" ", el.text_content()).strip()
    if len(text) < 200:
        return True
    long_paras = sum(1 for p in el.iter("p") if len(_SPACES.sub(" ", p.text_content())) > 120)
    if long_paras >= 2:
        return False
    return _link_share(el, text) > 0.5 or len(text) < 600


def _link_share(el, text: str | None = None) -> float:
    text = text if text is not None else _SPACES.sub(" ", el.text_content()).strip()
    if not text:
        return 0.0
    links = sum(len(_SPACES.sub(" ", a.text_content()).strip()) for a in el.iter("a"))
    return links / len(text)


def _remove(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # keep the tail text (it belongs to the parent)
    el.drop_tree()


# ---------------------------------------------------------------------------
# after readability
# ---------------------------------------------------------------------------


def finish_body(fragment: str, meta) -> str:
    """Drop a headline, byline or date repeated at the top of the body."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, etree.ParserError):
        return fragment
    _drop_top_duplicates(root, meta)
    # Ruby annotations (furigana) read inline as doubled words ("子こども") in
    # the text and in a view that cannot set them above the line.
    etree.strip_elements(root, "rt", "rp", with_tail=False)
    notices.keep_big_containers(root)
    notices.drop_empty_rows(root)
    notices.drop_photo_credits(root)
    notices.drop_notices(root)
    return _inner(root)


def _drop_top_duplicates(root, meta) -> None:
    title = meta.title or ""
    byline = (meta.byline or "").lower()
    seen_text = 0
    title_removed = False
    for el in list(root.iter()):
        if seen_text >= 400:
            break  # nothing below here is looked at
        if el is root or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag not in _HEADINGS and el.tag not in ("p", "div", "span", "time", "ul", "section", "header"):
            continue
        text = _SPACES.sub(" ", el.text_content()).strip()
        if el.tag in _HEADINGS and title and seen_text < 400 and not title_removed:
            if similarity(title, text) > 0.75 and similarity(text, title) > 0.75:
                _remove(el)
                title_removed = True
                continue
        if seen_text < 300 and text and len(text) < 120:
            if el.tag == "time" or (el.find(".//time") is not None and len(text) < 60):
                _remove(el)
                continue
            if len(text) < 60 and _DATE_LINE.match(text):
                _remove(el)
                continue
            if byline and len(text) < 100 and _is_byline_text(text, byline):
                _remove(el)
                continue
        if el.tag in ("p",) or (el.tag in _HEADINGS):
            seen_text += len(text)


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


def _inner(root) -> str:
    parts = [root.text] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(parts).strip()


def text_length(fragment: str) -> int:
    if not fragment:
        return 0
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, etree.ParserError):
        return 0
    return len(_SPACES.sub(" ", root.text_content()).strip())


def page_text_length(root) -> int:
    body = root.find(".//body")
    if body is None:
        return 0
    total = 0
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in ("script", "style", "noscript", "template"):
            continue
        if el.text and isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript", "template"):
            total += len(el.text.strip())
        if el.tail:
            total += len(el.tail.strip())
    return total


# ---------------------------------------------------------------------------
# after sanitizing: markup that renders cleanly
# ---------------------------------------------------------------------------

_BLOCK = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody thead tfoot tr td th ul caption".split()
)
_WS = re.compile(r"[ \t\r\n\f\v]+")
_UNWRAP = "reader-unwrap"  # a tag name no page can have left after sanitizing


def tidy_tree(root) -> None:
    """Collapse pointless wrappers and whitespace runs of clean HTML, in place.

    Only markup changes: the text (and so the canonical text) stays the same.
    """
    # Unwrapping one element at a time (lxml's drop_tag) is quadratic: 149,000
    # spans in one paragraph took 398 s. The elements are marked, then unwrapped
    # together (unwrap_marked).
    # Attribute-less spans add nothing.
    for span in root.iter("span"):
        if span is not root and not span.attrib:
            span.tag = _UNWRAP
    # A div whose only content is one block element: keep the inner element.
    for div in root.iter("div"):
        if div is root or div.attrib:
            continue
        children = [c for c in div if isinstance(c.tag, str)]
        if (
            len(children) == 1
            and children[0].tag in _BLOCK
            and not (div.text or "").strip()
            and not (children[0].tail or "").strip()
        ):
            div.tag = _UNWRAP
    unwrap_marked(root, _UNWRAP)
    # A div holding only inline content is a paragraph.
    for div in list(root.iter("div")):
        if div is root or div.attrib:
            continue
        if (div.text or "").strip() or len(div):
            if not any(isinstance(c.tag, str) and c.tag in _BLOCK for c in div):
                div.tag = "p"
    # Whitespace: one space inside text, none between blocks.
    preformatted = {el for pre in root.iter("pre") for el in pre.iter()}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        in_pre = el in preformatted
        if not in_pre and el.text:
            el.text = _WS.sub(" ", el.text)
            if el.tag in _BLOCK or el is root:
                el.text = el.text.lstrip() or None
        if el.tail and el is not root:
            parent = el.getparent()
            parent_pre = parent is not None and parent in preformatted
            if not parent_pre:
                tail = _WS.sub(" ", el.tail)
                if el.tag in _BLOCK and not tail.strip():
                    tail = None
                el.tail = tail
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK and len(el):
            last = el[-1]
            if last.tail and last.tag not in ("pre",):
                last.tail = last.tail.rstrip() or None
            elif not len(el) and el.text:
                el.text = el.text.rstrip()


def unwrap_marked(root, tag: str) -> None:
    """Replace each element named `tag` by its content, in time linear in the tree.

    lxml's drop_tag looks each element up among its siblings, and
    etree.strip_tags appends each text to the growing text before it (libxml2
    copies it each time): both are quadratic on many siblings. Here each parent
    of marked elements is rebuilt once, deepest first.
    """
    parents: dict = {}
    for el in root.iter(tag):
        if el is not root:
            parents.setdefault(el.getparent(), None)
    for parent in reversed(list(parents)):  # a marked element's own content is settled first
        _splice(parent, tag)


def _splice(parent, tag: str) -> None:
    slots: list[list[str]] = [[parent.text or ""]]  # text before each kept child, then after it
    kept: list = []
    marked: list = []
    for child in parent:
        if child.tag == tag:
            marked.append(child)
            slots[-1].append(child.text or "")
            for grandchild in child:
                kept.append(grandchild)
                slots.append([grandchild.tail or ""])
            slots[-1].append(child.tail or "")
        else:
            kept.append(child)
            slots.append([child.tail or ""])
    for child in kept:
        parent.append(child)  # moved after the others, in order (out of a marked one too)
    for child in marked:
        parent.remove(child)
    parent.text = "".join(slots[0]) or None
    for child, slot in zip(kept, slots[1:]):
        child.tail = "".join(slot) or None
