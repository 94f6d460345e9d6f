"""Bring a page's local images into the library; drop the rest (never fetched).

An image dropped where it was a value, not an illustration, leaves its alt text as
plain text (see `alt_trace`): a support matrix of tick images read as blank cells.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from lxml.html import HtmlElement

from reader.core.importing.formats import MAX_IMAGE_BYTES, Resource

MAX_IMAGES = 200
# Pixels, not bytes, decide what showing an image costs: a 100 kB PNG can
# claim 50,000 x 50,000 pixels and ask the reading view for 10 GB.
MAX_PIXELS = 40_000_000
MAX_SIDE = 20_000
# All images of one article: 200 images of 19 MB would put 4 GB into memory
# and library.db.
MAX_ARTICLE_IMAGE_BYTES = 60 * 1024 * 1024

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


def image_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from the image's header, or None if the header is broken."""
    try:
        if mime == "image/png":
            if data[12:16] != b"IHDR":
                return None
            return struct.unpack(">II", data[16:24])
        if mime == "image/gif":
            return struct.unpack("<HH", data[6:10])
        if mime == "image/bmp":
            width, height = struct.unpack("<ii", data[18:26])
            return abs(width), abs(height)
        if mime == "image/webp":
            chunk = data[12:16]
            if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                width, height = struct.unpack("<HH", data[26:30])
                return width & 0x3FFF, height & 0x3FFF
            if chunk == b"VP8L" and data[20:21] == b"\x2f":
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if chunk == b"VP8X":
                return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
            return None
        if mime == "image/jpeg":
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    end = min(len(data), 4_000_000)
    while i + 9 < end:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if length < 2:
            return None
        i += 2 + length
    return None


def _complete(data: bytes, mime: str) -> bool:
    """The image's end marker is there (a truncated download has none)."""
    if mime == "image/png":
        return b"IEND" in data[-64:]
    if mime == "image/jpeg":
        return b"\xff\xd9" in data[-4096:]
    return True


def usable_image(data: bytes) -> tuple[str, str] | None:
    """(mime, extension) if the bytes are an image worth keeping: a known raster
    format, a readable header, not a tracking pixel, not a pixel bomb."""
    kind, _ = check_image(data)
    return kind


def check_image(data: bytes) -> tuple[tuple[str, str] | None, str | None]:
    """(mime, extension) of an image worth keeping, else None and, when the image
    is refused for its size (not for being broken or a tracking pixel), why."""
    kind = sniff_image(data)
    if kind is None:
        return None, None
    size = image_size(data, kind[0])
    if size is None or not _complete(data, kind[0]):
        return None, None  # broken or cut short: the reading view could not show it
    width, height = size
    if width <= 2 and height <= 2:
        return None, None  # a tracking pixel or spacer
    if width == 0 or height == 0:
        return None, None
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        return None, (
            f"{width:,} x {height:,} pixels; the limit is {MAX_PIXELS // 1_000_000} million pixels "
            f"and {MAX_SIDE:,} per side"
        )
    return kind, None


def image_source(img: HtmlElement) -> str:
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


def localize_images(root: HtmlElement, resolve: Callable[[str], Resource | None]) -> tuple[list[Asset], list[str]]:
    """Point each <img> at a library asset; remove images that are not local.

    Returns the assets and one line for each image skipped for its size (per
    image: bytes and pixels; per article: bytes and count), naming the image.
    """
    assets: dict[str, Asset] = {}
    skipped: list[str] = []
    total = 0
    images = list(root.iter("img"))
    # decided before any image is replaced: a cell's text must not include another image's trace
    traces = {img: alt_trace(img) for img in images}
    for img in images:
        src = image_source(img)
        resource = resolve(src) if src else None
        kind, why = None, None
        if resource is not None and resource.oversize:
            why = f"{_mb(resource.oversize)}; the limit is {_mb(MAX_IMAGE_BYTES)} per image"
        elif resource is not None:
            kind, why = check_image(resource.data)
        if (
            kind
            and resource is not None
            and resource.data
            and f"{hashlib.sha256(resource.data).hexdigest()[:24]}.{kind[1]}" not in assets
        ):
            if len(assets) >= MAX_IMAGES:
                kind, why = None, f"the article already has {MAX_IMAGES} images, the limit"
            elif total + len(resource.data) > MAX_ARTICLE_IMAGE_BYTES:
                kind, why = (
                    None,
                    f"the article's images would pass {_mb(MAX_ARTICLE_IMAGE_BYTES)}, the limit per article",
                )
        if not kind or resource is None:  # a kind is only found in a resource
            if why:
                skipped.append(f"image skipped: {image_name(src)} ({why})")
            remove_image(img, traces[img])
            continue
        mime, ext = kind
        name = f"{hashlib.sha256(resource.data).hexdigest()[:24]}.{ext}"
        if name not in assets:
            assets[name] = Asset(name, mime, resource.data, src)
            total += len(resource.data)
        for attr in ("srcset", "data-src", "data-srcset", "sizes", "loading"):
            img.attrib.pop(attr, None)
        img.set("src", "asset:" + name)
    for source in list(root.iter("source")):
        source.drop_tree()
    return list(assets.values()), list(dict.fromkeys(skipped))


def image_name(src: str) -> str:
    """An image as the user knows it: its file name, or what kind of data: URI."""
    if src.startswith("data:"):
        return f"a {src[5:].split(',', 1)[0].split(';', 1)[0] or 'data:'} image inlined in the page"
    path = urllib.parse.urlsplit(src).path if "://" in src else src.split("?", 1)[0]
    name = urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[-1]) or src
    return "".join(c if c.isprintable() else "?" for c in name)[:120]


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f} MB" if size >= 1048576 else f"{size / 1024:.0f} KB"


def remove_image(img: HtmlElement, trace: str | None = None) -> None:
    """Remove an image that is not kept (its caption, if any, stays), leaving
    `trace` (its alt text, from `alt_trace`) as plain text in its place."""
    parent = img.getparent()
    if parent is None:
        return
    text = (trace or "") + (img.tail or "")
    if text:
        prev = img.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    parent.remove(img)


# A value in a cell is a word or a few ("yes", "Not supported", "Windows"); longer alt
# text describes a picture ("A map of the harbour"), as does a size over an icon's.
MAX_TRACE_CHARS = 40
MAX_TRACE_WORDS = 4
MAX_ICON_PIXELS = 64
_PIXELS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(?:max-)?(?:width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_FILE_NAME = re.compile(r"^[\w.+~-]+\.(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?|avif)$", re.I)
_SPACES = re.compile(r"\s+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:\S")  # data:, javascript:, mailto:...


def alt_trace(img: HtmlElement) -> str | None:
    """The alt text to leave in an image's place if it is not kept, or None.

    Only where the image is a value: the whole content of a table cell (a tick
    "yes"/"no", an icon naming a platform), or an emoji in a line of text. Elsewhere
    alt text describes a picture, and would become words of the article (its text,
    search, word count, highlights) that the author did not write as text, which
    readability tools leave out for the same reason. Never a file name or an address.
    """
    alt = _SPACES.sub(" ", "".join(c for c in img.get("alt") or "" if c.isprintable() or c.isspace())).strip()
    if not alt or len(alt) > MAX_TRACE_CHARS or _FILE_NAME.match(alt) or _address(alt, image_source(img)):
        return None
    if _emoji(alt):
        return alt
    cell = next(img.iterancestors("td", "th"), None)
    if cell is None or "".join(cell.itertext()).strip():
        return None  # outside a table, or a cell with words of its own (an icon beside its label)
    if len(alt.split()) > MAX_TRACE_WORDS or _declared_size(img) > MAX_ICON_PIXELS:
        return None  # a picture alone in its cell (an infobox's map), not a value
    # the cell holds only images: this one's alt, set apart from its neighbours'
    return alt if _first_image_of(cell, img) else " " + alt


def _address(alt: str, src: str) -> bool:
    """The alt is the image's address or its file's name (what a page generator writes
    when it has nothing to say; a bare stem like "no" of no.png is a value, kept)."""
    lower = alt.lower()
    if "://" in lower or lower.startswith(("www.", "/", "./", "../")) or _SCHEME.match(lower):
        return True
    return bool(src) and not src.startswith("data:") and lower == image_name(src).lower()


def _declared_size(img: HtmlElement) -> float:
    """The larger side the page declares for the image in pixels (attributes or style), 0 if none."""
    sizes = [float(m.group(1)) for m in map(_PIXELS.match, (img.get("width") or "", img.get("height") or "")) if m]
    sizes += [float(value) for value in _STYLE_SIZE.findall(img.get("style") or "")]
    return max(sizes, default=0.0)


def _emoji(alt: str) -> bool:
    """An emoji drawn as an image (WordPress, Twitter): symbols only, at least one pictograph."""
    return (
        len(alt) <= 8
        and any(unicodedata.category(c) == "So" for c in alt)
        and not any(unicodedata.category(c)[0] in "LN" for c in alt)
    )


def _first_image_of(cell: HtmlElement, img: HtmlElement) -> bool:
    return next(cell.iter("img"), None) is img
