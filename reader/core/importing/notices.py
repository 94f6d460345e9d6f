"""Furniture inside the chosen text: photo credits, "follow us" lines, ad labels,
tag lines, access notices, empty table rows.

Removed after readability-lxml has chosen the article (finish.finish_body), so
that they never change which block is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from reader.core.importing.nodes import collapse, link_share, remove, text_length

_SPACES = re.compile(r"\s+")
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody thead tfoot tr td th ul caption".split()
)


CREDIT_TEXT = re.compile(
    # applied to text with its spaces collapsed: no runs of spaces to backtrack over
    r" ?[(\[]?(?:©|\(c\)|(?:photo|foto|fotos|photos|bild|image|imagen|picture|credit|crédito|źródło|fot\.|quelle)"
    r"(?: credit)? ?:)[^()\[\]]{0,60}[)\]]? ?$",
    re.I,
)


# Short lines that are page furniture wherever they sit in the chosen text; removed
# after the choice, so that they never change which block is chosen.
_FOLLOW_US = re.compile(
    r"(?:follow|síguenos|siguenos|sígannos|folgen sie|folge uns|folgt uns|suivez|obserwuj|siga|seguici)\b.{0,120}"
    r"\b(?:twitter|facebook|instagram|telegram|linkedin|youtube|tiktok|whatsapp|threads|mastodon)\b.*",
    re.I | re.S,
)
_AD_LABEL = re.compile(
    r"\*?(?:anzeige|werbung|advertisement|sponsored|publicidad|reklama|publicité)\b\s*[-–:.,*]", re.I
)
_TAG_LINE = re.compile(
    r"(?:tags|schlagwörter|schlagworte|stichwörter|themen|mehr themen|kategorien?|categories|category|etiquetas|"
    r"temas|mots-clés|tagi|kategorie)\s*:?(?:\s.{0,150})?",
    re.I | re.S,
)


# "To read the full story, please subscribe": an access notice, in the languages Reader meets most.
_PAYWALL_NOTICE = re.compile(
    r"(?=.*\b(?:subscri\w*|abonn\w*|abo\b|suscri\w*|log ?in|sign in|einloggen|anmelden|registrier\w*|"
    r"inicia sesión|connectez|zaloguj|prenumerat\w*))"
    r"(?=.{0,30}\b(?:to (?:view|read|continue|access)|if you(?:'|’)re seeing this|already (?:a )?subscriber|"
    r"first-time subscribers|sie müssen sich|um (?:den|diesen|weiter)|weiterlesen|para (?:ver|leer|seguir|continuar)|"
    r"pour (?:lire|voir|continuer)|aby (?:czytać|przeczytać)|per (?:leggere|continuare)))",
    re.I | re.S,
)


# A metered paywall's counter: "You have read 1 of 4 free articles this month".
_METER = re.compile(
    r"(?:you(?:'|’)ve read|you have read|vous avez lu|sie haben|du hast|has leído|ha leído|hai letto|"
    r"przeczytał\w*)\s+\d+\s+(?:of|des|de|von|di|z)\b.{0,40}\b(?:free|gratuit\w*|kostenlos\w*|gratis\w*|"
    r"gratuit[oa]s?|darmow\w*)\b.{0,60}",
    re.I | re.S,
)


_NOTICE_START = re.compile(
    r"\*?(?:you(?:'|’)ve read|you have read|vous avez lu|sie haben|du hast|has leído|ha leído|hai letto|przeczytał|"
    r"follow|síguenos|siguenos|sígannos|folgen|folge|folgt|suivez|obserwuj|siga|seguici|"
    r"anzeige|werbung|advertisement|sponsored|publicidad|reklama|publicité|"
    r"tags|schlagw|stichw|themen|mehr|kategor|categor|etiquetas|temas|mots|tagi)"
    r"|.{0,30}\b(?:to |if you|already|first|sie müssen|um |weiterlesen|para |pour |aby |per )",
    re.I | re.S,
)


def drop_notices(root: HtmlElement) -> None:
    for el in list(root.iter("p", "div", "li", "span", "strong", "em", "h2", "h3", "h4", "h5", "h6")):
        if el is root or el.getparent() is None:
            continue
        # a line, not a box of lines: looked at before its text is built
        if any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el):
            continue
        head = (el.text or "").lstrip()
        if head and not _NOTICE_START.match(head[:80]):
            continue  # every notice is recognised by its first words
        raw = el.text_content()
        if not raw or len(raw) > 600:
            continue
        text = collapse(raw)
        if not text or len(text) > 200 or any(c.tag in BLOCK_TAGS for c in el.iter() if c is not el):
            continue
        if (
            _FOLLOW_US.fullmatch(text)
            or _AD_LABEL.match(text)
            or _PAYWALL_NOTICE.match(text)
            or _METER.fullmatch(text)
            or (_TAG_LINE.fullmatch(text) and (len(text) < 20 or link_share(el, text) > 0.4))
        ):
            remove(el)


_CREDIT_ONLY = re.compile(
    r"[(\[]?\s*(?:(?:©|\(c\)|copyright\b|(?:photo|photos|foto|fotos|bild|bilder|image|images|imagen|picture|"
    r"credit|credits|crédito|crédits?(?: photos?)?|źródło|fot\.|quelle|bildquelle|bildnachweis|titelbild|beitragsbild|"
    r"image illustrative)(?:\s+credit)?\s*:).{0,80}"
    # "Photo by Jane Doe on Unsplash", "Bild via dpa": no sentence
    r"|(?:photo(?:graph)?|image|picture|foto|bild)\s+(?:by|via|von|par)\s.{0,80}(?<![.!?…]))",
    re.I | re.S,
)
_CREDIT_START = re.compile(
    r"[(\[]?\s?(?:©|\(c\)|copyright|photo|foto|bild|image|imagen|picture|credit|crédit|źródło|fot\.|quelle|"
    r"titelbild|beitragsbild)",
    re.I,
)
_CREDIT_ELEMENT_CLASS = re.compile(r"credit|copyright|photographer|bildnachweis|(?:image|photo|img)-?source", re.I)


def drop_photo_credits(root: HtmlElement) -> None:
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
        text = collapse(raw)
        if not text or len(text) > 150 or el.find(".//img") is not None:
            continue
        if _CREDIT_ONLY.fullmatch(text) or (
            el.tag != "figcaption" and len(text) <= 80 and _CREDIT_ELEMENT_CLASS.search(el.get("class") or "")
        ):
            remove(el)
    for caption in root.iter("figcaption"):
        last = caption[-1] if len(caption) else None
        if last is not None and last.tail:
            last.tail = CREDIT_TEXT.sub("", _SPACES.sub(" ", last.tail))
        elif last is None and caption.text:
            caption.text = CREDIT_TEXT.sub("", _SPACES.sub(" ", caption.text))


# Containers the sanitizer removes with their content, or that are page furniture.
_CONTAINERS = ("nav", "aside", "header", "footer", "menu", "form")


def keep_big_containers(root: HtmlElement) -> None:
    """A nav, aside, header, footer or form that holds most of the text is the page
    itself (broken markup left it open): make it a plain div, so it is never removed."""
    total = text_length(root)
    if not total:
        return
    for el in list(root.iter(*_CONTAINERS)):
        if el is not root and text_length(el) > total * 0.5:
            el.tag = "div"


def drop_empty_rows(root: HtmlElement) -> None:
    """Infobox rows with nothing in them; then tables left with no rows."""
    for tr in list(root.iter("tr")):
        if not (tr.text_content() or "").strip() and tr.find(".//img") is None:
            tr.drop_tree()
    for table in list(root.iter("table")):
        if table.find(".//tr") is None and not (table.text_content() or "").strip():
            table.drop_tree()


# The last lines of a chosen box, after its last paragraph, that are short and no
# sentence ("More about:", "Like this:", "Follow us on X", a tag list, a sign-up
# call) are furniture the box carried along: at most this many, each shorter than
# _TRAILING_SHORT characters, after a paragraph of _TRAILING_AFTER or more.
_TRAILING_MAX = 8
_TRAILING_SHORT = 60
_TRAILING_AFTER = 150
_TRAILING_LINK_MAX = 200
_TRAILING_LINK_SHARE = 0.9
_ADDRESS = re.compile(r"(?:https?://|www\.)\S", re.I)
# a sentence ends in a stop, or in a smiley or emoji where a writer signs off ("... Sonntag <3")
_SENTENCE_END = re.compile(r"(?:[.!?…。！？]|<3|[:;]-?[)D]|[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?)[\"'»“”’)]*$")
_NEVER_TRAILING = frozenset(("td", "th", "dt", "dd", "pre", "caption"))


def _lines_from_end(root: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """The blocks with no block inside them (lines) that hold text, from the last
    up, with their text: read lazily, so a caller stopping early reads only the tail."""
    has_block: set[HtmlElement] = set()
    for el in reversed(list(root.iter())):  # each element before its ancestors
        if not isinstance(el.tag, str):
            continue
        inner = any(c in has_block for c in el if isinstance(c.tag, str))
        if inner or (el.tag in BLOCK_TAGS and el is not root):
            has_block.add(el)
        if inner or el.tag not in BLOCK_TAGS or el is root:
            continue
        text = collapse(el.text_content())
        if text:
            yield el, text


def drop_trailing_lines(root: HtmlElement) -> None:
    # Read from the end, the lines until the last long paragraph: only the
    # tail's text is looked at.
    tail: list[HtmlElement] = []
    for el, text in _lines_from_end(root):
        if len(text) >= _TRAILING_AFTER:
            break  # the article's last paragraph
        # a line that is all link points elsewhere (another post's title), however long;
        # a line showing an address is what the text cites (a source, "sign here: http://...")
        linked = (
            len(text) <= _TRAILING_LINK_MAX
            and not _ADDRESS.search(text)
            and _away_share(el, text) >= _TRAILING_LINK_SHARE
        )
        if (
            len(tail) == _TRAILING_MAX
            or (not linked and (len(text) >= _TRAILING_SHORT or _SENTENCE_END.search(text)))
            or el.tag in _NEVER_TRAILING
            or el.find(".//img") is not None
            or el.find(".//code") is not None  # code is the article's own, never furniture
        ):
            return
        tail.append(el)
    else:
        return  # no long paragraph: nothing to measure the tail against
    for el in tail:
        remove(el)


# Sentences after the article's last paragraph that speak about the page, not the
# story: copyright and reprint notices, licences, affiliate disclosures, blog
# filing lines, disclaimers...
_END_NOTICE = re.compile(
    r"(?-i:©\s*(?:\d{4}|[A-Z]))|\(c\)\s*\d{4}|all rights reserved|alle rechte vorbehalten|todos los derechos reservados|"
    r"tous droits réservés|wszelkie prawa zastrzeżone|tutti i diritti riservati|copyrighted property|"
    r"\b(?:written )?permission\b.{0,60}\b(?:reprint|reproduc|republish|obtained)|"
    r"\blicen[cs]ed under\b|\bunder (?:a|the) creative commons\b|creative commons|\bcc[ -]by\b|"
    r"(?:unter|under) (?:der|einer|the|a) .{0,40}\blizenz|\bpublicado bajo (?:la )?licencia\b|"
    r"affiliate[- ]?links?|advertising disclosure|we may (?:receive|earn) (?:a )?(?:small )?(?:commission|compensation)|"
    r"\b(?:werbe-?link|partner-?link)s?\b|enthält .{0,40}links|links zu anbietern|"
    r"this entry was posted|bookmark the permalink|\bfiled under\b|\bposted in\b.{0,80}\btagged\b|"
    r"abgelegt unter|veröffentlicht und wurde unter|"
    r"is not responsible for|opinions expressed|do not necessarily reflect|übernimm\w* keine (?:haftung|gewähr)|"
    # what is left of the comment form and count under a post
    r"^\d+\s+(?:comments?|kommentare?|comentarios?|commentaires?|komentarz\w*)$|"
    r"\b(?:logged|log|sign(?:ed)?) in to (?:post|leave|write) a comment|\bcomments are closed|"
    r"kommentar zu (?:hinterlassen|schreiben|verfassen)|kommentare sind geschlossen|nicht eingeloggt|"
    r"para (?:comentar|dejar un comentario)|pour (?:commenter|laisser un commentaire)",
    re.I,
)
# ... and calls to subscribe, follow, download the app or donate: words a story's
# own last sentence may hold too ("...will donate the proceeds"), so such a block
# goes only when it links somewhere or is set apart in emphasis.
_END_CALL = re.compile(
    r"\bcopyright(?:ed)?\b|\breprint(?:ing)?\b|\blizen[sz](?:iert)?\b|\baffiliate\b|\bprovisions?\b|"
    r"\bsubscribe (?:now |today )?(?:to|for)\b|\bsign up (?:here|now|for|to|today)\b|newsletter\b|"
    r"download (?:the|our) .{0,40}\bapps?\b|"
    r"\bsupport(?:ing)? (?:our|us|independent)\b|\bdonate\b|"
    r"\bunterstütze\w* (?:uns|unsere|unser)\b|\babonniere\w*\b|\bsuscr[ií]b\w*|\bsubskrypcj\w*|"
    r"(?:canal|channel|kanal) (?:de |on |auf )?(?:telegram|whatsapp|youtube)|\b(?:únete|join us on)\b",
    re.I,
)
_END_NOTICE_MAX = 4  # blocks at most
_END_NOTICE_CHARS = 300  # a notice is short; a paragraph of the story that mentions a newsletter is not
_END_NOTICE_BEFORE = 800  # characters of article text that must come before the notices


def drop_trailing_notices(root: HtmlElement) -> None:
    """The article's last blocks that are notices about the page (see _END_NOTICE)."""
    tail: list[HtmlElement] = []
    for el, text in _lines_from_end(root):
        if (
            len(tail) == _END_NOTICE_MAX
            or len(text) > _END_NOTICE_CHARS
            or el.tag in _NEVER_TRAILING
            or el.find(".//img") is not None
            or el.find(".//code") is not None
            or not (
                _END_NOTICE.search(text)
                or (_END_CALL.search(text) and _set_apart(el, text))
                or (_APP_CALL.search(text) and _called_out(el, text))
            )
        ):
            break
        tail.append(el)
    if not tail:
        return
    kept = text_length(root) - sum(text_length(el) for el in tail)
    if kept < _END_NOTICE_BEFORE:
        return
    for el in tail:
        remove(el)


def _away_share(el: HtmlElement, text: str) -> float:
    """The share of el's text in links to another page (not "#", not a script's popup)."""
    away = 0
    for a in el.iter("a"):
        href = (a.get("href") or "").strip().lower()
        if href and not href.startswith(("#", "javascript:")):
            away += len(collapse(a.text_content()))
    return away / len(text) if text else 0.0


# "Get our app for iOS and Android": a story's own last sentence may say as much ("...the
# beta app for Android and iOS this week, the foundation said"), so it goes only as a link
# or in emphasis, not for holding one.
_APP_CALL = re.compile(
    r"\bapps?\b.{0,60}\b(?:ios|android|app store|google play|smartphone|handy)\b|"
    r"\b(?:ios|android|phone|smartphone|handy|móvil|celular|téléphone|telefon)\b.{0,60}\bapps?\b",
    re.I,
)


def _called_out(el: HtmlElement, text: str) -> bool:
    """Mostly a link away, or all in emphasis."""
    return _away_share(el, text) >= 0.5 or _emphasis(el) >= 0.9 * len(text)


def _emphasis(el: HtmlElement) -> int:
    return sum(len(collapse(e.text_content())) for e in el if e.tag in _EMPHASIS)


def _set_apart(el: HtmlElement, text: str) -> bool:
    """A block that links somewhere, or is all in emphasis: a call, not the story's prose."""
    if el.find(".//a") is not None:
        return True
    return _emphasis(el) >= 0.9 * len(text)


_EMPHASIS = frozenset(("em", "i", "strong", "b", "small"))


# "An dieser Stelle findet Ihr einen externen Inhalt von Instagram ... Ich bin damit
# einverstanden": what a consent tool leaves in place of an embed the page did not load.
_EXTERNAL_CONTENT = re.compile(
    r"extern\w*\s+(?:inhalt|inhalte|content|medien|media|dienst)|third[- ]party|drittanbieter|drittplattform|"
    r"contenido externo|contenus? externes?|treści? zewnętrzn",
    re.I,
)
_CONSENT = re.compile(
    r"einverstanden|zustimm|akzeptier|einwillig|consent|accept|agree|aceptar|consentimiento|accepter|"
    r"consentement|zgod[aęy]",
    re.I,
)
_EXTERNAL_WORDS = ("extern", "third", "dritt", "contenido", "contenu", "zewnętrzn")  # in every _EXTERNAL_CONTENT match
_CONSENT_BOX = 700  # characters: the notice with its heading, never a paragraph of the story around it


def drop_consent_boxes(root: HtmlElement, markup: str) -> None:
    """The placeholder of an embed shown only after consent is not the article's text.
    `markup`: root's HTML, where a few substring tests rule out most pages."""
    lowered = markup.lower()
    if not any(word in lowered for word in _EXTERNAL_WORDS):
        return
    total = text_length(root)
    for el in list(root.iter("p", "div")):
        if el.getparent() is None or el is root:
            continue
        text = collapse(el.text_content())
        if not text or len(text) > _CONSENT_BOX or not _EXTERNAL_CONTENT.search(text) or not _CONSENT.search(text):
            continue
        box = el
        while (parent := box.getparent()) is not None and parent is not root:
            if text_length(parent) > _CONSENT_BOX or text_length(parent) * 2 > total:
                break
            box = parent
        remove(box)


def drop_link_sections(root: HtmlElement, page_url: str | None) -> None:
    """A short heading over nothing but links to other pages of the same site ("Weiterlesen:",
    "Auch auf example.com", "Redaktionstipp", a bold "Read more:" line) is the site's
    "read more" list set inside the article: the heading goes with its links. Links to
    other sites stay (an article's sources and references)."""
    host = _host(page_url)
    if host is None:
        return
    for heading in list(root.iter(*_SECTION_HEADINGS)):
        if heading.getparent() is None or not _a_heading(heading):
            continue
        section: list[HtmlElement] = []
        for sib in heading.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if _a_heading(sib) or len(section) == _LINK_SECTION_MAX:
                break
            section.append(sib)
        if len(section) == _LINK_SECTION_MAX:
            continue  # a long run of links is the article's own list, not a teaser box
        # Two links at least: a heading over one link is a step of the article ("Step 1" /
        # "Update the app"), a list of the site's pages is a teaser box.
        if section and all(_same_site_links(el, host) for el in section) and _links(section) >= 2:
            for el in (heading, *section):
                remove(el)


def _links(section: list[HtmlElement]) -> int:
    return sum(1 for el in section for _a in el.iter("a"))


_SECTION_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p")
_LINK_SECTION_MAX = 6  # blocks after the heading
_HEADING_MAX = 80  # characters


def _a_heading(el: HtmlElement) -> bool:
    """A heading, or a paragraph that is one bold line (a heading set by hand), with no link."""
    if el.tag == "p":
        if len(el) != 1 or el[0].tag not in ("strong", "b") or (el.text or "").strip() or (el[0].tail or "").strip():
            return False
    elif el.tag not in _SECTION_HEADINGS:
        return False
    if el.find(".//a") is not None:
        return False
    text = collapse(el.text_content())
    return 0 < len(text) <= _HEADING_MAX


def _same_site_links(el: HtmlElement, host: str) -> bool:
    """el is all links (besides separators) and they lead to other pages of the site at `host`."""
    if el.tag not in ("p", "ul", "ol", "div") or el.find(".//img") is not None:
        return False
    text = collapse(el.text_content())
    if not text:
        return False
    linked = 0
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            return False
        target = _host(href)
        if target is not None and target != host:
            return False  # another site: a source
        linked += len(collapse(a.text_content()))
    return linked >= _LINKED_SHARE * len(text)


_LINKED_SHARE = 0.9


def _host(url: str | None) -> str | None:
    """The host of an absolute web address, without "www." (None for a relative one)."""
    if not url:
        return None
    found = _HOST.match(url.strip())
    return found.group(1).lower().removeprefix("www.") if found else None


_HOST = re.compile(r"(?:https?:)?//([^/?#:\s]+)", re.I)
