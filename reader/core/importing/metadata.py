"""Article metadata from the page head: OpenGraph, meta tags, canonical links."""

from __future__ import annotations


def meta_content(root, *names: str) -> str | None:
    """The first non-empty <meta property|name=...> content among `names`."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key in wanted and value and key not in found:
            found[key] = value
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return None


def canonical_url(root) -> str | None:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    url = meta_content(root, "og:url")
    return url if url and url.startswith(("http://", "https://")) else None
