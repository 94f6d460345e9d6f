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
