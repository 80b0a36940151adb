"""Quotations whose speaker is named near them but by no cue (issue 12, part 4).

The speaker is inferred, and the attribution says so; where the text around a
quotation names two speakers, or none that is a person or an organisation, or
the quotation is a heading or a slogan, there is no guess.
"""

from __future__ import annotations

import pytest
from _engine_conllu import CLINTON_INDIRECT, HE_SAID, PLAN, READY, doc
from _inferred_conllu import (
    COLON_INTRO,
    COMMENT,
    FARMER,
    LOST,
    LOST_HEADING,
    MONEY,
    PAIR_INTRO,
    REPORT_COMMENT,
    SLOGAN,
)

from attribution.extract import build_context
from attribution.extract.sieves import INFERRED_SIEVES, SIEVES, run_sieves
from attribution.pipeline import extract
from attribution.quotes import find_quotes
from attribution.records import Attribution
from attribution.schemas import AttributionSchema


def links(*sents: str, text: str) -> dict[int, str]:
    """Return each linked quotation's sieve name, by quotation index."""
    d = doc(*sents, text=text)
    return {qi: lk.sieve for qi, lk in run_sieves(build_context(d, find_quotes(d.text))).items()}


def run(*sents: str, text: str) -> tuple[Attribution, ...]:
    atts, _, _ = extract(doc(*sents, text=text))
    return atts


def test_introduced_speaker_before_the_quotation() -> None:
    (att,) = run(FARMER, LOST, text="Smith, a farmer, was angry. “We lost everything.”")
    assert att.sieve == "neighbour_sentence"
    assert att.source is not None and att.source.text == "Smith, a farmer"
    assert att.cue is None
    assert att.speaker_inferred
    assert att.speaker_id is not None


def test_speaker_of_a_speech_noun_after_the_quotation() -> None:
    (att,) = run(LOST, COMMENT, text="“We lost everything.” Jones made the comment on Monday.")
    assert att.sieve == "neighbour_sentence"
    assert att.source is not None and att.source.text == "Jones"
    assert att.speaker_inferred


def test_clause_ending_in_a_colon_introduces_the_quotation() -> None:
    (att,) = run(COLON_INTRO, text="Sanders made the following comment: “We lost everything.”")
    assert att.sieve == "neighbour_sentence"
    assert att.source is not None and att.source.text == "Sanders"


def test_paragraph_lead_speaker() -> None:
    text = "Clinton said the plan works. The money is there. “We lost everything.”"
    atts = run(CLINTON_INDIRECT, MONEY, LOST, text=text)
    first, second = atts
    assert second.sieve == "paragraph_lead"
    assert second.source is not None and second.source.text == "Clinton"
    assert second.speaker_inferred and not first.speaker_inferred
    assert second.speaker_id == first.speaker_id is not None


def test_stated_speaker_is_not_inferred() -> None:
    text = "“It’s possible that they were keen on this,” he said."
    (att,) = run(HE_SAID, text=text)
    assert att.sieve == "dependency" and not att.speaker_inferred


def test_continued_speaker_is_inferred() -> None:
    text = "“We are ready,” Clinton said.\n“The plan works and we act on it.”"
    first, second = run(READY, PLAN, text=text)
    assert second.sieve == "previous_speaker"
    assert second.speaker_inferred and not first.speaker_inferred


def test_two_candidate_speakers_no_guess() -> None:
    text = "Smith, a farmer, was angry. “We lost everything.” Jones made the comment on Monday."
    assert links(FARMER, LOST, COMMENT, text=text) == {}
    (att,) = run(FARMER, LOST, COMMENT, text=text)
    assert att.source is None and att.speaker_id is None and not att.speaker_inferred


def test_coordinated_speakers_no_guess() -> None:
    text = "Smith and Jones made the comment: “We lost everything.”"
    assert links(PAIR_INTRO, text=text) == {}


def test_speech_context_without_a_person_no_guess() -> None:
    # The report speaks after the quotation; Smith's introduction alone would have won.
    text = (
        "Smith, a farmer, was angry. “We lost everything.” The report made the comment on Monday."
    )
    assert links(FARMER, LOST, REPORT_COMMENT, text=text) == {}


def test_heading_quotation_gets_no_speaker() -> None:
    # A heading line: the speaker named on the next line is not its speaker.
    text = "“We lost everything we had”\nJones made the comment on Monday."
    assert links(LOST_HEADING, COMMENT, text=text) == {}
    (att,) = run(LOST_HEADING, COMMENT, text=text)
    assert att.source is None and att.speaker_id is None


def test_slogan_gets_no_speaker() -> None:
    text = (
        "Smith, a farmer, was angry. "
        "Groups marched against “creeping normalisation with Israel and its allies”."
    )
    assert links(FARMER, SLOGAN, text=text) == {}
    assert all(a.speaker_id is None for a in run(FARMER, SLOGAN, text=text))


def test_inferred_sieves_come_after_the_stated_ones() -> None:
    names = [n for n, _ in SIEVES]
    first_inferred = min(names.index(n) for n in INFERRED_SIEVES)
    assert set(names[first_inferred:]) == set(INFERRED_SIEVES)


@pytest.mark.parametrize("inferred", [True, False])
def test_schema_dumps_speaker_inferred(inferred: bool) -> None:
    text = "Smith, a farmer, was angry. “We lost everything.”"
    (att,) = run(FARMER, LOST, text=text)
    if not inferred:
        (att,) = run(HE_SAID, text="“It’s possible that they were keen on this,” he said.")
    assert AttributionSchema().dump(att)["speaker_inferred"] is inferred
