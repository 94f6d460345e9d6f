"""The text map: offsets in an article's canonical text <-> positions in a display.

Highlights are stored as offsets into Article.text (core/text.py). A display
(the reading view's document, an export) spells the same words differently:
other whitespace, paragraph breaks as one character, list markers, images as
one object character, header lines of its own in front. `TextMap` aligns the
non-space characters of both sides, so it is immune to all of that, and
answers in both directions with a few bisections.

The display is given as blocks: (position of the block's first character,
the block's text). Positions count UTF-16 code units, as Qt does (an astral
character is two). An object character (U+FFFC) may stand for text of its
own, a typeset formula for its TeX: `substitutions` maps its position to that
text, and all of it maps to the one position.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate

OBJECT = "\ufffc"
_SKIP = frozenset("\ufffc\u2028\u2029\u200b\u00ad")
RUN = re.compile(r"[^\s\ufffc\u2028\u2029\u200b\u00ad]+")  # what is aligned: all but spaces and _SKIP
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def squeeze(text: str) -> str:
    """`text` without spaces and the characters a display adds or drops (what is aligned)."""
    text = "".join(text.split())
    for ch in "\ufffc\u200b\u00ad\u2028\u2029":
        if ch in text:
            text = text.replace(ch, "")
    return text


def _utf16_len(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


class TextMap:
    """Canonical text offsets <-> display positions.

    Kept as runs (a word on either side), not one entry per character, so an
    article of 10,000 words maps in a few milliseconds. "Mapped characters" are
    the non-space characters the two sides share; in the usual case that is
    all of them (`exact`), and `missing` counts the text's characters the
    display does not show.
    """

    def __init__(
        self, blocks: Iterable[tuple[int, str]], text: str, substitutions: Mapping[int, str] | None = None
    ) -> None:
        subs = substitutions or {}
        # Display side: runs of mapped characters, by position; b counts mapped characters.
        d_start: list[int] = []
        d_len: list[int] = []
        d_unit: list[int] = []  # UTF-16 units per character: 1, 2 (astral), or 0 (all at one object)
        doc_parts: list[str] = []
        for base, btext in blocks:
            if _ASTRAL.search(btext) is None and not (subs and OBJECT in btext):
                spans = [m.span() for m in RUN.finditer(btext)]
                d_start.extend([base + a for a, _ in spans])
                d_len.extend([b - a for a, b in spans])
                d_unit.extend([1] * len(spans))
                doc_parts.append(squeeze(btext))
                continue
            pos = base
            for ch in btext:
                width = _utf16_len(ch)
                if ch == OBJECT and pos in subs:
                    stands_for = squeeze(subs[pos])
                    if stands_for:
                        d_start.append(pos)
                        d_len.append(len(stands_for))
                        d_unit.append(0)
                        doc_parts.append(stands_for)
                elif not ch.isspace() and ch not in _SKIP:
                    d_start.append(pos)
                    d_len.append(1)
                    d_unit.append(width)
                    doc_parts.append(ch)
                pos += width
        spans = [m.span() for m in RUN.finditer(text)]
        self._t_start = [a for a, _ in spans]
        self._t_end = [b for _, b in spans]
        self._t_cum = [0, *accumulate(b - a for a, b in spans)]
        self._d_start = d_start
        self._d_unit = d_unit
        self._d_end = [s + (n * u if u else 1) for s, n, u in zip(d_start, d_len, d_unit)]
        self._d_cum = [0, *accumulate(d_len)]
        self.text_len = len(text)
        a = squeeze(text)
        b = "".join(doc_parts)
        self.exact = a == b
        if self.exact:
            blocks_ = [(0, 0, len(a))] if a else []
        else:
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            blocks_ = [blk for blk in matcher.get_matching_blocks() if blk[2]]
        # Matching blocks: pair index p in [P, P+n) <-> a in [i, i+n) <-> b in [j, j+n).
        self._bi = [blk[0] for blk in blocks_]
        self._bj = [blk[1] for blk in blocks_]
        self._bn = [blk[2] for blk in blocks_]
        self._bp = [0, *accumulate(self._bn)]
        self.pairs = self._bp[-1]
        self.missing = len(a) - self.pairs  # characters of the text the display does not show

    # -- the steps: text offset <-> a (mapped text char) <-> pair <-> b (mapped display char) <-> position

    def _a_at_or_after(self, offset: int) -> int:
        r = bisect_right(self._t_start, offset) - 1
        if r >= 0 and offset < self._t_end[r]:
            return self._t_cum[r] + offset - self._t_start[r]
        return self._t_cum[r + 1]

    def _b_at_or_after(self, pos: int) -> int:
        r = bisect_right(self._d_start, pos) - 1
        if r >= 0 and pos < self._d_end[r]:
            if not self._d_unit[r]:
                return self._d_cum[r]  # an object standing for text: its first character
            return self._d_cum[r] - (self._d_start[r] - pos) // self._d_unit[r]  # inside a surrogate pair: the next
        return self._d_cum[r + 1]

    @staticmethod
    def _pair_at_or_after(starts: list[int], lengths: list[int], first: list[int], x: int) -> int:
        k = bisect_right(starts, x) - 1
        if k >= 0 and x < starts[k] + lengths[k]:
            return first[k] + x - starts[k]
        return first[k + 1]

    def _pair_ab(self, p: int) -> tuple[int, int]:
        k = bisect_right(self._bp, p) - 1
        return self._bi[k] + p - self._bp[k], self._bj[k] + p - self._bp[k]

    def _offset(self, a: int) -> int:
        r = bisect_right(self._t_cum, a) - 1
        return self._t_start[r] + a - self._t_cum[r]

    def _position(self, b: int) -> tuple[int, int]:
        """Display position of mapped character b, and the position after it."""
        r = bisect_right(self._d_cum, b) - 1
        unit = self._d_unit[r]
        pos = self._d_start[r] + (b - self._d_cum[r]) * unit
        return pos, pos + (unit or 1)

    def _pair_of_offset(self, offset: int) -> int:
        return self._pair_at_or_after(self._bi, self._bn, self._bp, self._a_at_or_after(offset))

    def _pair_of_position(self, pos: int) -> int:
        return self._pair_at_or_after(self._bj, self._bn, self._bp, self._b_at_or_after(pos))

    # -- the API

    def text_to_doc(self, offset: int) -> int | None:
        """The display position of the first mapped character at or after `offset`."""
        p = self._pair_of_offset(offset)
        if p < self.pairs:
            return self._position(self._pair_ab(p)[1])[0]
        if self.pairs:
            return self._position(self._pair_ab(self.pairs - 1)[1])[1]
        return None

    def range_to_doc(self, start: int, end: int) -> tuple[int, int] | None:
        i = self._pair_of_offset(start)
        j = self._pair_of_offset(end) - 1
        if i > j or i >= self.pairs:
            return None
        return self._position(self._pair_ab(i)[1])[0], self._position(self._pair_ab(j)[1])[1]

    def doc_to_text(self, pos: int) -> int:
        """The canonical offset of the first mapped character at or after display `pos`."""
        p = self._pair_of_position(pos)
        return self._offset(self._pair_ab(p)[0]) if p < self.pairs else self.text_len

    def doc_range_to_text(self, start: int, end: int) -> tuple[int, int] | None:
        i = self._pair_of_position(start)
        j = self._pair_of_position(end) - 1
        if i > j or i >= self.pairs:
            return None
        return self._offset(self._pair_ab(i)[0]), self._offset(self._pair_ab(j)[0]) + 1
