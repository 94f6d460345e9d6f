"""When a page was published, from <time>, meta tags and JSON-LD, as ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml.html import HtmlElement

from reader.core.importing.textbits import _text


def _time_element(root: HtmlElement) -> str | None:
    best = None
    for el in root.iter("time"):
        value = el.get("datetime") or ""
        if not value.strip():
            continue
        if el.get("pubdate") is not None or "datePublished" in (el.get("itemprop") or ""):
            return value
        if best is None:
            best = value
    if best:
        return best
    for el in root.iterfind(".//*[@itemprop='datePublished']"):
        value = el.get("content") or el.get("datetime") or _text(el)
        if value:
            return value
    return None


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for the date forms pages use; None when it is not a date."""
    if not value:
        return None
    s = value.strip()
    if not s:
        return None
    if re.fullmatch(r"\d{10}(?:\d{3})?", s):  # Unix time (s or ms)
        try:
            ts = int(s[:10])
            return datetime.fromtimestamp(ts, tz=UTC).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) or re.fullmatch(r"\d{4}-\d{2}", s):
        return s
    # fromisoformat (3.11) reads "Z", "+0100", " +01:00" and any number of fractional
    # digits itself; only runs of spaces are not ISO.
    candidate = re.sub(r"\s+([+-]\d{2}:?\d{2})$", r" \1", s)
    candidate = re.sub(r"^(\d{4}-\d{2}-\d{2})\s+", r"\1T", candidate)
    try:
        dt = datetime.fromisoformat(candidate)
        return _iso(dt)
    except ValueError:
        pass
    try:
        dt = parsedate_to_datetime(s)
        if dt is not None:
            return _iso(dt)
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", s) or re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return m.group(0)
    return None


def _iso(dt: datetime) -> str:
    out = dt.isoformat()
    return out[:-6] + "Z" if out.endswith("+00:00") else out


def _first_date(*values: object) -> str | None:
    for value in values:
        iso = normalize_date(value) if isinstance(value, str) else None
        if iso:
            return iso
    return None
