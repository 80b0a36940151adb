"""Coordinated sources keep every speaker (issue 12), on hand-built parses."""

from __future__ import annotations

from _engine_conllu import doc

from attribution.coordination import conjuncts
from attribution.pipeline import extract
from attribution.records import TextSpan

# "Jane Smith and Amnesty International said it was over." with a parsed coordination.
PARSED = """
Jane Jane PROPN 6 nsubj
Smith Smith PROPN 1 flat
and and CCONJ 4 cc
Amnesty Amnesty PROPN 1 conj
International International PROPN 4 flat
said say VERB 0 root
it it PRON 9 nsubj
was be AUX 9 cop
over over ADJ 6 ccomp nsp
. . PUNCT 6 punct
"""

# "Officials said Pacific Gas and Electric was at fault.": one company, not two speakers.
COMPANY = """
Pacific Pacific PROPN 2 compound
Gas Gas PROPN 5 nsubj
and and CCONJ 4 cc
Electric Electric PROPN 2 conj
said say VERB 0 root
it it PRON 8 nsubj
was be AUX 8 cop
over over ADJ 5 ccomp nsp
. . PUNCT 5 punct
"""

# "According to Amnesty International and Paris-based organisation Forbidden Stories,
# the spyware spread." as the bundled parser reads it: no conj relation at all.
MISSED = """
According accord VERB 16 case
to to ADP 1 fixed
Amnesty Amnesty PROPN 11 compound
International International ADJ 11 amod
and and CCONJ 6 cc
Paris Paris PROPN 8 compound nsp
- - PUNCT 6 punct nsp
based base VERB 11 amod
organisation organisation NOUN 11 compound
Forbidden Forbidden ADJ 11 amod
Stories Stories PROPN 16 obl nsp
, , PUNCT 16 punct
the the DET 14 det
spyware spyware NOUN 16 nsubj
spread spread VERB 0 root nsp
. . PUNCT 15 punct
"""

# "The Department of Health and Human Services said it was over.": one institution.
INSIDE_NAME = """
The the DET 2 det
Department Department PROPN 8 nsubj
of of ADP 7 case
Health Health PROPN 7 compound
and and CCONJ 7 cc
Human human ADJ 7 amod
Services Services PROPN 2 nmod
said say VERB 0 root
it it PRON 11 nsubj
was be AUX 11 cop
over over ADJ 8 ccomp nsp
. . PUNCT 8 punct
"""


def test_parsed_coordination_gives_two_speakers() -> None:
    text = "Jane Smith and Amnesty International said it was over."
    atts, speakers, _ = extract(doc(PARSED, text=text))
    (att,) = atts
    names = {s.id: (s.name, s.type) for s in speakers}
    assert names[att.speaker_id or ""] == ("Jane Smith", "named_person")
    assert [names[i] for i in att.co_speaker_ids] == [("Amnesty International", "organization")]


def test_coordination_the_parser_missed() -> None:
    text = (
        "According to Amnesty International and Paris-based organisation Forbidden Stories, "
        "the spyware spread."
    )
    parsed = doc(MISSED, text=text)
    start = text.index("Amnesty")
    span = TextSpan(start, text.index(","), text[start : text.index(",")])
    got = [(name, named) for _, name, named in conjuncts(parsed, span)]
    assert got == [("Amnesty International", True), ("Forbidden Stories", True)]


def test_and_inside_an_institution_name_is_one_speaker() -> None:
    text = "The Department of Health and Human Services said it was over."
    atts, speakers, _ = extract(doc(INSIDE_NAME, text=text))
    (att,) = atts
    assert att.co_speaker_ids == ()
    (speaker,) = speakers
    assert speaker.name == "Department of Health and Human Services"
    assert speaker.type == "organization"


def test_one_word_conjunct_of_a_company_name_is_no_speaker() -> None:
    text = "Pacific Gas and Electric said it was over."
    atts, speakers, _ = extract(doc(COMPANY, text=text))
    (att,) = atts
    assert att.co_speaker_ids == ()
    assert len(speakers) == 1
