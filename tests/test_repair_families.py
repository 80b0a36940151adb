"""Repair of the damage families of issue 10, on hand-written examples (no shared data).

"link" glued on both sides or to the next word, a lower-case word glued to a
name or acronym, runs of common words glued together; and the real words
that must stay whole.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import pytest

from attribution.repair import glue, lexicon, links, repair_text
from attribution.repair.glue import MAX_TOKEN, Document, find_splits, propose_split, segment


def _split(token: str) -> str | None:
    """Return ``token`` as the splitter rewrites it on its own, or None."""
    found = glue.propose_splits(token)
    unconditional = [p for p in found if not p.evidence]
    if not unconditional:
        return None
    bounds = (0, *unconditional[0].cuts, len(token))
    return " ".join(token[a:b] for a, b in zip(bounds, bounds[1:], strict=False))


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("thecompanyhad", "the company had"),
        ("regardsasan", "regards as an"),
        ("centralbank", "central bank"),
        ("withhistoriansabout", "with historians about"),
        ("loanlikean", "loan like an"),
        ("cooperationbetween", "cooperation between"),
        ("acoincidence", "a coincidence"),
    ],
)
def test_runs_of_common_words_are_segmented(token: str, expected: str) -> None:
    assert _split(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("accusedRabat", "accused Rabat"),
        ("inBlackRock", "in BlackRock"),
        ("butRabat", "but Rabat"),
        ("toMorocco", "to Morocco"),
        ("aTrump", "a Trump"),
        ("toMr", "to Mr"),
        ("agencyUNHCR", "agency UNHCR"),
        ("theFBI", "the FBI"),
        ("superPACs", "super PACs"),
        ("USpresident", "US president"),
        ("NYPDofficers", "NYPD officers"),
        ("USis", "US is"),
        ("MitchMcConnell", "Mitch McConnell"),
        ("WesternSahara", "Western Sahara"),
        ("Universityprofessor", "University professor"),
    ],
)
def test_lower_case_words_glued_to_names_and_acronyms(token: str, expected: str | None) -> None:
    assert _split(token) == expected


@pytest.mark.parametrize(
    "token",
    [
        "linkage",
        "Linked",
        "McDonald",
        "McConnell",
        "DeSantis",
        "LaGuardia",
        "iPhone",
        "eBay",
        "macOS",
        "realDonaldTrump",
        "JavaScript",
        "PhD",
        "USAID",
        "PACs",
        "GOPers",
        "DNAinfo",
        "JPMorgan",
        "NYTimes",
        "YouTube",
        "BlackRock",
        "counterterrorism",
        "superdelegate",
        "overregulated",
        "statewide",
        "yearslong",
        "Tebboune",
        "Kimball",
        "Johnson",
    ],
)
def test_real_words_and_names_are_not_split(token: str) -> None:
    assert propose_split(token) is None
    assert _split(token) is None


def test_brands_the_document_never_shows_apart_stay_whole() -> None:
    text = "Shares of BlackRock rose. JavaScript and PowerPoint files were shared.\n"
    assert find_splits(text) == []


def test_two_names_split_when_the_document_shows_them_apart() -> None:
    text = (
        "Democrats said HillaryClinton would win. Later, aides to Hillary Clinton agreed.\n"
        "Fans of BlackRock said nothing.\n"
    )
    splits = find_splits(text)
    assert [text[s.start : s.end] for s in splits] == ["HillaryClinton"]
    assert splits[0].edit(text).replacement == "Hillary Clinton"


def test_a_name_glued_to_a_verb_splits_once_the_name_stands_alone() -> None:
    text = "The clerk, Lisa Houchins, said so. Houchinshad argued the point.\n"
    assert [s.edit(text).replacement for s in find_splits(text)] == ["Houchins had"]
    repeated = "Houchinshad spoke. Then Houchinshad left. They met Houchins.\n"
    assert find_splits(repeated) == []  # a token the document repeats is a real name


def test_document_evidence() -> None:
    doc = Document("He met Mr. Axelrod and Hillary Clinton. Inside, sources said.\n")
    assert {"Axelrod", "Clinton", "Hillary"} <= doc.names
    assert "Inside" not in doc.names  # a sentence opener is no sign of a name
    assert "Hillary Clinton" in doc.pairs
    assert doc.opens_sentence(doc.text.index("Inside"))


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("the minister saidlinkthere was", "both", "link"),
        ("talks linkthe two", "prefix", "link"),
        ("Rabat linkAlgeria", "prefix", "link"),
        ("the centralbanklink said", "suffix", "link"),
        ("Moroccolink on", "suffix", "link"),
        ("as well alinkbill", "both", "link"),
    ],
)
def test_glued_link_forms_are_found(text: str, kind: str, found: str) -> None:
    glued, _ = links.find_links(text)
    assert [(h.kind, text[h.start : h.end]) for h in glued] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "the linkage between them",
        "Linked accounts",
        "he linked the two",
        "a hyperlink to it",
        "Antony Blinken said",
        "the unlinked files",
        "the links were cut",
        "the linkup failed",
        "blinking lights",
        "see example.com/linkthe page",
    ],
)
def test_real_words_with_link_are_no_artifacts(text: str) -> None:
    assert links.find_links(text)[0] == []


def test_a_damaged_document_of_every_family_is_repaired() -> None:
    text = (
        "The ministerlink accusedRabat of delay, officials saidlinkthere on Monday.\n"
        "Talks linkthe agencyUNHCR held thecompanyhad hoped, the USpresident said.\n"
        "The centralbanklink regardsasan ally the firm inBlackRock funds.\n"
        "Shares of iPhone maker and eBay rose; the linkage is clear, said McDonald.\n"
    )
    result = repair_text(text)
    assert result.text == (
        "The minister accused Rabat of delay, officials said there on Monday.\n"
        "Talks the agency UNHCR held the company had hoped, the US president said.\n"
        "The central bank regards as an ally the firm in BlackRock funds.\n"
        "Shares of iPhone maker and eBay rose; the linkage is clear, said McDonald.\n"
    )
    for r in result.repairs:
        assert text[r.start : r.end] == r.original


def test_clean_text_with_rare_words_is_untouched() -> None:
    text = (
        "Mr. Goodlatte and Sen. Whitehouse met at Centerview Partners; the yearslong "
        "feud over InsideSources and BuzzFeed, the iPhone and JavaScript ended.\n"
    )
    result = repair_text(text)
    assert result.text == text
    assert result.repairs == ()


def _count_lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the word-frequency look-ups the splitter and the link finder make."""
    calls = [0]

    def wrap(f: Callable[[str], float]) -> Callable[[str], float]:
        def counted(word: str) -> float:
            calls[0] += 1
            return f(word)

        return counted

    monkeypatch.setattr(glue, "zipf", wrap(lexicon.zipf))
    monkeypatch.setattr(glue, "zipf_lower", wrap(lexicon.zipf_lower))
    monkeypatch.setattr(links, "zipf", wrap(lexicon.zipf))
    segment.cache_clear()
    glue.propose_splits.cache_clear()
    return calls


def test_a_pathological_token_is_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_lookups(monkeypatch)
    token = ("thecompanyhadlink" * 300)[:5000]
    text = f"The firm said {token} and more.\n"
    result = repair_text(text)
    assert result.text == text  # too long to be glued words: left alone
    assert calls[0] < 2_000
    assert segment("a" * (MAX_TOKEN + 1)) is None


def test_work_grows_linearly_with_unknown_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_lookups(monkeypatch)
    rng = random.Random(0)
    tokens = ["".join(rng.choices(string.ascii_lowercase, k=MAX_TOKEN)) for _ in range(100)]
    repair_text(" ".join(tokens))
    per_token = calls[0] / len(tokens)
    assert per_token < MAX_TOKEN * glue.MAX_PIECE * 2


def test_the_compact_frequency_table_answers_as_wordfreq() -> None:
    """Every word of wordfreq's English list has the Zipf value its dict gives, and
    strings CPython hashes alike ("kp" and "火") are told apart."""
    import math

    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict(lexicon.WORDFREQ_LANG, wordlist=lexicon.WORDFREQ_LIST)
    wrong = [w for w, f in freqs.items() if lexicon.zipf_lower(w) != math.log10(f) + 9]
    assert wrong == []
    assert hash("kp") == hash("火")
    assert lexicon.zipf_lower("kp") == math.log10(freqs["kp"]) + 9
    assert lexicon.zipf_lower("火") == math.log10(freqs["火"]) + 9
    assert lexicon.zipf("Said") == lexicon.zipf_lower("said") > 5
    assert lexicon.zipf_lower("zyxquorbs") == 0.0
