"""Finding saved pages on disk and reading each kind into one shape.

Kinds: plain HTML, "Web page, complete" (page.html + page_files/), SingleFile
(images inlined as data: URIs) and MHTML (.mht/.mhtml, a MIME multipart).
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.policy
import html as html_lib
import os
import re
import stat
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from pathlib import Path

from reader.core.importing.controls import markup_without_controls
from reader.core.importing.decode import decode_html, sniff_utf16

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
MHTML_SUFFIXES = frozenset({".mhtml", ".mht"})
PAGE_SUFFIXES = HTML_SUFFIXES | MHTML_SUFFIXES
MAX_PAGE_BYTES = 50 * 1024 * 1024
# Per image; images.py also limits pixels and an article's total.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
# Real articles have a few thousand elements (at most ~10,000 in the shared
# corpus); a page with more is a generated trap that would take minutes.
MAX_ELEMENTS = 150_000


class ImportFailure(Exception):
    """A page cannot be imported; the message is the reason shown to the user."""


@dataclass
class Resource:
    data: bytes
    mime: str | None = None
    # Bytes of an image over MAX_IMAGE_BYTES, left unread (data is then empty).
    oversize: int = 0


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


# A reason starting so is not a failure: the file was left out on purpose.
SKIPPED = "skipped: "


def find_pages(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str | None]]:
    """Yield (path, None) for each page to import, (path, reason) for each skipped one.

    Folders are searched recursively (symlink loops are not followed twice);
    the contents of a page's `_files` folder are resources, not pages.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for page, reason in _walk_folder(path):
                found = True
                yield page, reason
            if not found:
                yield path, "no saved pages (.html, .htm, .xhtml, .shtml, .mhtml, .mht) in this folder"
        elif not path.exists():
            yield path, "a broken or looping symbolic link" if path.is_symlink() else "file not found"
        else:
            yield path, _skip_reason(path)


def _walk_folder(root: Path) -> Iterator[tuple[Path, str | None]]:
    seen: set[tuple[int, int]] = set()
    inside = os.path.realpath(root)
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
            if entry.is_symlink():
                # A link inside a dropped folder may lead anywhere (/etc, the
                # folder's own parent): only what stays inside it is imported.
                target = os.path.realpath(path)
                if target != inside and not target.startswith(inside.rstrip(os.sep) + os.sep):
                    if path.suffix.lower() in PAGE_SUFFIXES or os.path.isdir(target):
                        yield path, f"{SKIPPED}a link to {target}, outside the folder being imported"
                    continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False  # a symlink loop: reported below if it has a page's name
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
        kind = {
            ".pdf": "a PDF",
            ".png": "an image",
            ".jpg": "an image",
            ".jpeg": "an image",
            ".gif": "an image",
            ".webp": "an image",
            ".txt": "a text file",
        }.get(suffix)
        what = kind or (f"a {suffix} file" if suffix else "a file without an extension")
        return f"not a saved web page ({what}); Reader imports .html, .htm, .xhtml, .shtml, .mhtml and .mht"
    return None


def load_page(path: Path) -> SavedPage:
    """Read one saved page from disk; raise ImportFailure with a reason."""
    return page_from_bytes(path, read_page_bytes(path), _local_resolver(path))


def read_page_bytes(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a page file, refusing before reading whatever is not a sane page file."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ImportFailure("not a regular file (a device, pipe or socket)")
            # A size of 0 is not believed before reading: files under /proc say 0.
            if st.st_size > limit:
                raise ImportFailure(_too_large(st.st_size, limit))
            # Never more than the limit, even if the file grows while we read.
            data = f.read(limit + 1)
    except ImportFailure:
        raise
    except OSError as exc:
        raise ImportFailure(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ImportFailure(_too_large(len(data), limit))
    if not data:
        raise ImportFailure("empty file (0 bytes)")
    return data


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size / 1048576:.0f} MB; the limit is {limit // 1048576} MB)"


def page_from_bytes(
    path: Path, data: bytes, resolve_local: Callable[[str], Resource | None] | None = None
) -> SavedPage:
    """Read a saved page from its bytes; `resolve_local` finds images it links to."""
    if not data.strip():
        raise ImportFailure("the file holds only whitespace")
    if _looks_like_mime(data) or (path.suffix.lower() in MHTML_SUFFIXES and not _looks_like_markup(data)):
        return _load_mhtml(path, data)
    if _looks_binary(data):
        raise ImportFailure("not a web page: the file holds binary data")
    decoded = decode_html(data)
    if not _HAS_TAG.search(decoded, 0, 1 << 20):
        raise ImportFailure("not a web page: no HTML markup in the file")
    html = check_markup(decoded)
    url, saved_at = source_url_from_comments(html)
    resolve = resolve_local or (lambda src: decode_data_uri(src) if src.startswith("data:") else None)
    if _files_folder(path) is not None:
        kind = "complete"
    else:
        kind = "singlefile" if "data:image/" in html else "html"
    return SavedPage(path=path, original=data, html=html, kind=kind, url=url, saved_at=saved_at, resolve=resolve)


_HAS_TAG = re.compile(r"<[A-Za-z!?/]")


def _looks_like_mime(data: bytes) -> bool:
    head = data[:4000].lower()
    return b"multipart/related" in head and b"mime-version" in head


def _looks_like_markup(data: bytes) -> bool:
    """An HTML page (perhaps misnamed .mht): it starts with a tag, comment or doctype."""
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF")):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or sniff_utf16(data):
        return False  # UTF-16 text: NUL bytes are expected
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # in C, not a loop over bytes
    return controls > len(head) * 0.1


_CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\s*\d+\s*\)\s*(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s*(.*?)-->", re.I | re.S)
_JS_DATE = re.compile(r"\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")


def source_url_from_comments(html: str) -> tuple[str | None, str | None]:
    """The URL (and save date) a browser or SingleFile wrote in a comment.

    Only web addresses count: Internet Explorer writes `about:internet` for
    pages saved from disk, and a local file path is no source.
    """
    head = html[:20000]
    single = _SINGLEFILE.search(head)
    if single:
        fields = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in single.group(1).splitlines())
            if v.strip()
        )
        return web_url(fields.get("url")), _saved_date(fields.get("saved date"))
    saved = _SAVED_FROM.search(head)
    if saved:
        return web_url(saved.group(1)), None
    return None, None


def web_url(value: str | None) -> str | None:
    value = html_lib.unescape((value or "").strip())
    if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
        return None
    parsed = urllib.parse.urlsplit(value)
    return value if parsed.netloc else None


def _saved_date(value: str | None) -> str | None:
    """SingleFile writes JavaScript's Date.toString(); give ISO 8601."""
    if not value:
        return None
    match = _JS_DATE.search(value)
    if match:
        try:
            return datetime.strptime(" ".join(match.groups()), "%b %d %Y %H:%M:%S %z").isoformat()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return value[:100]


# -- markup that would defeat the parser ---------------------------------------

_START_TAG = re.compile(r"<[A-Za-z]")


def check_markup(html: str) -> str:
    """Refuse pages with absurdly many elements.

    Control characters, raw or as character references, are removed first
    (controls.py): they show nothing, and the tree library refuses text holding
    them. Pages nested too deeply are flattened where they are parsed (depth.py),
    from the tree the extraction builds anyway.
    """
    html = markup_without_controls(html)
    if html.count("<") > MAX_ELEMENTS:
        elements = len(_START_TAG.findall(html))
        if elements > MAX_ELEMENTS:
            raise ImportFailure(
                f"the page has too many elements ({elements:,}; the limit is {MAX_ELEMENTS:,}) to be an article"
            )
    return html


def _files_folder(path: Path) -> Path | None:
    stem = path.stem
    for name in (f"{stem}_files", f"{stem}.files", f"{stem}-Dateien"):
        candidate = path.with_name(name)
        try:
            if candidate.is_dir():
                return candidate
        except OSError:
            continue  # the name would be too long, or a link loop: no such folder
    return None


def _local_resolver(page: Path) -> Callable[[str], Resource | None]:
    base = page.parent.resolve()

    def resolve(src: str) -> Resource | None:
        if src.startswith("data:"):
            return decode_data_uri(src)
        parsed = urllib.parse.urlsplit(src)
        if parsed.scheme not in ("", "file") or parsed.netloc:
            return None  # remote: never fetched
        try:
            target = (page.parent / urllib.parse.unquote(parsed.path)).resolve()
        except (OSError, RuntimeError, ValueError):
            return None  # a link loop or an impossible name: that image is skipped, not the page
        # Only files beside the page (its _files folder included): a hostile
        # page must not pull arbitrary local files into the library.
        if base not in target.parents:
            return None
        try:
            if not target.is_file():
                return None
            size = target.stat().st_size
            if size > MAX_IMAGE_BYTES:
                return Resource(b"", oversize=size)
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
        return Resource(b"", mime, oversize=len(data))
    return Resource(data, mime)


def _load_mhtml(path: Path, data: bytes) -> SavedPage:
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        return _read_mhtml(path, data, message)
    except ImportFailure:
        raise
    except RecursionError:
        raise ImportFailure("malformed MHTML: its parts are nested too deeply") from None
    except Exception as exc:  # the email package raises many kinds on junk
        raise ImportFailure(f"malformed MHTML: {exc}") from None


def _read_mhtml(path: Path, data: bytes, message: Message) -> SavedPage:
    if not message.is_multipart():
        raise ImportFailure("malformed MHTML: not a multipart message")
    html_text: str | None = None
    html_location: str | None = None
    parts: dict[str, Resource] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""  # None for a multipart part
        except Exception:
            continue
        ctype = part.get_content_type()
        location = part.get("Content-Location")
        content_id = part.get("Content-ID")
        if ctype in ("text/html", "application/xhtml+xml") and html_text is None:
            if any(isinstance(d, _BASE64_DEFECTS) for d in part.defects):
                raise ImportFailure("malformed MHTML: the page's part is damaged (invalid base64)")
            if _looks_binary(payload):
                raise ImportFailure("malformed MHTML: the page's part holds binary data")
            html_text = decode_html(payload, declared=_part_charset(part))
            html_location = location
            continue
        resource = Resource(payload, ctype) if len(payload) <= MAX_IMAGE_BYTES else Resource(b"", ctype, len(payload))
        if location:
            parts[location.strip()] = resource
        if content_id:
            parts["cid:" + content_id.strip().strip("<>")] = resource
    if html_text is None or not html_text.strip():
        raise ImportFailure("malformed MHTML: no HTML part")
    html_text = check_markup(html_text)
    base = (html_location or message.get("Snapshot-Content-Location") or "").strip()
    url = web_url(base) or source_url_from_comments(html_text)[0]

    def resolve(src: str) -> Resource | None:
        if src.startswith("data:"):
            return decode_data_uri(src)
        if src in parts:
            return parts[src]
        try:
            absolute = urllib.parse.urljoin(base, src)
        except ValueError:
            return None
        return parts.get(absolute)

    return SavedPage(path=path, original=data, html=html_text, kind="mhtml", url=url, resolve=resolve)


_BASE64_DEFECTS = (
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
    email.errors.InvalidBase64LengthDefect,
)


def _part_charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # a malformed header
        return None
