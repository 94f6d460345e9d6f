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
from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT_CHARS = 32
FUZZY_THRESHOLD = 0.75  # how much of the quote must survive for a fuzzy match
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
    """Text with whitespace runs collapsed to one space, mapped back to the original."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i = 0
        for match in _WS.finditer(text):
            for j in range(i, match.start()):
                chars.append(text[j])
                starts.append(j)
                ends.append(j + 1)
            chars.append(" ")
            starts.append(match.start())
            ends.append(match.end())
            i = match.end()
        for j in range(i, len(text)):
            chars.append(text[j])
            starts.append(j)
            ends.append(j + 1)
        self.text = "".join(chars)
        self.starts = starts
        self.ends = ends

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def squeeze(value: str) -> str:
    return _WS.sub(" ", value)


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of `quote` in `text`, ignoring differences in whitespace."""
    needle = squeeze(quote).strip()
    if not needle:
        return []
    squeezed = _Squeezed(text)
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
    quote = anchor.quote
    length = len(quote)
    starts = set()
    # Seeds: pieces of the quote that survived, and the context around it.
    piece = max(6, min(24, length // 4))
    for offset in range(0, max(1, length - piece + 1), max(1, piece // 2)):
        chunk = quote[offset : offset + piece]
        if not chunk.strip():
            continue
        for pos in _occurrences(text, chunk, limit=20):
            starts.add(pos - offset)
    if anchor.prefix.strip():
        for pos in _occurrences(text, anchor.prefix, limit=20):
            starts.add(pos + len(anchor.prefix))
    if anchor.suffix.strip():
        for pos in _occurrences(text, anchor.suffix, limit=20):
            starts.add(pos - length)
    best: tuple[float, tuple[int, int]] | None = None
    slack = max(8, length // 3)
    for seed in sorted(starts, key=lambda s: abs(s - anchor.start))[:60]:
        lo = max(0, seed - slack)
        hi = min(len(text), seed + length + slack)
        found = _best_window(text, lo, hi, quote)
        if found is None:
            continue
        rng, quote_score = found
        if quote_score < FUZZY_THRESHOLD:
            continue
        score = quote_score * 2 + _context_similarity(text, rng, anchor) - abs(rng[0] - anchor.start) / (
            10 * max(1, len(text))
        )
        if best is None or score > best[0]:
            best = (score, rng)
    return best[1] if best else None


def _occurrences(text: str, needle: str, limit: int) -> list[int]:
    found = []
    pos = text.find(needle)
    while pos != -1 and len(found) < limit:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def _best_window(text: str, lo: int, hi: int, quote: str) -> tuple[tuple[int, int], float] | None:
    window = text[lo:hi]
    matcher = SequenceMatcher(None, window, quote, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    start = lo + blocks[0].a
    end = lo + blocks[-1].a + blocks[-1].size
    start, end = trim_range(text, start, end)
    if end <= start:
        return None
    ratio = SequenceMatcher(None, text[start:end], quote, autojunk=False).ratio()
    return (start, end), ratio


def _context_similarity(text: str, rng: tuple[int, int], anchor: Anchor) -> float:
    start, end = rng
    score = 0.0
    if anchor.prefix:
        before = text[max(0, start - len(anchor.prefix)) : start]
        score += SequenceMatcher(None, before, anchor.prefix, autojunk=False).ratio() * 0.5
    if anchor.suffix:
        after = text[end : end + len(anchor.suffix)]
        score += SequenceMatcher(None, after, anchor.suffix, autojunk=False).ratio() * 0.5
    return score
