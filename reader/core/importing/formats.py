"""Finding saved pages on disk and reading each kind into one shape.

Kinds: plain HTML, "Web page, complete" (page.html + page_files/), SingleFile
(images inlined as data: URIs) and MHTML (.mht/.mhtml, a MIME multipart).
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.importing.decode import decode_html

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
MHTML_SUFFIXES = frozenset({".mhtml", ".mht"})
PAGE_SUFFIXES = HTML_SUFFIXES | MHTML_SUFFIXES
MAX_PAGE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024


class ImportFailure(Exception):
    """A page cannot be imported; the message is the reason shown to the user."""


@dataclass
class Resource:
    data: bytes
    mime: str | None = None


@dataclass
class SavedPage:
    path: Path
    original: bytes  # the bytes as saved, kept for re-extraction
    html: str
    kind: str  # "html" | "complete" | "singlefile" | "mhtml"
    url: str | None = None  # where the page was saved from, if the save says
    saved_at: str | None = None
    # Resolves an <img src> as written in the page to local bytes, or None.
    resolve: Callable[[str], Resource | None] = field(default=lambda src: None, repr=False)


def find_pages(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str | None]]:
    """Yield (path, None) for each page to import, (path, reason) for each skipped one.

    Folders are searched recursively (symlink loops are not followed twice);
    the contents of a page's `_files` folder are resources, not pages.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for page, reason in _walk_folder(path):
                found = found or reason is None
                yield page, reason
            if not found:
                yield path, "no saved pages (.html, .htm, .xhtml, .shtml, .mhtml, .mht) in this folder"
        elif not path.exists():
            yield path, "file not found"
        else:
            yield path, _skip_reason(path)


def _walk_folder(root: Path) -> Iterator[tuple[Path, str | None]]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield folder, f"cannot open folder: {exc.strerror or exc}"
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue  # a symlink loop or a second link to a folder already searched
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"cannot open folder: {exc.strerror or exc}"
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if not _is_resource_folder(path):
                    subfolders.append(path)
            elif path.suffix.lower() in PAGE_SUFFIXES and not path.name.startswith("."):
                yield path, _skip_reason(path)
        stack.extend(reversed(subfolders))


def _is_resource_folder(path: Path) -> bool:
    name = path.name
    return name.endswith("_files") or name.endswith(".files") or name.endswith("-Dateien")


def _skip_reason(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix not in PAGE_SUFFIXES:
        kind = {".pdf": "a PDF", ".png": "an image", ".jpg": "an image", ".jpeg": "an image",
                ".gif": "an image", ".webp": "an image", ".txt": "a text file"}.get(suffix)
        what = kind or (f"a {suffix} file" if suffix else "a file without an extension")
        return f"not a saved web page ({what}); Reader imports .html, .htm, .xhtml, .shtml, .mhtml and .mht"
    return None


def load_page(path: Path) -> SavedPage:
    """Read one saved page from disk; raise ImportFailure with a reason."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(f"cannot read file: {exc.strerror or exc}") from None
    if size == 0:
        raise ImportFailure("empty file (0 bytes)")
    if size > MAX_PAGE_BYTES:
        raise ImportFailure(f"file too large ({size / 1048576:.0f} MB; the limit is {MAX_PAGE_BYTES // 1048576} MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"cannot read file: {exc.strerror or exc}") from None
    return page_from_bytes(path, data, _local_resolver(path))


def page_from_bytes(
    path: Path, data: bytes, resolve_local: Callable[[str], Resource | None] | None = None
) -> SavedPage:
    """Read a saved page from its bytes; `resolve_local` finds images it links to."""
    if not data.strip():
        raise ImportFailure("the file holds only whitespace")
    if path.suffix.lower() in MHTML_SUFFIXES or _looks_like_mime(data):
        return _load_mhtml(path, data)
    if _looks_binary(data):
        raise ImportFailure("not a web page: the file holds binary data")
    html = decode_html(data)
    url, saved_at = source_url_from_comments(html)
    resolve = resolve_local or (lambda src: decode_data_uri(src) if src.startswith("data:") else None)
    if _files_folder(path) is not None:
        kind = "complete"
    else:
        kind = "singlefile" if "data:image/" in html else "html"
    return SavedPage(path=path, original=data, html=html, kind=kind, url=url, saved_at=saved_at, resolve=resolve)


def _looks_like_mime(data: bytes) -> bool:
    head = data[:4000].lower()
    return b"multipart/related" in head and b"mime-version" in head


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF")):
        return True
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.1


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s*(.*?)-->", re.I | re.S)


def source_url_from_comments(html: str) -> tuple[str | None, str | None]:
    """The URL (and save date) a browser or SingleFile wrote in a comment."""
    head = html[:20000]
    single = _SINGLEFILE.search(head)
    if single:
        fields = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in single.group(1).splitlines())
            if v
        )
        return fields.get("url") or None, fields.get("saved date") or None
    saved = _SAVED_FROM.search(head)
    if saved:
        return saved.group(1), None
    return None, None


def _files_folder(path: Path) -> Path | None:
    stem = path.stem
    for name in (f"{stem}_files", f"{stem}.files", f"{stem}-Dateien"):
        candidate = path.with_name(name)
        if candidate.is_dir():
            return candidate
    return None


def _local_resolver(page: Path) -> Callable[[str], Resource | None]:
    base = page.parent.resolve()

    def resolve(src: str) -> Resource | None:
        if src.startswith("data:"):
            return decode_data_uri(src)
        parsed = urllib.parse.urlsplit(src)
        if parsed.scheme not in ("", "file") or parsed.netloc:
            return None  # remote: never fetched
        target = (page.parent / urllib.parse.unquote(parsed.path)).resolve()
        # Only files beside the page (its _files folder included): a hostile
        # page must not pull arbitrary local files into the library.
        if base not in target.parents:
            return None
        try:
            if not target.is_file() or target.stat().st_size > MAX_IMAGE_BYTES:
                return None
            return Resource(target.read_bytes())
        except OSError:
            return None

    return resolve


def decode_data_uri(src: str) -> Resource | None:
    header, sep, payload = src[5:].partition(",")
    if not sep:
        return None
    parts = header.split(";")
    mime = parts[0].strip().lower() or None
    try:
        if "base64" in (p.strip().lower() for p in parts[1:]):
            data = base64.b64decode(payload, validate=False)
        else:
            data = urllib.parse.unquote_to_bytes(payload)
    except ValueError:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        return None
    return Resource(data, mime)


def _load_mhtml(path: Path, data: bytes) -> SavedPage:
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as exc:  # the email package raises many kinds on junk
        raise ImportFailure(f"malformed MHTML: {exc}") from None
    if not message.is_multipart():
        raise ImportFailure("malformed MHTML: not a multipart message")
    html_text: str | None = None
    html_location: str | None = None
    parts: dict[str, Resource] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:
            continue
        ctype = part.get_content_type()
        location = part.get("Content-Location")
        content_id = part.get("Content-ID")
        if ctype in ("text/html", "application/xhtml+xml") and html_text is None:
            charset = part.get_content_charset()
            html_text = _decode_part(payload, charset)
            html_location = location
            continue
        resource = Resource(payload, ctype)
        if location:
            parts[location.strip()] = resource
        if content_id:
            parts["cid:" + content_id.strip().strip("<>")] = resource
    if html_text is None:
        raise ImportFailure("malformed MHTML: no HTML part")
    url = html_location or message.get("Snapshot-Content-Location")

    def resolve(src: str) -> Resource | None:
        if src.startswith("data:"):
            return decode_data_uri(src)
        if src in parts:
            return parts[src]
        absolute = urllib.parse.urljoin(url or "", src)
        return parts.get(absolute)

    return SavedPage(path=path, original=data, html=html_text, kind="mhtml", url=url, resolve=resolve)


def _decode_part(payload: bytes, charset: str | None) -> str:
    if charset:
        try:
            text = payload.decode(charset)
            if charset.lower() in ("utf-8", "utf8") or payload.isascii():
                return text
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_html(payload)
