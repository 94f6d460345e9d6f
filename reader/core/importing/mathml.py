"""Math in a page: its TeX kept as text, in a marked span, before anything else runs.

The sanitizer drops <math> with its content, and pages often hide the MathML
(MediaWiki shows an <img> whose source is remote, so never fetched), so without
this every formula vanished ("is denoted by , then"). Each <math> becomes

    <span lang="x-tex">a^{2}+b^{2}=c^{2}</span>          (inline)
    <span lang="x-tex-display">...</span>               (display="block")

whose text is the TeX source (the `application/x-tex` annotation, else the
alttext). The text is what search, highlights and exports carry; the reading view may
typeset the span's text as TeX.

A formula given only as MathML keeps the MathML's own text (what a browser's reader
view and the page's readers copy), and its shape as TeX in the span's title
(mathml_tex.py), which the reading view typesets:

    <span lang="x-tex" title="\frac{a}{b}">a b</span>
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.html import HtmlElement

from reader.core.importing.mathml_tex import to_tex

TEX_LANG = "x-tex"
TEX_DISPLAY_LANG = "x-tex-display"

_MATH_TAGS = ("math", "{http://www.w3.org/1998/Math/MathML}math")
# MediaWiki wraps every formula in {\displaystyle ...}; the wrapper says nothing.
_STYLE_WRAPPER = re.compile(r"^\{\\(?:display|text|script)style\s*(.*)\}$", re.S)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"\s+")


def mark_math(root: HtmlElement) -> int:
    """Replace every <math> under root by a span of its TeX; returns how many."""
    count = 0
    for math in list(root.iter(*_MATH_TAGS)):
        parent = math.getparent()
        if parent is None:
            continue
        source = _tex_source(math)
        tex = _strip_wrapper(source)
        written = ""
        if not tex:  # MathML alone: its text, and its shape as TeX
            source = tex = _SPACES.sub(" ", " ".join(t.strip() for t in math.itertext() if t.strip())).strip()
            written = to_tex(math)
        if not tex:
            math.drop_tree()
            continue
        span = lxml_html.Element("span")
        span.set("lang", TEX_DISPLAY_LANG if (math.get("display") or "").lower() == "block" else TEX_LANG)
        if written and written != tex:
            span.set("title", written)
        span.text = tex
        span.tail = math.tail
        parent.replace(math, span)
        _show(span)
        _drop_fallback_images(span, {source, tex})
        count += 1
    if count:
        _rejoin_cut_headings(root)
    return count


# HTML Tidy, which made the readability corpus's pages, takes a custom element
# (MathJax's <mjx-container>) for a block and closes a heading in front of it:
# "<h2>The probability of getting</h2><mjx-container>k</mjx-container> heads when
# flipping <mjx-container>n</mjx-container> coins is:" (the page itself has the whole
# heading). A heading cut just before an inline formula, followed by a short run of
# inline text and formulas up to the next block, gets that run back.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_INLINE = frozenset("a abbr b bdi bdo cite code em i kbd mark q s samp small span strong sub sup time u var".split())
_ENDS_HEADING = tuple(".:!?;")  # a heading that ends a sentence was not cut
_CUT_RUN_CHARS = 120  # the words of a heading, not a paragraph left loose
_CUT_RUN_PARTS = 16


def _rejoin_cut_headings(root: HtmlElement) -> None:
    for heading in list(root.iter(*_HEADINGS)):
        text = "".join(heading.itertext()).strip()
        if not text or text.endswith(_ENDS_HEADING) or (heading.tail or "").strip():
            continue
        run = _cut_run(heading)
        if not run:
            continue
        gap = heading.tail or " "
        heading.tail = None
        last = heading[-1] if len(heading) else None
        if last is not None:
            last.tail = (last.tail or "") + gap
        else:
            heading.text = (heading.text or "") + gap
        heading.extend(run)
        tail = run[-1].tail or ""
        run[-1].tail = tail.rstrip()
        heading.tail = tail[len(tail.rstrip()) :] or None


def _cut_run(heading: HtmlElement) -> list[HtmlElement]:
    """The inline formula after `heading` and the inline siblings after it, up to the
    next block; none if it does not start with an inline formula or is too long."""
    run: list[HtmlElement] = []
    chars = 0
    el = heading.getnext()
    while el is not None and isinstance(el.tag, str):
        formula = _inline_formula(el)
        if not formula and (not run or el.tag not in _INLINE or el.find(".//*[@lang='x-tex-display']") is not None):
            break
        chars += len((el.tail or "").strip()) + (0 if formula else len(el.text_content().strip()))
        run.append(el)
        if chars > _CUT_RUN_CHARS or len(run) > _CUT_RUN_PARTS:
            return []
        el = el.getnext()
    return run


def _inline_formula(el: HtmlElement) -> bool:
    """An inline formula or an inline wrapper of one (MathJax's <mjx-container>)."""
    if el.get("lang") == TEX_LANG:
        return True
    if el.tag not in _INLINE and not el.tag.startswith("mjx-"):
        return False
    tex = [span.get("lang") for span in el.iter("span") if (span.get("lang") or "").startswith(TEX_LANG)]
    return bool(tex) and TEX_DISPLAY_LANG not in tex


def _tex_source(math: HtmlElement) -> str:
    for annotation in math.iter("annotation", "{http://www.w3.org/1998/Math/MathML}annotation"):
        if (annotation.get("encoding") or "").lower() in ("application/x-tex", "text/x-tex", "application/x-latex"):
            text = (annotation.text or "").strip()
            if text:
                return text
    return (math.get("alttext") or "").strip()


def _strip_wrapper(tex: str) -> str:
    tex = tex.strip()
    match = _STYLE_WRAPPER.match(tex)
    if match and _balanced(match.group(1)):
        tex = match.group(1).strip()
    return _SPACES.sub(" ", tex)


def _balanced(tex: str) -> bool:
    depth = 0
    for i, ch in enumerate(tex):
        if ch == "{" and (i == 0 or tex[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or tex[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _show(span: HtmlElement) -> None:
    """The MathML of a page is often hidden in favour of an image: show ours."""
    for ancestor in list(span.iterancestors())[:3]:
        style = ancestor.get("style") or ""
        if _HIDDEN.search(style):
            del ancestor.attrib["style"]
        if ancestor.get("hidden") is not None:
            del ancestor.attrib["hidden"]


def _drop_fallback_images(span: HtmlElement, texts: set[str]) -> None:
    """An image of the same formula next to it (its alt is the TeX) would repeat it."""
    for ancestor in list(span.iterancestors())[:2]:
        for img in list(ancestor.iter("img")):
            alt = (img.get("alt") or "").strip()
            if alt in texts or "math-fallback" in (img.get("class") or ""):
                img.drop_tree()
