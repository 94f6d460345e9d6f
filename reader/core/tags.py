"""One rule for tags, whatever front end typed them.

A tag is compared by its key (case-folded, spaces collapsed), so "Rivers" and
"rivers" are one tag; it is shown as first typed. No SQLAlchemy here: the
list's plain-SQL reads (reader.core.listing) filter by key too.
"""

from __future__ import annotations

from collections.abc import Iterable


def clean_tag(name: str) -> str:
    """A tag as displayed: outer space and leading '#' removed, inner space collapsed."""
    return " ".join(str(name).strip().lstrip("#").split())


def tag_key(name: str) -> str:
    """How tags compare: case-insensitively, in every script."""
    return clean_tag(name).casefold()


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tags given one per item (the command line's arguments, an import's list):
    cleaned, empty ones dropped, case-duplicates dropped keeping the first spelling."""
    out: list[str] = []
    keys: set[str] = set()
    for name in names:
        tag = clean_tag(name)
        key = tag.casefold()
        if tag and key not in keys:
            keys.add(key)
            out.append(tag)
    return out


def parse_tags(text: str) -> list[str]:
    """Tags typed into one box: "a, b c" or "#a #b" (commas and semicolons win over spaces)."""
    text = text.replace(";", ",")
    return clean_tags(text.split(",") if "," in text else text.split())
