"""One rule for tags, whatever front end typed them.

A tag is compared by its key (case-folded, spaces collapsed), so "Rivers" and
"rivers" are one tag; it is shown as first typed. No SQLAlchemy here: the
list's plain-SQL reads (reader.core.listing) filter by key too.
"""

from __future__ import annotations

from collections.abc import Iterable

# The longest tag, in characters, on either backend. A PostgreSQL index row holds at
# most 2,704 bytes and a tag's name and key are indexed: 200 characters are 800 bytes
# of UTF-8 at most, and a key folded from them (a character can fold to three) 1,800.
MAX_TAG_CHARS = 200


def clean_tag(name: str) -> str:
    """A tag as displayed: outer space and leading '#' removed, inner space collapsed, no NUL
    (which PostgreSQL refuses in text; text.storable does the same for notes)."""
    return " ".join(str(name).replace("\x00", "").strip().lstrip("#").split())


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


def tag_edits(opened: Iterable[str], edited: Iterable[str]) -> tuple[list[str], list[str]]:
    """(added, removed): what a tag editor that opened with `opened` changed. A change
    of case is no change (tags are one whatever their case)."""
    before, after = clean_tags(opened), clean_tags(edited)
    kept, wanted = {tag_key(t) for t in before}, {tag_key(t) for t in after}
    return [t for t in after if tag_key(t) not in kept], [t for t in before if tag_key(t) not in wanted]


def edited_tags(current: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
    """`current` without the tags in `remove`, then with those in `add` (a tag in both stays)."""
    drop = {tag_key(t) for t in remove}
    return clean_tags([*(t for t in current if tag_key(t) not in drop), *add])
