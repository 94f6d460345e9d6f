"""Markdown notes (Obsidian/Logseq-ready): YAML front matter, then highlights.

Rendered with a Jinja2 template: the default ships as
reader/core/export/templates/article.md.j2 (`reader export --show-template`
prints it), the one copy of it. The template is compiled once per export, not
once per article, in Jinja2's sandbox: a template can only render.

Page text is untrusted: titles, quotes, authors and site names go through the
`md` filter (and quotes through `quote_block`, which escapes too), so they show
as exactly those words in any CommonMark viewer, never as HTML, images or links.
The user's own notes are Markdown on purpose and are left as written.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reader.core import domain
from reader.core.export.common import (
    ExportOptions,
    article_values,
    color_name,
    iso,
    reader_link,
    reading_order,
)
from reader.core.export.tagnames import TagNamer, tag_name

DEFAULT_TEMPLATE = "article.md.j2"


# Characters YAML does not allow raw (PyYAML's reader check), line breaks and BOMs.
_YAML_ESCAPE = re.compile(r'[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\\"\u2028\u2029]')
_YAML_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _YAML_NAMED:
        return _YAML_NAMED[ch]
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def yaml_scalar(value: object) -> str:
    """A YAML scalar that PyYAML and every YAML 1.1/1.2 reader parse back as is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + _YAML_ESCAPE.sub(_yaml_escape, str(value)) + '"'


# Characters with a meaning in CommonMark inline text, or in what Obsidian and Logseq add
# to it (==mark==, %%comment%%, $math$, #tag, ^block, [[link]], ~~strike~~, | tables).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>!&|~$%=^#{}])")
# A line that would start a block: a list item, heading, quote, rule, setext underline.
_MD_LINE_START = re.compile(r"^([-+>])|^(\d{1,9})([.)])")
# Anything md() would change: an inline character, a line break, leading blanks.
_MD_NEEDS = re.compile(r"[\\`*_\[\]<>!&|~$%=^#{}\n]|^[ \t]")


def md(text: object) -> str:
    """Page-derived text as Markdown that renders as exactly this text."""
    if text is None:
        return ""
    text = str(text)
    # Most text has nothing to escape: one search instead of a pass per line.
    if not _MD_NEEDS.search(text) and not _MD_LINE_START.match(text):
        return text
    lines = []
    for line in text.split("\n"):
        # Leading spaces would make an indented code block, where escapes show.
        line = _MD_INLINE.sub(r"\\\1", line.lstrip(" \t"))
        line = _MD_LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)
        lines.append(line)
    return "\n".join(lines)


def autolink(url: object) -> str:
    """A web address as a Markdown link to itself; anything else (another scheme,
    spaces, angle brackets) as escaped text."""
    url = "" if url is None else str(url)
    if re.fullmatch(r"https?://[^\s<>]+", url, re.I):
        return f"<{url}>"
    return md(url)


def quote_block(text: str, escape: bool = True) -> str:
    """Every line of `text` as a Markdown block quote line (escaped as page text
    unless escape=False)."""
    text = md(text) if escape else (text or "")
    return "\n".join("> " + line if line.strip() else ">" for line in text.split("\n"))


def hashtag(tag: str) -> str:
    """A tag as an Obsidian/Logseq #tag, by the rule of tagnames.py (without the
    collision step, which needs every tag of the export: see the `tag` filter)."""
    return "#" + tag_name(tag)


def block_id(uid: str) -> str:
    """An Obsidian block id (letters, digits and dashes) from a highlight uid."""
    return re.sub(r"[^A-Za-z0-9-]", "", uid)[:12] or "h"


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with a fast path for Reader's own variables: a Vars holds
    plain data only (text, numbers, lists), so its fields need no safety check,
    which otherwise costs most of the rendering time."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is Vars:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(
                    hint=f'no variable {attribute!r} here (see README.md, "Markdown templates")',
                    obj=obj,
                    name=attribute,
                )
        return super().getattr(obj, attribute)


def _environment(source: str, filename: str, namer: TagNamer | None = None) -> jinja2.Environment:
    env = _Sandbox(
        loader=jinja2.FunctionLoader(lambda _name: (source, filename, lambda: True)),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["md"] = md
    env.filters["autolink"] = autolink
    env.filters["quote_block"] = quote_block
    namer = namer or TagNamer()
    env.filters["tag"] = namer
    env.filters["hashtag"] = lambda tag: "#" + namer(tag)
    return env


def default_template_text() -> str:
    return (resources.files("reader.core.export") / "templates" / DEFAULT_TEMPLATE).read_text("utf-8")


TEMPLATE_BYTES = 1_000_000  # a template is a page of text; more is not one


def template_bytes(path: str | Path) -> bytes:
    """A template file's bytes. Only a regular file of a sensible size is read: a
    pipe would block the export for ever, a device (/dev/zero) fill the memory."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a file (a pipe or device)"
            raise ValueError(f"template {path} is {kind}; give a .md.j2 file")
        if st.st_size > TEMPLATE_BYTES:
            raise ValueError(f"template {path} is over {TEMPLATE_BYTES // 1_000_000} MB; a template is a page of text")
        with open(path, "rb") as f:
            return f.read(TEMPLATE_BYTES + 1)[:TEMPLATE_BYTES]
    except OSError as exc:
        raise ValueError(f"cannot read template {path}: {exc.strerror or exc}") from None


def load_template(path: str | Path | None = None, tags: tuple[str, ...] = ()) -> jinja2.Template:
    if path is None:
        source, filename = default_template_text(), f"the default template ({DEFAULT_TEMPLATE})"
    else:
        filename = str(path)
        try:
            source = template_bytes(path).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"template {path} is not UTF-8 text") from None
    return _compiled(source, filename, tags)


@lru_cache(maxsize=8)
def _compiled(source: str, filename: str, tags: tuple[str, ...]) -> jinja2.Template:
    """Compiled once per process for the same text and tags: a vault kept current
    (sync_vault, `reader export --watch`) exports again and again."""
    try:
        return _environment(source, filename, TagNamer(tags)).get_template("template")
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template {filename}, line {exc.lineno}: {exc.message}") from None


def _template_line(exc: BaseException, filename: str | None) -> int | None:
    """The template line a render error happened on (Jinja2 rewrites the traceback
    so that the template's own frames carry its file name and line)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class Vars(dict[str, Any]):
    """A dict whose keys templates also read as attributes without Jinja's
    slower fallback (attribute lookup that fails, then an item lookup)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def template_context(
    article: domain.Article, color_names: dict[str, str] | None = None, combined: bool = False
) -> dict[str, Any]:
    """The variables a template sees (documented in README.md, "Markdown templates")."""
    color_names = color_names or {}
    highlights = reading_order(article)
    return {
        "article": Vars(
            {
                **article_values(article),
                "link": reader_link(article),
                "reading_minutes": article.reading_minutes,
                "highlight_count": len(highlights),
            }
        ),
        "highlights": [_highlight_context(article, h, i, color_names) for i, h in enumerate(highlights, 1)],
        "combined": combined,
    }


def _highlight_context(
    article: domain.Article, h: domain.Highlight, position: int, color_names: dict[str, str]
) -> Vars:
    return Vars(
        {
            "id": h.uid,
            "short_id": block_id(h.uid),
            "link": reader_link(article, h),
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
            # The daily review: when it was last reviewed and when it is due (None if never).
            "last_reviewed": iso(h.review.last_reviewed) if h.review else None,
            "review_due": None if h.review is None or h.review.retired else iso(h.review.due),
        }
    )


def render(
    article: domain.Article,
    template: jinja2.Template,
    color_names: dict[str, str] | None = None,
    combined: bool = False,
) -> str:
    try:
        text = template.render(**template_context(article, color_names, combined))
    except jinja2.TemplateError as exc:
        where = f"template {template.filename}"
        line = _template_line(exc, template.filename)
        if line is not None:
            where += f", line {line}"
        message = exc.message if isinstance(exc, jinja2.UndefinedError) else str(exc)
        raise ValueError(f"{where}: {message}") from None
    return text.rstrip("\n") + "\n"


class MarkdownFormat:
    name: ClassVar[str] = "md"
    suffix: ClassVar[str] = ".md"
    needs_content: ClassVar[bool] = False

    def __init__(self, options: ExportOptions) -> None:
        self.template = load_template(options.template, options.tags)
        self.color_names = options.color_names

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> str:
        return "\n".join(render(a, self.template, self.color_names, combined) for a in articles)
