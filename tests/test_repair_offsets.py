"""Offset map of the repair stage (issue 3, part 1): unit and round-trip property tests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.repair import OffsetMap, repair_text
from attribution.repair.offsets import Edit, apply_edits

ALPHABET = "ab c\n,’“”linkLA"


def _map(text: str, edits: list[Edit]) -> tuple[str, OffsetMap]:
    return OffsetMap.identity(len(text)).compose(edits, text)


@st.composite
def texts_with_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    """Draw a text and non-overlapping edits on it (deletions, insertions, replacements)."""
    text = draw(st.text(alphabet=ALPHABET, max_size=60))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    edits = []
    last = -1
    for i in range(0, len(cuts) - 1, 2):
        start, end = cuts[i], cuts[i + 1]
        if start <= last:
            continue
        replacement = draw(st.text(alphabet="xy ", max_size=3))
        edits.append(Edit(start, end, replacement))
        last = end
    return text, edits


def test_identity_map_maps_every_span_to_itself() -> None:
    m = OffsetMap.identity(10)
    assert m.is_identity
    assert m.to_original(2, 7) == (2, 7)
    assert m.to_original(4, 4) == (4, 4)


def test_deleted_link_is_not_swallowed_by_a_span_ending_before_it() -> None:
    text = "to Moroccolink on a visit"
    start = text.index("link")
    new, m = _map(text, [Edit(start, start + 4, "", "link")])
    assert new == "to Morocco on a visit"
    s = new.index("Morocco")
    assert m.to_original(s, s + len("Morocco")) == (s, s + len("Morocco"))
    on = new.index(" on")
    assert m.to_original(on + 1, on + 3) == (text.index(" on") + 1, text.index(" on") + 3)


def test_inserted_space_maps_to_an_empty_range_at_the_insertion_point() -> None:
    text = "cooperationbetween the"
    new, m = _map(text, [Edit(0, 18, "cooperation between", "split")])
    assert new == "cooperation between the"
    assert m.to_original(11, 12) == (11, 11)
    assert m.to_original(0, 11) == (0, 11)
    assert m.to_original(12, 19) == (11, 18)
    assert m.to_original(0, 19) == (0, 18)


def test_replaced_characters_map_to_the_whole_original_run() -> None:
    text = "AT&amp;T said"
    new, m = _map(text, [Edit(2, 7, "&", "char", trim=False)])
    assert new == "AT&T said"
    assert m.to_original(2, 3) == (2, 7)
    assert m.to_original(0, 4) == (0, 8)
    assert text[slice(*m.to_original(5, 9))] == "said"


def test_equal_length_fix_keeps_an_identity_map() -> None:
    text = "a\u00a0b"
    new, m = _map(text, [Edit(1, 2, " ", "char")])
    assert new == "a b"
    assert m.is_identity


def test_composed_maps_reach_the_submitted_text() -> None:
    text = "Israel link Defence Ministerlink Benny"
    new1, m1 = _map(text, [Edit(7, 12, "", "link"), Edit(28, 32, "", "link")])
    assert new1 == "Israel Defence Minister Benny"
    new2, m2 = m1.compose([Edit(0, 6, "Isr ael", "split")], new1)
    assert new2 == "Isr ael Defence Minister Benny"
    s = new2.index("Minister")
    a, b = m2.to_original(s, s + len("Minister"))
    assert text[a:b] == "Minister"
    a, b = m2.to_original(0, len(new2))
    assert (a, b) == (0, len(text))


@settings(max_examples=200, deadline=None)
@given(texts_with_edits())
def test_copied_characters_round_trip(case: tuple[str, list[Edit]]) -> None:
    text, edits = case
    new, m = _map(text, edits)
    expected, _ = apply_edits(text, edits)
    assert new == expected
    edited = {i for e in edits for i in range(e.start, e.end)}
    for piece in m.pieces:
        if piece.copy:
            for i in range(piece.rep_start, piece.rep_end):
                a, b = m.to_original(i, i + 1)
                assert b == a + 1
                assert a in edited or text[a] == new[i]
                assert m.to_repaired(a, b) == (i, i + 1)


@settings(max_examples=200, deadline=None)
@given(texts_with_edits(), st.data())
def test_spans_map_inside_the_original_and_keep_order(
    case: tuple[str, list[Edit]], data: st.DataObject
) -> None:
    text, edits = case
    new, m = _map(text, edits)
    s = data.draw(st.integers(0, len(new)))
    e = data.draw(st.integers(s, len(new)))
    a, b = m.to_original(s, e)
    assert 0 <= a <= b <= len(text)
    if e > s:
        a2, b2 = m.to_original(s, max(s + 1, e - 1))
        assert a <= a2 and b2 <= b
    whole = m.to_original(0, len(new))
    assert whole[0] <= a and b <= whole[1]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=ALPHABET + "Moroccoxyz&;#\u00a0\u00ad", max_size=120))
def test_repair_report_and_tokens_point_into_the_submitted_text(text: str) -> None:
    result = repair_text(text)
    assert result.original == text
    for r in result.repairs:
        assert r.original == text[r.start : r.end]
    for seg in result.segments:
        assert 0 <= seg.orig_start <= seg.orig_end <= len(text)
    if result.offsets.is_identity:
        assert len(result.text) == len(text)


CLEAN_WORDS = ["the", "minister", "said", "on", "Tuesday", "a", "link"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(CLEAN_WORDS), max_size=40))
def test_clean_text_comes_back_identical(words: list[str]) -> None:
    text = " ".join(words) + "."
    result = repair_text(text)
    assert result.text == text
    assert result.offsets.is_identity
    assert not [r for r in result.repairs if r.kind != "segment"]
