from reader.core.anchoring import Anchor, find_quote, make_anchor, reanchor

TEXT = (
    "The rivers of the far north run quiet in winter. Under a lid of ice the water keeps moving.\n\n"
    "Hydrologists have long puzzled over how much water these rivers carry. The rivers of the south "
    "are better known.\n\nThe team calls the stations listening posts because most of what they hear is silence."
)


def anchor_of(quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(quote, start + 1)
    return make_anchor(TEXT, start, start + len(quote))


def test_round_trip_same_text():
    a = anchor_of("listening posts")
    assert reanchor(TEXT, a) == (a.start, a.end)
    assert len(a.prefix) == 32 and len(a.suffix) == 32


def test_text_inserted_before():
    a = anchor_of("listening posts")
    new = "An editor's note was added at the top.\n\n" + TEXT
    start, end = reanchor(new, a)
    assert new[start:end] == "listening posts"


def test_ambiguous_quote_follows_its_context():
    a = anchor_of("The rivers of the", occurrence=1)  # the second one ("... of the south")
    new = "Preface.\n\n" + TEXT.replace("keeps moving", "keeps on moving")
    start, end = reanchor(new, a)
    assert new[start:end] == "The rivers of the"
    assert new[end:].startswith(" south")


def test_edit_inside_the_quote_found_fuzzily():
    a = anchor_of("Hydrologists have long puzzled over how much water these rivers carry")
    new = TEXT.replace("long puzzled over", "long wondered about")
    start, end = reanchor(new, a)
    assert new[start:end].startswith("Hydrologists have long wondered")
    assert new[start:end].endswith("rivers carry")


def test_edit_after_and_whitespace_changes():
    a = anchor_of("Under a lid of ice")
    new = TEXT.replace("Under a lid of ice", "Under  a lid\nof ice").replace("silence", "quiet")
    start, end = reanchor(new, a)
    assert " ".join(new[start:end].split()) == "Under a lid of ice"


def test_removed_text_is_an_orphan():
    a = anchor_of("listening posts because most of what they hear")
    new = TEXT.split("\n\nThe team")[0]
    assert reanchor(new, a) is None


def test_find_quote_ignores_whitespace():
    found = find_quote(TEXT, "quiet   in\nwinter")
    assert [TEXT[s:e] for s, e in found] == ["quiet in winter"]


def test_stale_position_with_moved_quote():
    a = Anchor(5, 20, "listening posts", "The team calls the stations ", " because")
    start, end = reanchor(TEXT, a)
    assert TEXT[start:end] == "listening posts"


# -- bounded work (issue 13): long quotes and quotes that cannot be placed ----------

import random
import threading

WORDS = (
    "river ice water station basin winter north south team silence listening post hydrologist "
    "channel current thaw delta flood gauge sensor"
).split()


def _long_text(seed: int, words: int) -> str:
    rng = random.Random(seed)
    paragraphs = []
    while words > 0:
        n = rng.randint(40, 120)
        paragraphs.append(" ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(n)) + ".")
        words -= n
    return "\n\n".join(paragraphs)


def _within(seconds: float, fn, *args):
    """fn(*args), failing (not hanging) if it takes longer than `seconds`."""
    out = []
    worker = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return out[0]


def test_a_20kb_quote_edited_inside_is_found_with_exact_ends():
    text = _long_text(1, 14_000)
    start = text.index(" ", 20_000) + 1
    end = text.index(" ", start + 20_000)
    anchor = make_anchor(text, start, end)
    inner = text[start:end]
    edited_quote = inner[:3000] + "A SENTENCE ADDED BY THE EDITOR. " + inner[3000:9000] + inner[9100:]
    new = "A new first paragraph.\n\n" + text[:start] + edited_quote + text[end:]
    shift = len("A new first paragraph.\n\n")
    found = _within(30, reanchor, new, anchor)  # about 0.05 s; 30 s only guards against a hang
    assert found == (start + shift, start + shift + len(edited_quote))


def test_quotes_that_cannot_be_placed_give_up_quickly():
    text = _long_text(2, 12_000)
    rng = random.Random(3)
    words = text.split()
    anchors = []
    for _ in range(300):
        piece = words[(i := rng.randrange(len(words) - 30)) : i + 30]
        rng.shuffle(piece)
        anchors.append(Anchor(rng.randrange(len(text)), 0, " ".join(piece) + " never written", "", ""))
    results = _within(120, lambda: [reanchor(text, a) for a in anchors])  # about 0.3 s
    assert results == [None] * len(anchors)


def test_many_exact_quotes_on_one_text_are_placed():
    text = _long_text(4, 8_000)
    rng = random.Random(5)
    new = "Preface.\n\n" + text
    anchors = []
    for _ in range(2000):
        s = rng.randrange(len(text) - 200)
        anchors.append(make_anchor(text, s, s + rng.randint(20, 200)))
    results = _within(120, lambda: [reanchor(new, a) for a in anchors])  # about 1 s
    for a, found in zip(anchors, results):
        assert found is not None and new[found[0] : found[1]].split() == a.quote.split()


def test_a_decomposed_quote_is_found_in_composed_text():
    import unicodedata

    text = "Le café du coin ouvre à sept heures, le café d'en face à huit."
    quote = unicodedata.normalize("NFD", "café d'en face")
    found = reanchor(text, Anchor(-1, -1, quote, unicodedata.normalize("NFD", "heures, le "), ""))
    assert found is not None and text[found[0] : found[1]] == "café d'en face"
