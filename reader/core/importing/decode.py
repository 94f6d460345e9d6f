"""Bytes of a saved page to text: honour BOM and declarations, but verify them.

Order of evidence, strongest first:

1. a byte-order mark;
2. bytes that are valid UTF-8 (a legacy declaration over UTF-8 bytes is the
   commonest lie: pages re-saved by editors keep their old meta tag);
3. the transport charset (an MHTML part's header) or the page's own XML
   declaration / meta charset, if the bytes decode under it;
4. UTF-8 with a little damage (a truncated download, a windows-1252 snippet
   pasted into a UTF-8 page): UTF-8, the odd bytes read as windows-1252;
5. undeclared Western text that reads naturally as windows-1252;
6. charset-normalizer's guess (Shift_JIS, GBK, KOI8-R, ...);
7. windows-1252 with replacement characters: never an exception.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers treat these labels as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"}
# A meta tag cannot truthfully declare these: it was read as ASCII (WHATWG: use UTF-8).
_NOT_DECLARABLE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

# One well-formed UTF-8 sequence of two to four bytes.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# What the non-ASCII characters of Western European text are, read as windows-1252.
_WESTERN_EXTRA = set("\u00a0€‘’“”„–—…•·«»‹›°©®™§¶¡¿£¥¢´ªº¹²³¼½¾±×÷µ†‡‰ŠŒŽšœžŸ")
_WORD = re.compile(r"\w+")


def _cp1252_for_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):  # registered for decoding only
        raise error
    if error.end >= len(error.object) and error.reason == "unexpected end of data":
        return "", error.end  # a sequence cut off by a truncated download
    return bytes(error.object[error.start : error.end]).decode("cp1252", errors="replace"), error.end


codecs.register_error("reader-cp1252", _cp1252_for_bad_bytes)


def declared_encoding(data: bytes) -> str | None:
    """The charset a page declares in its XML declaration or meta tags, normalised."""
    head = data[:8192]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return normalise(match.group(1).decode("ascii", "replace"))


def normalise(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page, preferring what is true over what is declared.

    `declared` is a transport charset (e.g. an MHTML part's), which outranks
    the page's own meta tag but is verified the same way.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    utf16 = sniff_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    if _is_utf8(data):
        # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page says:
        # decoding it as windows-1252 would give mojibake.
        return data.decode("utf-8")
    for label in (normalise(declared), declared_encoding(data)):
        if label and label not in _NOT_DECLARABLE and label != "utf-8":
            try:
                text = data.decode(label)
            except (UnicodeDecodeError, LookupError):
                continue  # the declaration is wrong: look at the bytes
            # windows-1252 decodes almost any bytes: believe it only if the
            # result reads like Western text (not Cyrillic read as "Ïðèâåò").
            if label != "cp1252" or _reads_western(text):
                return text
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="reader-cp1252")
    western = _as_western(data)
    if western is not None:
        return western
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a little damage: most high bytes form valid sequences."""
    sample = data[:1_000_000]
    sequences = _UTF8_SEQUENCE.findall(sample)
    if not sequences:
        return False
    good_bytes = sum(len(s) for s in sequences)
    bad_bytes = len(_HIGH_BYTE.findall(sample)) - good_bytes
    return len(sequences) >= bad_bytes


def _as_western(data: bytes) -> str | None:
    """The text as windows-1252 if it reads like Western European text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if _reads_western(text) else None


def _reads_western(text: str) -> bool:
    for ch in set(text):
        if not ch.isascii() and not (ch.isalpha() and "\u00c0" <= ch <= "\u00ff") and ch not in _WESTERN_EXTRA:
            return False
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return True
    # Accented letters sit inside words of ASCII letters ("café", "Größe", "à");
    # Cyrillic or Greek bytes read as windows-1252 make whole words of them.
    mixed = sum(1 for w in words if len(w) == 1 or any(c.isascii() for c in w))
    return mixed >= 0.7 * len(words)


def sniff_utf16(data: bytes) -> str | None:
    head = data[:2000]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None
