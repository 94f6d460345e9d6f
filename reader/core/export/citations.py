"""Citations of the articles: BibTeX (`@online`, biblatex) and CSL-JSON, both of
which Zotero (and Pandoc, citeproc) import.

One entry per article: title, authors, the site as organization /
container-title, url, the date published (`date` / `issued`), the date saved as
urldate / `accessed`, the language, and the article's note. Keys are stable
(author, year, first word of the title; `a`, `b`... when two articles share one),
and the output depends only on the articles.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, normal_date

_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
        "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_TEX_RE = re.compile(r"[\\{}&%$#_^~]")


def tex(text: str) -> str:
    """Text as a BibTeX field value: TeX's special characters escaped, one line."""
    text = " ".join(text.split())
    return _TEX_RE.sub(lambda m: _TEX[m.group()], text)


def authors(author: str | None) -> list[tuple[str, str]]:
    """(family, given) names from a byline: "A and B", "A, B & C", "Family, Given"."""
    if not author or not author.strip():
        return []
    text = re.sub(r"^\s*by\s+", "", author.strip(), flags=re.I)
    if ";" in text:
        parts = text.split(";")
    elif re.fullmatch(r"[^,]+,\s*[^,\s]+", text) and " and " not in text:
        parts = [text]  # "Family, Given"
    else:
        parts = re.split(r",|\s+and\s+|\s*&\s*", text)
    names = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if "," in part:
            family, given = (x.strip() for x in part.split(",", 1))
        else:
            words = part.split()
            family, given = words[-1], " ".join(words[:-1])
        names.append((family, given))
    return names


def _date_parts(value: datetime | str | None) -> list[int] | None:
    if isinstance(value, datetime):
        return [value.year, value.month, value.day]
    value = normal_date(value)
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if not match:
        return None
    return [int(x) for x in match.groups() if x]


def _iso_day(parts: list[int] | None) -> str | None:
    if not parts:
        return None
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]", "", text).lower()


def citation_keys(articles: Sequence[domain.Article]) -> dict[int, str]:
    keys: dict[int, str] = {}
    used: dict[str, int] = {}
    for article in sorted(articles, key=lambda a: a.id):
        names = authors(article.author)
        who = _ascii_word(names[0][0]) if names else _ascii_word(article.site or "") or "reader"
        year = (_date_parts(article.published) or _date_parts(article.added) or [0])[0]
        word = next((w for w in (_ascii_word(x) for x in article.title.split()) if len(w) > 3), "") or \
            next((w for w in (_ascii_word(x) for x in article.title.split()) if w), "")
        base = f"{who}{year or ''}{word}"[:40] or f"article{article.id}"
        n = used.get(base, 0)
        used[base] = n + 1
        keys[article.id] = base if n == 0 else base + _suffix(n)
    return keys


def _suffix(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return letters


def bibtex_entry(article: domain.Article, key: str) -> str:
    fields: list[tuple[str, str]] = [("title", tex(article.title))]
    names = authors(article.author)
    if names:
        # "Family, Given"; a one-word name (an organisation) in braces, so it is not split.
        fields.append(("author", " and ".join(tex(f"{f}, {g}") if g else "{" + tex(f) + "}" for f, g in names)))
    if article.site:
        fields.append(("organization", tex(article.site)))
    issued = _iso_day(_date_parts(article.published))
    if issued:
        fields.append(("date", issued))
    if article.url:
        # biblatex reads url verbatim; only braces (which would end the field) are encoded.
        fields.append(("url", article.url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")))
    fields.append(("urldate", _iso_day(_date_parts(article.added)) or ""))
    if article.language:
        fields.append(("langid", tex(article.language)))
    if article.note.strip():
        fields.append(("note", tex(article.note)))
    if article.tags:
        fields.append(("keywords", tex(", ".join(article.tags))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@online{{{key},\n{body}\n}}\n"


def csl_item(article: domain.Article, key: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": "webpage", "title": article.title}
    names = authors(article.author)
    if names:
        item["author"] = [{"family": f, "given": g} if g else {"family": f} for f, g in names]
    if article.site:
        item["container-title"] = article.site
    if article.url:
        item["URL"] = article.url
    issued = _date_parts(article.published)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    item["accessed"] = {"date-parts": [_date_parts(article.added)]}
    if article.language:
        item["language"] = article.language
    if article.excerpt:
        item["abstract"] = article.excerpt
    if article.note.strip():
        item["note"] = article.note
    if article.tags:
        item["keyword"] = ", ".join(article.tags)
    return item


class BibtexFormat:
    name: ClassVar[str] = "bibtex"
    suffix: ClassVar[str] = ".bib"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.options = options

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        keys = citation_keys(articles)
        return "\n".join(bibtex_entry(a, keys[a.id]) for a in sorted(articles, key=lambda a: a.id))


class CslJsonFormat:
    name: ClassVar[str] = "csl-json"
    suffix: ClassVar[str] = ".json"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.options = options

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        keys = citation_keys(articles)
        items = [csl_item(a, keys[a.id]) for a in sorted(articles, key=lambda a: a.id)]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def citation_text(article: domain.Article, fmt: str = "bibtex") -> str:
    """One article's citation as text, for "Copy Citation": BibTeX or CSL-JSON."""
    [key] = citation_keys([article]).values()
    if fmt == "bibtex":
        return bibtex_entry(article, key)
    if fmt == "csl-json":
        return json.dumps([csl_item(article, key)], ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"no citation format {fmt!r}; use bibtex or csl-json")
