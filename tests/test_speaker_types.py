"""Speaker types as a standards editor reads them (issue 12), on hand-built parses.

Documents, places speaking through their governments and a named party's
representatives are identified sources; "no one" is never a source; a time
adjunct is no part of the source mention; the rules are in ``docs/scoring.md``.
"""

from __future__ import annotations

import pytest
from _engine_conllu import doc

from attribution.pipeline import extract
from attribution.records import Attribution, Speaker
from attribution.speakers import name_type


def run(*sents: str, text: str) -> tuple[tuple[Attribution, ...], dict[str, Speaker]]:
    atts, speakers, _ = extract(doc(*sents, text=text))
    return atts, {s.id: s for s in speakers}


def said(subject_rows: str, subject_head: int, n_subject: int) -> str:
    """Rows for "<subject> said it was over." with the subject's head at ``subject_head``."""
    verb = n_subject + 1
    return (
        subject_rows.replace("HEAD", str(verb)).strip()
        + f"""
said say VERB 0 root
it it PRON {verb + 3} nsubj
was be AUX {verb + 3} cop
over over ADJ {verb} ccomp nsp
. . PUNCT {verb} punct
"""
    )


def speaker_of(text: str, rows: str) -> tuple[Attribution, Speaker]:
    atts, speakers = run(rows, text=text)
    assert len(atts) == 1, atts
    return atts[0], speakers[atts[0].speaker_id or ""]


SPOKESWOMAN = """
A a DET 2 det
spokeswoman spokeswoman NOUN HEAD nsubj
for for ADP 4 case
Gantz Gantz PROPN 2 nmod
"""

LAWYERS = """
Love Love PROPN 3 nmod:poss nsp
's 's PART 1 case
lawyers lawyer NOUN HEAD nsubj Number=Plur
"""

CITY = """
The the DET 2 det
city city NOUN HEAD nsubj
"""

MAP = """
The the DET 2 det
map map NOUN HEAD nsubj
"""

AIDES = """
Senate Senate PROPN 2 compound
aides aide NOUN HEAD nsubj Number=Plur
"""

SPOKESWOMAN_ALONE = """
A a DET 2 det
spokeswoman spokeswoman NOUN HEAD nsubj
"""


@pytest.mark.parametrize(
    ("text", "rows", "stype", "anonymous"),
    [
        (
            "A spokeswoman for Gantz said it was over.",
            said(SPOKESWOMAN, 2, 4),
            "organization",
            False,
        ),
        ("Love's lawyers said it was over.", said(LAWYERS, 3, 3), "organization", False),
        ("The city said it was over.", said(CITY, 2, 2), "organization", False),
        ("The map said it was over.", said(MAP, 2, 2), "document", False),
        (
            "A spokeswoman said it was over.",
            said(SPOKESWOMAN_ALONE, 2, 2),
            "anonymous_person",
            True,
        ),
        ("Senate aides said it was over.", said(AIDES, 2, 2), "anonymous_group", True),
    ],
)
def test_identified_and_anonymous_sources(
    text: str, rows: str, stype: str, anonymous: bool
) -> None:
    _, speaker = speaker_of(text, rows)
    assert (speaker.type, speaker.anonymous) == (stype, anonymous)


def test_representative_keeps_the_role() -> None:
    _, speaker = speaker_of("A spokeswoman for Gantz said it was over.", said(SPOKESWOMAN, 2, 4))
    assert speaker.role == "spokeswoman"
    assert "Gantz" in speaker.name


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("No one said it was over.", "No no DET 2 det\none one PRON HEAD nsubj\n"),
        ("Nobody said it was over.", "Nobody nobody PRON HEAD nsubj\n"),
        ("No official said it was over.", "No no DET 2 det\nofficial official NOUN HEAD nsubj\n"),
    ],
)
def test_empty_quantifier_is_never_a_source(text: str, rows: str) -> None:
    n = len(rows.strip().splitlines())
    atts, _ = run(said(rows, n, n), text=text)
    assert atts == ()


def test_time_adjunct_is_cut_from_the_source() -> None:
    rows = """
The the DET 3 det
Washington Washington PROPN 3 compound
Post Post PROPN 6 nsubj
on on ADP 5 case
Thursday Thursday PROPN 3 nmod
said say VERB 0 root
it it PRON 9 nsubj
was be AUX 9 cop
over over ADJ 6 ccomp nsp
. . PUNCT 6 punct
"""
    att, speaker = speaker_of("The Washington Post on Thursday said it was over.", rows)
    assert att.source is not None and att.source.text == "The Washington Post"
    assert speaker.type == "media"


@pytest.mark.parametrize(
    ("name", "stype"),
    [
        ("HUD", "organization"),
        ("U.S.", "organization"),
        ("NAACP", "organization"),
        ("Benny Gantz", "named_person"),
        ("Amnesty International", "organization"),
    ],
)
def test_name_types(name: str, stype: str) -> None:
    assert name_type(name) == stype


LAWYER_APPOS = """
Lindqvist Lindqvist PROPN 3 nmod:poss nsp
's 's PART 1 case
lawyer lawyer NOUN 8 nsubj nsp
, , PUNCT 5 punct
Abbe Abbe PROPN 3 appos
Lowell Lowell PROPN 5 flat nsp
, , PUNCT 5 punct
said say VERB 0 root
it it PRON 11 nsubj
was be AUX 11 cop
over over ADJ 8 ccomp nsp
. . PUNCT 8 punct
"""

TITLED = """
Council Council PROPN 2 compound
President President PROPN 4 compound
José José PROPN 5 nsubj
Pérez Pérez PROPN 3 flat
"""


def test_name_in_apposition_is_the_speaker() -> None:
    text = "Lindqvist's lawyer, Abbe Lowell, said it was over."
    _, speaker = speaker_of(text, LAWYER_APPOS)
    assert (speaker.name, speaker.type, speaker.role) == (
        "Abbe Lowell",
        "named_person",
        "Lindqvist's lawyer",
    )


def test_title_before_a_name_is_its_role() -> None:
    rows = said(TITLED.replace("José PROPN 5", "José PROPN HEAD"), 3, 4)
    _, speaker = speaker_of("Council President José Pérez said it was over.", rows)
    assert (speaker.name, speaker.type, speaker.role) == (
        "José Pérez",
        "named_person",
        "Council President",
    )
