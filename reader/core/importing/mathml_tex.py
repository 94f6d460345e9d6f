"""Presentation MathML written as TeX, for a formula whose page gives neither its TeX
(an annotation) nor an alttext: MathJax's assistive MathML, hand-written MathML.

Reading the MathML's text alone lost the formula's shape (∂T/∂t came out "∂T∂t"); the
TeX keeps fractions, scripts, roots, accents and fences, so the reading view typesets
it as the page showed it, and exports carry a formula Markdown editors render.
Unknown elements give their children's TeX; nothing here fails on odd markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

_SPACES = re.compile(r"\s+")
_LEADING_SPACE = re.compile(r"^(?:\s*\\,)+\s*")
_OPENING = "([{|‖⟨"
_CLOSING = ")]}|‖⟩"
_NO_LINE = frozenset({"0", "0px", "0em", "0ex", "0pt", "0.0", "0%"})
_TEX_SPECIAL = re.compile(r"([#$%&_{}])")
_INVISIBLE = {"\u2061", "\u2062", "\u2063", "\u2064", "\u200b"}  # function application, invisible times...

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ϖ": "varpi", "ρ": "rho", "ϱ": "varrho", "σ": "sigma", "ς": "varsigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
_SYMBOLS = {
    "∂": r"\partial", "∇": r"\nabla", "∞": r"\infty", "×": r"\times", "·": r"\cdot", "⋅": r"\cdot",
    "±": r"\pm", "∓": r"\mp", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "≡": r"\equiv",
    "∼": r"\sim", "≃": r"\simeq", "∝": r"\propto", "→": r"\to", "←": r"\leftarrow", "↔": r"\leftrightarrow",
    "⇒": r"\Rightarrow", "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "∈": r"\in",
    "∉": r"\notin", "∋": r"\ni", "⊂": r"\subset", "⊃": r"\supset", "⊆": r"\subseteq", "⊇": r"\supseteq",
    "∪": r"\cup", "∩": r"\cap", "∖": r"\setminus", "∅": r"\emptyset", "∀": r"\forall", "∃": r"\exists",
    "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee", "⊕": r"\oplus", "⊗": r"\otimes", "∘": r"\circ",
    "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∬": r"\iint", "∮": r"\oint", "…": r"\ldots",
    "⋯": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots", "ℏ": r"\hbar", "ℓ": r"\ell", "⟨": r"\langle",
    "⟩": r"\rangle", "‖": r"\|", "∣": "|", "−": "-", "∗": "*", "′": "'", "″": "''", "°": r"^{\circ}",
    "{": r"\{", "}": r"\}", "∠": r"\angle", "⊥": r"\perp", "∥": r"\parallel",
}  # fmt: skip
_FUNCTIONS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp lim liminf limsup "
    "max min sup inf det dim ker arg deg gcd hom Pr".split()
)
_ACCENTS = {
    "^": r"\hat", "ˆ": r"\hat", "̂": r"\hat", "¯": r"\bar", "‾": r"\overline", "̄": r"\bar", "→": r"\vec",
    "⃗": r"\vec", "~": r"\tilde", "˜": r"\tilde", "̃": r"\tilde", "˙": r"\dot", "̇": r"\dot", "¨": r"\ddot",
    "̈": r"\ddot", "⏞": r"\overbrace", "︷": r"\overbrace",
}  # fmt: skip
_UNDER_ACCENTS = {"_": r"\underline", "̲": r"\underline", "⏟": r"\underbrace", "︸": r"\underbrace"}
_LARGE = frozenset({r"\sum", r"\prod", r"\int", r"\iint", r"\oint", r"\lim", r"\max", r"\min", r"\sup", r"\inf"})
_VARIANTS = {"bold": r"\mathbf", "double-struck": r"\mathbb", "script": r"\mathcal", "fraktur": r"\mathfrak"}
_FENCES = {"(": "(", ")": ")", "[": "[", "]": "]", "{": r"\{", "}": r"\}", "|": "|", "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle"}  # fmt: skip


_DEEPEST = 40  # nesting past this (no formula needs it; a hostile page may) is read as text


def to_tex(math: HtmlElement) -> str:
    """The TeX of a <math> element (its presentation MathML)."""
    return _SPACES.sub(" ", _node(math, 0)).strip()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _children(el: HtmlElement) -> list[HtmlElement]:
    return [child for child in el if isinstance(child.tag, str)]


def _group(el: HtmlElement | None, depth: int) -> str:
    return "{" + (_node(el, depth) if el is not None else "") + "}"


def _script(el: HtmlElement | None, depth: int) -> str:
    """A superscript or subscript: without the spaces MathJax pads it with (they lift it)."""
    return "{" + _LEADING_SPACE.sub("", _node(el, depth) if el is not None else "") + "}"


def _join(elements: Iterable[HtmlElement], depth: int) -> str:
    return " ".join(_node(el, depth) for el in elements)


def _text(el: HtmlElement) -> str:
    return "".join(el.itertext()).strip()


def _node(el: HtmlElement, depth: int) -> str:
    tag = _local(el.tag)
    if depth > _DEEPEST:
        return _TEX_SPECIAL.sub(r"\\\1", _text(el))
    depth += 1
    kids = _children(el)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        return _token(tag, el)
    if tag in ("annotation", "annotation-xml", "none", "mprescripts", "mphantom"):
        return ""
    if tag == "semantics":
        return _node(kids[0], depth) if kids else ""
    if tag == "mspace":
        return r"\,"
    if tag == "mfrac" and len(kids) == 2:
        if (el.get("linethickness") or "").strip().lower() in _NO_LINE:  # a binomial's inside, under its fences
            return "{" + _node(kids[0], depth) + r" \atop " + _node(kids[1], depth) + "}"
        return r"\frac" + _group(kids[0], depth) + _group(kids[1], depth)
    if tag == "msqrt":
        return r"\sqrt{" + _join(kids, depth) + "}"
    if tag == "mroot" and len(kids) == 2:
        return r"\sqrt[" + _node(kids[1], depth) + "]" + _group(kids[0], depth)
    if tag in ("msup", "msub", "msubsup", "mover", "munder", "munderover") and kids:
        return _scripts(tag, kids, depth)
    if tag == "mfenced":
        return _fenced(el, kids, depth)
    if tag == "mtable":
        rows = [r" & ".join(_join(_children(cell), depth) for cell in _children(row)) for row in kids]
        return r"\begin{matrix} " + r" \\ ".join(rows) + r" \end{matrix}"
    if tag == "mmultiscripts" and kids:
        base, rest = _node(kids[0], depth), [_node(k, depth) for k in kids[1:] if _local(k.tag) != "mprescripts"]
        pairs = "".join(
            f"_{{{rest[i]}}}^{{{rest[i + 1] if i + 1 < len(rest) else ''}}}" for i in range(0, len(rest), 2)
        )
        return "{" + base + "}" + pairs
    if tag in ("mrow", "math") and len(kids) >= 3 and _fence(kids[0], _OPENING) and _fence(kids[-1], _CLOSING):
        # A row between fences: the fences grow with what they hold (a matrix, a sum, a binomial).
        inner = _join(kids[1:-1], depth)
        return r"\left" + _FENCES[_text(kids[0]).strip()] + " " + inner + r" \right" + _FENCES[_text(kids[-1]).strip()]
    return _join(kids, depth)


def _fence(el: HtmlElement, chars: str) -> bool:
    while _local(el.tag) == "mrow" and len(_children(el)) == 1:  # MathJax wraps each fence in a row
        el = _children(el)[0]
    return _local(el.tag) == "mo" and _text(el) in chars and len(_text(el)) == 1


def _token(tag: str, el: HtmlElement) -> str:
    text = "".join(c for c in _text(el) if c not in _INVISIBLE)
    if not text:
        return ""
    if tag == "mtext":
        return r"\text{" + _TEX_SPECIAL.sub(r"\\\1", text) + "}"
    if tag == "mi" and text in _FUNCTIONS:
        return "\\" + text
    if tag == "mo" and text in _FENCES:
        return _FENCES[text]
    word = (
        " ".join(_symbol(c) for c in text) if tag != "mn" and any(c in _GREEK or c in _SYMBOLS for c in text) else None
    )
    if word is None:
        word = _TEX_SPECIAL.sub(r"\\\1", text)
        if tag == "mi" and len(text) > 1:
            word = r"\mathrm{" + word + "}"
    variant = _VARIANTS.get((el.get("mathvariant") or "").lower())
    return variant + "{" + word + "}" if variant else word


def _symbol(char: str) -> str:
    if char in _GREEK:
        return "\\" + _GREEK[char]
    return _SYMBOLS.get(char, _TEX_SPECIAL.sub(r"\\\1", char))


def _scripts(tag: str, kids: list[HtmlElement], depth: int) -> str:
    base = _node(kids[0], depth)
    first = kids[1] if len(kids) > 1 else None
    second = kids[2] if len(kids) > 2 else None
    if tag == "msup":
        return "{" + base + "}^" + _script(first, depth)
    if tag == "msub":
        return "{" + base + "}_" + _script(first, depth)
    if tag == "msubsup":
        return "{" + base + "}_" + _script(first, depth) + "^" + _script(second, depth)
    large = base.strip() in _LARGE
    if tag == "mover":
        accent = _ACCENTS.get(_text(first)) if first is not None else None
        if accent:
            return accent + "{" + base + "}"
        return (
            "{" + base + "}^" + _group(first, depth) if large else r"\overset" + _group(first, depth) + "{" + base + "}"
        )
    if tag == "munder":
        accent = _UNDER_ACCENTS.get(_text(first)) if first is not None else None
        if accent:
            return accent + "{" + base + "}"
        return (
            "{" + base + "}_" + _group(first, depth)
            if large
            else r"\underset" + _group(first, depth) + "{" + base + "}"
        )
    if large:  # munderover: limits of a sum, a product, an integral
        return base + "_" + _group(first, depth) + "^" + _group(second, depth)
    return r"\underset" + _group(first, depth) + r"{\overset" + _group(second, depth) + "{" + base + "}}"


def _fenced(el: HtmlElement, kids: list[HtmlElement], depth: int) -> str:
    opening = el.get("open", "(")
    closing = el.get("close", ")")
    separators = [s for s in (el.get("separators", ",") or "") if not s.isspace()] or [""]
    parts: list[str] = []
    for i, kid in enumerate(kids):
        if i:
            parts.append(separators[min(i - 1, len(separators) - 1)])
        parts.append(_node(kid, depth))
    left = _FENCES.get(opening, opening) if opening else "."
    right = _FENCES.get(closing, closing) if closing else "."
    return r"\left" + left + " " + " ".join(parts) + r" \right" + right
