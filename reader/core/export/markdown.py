"""Markdown notes (Obsidian/Logseq-ready): YAML front matter, then highlights."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jinja2

from reader.core import domain

DEFAULT_TEMPLATE = "article.md.j2"


def yaml_scalar(value) -> str:
    """A YAML scalar: JSON strings are valid YAML, and quoting keeps it unambiguous."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["quote_block"] = lambda text: "\n".join("> " + line if line else ">" for line in text.split("\n"))
    env.filters["hashtag"] = lambda tag: "#" + "-".join(tag.split())
    return env


def load_template(path: str | Path | None = None) -> jinja2.Template:
    if path is None:
        source = (resources.files("reader.core.export") / "templates" / DEFAULT_TEMPLATE).read_text("utf-8")
    else:
        try:
            source = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read template {path}: {exc.strerror or exc}") from None
    try:
        return _environment(jinja2.BaseLoader()).from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template {path}: line {exc.lineno}: {exc.message}") from None


def template_context(article: domain.Article, color_names: dict[str, str] | None = None) -> dict:
    color_names = color_names or {}
    placed = [h for h in article.highlights if h.placed]
    orphans = [h for h in article.highlights if not h.placed]
    return {
        "article": {
            "id": article.id,
            "title": article.title,
            "author": article.author,
            "site": article.site,
            "url": article.url,
            "published": article.published,
            "added": article.added.isoformat() + "Z",
            "tags": list(article.tags),
            "note": article.note,
            "word_count": article.word_count,
            "reading_minutes": article.reading_minutes,
            "highlight_count": len(article.highlights),
        },
        "highlights": [_highlight_context(h, color_names) for h in placed + orphans],
    }


def _highlight_context(h: domain.Highlight, color_names: dict[str, str]) -> dict:
    return {
        "id": h.uid,
        "quote": h.quote,
        "note": h.note,
        "color": h.color,
        "color_name": color_names.get(h.color, h.color),
        "tags": list(h.tags),
        "start": h.start,
        "end": h.end,
        "placed": h.placed,
        "created": h.created.isoformat() + "Z",
        "updated": h.updated.isoformat() + "Z",
    }


def render(article: domain.Article, template: jinja2.Template, color_names: dict[str, str] | None = None) -> str:
    text = template.render(**template_context(article, color_names))
    return text.rstrip("\n") + "\n"
