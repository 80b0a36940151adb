"""Coreference passes: which pass resolves which mention (hand-built drafts, no model)."""

from __future__ import annotations

from _engine_conllu import (
    ACCORDING,
    CLINTON_INDIRECT,
    CLINTON_SAID,
    HAS_SAID,
    HE_SAID,
    MADDY,
    OFFICE,
    PROFESSOR,
    doc,
)

from attribution import coref
from attribution.records import Attribution, TextSpan
from attribution.types import ParsedDocument

MADDY_TEXT = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence.\n"
    "“It’s possible that they were keen on this,” he said.\n"
    "“It would seem to me that the Moroccans are keen,” said the Tel Aviv University professor.\n"
    "According to Maddy-Weitzman, “there are too many other interests in play”."
)

SOURCE_INTRO = """
A a DET 2 det
source source NOUN 7 nsubj
familiar familiar ADJ 2 amod
with with ADP 6 case
the the DET 6 det
visit visit NOUN 3 obl
said say VERB 0 root
talks talk NOUN 9 nsubj Number=Plur
resumed resume VERB 7 ccomp nsp
. . PUNCT 7 punct
"""

SOURCE_AGAIN = """
The the DET 2 det
source source NOUN 3 nsubj
said say VERB 0 root
the the DET 5 det
plan plan NOUN 6 nsubj
works work VERB 3 ccomp nsp
. . PUNCT 3 punct
"""

CLINTON_WHO = """
Clinton Clinton PROPN 8 nsubj nsp
, , PUNCT 4 punct
who who PRON 4 nsubj
said say VERB 1 acl:relcl
taxes tax NOUN 6 nsubj Number=Plur
rise rise VERB 4 ccomp nsp
, , PUNCT 4 punct
left leave VERB 0 root nsp
. . PUNCT 8 punct
"""


def draft(d: ParsedDocument, n: int, sentence: int, head: int, text: str) -> coref.Draft:
    """A draft whose source mention is ``text`` (headed by word ``head``) in ``sentence``."""
    sent = d.sentences[sentence]
    start = d.text.index(text, sent.start)
    span = TextSpan(start, start + len(text), text)
    att = Attribution(id=f"a{n}", kind="indirect", content=span, source=span)
    return coref.Draft(att, coref.Mention(span, sentence, head))


def passes(d: ParsedDocument, *drafts: coref.Draft) -> list[tuple[str, str]]:
    result = coref.resolve_detailed(d, drafts)
    assert (result.attributions, result.speakers) == coref.resolve(d, drafts)
    return [(r.span.text, r.pass_name) for r in result.resolutions]


def test_name_pronoun_role_and_surname_passes() -> None:
    d = doc(MADDY, HE_SAID, PROFESSOR, ACCORDING, text=MADDY_TEXT)
    drafts = (
        draft(d, 1, 0, 0, "Bruce Maddy-Weitzman, an Israeli expert on Morocco"),
        draft(d, 2, 1, 12, "he"),
        draft(d, 3, 2, 18, "the Tel Aviv University professor"),
        draft(d, 4, 3, 2, "Maddy-Weitzman"),
    )
    result = coref.resolve_detailed(d, drafts)
    assert [(r.span.text, r.pass_name) for r in result.resolutions] == [
        ("Bruce Maddy-Weitzman, an Israeli expert on Morocco", "new"),
        ("he", "pronoun"),
        ("the Tel Aviv University professor", "role"),
        ("Maddy-Weitzman", "name"),
    ]
    (sp,) = result.speakers
    assert sp.name == "Bruce Maddy-Weitzman"
    assert {result.speaker_ids[r.entity] for r in result.resolutions} == {sp.id}
    assert {a.speaker_id for a in result.attributions} == {sp.id}


def test_possessive_pass() -> None:
    text = "Gantz will sign “a memorandum of understanding”, his office said."
    d = doc(OFFICE, text=text)
    result = coref.resolve_detailed(d, (draft(d, 1, 0, 11, "his office"),))
    assert [(r.span.text, r.pass_name) for r in result.resolutions] == [
        ("his office", "possessive")
    ]
    assert result.speakers[0].name == "Gantz’s office"


def test_definite_head_pass() -> None:
    text = "A source familiar with the visit said talks resumed.\nThe source said the plan works."
    d = doc(SOURCE_INTRO, SOURCE_AGAIN, text=text)
    drafts = (
        draft(d, 1, 0, 1, "A source familiar with the visit"),
        draft(d, 2, 1, 1, "The source"),
    )
    assert passes(d, *drafts) == [
        ("A source familiar with the visit", "new"),
        ("The source", "definite_head"),
    ]
    (sp,) = coref.resolve(d, drafts)[1]
    assert sp.name == "A source familiar with the visit" and sp.anonymous


def test_pronoun_subject_pass_reaches_a_name_not_yet_quoted() -> None:
    text = "Clinton said the plan works.\nShe has also said that taxes will rise."
    d = doc(CLINTON_INDIRECT, HAS_SAID, text=text)
    result = coref.resolve_detailed(d, (draft(d, 1, 1, 0, "She"),))
    assert [(r.span.text, r.pass_name) for r in result.resolutions] == [("She", "pronoun_subject")]
    assert result.speakers[0].name == "Clinton"
    assert result.speakers[0].type == "named_person"


def test_unresolved_pronoun_is_a_new_unattributed_entity() -> None:
    text = "She has also said that taxes will rise."
    d = doc(HAS_SAID, text=text)
    result = coref.resolve_detailed(d, (draft(d, 1, 0, 0, "She"),))
    assert [(r.span.text, r.pass_name) for r in result.resolutions] == [("She", "new")]
    assert result.speakers[0].type == "unattributed"


def test_relative_pronoun_is_resolved_as_its_antecedent() -> None:
    text = "Clinton said.\nClinton, who said taxes rise, left."
    d = doc(CLINTON_SAID, CLINTON_WHO, text=text)
    drafts = (draft(d, 1, 0, 0, "Clinton"), draft(d, 2, 1, 2, "who"))
    assert passes(d, *drafts) == [("Clinton", "new"), ("who", "name")]
    atts, speakers = coref.resolve(d, drafts)
    assert len(speakers) == 1 and speakers[0].name == "Clinton"
    assert [m.text for m in speakers[0].mentions] == ["Clinton", "who"]


def test_shared_mention_and_inherited_speaker() -> None:
    text = "Clinton said."
    d = doc(CLINTON_SAID, text=text)
    first = draft(d, 1, 0, 0, "Clinton")
    second = draft(d, 2, 0, 0, "Clinton")
    content = TextSpan(0, 13, text)
    inheriting = coref.Draft(Attribution(id="a3", kind="direct", content=content), None, "a2")
    result = coref.resolve_detailed(d, (first, second, inheriting))
    assert [r.pass_name for r in result.resolutions] == ["new"]
    assert [a.speaker_id for a in result.attributions] == ["s1", "s1", "s1"]


def test_passes_are_named_in_order() -> None:
    assert [name for name, _ in coref.MENTION_PASSES] == [
        "name",
        "construct",
        "pronoun",
        "pronoun_subject",
        "possessive",
        "definite_head",
        "role",
        "new",
    ]
