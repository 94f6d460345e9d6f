"""Bring a page's local images into the library; drop the rest (never fetched)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from reader.core.importing.formats import Resource

MAX_IMAGES = 200

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"BM", "image/bmp", "bmp"),
)


@dataclass(frozen=True)
class Asset:
    name: str  # "<sha256 prefix>.<ext>", referenced as src="asset:<name>"
    mime: str
    data: bytes
    source: str  # the src as written in the saved page


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(mime, extension) of a raster image we can show, from its bytes."""
    for signature, mime, ext in _SIGNATURES:
        if data.startswith(signature):
            return mime, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None  # SVG is refused on purpose: it can carry script


def image_source(img) -> str:
    """The best src of an <img>, including lazy-loading attributes."""
    for attr in ("src", "data-src", "data-original", "data-lazy-src", "data-srcset", "srcset"):
        value = (img.get(attr) or "").strip()
        if not value:
            continue
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        if value.startswith("data:image/gif") and len(value) < 200 and attr == "src":
            continue  # a 1x1 placeholder of a lazy loader
        return value
    return ""


def localize_images(root, resolve: Callable[[str], Resource | None]) -> list[Asset]:
    """Point each <img> at a library asset; remove images that are not local."""
    assets: dict[str, Asset] = {}
    for img in list(root.iter("img")):
        src = image_source(img)
        resource = resolve(src) if src else None
        kind = sniff_image(resource.data) if resource else None
        if not kind or len(assets) >= MAX_IMAGES:
            _remove_image(img)
            continue
        mime, ext = kind
        name = f"{hashlib.sha256(resource.data).hexdigest()[:24]}.{ext}"
        assets.setdefault(name, Asset(name, mime, resource.data, src))
        for attr in ("srcset", "data-src", "data-srcset", "sizes", "loading"):
            img.attrib.pop(attr, None)
        img.set("src", "asset:" + name)
    for source in list(root.iter("source")):
        source.drop_tree()
    return list(assets.values())


def _remove_image(img) -> None:
    parent = img.getparent()
    if parent is None:
        return
    if img.tail:
        prev = img.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + img.tail
        else:
            parent.text = (parent.text or "") + img.tail
    parent.remove(img)
