"""Short texts of an article's meta line, shared by the list and the reading view: the site's
host and a day. Plain Python: the list imports it before the first paint, without the reading
view's HTML machinery."""

from __future__ import annotations

import re
from datetime import datetime


def format_date(value: str | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        day = value
    else:
        try:
            day = datetime.fromisoformat(value.strip()[:25])
        except ValueError:
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
            if not match:
                return value.strip()[:40]
            day = datetime(int(match[1]), int(match[2]), int(match[3]))
    return f"{day.day} {day:%b %Y}"


def host(url: str | None) -> str:
    """The host of `url` without "www." ("" for none or a malformed one)."""
    if not url:
        return ""
    from urllib.parse import urlsplit

    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name[4:] if name.startswith("www.") else name
