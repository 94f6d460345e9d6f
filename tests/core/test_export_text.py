"""Exports carry page text as text (issue 13, section 4): Markdown renders page
text as exactly those words, CSV cells never start a formula, templates only render."""

from __future__ import annotations

import csv
import re
import urllib.parse
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pages import plain_article, plain_highlight

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


# -- Logseq, read by the rules of its own parser ----------------------------------------------
#
# Logseq parses its pages with mldoc (logseq/mldoc); the rules named here are the parsers of
# lib/syntax/inline.ml (inline_choices, Markdown) and lib/parsers.ml. Each line of the page
# below tries one of them; the export must leave every one plain text.
BLOCK = "6f1c0e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
LOGSEQ_LINES = {
    "block_reference ((uuid)) (parsers.ml block_ref)": "A live block reference (("
    + BLOCK
    + ")) sits in this sentence of the page.",
    "macro {{...}}": "An embed {{embed ((" + BLOCK + "))}} and a query {{query (task NOW)}} in the page.",
    "page_ref [[...]] and hash_tag #": "A page link [[Some Page]], a tag #secret and #[[Other Page]] in the text.",
    "latex_fragment \\[ \\] and $$ $$": "Displayed math \\[ x^2 \\] and $$ y $$ and bare brackets [a] then [b] here.",
    "latex_fragment \\( \\) and $ $": "Inline math \\( z \\) and $w$ and (c) in parentheses, with a \\) left alone.",
    "export_snippet @@html: @@": "Raw HTML @@html: <img src=x onerror=alert(1)>@@ written as an export snippet.",
    "inline_hiccup [:tag ...]": 'Hiccup [:div {:style {:color "red"}} "shown as HTML"] in a page paragraph.',
    "link_inline, quick_link, markdown_link, markdown_image": (
        "A bare http://127.0.0.1:9/x and <http://127.0.0.1:9/y> and [t](http://127.0.0.1:9/z) ![i](http://127.0.0.1:9/p.png)."
    ),
    "emphasis, subscript, superscript, code": "Marks **bold** ==mark== ^^high^^ ~~gone~~ a_b^c and `code` in a line.",
    "property key:: value (markdown_property.ml)": "collapsed:: true and key:: value written inside the page's own text.",
    "timestamp, cookie, footnote": "SCHEDULED: <2024-05-01 Wed> and [2024-05-01 Wed] and [1/2] and [^1] too.",
}
# The page's address: a link, but mldoc would read a reference or a macro inside it.
HOSTILE_URL = "https://example.org/a_(b)((" + BLOCK + ")){{embed}}[[Home]]"
# A display-math opener and its closer in two paragraphs of one highlight (end_string spans lines).
SPLIT = ("Display math opens at the end of this paragraph \\[", "and closes at the start of this one \\] in the page.")
# mldoc's md_escape_chars (lib/parsers.ml): a backslash before one of them is that character.
MD_ESCAPE_CHARS = set("!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~\\")
WORD_JOINER = "\u2060"
# What must never appear outside an escape, by rule (a character escaped is masked first).
OPENERS = {
    "block_reference": "((",
    "page_ref, markdown_link, footnote, timestamp, cookie, hiccup": "[",
    "macro": "{",
    "hash_tag": "#",
    "latex_fragment $": "$",
    "export_snippet": "@",
    "quick_link, timestamp, inline_html": "<",
    "markdown_image": "!",
    "code": "`",
    "emphasis *": "*",
    "emphasis _, subscript": "_",
    "emphasis ~~": "~",
    "emphasis ^^, superscript": "^",
    "emphasis ==": "=",
    "link_inline": "://",
    "property": "::",
}


def _logseq_plain(raw: str) -> tuple[str, str]:
    """(what mldoc's plain rule shows for `raw`, `raw` with every escape masked)."""
    shown, masked, i = [], [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in MD_ESCAPE_CHARS:
            shown.append(raw[i + 1])
            masked.append("\x00")
            i += 2
        else:
            shown.append(raw[i])
            masked.append(raw[i])
            i += 1
    return "".join(shown).replace(WORD_JOINER, ""), "".join(masked)


@pytest.fixture
def logseq_page(tmp_path: Path):
    """A page whose every line is Logseq markup, each highlighted, exported as a Logseq page."""
    from html import escape

    title = "Title ((" + BLOCK + ")) {{embed [[Home]]}} #tag \\[x\\] $y$ @@html: <b>@@ key:: v"
    page = tmp_path / "logseq.html"
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in (*LOGSEQ_LINES.values(), *SPLIT))
    page.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<meta name='author' content='{escape('[[Ann]] #author ((' + BLOCK + '))', quote=True)}'>"
        f"<link rel='canonical' href='{escape(HOSTILE_URL, quote=True)}'>"
        f"</head><body><article><h1>{escape(title)}</h1>{paragraphs}"
        "<p>Enough ordinary words follow so that the extractor keeps this article as an article and does "
        "not mistake it for a fragment of navigation or a teaser card on some other page entirely.</p>"
        "</article></body></html>",
        "utf-8",
    )
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
        assert outcome.status == "imported", outcome.error
        text = library.get(outcome.id).text
        for line in LOGSEQ_LINES.values():
            start = text.index(line[:30])
            library.add_highlight(outcome.id, start, start + len(line), note="my $x^2$ and [[My Page]]")
        start = text.index(SPLIT[0][:30])
        end = text.index(SPLIT[1][:30]) + len(SPLIT[1])
        library.add_highlight(outcome.id, start, end)
        [path] = export_articles(library, "logseq", tmp_path / "graph").paths
        yield library.get(outcome.id), path.read_text("utf-8")


def _logseq_quotes(page: str) -> list[str]:
    """Each highlight block's quote as written: its first line and the `  > ` lines under its id."""
    quotes, lines = [], page.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("- > "):
            rest = []
            for more in lines[at + 2 :]:  # at + 1 is its id:: line
                if not more.startswith("  >"):
                    break
                rest.append(more[4:])
            quotes.append("\n".join([line[4:], *rest]))
    return quotes


def test_logseq_page_text_is_no_markup_by_mldocs_rules(logseq_page):
    article, page = logseq_page
    highlights = reading_order(article)
    quotes = _logseq_quotes(page)
    assert len(quotes) == len(highlights) == len(LOGSEQ_LINES) + 1
    head = page.partition("\n\n")[0]
    values = [line.split(":: ", 1)[1] for line in head.splitlines() if line.startswith(("title::", "author::"))]
    assert len(values) == 2
    for raw, words in [*zip(quotes, (h.quote for h in highlights)), *zip(values, (article.title, article.author))]:
        shown, masked = _logseq_plain(raw)
        assert " ".join(shown.split()) == " ".join(words.split()), raw  # the page's own characters
        for rule, opener in OPENERS.items():
            assert opener not in masked, f"{rule}: {raw!r}"
        # latex_fragment: an escaped `[` or `(` opens math wherever a `\]` or `\)` follows
        # (end_string, across the lines of a paragraph); none is ever written.
        assert "\\]" not in raw and "\\)" not in raw, raw
    assert "\t- my $x^2$ and [[My Page]]" in page  # the user's own note, as written
    # The address stays a link to the same place, its brackets and braces percent-encoded.
    assert article.url == HOSTILE_URL
    source = next(line for line in head.splitlines() if line.startswith("source:: "))[9:]
    assert urllib.parse.unquote(source) == HOSTILE_URL and not re.search(r"[\[\](){}]", source)


def _mldoc() -> Path:
    import shutil

    here = Path(__file__).parent / "logseq_mldoc"
    node = shutil.which("node")
    if node is None or not (here / "node_modules" / "mldoc").is_dir():
        pytest.skip(
            "SKIPPED: Logseq's parser (mldoc) is not installed: run `npm ci` in tests/core/logseq_mldoc (needs node)"
        )
    return here


def _mldoc_text(nodes: list) -> tuple[str, set[str]]:
    """The text of mldoc inline nodes and the kinds of node other than plain text among them."""
    out, kinds = [], set()
    for node in nodes:
        kind, value = node[0], node[1] if len(node) > 1 else None
        if kind == "Plain":
            out.append(value)
        elif kind == "Break_Line":
            out.append("\n")
        else:
            kinds.add(kind)
    return "".join(out), kinds


def test_logseq_pages_parse_as_plain_text_in_mldoc(logseq_page):
    """The same page read by mldoc itself (the npm package Logseq ships): every quote is a
    Quote of Plain text only, shows the page's words, and no property value holds a reference."""
    import json
    import subprocess

    here = _mldoc()
    article, page = logseq_page
    done = subprocess.run(
        ["node", str(here / "parse.js")], input=page.encode("utf-8"), capture_output=True, timeout=60, check=True
    )
    tree = [node for node, _pos in json.loads(done.stdout)]
    [properties] = [n[1] for n in tree if n[0] == "Property_Drawer" and n[1][0][0] == "title"]
    for name, value, references in properties:
        # The references allowed: the web and Reader addresses, links to themselves (mldoc 1.5
        # lists them, 1.6 not).
        links = [r for r in references if r[0] == "Link" and r[1]["url"][0] == "Complex"]
        assert all(name in ("source", "reader") and r[1]["full_text"] == value for r in links), (
            name,
            value,
            references,
        )
        assert len(links) == len(references), (name, value, references)
    quotes = []
    for node in tree:
        if node[0] == "Quote":
            text, kinds = "", set()
            for block in node[1]:
                assert block[0] == "Paragraph", block
                part, more = _mldoc_text(block[1])
                text, kinds = text + part, kinds | more
            assert not kinds, (kinds, text)
            quotes.append(text.replace(WORD_JOINER, ""))
    # A quote of several lines is two Quote nodes in the tree, its id:: property between them.
    joined = " ".join(" ".join(quotes).split())
    for h in reading_order(article):
        assert " ".join(h.quote.split()) in joined, h.quote


# -- Anki: MathJax and clozes -----------------------------------------------------------------
#
# Anki typesets a card with MathJax 3 (ankitects/anki ts/mathjax/index.ts: display math
# \[ \], inline math MathJax's default \( \), no $). MathJax looks for a delimiter pair in runs
# of the card's text (HTMLDomStrings.find): text nodes and <br> (a newline), <wbr> and
# comments (nothing) join a run; any other element ends it. Clozes are found in the field's
# HTML source (rslib cloze.rs: "{{c" digits "::" text ["::" hint] "}}").
ANKI_MATH = [
    "Inline math \\( x^2 \\) sits in the page text, which MathJax would typeset on a card.",
    "Display math \\[ \\int f \\] sits in the page text, typeset as a block on the card.",
    "A cloze {{c2::hidden words}} and {{c1::more::a hint}} are written in the page's own text.",
]
ANKI_SPLIT = ("Math opens at the end of this paragraph \\(", "and closes at the start of this one \\) on the card.")
MATHJAX_DELIMITED = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S | re.I)


def _mathjax_runs(field: str) -> list[str]:
    """The runs of text MathJax searches for delimiters in a field's HTML (HTMLDomStrings.find)."""
    from lxml import html as lxml_html

    runs: list[str] = []
    current: list[str] = []

    def end_run() -> None:
        if "".join(current).strip():
            runs.append("".join(current))
        current.clear()

    def container(element) -> None:
        end_run()
        current.append(element.text or "")
        for child in element:
            if child.tag == "br":
                current.append("\n")
            elif child.tag == "wbr" or not isinstance(child.tag, str):  # <wbr>, a comment
                pass
            else:
                container(child)
            current.append(child.tail or "")
        end_run()

    container(lxml_html.fragment_fromstring(field or " ", create_parent="div"))
    return runs


@pytest.mark.parametrize("cloze", [False, True])
def test_anki_cards_typeset_no_math_and_hide_no_cloze_from_the_page(tmp_path, cloze):
    import html
    import sqlite3
    import zipfile

    title = "Title \\(t\\) {{c1::x}}"
    page = tmp_path / "math.html"
    body = "".join(f"<p>{html.escape(line)}</p>" for line in (*ANKI_MATH, *ANKI_SPLIT))
    page.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><article><h1>Math</h1>{body}<p>Enough ordinary words follow so that the extractor "
        "keeps this article as an article and does not mistake it for a fragment of navigation.</p>"
        "</article></body></html>",
        "utf-8",
    )
    with Library.open(tmp_path / "lib") as library:
        [outcome] = library.import_paths([page], workers=1)
        text = library.get(outcome.id).text
        for line in ANKI_MATH:
            start = text.index(line[:30])
            # The user's own note, with math meant as math (`\\(` in Markdown is `\(`).
            library.add_highlight(outcome.id, start, start + len(line), note="mine: \\\\(y^2\\\\)")
        start = text.index(ANKI_SPLIT[0][:30])
        library.add_highlight(outcome.id, start, text.index(ANKI_SPLIT[1][:30]) + len(ANKI_SPLIT[1]))
        quotes = [h.quote for h in reading_order(library.get(outcome.id))]
        export_articles(library, "anki", tmp_path / "deck.apkg", cloze=cloze)
    with zipfile.ZipFile(tmp_path / "deck.apkg") as z:
        (tmp_path / "deck.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "deck.anki2")
    notes = [(nid, flds.split("\x1f")) for nid, flds in conn.execute("SELECT id, flds FROM notes ORDER BY id")]
    cards = dict(conn.execute("SELECT nid, count(*) FROM cards GROUP BY nid").fetchall())
    conn.close()
    assert len(notes) == len(quotes)
    for (nid, (quote, note, source, _link)), words in zip(notes, quotes, strict=True):
        for field in (quote, source):
            typeset = [m.group(0) for run in _mathjax_runs(field) for m in MATHJAX_DELIMITED.finditer(run)]
            assert typeset == [], field
        clozes = ANKI_CLOZE.findall(quote)
        if cloze:
            # One cloze, the whole quote, one card: none from the page's own {{c1::...}} / {{c2::...}}.
            [(number, clozed, hint)] = clozes
            assert number == "1" and hint == "" and cards[nid] == 1
            shown = html.unescape(re.sub(r"<br>", "\n", re.sub(r"<span></span>", "", clozed)))
        else:
            assert clozes == [] and cards[nid] == 1
            shown = html.unescape(re.sub(r"<br>", "\n", re.sub(r"<span></span>", "", quote)))
        assert " ".join(shown.split()) == " ".join(words.split())  # the page's characters, all shown
        assert ANKI_CLOZE.findall(source) == [] and title in html.unescape(re.sub(r"<[^>]+>", "", source))
        # The user's note keeps its math for MathJax.
        if "mine" in note:
            assert [m.group(0) for run in _mathjax_runs(note) for m in MATHJAX_DELIMITED.finditer(run)] == ["\\(y^2\\)"]


def test_logseq_lines_end_where_mldoc_ends_them(tmp_path):
    """mldoc ends a line at a carriage return as at a newline (parsers.ml eol_chars): one in a
    quote would have begun a line outside the quote, where `- ...` is a block of its own."""
    quote = "first\r- [[x]] second\r\nthird"
    h = plain_highlight(1, 9, quote, uid="a" * 32, note="mine\ralso mine")
    article = plain_article(
        9,
        "Carriage\rreturns",
        language="en",
        direction="ltr",
        word_count=3,
        html="<p>first</p>",
        text=quote,
        highlights=(h,),
        uid="c" * 32,
    )
    export_articles([article], "logseq", tmp_path / "page.md")
    page = (tmp_path / "page.md").read_bytes().decode("utf-8")
    assert "\r" not in page
    [written] = _logseq_quotes(page)
    assert _logseq_plain(written)[0] == "first\n- [[x]] second\nthird"
    assert "title:: Carriage returns\n" in page and "\t- mine\n\t  also mine\n" in page
