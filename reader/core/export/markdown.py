"""Markdown notes (Obsidian/Logseq-ready): YAML front matter, then highlights.

Rendered with a Jinja2 template: the default ships as
reader/core/export/templates/article.md.j2 (`reader export --show-template`
prints it). The template is compiled once per export, not once per article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import ClassVar

import jinja2

from reader.core import domain
from reader.core.export.common import ExportOptions, color_name, iso, reading_order

DEFAULT_TEMPLATE = "article.md.j2"
_TAG_UNSAFE = re.compile(r"[^\w/-]+")


# Characters YAML does not allow raw (PyYAML's reader check), line breaks and BOMs.
_YAML_ESCAPE = re.compile(r'[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\\"\u2028\u2029]')
_YAML_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_escape(match: re.Match) -> str:
    ch = match.group()
    if ch in _YAML_NAMED:
        return _YAML_NAMED[ch]
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def yaml_scalar(value) -> str:
    """A YAML scalar that PyYAML and every YAML 1.1/1.2 reader parse back as is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + _YAML_ESCAPE.sub(_yaml_escape, str(value)) + '"'


def quote_block(text: str) -> str:
    """Every line of `text` as a Markdown block quote line."""
    return "\n".join("> " + line if line.strip() else ">" for line in (text or "").split("\n"))


def hashtag(tag: str) -> str:
    """A tag as an Obsidian/Logseq #tag: letters, digits, _, - and / only."""
    name = _TAG_UNSAFE.sub("-", tag.strip()).strip("-")
    return "#" + (name or "tag")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.BaseLoader(),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["quote_block"] = quote_block
    env.filters["hashtag"] = hashtag
    return env


def default_template_text() -> str:
    return (resources.files("reader.core.export") / "templates" / DEFAULT_TEMPLATE).read_text("utf-8")


def load_template(path: str | Path | None = None) -> jinja2.Template:
    if path is None:
        source = default_template_text()
    else:
        try:
            source = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read template {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise ValueError(f"template {path} is not UTF-8 text") from None
    try:
        return _environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template {path}: line {exc.lineno}: {exc.message}") from None


class Vars(dict):
    """A dict whose keys templates also read as attributes without Jinja's
    slower fallback (attribute lookup that fails, then an item lookup)."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def template_context(article: domain.Article, color_names: dict[str, str] | None = None,
                     combined: bool = False) -> dict:
    """The variables a template sees (documented in README.md, "Markdown templates")."""
    color_names = color_names or {}
    highlights = reading_order(article)
    return {
        "article": Vars({
            "id": article.id,
            "title": article.title,
            "author": article.author,
            "site": article.site,
            "url": article.url,
            "published": article.published,
            "added": iso(article.added),
            "updated": iso(article.updated),
            "language": article.language,
            "excerpt": article.excerpt,
            "tags": list(article.tags),
            "note": article.note,
            "word_count": article.word_count,
            "reading_minutes": article.reading_minutes,
            "highlight_count": len(highlights),
            "archived": article.archived,
            "favorite": article.favorite,
        }),
        "highlights": [_highlight_context(h, i, color_names) for i, h in enumerate(highlights, 1)],
        "combined": combined,
    }


def _highlight_context(h: domain.Highlight, position: int, color_names: dict[str, str]) -> dict:
    return Vars({
        "id": h.uid,
        "short_id": h.uid[:12],
        "position": position,
        "quote": h.quote,
        "prefix": h.prefix,
        "suffix": h.suffix,
        "note": h.note,
        "color": h.color,
        "color_name": color_name(h.color, color_names),
        "tags": list(h.tags),
        "start": h.start,
        "end": h.end,
        "placed": h.placed,
        "created": iso(h.created),
        "updated": iso(h.updated),
    })


def render(article: domain.Article, template: jinja2.Template, color_names: dict[str, str] | None = None,
           combined: bool = False) -> str:
    try:
        text = template.render(**template_context(article, color_names, combined))
    except jinja2.UndefinedError as exc:
        raise ValueError(f"template: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise ValueError(f"template: {exc}") from None
    return text.rstrip("\n") + "\n"


def render_default(article: domain.Article, color_names: dict[str, str] | None = None,
                   combined: bool = False) -> str:
    """The default template's output, written out in Python: about ten times
    faster than rendering it with Jinja2 (large exports). The tests check that
    both give identical bytes; change them together."""
    color_names = color_names or {}
    a = article
    out: list[str] = []
    add = out.append
    highlights = reading_order(a)
    if not combined:
        add("---\n")
        add(f"id: {a.id}\ntitle: {yaml_scalar(a.title)}\nauthor: {yaml_scalar(a.author)}\n"
            f"site: {yaml_scalar(a.site)}\nurl: {yaml_scalar(a.url)}\npublished: {yaml_scalar(a.published)}\n"
            f"added: {yaml_scalar(iso(a.added))}\n")
        add("tags: [" + ", ".join(yaml_scalar(t) for t in a.tags) + "]\n")
        add(f"highlights: {len(highlights)}\n---\n\n")
    add(f"# {a.title}\n\n")
    if combined:
        add(f"- id: {a.id}\n")
        for key, value in (("author", a.author), ("site", a.site), ("url", a.url), ("published", a.published),
                           ("added", iso(a.added))):
            if value:
                add(f"- {key}: {value}\n")
        if a.tags:
            add("- tags: " + " ".join(hashtag(t) for t in a.tags) + "\n")
        add(f"- highlights: {len(highlights)}\n\n")
    else:
        if a.author or a.site:
            add(" · ".join(x for x in (a.author, a.site) if x) + "\n")
        if a.url:
            add(f"<{a.url}>\n")
        if a.author or a.site or a.url:
            add("\n")
    if a.note:
        add(f"## Note\n\n{a.note}\n\n")
    if highlights:
        add("## Highlights\n\n")
        for h in highlights:
            add(quote_block(h.quote) + "\n\n")
            if h.note:
                add(f"{h.note}\n\n")
            add(color_name(h.color, color_names))
            if h.start is None:
                add(" · could not be placed")
            for tag in h.tags:
                add(" " + hashtag(tag))
            add(f" ^{h.uid[:12]}\n\n")
    return "".join(out).rstrip("\n") + "\n"


class MarkdownFormat:
    name: ClassVar[str] = "md"
    suffix: ClassVar[str] = ".md"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.fast = options.template is None
        self.template = None if self.fast else load_template(options.template)
        self.color_names = options.color_names

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        if self.fast:
            return "\n".join(render_default(a, self.color_names, combined) for a in articles)
        return "\n".join(render(a, self.template, self.color_names, combined) for a in articles)
