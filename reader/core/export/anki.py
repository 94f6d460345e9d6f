"""Anki decks (.apkg) built with genanki: one note per highlight.

Each note holds the quote, the note (Markdown rendered as in the window), the
article's title and a link to its page and one back into Reader. Its GUID comes
from the highlight's uid, and the note types and deck have fixed ids, so
importing a new export of the same highlights into Anki updates those notes
instead of adding copies. With `cloze` the quote is the cloze to recall
(Anki's Cloze note type), else a Basic card: the quote on the front, its source
on the back. Tags follow the Markdown rule (tagnames.py), Anki's tags having no
spaces. The deck is named after the library ("Reader") or what the caller gives
(the CLI: the tag exported).

Page text (quote, title) shows as its characters on the card: never an Anki tag
([sound:], [latex]), a cloze or MathJax math (see `_text`). The user's note may
hold math on purpose and is left to MathJax.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING, ClassVar

from reader.core import domain
from reader.core.export.common import ExportOptions, reader_link, reading_order
from reader.core.export.tagnames import TagNamer
from reader.core.notes import note_html

if TYPE_CHECKING:
    import genanki  # ships no types: mypy sees its classes as Any

# Fixed ids: Anki recognises the note types and the deck of an earlier import.
BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
FIELDS = [{"name": "Quote"}, {"name": "Note"}, {"name": "Source"}, {"name": "Reader"}]
_CSS = (
    ".card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left; }\n"
    ".source { color: #666; font-size: 0.8em; margin-top: 1em; }\n.note { margin-top: 0.8em; }"
)
_BACK = '<div class="note">{{Note}}</div><div class="source">{{Source}} · {{Reader}}</div>'


def model(cloze: bool) -> genanki.Model:
    """The note type: "Reader highlight" (Basic) or "Reader highlight (cloze)"."""
    import genanki  # only when a deck is made, not to start Reader

    if cloze:
        return genanki.Model(
            CLOZE_MODEL_ID,
            "Reader highlight (cloze)",
            fields=FIELDS,
            templates=[
                {
                    "name": "Cloze",
                    "qfmt": "<blockquote>{{cloze:Quote}}</blockquote>",
                    "afmt": "<blockquote>{{cloze:Quote}}</blockquote>" + _BACK,
                }
            ],
            css=_CSS,
            model_type=genanki.Model.CLOZE,
        )
    return genanki.Model(
        BASIC_MODEL_ID,
        "Reader highlight",
        fields=FIELDS,
        templates=[
            {
                "name": "Highlight",
                "qfmt": "<blockquote>{{Quote}}</blockquote>",
                "afmt": "{{FrontSide}}<hr id=answer>" + _BACK,
            }
        ],
        css=_CSS,
    )


def deck_id(name: str) -> int:
    """A stable deck id from its name (Anki wants a positive 63-bit integer)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:7], "big") | 1


# MathJax in Anki (ts/mathjax/index.ts) typesets \( \) and \[ \] found in the card's text
# nodes, where character references are already decoded. It looks for a delimiter within one
# run of text, which every element other than <br>, <wbr> and comments ends (MathJax's
# HTMLDomStrings): an empty <span> between a page's backslash and its ( or [ makes them two.
_MATH_OPENER = re.compile(r"\\(?=[(\[])")
_REFERENCES = str.maketrans({"[": "&#91;", "{": "&#123;", "}": "&#125;"})


def _text(value: str) -> str:
    # Anki reads its own tags in a field's text, all opening with "[": [sound:URL]
    # (played, from the network too, when the card shows), [anki:tts], [latex] and
    # [$] (typeset by the local LaTeX). Page text holding them stays text: "[" is
    # written as a character reference, which those tags never match. So are "{" and
    # "}": "{{c1::...}}" (rslib cloze.rs) is a cloze in any field a template clozes.
    escaped = _MATH_OPENER.sub(r"\\<span></span>", html.escape(value))
    return escaped.translate(_REFERENCES).replace("\n", "<br>")


def _cloze(quote: str) -> str:
    # "::" would start the cloze's hint: written as character references ("}}" already are).
    return "{{c1::" + _text(quote).replace(":", "&#58;") + "}}"


def _source(article: domain.Article) -> str:
    title = _text(article.title)
    url = article.url or ""
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{title}</a>'
    return title


def note(
    article: domain.Article, h: domain.Highlight, kind: genanki.Model, cloze: bool, namer: TagNamer
) -> genanki.Note:
    import genanki

    link = f'<a href="{html.escape(reader_link(article, h), quote=True)}">Open in Reader</a>'
    return genanki.Note(
        model=kind,
        fields=[_cloze(h.quote) if cloze else _text(h.quote), note_html(h.note), _source(article), link],
        tags=[namer(t) for t in (*article.tags, *h.tags)],
        guid=genanki.guid_for(h.uid),
    )


class AnkiFormat:
    name: ClassVar[str] = "anki"
    suffix: ClassVar[str] = ".apkg"
    needs_content: ClassVar[bool] = False
    single_only: ClassVar[bool] = True  # a deck is one file

    def __init__(self, options: ExportOptions) -> None:
        self.cloze = options.cloze
        self.deck = options.deck or "Reader"
        self.namer = TagNamer(options.tags)

    def render(self, articles: Sequence[domain.Article], combined: bool = False) -> bytes:
        import genanki

        deck = genanki.Deck(deck_id(self.deck), self.deck)
        kind = model(self.cloze)
        stamps = []
        for article in sorted(articles, key=lambda a: a.id):
            for h in reading_order(article):
                deck.add_note(note(article, h, kind, self.cloze, self.namer))
                stamps.append(h.updated)
        # A fixed timestamp (the latest change exported): the same cards get the same ids.
        latest = max(stamps).replace(tzinfo=UTC).timestamp() if stamps else 0.0
        return package_bytes(genanki.Package(deck), latest)


def package_bytes(package: genanki.Package, timestamp: float) -> bytes:
    """genanki's Package.write_to_file, into memory, with its temporary database removed
    afterwards (genanki leaves it in the temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="reader-anki-") as folder:
        db = os.path.join(folder, "collection.anki2")
        conn = sqlite3.connect(db)
        try:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(db, "collection.anki2")
            out.writestr("media", json.dumps({}))
        return buffer.getvalue()
