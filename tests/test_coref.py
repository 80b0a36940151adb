"""Speaker resolution: pronouns, role descriptions, surnames, possessives; typing."""

from __future__ import annotations

from _engine_conllu import (
    ACCORDING,
    GHALI,
    HE_SAID,
    MADDY,
    OFFICE,
    PARENTHETICAL,
    PROFESSOR,
    doc,
)

from attribution.pipeline import extract
from attribution.speakers import name_type, noun_type

TEXT = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence.\n"
    "“It’s possible that they were keen on this,” he said.\n"
    "“It would seem to me that the Moroccans are keen,” said the Tel Aviv University professor.\n"
    "According to Maddy-Weitzman, “there are too many other interests in play”."
)


def test_one_speaker_for_name_pronoun_description_and_surname() -> None:
    atts, speakers, _ = extract(doc(MADDY, HE_SAID, PROFESSOR, ACCORDING, text=TEXT))
    assert len(atts) == 4
    assert len(speakers) == 1
    (sp,) = speakers
    assert sp.name == "Bruce Maddy-Weitzman"
    assert sp.type == "named_person"
    assert sp.role == "Israeli expert on Morocco"
    assert not sp.anonymous
    assert [m.text for m in sp.mentions] == [
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco",
        "he",
        "the Tel Aviv University professor",
        "Maddy-Weitzman",
    ]
    assert {a.speaker_id for a in atts} == {sp.id}


def test_possessive_resolves_to_the_owner() -> None:
    text = "Gantz will sign “a memorandum of understanding”, his office said."
    _, speakers, _ = extract(doc(OFFICE, text=text))
    (sp,) = speakers
    assert sp.name == "Gantz’s office"
    assert sp.type == "organization"


def test_plural_nameless_source_is_an_anonymous_group() -> None:
    _, speakers, _ = extract(doc(PARENTHETICAL, text="Gantz heads to Morocco, officials say."))
    (sp,) = speakers
    assert sp.type == "anonymous_group" and sp.anonymous


def test_name_and_noun_types() -> None:
    assert name_type("Ratio Petroleum") == "organization"
    assert name_type("Amnesty International") == "organization"
    assert name_type("Algeria") == "organization"
    assert name_type("AFP") == "media"
    assert name_type("Brahim Ghali") == "named_person"
    assert noun_type("source", "source", plural=False, definite=False) == "anonymous_person"
    assert noun_type("official", "officials", plural=True, definite=False) == "anonymous_group"
    assert noun_type("report", "report", plural=False, definite=True) == "document"
    assert noun_type("newspaper", "newspaper", plural=False, definite=True) == "media"


def test_title_noun_heading_a_name() -> None:
    text = "Polisario head Brahim Ghali declared: the movement decided."
    (att,), (sp,), _ = extract(doc(GHALI, text=text))
    assert att.cue is not None and att.cue.span.text == "declared:"
    assert sp.name == "Brahim Ghali"
    assert sp.type == "named_person"
    assert sp.role == "Polisario head"
