"""Cue and source linking through the dependency parse, one sieve at a time."""

from __future__ import annotations

import pytest
from _engine_conllu import (
    ACCORDING,
    ACCORDING_FINAL,
    BARE_CUE,
    CLAIM,
    CLINTON_INDIRECT,
    CLINTON_SAID,
    COLON,
    DASH,
    HAS_SAID,
    HE_SAID,
    INNER_CUE,
    LABEL,
    LEFT,
    MADDY,
    OFFICE,
    OFFICE_FIRST,
    PARENTHETICAL,
    PASSIVE,
    PLAN,
    PROFESSOR,
    READY,
    READY_SPLIT,
    SAID_COLON,
    SCARE,
    SPLIT_QUOTE,
    WIN,
    doc,
)
from _inferred_conllu import FARMER, LOST, MONEY

from attribution.cues import find_cues, reporting_verbs
from attribution.extract import build_context
from attribution.extract.sieves import SIEVES, run_sieves
from attribution.pipeline import extract
from attribution.quotes import find_quotes
from attribution.records import Attribution


def run(*sents: str, text: str) -> tuple[Attribution, ...]:
    atts, _, _ = extract(doc(*sents, text=text))
    return atts


def test_lexicon_has_stances() -> None:
    verbs = reporting_verbs()
    assert verbs["say"].stance == "neutral"
    assert verbs["claim"].stance == "distancing"
    assert verbs["admit"].stance == "concessive"
    assert verbs["reveal"].stance == "endorsing"


def test_sieves_are_named_functions_in_order() -> None:
    names = [n for n, _ in SIEVES]
    assert names[0] == "dependency"
    assert len(set(names)) == len(names)


def test_indirect_speech_with_apposition() -> None:
    text = (
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence."
    )
    (att,) = run(MADDY, text=text)
    assert att.kind == "indirect"
    assert att.cue is not None and att.cue.span.text == "said"
    assert att.source is not None
    assert att.source.text == "Bruce Maddy-Weitzman, an Israeli expert on Morocco"
    assert att.content.text == "the timing was not a coincidence"
    assert att.sieve == "indirect_speech"


def test_quotation_before_pronoun_cue() -> None:
    text = "“It’s possible that they were keen on this,” he said."
    (att,) = run(HE_SAID, text=text)
    assert att.kind == "direct"
    assert att.content.text == "It’s possible that they were keen on this,"
    assert att.source is not None and att.source.text == "he"
    assert att.sieve == "dependency"


def test_inverted_subject() -> None:
    text = (
        "“It would seem to me that the Moroccans are keen,” said the Tel Aviv University professor."
    )
    (att,) = run(PROFESSOR, text=text)
    assert att.source is not None and att.source.text == "the Tel Aviv University professor"


def test_according_to_with_quotation() -> None:
    text = "According to Maddy-Weitzman, “there are too many other interests in play”."
    (att,) = run(ACCORDING, text=text)
    assert att.cue is not None and att.cue.span.text == "According to"
    assert att.source is not None and att.source.text == "Maddy-Weitzman"
    assert att.content.text == "there are too many other interests in play"


def test_partial_quote_takes_the_reported_clause() -> None:
    text = "Gantz will sign “a memorandum of understanding”, his office said."
    (att,) = run(OFFICE, text=text)
    assert att.kind == "partial"
    assert att.content.text == "Gantz will sign “a memorandum of understanding”"
    assert [q.text for q in att.quotes] == ["a memorandum of understanding"]


def test_colon_form() -> None:
    (att,) = run(COLON, text="Trump: “We will win big.”")
    assert att.sieve in ("colon", "speaker_label")
    assert att.cue is not None and att.cue.span.text == ":"
    assert att.source is not None and att.source.text == "Trump"


def test_transcript_label() -> None:
    (att,) = run(LABEL, text="Trump: We will win big.")
    assert att.sieve == "speaker_label"
    assert att.content.text == "We will win big."
    assert att.source is not None and att.source.text == "Trump"


def test_dash_form() -> None:
    (att,) = run(DASH, text="“We win big.” – Donald Trump")
    assert att.sieve == "dash"
    assert att.source is not None and att.source.text == "Donald Trump"


def test_passive_agent() -> None:
    text = "It was announced by the ministry that talks will resume."
    (att,) = run(PASSIVE, text=text)
    assert att.source is not None and att.source.text == "the ministry"
    assert att.content.text == "that talks will resume"


def test_quotation_continuing_the_previous_speaker() -> None:
    text = "“We are ready,” Clinton said.\n“The plan works and we act on it.”"
    first, second = run(READY, PLAN, text=text)
    assert second.sieve == "previous_speaker"
    assert second.source is None
    assert second.speaker_id == first.speaker_id is not None


def test_scare_quote_gets_no_attribution() -> None:
    assert run(SCARE, text="Critics of the “deal” gathered.") == ()


def test_cue_inside_the_quotation_is_not_its_cue() -> None:
    (att,) = run(INNER_CUE, text="“They said no,” Smith recalled.")
    assert att.cue is not None and att.cue.span.text == "recalled"
    assert att.source is not None and att.source.text == "Smith"


def test_parenthetical_cue() -> None:
    (att,) = run(PARENTHETICAL, text="Gantz heads to Morocco, officials say.")
    assert att.content.text == "Gantz heads to Morocco"
    assert att.source is not None and att.source.text == "officials"


def test_each_quotation_resolved_once() -> None:
    text = "“It’s possible that they were keen on this,” he said."
    d = doc(HE_SAID, text=text)
    ctx = build_context(d, find_quotes(d.text))
    links = run_sieves(ctx)
    assert list(links) == [0] and links[0].sieve == "dependency"
    assert [c.lemma for c in find_cues(d.sentences[0])] == ["say"]


def test_surface_pattern_when_the_parser_splits_the_sentence() -> None:
    (att,) = run(READY_SPLIT, CLINTON_SAID, text="“We are ready.” Clinton said.")
    assert att.sieve == "trigram"
    assert att.source is not None and att.source.text == "Clinton"
    assert att.cue is not None and att.cue.span.text == "said"


def test_cue_takes_auxiliaries_and_adverbs_before_the_verb() -> None:
    (att,) = run(HAS_SAID, text="She has also said that taxes will rise.")
    assert att.cue is not None and att.cue.span.text == "has also said"
    assert att.content.text == "that taxes will rise"


def test_cueless_quotation_after_reported_speech() -> None:
    text = "Clinton said the plan works. “The plan works and we act on it.”"
    first, second = run(CLINTON_INDIRECT, PLAN, text=text)
    assert second.sieve == "previous_sentence"
    assert second.source is not None and second.source.text == "Clinton"
    assert second.speaker_id == first.speaker_id is not None


def test_quotation_split_by_its_cue_is_one_attribution() -> None:
    text = "“We are ready,” Clinton said, “and we act.”"
    (att,) = run(SPLIT_QUOTE, text=text)
    assert [q.text for q in att.quotes] == ["We are ready,", "and we act."]
    assert att.content.text == "We are ready,” Clinton said, “and we act."
    assert att.source is not None and att.source.text == "Clinton"


def test_noun_cue_with_possessor_and_that_clause() -> None:
    (att,) = run(CLAIM, text="Politifact checked Trump’s claim that shootings have risen.")
    assert att.cue is not None and att.cue.span.text == "claim"
    assert att.source is not None and att.source.text == "Trump’s"
    assert att.content.text == "that shootings have risen"


def test_sentence_final_according_to() -> None:
    (att,) = run(ACCORDING_FINAL, text="Talks resumed, according to officials.")
    assert att.kind == "according_to"
    assert att.source is not None and att.source.text == "officials"
    assert att.content.text == "Talks resumed"


MODEL_CASES = [
    (
        "“It would seem to me that the Moroccans are keen,” said the Tel Aviv University "
        "professor.",
        "the Tel Aviv University professor",
        "said",
    ),
    (
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a "
        "coincidence.",
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco",
        "said",
    ),
    ("The talks will resume next week, according to the ministry.", "the ministry", "according to"),
    ("Algeria cut ties with Morocco in August citing “hostile actions”.", "Algeria", "citing"),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "source", "cue"), MODEL_CASES)
def test_real_parser_finds_source_and_cue(text: str, source: str, cue: str) -> None:
    from attribution.nlp.stanza_parser import get_parser

    atts, _, _ = extract(get_parser()(text))
    assert [
        (a.source.text if a.source else None, a.cue.span.text if a.cue else None) for a in atts
    ] == [(source, cue)]


SIEVE_CASES = {
    "dependency": (
        (OFFICE_FIRST,),
        "His office said Gantz will sign “a memorandum of understanding” with Rabat.",
        0,
    ),
    "bare_cue": ((BARE_CUE,), "“We will all win big,” Trump also said.", 0),
    "trigram": ((READY_SPLIT, CLINTON_SAID), "“We are ready.” Clinton said.", 0),
    "colon": ((COLON,), "Trump: “We will win big.”", 0),
    "dash": ((DASH,), "“We win big.” – Donald Trump", 0),
    "adjacent_sentence": ((SAID_COLON, WIN), "Trump said:\n“We will win big.”", 0),
    "previous_sentence": (
        (CLINTON_INDIRECT, PLAN),
        "Clinton said the plan works. “The plan works and we act on it.”",
        0,
    ),
    "same_paragraph": (
        (READY, LEFT, PLAN),
        "“We are ready,” Clinton said. Then she left. “The plan works and we act on it.”",
        1,
    ),
    "previous_speaker": (
        (READY, PLAN),
        "“We are ready,” Clinton said.\n“The plan works and we act on it.”",
        1,
    ),
    "neighbour_sentence": ((FARMER, LOST), "Smith, a farmer, was angry. “We lost everything.”", 0),
    "paragraph_lead": (
        (CLINTON_INDIRECT, MONEY, LOST),
        "Clinton said the plan works. The money is there. “We lost everything.”",
        0,
    ),
}


def test_every_sieve_has_a_case() -> None:
    assert sorted(SIEVE_CASES) == sorted(name for name, _ in SIEVES)


@pytest.mark.parametrize("name", list(SIEVE_CASES))
def test_each_sieve_resolves_a_case_only_it_resolves(name: str) -> None:
    sents, text, qi = SIEVE_CASES[name]
    d = doc(*sents, text=text)
    ctx = build_context(d, find_quotes(d.text))
    assert run_sieves(ctx)[qi].sieve == name
    without = run_sieves(ctx, tuple((n, s) for n, s in SIEVES if n != name))
    assert qi not in without
