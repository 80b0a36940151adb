"""Engine rules that survive common parser attachment errors (hand-written parses, no model)."""

from __future__ import annotations

from _engine_conllu import doc

from attribution.cues import find_cues
from attribution.speakers import name_ids
from attribution.types import ParsedDocument


def _content(d: ParsedDocument) -> str:
    sent = d.sentences[0]
    (cue,) = [c for c in find_cues(sent) if c.lemma == "say"]
    return " ".join(sent.tokens[i].text for i in cue.content)


BORN = """
He he PRON 2 nsubj
said say VERB 0 root
that that SCONJ 6 mark
Obama Obama PROPN 6 nsubj:pass
was be AUX 6 aux:pass
born bear VERB 2 ccomp
here here ADV 6 advmod
and and CCONJ 10 cc
{second}
. . PUNCT 2 punct nsp
"""


def test_a_conjunct_hung_on_the_cue_verb_rejoins_the_content() -> None:
    second = "was be AUX 10 cop\nqualified qualified ADJ 2 conj"
    assert _content(doc(BORN.format(second=second))) == (
        "that Obama was born here and was qualified"
    )


def test_a_second_action_of_the_speaker_stays_out_of_the_content() -> None:
    second = "then then ADV 10 advmod\nleft leave VERB 2 conj"
    assert _content(doc(BORN.format(second=second))) == "that Obama was born here"


def test_a_second_report_stays_out_of_the_content() -> None:
    second = "then then ADV 10 advmod\nadded add VERB 2 conj"
    assert _content(doc(BORN.format(second=second))) == "that Obama was born here"


def test_a_clause_right_after_the_cue_is_its_content_wherever_it_hangs() -> None:
    d = doc(
        """
        He he PRON 2 nsubj
        began begin VERB 0 root
        by by SCONJ 4 mark
        saying say VERB 2 advcl
        he he PRON 8 nsubj
        would would AUX 8 aux
        never never ADV 8 advmod
        diagnose diagnose VERB 2 parataxis
        anyone anyone PRON 8 obj
        . . PUNCT 2 punct nsp
        """
    )
    assert _content(d) == "he would never diagnose anyone"


def _announce(last: str, case: str) -> str:
    sent = doc(
        f"""
        Ratio Ratio PROPN 2 nsubj
        announced announce VERB 0 root
        an a DET 4 det
        agreement agreement NOUN 2 obj
        {case} {case} ADP 6 case
        {last} {last} NOUN 2 obl
        . . PUNCT 2 punct nsp
        """
    ).sentences[0]
    (cue,) = [c for c in find_cues(sent) if c.lemma == "announce"]
    return " ".join(sent.tokens[i].text for i in cue.content)


def test_the_topic_of_an_announced_object_is_content_but_its_day_is_not() -> None:
    assert _announce("operations", "on") == "an agreement on operations"
    assert _announce("Monday", "on") == "an agreement"


NAME = """
The the DET 2 det
group group NOUN 5 nsubj
{adj} {adj} ADJ 4 amod
{name} {name} PROPN 2 appos
said say VERB 0 root
. . PUNCT 5 punct nsp
"""


def test_a_capitalised_adjective_starts_a_name_unless_it_is_a_nationality() -> None:
    sent = doc(NAME.format(adj="Forbidden", name="Stories")).sentences[0]
    assert name_ids(sent, 3) == (2, 3)
    sent = doc(NAME.format(adj="Israeli", name="Knesset")).sentences[0]
    assert name_ids(sent, 3) == (3,)
