"""Export: Markdown, W3C Web Annotation JSON, HTML and Readwise CSV, and the way back in."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from pages import plain_article, plain_highlight

from reader.core import Library, domain
from reader.core.export import (
    FORMATS,
    MANIFEST,
    default_template_text,
    export_articles,
    import_annotations,
    markdown,
    safe_filename,
)
from reader.core.export.common import normal_date
from reader.core.export.manifest import read_entries
from reader.core.export.readwise import COLUMNS

TITLE = "The Quiet Rivers of the North"
URL = "https://example.org/2024/05/quiet-rivers.html"


def _png(width: int, height: int) -> bytes:
    raw = b"".join(b"\x00" + bytes([200, 120, 40]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = _png(40, 30)

# -- fixtures -------------------------------------------------------------------


def _add(library: Library, article_id: int, quote: str, occurrence: int = 1, **kw) -> domain.Highlight:
    text = library.get(article_id).text
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return library.add_highlight(article_id, start, start + len(quote), **kw)


@pytest.fixture
def annotated(library: Library, article_page: Path, tmp_path: Path):
    """The fixture page with highlights of every kind, a note and tags, plus a
    second article with an image and a title that collides on Windows."""
    [outcome] = library.import_paths([article_page], workers=1)
    a = outcome.id
    _add(library, a, "listening posts", color="green", note="good name\nsecond line", tags=["terms", "two words"])
    _add(library, a, "We expected the rivers to sleep", color="pink")
    # Spans two blocks (paragraph break in the text) and overlaps the next one.
    text = library.get(a).text
    start = text.index("every fifteen minutes.")
    end = text.index("Listening under") + len("Listening under")
    library.add_highlight(a, start, end, color="blue", note="across blocks")
    _add(library, a, "Listening under the ice", color="purple", tags=["heading"])
    _add(library, a, "Forty stations across three river basins", color="yellow", note='quotes " and \\ and: colons')
    # A highlight that could not be placed (as after a re-extraction).
    when = library.get(a).added
    library.insert_highlights(
        [
            domain.Highlight(
                id=0,
                uid="0123456789abcdef0123456789abcdef",
                article_id=a,
                start=None,
                end=None,
                quote="a sentence that is gone",
                prefix="before ",
                suffix=" after",
                color="green",
                note="orphaned",
                tags=("lost",),
                created=when,
                updated=when,
            )
        ]
    )
    library.set_note(a, "Article-level thoughts.\n\nSecond paragraph: with a colon.")
    library.add_tags(a, ["science", "rivers"])

    page = tmp_path / "pages2" / "second.html"
    (page.parent / "second_files").mkdir(parents=True)
    (page.parent / "second_files" / "pic.png").write_bytes(PNG)
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>What: is? \"this\"</title>"
        "<meta name='author' content='Ann Example'></head><body><article><h1>What: is? \"this\"</h1>"
        "<p>A second article about mountains and the weather that comes down from them every spring, "
        "with enough words to be read as an article by the extractor and not as a fragment of a page.</p>"
        "<figure><img src='second_files/pic.png' alt='a picture'></figure>"
        "<p>Snow melts slowly in the high valleys, and the streams swell with the water of the winter. "
        "Farmers below watch the rivers rise and wait for the meadows to dry before they can cut the hay."
        "</p><p>Another paragraph adds more words so that the article is long enough for extraction to "
        "keep it, and so that a highlight can be made in the middle of it.</p></article></body></html>",
        "utf-8",
    )
    [second] = library.import_paths([page], workers=1)
    assert second.status == "imported", second.error
    b = second.id
    _add(library, b, "Snow melts slowly", color="yellow")
    return library, a, b


def _front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file but the manifest (a database: its bytes depend on its history)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and MANIFEST not in p.name}


# -- Markdown -------------------------------------------------------------------


def test_markdown_front_matter_and_highlights(annotated, tmp_path):
    library, a, _b = annotated
    result = export_articles(library, "md", tmp_path / "notes")
    assert result.articles == 2 and result.highlights == 7
    md = (tmp_path / "notes" / f"{TITLE}.md").read_text("utf-8")
    meta, body = _front_matter(md)
    article = library.get(a)
    assert meta == {
        "id": a,
        "title": TITLE,
        "author": "Maria Lindqvist",
        "site": "Example Journal",
        "url": URL,
        "published": normal_date(article.published),
        "added": article.added.isoformat() + "Z",
        "tags": ["rivers", "science"],
        "highlights": 6,
        "reader": f"reader://open?article={article.uid}",
    }
    assert "Article-level thoughts.\n\nSecond paragraph: with a colon." in body
    # Reading order, each a block quote with colour, note, #tags and a stable id.
    blocks = [h for h in library.highlights(a)]
    positions = [body.index(quote_line(h.quote)) for h in blocks]
    assert positions == sorted(positions)
    for h in blocks:
        chunk = body[body.index(quote_line(h.quote)) :]
        chunk = chunk[: chunk.index(f"highlight={h.uid})")]
        assert f" ^{h.uid[:12]}\n" in chunk
        assert h.color in chunk
        if h.note:
            assert h.note in chunk
        for tag in h.tags:
            assert markdown.hashtag(tag) in chunk
        if not h.placed:
            assert "could not be placed" in chunk
    assert "> every fifteen minutes.\n>\n> Listening under" in body
    assert "#two-words" in body and "#terms" in body
    # The other article: a title unsafe on Windows gives a safe file name.
    [other] = [p for p in (tmp_path / "notes").glob("*.md") if p.name != f"{TITLE}.md"]
    assert other.name == "What is this.md"
    meta, _ = _front_matter(other.read_text("utf-8"))
    assert meta["title"] == 'What: is? "this"' and meta["highlights"] == 1


def quote_line(quote: str) -> str:
    return "> " + quote.split("\n")[0]


def test_markdown_one_file_and_user_template(annotated, tmp_path):
    library, a, _b = annotated
    export_articles(library, "md", tmp_path / "all.md")
    text = (tmp_path / "all.md").read_text("utf-8")
    assert text.index(f"# {TITLE}") < text.index('# What: is? "this"')
    assert "> listening posts" in text and "> Snow melts slowly" in text

    custom = tmp_path / "mine.md.j2"
    custom.write_text(
        "{{ article.title }} ({{ article.highlight_count }})\n"
        "{% for h in highlights %}{{ h.position }}. [{{ h.color }}/{{ h.color_name }}] {{ h.start }}-{{ h.end }} "
        "{{ h.quote | replace('\\n', ' ') }}{% if h.note %} -- {{ h.note | replace('\\n', ' ') }}{% endif %}{{ '' }}\n"
        "{% endfor %}",
        "utf-8",
    )
    export_articles(library, "md", tmp_path / "custom", template=custom, color_names={"green": "Green"}, ids=[a])
    lines = (tmp_path / "custom" / f"{TITLE}.md").read_text("utf-8").splitlines()
    highlights = library.highlights(a)
    assert lines[0] == f"{TITLE} (6)"
    h = next(h for h in highlights if h.quote == "listening posts")
    assert (
        lines[1 + highlights.index(h)]
        == f"{highlights.index(h) + 1}. [green/Green] {h.start}-{h.end} listening posts -- good name second line"
    )
    assert lines[-1].startswith("6. [green/Green] None-None a sentence that is gone")

    bad = tmp_path / "bad.j2"
    bad.write_text("{% for %}", "utf-8")
    with pytest.raises(ValueError, match="line 1"):
        export_articles(library, "md", tmp_path / "x", template=bad)
    bad.write_text("{{ article.nope }}", "utf-8")
    with pytest.raises(ValueError, match="nope"):
        export_articles(library, "md", tmp_path / "x", template=bad)


def test_default_template_is_a_package_file():
    text = default_template_text()
    assert "article.title" in text and "h.color_name" in text
    markdown.load_template()  # compiles


# -- JSON (W3C Web Annotation) ------------------------------------------------------

IRI = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"}
MOTIVATIONS = [
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
]

# The parts of the W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/)
# that a text highlight uses, as a JSON Schema.
W3C_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "iri": IRI,
        "textualBody": {
            "type": "object",
            "required": ["type", "value"],
            "properties": {
                "type": {"const": "TextualBody"},
                "value": {"type": "string"},
                "format": {"type": "string", "pattern": r"^\w+/[\w.+-]+$"},
                "language": {"type": "string"},
                "purpose": {"enum": MOTIVATIONS},
            },
        },
        "textQuoteSelector": {
            "type": "object",
            "required": ["type", "exact"],
            "properties": {
                "type": {"const": "TextQuoteSelector"},
                "exact": {"type": "string", "minLength": 1},
                "prefix": {"type": "string"},
                "suffix": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "textPositionSelector": {
            "type": "object",
            "required": ["type", "start", "end"],
            "properties": {
                "type": {"const": "TextPositionSelector"},
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
            },
            "additionalProperties": False,
        },
        "specificResource": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "type": {"const": "SpecificResource"},
                "source": {"$ref": "#/$defs/iri"},
                "selector": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "oneOf": [{"$ref": "#/$defs/textQuoteSelector"}, {"$ref": "#/$defs/textPositionSelector"}]
                    },
                },
                "styleClass": {"type": "string", "pattern": r"^\S+( \S+)*$"},
            },
        },
        "annotation": {
            "type": "object",
            "required": ["id", "type", "target"],
            "properties": {
                "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
                "id": {"$ref": "#/$defs/iri"},
                "type": {"const": "Annotation"},
                "motivation": {"enum": MOTIVATIONS},
                "created": DATETIME,
                "modified": DATETIME,
                "label": {"type": "string"},
                "body": {"type": "array", "items": {"$ref": "#/$defs/textualBody"}},
                "target": {"$ref": "#/$defs/specificResource"},
                "stylesheet": {
                    "type": "object",
                    "required": ["type", "value"],
                    "properties": {"type": {"const": "CssStylesheet"}, "value": {"type": "string"}},
                },
            },
            # Model 4.4: a target's styleClass names a class of the annotation's stylesheet.
            "if": {"properties": {"target": {"required": ["styleClass"]}}},
            "then": {"required": ["stylesheet"]},
        },
        "page": {
            "type": "object",
            "required": ["type", "items"],
            "properties": {
                "id": {"$ref": "#/$defs/iri"},
                "type": {"const": "AnnotationPage"},
                "partOf": {
                    "type": "object",
                    "required": ["id", "type"],  # embedded, as the W3C suite expects
                    "properties": {
                        "id": {"$ref": "#/$defs/iri"},
                        "type": {"const": "AnnotationCollection"},
                        "total": {"type": "integer", "minimum": 0},
                    },
                },
                "startIndex": {"type": "integer", "minimum": 0},
                "items": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
            },
        },
    },
    "type": "object",
    "required": ["@context", "id", "type"],
    "properties": {
        "@context": {
            "anyOf": [
                {"const": "http://www.w3.org/ns/anno.jsonld"},
                {"type": "array", "contains": {"const": "http://www.w3.org/ns/anno.jsonld"}},
            ]
        },
        "id": {"$ref": "#/$defs/iri"},
        "type": {"const": "AnnotationCollection"},
        "label": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "first": {"$ref": "#/$defs/page"},
        "generator": {"type": "object", "required": ["type"]},
    },
}


def test_json_is_a_w3c_annotation_collection(annotated, tmp_path):
    library, a, b = annotated
    export_articles(library, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(W3C_SCHEMA)
    jsonschema.validate(data, W3C_SCHEMA)
    items = data["first"]["items"]
    assert data["total"] == len(items) == 7
    highlights = {h.uid: h for h in library.highlights(a) + library.highlights(b)}
    text = library.get(a).text
    for item in items:
        uid = item["id"].removeprefix("urn:uuid:").replace("-", "")
        h = highlights[uid]
        target = item["target"]
        quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
        assert (quote["exact"], quote["prefix"], quote["suffix"]) == (h.quote, h.prefix, h.suffix)
        assert target["styleClass"] == h.color
        assert item["motivation"] == ("commenting" if h.note else "highlighting")
        bodies = item.get("body", [])
        assert [x["value"] for x in bodies if x["purpose"] == "commenting"] == ([h.note] if h.note else [])
        assert all(x["format"] == "text/markdown" for x in bodies if x["purpose"] == "commenting")
        assert [x["value"] for x in bodies if x["purpose"] == "tagging"] == list(h.tags)
        positions = [s for s in target["selector"] if s["type"] == "TextPositionSelector"]
        if h.placed:
            assert positions == [{"type": "TextPositionSelector", "start": h.start, "end": h.end}]
            if h.article_id == a:
                assert text[h.start : h.end] == quote["exact"]
        else:
            assert positions == []
        assert target["source"] == (URL if h.article_id == a else f"urn:x-reader:article:{b}")
    [first, second] = data["articles"]
    assert first["title"] == TITLE and first["url"] == URL and first["author"] == "Maria Lindqvist"
    assert first["note"].startswith("Article-level") and first["tags"] == ["rivers", "science"]
    assert second["id"] == second["source"] == f"urn:x-reader:article:{b}"


# -- HTML -------------------------------------------------------------------------


def _resource_refs(doc) -> list[str]:
    refs = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if el.tag == "a" and name == "href":
                continue
            if re.search(r"(https?:)?//", value) and name not in ("title", "content", "alt"):
                refs.append(f"{el.tag}@{name}={value[:60]}")
    for style in doc.iter("style"):
        if re.search(r"url\(|@import", style.text or ""):
            refs.append("style url()")
    refs += [f"<{el.tag}>" for el in doc.iter("link", "script", "iframe", "object", "embed", "base")]
    return refs


def test_html_marks_every_highlight_and_is_standalone(annotated, tmp_path):
    library, a, _b = annotated
    export_articles(library, "html", tmp_path / "pages")
    raw = (tmp_path / "pages" / f"{TITLE}.html").read_text("utf-8")
    assert raw.startswith("<!DOCTYPE html>")
    doc = lxml_html.document_fromstring(raw)
    assert _resource_refs(doc) == []
    assert doc.findtext(".//title") == TITLE
    for h in library.highlights(a):
        pieces = doc.xpath(f'//mark[@data-highlight="{h.uid}"]')
        if not h.placed:
            assert pieces == []
            item = doc.get_element_by_id(f"rdr-n-{h.uid}")
            assert "could not be placed" in item.text_content()
            continue
        shown = "".join(p.text_content() for p in pieces)
        assert "".join(shown.split()) == "".join(h.quote.split()), h.quote
        assert f"rdr-c-{h.color}" in pieces[0].get("class")
        assert doc.get_element_by_id(f"rdr-h-{h.uid}") is pieces[0]
        if h.note:
            notes = [
                n
                for n in doc.xpath('//*[contains(@class, "rdr-note")]')
                if n.find("a").get("href") == f"#rdr-h-{h.uid}"
            ]
            assert len(notes) == 1 and h.note.split("\n")[0] in notes[0].text_content()
    # The note follows the paragraph holding the end of the highlight.
    for aside in doc.xpath('//aside[contains(@class, "rdr-note")]'):
        uid = aside.find("a").get("href").removeprefix("#rdr-h-")
        assert doc.get_element_by_id(f"rdr-h-{uid}").getparent() is not None
        last_piece = doc.xpath(f'//mark[@data-highlight="{uid}"]')[-1]
        assert last_piece in aside.getprevious().iter("mark")
    # Every highlight (the orphan too) is in the list at the end, with its note and tags.
    listed = doc.xpath('//section[@class="rdr-highlights"]//li')
    assert len(listed) == 6
    posts = next(h for h in library.highlights(a) if h.quote == "listening posts")
    item = doc.get_element_by_id(f"rdr-n-{posts.uid}").text_content()
    assert "#two words" in item and "#terms" in item and "good name" in item and "green" in item
    assert "Article-level thoughts." in doc.xpath('//section[@class="rdr-article-note"]')[0].text_content()

    other = lxml_html.document_fromstring((tmp_path / "pages" / "What is this.html").read_bytes())
    [img] = other.iter("img")
    assert img.get("src").startswith("data:image/png;base64,") and img.get("alt") == "a picture"
    assert _resource_refs(other) == []


def test_html_one_file_for_several_articles(annotated, tmp_path):
    library, a, b = annotated
    export_articles(library, "html", tmp_path / "all.html")
    doc = lxml_html.document_fromstring((tmp_path / "all.html").read_bytes())
    assert [x.get("id") for x in doc.iter("article")] == [f"article-{a}", f"article-{b}"]
    assert len(doc.xpath("//nav//li")) == 2
    assert _resource_refs(doc) == []


def test_html_without_mapping_still_lists_highlights(annotated, tmp_path):
    """If the stored text no longer matches the html, highlights are listed, never misplaced."""
    library, a, _b = annotated
    article = library.get(a)
    broken = domain.Article(**{**article.__dict__, "text": "something else entirely"})
    export_articles([broken], "html", tmp_path / "x.html")
    doc = lxml_html.document_fromstring((tmp_path / "x.html").read_bytes())
    assert doc.xpath("//mark") == []
    assert len(doc.xpath('//section[@class="rdr-highlights"]//li')) == 6


# -- CSV (Readwise) -------------------------------------------------------------------


def test_csv_for_readwise_round_trips(annotated, tmp_path):
    library, a, b = annotated
    export_articles(library, "csv", tmp_path / "readwise.csv")
    with open(tmp_path / "readwise.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        f.seek(0)
        assert next(csv.reader(f)) == list(COLUMNS)
    assert COLUMNS[:7] == ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")
    expected = [(a, h) for h in library.highlights(a)] + [(b, h) for h in library.highlights(b)]
    assert len(rows) == len(expected)
    for row, (article_id, h) in zip(rows, expected):
        article = library.get(article_id)
        assert row["Highlight"] == h.quote
        assert row["Title"] == article.title and row["Author"] == (article.author or "")
        assert row["URL"] == (article.url or "")
        # Readwise reads tags only as .tag words in front of the note (spaces inside a tag become -).
        words = " ".join("." + t.replace(" ", "-") for t in h.tags)
        assert row["Note"] == (f"{words} {h.note}" if words and h.note else words or h.note)
        assert row["Color"] == h.color and row["Tags"] == ", ".join(h.tags)
        when = datetime.fromisoformat(row["Date"])  # a date with its zone
        assert when.utcoffset() == timedelta(0) and when.replace(tzinfo=None) == h.created.replace(microsecond=0)
    assert [r["Location"] for r in rows[:6]] == ["1", "2", "3", "4", "5", "6"]
    assert any(r["Note"] == ".terms .two-words good name\nsecond line" for r in rows)
    # For spreadsheet programs: a byte order mark on request, the same rows after it.
    export_articles(library, "csv", tmp_path / "excel.csv", bom=True)
    raw = (tmp_path / "excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:] == (tmp_path / "readwise.csv").read_bytes()
    with open(tmp_path / "excel.csv", newline="", encoding="utf-8-sig") as f:
        assert list(csv.DictReader(f)) == rows


# -- files: names, idempotence, manifest ------------------------------------------------


# Every format written one file per article (an Anki deck is always one file: its notes'
# stable ids are checked in test_export_consumers.py).
@pytest.mark.parametrize("fmt", sorted(f for f in FORMATS if not getattr(FORMATS[f], "single_only", False)))
def test_export_is_byte_identical_when_repeated(annotated, tmp_path, fmt):
    library, _a, _b = annotated
    first = export_articles(library, fmt, tmp_path / "out")
    snapshot = _snapshot(tmp_path / "out")
    assert len(first.written) == 2 and (tmp_path / "out" / MANIFEST).exists()
    second = export_articles(library, fmt, tmp_path / "out")
    assert second.written == () and _snapshot(tmp_path / "out") == snapshot
    # Into a new folder, and as one file: the same bytes again.
    export_articles(library, fmt, tmp_path / "again")
    assert _snapshot(tmp_path / "again") == snapshot
    single = tmp_path / f"all{FORMATS[fmt].suffix}"
    export_articles(library, fmt, single)
    data = single.read_bytes()
    export_articles(library, fmt, single)
    assert single.read_bytes() == data


def _manifest_names(folder: Path, fmt: str = "md") -> dict[str, str]:
    """The manifest's entries (article uid -> file name), each hash checked against the file."""
    entries = read_entries(folder, fmt)
    for entry in entries.values():
        assert hashlib.sha256((folder / entry.name).read_bytes()).hexdigest() == entry.sha256
    return {uid: entry.name for uid, entry in entries.items()}


def test_reexport_touches_only_its_own_files(annotated, tmp_path):
    library, a, b = annotated
    out = tmp_path / "vault"
    out.mkdir()
    mine = {"notes.md": b"my own notes\n", f"{TITLE}.md": b"a user file with the article's name\n"}
    for name, data in mine.items():
        (out / name).write_bytes(data)
    stamps = {name: (out / name).stat().st_mtime_ns for name in mine}

    result = export_articles(library, "md", out)
    names = sorted(p.name for p in result.paths)
    assert names == sorted([f"{TITLE} ({a}).md", "What is this.md"])
    uid_a, uid_b = library.get(a).uid, library.get(b).uid
    assert _manifest_names(out) == {uid_a: f"{TITLE} ({a}).md", uid_b: "What is this.md"}

    # A renamed title replaces its old file; a deleted highlight changes the file.
    library.set_title(b, "A New Title")
    library.delete_highlight(next(h.id for h in library.highlights(a) if h.quote == "listening posts"))
    result = export_articles(library, "md", out)
    assert result.removed == (out / "What is this.md",)
    assert not (out / "What is this.md").exists() and (out / "A New Title.md").exists()
    assert "listening posts" not in (out / f"{TITLE} ({a}).md").read_text("utf-8")
    # Exporting one article keeps the manifest entries of the others.
    export_articles(library, "md", out, ids=[b])
    assert _manifest_names(out) == {uid_a: f"{TITLE} ({a}).md", uid_b: "A New Title.md"}
    for name, data in mine.items():
        assert (out / name).read_bytes() == data and (out / name).stat().st_mtime_ns == stamps[name]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_out_must_fit_the_format(annotated, tmp_path):
    library, _a, _b = annotated
    with pytest.raises(ValueError, match="format is md"):
        export_articles(library, "md", tmp_path / "x.json")
    with pytest.raises(ValueError, match="unknown format"):
        export_articles(library, "pdf", tmp_path / "x")


@pytest.mark.parametrize(
    "title",
    [
        "CON",
        "con.txt",
        "aux",
        "LPT1",
        "COM¹",
        "lpt³.txt",
        "CONIN$",
        "conout$",
        'a/b\\c:d*e?f"g<h>i|j',
        "...",
        "  trailing dots...  ",
        "",
        "x" * 300,
        "日本語のタイトル" * 40,
        "emoji 🦆 title",
        "tab\tand\nnewline",
        "\u202eevil\u202c.exe",
        "é composed",
        "e\u0301 decomposed",
    ],
)
def test_safe_filenames(title):
    name = safe_filename(title)
    assert name and name == name.strip(" .")
    assert not re.search(r'[<>:"/\\|?*\x00-\x1f\u202e]', name)
    reserved = {"con", "prn", "aux", "nul", "lpt1", "com1", "com¹", "lpt³", "conin$", "conout$"}
    assert name.split(".")[0].strip().lower() not in reserved
    assert len((name + " (123456).html").encode("utf-8")) <= 255


def test_titles_that_collide_get_ids(library, tmp_path):
    articles = []
    for i, title in enumerate(["Same", "same", "SAME.", "Other"], 1):
        articles.append(plain_article(i, title))
    result = export_articles(articles, "md", tmp_path / "out")
    assert sorted(p.name for p in result.paths) == ["Other.md", "SAME (3).md", "Same (1).md", "same (2).md"]


def test_get_many_matches_get(annotated):
    library, a, b = annotated
    assert library.get_many([b, a]) == [library.get(b), library.get(a)]
    light = library.get_many([a], content=False)[0]
    assert light.html == light.text == "" and light.highlights == library.get(a).highlights


# -- back in: import-annotations --------------------------------------------------------


def _fresh(tmp_path: Path, name: str, pages: list[Path]) -> Library:
    library = Library.open(tmp_path / name)
    for page in pages:  # one by one: ids in this order
        [outcome] = library.import_paths([page], workers=1)
        assert outcome.status == "imported", outcome.error
    return library


def test_export_then_import_restores_every_highlight(annotated, tmp_path, article_page):
    library, a, b = annotated
    export_articles(library, "json", tmp_path / "backup.json")
    before = {h.uid: h for h in library.highlights(a)}
    second_page = tmp_path / "pages2" / "second.html"

    fresh = _fresh(tmp_path, "fresh", [second_page, article_page])  # other ids than in the export
    try:
        ticks: list[tuple[int, int]] = []
        report = import_annotations(fresh, tmp_path / "backup.json", progress=lambda *t: ticks.append(t))
        assert ticks[0] == (0, 7) and ticks[-1] == (7, 7)  # progress from none to every highlight
        new_a = next(s.id for s in fresh.iter_articles() if s.title == TITLE)
        text = fresh.get(new_a).text
        after = {h.uid: h for h in fresh.highlights(new_a)}
        assert after.keys() == before.keys()
        for uid, h in before.items():
            got = after[uid]
            assert (got.quote, got.color, got.note, got.tags, got.start, got.end, got.created) == (
                h.quote,
                h.color,
                h.note,
                h.tags,
                h.start,
                h.end,
                h.created,
            )
            if h.placed:
                assert text[got.start : got.end] == h.quote
        restored = fresh.get(new_a)
        assert restored.note == library.get(a).note and restored.tags == ("rivers", "science")
        assert report.notes == 1 and report.tags == 2
        # The second article has no URL and another id here (its old id is the first article's):
        # found by its title, and checked by its quotes.
        new_b = next(s.id for s in fresh.iter_articles() if s.title != TITLE)
        assert new_b != b
        assert [(h.uid, h.quote) for h in fresh.highlights(new_b)] == [(h.uid, h.quote) for h in library.highlights(b)]
        assert (report.added, report.orphans, report.unmatched) == (7, 1, 0)

        again = import_annotations(fresh, tmp_path / "backup.json")
        assert (again.added, again.present, again.notes, again.tags) == (0, 7, 0, 0)
        assert len(fresh.highlights(new_a)) == 6
    finally:
        fresh.close()


def test_import_reanchors_on_a_changed_page(annotated, tmp_path, article_page):
    library, a, _b = annotated
    export_articles(library, "json", tmp_path / "backup.json", ids=[a])
    changed = tmp_path / "changed" / "quiet-rivers.html"
    changed.parent.mkdir()
    source = article_page.read_text("utf-8")
    source = source.replace(
        "<p>The rivers of the far north",
        "<p>An editor's new opening paragraph, "
        "added after the highlights were made, moves every later offset.</p>\n"
        "<p>The rivers of the far north",
    )
    source = source.replace("hand auger", "hand-held auger")
    changed.write_text(source, "utf-8")
    fresh = _fresh(tmp_path, "changed-lib", [changed])
    try:
        report = import_annotations(fresh, tmp_path / "backup.json")
        [summary] = list(fresh.iter_articles())
        text = fresh.get(summary.id).text
        assert report.added == 6 and report.orphans == 1
        for h in fresh.highlights(summary.id):
            if h.placed:
                assert text[h.start : h.end] == h.quote
        quotes = {h.quote for h in fresh.highlights(summary.id) if h.placed}
        assert {"listening posts", "We expected the rivers to sleep", "Listening under the ice"} <= quotes
    finally:
        fresh.close()


def test_import_matches_by_article_urn_in_the_same_library(annotated, tmp_path):
    library, _a, b = annotated
    export_articles(library, "json", tmp_path / "b.json", ids=[b])
    uid = library.highlights(b)[0].uid
    library.delete_highlight(library.highlights(b)[0].id)
    report = import_annotations(library, tmp_path / "b.json")
    assert report.added == 1 and [h.uid for h in library.highlights(b)] == [uid]


def test_import_reads_other_tools_annotations(annotated, tmp_path):
    library, a, _b = annotated
    foreign = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://annotations.example/anno/1",
        "type": "Annotation",
        "bodyValue": "from another tool",
        "target": {"source": URL + "#frag", "selector": {"type": "TextQuoteSelector", "exact": "daily pulse"}},
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(foreign), "utf-8")
    report = import_annotations(library, path)
    assert report.added == 1
    [h] = [h for h in library.highlights(a) if h.quote == "daily pulse"]
    assert h.note == "from another tool" and h.color == "yellow"
    assert import_annotations(library, path).present == 1


def test_import_skips_annotations_of_unknown_pages(annotated, tmp_path):
    library, _a, b = annotated
    export_articles(library, "json", tmp_path / "b.json", ids=[b])
    data = json.loads((tmp_path / "b.json").read_text("utf-8"))
    data["articles"][0]["title"] = "Some other page"
    for item in data["first"]["items"]:
        item["target"]["source"] = "urn:x-reader:article:999"
    data["articles"][0]["id"] = data["articles"][0]["source"] = "urn:x-reader:article:999"
    report = import_annotations(library, data)
    assert (report.added, report.unmatched, report.unmatched_sources) == (0, 1, ["urn:x-reader:article:999"])


def test_import_rejects_what_is_not_annotations(library, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(ValueError, match="not a JSON file"):
        import_annotations(library, path)
    path.write_text('{"hello": 1}', "utf-8")
    with pytest.raises(ValueError, match="no W3C"):
        import_annotations(library, path)


def test_export_from_article_records_without_library(annotated, tmp_path):
    library, a, b = annotated
    articles = library.get_many([a, b])
    export_articles(articles, "md", tmp_path / "from-records")
    export_articles(library, "md", tmp_path / "from-library")
    records, stored = _snapshot(tmp_path / "from-records"), _snapshot(tmp_path / "from-library")
    # The same files and manifest entries; what each file was rendered "from" differs
    # by source (the library's revision counter, a record's own highlights).
    assert _manifest_entries(tmp_path / "from-records") == _manifest_entries(tmp_path / "from-library")
    assert records == stored


def _manifest_entries(folder: Path) -> dict[str, list[str | None]]:
    return {uid: [e.name, e.sha256] for uid, e in read_entries(folder, "md").items()}


# -- the HTML exporter's map from text offsets back to the html ----------------------------


_TAGS = [
    "p",
    "div",
    "span",
    "b",
    "em",
    "a",
    "li",
    "ul",
    "blockquote",
    "pre",
    "code",
    "td",
    "tr",
    "table",
    "h2",
    "br",
    "figure",
    "figcaption",
]
_WORDS = st.sampled_from(
    [
        "word",
        "two words",
        " ",
        "\n",
        "\t",
        "  spaced  ",
        "\u00a0",
        "\u2003",
        "x\u200by",
        "end.",
        "\r\n",
        "é",
        "🦆",
        "",
        "a\n\nb",
    ]
)


@st.composite
def _fragment(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            if tag == "br":
                parts.append("<br>")
            else:
                parts.append(f"<{tag}>{draw(_fragment(depth + 1))}</{tag}>")
        else:
            parts.append(draw(_WORDS).replace("&", "&amp;").replace("<", "&lt;"))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_fragment(), st.data())
def test_an_html_export_marks_exactly_the_highlighted_character(fragment, data):
    """Whatever the article's HTML, a highlight of any one visible character of its text is
    marked in the exported HTML on that character, and the exported text reads the same."""

    from reader.core.export.common import ExportOptions
    from reader.core.export.html import render_article
    from reader.core.text import element_text

    text = element_text(lxml_html.fragment_fromstring(fragment, create_parent="div")) if fragment.strip() else ""
    visible = [i for i, ch in enumerate(text) if not ch.isspace()]
    if not visible:
        return
    at = data.draw(st.sampled_from(visible), label="highlighted character")
    highlight = plain_highlight(1, 1, text[at], uid="f" * 32, start=at, end=at + 1)
    article = plain_article(1, "Any", html=fragment, text=text, highlights=(highlight,))
    exported = lxml_html.fragment_fromstring(render_article(article, ExportOptions()))
    (body,) = exported.find_class("rdr-body")
    (mark,) = body.iter("mark")
    assert mark.text_content() == text[at]
    # In its place: the body's text, with the marked character swapped for one found nowhere else.
    mark.text = "\ue000"
    assert element_text(body) == text[:at] + "\ue000" + text[at + 1 :]
