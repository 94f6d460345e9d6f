"""Property-based tests over generated HTML (hypothesis; a bounded number of examples).

- Preparing any page never raises: it gives an article (with text, and HTML that
  can neither run nor fetch) or one clear reason.
- Importing any page gives one outcome; any highlight on any range of the result
  is exported (W3C selectors) and found again from them, and survives re-extraction.
"""

from __future__ import annotations

import base64
import codecs
import itertools
import json
import os
import quopri
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from reader.core import anchoring
from reader.core.export import export_articles
from reader.core.importing.sanitize import ALLOWED_ATTRS, ALLOWED_TAGS
from reader.core.importing.worker import prepare_safely

TAGS = [
    "p",
    "div",
    "span",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "img",
    "br",
    "h1",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "code",
    "figure",
    "figcaption",
    "section",
    "article",
    "nav",
    "aside",
    "header",
    "footer",
    "main",
    "script",
    "style",
    "iframe",
    "svg",
    "math",
    "form",
    "input",
    "textarea",
    "select",
    "noscript",
    "template",
    "object",
    "video",
    "picture",
    "source",
    "font",
    "center",
    "marquee",
    "xmp",
    "title",
    "meta",
    "link",
    "base",
    "body",
    "html",
    "head",
    "x-custom",
    "time",
    "sup",
    "sub",
    "hr",
    "q",
    "abbr",
]
ATTRS = [
    "href",
    "src",
    "srcset",
    "onclick",
    "onerror",
    "onload",
    "style",
    "class",
    "id",
    "alt",
    "title",
    "lang",
    "dir",
    "width",
    "colspan",
    "rel",
    "content",
    "http-equiv",
    "data-src",
    "background",
    "action",
    "xlink:href",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
            "https://tracker.example/p.gif",
            "//tracker.example/x",
            "x.png",
            "x_files/a.png",
            "background:url(x)",
            "expression(alert(1))",
            "0;url=https://evil.example/",
            "canonical",
            "rtl",
            "99999",
            "",
        ]
    ),
    st.text(max_size=12),
)
WORDS = st.sampled_from(
    "harbour ledger boat the a of and river winter café naïve Größe 日本語 текст עברית عربى 🌊 &amp; &lt; < > \" ' "
    "&#x0; &nbsp; \u00a0 \u200b \t \n".split(" ")
)
TEXT = st.lists(WORDS, max_size=25).map(" ".join) | st.text(max_size=30)


def element(children):
    return st.builds(
        lambda tag, attrs, kids: (
            f"<{tag}"
            + "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in attrs.items())
            + ">"
            + "".join(kids)
            + (f"</{tag}>" if tag not in ("img", "br", "hr", "input", "meta", "link", "base") else "")
        ),
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(ATTRS), VALUES, max_size=3),
        st.lists(children, max_size=5),
    )


FRAGMENT = st.recursive(TEXT, element, max_leaves=40)


@st.composite
def pages(draw) -> bytes:
    body = "".join(draw(st.lists(FRAGMENT, min_size=1, max_size=6)))
    if draw(st.booleans()):
        head = draw(
            st.sampled_from(
                [
                    "",
                    "<meta charset='windows-1252'>",
                    "<meta charset='utf-8'>",
                    "<meta charset='shift_jis'>",
                    "<link rel=canonical href='https://example.org/p'>",
                    "<base href='https://evil.example/'>",
                    "<meta http-equiv=refresh content='0;url=https://evil.example/'>",
                    "<title>T</title>",
                ]
            )
        )
        comment = draw(
            st.sampled_from(
                [
                    "",
                    "<!-- saved from url=(0021)https://example.org/ -->",
                    "<!--\n Page saved with SingleFile \n url: https://example.org/s \n-->",
                ]
            )
        )
        html = f"<!DOCTYPE html>{comment}<html><head>{head}</head><body>{body}</body></html>"
    else:
        html = body
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "shift_jis", "utf-16-le", "koi8_r"]))
    data = html.encode(encoding, errors="replace")
    if draw(st.booleans()) and encoding.startswith("utf"):
        data = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE}[encoding] + data
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # a download cut short
    if draw(st.integers(0, 5)) == 0:  # as an MHTML save, its HTML part in some transfer encoding
        cte = draw(st.sampled_from(["base64", "quoted-printable", "8bit"]))
        payload = (
            base64.encodebytes(data).decode()
            if cte == "base64"
            else (quopri.encodestring(data).decode("ascii") if cte == "quoted-printable" else data.decode("latin-1"))
        )
        data = (
            "MIME-Version: 1.0\r\nSnapshot-Content-Location: https://example.org/m\r\n"
            'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n------B\r\n'
            f"Content-Type: text/html; charset={draw(st.sampled_from(['utf-8', 'windows-1252', 'bogus']))}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\nContent-Location: https://example.org/m\r\n\r\n"
            f"{payload}\r\n------B--\r\n"
        ).encode("latin-1")
    return data


URL_ATTRS = {"href", "cite"}


def assert_inert(clean: str) -> None:
    """Structurally: only allowed tags and attributes, safe URLs, stored images.

    (Text may say anything, "javascript:" included: escaped, it is only text.)
    """
    if not clean.strip():
        return
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    for el in root.iter():
        if el is root:
            continue
        assert isinstance(el.tag, str) and el.tag in ALLOWED_TAGS, (el.tag, clean)
        for name, value in el.attrib.items():
            assert name in ALLOWED_ATTRS["*"] | ALLOWED_ATTRS.get(el.tag, set()), (name, clean)
            if name in URL_ATTRS:
                assert re.match(r"^(https?://|mailto:|#)", value.strip(), re.I), (name, value)
            if el.tag == "img" and name == "src":
                assert re.match(r"^asset:[0-9a-f]+\.\w+$", value), value


_counter = itertools.count()
# READER_FUZZ=10 runs ten times the examples (for a longer hunt than CI's).
FUZZ = int(os.environ.get("READER_FUZZ", "1"))


@settings(
    max_examples=100 * FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=pages())
def test_preparing_any_page_gives_an_article_or_a_reason(tmp_path, data):
    path = tmp_path / f"page{next(_counter)}.html"
    path.write_bytes(data)
    result = prepare_safely(path)
    if isinstance(result, str):
        assert result.strip() and "\n" not in result
        assert not result.startswith("could not read the page ("), result  # an unexpected exception
    else:
        assert result.text.strip()
        assert result.title.strip()
        assert_inert(result.html)


@settings(
    max_examples=60 * FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=pages(), selection=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_any_highlight_is_exported_and_found_again(library, tmp_path, data, selection):
    path = tmp_path / f"page{next(_counter)}.html"
    path.write_bytes(data)
    [outcome] = library.import_paths([path], workers=1)
    if outcome.status == "failed":
        assert outcome.error and "\n" not in outcome.error
        return
    assert outcome.status in ("imported", "duplicate")  # a generated page may repeat an earlier one
    article = library.get(outcome.id)
    text = article.text
    start, end = sorted(min(int(f * len(text)), len(text) - 1) for f in selection)
    start, end = anchoring.trim_range(text, start, max(end, start + 1))
    if end <= start:
        return  # a whitespace-only selection: nothing to highlight
    highlight = library.add_highlight(article.id, start, end)
    assert text[highlight.start : highlight.end] == highlight.quote

    out = tmp_path / f"export{next(_counter)}.json"
    export_articles(library, "json", out, ids=[article.id])
    annotations = json.loads(out.read_text(encoding="utf-8"))["first"]["items"]
    [exported] = [a for a in annotations if a["id"].replace("-", "").endswith(highlight.uid.replace("-", ""))]
    selectors = {s["type"]: s for s in exported["target"]["selector"]}
    quote = selectors["TextQuoteSelector"]
    position = selectors.get("TextPositionSelector", {"start": -1, "end": -1})
    anchor = anchoring.Anchor(
        position["start"], position["end"], quote["exact"], quote.get("prefix", ""), quote.get("suffix", "")
    )
    assert anchoring.reanchor(text, anchor) == (highlight.start, highlight.end)
    # Without the position, from the quote and its context alone.
    found = anchoring.reanchor(text, anchoring.Anchor(-1, -1, anchor.quote, anchor.prefix, anchor.suffix))
    assert found is not None and text[found[0] : found[1]] == highlight.quote

    placed, orphaned = library.reextract(article.id)
    assert (placed, orphaned) == (len(article.highlights) + 1, 0)
    [again] = [h for h in library.highlights(article.id) if h.uid == highlight.uid]
    assert library.get(article.id).text[again.start : again.end] == highlight.quote
