"""Article metadata from a parsed page: JSON-LD, OpenGraph/Dublin Core/meta tags,
<title>, headings, byline elements, <time> elements, lang/dir.

Everything here reads the tree and never changes it, so the same parsed
document can then be handed to the body extractor. The choices follow
Mozilla Readability where it is good (metadata first, then the page), with
names-only bylines and site-name suffixes taken off titles.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from reader.core.importing.bylines import clean_byline, join_names
from reader.core.importing.nodes import CaselessPattern
from reader.core.importing.published import _first_date, _time_element
from reader.core.importing.textbits import _SPACES, _first, _looks_like_url, _text
from reader.core.importing.titles import choose_title

# <meta property="..."> may hold several space-separated names.
_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*", re.I
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.I,
)
_ARTICLE_TYPES = re.compile(
    r"^(?:Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|"
    r"SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|"
    r"LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference|WebPage|Recipe)$"
)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$", re.I)

BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
    r"supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.I,
)
# Page furniture where a "byline" is someone else's (comments, teasers, menus).
_NOT_BYLINE_AREA = re.compile(
    r"-ad-|banner|breadcrumbs|combx|comment|community|disqus|footer|gdpr|menu|related|remark|replies|rss|"
    r"shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|"
    r"promo|teaser|recommend|more-stories|widget|newsletter",
    re.I,
)
# A news dateline that opens the story ("KOBE –", "WASHINGTON (AP) —"): its first
# words, not a byline, though pages mark it "dateline" as they mark bylines.
_PLACE_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'’/-]{1,40}(?:\([^)]{1,20}\))?\s*[—–-]$")
MAYBE_CANDIDATE = re.compile(r"and|article|body|column|content|main|shadow", re.I)
UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
RTL_LANGUAGES = frozenset("ar arc ckb dv fa ha he iw khw ks ku ps sd ur yi".split())


@dataclass
class PageMeta:
    title: str = ""
    byline: str | None = None
    site: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    direction: str | None = None
    excerpt: str | None = None
    lead_image: str | None = None
    # Elements of the page the body cleanup uses (never serialized).
    byline_element: object | None = field(default=None, repr=False)
    headings: list[HtmlElement] = field(default_factory=list, repr=False)


def read_metadata(root: HtmlElement, url: str | None = None) -> PageMeta:
    """Read the metadata of a parsed document (lxml.html root) without changing it."""
    values = _meta_values(root)
    ld = json_ld(root)
    url = canonical_url(root) or url
    meta = PageMeta(url=url)

    title_el = root.find(".//title")
    doc_title = _text(title_el) if title_el is not None else ""
    headings = [h for h in root.iter("h1", "h2")]
    meta.headings = headings

    meta.site = _first(
        ld.get("site"),
        values.get("og:site_name"),
        values.get("application-name"),
        values.get("apple-mobile-web-app-title"),
    )
    meta.title = choose_title(ld, values, doc_title, headings, meta.site, url)

    # Byline: structured data first, then the page's byline element.
    byline_el, byline_text = find_byline_element(root)
    meta.byline_element = byline_el
    article_author = values.get("article:author")
    if article_author and _looks_like_url(article_author):
        article_author = None
    for candidate in (
        ld.get("byline"),
        values.get("dc:creator"),
        values.get("dcterm:creator"),
        values.get("author"),
        values.get("parsely-author"),
        article_author,
        values.get("article:author_name"),
        values.get("sailthru.author"),
        byline_text,
    ):
        cleaned = clean_byline(candidate) if candidate else None
        if cleaned:
            meta.byline = cleaned
            break

    meta.published = _first_date(
        ld.get("published"),
        values.get("article:published_time"),
        values.get("og:published_time"),
        values.get("parsely-pub-date"),
        values.get("dc:date:issued"),
        values.get("dcterm:issued"),
        values.get("dc:date"),
        values.get("date"),
        values.get("pubdate"),
        values.get("publishdate"),
        values.get("sailthru.date"),
        values.get("article.published"),
        values.get("datepublished"),
        _time_element(root),
    )
    lang, direction = _language(root, values, ld)
    meta.language, meta.direction = lang, direction
    excerpt = _first(
        ld.get("excerpt"),
        values.get("dc:description"),
        values.get("dcterm:description"),
        values.get("og:description"),
        values.get("description"),
        values.get("twitter:description"),
    )
    meta.excerpt = _SPACES.sub(" ", excerpt).strip() if excerpt else None
    image = _first(
        values.get("og:image:secure_url"),
        values.get("og:image:url"),
        values.get("og:image"),
        values.get("twitter:image"),
        values.get("twitter:image:src"),
        ld.get("image"),
        _image_src_link(root),
    )
    if image:
        image = image.strip()
        if url and not image.startswith(("http://", "https://", "data:")):
            image = urljoin(url, image)
        meta.lead_image = image if image.startswith(("http://", "https://")) else None
    return meta


# ---------------------------------------------------------------------------
# meta tags
# ---------------------------------------------------------------------------


def _meta_values(root: HtmlElement) -> dict[str, str]:
    """Meta tag name -> content. The names Readability knows (og:title, dc:creator,
    author, ...) take the last tag that sets them, as Readability does; any other
    name takes the first."""
    values: dict[str, str] = {}
    known: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        prop = meta.get("property") or ""
        matched = False
        if prop:
            m = _PROPERTY.search(prop)
            if m:
                known[_SPACES.sub("", m.group(0)).lower()] = content
                matched = True
            for p in prop.split():
                values.setdefault(p.lower(), content)
        name = (meta.get("name") or "").strip()
        if name and not matched and _NAME.match(name):
            known[_SPACES.sub("", name).lower().replace(".", ":")] = content
        other = name or meta.get("itemprop") or meta.get("http-equiv") or ""
        if other:
            values.setdefault(_SPACES.sub("", other).lower(), content)
    values.update(known)
    return values


def meta_content(root: HtmlElement, *names: str) -> str | None:
    """The first non-empty <meta property|name=...> content among `names`."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key in wanted and value and key not in found:
            found[key] = value
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return None


def canonical_url(root: HtmlElement) -> str | None:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    url = meta_content(root, "og:url")
    return url if url and url.startswith(("http://", "https://")) else None


def _image_src_link(root: HtmlElement) -> str | None:
    for link in root.iter("link"):
        href: str | None = link.get("href")
        if "image_src" in (link.get("rel") or "").lower().split() and href:
            return href
    return None


# ---------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------


def json_ld(root: HtmlElement) -> dict[str, Any]:
    """title, byline, excerpt, site, published, image, language of the page's
    schema.org Article (or NewsArticle, BlogPosting, ...), if it has one."""
    for data in ld_documents(root):
        article = _find_article(data)
        if article is not None:
            return _article_fields(article)
    return {}


def ld_documents(root: HtmlElement, containing: str = "") -> Iterator[object]:
    """The page's JSON-LD blocks, parsed (those whose source holds `containing`)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if containing not in raw:
            continue
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw).strip()
        if not raw:
            continue
        try:
            yield json.loads(raw)
        except ValueError:
            try:
                yield json.loads(raw.replace("\n", " ").replace("\t", " "), strict=False)
            except ValueError:
                continue


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t.rsplit("/", 1)[-1]]
    if isinstance(t, list):
        return [x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)]
    return []


def _find_article(data: object, depth: int = 0) -> dict[str, Any] | None:
    if depth > 4:
        return None
    if isinstance(data, list):
        best: dict[str, Any] | None = None
        for item in data:
            found = _find_article(item, depth + 1)
            if found is not None and (best is None or _rank(found) < _rank(best)):
                best = found
        return best
    if not isinstance(data, dict):
        return None
    if any(_ARTICLE_TYPES.match(t) for t in _types(data)):
        return data
    graph = data.get("@graph")
    if isinstance(graph, list):
        return _find_article(graph, depth + 1)
    main = data.get("mainEntity")
    if isinstance(main, dict):
        return _find_article(main, depth + 1)
    return None


def _rank(obj: dict[str, Any]) -> int:
    # A real article type beats a generic WebPage.
    return 1 if _types(obj) and all(t in ("WebPage", "Recipe") for t in _types(obj)) else 0


def _article_fields(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name, headline = obj.get("name"), obj.get("headline")
    out["name"] = name.strip() if isinstance(name, str) and name.strip() else None
    out["headline"] = headline.strip() if isinstance(headline, str) and headline.strip() else None
    out["byline"] = _ld_people(obj.get("author")) or _ld_people(obj.get("creator"))
    desc = obj.get("description")
    out["excerpt"] = desc.strip() if isinstance(desc, str) and desc.strip() else None
    publisher = obj.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        out["site"] = publisher["name"].strip() or None
    for key in ("datePublished", "dateCreated", "uploadDate"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            out["published"] = obj[key].strip()
            break
    out["image"] = _ld_url(obj.get("image")) or _ld_url(obj.get("thumbnailUrl"))
    lang = obj.get("inLanguage")
    if isinstance(lang, dict):
        lang = lang.get("name") or lang.get("alternateName")
    out["language"] = lang.strip() if isinstance(lang, str) and lang.strip() else None
    out["is_webpage"] = _rank(obj) == 1
    return out


def _ld_people(value: object) -> str | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            if not _looks_like_url(item.strip()):
                names.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if isinstance(name, str) and name.strip():
                names.append(name)
    return join_names(names)


def _ld_url(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = _ld_url(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return _ld_url(value.get("url") or value.get("contentUrl"))
    return None


# ---------------------------------------------------------------------------
# Byline element
# ---------------------------------------------------------------------------


def is_hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _DISPLAY_NONE.search(style):
        return True
    if el.get("aria-hidden") == "true" and "fallback-image" not in (el.get("class") or ""):
        return True
    return False


def find_byline_element(root: HtmlElement) -> tuple[HtmlElement | None, str | None]:
    """The first visible element marked as the byline (rel=author, itemprop=author,
    a byline/author class), outside page furniture. Returns (element, raw text)."""
    body = root.find(".//body")
    start = body if body is not None else root
    stack = [start]
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in (
            "script",
            "style",
            "noscript",
            "template",
            "head",
            "svg",
            "form",
            "nav",
            "footer",
            "button",
            "input",
            "select",
            "textarea",
        ):
            continue
        if is_hidden(el):
            continue
        cls = el.get("class") or ""
        ident = el.get("id") or ""
        match = f"{cls} {ident}"
        not_area, hint = _byline_ident(match) if len(match) > 1 else (False, False)
        if el is not start and len(match) > 1:
            if (not_area and tag not in ("a", "body")) or el.get("role") in UNLIKELY_ROLES:
                continue
        rel = (el.get("rel") or "").lower()
        itemprop = (el.get("itemprop") or "").lower()
        if rel == "author" or "author" in itemprop or hint:
            if not re.search(r"comment|avatar|photo|image|bio\b|about|social|share|follow|description", match, re.I):
                text = block_text(el).strip()
                if 0 < len(text) < 100 and not _PLACE_DATELINE.match(text):
                    name_el = next(
                        (
                            d
                            for d in el.iterdescendants()
                            if isinstance(d.tag, str) and "name" in (d.get("itemprop") or "").lower() and _text(d)
                        ),
                        None,
                    )
                    raw = block_text(name_el) if name_el is not None else text
                    if clean_byline(raw):
                        return el, raw
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))
    return None, None


@functools.lru_cache(maxsize=8192)
def _byline_ident(match: str) -> tuple[bool, bool]:
    """(furniture that holds no byline, a byline's class/id) for a class and id:
    once per distinct pair, which pages repeat over thousands of elements."""
    hint = _BYLINE_HINT_IDENT.search(match)
    not_area = _NOT_BYLINE_AREA_IDENT.search(match) and not _MAYBE_CANDIDATE_IDENT.search(match) and not hint
    return not_area, hint


_BYLINE_HINT_IDENT = CaselessPattern(BYLINE_HINT)
_NOT_BYLINE_AREA_IDENT = CaselessPattern(_NOT_BYLINE_AREA)
_MAYBE_CANDIDATE_IDENT = CaselessPattern(MAYBE_CANDIDATE)


_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul time".split()
)


def block_text(el: HtmlElement) -> str:
    """Text with a newline at block boundaries (so a name and a date on separate
    lines stay apart), spaces elsewhere."""
    parts: list[str] = []

    def walk(e: HtmlElement) -> None:
        if not isinstance(e.tag, str):
            if e.tail:
                parts.append(e.tail)
            return
        if e.tag in ("script", "style", "noscript", "template", "svg"):
            if e.tail:
                parts.append(e.tail)
            return
        block = e.tag in _BLOCKS
        if block:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if block:
            parts.append("\n")
        if e.tail:
            parts.append(e.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
    lines = (_SPACES.sub(" ", ln).strip() for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _language(root: HtmlElement, values: dict[str, str], ld: dict[str, Any]) -> tuple[str | None, str | None]:
    html_el = root if root.tag == "html" else root.find(".//html")
    lang = direction = None
    if html_el is not None:
        lang = (
            html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang") or html_el.get("xml:lang")
        )
        direction = html_el.get("dir")
    body = root.find(".//body")
    if body is not None:
        lang = lang or body.get("lang")
        if (body.get("dir") or "").strip().lower() in ("ltr", "rtl"):
            direction = body.get("dir")  # the nearer one, as a browser inherits it
    lang = _first(
        lang,
        values.get("content-language"),
        values.get("language"),
        values.get("dc:language"),
        values.get("og:locale"),
        ld.get("language"),
    )
    if lang:
        lang = lang.split(",")[0].strip().replace("_", "-")
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", lang):
            lang = None
    direction = (direction or "").strip().lower()
    if direction not in ("ltr", "rtl"):
        direction = None
    if direction is None and lang:
        direction = "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    return lang, direction
