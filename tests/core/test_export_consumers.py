"""Every export read by its consumer's own parser or rules (issue 17): Obsidian Markdown
(PyYAML + markdown-it-py), Logseq pages, W3C JSON (the web-annotation test suite's
rules + pyld expansion), HTML notes, Anki decks (zip + SQLite), BibTeX (bibtexparser),
CSL-JSON (citeproc-py), Hypothesis JSON, and a vault kept current."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import genanki
import jsonschema
import pytest
import yaml
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from pages import plain_article, plain_highlight
from pyld import jsonld

from reader.core import Library, domain
from reader.core.export import export_articles, import_annotations, safe_filename, sync_vault
from reader.core.export.common import reading_order
from reader.core.export.tagnames import is_valid, tag_name, tag_names
from reader.core.notes import note_html, text_direction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
URL = "https://example.org/2024/05/quiet-rivers.html"
TAGS = ["reading list", "C++", "C#", "2024", "~", "ocean life", "emoji🔥", "---", "rivers", "Cplusplus"]


def _add(library: Library, article_id: int, quote: str, **kw) -> domain.Highlight:
    text = library.get(article_id).text
    start = text.index(quote)
    return library.add_highlight(article_id, start, start + len(quote), **kw)


@pytest.fixture
def notes(library: Library, article_page: Path, tmp_path: Path):
    """The fixture article with tags that Obsidian rejects as they are, a multi-paragraph
    quote, Markdown notes; plus an article with only a note and one with nothing."""
    [outcome] = library.import_paths([article_page], workers=1)
    a = outcome.id
    _add(
        library,
        a,
        "listening posts",
        color="green",
        note="**lifetime** of a [post](https://example.org/p)",
        tags=["C++", "C#", "emoji🔥"],
    )
    text = library.get(a).text
    start = text.index("every fifteen minutes.")
    end = text.index("Listening under") + len("Listening under")
    library.add_highlight(a, start, end, color="blue", note="across blocks", tags=["---", "2024"])
    _add(library, a, "Forty stations across three river basins", tags=["reading list"])
    library.set_note(a, "Article-level *thoughts*.")
    library.set_tags(a, TAGS)
    pages = tmp_path / "more"
    pages.mkdir()
    ids = []
    for name, title in (("noted", "Only a note [draft] #1 ^x | y"), ("bare", "Nothing marked here")):
        page = pages / f"{name}.html"
        page.write_text(
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><p>About the {name} page. "
            f"{'Words enough for the extractor to keep this as an article. ' * 6}</p>"
            f"<p>{'A second paragraph of plain words that mean little and say less. ' * 5}</p></article></body></html>",
            "utf-8",
        )
        [o] = library.import_paths([page], workers=1)
        assert o.status == "imported", o.error
        ids.append(o.id)
    library.set_note(ids[0], "Only this note.")
    return library, a, ids[0], ids[1]


def _front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


# -- the tag rule ------------------------------------------------------------------


def test_the_tag_rule_makes_valid_distinct_obsidian_tags():
    names = tag_names(TAGS)
    assert all(is_valid(n) and not n.isdigit() for n in names.values()), names
    assert len({n.casefold() for n in names.values()}) == len(TAGS)  # no two tags merge
    assert names["reading list"] == "reading-list" and names["ocean life"] == "ocean-life"
    assert names["C#"] == "Csharp" and names["rivers"] == "rivers" and names["2024"] == "_2024"
    # C++ would be "Cplusplus", which is another tag: the changed one gets its own hash.
    assert names["Cplusplus"] == "Cplusplus" and names["C++"].startswith("Cplusplus-")
    assert names["emoji🔥"] == "emoji-u1f525" and tag_name("~") == "u7e"
    # The name of a tag does not depend on which other tags are exported with it...
    assert tag_names(["C#", "rivers"])["C#"] == names["C#"]
    for bad in ("#123", "a b", "a#b", "x/", "🔥"):
        assert not is_valid(bad)


# -- Markdown as Obsidian reads it -------------------------------------------------------


def _quote_paragraphs(body: str) -> list[tuple[str, str]]:
    """(text of the last paragraph of each block quote, the inline source) as markdown-it sees them."""
    tokens = MarkdownIt("commonmark").parse(body)
    out, depth, last = [], 0, None
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0 and last is not None:
                out.append(last)
                last = None
        elif token.type == "inline" and depth:
            last = (token.content, token.content)
    return out


def test_obsidian_markdown_ids_tags_and_names(notes, tmp_path):
    library, a, noted, _bare = notes
    result = export_articles(library, "md", tmp_path / "vault")
    names = {p.name for p in result.paths}
    assert "[draft]" in library.get(noted).title
    assert "Only a note draft 1 x.md" in names  # [ ] # ^ | would break [[links]] to the file
    assert safe_filename("a [b] #c ^d | e") == "a b c d e"
    for name in names:
        assert not re.search(r"[\[\]#^|:\\/]", name), name
    text = (tmp_path / "vault" / "The Quiet Rivers of the North.md").read_text("utf-8")
    meta, body = _front_matter(text)
    expected = tag_names({*TAGS, "C++", "C#", "emoji🔥", "---", "2024", "reading list"})
    assert meta["tags"] == [expected[t] for t in library.get(a).tags]
    assert all(is_valid(t) for t in meta["tags"])
    # Body #tags: the same names as the front matter, every one valid.
    body_tags = set(re.findall(r"(?<!\S)#([^\s#]+)", body))
    assert body_tags and all(is_valid(t) for t in body_tags)
    assert body_tags <= set(expected.values())
    # Each quote's own paragraph ends with its block id, so ![[note#^id]] embeds the quote.
    highlights = reading_order(library.get(a))
    paragraphs = _quote_paragraphs(body)
    assert len(paragraphs) == len(highlights)
    for (content, _), h in zip(paragraphs, highlights):
        assert content.endswith(f" ^{h.uid[:12]}"), content
    ids = re.findall(r"\^([A-Za-z0-9-]+)\s*$", body, re.M)
    assert ids == [h.uid[:12] for h in highlights]  # no id anywhere else (not on the tag lines)


def test_annotated_only_leaves_out_articles_without_highlights_or_notes(notes, tmp_path):
    library, _a, _noted, _bare = notes
    every = export_articles(library, "md", tmp_path / "all")
    assert every.articles == 3
    annotated = export_articles(library, "md", tmp_path / "some", annotated=True)
    assert annotated.articles == 2
    assert sorted(p.name for p in annotated.paths) == ["Only a note draft 1 x.md", "The Quiet Rivers of the North.md"]


# -- a vault kept current ---------------------------------------------------------------


def test_a_vault_is_rewritten_only_where_something_changed(notes, tmp_path):
    library, _a, noted, bare = notes
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "My own note.md").write_text("mine", "utf-8")
    first = sync_vault(library, vault)
    assert len(first.written) == 2
    again = sync_vault(library, vault)
    assert again.written == () and again.removed == ()  # nothing changed, nothing touched
    # A highlight added to the bare article: its file appears, the others stay as they are.
    mtimes = {p.name: p.stat().st_mtime_ns for p in vault.iterdir() if not p.name.startswith(".")}
    h = _add(library, bare, "Words enough for the extractor")
    after = sync_vault(library, vault)
    assert [p.name for p in after.written] == ["Nothing marked here.md"]
    assert {p.name: p.stat().st_mtime_ns for p in vault.iterdir() if p.name in mtimes} == mtimes
    # Its last highlight deleted: the file Reader wrote goes away; the user's own file stays.
    library.delete_highlight(h.id)
    gone = sync_vault(library, vault)
    assert [p.name for p in gone.removed] == ["Nothing marked here.md"]
    assert not (vault / "Nothing marked here.md").exists()
    # The note's article loses its note, but the user had edited its file: left alone.
    edited = vault / "Only a note draft 1 x.md"
    edited.write_text(edited.read_text("utf-8") + "\nmy own words\n", "utf-8")
    library.set_note(noted, "")
    kept = sync_vault(library, vault)
    assert edited.exists() and "my own words" in edited.read_text("utf-8") and kept.kept == (edited,)
    assert (vault / "My own note.md").read_text("utf-8") == "mine"
    with pytest.raises(ValueError, match="html"):
        sync_vault(library, vault, "html")


# -- Logseq ---------------------------------------------------------------------------------


def test_logseq_pages_with_properties_and_block_ids(notes, tmp_path):
    library, a, _noted, _bare = notes
    result = export_articles(library, "logseq", tmp_path / "graph", annotated=True)
    page = (tmp_path / "graph" / "The Quiet Rivers of the North.md").read_text("utf-8")
    head, _, blocks = page.partition("\n\n")
    props = dict(line.split(":: ", 1) for line in head.splitlines())
    assert props["title"] == "The Quiet Rivers of the North" and props["source"] == URL
    assert [t.strip() for t in props["tags"].split(",")] == [
        tag_names(library.get(a).tags)[t] for t in library.get(a).tags
    ]
    assert props["reader"].startswith("reader://open?article=")
    highlights = reading_order(library.get(a))
    ids = re.findall(r"^  id:: (\S+)$", blocks, re.M)
    assert ids == [str(uuid.UUID(hex=h.uid)) for h in highlights]  # ((uid)) references resolve
    # Each highlight block: "- > first line", its id right under it, the quote's other lines after.
    lines = blocks.splitlines()
    for h in highlights:
        at = lines.index(f"  id:: {uuid.UUID(hex=h.uid)}")
        first = lines[at - 1]
        assert first.startswith("- > ")
        rest = []
        for line in lines[at + 1 :]:
            if not line.startswith("  >"):
                break
            rest.append(line[4:])
        quote = "\n".join([first[4:], *rest])
        assert " ".join(quote.split()) == " ".join(h.quote.split())
    assert len(result.paths) == 2


# -- W3C JSON ---------------------------------------------------------------------------------

# Rules of the W3C web-annotation test suite (web-platform-tests, annotation-model/), as its
# assertion schemas state them; the names are the suite's.
STYLE_CLASS_VALID_IF_PRESENT = {  # definitions/specificResource.json#styleClassDefinition + 4.4
    "type": "object",
    "properties": {
        "styleClass": {"oneOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]}
    },
    "dependencies": {"styleClass": ["source"]},
}
STYLESHEET_DETECTED = {  # annotations/4.4-annotationStylesheetImplemented.json
    "type": "object",
    "required": ["stylesheet"],
    "properties": {
        "stylesheet": {
            "oneOf": [
                {"type": "string", "format": "uri"},
                {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "CssStylesheet"}, "value": {"type": "string"}},
                    "anyOf": [{"required": ["value"]}, {"required": ["id"]}],
                },
            ]
        }
    },
}
PAGE_PART_OF_VALIDATED = {  # collections/pages/5.2-pagePartOfImplemented.json: an embedded collection
    "type": "object",
    "required": ["first"],
    "properties": {
        "first": {
            "type": "object",
            "properties": {
                "partOf": {
                    "oneOf": [
                        {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:"},
                        {
                            "type": "object",
                            "required": ["id", "type"],
                            "properties": {
                                "type": {"const": "AnnotationCollection"},
                                "total": {"type": "integer", "minimum": 0},
                            },
                        },
                    ]
                }
            },
        }
    },
}
CONTEXT_VALIDATED = {  # annotations/3.1-annotationContextValidated.json
    "required": ["@context"],
    "properties": {
        "@context": {
            "oneOf": [
                {"const": "http://www.w3.org/ns/anno.jsonld"},
                {"type": "array", "contains": {"const": "http://www.w3.org/ns/anno.jsonld"}},
            ]
        }
    },
}


def _loader(url, options=None):
    if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads((FIXTURES / "jsonld" / "anno.jsonld").read_text("utf-8")),
        }
    raise AssertionError(f"the test reached for {url}: no network in tests")


def test_w3c_json_passes_the_suites_rules_and_survives_expansion(notes, tmp_path):
    library, a, noted, bare = notes
    library.set_archived(a)
    library.set_progress(a, 0.25)
    first = library.get(a).highlights[0]
    library.answer_review(first.id, "good", now=datetime(2026, 11, 2, 8, 0, tzinfo=UTC), duration_ms=1500)
    export_articles(library, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text("utf-8"))
    jsonschema.validate(data, CONTEXT_VALIDATED)
    jsonschema.validate(data, PAGE_PART_OF_VALIDATED)
    assert data["first"]["partOf"]["id"] == data["id"]
    items = data["first"]["items"]
    assert len(items) == 3
    for item in items:
        jsonschema.validate(item["target"], STYLE_CLASS_VALID_IF_PRESENT)
        jsonschema.validate(item, STYLESHEET_DETECTED)
        # The styleClass names a class the stylesheet defines.
        assert f".{item['target']['styleClass']} " in item["stylesheet"]["value"]
        notes_ = [b for b in item.get("body", []) if b.get("purpose") == "commenting"]
        assert all(b["format"] == "text/markdown" for b in notes_)
    # Expanded as any JSON-LD processor would: the articles extension keeps its notes, tags, titles.
    expanded = jsonld.expand(data, {"documentLoader": _loader})
    [collection] = expanded
    records = collection["urn:x-reader:vocab:articles"]
    titles = {r["http://purl.org/dc/terms/title"][0]["@value"] for r in records}
    assert titles == {library.get(a).title, library.get(noted).title, library.get(bare).title}
    note_values = {r["urn:x-reader:vocab:note"][0]["@value"] for r in records if "urn:x-reader:vocab:note" in r}
    assert "Article-level *thoughts*." in note_values and "Only this note." in note_values
    tags = {t["@value"] for r in records for t in r.get("urn:x-reader:vocab:tag", [])}
    assert tags == set(TAGS)
    [page] = collection["http://www.w3.org/ns/activitystreams#first"]
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(annotations) == 3
    assert all("http://www.w3.org/ns/oa#styledBy" in x for x in annotations)
    # The reader's state, who wrote what and the review answers are Reader's terms, kept too.
    [record] = [r for r in records if r["http://purl.org/dc/terms/title"][0]["@value"] == library.get(a).title]
    assert record["urn:x-reader:vocab:archived"][0]["@value"] is True
    assert record["urn:x-reader:vocab:readingProgress"][0]["@value"] == 0.25
    assert record["urn:x-reader:vocab:noteBy"][0]["@value"] == library.user
    assert {x["urn:x-reader:vocab:createdBy"][0]["@value"] for x in annotations} == {library.user}
    [reviewed] = [x for x in annotations if "urn:x-reader:vocab:review" in x]
    [answer] = reviewed["urn:x-reader:vocab:review"][0]["urn:x-reader:vocab:answers"][0]["@list"]
    assert answer["urn:x-reader:vocab:answer"][0]["@value"] == "good"
    assert answer["urn:x-reader:vocab:reviewed"][0]["@value"] == "2026-11-02T08:00:00Z"
    assert answer["urn:x-reader:vocab:durationMs"][0]["@value"] == 1500


# -- HTML notes --------------------------------------------------------------------------------


def test_html_notes_render_markdown_in_their_own_direction(notes, tmp_path):
    library, a, _noted, _bare = notes
    export_articles(library, "html", tmp_path / "page.html", ids=[a])
    text = (tmp_path / "page.html").read_text("utf-8")
    doc = lxml_html.fromstring(text)
    assert "**lifetime**" not in text and "[post](" not in text
    assert doc.xpath('//*[contains(@class, "rdr-item-note")]//strong[text()="lifetime"]')
    assert doc.xpath('//*[contains(@class, "rdr-item-note")]//a[@href="https://example.org/p"]')
    added = library.get(a).added
    assert f"{added.day} {added.strftime('%B')} {added.year}" in doc.text_content()
    assert not re.search(r">\d{4}-\d\d-\d\dT", text)  # no raw ISO dates shown
    # A right-to-left article with a left-to-right note (and a right-to-left one).
    h1 = plain_highlight(1, 9, "שלום עולם", uid="a" * 32, note="An *English* note")
    h2 = plain_highlight(2, 9, "עוד ציטוט", uid="b" * 32, note="הערה בעברית")
    article = plain_article(
        9,
        "כותרת",
        published="2024-04-30T23:30:00-05:00",
        language="he",
        direction="rtl",
        word_count=3,
        html="<p>טקסט</p>",
        text="טקסט",
        highlights=(h1, h2),
        uid="c" * 32,
    )
    export_articles([article], "html", tmp_path / "rtl.html")
    doc = lxml_html.fromstring((tmp_path / "rtl.html").read_text("utf-8"))
    [art] = doc.xpath("//article")
    assert art.get("dir") == "rtl"
    directions = [n.get("dir") for n in doc.xpath('//*[contains(@class, "rdr-item-note")]')]
    assert directions == ["ltr", "rtl"]
    assert "30 April 2024" in doc.text_content()  # the day as the page gave it, in its own zone


def test_one_note_renderer_sanitizes():
    out = note_html(
        "**b** <script>x()</script> [j](javascript:alert(1)) ![pic](http://127.0.0.1:9/p.png) "
        "[r](reader://open?article=a&highlight=b)\nline"
    )
    doc = lxml_html.fragment_fromstring(out, create_parent="div")
    assert doc.xpath("//strong") and not doc.xpath("//script|//img")
    assert [a.get("href") for a in doc.xpath("//a")] == ["reader://open?article=a&highlight=b"]
    assert "<br" in out and "pic" in doc.text_content()
    assert note_html("  ") == "" and text_direction("123 שלום") == "rtl" and text_direction("- note") == "ltr"


# -- Anki ----------------------------------------------------------------------------------------


def _apkg_notes(path: Path) -> tuple[list[tuple], dict]:
    with zipfile.ZipFile(path) as z:
        assert "collection.anki2" in z.namelist()
        db = path.parent / (path.name + ".anki2")
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id").fetchall()
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    finally:
        conn.close()
    return rows, {"decks": decks, "models": models}


def test_anki_deck_one_note_per_highlight_with_stable_guids(notes, tmp_path):
    library, a, _noted, _bare = notes
    highlights = reading_order(library.get(a))
    export_articles(library, "anki", tmp_path / "deck.apkg", deck="Reader::rivers")
    rows, col = _apkg_notes(tmp_path / "deck.apkg")
    assert [r[0] for r in rows] == [genanki.guid_for(h.uid) for h in highlights]
    assert any(d["name"] == "Reader::rivers" for d in col["decks"].values())
    posts = next(h for h in highlights if h.quote == "listening posts")
    [fields] = [r[2].split("\x1f") for r in rows if r[0] == genanki.guid_for(posts.uid)]
    assert fields[0] == "listening posts" and "<strong>lifetime</strong>" in fields[1]
    assert "The Quiet Rivers of the North" in fields[2] and f"highlight={posts.uid}" in fields[3]
    for row in rows:
        assert all(" " not in t and is_valid(t) for t in row[3].split())
    # Exported again (after an edit): the same notes, updated, not doubled.
    library.update_highlight(posts.id, note="changed")
    export_articles(library, "anki", tmp_path / "deck.apkg", deck="Reader::rivers")
    again, _ = _apkg_notes(tmp_path / "deck.apkg")
    assert [r[0] for r in again] == [r[0] for r in rows]
    assert [r[2].split("\x1f")[1] for r in again if r[0] == genanki.guid_for(posts.uid)] == ["<p>changed</p>"]
    export_articles(library, "anki", tmp_path / "cloze.apkg", cloze=True)
    rows, col = _apkg_notes(tmp_path / "cloze.apkg")
    assert all(r[2].startswith("{{c1::") for r in rows)
    assert {m["type"] for m in col["models"].values()} == {1}  # Anki's cloze note type


# -- citations --------------------------------------------------------------------------------


def test_bibtex_parses_with_bibtexparser(notes, tmp_path):
    library, a, _noted, bare = notes
    library.set_note(bare, "Braces { } and 50% & $5 #1 under_score")
    export_articles(library, "bibtex", tmp_path / "refs.bib")
    parsed = bibtexparser.parse_string((tmp_path / "refs.bib").read_text("utf-8"))
    assert not parsed.failed_blocks
    entries = {e.key: e for e in parsed.entries}
    assert len(entries) == 3 and all(e.entry_type == "online" for e in entries.values())
    rivers = next(e for e in entries.values() if e.fields_dict["title"].value == "The Quiet Rivers of the North")
    assert rivers.fields_dict["author"].value == "Lindqvist, Maria"
    assert rivers.fields_dict["url"].value == URL
    added = library.get(a).added
    assert rivers.fields_dict["urldate"].value == added.strftime("%Y-%m-%d")
    assert rivers.fields_dict["note"].value == "Article-level *thoughts*."
    bare_entry = next(e for e in entries.values() if e.fields_dict["title"].value == "Nothing marked here")
    assert bare_entry.fields_dict["note"].value == r"Braces \{ \} and 50\% \& \$5 \#1 under\_score"


def test_csl_json_renders_with_citeproc(notes, tmp_path):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    library, _a, _noted, _bare = notes
    export_articles(library, "csl-json", tmp_path / "refs.json")
    items = json.loads((tmp_path / "refs.json").read_text("utf-8"))
    assert len(items) == 3 and all(i["type"] == "webpage" for i in items)
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(x) for x in bibliography.bibliography()]
    assert len(rendered) == 3
    rivers = next(r for r in rendered if "Quiet Rivers" in r)
    assert "Lindqvist" in rivers and URL in rivers


# -- Hypothesis ---------------------------------------------------------------------------------


def test_hypothesis_export_has_the_clients_shape_and_comes_back(notes, tmp_path):
    library, a, _noted, _bare = notes
    export_articles(library, "hypothesis", tmp_path / "h.json", annotated=True)
    data = json.loads((tmp_path / "h.json").read_text("utf-8"))
    # What the Hypothesis client's import checks (readExportFile): an object with an annotations list.
    assert isinstance(data, dict) and isinstance(data["annotations"], list)
    highlights = [x for x in data["annotations"] if any(t.get("selector") for t in x["target"])]
    page_notes = [x for x in data["annotations"] if x not in highlights]
    assert len(highlights) == 3 and len(page_notes) == 2
    for x in highlights:
        assert x["uri"] == URL and x["user"].startswith("acct:") and isinstance(x["tags"], list)
        [target] = x["target"]
        assert target["source"] == URL
        assert {s["type"] for s in target["selector"]} == {"TextQuoteSelector", "TextPositionSelector"}
    # Into a fresh library: every highlight, note and tag comes back, once.
    fresh = Library.open(tmp_path / "fresh")
    try:
        [o] = fresh.import_paths([FIXTURES / "article.html"], workers=1)
        report = import_annotations(fresh, tmp_path / "h.json")
        assert report.added == 3 and report.orphans == 0 and report.problems == []
        got = {(h.quote, h.note, h.color, h.tags, h.uid) for h in fresh.highlights(o.id)}
        assert got == {(h.quote, h.note, h.color, h.tags, h.uid) for h in library.highlights(a)}
        assert fresh.get(o.id).note == "Article-level *thoughts*." and set(fresh.get(o.id).tags) == set(TAGS)
        assert import_annotations(fresh, tmp_path / "h.json").added == 0
    finally:
        fresh.close()


def test_import_reads_a_file_the_hypothesis_client_wrote(library, article_page, tmp_path):
    [o] = library.import_paths([article_page], workers=1)
    client_file = {
        "export_date": "2024-06-01T10:00:00.000Z",
        "export_userid": "acct:ann@hypothes.is",
        "client_version": "1.1500.0",
        "annotations": [
            {
                "id": "Xk3cE2h9Ee-abcdEFGHIJ",
                "created": "2024-06-01T09:00:00.000000+00:00",
                "updated": "2024-06-01T09:05:00.000000+00:00",
                "user": "acct:ann@hypothes.is",
                "uri": URL,
                "text": "A *note*",
                "tags": ["ice"],
                "group": "__world__",
                "target": [
                    {
                        "source": URL,
                        "selector": [
                            {
                                "type": "RangeSelector",
                                "startContainer": "/p[1]",
                                "startOffset": 0,
                                "endContainer": "/p[1]",
                                "endOffset": 10,
                            },
                            {"type": "TextQuoteSelector", "exact": "listening posts", "prefix": "", "suffix": ""},
                        ],
                    }
                ],
                "document": {"title": ["The Quiet Rivers of the North"]},
            },
            {
                "id": "reply1",
                "references": ["Xk3cE2h9Ee-abcdEFGHIJ"],
                "text": "a reply",
                "uri": URL,
                "target": [{"source": URL}],
            },
            {"id": "pagenote", "uri": URL, "text": "Page note", "tags": ["north"], "target": [{"source": URL}]},
        ],
    }
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps(client_file), "utf-8")
    report = import_annotations(library, path)
    assert report.added == 1 and report.notes == 1 and report.tags == 1
    [h] = library.highlights(o.id)
    assert h.quote == "listening posts" and h.note == "A *note*" and h.tags == ("ice",) and h.placed
    assert library.get(o.id).note == "Page note"
    assert import_annotations(library, path).added == 0
