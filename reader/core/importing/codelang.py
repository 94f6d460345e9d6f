"""The language a code block declares, kept through sanitizing as data-language.

Pages name it in a class, which the sanitizer drops: `language-python` or
`lang-python` (Prism, highlight.js, Markdown renderers) on the <pre> or its
<code>, `highlight-source-python` (GitHub) or `language-python highlighter-rouge`
(Jekyll) on a wrapper, `data-lang` (Hugo). The reading view colours the block
from it (Pygments); nothing is guessed here.
"""

from __future__ import annotations

import re
from typing import Any

_CLASS = re.compile(r"^(?:language|lang|highlight-source|brush)[-:]([a-z0-9][a-z0-9+#_.-]{0,31})$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9+#_.-]{0,31}$")
_NOT_A_LANGUAGE = frozenset({"none", "text", "plain", "plaintext", "txt", "nohighlight", "output"})
_WRAPPERS = 3  # how far up a wrapper may name it (rouge: div.language-x > div.highlight > pre)


def declared_language(el: Any) -> str | None:
    """The language one element names, lower case, or None."""
    for value in (el.get("data-language"), el.get("data-lang")):
        name = (value or "").strip().lower()
        if _NAME.match(name):
            return None if name in _NOT_A_LANGUAGE else name
    for token in (el.get("class") or "").lower().split():
        match = _CLASS.match(token)
        if match:
            return None if match[1] in _NOT_A_LANGUAGE else match[1]
    return None


def mark_code_languages(root: Any) -> None:
    """Set data-language on each <pre> whose page names its language (before sanitizing)."""
    for pre in root.iter("pre"):
        found = declared_language(pre)
        if found is None:
            code = next((c for c in pre if isinstance(c.tag, str) and c.tag == "code"), None)
            found = declared_language(code) if code is not None else None
        parent = pre.getparent()
        for _ in range(_WRAPPERS):
            if found is not None or parent is None:
                break
            found = declared_language(parent)
            parent = parent.getparent()
        if found is not None:
            pre.set("data-language", found)


__all__ = ["declared_language", "mark_code_languages"]
