"""Article metadata from a parsed page: JSON-LD, OpenGraph/Dublin Core/meta tags,
<title>, headings, byline elements, <time> elements, lang/dir.

Everything here reads the tree and never changes it, so the same parsed
document can then be handed to the body extractor. The choices follow
Mozilla Readability where it is good (metadata first, then the page), with
names-only bylines and site-name suffixes taken off titles.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from reader.core.importing.bylines import clean_byline, join_names

_SPACES = re.compile(r"\s+")

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
MAYBE_CANDIDATE = re.compile(r"and|article|body|column|content|main|shadow", re.I)
UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_TITLE_SEPARATORS = "|\\-–—\\\\/>»"
_SEP_RE = re.compile(rf"\s[{_TITLE_SEPARATORS}]\s")
_SUFFIX_RE = re.compile(r"^(?P<head>.+?)\s*(?:\s[|\-–—·•:»/]|\s?[|·•»]|\s\[)\s*(?P<tail>[^|\-–—·•»]+?)\]?\s*$")
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
    headings: list = field(default_factory=list, repr=False)


def read_metadata(root, url: str | None = None) -> PageMeta:
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


def _meta_values(root) -> dict:
    """Meta tag name -> content. The names Readability knows (og:title, dc:creator,
    author, ...) take the last tag that sets them, as Readability does; any other
    name takes the first."""
    values: dict = {}
    known: dict = {}
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


def meta_content(root, *names: str) -> str | None:
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


def canonical_url(root) -> str | None:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    url = meta_content(root, "og:url")
    return url if url and url.startswith(("http://", "https://")) else None


def _image_src_link(root) -> str | None:
    for link in root.iter("link"):
        if "image_src" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href")
    return None


# ---------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------


def json_ld(root) -> dict:
    """title, byline, excerpt, site, published, image, language of the page's
    schema.org Article (or NewsArticle, BlogPosting, ...), if it has one."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw).strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(raw.replace("\n", " ").replace("\t", " "), strict=False)
            except ValueError:
                continue
        article = _find_article(data)
        if article is not None:
            return _article_fields(article)
    return {}


def _types(obj) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t.rsplit("/", 1)[-1]]
    if isinstance(t, list):
        return [x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)]
    return []


def _find_article(data, depth: int = 0):
    if depth > 4:
        return None
    if isinstance(data, list):
        best = None
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


def _rank(obj) -> int:
    # A real article type beats a generic WebPage.
    return 1 if _types(obj) and all(t in ("WebPage", "Recipe") for t in _types(obj)) else 0


def _article_fields(obj: dict) -> dict:
    out: dict = {}
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


def _ld_people(value) -> str | None:
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


def _ld_url(value) -> str | None:
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
# Title
# ---------------------------------------------------------------------------


def choose_title(ld: dict, values: dict, doc_title: str, headings, site: str | None, url: str | None) -> str:
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


def article_title_from_page(doc_title: str, headings) -> str:
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


# ---------------------------------------------------------------------------
# Byline element
# ---------------------------------------------------------------------------


def is_hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _DISPLAY_NONE.search(style):
        return True
    if el.get("aria-hidden") == "true" and "fallback-image" not in (el.get("class") or ""):
        return True
    return False


def find_byline_element(root):
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
        if el is not start and len(match) > 1:
            if (
                _NOT_BYLINE_AREA.search(match)
                and not MAYBE_CANDIDATE.search(match)
                and tag not in ("a", "body")
                and not BYLINE_HINT.search(match)
            ) or el.get("role") in UNLIKELY_ROLES:
                continue
        rel = (el.get("rel") or "").lower()
        itemprop = (el.get("itemprop") or "").lower()
        if rel == "author" or "author" in itemprop or BYLINE_HINT.search(match):
            if not re.search(r"comment|avatar|photo|image|bio\b|about|social|share|follow|description", match, re.I):
                text = block_text(el).strip()
                if 0 < len(text) < 100:
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


_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul time".split()
)


def block_text(el) -> str:
    """Text with a newline at block boundaries (so a name and a date on separate
    lines stay apart), spaces elsewhere."""
    parts: list[str] = []

    def walk(e) -> None:
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


# ---------------------------------------------------------------------------
# Dates, language
# ---------------------------------------------------------------------------


def _time_element(root) -> str | None:
    best = None
    for el in root.iter("time"):
        value = el.get("datetime") or ""
        if not value.strip():
            continue
        if el.get("pubdate") is not None or "datePublished" in (el.get("itemprop") or ""):
            return value
        if best is None:
            best = value
    if best:
        return best
    for el in root.iterfind(".//*[@itemprop='datePublished']"):
        value = el.get("content") or el.get("datetime") or _text(el)
        if value:
            return value
    return None


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for the date forms pages use; None when it is not a date."""
    if not value:
        return None
    s = value.strip()
    if not s:
        return None
    if re.fullmatch(r"\d{10}(?:\d{3})?", s):  # Unix time (s or ms)
        try:
            ts = int(s[:10])
            return datetime.fromtimestamp(ts, tz=UTC).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) or re.fullmatch(r"\d{4}-\d{2}", s):
        return s
    # fromisoformat (3.11) reads "Z", "+0100", " +01:00" and any number of fractional
    # digits itself; only runs of spaces are not ISO.
    candidate = re.sub(r"\s+([+-]\d{2}:?\d{2})$", r" \1", s)
    candidate = re.sub(r"^(\d{4}-\d{2}-\d{2})\s+", r"\1T", candidate)
    try:
        dt = datetime.fromisoformat(candidate)
        return _iso(dt)
    except ValueError:
        pass
    try:
        dt = parsedate_to_datetime(s)
        if dt is not None:
            return _iso(dt)
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", s) or re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return m.group(0)
    return None


def _iso(dt: datetime) -> str:
    out = dt.isoformat()
    return out[:-6] + "Z" if out.endswith("+00:00") else out


def _first_date(*values) -> str | None:
    for value in values:
        iso = normalize_date(value) if isinstance(value, str) else None
        if iso:
            return iso
    return None


def _language(root, values: dict, ld: dict) -> tuple[str | None, str | None]:
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
        direction = direction or body.get("dir")
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


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def _text(el) -> str:
    if el is None:
        return ""
    return _SPACES.sub(" ", el.text_content() or "").strip()


def _first(*values):
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text.strip(), re.I))


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    import html as _html

    return _html.unescape(text)
