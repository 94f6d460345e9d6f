"""Reader tags as tags Obsidian and Logseq accept, by one documented rule.

Obsidian's tags hold letters, digits, `_`, `-` and `/` and are not digits only;
Reader's tags are free text. The rule (README.md, "Tags in Markdown"):

1. A tag that is already valid is kept as it is (`rivers`, `to-read`, `a/b`).
2. Otherwise: runs of spaces and dots become `-`; `+` becomes `plus`, `#` `sharp`,
   `&` `and`, `@` `at`; any other character that is not a letter, digit, `_`, `-`
   or `/` becomes `u` and its code point in hex between dashes (`🔥` -> `-u1f525-`);
   doubled dashes and slashes are merged and the ends trimmed; a name left with
   digits only (`2024`) gets a `_` in front; an empty one is `tag`.
   So `reading list` -> `reading-list`, `C++` -> `Cplusplus`, `C#` -> `Csharp`.
3. Collisions: where two tags of one export would get the same name (case does
   not count, as in Obsidian), every tag whose name was changed by step 2 gets
   `-` and 6 hex digits of its own hash added, so no two tags merge and the name
   of a tag does not depend on which other tags were exported with it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_VALID = re.compile(r"^(?!\d+$)[\w\-]+(/[\w\-]+)*$")
_WORDS = {"+": "plus", "#": "sharp", "&": "and", "@": "at"}
_SPACES = re.compile(r"[\s.]+")


def _ok(ch: str) -> bool:
    # \w in Python also matches some marks and connector punctuation; Obsidian wants letters and digits.
    return ch in "_-/" or (ch.isalnum() and ch.isprintable())


def is_valid(name: str) -> bool:
    return bool(_VALID.match(name)) and all(_ok(c) for c in name)


def tag_name(tag: str) -> str:
    """Steps 1 and 2 of the rule: the name of one tag, without the `#`."""
    tag = unicodedata.normalize("NFC", tag.strip()).lstrip("#")  # "#rivers" typed with its hash
    if is_valid(tag):
        return tag
    out = []
    for ch in _SPACES.sub("-", tag):
        if _ok(ch):
            out.append(ch)
        elif ch in _WORDS:
            out.append(_WORDS[ch])
        else:
            out.append(f"-u{ord(ch):x}-")
    name = "".join(out)
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"/{2,}", "/", name)
    name = re.sub(r"-*/-*", "/", name).strip("-/")
    if not name:
        return "tag"
    if name.isdigit():
        return "_" + name
    return name


def _hashed(tag: str, name: str) -> str:
    return f"{name}-{hashlib.sha256(tag.casefold().encode('utf-8')).hexdigest()[:6]}"


def tag_names(tags: Iterable[str]) -> dict[str, str]:
    """The whole rule over the tags of one export: tag -> name."""
    tags = sorted(set(tags))
    names = {t: tag_name(t) for t in tags}
    owners: dict[str, set[str]] = {}
    for tag, name in names.items():
        owners.setdefault(name.casefold(), set()).add(tag.strip().casefold())
    out = {}
    for tag, name in names.items():
        changed = name != unicodedata.normalize("NFC", tag.strip())
        out[tag] = _hashed(tag, name) if changed and len(owners[name.casefold()]) > 1 else name
    return out


class TagNamer:
    """tag -> Obsidian name, with collisions settled over a known set of tags."""

    def __init__(self, tags: Iterable[str] = ()) -> None:
        self.names = tag_names(tags)

    def __call__(self, tag: object) -> str:
        tag = "" if tag is None else str(tag)
        name = self.names.get(tag)
        return name if name is not None else tag_name(tag)
