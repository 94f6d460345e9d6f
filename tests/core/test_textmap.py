"""The text map (article text offsets <-> display positions), without Qt."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.text import html_to_text
from reader.core.textmap import TextMap


def display_of(text: str, chrome: str = "Site\u2029Title\u2029"):
    """A display as Qt spells it: header blocks in front, paragraph breaks as one character,
    list bullets left out, an image object in the middle."""
    blocks = []
    pos = len(chrome)
    for para in text.split("\n\n"):
        shown = para.replace("\n", "\u2028")
        blocks.append((pos, shown))
        pos += len(shown) + 1
    return blocks


def test_offsets_round_trip_through_a_display_that_spells_whitespace_differently():
    text = html_to_text(
        "<h1>Glacier</h1><p>Meltwater  finds the cracks first.</p><ul><li>one</li><li>two<br>three</li></ul>"
    )
    tm = TextMap(display_of(text), text)
    assert tm.exact and tm.missing == 0
    start = text.index("finds")
    span = tm.range_to_doc(start, start + len("finds the"))
    assert span is not None
    assert tm.doc_range_to_text(*span) == (start, start + len("finds the"))


def test_characters_the_display_lacks_are_counted_missing():
    text = "is denoted by A then the matrix"
    blocks = [(0, "is denoted by  then the matrix")]  # a formula dropped
    tm = TextMap(blocks, text)
    assert tm.missing == 1
    assert not tm.exact


def test_an_object_can_stand_for_its_text():
    # A formula typeset as one image character that stands for its TeX.
    text = "the square a^{2}+b^{2} is even"
    shown = "the square \ufffc is even"
    tm = TextMap([(0, shown)], text, substitutions={11: "a^{2}+b^{2}"})
    assert tm.exact and tm.missing == 0
    tex = text.index("a^{2}")
    # The whole formula maps to the one image; selecting the image gives the whole TeX back.
    assert tm.range_to_doc(tex, tex + len("a^{2}+b^{2}")) == (11, 12)
    assert tm.doc_range_to_text(11, 12) == (tex, tex + len("a^{2}+b^{2}"))
    # Words after it still map one to one.
    after = text.index("is even")
    assert tm.range_to_doc(after, after + 2) == (shown.index("is even"), shown.index("is even") + 2)
    assert tm.doc_range_to_text(4, 12) == (4, text.index(" is even"))  # "square" and the formula


def test_astral_characters_count_two_display_units():
    text = "ok 😀 done"
    tm = TextMap([(0, "ok 😀 done")], text)
    emoji = text.index("😀")
    assert tm.range_to_doc(emoji, emoji + 1) == (3, 5)
    assert tm.doc_range_to_text(6, 10) == (text.index("done"), len(text))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
        min_size=1,
        max_size=8,
    )
)
def test_every_word_round_trips(paragraphs):
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.split())
    if not text:
        return
    blocks, pos = [], 0
    for para in text.split("\n\n"):
        blocks.append((pos, para))
        pos += sum(2 if ord(c) > 0xFFFF else 1 for c in para) + 1
    tm = TextMap(blocks, text)
    assert tm.missing == 0
    for start in range(len(text)):
        if text[start].isspace() or text[start] in "\ufffc\u200b\u00ad\u2028\u2029":
            continue  # spaces and what a display adds or drops are not mapped
        span = tm.range_to_doc(start, start + 1)
        assert span is not None
        assert tm.doc_range_to_text(*span) == (start, start + 1)
