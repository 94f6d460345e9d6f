"""Control characters out of everything a page brings.

They show nothing in a browser, lxml refuses text holding C0 controls ("All
strings must be XML compatible"), and ESC or BEL in a title printed by the CLI
drives the user's terminal. Two places remove them:

- `markup_without_controls`: the page's markup before it is parsed, so the
  tree (article HTML, text, and the metadata read from it) never holds one,
  whether the page wrote it raw or as a character reference (`&#27;`);
- `clean_fields`: the page's fields as they enter the record (the pipeline),
  which also covers what the markup check cannot see: JSON-LD's `\\u001b`
  escapes, MHTML headers, file names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reader.core.text import CONTROL_CHARS

# Raw characters out of the markup: C0 controls but tab, newline and carriage
# return (a form feed becomes a space first: it is HTML whitespace), DEL, C1
# controls, lone surrogates, U+FFFE and U+FFFF (lxml refuses those two as well).
_MARKUP_CONTROLS = re.compile(f"[\x00{CONTROL_CHARS}\ud800-\udfff]")
# The same in UTF-8 bytes, to find them in C: C0 bytes and DEL never occur inside a
# multi-byte sequence, C1 controls are \xc2\x80-\xc2\x9f, U+FFFE/U+FFFF \xef\xbf\xbe/f.
_C0_AND_DEL = bytes(range(9)) + b"\x0b" + bytes(range(14, 32)) + b"\x7f"
# Two patterns, each led by a literal byte the regex engine finds fast (one pattern
# of two alternatives is tried at every byte: eight times slower).
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_NONCHAR_UTF8 = re.compile(rb"\xef\xbf[\xbe\xbf]")

# Numeric character references the parser would turn into those characters.
# libxml2, like HTML5, reads &#128;-&#159; as windows-1252 (&#150; is "–"), except
# the five numbers windows-1252 leaves undefined (129, 141, 143, 144, 157); &#0;
# and out-of-range numbers already become U+FFFD. A missing ";" still counts.
_CONTROL_REF = re.compile(
    r"&#(?:[xX]0*(?:[1-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|8[1dfDF]|9[0dD]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|127|129|14[134]|157|6553[45])(?![0-9]));?"
)
_FORM_FEED_REF = re.compile(r"&#(?:[xX]0*[cC]|0*12);?")

# In a one-line field every control goes: whitespace ones become a space.
_FIELD_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def markup_without_controls(html: str) -> str:
    """The page's markup with control characters and references to them removed
    (a form feed, raw or referenced, becomes a space)."""
    html = html.replace("\x0c", " ")
    if _has_controls(html):
        html = _MARKUP_CONTROLS.sub("", html)
    if "&#" in html:
        html = _CONTROL_REF.sub(_replace_ref, html)
    return html


def _replace_ref(match: re.Match[str]) -> str:
    return " " if _FORM_FEED_REF.fullmatch(match.group()) else ""


def _has_controls(html: str) -> bool:
    """_MARKUP_CONTROLS.search(html), in a third of the time: a character class
    tested at every character is slower than searching UTF-8 bytes in C."""
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate
    return (
        len(data.translate(None, _C0_AND_DEL)) != len(data)
        or _C1_UTF8.search(data) is not None
        or _NONCHAR_UTF8.search(data) is not None
    )


def one_line(value: str) -> str:
    """A field's text without control characters: tab, newline and the other
    whitespace controls become a space, runs of spaces they leave collapse."""
    if not _FIELD_CONTROLS.search(value):
        return value
    return " ".join(_FIELD_CONTROLS.sub(_field_replacement, value).split())


def _field_replacement(match: re.Match[str]) -> str:
    return " " if match.group().isspace() else ""


def clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every text value of a page's fields as `one_line` leaves it; a text left
    empty is None (nothing known), as a page without the field gives."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str) and value:
            value = one_line(value) or None
        cleaned[name] = value
    return cleaned
