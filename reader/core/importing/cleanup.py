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

from reader.core.importing.metadata import UNLIKELY, block_text, similarity

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
_NOT_ARTICLE = re.compile(
    r"(?:^|[\s_-])(?:author-?(?:bio|box|info|description|profile|details|about)|about-?(?:the-?)?author|bio|"
    r"biography|newsletter\w*|no-?consent|consent|cookie\w*|gdpr|subscribe|"
    r"subscription|signup|cta|teasers?|testimonials?|takeaways?|credits?|disclaimer|"
    r"read-?next|more-?(?:stories|articles|posts)|popular|trending|modal|dialog)(?:$|[\s_-])",
    re.I,
)
_KNOWN_TAGS = frozenset(
    "a abbr address article aside b blockquote body br caption center cite code dd details dfn div dl dt em "
    "figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr html i img li main nav ol p pre q s "
    "section small span strong sub summary sup table tbody td tfoot th thead time tr u ul".split()
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
        etree.strip_elements(doc, "script", "style", "link", etree.Comment, etree.ProcessingInstruction,
                             with_tail=False)
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
                and not elem.xpath("descendant-or-self::main | descendant-or-self::article | descendant-or-self::math"
                                    " | descendant-or-self::*[starts-with(@lang, 'x-tex')]")
                and not _is_article_header(elem)
            ):
                if total is None:
                    total = _text_length(body if body is not None else self.html)
                if _text_length(elem) > total * _UNLIKELY_MAX_SHARE and not _in_not_article(elem):
                    continue
                elem.drop_tree()

    def select_best_candidate(self, candidates):
        best = super().select_best_candidate(candidates)
        if best is None:
            return best
        best = _prefer_main_container(self.html, candidates, best)
        best = _prefer_outside_boxes(candidates, best)
        best = _table_as_part(candidates, best)
        best = _prefer_prose_to_cards(candidates, best)
        best_is_prose = _card_of(best["elem"]) is None
        # As Readability.js: when at least three other top candidates scoring near
        # the best share an ancestor with it, the article is that ancestor (a post
        # split into <section>s, a body in several boxes), not its first part.
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:5]
        near = [
            set(c["elem"].iterancestors())
            for c in ranked
            if c is not best and c["content_score"] >= 0.75 * best["content_score"]
            and (not best_is_prose or _card_of(c["elem"]) is None)
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
        for feature in (e.get("class"), e.get("id"), tag if "-" in tag or tag not in _KNOWN_TAGS else None):
            if feature and _NOT_ARTICLE.search(feature):
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
        figure = _lead_figure(best)
        if figure is not None:
            best.insert(0, figure)
        standfirst = _standfirst(best, self.get_link_density)
        if standfirst is not None:
            best.insert(0, standfirst)
        return super().get_article(candidates, best_candidate, html_partial=html_partial)


def _card_of(elem):
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
                length = _text_length(node)
                if length < 800 and (node.tag == "a" or node.find(".//a") is not None
                                     or any(a.tag == "a" for a in node.iterancestors())):
                    return node
                return None
        node = parent
    return None


def _prefer_outside_boxes(candidates, best):
    """The best candidate inside a modal, a consent notice or a newsletter box
    gives way to the best one outside such boxes, if that one scores at least
    _MAIN_SHARE of it (its own class may say "body" and score as article)."""
    if not _in_not_article(best["elem"]):
        return best
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:25]
    for c in ranked:
        if c["content_score"] < _MAIN_SHARE * best["content_score"]:
            break
        if c is not best and not _in_not_article(c["elem"]):
            return c
    return best


def _table_as_part(candidates, best):
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
    if _text_length(box) > 3 * _text_length(table):
        return best
    return candidates.get(box) or {"elem": box, "content_score": best["content_score"]}


def _first_class(el) -> str:
    classes = (el.get("class") or "").split()
    return classes[0] if classes else ""


# A block of prose outside any card wins over a teaser card when it scores at
# least this share of the card.
_CARD_SHARE = 0.4
_CARD_PROSE_MIN = 500  # characters: a hub page of cards has short blurbs between them too


def _prefer_prose_to_cards(candidates, best):
    if _card_of(best["elem"]) is None:
        return best
    ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)[:25]
    for c in ranked:
        if c["content_score"] < _CARD_SHARE * best["content_score"]:
            break
        if c is not best and _text_length(c["elem"]) >= _CARD_PROSE_MIN and _card_of(c["elem"]) is None:
            return c
    return best


def main_container(doc):
    """The page's own mark of where its article is: a single articleBody, <article>
    or <main> with text. None when the page has no such mark, or several."""
    for path in ('//*[@itemprop="articleBody"]', "//article", '//main | //*[@role="main"]'):
        found = [el for el in doc.xpath(path) if _text_length(el) >= _MAIN_MIN_TEXT]
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


def _prefer_main_container(doc, candidates, best):
    container = main_container(doc)
    if container is None:
        return best
    elem = best["elem"]
    if elem is container or container in elem.iterancestors() or elem in container.iterancestors():
        return best
    inside = [c for c in candidates.values() if c["elem"] is container or container in c["elem"].iterancestors()]
    if not inside:
        return best
    top = max(inside, key=lambda c: c["content_score"])
    return top if top["content_score"] >= _MAIN_SHARE * best["content_score"] else best


# An "unlikely" element (sidebar, menu...) holding more of the page's text than
# this is a layout wrapper around the article, and stays.
_UNLIKELY_MAX_SHARE = 0.4


# Boxes laid over or beside the page, never holding its article.
_OVERLAY = re.compile(
    r"(?:^|[\s_-])(?:modal|dialog|popup|overlay|consent|no-?consent|cookie\w*|gdpr|newsletter\w*|subscribe|"
    r"subscription|signup)(?:$|[\s_-])",
    re.I,
)


def _in_not_article(elem) -> bool:
    """elem or a box around it is a modal, a consent notice, a newsletter box..."""
    for el in (elem, *elem.iterancestors()):
        if el.tag in ("body", "html"):
            return False
        ident = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(ident) > 1 and _OVERLAY.search(ident):
            return True
    return False


def _text_length(elem) -> int:
    return len(" ".join((elem.text_content() or "").split()))


_STANDFIRST = re.compile(
    r"(?:^|[\s_-])(?:lead|lead-?text|intro|introduction|standfirst|abstract|summary|subtitle|sub-?title|"
    r"subline|deck|dek|teaser-?text|excerpt)(?:$|[\s_-])",
    re.I,
)


def _is_article_header(elem) -> bool:
    """A "header" box with the headline and a standfirst: the article's own header."""
    if elem.find(".//h1") is None:
        return False
    return any(_STANDFIRST.search(f"{el.get('class') or ''} {el.get('id') or ''}") and _text_length(el) >= 40
               for el in elem.iter("p", "div", "h2", "span"))


def _standfirst(best, link_density):
    """The standfirst (lead, intro, abstract) in the article's header, before the
    body container chosen: the article's first words."""
    region = next((a for a in list(best.iterancestors())[:4] if a.tag == "article"), None)
    if region is None:
        ancestors = list(best.iterancestors())
        region = ancestors[min(2, len(ancestors) - 1)] if ancestors else None
    if region is None or region.tag in ("body", "html"):
        return None
    for el in region.iter():
        if el is best:
            return None
        if not isinstance(el.tag, str) or el.tag not in ("p", "div", "h2", "h3", "section", "span"):
            continue
        ident = f"{el.get('class') or ''} {el.get('id') or ''}"
        marked = (len(ident) > 1 and _STANDFIRST.search(ident)) or el.get("itemprop") in ("description", "abstract")
        if not marked or el.find(".//h1") is not None:
            continue
        length = _text_length(el)
        if 40 <= length <= 600 and link_density(el) < 0.3:
            return el
    return None


def _lead_figure(best):
    """The figure with an image between an <article>'s headline and its body
    container, when the body was chosen without it (the story's lead image)."""
    article = next((a for a in list(best.iterancestors())[:3] if a.tag == "article"), None)
    if article is None:
        return None
    for el in article.iter():
        if el is best:
            return None
        if el.tag == "figure":
            if el.find(".//img") is None or len(_SPACES.sub(" ", el.text_content())) > 400:
                return None
            _drop_credits(el)
            return el
    return None


_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline|author", re.I)
_CREDIT_TEXT = re.compile(
    # applied to text with its spaces collapsed: no runs of spaces to backtrack over
    r" ?[(\[]?(?:©|\(c\)|(?:photo|foto|fotos|photos|bild|image|imagen|picture|credit|crédito|źródło|fot\.|quelle)"
    r"(?: credit)? ?:)[^()\[\]]{0,60}[)\]]? ?$",
    re.I,
)


def _drop_credits(figure) -> None:
    """A lead figure keeps its caption, not its photo credit ("Foto: AFP", "© Getty")."""
    for el in list(figure.iter()):
        if el is figure or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        ident = f"{el.get('class') or ''} {el.get('itemprop') or ''}"
        text = _SPACES.sub(" ", el.text_content()).strip()
        if el.tag != "img" and el.find(".//img") is None and (
            _CREDIT_CLASS.search(ident) or (text and _CREDIT_TEXT.fullmatch(text))
        ):
            _remove(el)
    for el in figure.iter("figcaption"):
        last = el[-1] if len(el) else None
        if last is not None and last.tail:
            last.tail = _CREDIT_TEXT.sub("", _SPACES.sub(" ", last.tail))
        elif last is None and el.text:
            el.text = _CREDIT_TEXT.sub("", _SPACES.sub(" ", el.text))


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
            if sib.tag in _HEADINGS or sib.find(".//h1") is not None or sib.tag in ("figure", "aside", "nav", "blockquote"):
                break
            paras = [sib] if sib.tag == "p" else list(sib.iter("p"))
            if not paras and len(_SPACES.sub(" ", sib.text_content()).strip()) > 0:
                break
            chunk = []
            for p in paras:
                text = _SPACES.sub(" ", p.text_content()).strip()
                if len(text) < 40 or link_density(p) > 0.2 or _FURNITURE_TEXT.match(text):
                    continue
                if any(a.tag in ("figure", "figcaption", "aside", "blockquote", "li") for a in p.iterancestors()
                       if a is not sib and sib in a.iterancestors()):
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
        if len(ident) > 1 and tag not in ("p", "span", "a", "li") and any(
            _COMMENTS.fullmatch(token) for token in ident.split()
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
            if tag in ("p", "div", "li") and len(text) < 300 and _TEASER_LEAD.match(text) and _link_share(el, text) > 0.5:
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
_SHORT_RAW = 1500  # characters of raw text (spaces included) of a block worth checking


def _drop_related_block(heading) -> None:
    """A "Related" / "More from ..." heading and the link list after it."""
    # Page builders wrap a heading in boxes of its own: the list follows the outermost.
    while True:
        parent = heading.getparent()
        if parent is None or parent.tag in ("body", "article", "main", "html") or \
                sum(1 for c in parent if isinstance(c.tag, str)) != 1 or (parent.text or "").strip():
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
    keep_big_containers(root)
    _drop_empty_rows(root)
    _drop_photo_credits(root)
    _drop_notices(root)
    return _inner(root)


# Short lines that are page furniture wherever they sit in the chosen text; removed
# after the choice, so that they never change which block is chosen.
_FOLLOW_US = re.compile(
    r"(?:follow|síguenos|siguenos|sígannos|folgen sie|folge uns|folgt uns|suivez|obserwuj|siga|seguici)\b.{0,120}"
    r"\b(?:twitter|facebook|instagram|telegram|linkedin|youtube|tiktok|whatsapp|threads|mastodon)\b.*",
    re.I | re.S,
)
_AD_LABEL = re.compile(r"\*?(?:anzeige|werbung|advertisement|sponsored|publicidad|reklama|publicité)\b\s*[-–:.,*]", re.I)
_TAG_LINE = re.compile(
    r"(?:tags|schlagwörter|schlagworte|stichwörter|themen|mehr themen|kategorien?|categories|category|etiquetas|"
    r"temas|mots-clés|tagi|kategorie)\s*:?(?:\s.{0,150})?",
    re.I | re.S,
)


def _drop_notices(root) -> None:
    for el in list(root.iter("p", "div", "li", "span", "strong", "em", "h2", "h3", "h4", "h5", "h6")):
        if el is root or el.getparent() is None:
            continue
        raw = el.text_content()
        if not raw or len(raw) > 600:
            continue
        text = _SPACES.sub(" ", raw).strip()
        if not text or len(text) > 200 or any(c.tag in _BLOCK for c in el.iter() if c is not el):
            continue
        if (_FOLLOW_US.fullmatch(text) or _AD_LABEL.match(text)
                or (_TAG_LINE.fullmatch(text) and (len(text) < 20 or _link_share(el, text) > 0.4))):
            _remove(el)


_CREDIT_ONLY = re.compile(
    r"[(\[]?\s*(?:©|\(c\)|copyright\b|(?:photo|photos|foto|fotos|bild|bilder|image|images|imagen|picture|"
    r"credit|credits|crédito|crédits?(?: photos?)?|źródło|fot\.|quelle|bildquelle|bildnachweis)(?:\s+credit)?\s*:)"
    r".{0,80}",
    re.I | re.S,
)
_CREDIT_START = re.compile(r"[(\[]?\s?(?:©|\(c\)|copyright|photo|foto|bild|image|imagen|picture|credit|crédit|źródło|fot\.|quelle)",
                           re.I)
_CREDIT_ELEMENT_CLASS = re.compile(r"credit|copyright|photographer|bildnachweis|(?:image|photo|img)-?source", re.I)


def _drop_photo_credits(root) -> None:
    """Photo credits ("Foto: dpa", "© Getty Images") are not the article's text."""
    for el in list(root.iter("span", "small", "p", "div", "figcaption", "cite", "em", "i", "footer")):
        if el is root or el.getparent() is None:
            continue
        raw = el.text_content()
        if not raw or len(raw) > 600:
            continue
        by_class = el.tag != "figcaption" and _CREDIT_ELEMENT_CLASS.search(el.get("class") or "")
        if not by_class and not _CREDIT_START.match(raw.lstrip()[:40]):
            continue
        text = _SPACES.sub(" ", raw).strip()
        if not text or len(text) > 150 or el.find(".//img") is not None:
            continue
        if _CREDIT_ONLY.fullmatch(text) or (
            el.tag != "figcaption" and len(text) <= 80 and _CREDIT_ELEMENT_CLASS.search(el.get("class") or "")
        ):
            _remove(el)
    for caption in root.iter("figcaption"):
        last = caption[-1] if len(caption) else None
        if last is not None and last.tail:
            last.tail = _CREDIT_TEXT.sub("", _SPACES.sub(" ", last.tail))
        elif last is None and caption.text:
            caption.text = _CREDIT_TEXT.sub("", _SPACES.sub(" ", caption.text))


# Containers the sanitizer removes with their content, or that are page furniture.
_CONTAINERS = ("nav", "aside", "header", "footer", "menu", "form")


def keep_big_containers(root) -> None:
    """A nav, aside, header, footer or form that holds most of the text is the page
    itself (broken markup left it open): make it a plain div, so it is never removed."""
    total = _text_length(root)
    if not total:
        return
    for el in list(root.iter(*_CONTAINERS)):
        if el is not root and _text_length(el) > total * 0.5:
            el.tag = "div"


def _drop_empty_rows(root) -> None:
    """Infobox rows with nothing in them; then tables left with no rows."""
    for tr in list(root.iter("tr")):
        if not (tr.text_content() or "").strip() and tr.find(".//img") is None:
            tr.drop_tree()
    for table in list(root.iter("table")):
        if table.find(".//tr") is None and not (table.text_content() or "").strip():
            table.drop_tree()


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
            if last.tail and not (last.tag in ("pre",)):
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
