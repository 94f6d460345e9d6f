"""Syntax colours in code blocks (Pygments), for the reading view's HTML.

Only a <pre> whose page declared its language (data-language, kept by the
importer: reader.core.importing.codelang) is coloured; guessing was left out
(Pygments' guess_lexer names the wrong language for short snippets, and tries
every lexer to do it). The block's text is unchanged character for character
(checked, else the block stays plain), so the text map, highlights, search and
copies are unaffected. Colours are foreground only: highlights paint the
background over them. Each colour is moved toward the theme's text colour until
it reads on the code background (WCAG contrast 4.5), in light and dark themes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reader.gui.theme import Theme

MAX_BLOCK_CHARS = 60_000  # a longer block stays plain: colouring it would slow the first paint
MIN_CONTRAST = 4.5
_INLINE = frozenset({"code", "span", "b", "strong", "i", "em", "mark", "kbd", "samp", "var", "u", "s", "small"})


def language_of(pre: Any) -> str | None:
    name = pre.get("data-language")
    if not name:
        code = next((c for c in pre if isinstance(c.tag, str) and c.tag == "code"), None)
        name = code.get("data-language") if code is not None else None
    return name or None


@lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        # Text kept exactly as given: no stripped or added line ends, tabs as tabs.
        return get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=0)
    except ClassNotFound:
        return None


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = _luminance(_rgb(a)), _luminance(_rgb(b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def readable(color: str, background: str, text: str) -> str:
    """`color`, moved toward `text` in small steps until it reads on `background`."""
    start, toward = _rgb(color), _rgb(text)
    for step in range(11):
        t = step / 10
        mixed = tuple(round(s + (e - s) * t) for s, e in zip(start, toward))
        candidate = "#{:02x}{:02x}{:02x}".format(*mixed)
        if contrast(candidate, background) >= MIN_CONTRAST:
            return candidate
    return text


@lru_cache(maxsize=8)
def palette(style_name: str, background: str, text: str) -> dict[Any, str]:
    """Token type -> colour (#rrggbb) for a Pygments style on this background; tokens of
    the text colour are left out (drawn as plain text)."""
    from pygments.styles import get_style_by_name

    style = get_style_by_name(style_name)
    colors: dict[Any, str] = {}
    for token, spec in style:
        if spec["color"]:
            colors[token] = readable("#" + spec["color"], background, text)
    return colors


def _color_for(token: Any, colors: dict[Any, str]) -> str | None:
    while token is not None:
        if token in colors:
            return colors[token]
        token = token.parent
    return None


def color_code(root: Any, theme: Theme) -> int:
    """Colour the declared-language code blocks under lxml element `root`, in place;
    how many were coloured."""
    done = 0
    for pre in list(root.iter("pre")):
        language = language_of(pre)
        if language is None:
            continue
        lexer = _lexer(language)
        if lexer is None or not _plain(pre):
            continue
        text, breaks = _text(pre)
        if text is None or not text.strip() or len(text) > MAX_BLOCK_CHARS:
            continue
        colors = palette(theme.code_style, theme.code, theme.text)
        pieces = _runs(lexer.get_tokens(text), colors)
        if "".join(value for value, _color in pieces) != text:
            continue  # the lexer changed the text (line ends, a byte-order mark): leave it plain
        _fill(_holder(pre), pieces, breaks)
        done += 1
    return done


def _plain(pre: Any) -> bool:
    """Only text, line breaks and plain inline wrappers inside (no links, images, formulas)."""
    for el in pre.iterdescendants():
        if not isinstance(el.tag, str) or (el.tag not in _INLINE and el.tag != "br") or el.get("lang"):
            return False
    return True


def _text(pre: Any) -> tuple[str | None, bool]:
    """The block's text for the lexer, and whether its lines are <br>s (then each "\n" of
    the text is one); None when it has both kinds of line end (which would be ambiguous)."""
    parts: list[str] = []
    brs = 0

    def walk(el: Any) -> None:
        nonlocal brs
        if el.text:
            parts.append(el.text)
        for child in el:
            if child.tag == "br":
                brs += 1
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(pre)
    text = "".join(parts)
    if brs and text.count("\n") != brs:
        return None, True
    return text, bool(brs)


def _fill(holder: Any, pieces: list[tuple[str, str | None]], breaks: bool) -> None:
    """Replace the holder's content by the coloured runs (line ends as <br> where they were)."""
    holder.text = None
    for child in list(holder):
        holder.remove(child)
    last = None  # the element whose tail takes plain text next (None: the holder's text)

    def plain(value: str) -> None:
        if last is None:
            holder.text = (holder.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    for value, color in pieces:
        lines = value.split("\n") if breaks else [value]
        for n, line in enumerate(lines):
            if n:
                last = holder.makeelement("br", {})
                holder.append(last)
            if not line:
                continue
            if color is None:
                plain(line)
            else:
                last = holder.makeelement("span", {"style": f"color: {color}"})
                last.text = line
                holder.append(last)


def _holder(pre: Any) -> Any:
    """Where the coloured text goes: the block's one <code>, if that is all it holds, else the <pre>."""
    children = [c for c in pre if isinstance(c.tag, str)]
    if len(children) == 1 and children[0].tag == "code" and not (pre.text or "").strip() and not children[0].tail:
        pre.text = None
        return children[0]
    return pre


def _runs(tokens: Any, colors: dict[Any, str]) -> list[tuple[str, str | None]]:
    """(text, colour) runs, neighbours of one colour joined (fewer spans to lay out)."""
    runs: list[tuple[str, str | None]] = []
    for token, value in tokens:
        if not value:
            continue
        color = _color_for(token, colors) if value.strip() else None
        if runs and (runs[-1][1] == color or not value.strip()):
            runs[-1] = (runs[-1][0] + value, runs[-1][1])
        else:
            runs.append((value, color))
    return runs


__all__ = ["MAX_BLOCK_CHARS", "color_code", "contrast", "language_of", "palette", "readable"]
