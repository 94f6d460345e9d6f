"""Highlight anchors as W3C Web Annotation selectors, and finding them again.

A highlight keeps a TextPositionSelector (start, end in the article's
canonical text) and a TextQuoteSelector (exact quote, prefix, suffix). When
the text changes (re-extraction, a newer version of the page), `reanchor`
finds the highlight again: the old position if the quote is still there, else
the exact quote whose context fits best nearest the old position, else a
fuzzy match scored on quote, prefix and suffix. None means "could not be
placed": callers keep such highlights and show them as orphans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

CONTEXT_CHARS = 32
FUZZY_THRESHOLD = 0.75  # how much of the quote must survive for a fuzzy match
# Bounds on the work for one highlight that cannot be found exactly:
MAX_PIECES = 48  # pieces of the quote looked up exactly, to find where it may be
MAX_WINDOWS = 12  # places scored with rapidfuzz...
WORK_CHARS = 60_000  # ...fewer for long quotes: places x quote length stays under this
PARTIAL_LIMIT = 1_000  # up to this length, rapidfuzz's partial_ratio aligns the quote in its window
EDGE = 64  # difflib sets exact boundaries on windows of about this size
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def make_anchor(text: str, start: int, end: int) -> Anchor:
    if not 0 <= start < end <= len(text):
        raise ValueError(f"range {start}-{end} is outside the text (length {len(text)})")
    return Anchor(
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def trim_range(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range so that it neither starts nor ends on whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class _Squeezed:
    """Text with whitespace runs collapsed to one space, mapped back to the original.

    Only runs longer than one character shift positions, so only those are kept
    (squeezed position, original start, original end) and looked up by bisection:
    building it is one regex pass, not a Python loop over every character."""

    def __init__(self, text: str) -> None:
        self.text = _WS.sub(" ", text)
        at: list[int] = []
        runs: list[tuple[int, int]] = []
        removed = 0
        for match in _WS.finditer(text):
            size = match.end() - match.start()
            if size > 1:
                at.append(match.start() - removed)
                runs.append((match.start(), match.end()))
                removed += size - 1
        self._at = at
        self._runs = runs

    def _locate(self, pos: int) -> tuple[int, int]:
        """The original range of squeezed character `pos`."""
        k = bisect_right(self._at, pos) - 1
        if k < 0:
            return pos, pos + 1
        if self._at[k] == pos:
            return self._runs[k]
        original = self._runs[k][1] + (pos - self._at[k] - 1)
        return original, original + 1

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        return self._locate(start)[0], self._locate(end - 1)[1]


@lru_cache(maxsize=8)
def _squeezed(text: str) -> _Squeezed:
    # Many highlights are placed on one text in a row (import, re-extraction): squeeze it once.
    return _Squeezed(text)


def squeeze(value: str) -> str:
    return _WS.sub(" ", value)


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of `quote` in `text`, ignoring differences in whitespace."""
    needle = squeeze(quote).strip()
    if not needle:
        return []
    squeezed = _squeezed(text)
    found = []
    pos = squeezed.text.find(needle)
    while pos != -1:
        found.append(squeezed.original_range(pos, pos + len(needle)))
        pos = squeezed.text.find(needle, pos + 1)
    return found


def reanchor(text: str, anchor: Anchor) -> tuple[int, int] | None:
    """Where `anchor` is in `text` now, or None if it cannot be placed."""
    if not anchor.quote.strip():
        return None
    if 0 <= anchor.start < anchor.end <= len(text) and text[anchor.start : anchor.end] == anchor.quote:
        return anchor.start, anchor.end
    candidates = find_quote(text, anchor.quote)
    if candidates:
        return max(candidates, key=lambda r: (_context_score(text, r, anchor), -abs(r[0] - anchor.start)))
    return _fuzzy(text, anchor)


def _context_score(text: str, rng: tuple[int, int], anchor: Anchor) -> float:
    start, end = rng
    before = squeeze(text[max(0, start - CONTEXT_CHARS * 2) : start]).strip()
    after = squeeze(text[end : end + CONTEXT_CHARS * 2]).strip()
    prefix = squeeze(anchor.prefix).strip()
    suffix = squeeze(anchor.suffix).strip()
    score = 0.0
    if prefix:
        score += _common_suffix(before, prefix) / len(prefix)
    if suffix:
        score += _common_prefix(after, suffix) / len(suffix)
    return round(score, 2)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _fuzzy(text: str, anchor: Anchor) -> tuple[int, int] | None:
    """The best fuzzy match of the quote, found with bounded work.

    Pieces of the quote (at most MAX_PIECES) and its context are looked up
    exactly; each occurrence votes for where the quote would start. The places
    with most votes (at most MAX_WINDOWS, fewer for long quotes) are scored with
    rapidfuzz, and only the best gets exact boundaries from difflib, on short
    windows at its two ends."""
    quote = anchor.quote
    length = len(quote)
    votes: dict[int, list[tuple[int, int]]] = {}  # predicted start -> (quote offset, text position)
    piece = max(6, min(24, length // 4))
    last = max(0, length - piece)
    step = max(1, piece // 2, -(-last // MAX_PIECES))
    offsets = list(range(0, last + 1, step))
    if offsets[-1] != last:
        offsets.append(last)  # the quote's last piece, so the end is seen too
    for offset in offsets:
        chunk = quote[offset : offset + piece]
        if not chunk.strip():
            continue
        for pos in _occurrences(text, chunk, limit=20):
            votes.setdefault(pos - offset, []).append((offset, pos))
    if anchor.prefix.strip():
        for pos in _occurrences(text, anchor.prefix, limit=20):
            votes.setdefault(pos + len(anchor.prefix), []).append((0, pos + len(anchor.prefix)))
    if anchor.suffix.strip():
        for pos in _occurrences(text, anchor.suffix, limit=20):
            votes.setdefault(pos - length, []).append((length, pos))
    if not votes:
        return None
    slack = max(8, length // 3)
    # Predictions close to the first of a group are one place (an edit inside the
    # quote shifts the later pieces a little); not chained, so a text that repeats
    # itself does not melt into one place.
    near = max(8, min(slack, 64 + length // 20))
    places: list[list[tuple[int, int]]] = []
    group_start = None
    for seed in sorted(votes):
        if group_start is not None and seed - group_start <= near:
            places[-1].extend(votes[seed])
        else:
            places.append(list(votes[seed]))
            group_start = seed
    windows = max(1, min(MAX_WINDOWS, WORK_CHARS // max(1, length)))
    ranked = sorted(places, key=lambda p: (-len(p), abs(min(p)[1] - min(p)[0] - anchor.start)))
    best: tuple[float, tuple[int, int]] | None = None
    enough = len(ranked[0]) / 3  # a place with far fewer votes than the best is not worth scoring
    for place in ranked[:windows]:
        if len(place) < enough:
            break
        found = _locate(text, quote, place, slack)
        if found is None:
            continue
        rng, quote_score = found
        score = quote_score * 2 + _context_similarity(text, rng, anchor) - abs(rng[0] - anchor.start) / (
            10 * max(1, len(text))
        )
        if best is None or score > best[0]:
            best = (score, rng)
    if best is None:
        return None
    exact = _exact_ends(text, quote, *best[1])
    if exact is None or Indel.normalized_similarity(text[exact[0] : exact[1]], quote) < FUZZY_THRESHOLD:
        return None
    return exact


def _locate(text: str, quote: str, place: list[tuple[int, int]], slack: int) -> tuple[tuple[int, int], float] | None:
    """Where in this place the quote best fits, and how well (0..1), by rapidfuzz."""
    length = len(quote)
    # The start from the vote of the piece nearest the quote's start, the end from the furthest.
    off, pos = min(place)
    first = pos - off
    off, pos = max(place)
    predicted_end = max(first + 1, pos + (length - off))
    if length <= PARTIAL_LIMIT:
        lo = max(0, first - slack)
        hi = min(len(text), max(first + length, predicted_end) + slack)
        found = fuzz.partial_ratio_alignment(quote, text[lo:hi], score_cutoff=FUZZY_THRESHOLD * 100)
        if found is None:
            return None
        return (lo + found.dest_start, lo + found.dest_end), found.score / 100
    start, end = max(0, first), min(len(text), predicted_end)
    if end <= start:
        return None
    score = Indel.normalized_similarity(text[start:end], quote, score_cutoff=FUZZY_THRESHOLD)
    return ((start, end), score) if score else None


def _exact_ends(text: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    """Exact boundaries for a located match: difflib's matching blocks over the
    whole window for a short quote, else over short windows at each end."""
    length = len(quote)
    if length <= 2 * EDGE:
        found = _best_window(text, max(0, start - EDGE // 4), min(len(text), end + EDGE // 4), quote)
        return found[0] if found else None
    head = _blocks(text, max(0, start - EDGE), min(len(text), start + 2 * EDGE), quote[:EDGE])
    tail = _blocks(text, max(0, end - 2 * EDGE), min(len(text), end + EDGE), quote[-EDGE:])
    if head:
        start = head[0]
    if tail:
        end = tail[1]
    start, end = trim_range(text, start, end)
    return (start, end) if end > start else None


def _blocks(text: str, lo: int, hi: int, part: str) -> tuple[int, int] | None:
    """The span of `text[lo:hi]` that difflib matches to `part`."""
    matcher = SequenceMatcher(None, text[lo:hi], part, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    return lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size


def _occurrences(text: str, needle: str, limit: int) -> list[int]:
    found: list[int] = []
    pos = text.find(needle)
    while pos != -1 and len(found) < limit:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def _best_window(text: str, lo: int, hi: int, quote: str) -> tuple[tuple[int, int], float] | None:
    span = _blocks(text, lo, hi, quote)
    if span is None:
        return None
    start, end = trim_range(text, *span)
    if end <= start:
        return None
    return (start, end), Indel.normalized_similarity(text[start:end], quote)


def _context_similarity(text: str, rng: tuple[int, int], anchor: Anchor) -> float:
    start, end = rng
    score = 0.0
    if anchor.prefix:
        before = text[max(0, start - len(anchor.prefix)) : start]
        score += Indel.normalized_similarity(before, anchor.prefix) * 0.5
    if anchor.suffix:
        after = text[end : end + len(anchor.suffix)]
        score += Indel.normalized_similarity(after, anchor.suffix) * 0.5
    return score
