"""Clean HTML (after sanitizing) made to render cleanly: pointless wrappers and
whitespace runs collapsed. Only markup changes, never the text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_BLOCK = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody thead tfoot tr td th ul caption".split()
)
_WS = re.compile(r"[ \t\r\n\f\v]+")
_UNWRAP = "reader-unwrap"  # a tag name no page can have left after sanitizing


def tidy_tree(root: HtmlElement) -> None:
    """Collapse pointless wrappers and whitespace runs of clean HTML, in place.

    Only markup changes: the text (and so the canonical text) stays the same.
    """
    # Unwrapping one element at a time (lxml's drop_tag) is quadratic: 149,000
    # spans in one paragraph took 398 s. The elements are marked, then unwrapped
    # together (unwrap_marked).
    # Attribute-less spans add nothing.
    for span in root.iter("span"):
        if span is not root and not span.attrib:
            span.tag = _UNWRAP
    # A div whose only content is one block element: keep the inner element.
    for div in root.iter("div"):
        if div is root or div.attrib:
            continue
        children = [c for c in div if isinstance(c.tag, str)]
        if (
            len(children) == 1
            and children[0].tag in _BLOCK
            and not (div.text or "").strip()
            and not (children[0].tail or "").strip()
        ):
            div.tag = _UNWRAP
    unwrap_marked(root, _UNWRAP)
    # A div holding only inline content is a paragraph.
    for div in list(root.iter("div")):
        if div is root or div.attrib:
            continue
        if (div.text or "").strip() or len(div):
            if not any(isinstance(c.tag, str) and c.tag in _BLOCK for c in div):
                div.tag = "p"
    # Whitespace: one space inside text, none between blocks.
    preformatted = {el for pre in root.iter("pre") for el in pre.iter()}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        in_pre = el in preformatted
        if not in_pre and el.text:
            el.text = _WS.sub(" ", el.text)
            if el.tag in _BLOCK or el is root:
                el.text = el.text.lstrip() or None
        if el.tail and el is not root:
            parent = el.getparent()
            parent_pre = parent is not None and parent in preformatted
            if not parent_pre:
                tail = _WS.sub(" ", el.tail)
                el.tail = None if el.tag in _BLOCK and not tail.strip() else tail
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK and len(el):
            last = el[-1]
            if last.tail and last.tag not in ("pre",):
                last.tail = last.tail.rstrip() or None
            elif not len(el) and el.text:
                el.text = el.text.rstrip()


def unwrap_marked(root: HtmlElement, tag: str) -> None:
    """Replace each element named `tag` by its content, in time linear in the tree.

    lxml's drop_tag looks each element up among its siblings, and
    etree.strip_tags appends each text to the growing text before it (libxml2
    copies it each time): both are quadratic on many siblings. Here each parent
    of marked elements is rebuilt once, deepest first.
    """
    parents: dict[HtmlElement, None] = {}
    for el in root.iter(tag):
        if el is not root:
            parents.setdefault(el.getparent(), None)
    for parent in reversed(list(parents)):  # a marked element's own content is settled first
        _splice(parent, tag)


def _splice(parent: HtmlElement, tag: str) -> None:
    slots: list[list[str]] = [[parent.text or ""]]  # text before each kept child, then after it
    kept: list[HtmlElement] = []
    marked: list[HtmlElement] = []
    for child in parent:
        if child.tag == tag:
            marked.append(child)
            slots[-1].append(child.text or "")
            for grandchild in child:
                kept.append(grandchild)
                slots.append([grandchild.tail or ""])
            slots[-1].append(child.tail or "")
        else:
            kept.append(child)
            slots.append([child.tail or ""])
    for child in kept:
        parent.append(child)  # moved after the others, in order (out of a marked one too)
    for child in marked:
        parent.remove(child)
    parent.text = "".join(slots[0]) or None
    for child, slot in zip(kept, slots[1:]):
        child.tail = "".join(slot) or None
