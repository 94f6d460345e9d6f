"""The extraction's faster steps give readability-lxml's (and the regexes') own answers.

ArticleDocument overrides readability-lxml steps for speed only
(transform_misused_divs_into_paragraphs, score_paragraphs, sanitize, clean);
the text checks use faster equivalents of case-insensitive patterns and of
whitespace collapsing. Each is compared here with the original on the
fixture pages and on generated input, so that an upgrade of readability-lxml
that changes its steps, or a pattern the fast path cannot serve, shows up.
"""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from lxml.etree import tounicode
from readability import Document
from readability.readability import clean

from reader.core.importing import extract as extraction
from reader.core.importing.formats import load_page
from reader.core.importing.furniture import FURNITURE_TEXT
from reader.core.importing.nodes import SPACES, CaselessPattern, collapse
from reader.core.importing.parsers import html_parser
from reader.core.importing.readability_rules import ArticleDocument, _clean

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "extraction").glob("*.html"))
# and, where the shared corpora are beside the checkout, a fixed sample of their pages
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
PAGES += (
    sorted(CORPUS.glob("trafilatura-eval/*.html"))[::25]
    + sorted(CORPUS.glob("readability-test-pages/*/source.html"))[::10]
)
_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


def _prepared_tree(path: Path) -> tuple[lxml_html.HtmlElement, str]:
    page = load_page(path)
    root = extraction.parse(page.html)
    assert root is not None
    extraction.mark_math(root)
    meta = extraction.read_metadata(root, None)
    extraction.prepare_tree(root, meta)
    return root, meta.title


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.stem}"[:60] for p in PAGES])
def test_summary_is_readabilitys_own_steps(path, monkeypatch):
    root, headline = _prepared_tree(path)

    def summary() -> str:
        document = ArticleDocument(root, url=None)
        document.headline = headline
        result: str = document.summary(html_partial=True)
        return result

    ours = summary()
    for step in ("transform_misused_divs_into_paragraphs", "score_paragraphs", "sanitize"):
        monkeypatch.setattr(ArticleDocument, step, getattr(Document, step))
    assert summary() == ours


def test_misused_divs_become_paragraphs_as_readability_makes_them():
    rng = random.Random(7)
    tags = (
        "div span p b a br img i em pre picture abbr dl dd o:p table td ul li ol blockquote section font code".split()
    )
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(5, 60)):
            roll, tag = rng.random(), rng.choice(tags)
            parts.append(
                f"<{tag}>" if roll < 0.5 else f"</{tag}>" if roll < 0.75 else rng.choice(["text ", "\n", "a, b "])
            )
        markup = "<html><body><div>" + "".join(parts) + "</div></body></html>"
        root = lxml_html.document_fromstring(markup, parser=html_parser())
        ours, theirs = ArticleDocument(root), ArticleDocument(root)
        ours.html, theirs.html = copy.deepcopy(root), copy.deepcopy(root)
        ours.transform_misused_divs_into_paragraphs()
        Document.transform_misused_divs_into_paragraphs(theirs)
        assert tounicode(ours.html) == tounicode(theirs.html), markup


def test_clean_is_readabilitys_clean():
    rng = random.Random(3)
    pools = [
        [" ", "\t", "\n", "\r", "\xa0", "a", ",", "\u3000"],
        [" "],
        [" ", "\t"],
        ["\n", " ", "x"],
        [" ", "\n", "\r", "\t"],
    ]
    for _ in range(20000):
        pool = rng.choice(pools)
        text = "".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 3, 20, 260, 600])))
        assert _clean(text) == clean(text), repr(text)
        assert _clean(f"a{text}b") == clean(f"a{text}b"), repr(text)


def test_collapse_is_the_regex_collapse():
    rng = random.Random(1)
    pool = [*_WHITESPACE, "a", "é", "中", ","]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 10)))
        assert collapse(text) == SPACES.sub(" ", text).strip(), repr(text)


def test_caseless_patterns_answer_as_the_case_insensitive_ones():
    rng = random.Random(5)
    words = [
        "Share",
        "SHARE",
        "read more",
        "Weiterlesen",
        "ÜBER",
        "İ",
        "ſhare",
        "K",
        "Anzeige",
        "12 Min Read",
        " ",
        "-",
    ]
    pattern = CaselessPattern(FURNITURE_TEXT)
    for _ in range(5000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        assert pattern.match(text) == bool(FURNITURE_TEXT.match(text)), text
        assert pattern.search(text) == bool(FURNITURE_TEXT.search(text)), text
    with pytest.raises(ValueError):
        CaselessPattern(re.compile("Share", re.I))  # its lowercased copy would never match
