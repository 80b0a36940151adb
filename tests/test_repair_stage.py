"""Repair stage behaviour (issue 3, parts 2-6) on small hand-made texts."""

from __future__ import annotations

import pytest

from attribution.quotes import find_quotes
from attribution.repair import repair_text
from attribution.repair.glue import propose_split

# Damage of the same kind as the seed, on other words and names.
DAMAGED = (
    "Kenya link Foreign Ministerlink Raila Odinga flies Monday to Ethiopialink for talks "
    "that will deepen tradebetween the two neighbours, aides said.\n"
    "The visitlink follows a dispute with Somalialink over grazing landsalong the border, "
    "and thePresident hopes to settle it,officials added.\n"
    "Analysts said the rail link between Nairobi and Mombasa, which LinkedIn posts praised, "
    "is linked to a hyperlink in the report and will link the ports.\n"
    "Mr Tebboune and Mr Akhannouch watched YouTube clips about BlackRock and counterterrorism.\n"
)


def _changed_words(text: str) -> set[str]:
    result = repair_text(text)
    return {r.original for r in result.repairs if r.kind != "segment"}


def test_clean_text_is_returned_untouched_with_an_identity_map() -> None:
    text = "Officials said on Tuesday that the link between the two cases was clear.\n"
    result = repair_text(text)
    assert result.text == text
    assert result.offsets.is_identity
    assert result.repairs == ()


def test_links_glued_and_separate_are_removed_in_a_damaged_document() -> None:
    result = repair_text(DAMAGED)
    assert "Kenya Foreign Minister Raila Odinga" in result.text
    assert "to Ethiopia for talks" in result.text
    assert "The visit follows a dispute with Somalia over" in result.text
    links = [r for r in result.repairs if r.kind == "link"]
    assert all(r.replacement == "" and "link" in r.original for r in links)
    assert len(links) == 5


def test_real_uses_of_link_stay() -> None:
    result = repair_text(DAMAGED)
    for phrase in ("rail link between", "LinkedIn", "is linked", "a hyperlink", "will link the"):
        assert phrase in result.text


def test_glued_words_and_punctuation_are_split_in_a_damaged_document() -> None:
    result = repair_text(DAMAGED)
    assert "trade between" in result.text
    assert "lands along" in result.text
    assert "the President" in result.text
    assert "it, officials" in result.text
    split = next(r for r in result.repairs if r.original == "tradebetween")
    assert (split.kind, split.replacement) == ("split", "trade between")
    assert DAMAGED[split.start : split.end] == "tradebetween"


def test_names_brands_and_prefixed_words_are_never_split() -> None:
    changed = _changed_words(DAMAGED)
    for word in ("Tebboune", "Akhannouch", "YouTube", "BlackRock", "counterterrorism"):
        assert word not in changed
    for word in ("Tebboune", "YouTube", "BlackRock", "antiwar", "superdelegate", "McConnell"):
        assert propose_split(word) is None


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("cooperationbetween", "cooperation between"),
        ("USpresident", "US president"),
        ("theMoroccans", "the Moroccans"),
        ("WesternSahara", "Western Sahara"),
        ("hasdecided", "has decided"),
    ],
)
def test_propose_split(token: str, expected: str) -> None:
    found = propose_split(token)
    assert found is not None
    cut = found[0]
    assert token[:cut] + " " + token[cut:] == expected


def test_words_are_not_split_in_a_clean_document() -> None:
    text = "He said it was a yearslong feud, and the exactsame thing happened again.\n"
    assert repair_text(text).text == text


def test_character_fixes_keep_offsets_into_the_submitted_text() -> None:
    text = "AT&amp;T\u00a0said Guant\u00c3\u00a1namo co\u00adoperation\u200b was \u201cfine\u201d."
    result = repair_text(text)
    assert result.text == "AT&T said Guant\u00e1namo cooperation was \u201cfine\u201d."
    start = result.text.index("said")
    assert result.original_span(start, start + 4)[2] == "said"
    start = result.text.index("cooperation")
    o_start, o_end, original = result.original_span(start, start + len("cooperation"))
    assert original == "co\u00adoperation"
    for r in result.repairs:
        assert text[r.start : r.end] == r.original
        assert r.kind == "char"


def test_quote_marks_are_never_rewritten_and_apostrophes_are_not_quotes() -> None:
    text = (
        "\u201cIt\u2019s fine,\u201d he said. \u2018No\u2019 "
        "\u00abnon\u00bb \u201eja\u201c ``yes'' don't"
    )
    result = repair_text(text)
    assert result.text == text
    # The engine's quote finder pairs every mark and takes no apostrophe for one.
    scan = find_quotes(result.text)
    assert [q.text(text) for q in scan.quotes] == ["It\u2019s fine,", "No", "non", "ja", "yes"]
    assert scan.warnings == ()


def test_headings_and_credit_tails_are_segments() -> None:
    text = (
        "The minister said it was over.\n"
        "*- Timing \u2018not coincidental\u2019 -*\n"
        "# Markdown heading\n"
        "- Another heading -\n"
        "PARIS (AFP) - Officials said so. -APP/AFP\n"
        "Photo: Someone/Agency\n"
        "Read more: other stories\n"
        "\u00a9 2021 AFP\n"
    )
    result = repair_text(text)
    kinds = [(s.kind, text[s.orig_start : s.orig_end]) for s in result.segments]
    assert kinds == [
        ("text", "The minister said it was over."),
        ("heading", "*- Timing \u2018not coincidental\u2019 -*"),
        ("heading", "# Markdown heading"),
        ("heading", "- Another heading -"),
        ("credit", "PARIS (AFP) -"),
        ("text", "Officials said so."),
        ("credit", "-APP/AFP"),
        ("credit", "Photo: Someone/Agency"),
        ("credit", "Read more: other stories"),
        ("credit", "\u00a9 2021 AFP"),
    ]
    assert result.text == text
    marks = [r for r in result.repairs if r.kind == "segment"]
    assert all(r.original == r.replacement for r in marks)


def test_newlines_are_kept_for_the_tokenizer() -> None:
    result = repair_text(DAMAGED)
    assert result.text.count("\n") == DAMAGED.count("\n")


def test_nlp_text_blanks_headings_and_credits_keeping_offsets() -> None:
    text = "He said so.\n*- \u2018Benefits of recalibrating -*\nShe agreed. -APP/AFP\n"
    result = repair_text(text)
    assert len(result.nlp_text) == len(result.text)
    assert result.nlp_text.splitlines()[1].strip() == ""
    assert result.nlp_text.splitlines()[2].rstrip() == "She agreed."
    assert [result.text[s.start : s.end] for s in result.prose] == ["He said so.", "She agreed."]


def test_link_after_a_hyphenated_compound_is_a_real_link() -> None:
    text = DAMAGED + "Officials stressed the Kenya-Ethiopia link in the talks.\n"
    assert "the Kenya-Ethiopia link in" in repair_text(text).text


@pytest.mark.parametrize("text", ["a" * 50_000, "aB" * 25_000, "link" * 10_000])
def test_long_letter_runs_are_left_alone(text: str) -> None:
    assert repair_text(text).text == text
