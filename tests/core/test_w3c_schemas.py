"""Reader's W3C JSON export against the W3C Web Annotation test suite's own JSON
schemas (vendored in tests/fixtures/w3c-annotation-schemas, see its README): every
annotation passes the suite's MUST assertions (annotationMusts.test) and the
optional features Reader claims (an embedded CssStylesheet for each styleClass,
TextQuoteSelector, TextPositionSelector, Markdown note bodies, the page's partOf);
then JSON-LD expansion with pyld against a local copy of the W3C context. No network."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from pyld import jsonld
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4

from reader.core import Library
from reader.core.export import export_articles, import_annotations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUITE = FIXTURES / "w3c-annotation-schemas"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _registry() -> Registry:
    """Every schema of the suite under the name it gives itself (`"id"`), which is
    how the others refer to it; anything else is unresolvable (never fetched)."""
    resources = []
    for path in sorted(SUITE.rglob("*.json")):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((contents["id"], DRAFT4.create_resource(contents)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def _validator(schema: dict) -> jsonschema.Draft4Validator:
    # The suite's formats ("uri", "date-time") are checked, not just annotated.
    return jsonschema.Draft4Validator(
        schema, registry=REGISTRY, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _assertion(name: str) -> jsonschema.Draft4Validator:
    return _validator(json.loads((SUITE / name).read_text("utf-8")))


def _definition(ref: str) -> jsonschema.Draft4Validator:
    return _validator({"$ref": ref})


MUSTS = json.loads((SUITE / "annotations" / "annotationMusts.test").read_text("utf-8"))["assertions"]


def _errors(validator: jsonschema.Draft4Validator, instance) -> list[str]:
    return [e.message for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One export for every test here (it is the same on either backend): the fixture
    article with highlights of every kind Reader writes: with a Markdown note and tags,
    across paragraphs, bare, in each colour, and one that could not be placed (its
    quote selector only)."""
    tmp_path = tmp_path_factory.mktemp("w3c")
    with Library.open(tmp_path / "lib") as library:
        return _export(library, tmp_path)


def _export(library: Library, tmp_path: Path) -> dict:
    [outcome] = library.import_paths([FIXTURES / "article.html"])
    a = outcome.id
    text = library.get(a).text

    def add(quote: str, **kw):
        start = text.index(quote)
        return library.add_highlight(a, start, start + len(quote), **kw)

    add("listening posts", color="green", note="**lifetime** of a [post](https://example.org/p)", tags=["C++"])
    start = text.index("every fifteen minutes.")
    end = text.index("Listening under") + len("Listening under")
    library.add_highlight(a, start, end, color="blue", note="across blocks", tags=["rivers", "2024"])
    add("Forty stations across three river basins", color="pink")
    add("quiet", color="purple")
    library.set_note(a, "Article-level *thoughts*.")
    out = tmp_path / "all.json"
    export_articles(library, "json", out)
    # A highlight whose quote is no longer in the article: imported, kept unplaced,
    # and written with its quote selector only.
    data = json.loads(out.read_text("utf-8"))
    lost = copy.deepcopy(data["first"]["items"][0])
    lost["id"] = uuid.uuid4().urn
    lost["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": "words the article never had"}]
    lost["target"]["styleClass"] = "yellow"
    data["first"]["items"] = [lost]
    assert import_annotations(library, data).orphans == 1
    export_articles(library, "json", out)
    data = json.loads(out.read_text("utf-8"))
    assert len(data["first"]["items"]) == 5
    return data


def _annotations(data: dict) -> list[dict]:
    """Each annotation as a consumer takes it out of the collection: with the
    collection's @context, which applies to everything embedded in it."""
    return [{"@context": data["@context"], **item} for item in data["first"]["items"]]


def test_every_annotation_passes_the_suites_must_assertions(exported):
    assert len(MUSTS) == 14
    for name in MUSTS:
        validator = _assertion(name)
        for annotation in _annotations(exported):
            assert not _errors(validator, annotation), (name, annotation["id"])


def test_the_optional_features_reader_claims_pass_the_suites_schemas(exported):
    stylesheet = _assertion("annotations/4.4-annotationStylesheetImplemented.json")
    style_class = _definition("specificResource.json#/definitions/styleClassDetected")
    motivation = _definition("annotations.json#/definitions/motivationRecognizedIfPresent")
    target_musts = _definition("bodyTarget.json#/definitions/optionalTargetPropertiesMust")
    body_musts = _definition("bodyTarget.json#/definitions/optionalBodyPropertiesMust")
    body_shoulds = _definition("bodyTarget.json#/definitions/optionalBodyPropertiesShould")
    body_purpose = _definition("bodyTarget.json#/definitions/optionalBodyPurposePropertyShould")
    single_format = _definition("bodyTarget.json#/definitions/singleFormatPropertyFound")
    quote = _definition("specificResource.json#/definitions/textQuoteSelectorDetected")
    position = _definition("specificResource.json#/definitions/textPositionSelectorDetected")
    kinds = {"TextQuoteSelector": quote, "TextPositionSelector": position}
    seen: dict[str, int] = {}
    for annotation in _annotations(exported):
        assert not _errors(stylesheet, annotation)
        assert not _errors(motivation, annotation)
        target = annotation["target"]
        # Every styleClass names a class of the annotation's own stylesheet (model 4.4).
        assert not _errors(style_class, target)
        assert f".{target['styleClass']} " in annotation["stylesheet"]["value"]
        # (Not the suite's "should" list of target types: at this commit it leaves out
        # SpecificResource, the class model 4 itself recommends for a specific resource.)
        assert not _errors(target_musts, target)
        for selector in target["selector"]:
            seen[selector["type"]] = seen.get(selector["type"], 0) + 1
            assert not _errors(kinds[selector["type"]], selector)
        for body in annotation.get("body", []):
            assert not _errors(body_musts, body) and not _errors(body_shoulds, body)
            assert not _errors(body_purpose, body)
            if body["purpose"] == "commenting":
                assert not _errors(single_format, body) and body["format"] == "text/markdown"
    assert seen == {"TextQuoteSelector": 5, "TextPositionSelector": 4}  # the lost one has its quote only


def test_the_page_embeds_the_collection_it_is_part_of(exported):
    assert not _errors(_assertion("collections/pages/5.2-pagePartOfImplemented.json"), exported)
    for ref in ("annotationCollectionTypeValueFound", "firstFound", "labelFound", "totalFound"):
        assert not _errors(_definition(f"collections.json#/definitions/{ref}"), exported), ref
    page = exported["first"]
    assert not _errors(_definition("collections.json#/definitions/annotationPageTypeValueFound"), page)
    assert not _errors(_definition("collections.json#/definitions/itemsFound"), page)
    assert page["partOf"]["id"] == exported["id"] and page["partOf"]["total"] == exported["total"] == 5


@pytest.mark.parametrize(
    ("schema", "break_it"),
    [
        ("annotations/3.1-annotationContextValidated.json", lambda a: a.pop("@context")),
        ("annotations/3.1-annotationIdValidated.json", lambda a: a.update(id="not a uri")),
        ("annotations/3.2.5-notBodyBodyValue.json", lambda a: a.update(bodyValue="both")),
        ("annotations/3.3.1-annotationCreatedValidated.json", lambda a: a.update(created="30 Nov 2026")),
        ("annotations/3.2-targetObjectsRecognized.json", lambda a: a["target"].pop("source")),
        ("annotations/3.1-targetKeyFound.json", lambda a: a.pop("target")),
        ("annotations/3.2-bodyObjectsRecognized.json", lambda a: a["body"].append({"purpose": "tagging"})),
        ("annotations/4.4-annotationStylesheetImplemented.json", lambda a: a["stylesheet"].update(id="urn:x:y")),
        ("annotations/4.4-annotationStylesheetImplemented.json", lambda a: a.pop("stylesheet")),
    ],
)
def test_the_suites_schemas_reject_what_they_should(exported, schema, break_it):
    """The checks above can fail: a broken copy of an exported annotation is refused
    (formats are checked, $refs resolve, nothing passes by default)."""
    annotation = copy.deepcopy(next(a for a in _annotations(exported) if "body" in a))
    validator = _assertion(schema)
    assert not _errors(validator, annotation)
    break_it(annotation)
    assert _errors(validator, annotation)


def test_selectors_out_of_the_model_are_refused():
    position = _definition("specificResource.json#/definitions/textPositionSelectorDetected")
    assert _errors(position, {"type": "TextPositionSelector", "start": -1, "end": 4})
    quote = _definition("specificResource.json#/definitions/textQuoteSelectorDetected")
    assert _errors(quote, {"type": "TextQuoteSelector", "prefix": "no exact"})


def test_a_reference_outside_the_suite_is_never_fetched():
    with pytest.raises(Unresolvable):
        _definition("https://www.w3.org/ns/elsewhere.json#/definitions/x").validate({})


def _loader(url, options=None):
    if url.rstrip("/") in (ANNO_CONTEXT, "https://www.w3.org/ns/anno.jsonld"):
        document = json.loads((FIXTURES / "jsonld" / "anno.jsonld").read_text("utf-8"))
        return {"contextUrl": None, "documentUrl": url, "document": document}
    raise AssertionError(f"the test reached for {url}: no network in tests")


def test_expansion_with_the_w3c_context_keeps_every_annotation_and_the_articles(exported):
    [collection] = jsonld.expand(exported, {"documentLoader": _loader})
    oa, as_ = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/activitystreams#"
    assert collection["@type"] == [f"{as_}OrderedCollection"]
    [page] = collection[f"{as_}first"]
    annotations = page[f"{as_}items"][0]["@list"]
    assert len(annotations) == 5
    for annotation in annotations:
        assert annotation["@type"] == [f"{oa}Annotation"]
        [target] = annotation[f"{oa}hasTarget"]
        assert target[f"{oa}styleClass"][0]["@value"] in ("yellow", "green", "blue", "pink", "purple")
        [sheet] = annotation[f"{oa}styledBy"]
        assert sheet["@type"] == [f"{oa}CssStyle"]
        kinds = {s["@type"][0] for s in target[f"{oa}hasSelector"]}
        assert f"{oa}TextQuoteSelector" in kinds
        created = annotation["http://purl.org/dc/terms/created"][0]
        assert created["@type"] == "http://www.w3.org/2001/XMLSchema#dateTime"
    notes = [
        b
        for a in annotations
        for b in a.get(f"{oa}hasBody", [])
        if b.get(f"{oa}hasPurpose") == [{"@id": f"{oa}commenting"}]
    ]
    assert {n["http://purl.org/dc/elements/1.1/format"][0]["@value"] for n in notes} == {"text/markdown"}
    [record] = collection["urn:x-reader:vocab:articles"]
    assert record["urn:x-reader:vocab:note"][0]["@value"] == "Article-level *thoughts*."
