"""Each reporting-cue content rule, named, on a hand-built parse that only it handles."""

from __future__ import annotations

import pytest
from _engine_conllu import ACCORDING, CLAIM, MADDY, doc

from attribution.cues import (
    NO_CONTENT,
    VERB_CONTENT_RULES,
    CueMatch,
    find_cues,
)

# "Talks will resume, officials say."
OFFICIALS_SAY = """
Talks talk NOUN 3 nsubj Number=Plur
will will AUX 3 aux
resume resume VERB 0 root nsp
, , PUNCT 6 punct
officials official NOUN 6 nsubj Number=Plur
say say VERB 3 parataxis nsp
. . PUNCT 3 punct
"""

# "He added that, if elected, he would win." ("that" taken for the object, the clause
# hung on the verb as parataxis)
ADDED_THAT = """
He he PRON 2 nsubj
added add VERB 0 root
that that PRON 2 obj nsp
, , PUNCT 6 punct
if if SCONJ 6 mark
elected elect VERB 10 advcl nsp
, , PUNCT 6 punct
he he PRON 10 nsubj
would would AUX 10 aux
win win VERB 2 parataxis nsp
. . PUNCT 2 punct
"""

# "Trump accused Clinton of lying." (the object rule would take "Clinton of lying")
ACCUSED = """
Trump Trump PROPN 2 nsubj
accused accuse VERB 0 root
Clinton Clinton PROPN 2 obj
of of SCONJ 5 mark
lying lie VERB 2 advcl nsp
. . PUNCT 2 punct
"""

# "He said last week that talks will resume." (the clause hung on "week")
LAST_WEEK = """
He he PRON 2 nsubj
said say VERB 0 root
last last ADJ 4 amod
week week NOUN 2 obl:tmod
that that SCONJ 8 mark
talks talk NOUN 8 nsubj Number=Plur
will will AUX 8 aux
resume resume VERB 4 acl nsp
. . PUNCT 2 punct
"""

# "He began by saying he would win." (the clause hung on "began")
BEGAN_BY_SAYING = """
He he PRON 2 nsubj
began begin VERB 0 root
by by SCONJ 4 mark
saying say VERB 2 advcl
he he PRON 7 nsubj
would would AUX 7 aux
win win VERB 2 parataxis nsp
. . PUNCT 2 punct
"""

# "Trump wants to build a wall."
WANTS = """
Trump Trump PROPN 2 nsubj
wants want VERB 0 root
to to PART 4 mark
build build VERB 2 xcomp
a a DET 6 det
wall wall NOUN 4 obj nsp
. . PUNCT 2 punct
"""

# "Algeria cited hostile actions."
CITED = """
Algeria Algeria PROPN 2 nsubj
cited cite VERB 0 root
hostile hostile ADJ 4 amod
actions action NOUN 2 obj Number=Plur nsp
. . PUNCT 2 punct
"""

# "He added." (the quotation was in the sentence before)
ADDED = """
He he PRON 2 nsubj
added add VERB 0 root nsp
. . PUNCT 2 punct
"""

# "Politifact checked Trump's claim that shootings have risen." (clause hung on "checked")
CLAIM_MISATTACHED = """
Politifact Politifact PROPN 2 nsubj
checked check VERB 0 root
Trump Trump PROPN 5 nmod:poss
’s ’s PART 3 case
claim claim NOUN 2 obj
that that SCONJ 9 mark
shootings shooting NOUN 9 nsubj Number=Plur
have have AUX 9 aux
risen rise VERB 2 parataxis nsp
. . PUNCT 2 punct
"""


def only_cue(rows: str, lemma: str) -> tuple[CueMatch, list[str]]:
    sent = doc(rows).sentences[0]
    (cue,) = [c for c in find_cues(sent) if c.lemma == lemma]
    return cue, [sent.tokens[i].text for i in cue.content]


def test_rules_run_in_documented_order() -> None:
    assert [r.name for r in VERB_CONTENT_RULES] == [
        "ccomp",
        "parataxis_host",
        "prepositional_frame",
        "stray_that_clause",
        "clause_right_after",
        "xcomp",
        "that_comma_clause",
        "object",
    ]
    assert all(r.find.__doc__ for r in VERB_CONTENT_RULES)


@pytest.mark.parametrize(
    ("rows", "lemma", "rule", "form", "content"),
    [
        (MADDY, "say", "ccomp", "verb", "the timing was not a coincidence"),
        (OFFICIALS_SAY, "say", "parataxis_host", "parenthetical", "Talks will resume"),
        (ACCUSED, "accuse", "prepositional_frame", "verb", "of lying"),
        (LAST_WEEK, "say", "stray_that_clause", "verb", "that talks will resume"),
        (BEGAN_BY_SAYING, "say", "clause_right_after", "verb", "he would win"),
        (WANTS, "want", "xcomp", "verb", "to build a wall"),
        (CITED, "cite", "object", "verb", "hostile actions"),
        (ADDED_THAT, "add", "that_comma_clause", "verb", "that , if elected , he would win"),
        (ADDED, "add", NO_CONTENT, "verb", ""),
    ],
)
def test_verb_rule_fires_by_name(rows: str, lemma: str, rule: str, form: str, content: str) -> None:
    cue, words = only_cue(rows, lemma)
    assert (cue.rule, cue.form, " ".join(words)) == (rule, form, content)


def test_noun_cue_rules_and_lexicon_entry() -> None:
    cue, words = only_cue(CLAIM, "claim")
    assert (cue.rule, cue.form, cue.stance) == ("noun_that_clause", "noun", "distancing")
    assert " ".join(words) == "that shootings have risen"
    cue, words = only_cue(CLAIM_MISATTACHED, "claim")
    assert (cue.rule, cue.form) == ("noun_clause_right_after", "noun")
    assert " ".join(words) == "that shootings have risen"


def test_according_to_rule() -> None:
    cue, _ = only_cue(ACCORDING, "according to")
    assert (cue.rule, cue.form) == ("according_to", "according_to")


def test_cue_built_positionally_elsewhere_has_an_empty_rule() -> None:
    cue = CueMatch(0, (1,), ":", "neutral", "speech", (0,), 0, (), "colon")
    assert cue.rule == ""
