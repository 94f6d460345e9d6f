"""What in the reading view's document is the article, and the text map over it.

The view puts header blocks of its own (site, title, byline) in front of the
article; they carry CHROME_STATE as their block user state and are never part of
the map. A typeset formula is one object character whose format carries its TeX
(TEX_PROPERTY): the map lets it stand for that text, so highlights, search
and copies keep the TeX.
"""

from __future__ import annotations

from PySide6.QtGui import QTextDocument, QTextFormat

from reader.core.textmap import OBJECT, TextMap

CHROME_STATE = 0x5EAD  # QTextBlock.userState of blocks we add (title, byline...): not article text
TEX_PROPERTY = QTextFormat.Property.UserProperty + 10  # on a formula's image: its TeX source
# The title (a tooltip) of the words the view adds: a column's header before a value and the bar
# between cells in a table shown as lines, "[image]" where a cell's linked image was not kept.
LABEL_TITLE = "Added by Reader: not the page's words"
LOST_IMAGE_TITLE = "An image of the page, not kept: Reader never downloads images"
LABEL_TITLES = frozenset((LABEL_TITLE, LOST_IMAGE_TITLE))
LABEL_STATE = 0x5EAE  # QTextBlock.userState of a block that may hold such words (a table's line, a cell)


def block_text(block) -> str:
    """The block's text as the article has it: the words the view added (a column's header before
    a value, a separator) blanked, every other character where it was."""
    if block.userState() != LABEL_STATE:
        return block.text()
    parts = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        text = fragment.text()
        if fragment.charFormat().toolTip() in LABEL_TITLES:  # (as many UTF-16 units, as Qt counts)
            text = "".join("  " if ord(ch) > 0xFFFF else " " for ch in text)
        parts.append(text)
        it += 1
    return "".join(parts)


def article_blocks(document: QTextDocument):
    """(position, text) of each block of the article, header blocks left out."""
    block = document.begin()
    while block.isValid():
        if block.userState() != CHROME_STATE:
            yield block.position(), block_text(block)
        block = block.next()


def formula_texts(document: QTextDocument) -> dict[int, str]:
    """Position of each typeset formula -> its TeX."""
    found: dict[int, str] = {}
    block = document.begin()
    while block.isValid():
        if OBJECT in block.text():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat() and fmt.hasProperty(TEX_PROPERTY):
                    for k in range(fragment.length()):
                        found[fragment.position() + k] = str(fmt.property(TEX_PROPERTY))
                it += 1
        block = block.next()
    return found


def document_text_map(document: QTextDocument, text: str, mirrored: list[bool] | None = None) -> TextMap:
    """The map over the document's article blocks; `mirrored` says of each table, in document order,
    whether its rows were put in the document in visual order (right to left: direction.py)."""
    from reader.gui.reading.logical_order import PageOrderMap, blocks_in_page_order, tables_in_order

    if not mirrored or not any(mirrored):
        return TextMap(article_blocks(document), text, formula_texts(document))
    tables = tables_in_order(document)
    if len(tables) != len(mirrored):  # (which table is which not known: the document's order)
        return TextMap(article_blocks(document), text, formula_texts(document))
    flipped = {t.firstPosition() for t, flip in zip(tables, mirrored, strict=True) if flip}
    blocks = [
        (b.position(), block_text(b), b.length())
        for b in blocks_in_page_order(document, flipped)
        if b.userState() != CHROME_STATE
    ]
    return PageOrderMap(blocks, text, formula_texts(document))
