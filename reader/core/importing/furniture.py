"""Page furniture removed before readability-lxml scores the page.

Share bars, newsletter boxes, "listen to this article" players, "read more"
teasers, related/recommended rails, readers' comments and author boxes go, so
that their links do not push the article's link density over readability's
limit and they never win over a short article. Embedded tweets lose the
"twitter" class that makes readability drop them, and the byline element found
by metadata.py leaves the body (it is metadata). Nothing inside <pre> or
<code> is removed for its class (highlight.js marks comments "hljs-comment").
"""

from __future__ import annotations

import functools
import re
from typing import cast

from lxml.html import HtmlElement

from reader.core.importing.metadata import UNLIKELY, PageMeta
from reader.core.importing.nodes import (
    HEADINGS,
    SPACES,
    CaselessPattern,
    Runs,
    collapse,
    in_big_run,
    link_share,
    remove,
    text_length,
)

# class/id of page widgets that are never article text
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharebar|share-?tools|social-?(?:share|links|media|bar|icons|buttons)|"
    r"news-?letter|subscribe|subscription|signup|sign-up|paywall|"
    r"listen|audio-?player|text-?to-?speech|tts|read-?more|readmore|more-?stories|"
    r"related\w*|recommend(?:ed|ations)?|you-?may-?like|also-?like|outbrain|taboola|"
    r"promo|ad-?slot|ad-?container|ad-?wrapper|advert|advertisement|dfp|sponsored|"
    r"print-?only|skip-?link|screen-?reader|sr-only|visually-?hidden|breadcrumbs?|"
    r"author[-_]*(?:bio|box|info|profile|card|details|description)|about[-_]*(?:the[-_]*)?author|post-?tags|tag-?list|comments?|edit-?section|"
    # WordPress themes' line under a post ("This entry was posted in ... Bookmark the
    # permalink.", "Der Beitrag wurde am ... veröffentlicht") and its rating plugin
    r"entry-?utility|postmetadata|post-?ratings|"
    # an affiliate or advertiser notice ("We may receive compensation...", "Affiliate Links")
    # ("disclosure" alone is also the name of an accordion's <details>: an FAQ's answers)
    r"disclaimer|affiliate|(?:affiliate|editorial|advertis\w*|sponsor\w*|ftc)-?disclosure|"
    # the post's tag list ("entry-tags", "c-sheet__tags", "tags-noticia")
    r"tags|"
    # the author box of WordPress's Simple Author Box plugin
    r"saboxplugin-?wrap|"
    # MediaWiki's notes over a section: "Main article: ...", "For other uses, see ..."
    r"hatnote)(?:$|[\s_-])",
    re.I,
)
# "What to read or watch next" boxes, whose names are unambiguous inside camelCase
# too ("upNextBottom"); looked for only in names with "next" or "coming" in them.
_NEXT_BOX = re.compile(r"up-?next|next-?(?:video|story|stories|post|posts|article)|coming-?up|watch-?next", re.I)
# The whole text of a small block that is page furniture.
FURNITURE_TEXT = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|skip advertisement|continue reading( the main story)?|"
    r"story continues below( advertisement)?|listen to (?:this|the) (?:article|story)(?:\W+\d+\s*min(?:utes?)?)?|"
    r"listen|play audio|read more|read more:?|more:|share|share this( article| story)?|copy link|"
    r"link copied|print|email|save|comment|comments|sign up|subscribe|follow us|like this|share this:?|"
    r"(?:sign up|subscribe) (?:for|to) (?:our|the) .{0,40}newsletter.*|"
    r"(?:image|photo|video)\s*(?:credit|source)?:?|open in app|"
    r"this article is more than \d+ (?:years?|months?) old|"
    r"\d+\s*min(?:ute)?s?\s*read|toggle caption|hide caption|enlarge this image|"
    r"you may also like|related( articles| stories| content| posts)?:?|recommended( for you)?|up next|next up|"
    r"most (?:read|popular|viewed)|more from .{0,40}|trending( now)?|"
    # placeholders of widgets and players that did not load when the page was saved
    r"(?:like|gefällt mir|j'aime|me gusta)?\s*(?:loading|wird geladen|chargement|cargando|ładowanie)|"
    r"media playback is unsupported on your device|(?:unfortunately,? )?this video is not available in your (?:region|country)|"
    r"your browser does not support (?:the )?(?:video|audio)(?: tag| element)?|"
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
    r"^(?:about the authors?|über (?:den|die) autor(?:in)?|zum autor|zur autorin|sobre el autor|"
    r"sobre la autora|à propos de l'auteur|l'auteur|o autorze|sull'autore|sobre o autor|"
    # the box's own one-word heading: "Author", "Autorin", "Autor:innen", "Autores"
    r"authors?|autor(?:in|en|innen|[:*_/]innen|es|a|as)?|auteur(?:e|s|es)?|autorzy)$",
    re.I,
)
# A paragraph that only points elsewhere: "READ MORE: <link>"
_TEASER_LEAD = re.compile(
    r"^\s*(?:read more|read also|also read|related|see also|more|watch|listen|recommended|"
    r"click here|lire aussi|à lire aussi|voir aussi|lesen sie (?:auch|mehr)|auch lesen|mehr zum thema|siehe auch|"
    r"leia também|leia mais|veja também|lee también|lea también|también lea|lea más|lea|ver también|leggi anche|"
    r"puedes ver|(?:le|te) puede interesar|vea también|mire|mira|lesen sie hier|zum weiterlesen|"
    r"czytaj (?:także|też|więcej)|zobacz (?:też|także)|dowiedz się więcej)\b\s*[:»>\-–|]",
    re.I,
)
_TEASER_BOXES = frozenset(("h2", "h3", "h4", "h5", "h6", "blockquote"))
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


def prepare_tree(root: HtmlElement, meta: PageMeta) -> None:
    body = root.find(".//body")
    if body is None:
        return
    byline_el = cast("HtmlElement | None", meta.byline_element)  # PageMeta holds it as an object
    if byline_el is not None and byline_el.getparent() is not None and byline_el is not body:
        remove(byline_el)
    _keep_tweets(body)
    strip_furniture(body)


def strip_furniture(body: HtmlElement) -> None:
    """Remove widgets, teasers and related rails from a page or fragment, in place."""
    # Code is never furniture: highlight.js marks comments "hljs-comment".
    code = {el for block in body.iter("pre", "code") for el in block.iter()}
    total = None
    runs: Runs = {}
    entries: set[HtmlElement] = set()
    for el in list(body.iter()):
        tag = el.tag
        if not isinstance(tag, str) or tag in _NEVER or el is body or el in code or el.getparent() is None:
            continue
        cls = el.get("class")
        ident = el.get("id")
        if cls or ident:
            widget, comments = _ident_kind(f"{cls or ''} {ident or ''}")
            if widget and _is_small(el) and not _inline_in_prose(el):
                parent = el.getparent()
                if total is None and len(parent) >= 3:  # (no run possible: no page measured)
                    total = text_length(body)
                # one of a run of entries that hold much of the page (a live "comment"ary)
                # stays, and what is inside it
                if total is not None and in_big_run(el, total * _RUN_SHARE, runs):
                    entries.add(el)
                elif entries and any(a in entries for a in el.iterancestors()):
                    pass
                else:
                    remove(el)
                    continue
            if comments and tag not in ("p", "span", "a", "li"):
                # Readers' comments, however long, unless they are most of the page.
                if total is None:
                    total = text_length(body)
                if text_length(el) < total * 0.5:
                    remove(el)
                    continue
        if tag in _TEXT_CHECKED:
            raw = el.text_content()
            # Only short blocks are checked; collapsing the spaces of every
            # container's text was most of this function's time.
            if len(raw) < _SHORT_RAW:
                # split/join: the same text as collapsing with a regex, three times faster
                text = " ".join(raw.split())
                if text:
                    if len(text) <= 80 and _FURNITURE_TEXT.match(text.strip(" .:…»›>")) and not _in_a_sentence(el):
                        if el.find(".//img") is None or tag in ("a", "button", "span"):
                            remove(el)
                            continue
                    if (
                        tag in ("p", "div", "li")
                        and len(text) < 300
                        and _TEASER_LEAD_TEXT.match(text)
                        and link_share(el, text) > 0.5
                    ):
                        remove(el)
                        continue
            if tag == "p" and _bold_line(el):
                _drop_titled_block(el)
        elif tag in _TEASER_BOXES or tag in HEADINGS:
            if tag in _TEASER_BOXES:
                # "MIRA: <a>another story</a>" set as a heading or a quote between paragraphs
                text = collapse(el.text_content())
                if len(text) < 300 and _TEASER_LEAD_TEXT.match(text) and link_share(el, text) > 0.5:
                    remove(el)
                    continue
            if tag in HEADINGS:
                _drop_titled_block(el)


_RUN_SHARE = 0.4  # of the page's text (scripts' included: body.text_content())


def _drop_titled_block(heading: HtmlElement) -> None:
    """A "Related" or "About the author" heading (or bold line) with what it titles."""
    text = collapse(heading.text_content()).strip(" :…»›?")
    if text and len(text) < 60 and _RELATED_HEADING_TEXT.match(text):
        _drop_related_block(heading)
    elif text and len(text) < 40 and _AUTHOR_HEADING_TEXT.match(text):
        _drop_author_block(heading)


_NEVER = frozenset(("html", "body", "main", "article"))  # furniture is inside these, never these
_TEXT_CHECKED = frozenset(("p", "div", "span", "a", "li", "button", "section", "aside", "figure", "strong", "b", "em"))


# The section of readers' comments (WordPress, Disqus and the like), by its class or id.
_COMMENTS = re.compile(
    r"comments?|comments?-(?:area|section|list|wrapper|container|block)|commentlist|comment-?list|"
    r"disqus_thread|respond|kommentare|comentarios|commentaires|komentarze",
    re.I,
)
_COMMENTS_HINT = re.compile(r"comment|respond|disqus|kommentar|comentario|komentarz", re.I)
_SHORT_RAW = 1500  # characters of raw text (spaces included) of a block worth checking


_NEITHER = (False, False)


def _inline_in_prose(el: HtmlElement) -> bool:
    """A phrase inside a sentence ("Keywords: <span class=tags>estimated tax</span> are...")
    is the sentence's, whatever its class says."""
    if el.tag not in _INLINE:
        return False
    parent = el.getparent()
    if parent is None or parent.tag not in _PROSE:
        return False
    around = (parent.text or "") + (el.tail or "") + "".join((s.tail or "") for s in el.itersiblings())
    return len(around.strip()) >= _PROSE_AROUND


_INLINE = frozenset(("span", "a", "em", "i", "strong", "b", "small", "mark", "abbr", "cite"))
_PROSE = frozenset(("p", "li", "blockquote", "dd", "td"))
_PROSE_AROUND = 20  # characters of the sentence around the phrase


@functools.lru_cache(maxsize=8192)
def _ident_kind(ident: str) -> tuple[bool, bool]:
    """(a widget's class/id, the comments section's): pages repeat a few class
    names over thousands of elements, and these patterns are slow to search."""
    widget = _WIDGET_IDENT.search(ident) or _next_box(ident)
    comments = _COMMENTS_HINT_IDENT.search(ident) and any(_COMMENTS.fullmatch(token) for token in ident.split())
    return widget, comments


def _next_box(ident: str) -> bool:
    # substring tests first: this runs for every element with a class
    return ("ext" in ident or "EXT" in ident or "oming" in ident) and _NEXT_BOX_IDENT.search(ident)


_WIDGET_IDENT = CaselessPattern(_WIDGET)
_FURNITURE_TEXT = CaselessPattern(FURNITURE_TEXT)
_TEASER_LEAD_TEXT = CaselessPattern(_TEASER_LEAD)
_RELATED_HEADING_TEXT = CaselessPattern(_RELATED_HEADING)
_AUTHOR_HEADING_TEXT = CaselessPattern(_AUTHOR_HEADING)
_NEXT_BOX_IDENT = CaselessPattern(_NEXT_BOX)
_COMMENTS_HINT_IDENT = CaselessPattern(_COMMENTS_HINT)


def _drop_related_block(heading: HtmlElement) -> None:
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
    if nxt is not None and nxt.tag in ("ul", "ol", "div", "section", "nav", "aside", "blockquote"):
        text = collapse(nxt.text_content())
        if text and link_share(nxt, text) > 0.5:
            remove(nxt)
            remove(heading)
            return
    parent = heading.getparent()
    if parent is not None and parent.tag not in ("body", "article", "main"):
        text = collapse(parent.text_content())
        if text and link_share(parent, text) > 0.5 and len(text) < 2000:
            remove(parent)


def _drop_author_block(heading: HtmlElement) -> None:
    """An "About the author" heading and the short bio right after it."""
    nxt = heading.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is not None and nxt.tag not in HEADINGS and text_length(nxt) < 800:
        remove(nxt)
    remove(heading)


_INLINE = frozenset(("a", "span", "strong", "b", "em"))
_BLOCKS = frozenset(("p", "li", "td", "dd", "blockquote", "div", "section", "article", "body"))


# class/id of a button drawn from a link or a box: "btn", "tcb-button-link", "banner__button"
_BUTTON = re.compile(r"(?:^|[\s_-])(?:btn|button)s?(?:$|[\s_-])", re.I)
_BUTTON_IDENT = CaselessPattern(_BUTTON)
_BUTTON_LABEL = 40  # characters: "Jetzt registrieren", "Weiter »", "Pin it"


def _a_button(el: HtmlElement) -> bool:
    """A button's short label ("Weiter »", "Jetzt registrieren", "Pinnen"), not
    a box of text that happens to carry such a class."""
    text = " ".join(el.text_content().split())
    return (
        len(text) <= _BUTTON_LABEL
        and len(text.split()) <= 4
        and not text.endswith((".", "!", "?"))
        and not any(True for _ in el.iterdescendants("p", "img", "h1", "h2", "h3", "h4", "h5", "h6", "li"))
        and not _in_a_sentence(el)
    )


def drop_buttons(root: HtmlElement) -> None:
    """Buttons drawn from links and boxes ("Weiter »", "Jetzt registrieren"): after
    the choice only, as a page's many buttons would change which block wins."""
    for el in list(root.iter("a", "span", "div", "p", "button")):
        if el is root or el.getparent() is None:
            continue
        cls, ident = el.get("class"), el.get("id")
        if (cls or ident) and _button_ident(f"{cls or ''} {ident or ''}") and _a_button(el):
            remove(el)


@functools.lru_cache(maxsize=4096)
def _button_ident(ident: str) -> bool:
    return _BUTTON_IDENT.search(ident)


def _in_a_sentence(el: HtmlElement) -> bool:
    """A label's words inside running text, not a button: "<a>Follow us</a> to stay
    up to date" (a sentence of a few words goes on after it, in its paragraph)."""
    node = el
    while node.tag in _INLINE:
        after = node.tail or ""
        following = node.getnext()
        if not after.strip() and following is not None and following.tag in _INLINE:
            after += following.text or ""  # "<a><b>Follow us</b></a><b> to stay ..."
        after = after.lstrip()
        if after[:1].isalpha():
            return len(after.split(None, 3)) > 3
        if after.strip() or (parent := node.getparent()) is None or parent.tag in _BLOCKS:
            return False
        node = parent
    return False


def _bold_line(p: HtmlElement) -> bool:
    """A paragraph that is one bold line: a heading set by hand ("<p><strong>Read also:")."""
    if len(p) != 1 or p[0].tag not in ("strong", "b") or (p.text or "").strip() or (p[0].tail or "").strip():
        return False
    return len(p[0]) == 0 or all(c.tag == "br" for c in p[0])


def _keep_tweets(body: HtmlElement) -> None:
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


def _is_small(el: HtmlElement) -> bool:
    """A widget, not a container that happens to carry such a class."""
    text = collapse(el.text_content())
    if len(text) < 200:
        return True
    if el.tag in ("ul", "ol"):
        # a list whose every item links elsewhere (the posts a "related" list names,
        # each with its excerpt), however long
        items = [li for li in el if li.tag == "li"]
        if items and all(li.find(".//a") is not None for li in items):
            return True
    long_paras = sum(1 for p in el.iter("p") if len(SPACES.sub(" ", p.text_content())) > 120)
    if long_paras >= 2:
        return False
    return link_share(el, text) > 0.5 or len(text) < 600
