"""Formulas given only as MathML (no TeX annotation, no alttext: MathJax's assistive
MathML, hand-written MathML) keep their shape as TeX: fractions, scripts, roots, limits,
fences, accents, matrices. The TeX rides in the formula's span (its title) for the reading
view to typeset; the text keeps the MathML's own characters, as a browser's reader view."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from reader.core.importing.pipeline import prepare

PROSE = (
    "<p>Glaciers move by internal deformation and by sliding over their beds, and the two "
    "together decide how fast the ice reaches the sea. The formula below is the one we used.</p>"
)


def _span(tmp_path: Path, mathml: str, display: bool = True) -> tuple[str, str, str]:
    """(the TeX to typeset, the text, the article's text) an import keeps for one formula of a saved page."""
    shown = ' display="block"' if display else ""
    page = tmp_path / "formula.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ice Notes</title></head><body><article>"
        f"<h1>Ice Notes</h1>{PROSE}<p>It reads <math{shown}>{mathml}</math> in our units.</p>{PROSE}"
        "</article></body></html>",
        "utf-8",
    )
    prepared = prepare(page)
    body = prepared.html
    start = body.index('lang="x-tex')
    tag = body[body.rindex("<span", 0, start) : body.index(">", start)]
    title = tag.split('title="', 1)[1].split('"', 1)[0] if 'title="' in tag else ""
    text = html.unescape(body[body.index(">", start) + 1 : body.index("</span>", start)])
    return html.unescape(title), text, prepared.text


def _formula(tmp_path: Path, mathml: str, display: bool = True) -> str:
    """The TeX the reading view typesets for one formula."""
    title, text, _ = _span(tmp_path, mathml, display)
    return title or text


@pytest.mark.parametrize(
    ("mathml", "tex"),
    [
        (
            "<mfrac><mrow><mo>∂</mo><mi>T</mi></mrow><mrow><mo>∂</mo><mi>t</mi></mrow></mfrac><mo>=</mo><mi>κ</mi>"
            "<mfrac><mrow><msup><mo>∂</mo><mn>2</mn></msup><mi>T</mi></mrow><mrow><mo>∂</mo><msup><mi>z</mi><mn>2</mn></msup></mrow></mfrac>",
            r"\frac{\partial T}{\partial t} = \kappa \frac{{\partial}^{2} T}{\partial {z}^{2}}",
        ),
        (
            "<msqrt><msup><mi>a</mi><mn>2</mn></msup><mo>+</mo><msup><mi>b</mi><mn>2</mn></msup></msqrt>",
            r"\sqrt{{a}^{2} + {b}^{2}}",
        ),
        ("<mroot><mi>x</mi><mn>3</mn></mroot>", r"\sqrt[3]{x}"),
        (
            "<mo>(</mo><mfrac linethickness='0'><mi>n</mi><mi>k</mi></mfrac><mo>)</mo>",
            r"\left( {n \atop k} \right)",
        ),  # a binomial
        ("<msup><mi>a</mi><mrow><mspace width='1em'/><mn>2</mn></mrow></msup>", r"{a}^{2}"),  # MathJax's padding
        (
            "<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>x</mi><mi>i</mi></msub>",
            r"\sum_{i = 1}^{n} {x}_{i}",
        ),
        ("<mi>sin</mi><mo>\u2061</mo><mi>θ</mi>", r"\sin \theta"),
        ("<mover><mi>v</mi><mo>→</mo></mover>", r"\vec{v}"),
        ("<mfenced><mi>a</mi><mi>b</mi></mfenced>", r"\left( a , b \right)"),
        ("<mi mathvariant='double-struck'>R</mi>", r"\mathbb{R}"),
        ("<mtext>rate_of melt & 5%</mtext>", r"\text{rate\_of melt \& 5\%}"),
        ("<mrow><mo>|</mo><mi>x</mi><mo>|</mo></mrow>", r"\left| x \right|"),  # fences grow with what they hold
        ("<mrow><mrow><mo>[</mo></mrow><mi>x</mi><mrow><mo>]</mo></mrow></mrow>", r"\left[ x \right]"),  # MathJax's
        (
            "<mtable><mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr><mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr></mtable>",
            r"\begin{matrix} 1 & 0 \\ 0 & 1 \end{matrix}",
        ),
    ],
)
def test_mathml_without_tex_keeps_its_shape(tmp_path, mathml, tex):
    assert _formula(tmp_path, mathml) == tex


def test_the_text_keeps_the_mathml_characters_and_the_span_its_tex(tmp_path):
    tex, text, article = _span(tmp_path, "<mfrac><mi>a</mi><mi>b</mi></mfrac><mo>=</mo><mi>π</mi>")
    assert tex == r"\frac{a}{b} = \pi"
    assert text == "a b = π"
    assert "It reads a b = π in our units" in article  # search, quotes and exports: the page's characters


def test_a_tex_annotation_still_wins_over_the_mathml(tmp_path):
    mathml = (
        "<semantics><mfrac><mi>a</mi><mi>b</mi></mfrac>"
        '<annotation encoding="application/x-tex">\\tfrac{a}{b}</annotation></semantics>'
    )
    assert _formula(tmp_path, mathml, display=False) == r"\tfrac{a}{b}"


def test_mathml_nested_past_any_formula_is_read_as_text_without_failing(tmp_path):
    # A hostile page: thousands of nested rows. The import ends, with the formula's text.
    deep = "<mrow>" * 3000 + "<mi>x</mi>" + "</mrow>" * 3000
    assert _formula(tmp_path, deep) == "x"
