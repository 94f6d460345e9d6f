"""An article's title: from JSON-LD, OpenGraph, <title> and headings, without the
site's name appended to it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from reader.core.importing.textbits import _SPACES, _first, _text, _unescape

_TITLE_SEPARATORS = "|\\-–—\\\\/>»"
_SEP_RE = re.compile(rf"\s[{_TITLE_SEPARATORS}]\s")
_SUFFIX_RE = re.compile(r"^(?P<head>.+?)\s*(?:\s[|\-–—·•:»/]|\s?[|·•»]|\s\[)\s*(?P<tail>[^|\-–—·•»]+?)\]?\s*$")


def choose_title(
    ld: dict[str, Any],
    values: dict[str, str],
    doc_title: str,
    headings: list[HtmlElement],
    site: str | None,
    url: str | None,
) -> str:
    h_texts = [_text(h) for h in headings]
    h1_texts = [_text(h) for h in headings if h.tag == "h1"]
    title = None
    name, headline = ld.get("name"), ld.get("headline")
    if name and headline and name != headline:
        # Some sites put their own name into "name": take the one like the page's title.
        reference = doc_title or (h_texts[0] if h_texts else "")
        name_ok = similarity(name, reference) > 0.75 or name in h_texts
        headline_ok = similarity(headline, reference) > 0.75 or headline in h_texts
        title = name if name_ok and not headline_ok else headline
    else:
        title = headline or (name if not ld.get("is_webpage") else None)
    title = _first(
        title,
        values.get("dc:title"),
        values.get("dcterm:title"),
        values.get("og:title"),
        values.get("weibo:article:title"),
        values.get("weibo:webpage:title"),
        values.get("title"),
        values.get("twitter:title"),
        values.get("parsely-title"),
    )
    if not title:
        title = article_title_from_page(doc_title, headings)
    title = _SPACES.sub(" ", _unescape(title or "")).strip()
    return strip_site_suffix(title, site, url, h1_texts)


def strip_site_suffix(title: str, site: str | None, url: str | None, h_texts: list[str]) -> str:
    """ "Headline - Site" -> "Headline" when the tail names the site, or the head is a heading."""
    if not title:
        return title
    for h in h_texts:
        # The headline shown on the page, with something appended: use the headline.
        if len(h) >= 15 and title != h and title.startswith(h) and _SEP_RE.match(title[len(h) :] + " "):
            return h
    sites = set()
    if site:
        sites.add(_site_key(site))
        sites.add(_site_key(site.split(" - ")[0]))
        sites.add(_site_key(site.split(" | ")[0]))
    if url:
        host = (urlsplit(url).hostname or "").lower()
        labels = [x for x in host.split(".") if x not in ("www", "m", "amp", "com", "org", "net", "co", "uk")]
        for label in labels:
            sites.add(_site_key(label))
    sites.discard("")
    for _ in range(2):
        m = _SUFFIX_RE.match(title)
        if not m:
            break
        head, tail = m.group("head").strip(), _site_key(m.group("tail"))
        if not tail or len(head.split()) < 2:
            break
        if any(tail == s or (len(tail) >= 3 and (s.startswith(tail) or tail.startswith(s))) for s in sites):
            title = head
        else:
            break
    return title


def _site_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", (text or "").lower().replace("the ", ""))


def article_title_from_page(doc_title: str, headings: list[HtmlElement]) -> str:
    """Readability's title heuristics over <title> and the page's headings."""
    cur = orig = (doc_title or "").strip()
    had_hierarchical = False

    def wc(s: str) -> int:
        return len(s.split())

    seps = list(_SEP_RE.finditer(orig))
    if seps:
        had_hierarchical = bool(re.search(r"\s[\\/>»]\s", orig))
        cur = orig[: seps[-1].start()]
        if wc(cur) < 3:
            cur = re.sub(rf"^[^{_TITLE_SEPARATORS}]*[{_TITLE_SEPARATORS}]", "", orig)
    elif ": " in cur:
        texts = {_text(h) for h in headings}
        if cur.strip() not in texts:
            cur = orig[orig.rfind(":") + 1 :]
            if wc(cur) < 3:
                cur = orig[orig.find(":") + 1 :]
            elif wc(orig[: orig.find(":")]) > 5:
                cur = orig
    elif len(cur) > 150 or len(cur) < 15:
        h1s = [h for h in headings if h.tag == "h1"]
        if len(h1s) == 1:
            cur = _text(h1s[0])
    cur = _SPACES.sub(" ", cur).strip()
    n = wc(cur)
    if n <= 4 and (not had_hierarchical or n != wc(re.sub(rf"[{_TITLE_SEPARATORS}]+", "", orig)) - 1):
        cur = orig
    return cur


def similarity(a: str, b: str) -> float:
    """Readability's text similarity: 1 - (share of b's words not in a)."""
    ta = {t for t in re.split(r"\W+", (a or "").lower()) if t}
    tb = [t for t in re.split(r"\W+", (b or "").lower()) if t]
    if not ta or not tb:
        return 0.0
    unique_b = [t for t in tb if t not in ta]
    distance = len(" ".join(unique_b)) / max(1, len(" ".join(tb)))
    return 1 - distance
