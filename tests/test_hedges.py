"""Hedge and anonymity detection on hand-built UD parses (no model needed)."""

from __future__ import annotations

from attribution import hedges as hk
from attribution.extract.declined import declined_drafts
from attribution.extract.unattributed import unattributed_claims
from attribution.nlp.conllu import parse_conllu
from attribution.records import (
    UNATTRIBUTED_ID,
    UNATTRIBUTED_SPEAKER,
    Attribution,
    Cue,
    Speaker,
    TextSpan,
)
from attribution.types import ParsedDocument


def parse(*sentences: str) -> ParsedDocument:
    """Build a document from sentences of ``form lemma upos head deprel [feats]`` rows."""
    blocks = []
    for rows in sentences:
        lines = []
        for i, row in enumerate(r.split() for r in rows.strip().splitlines()):
            form, lemma, upos, head, deprel = row[:5]
            feats = row[5] if len(row) > 5 else "_"
            cols = [str(i + 1), form, lemma, upos, "_", feats, head, deprel, "_", "_"]
            lines.append("\t".join(cols))
        blocks.append("\n".join(lines))
    return parse_conllu("\n\n".join(blocks))


def span(doc: ParsedDocument, text: str) -> TextSpan:
    start = doc.text.index(text)
    return TextSpan(start, start + len(text), text)


def attribution(
    doc: ParsedDocument, source: str | None, cue: str, content: str, speaker: str, kind="indirect"
) -> Attribution:
    cue_span = span(doc, cue)
    return Attribution(
        id="a1",
        kind=kind,
        content=span(doc, content),
        cue=Cue(cue_span, cue.split()[-1].lower()),
        source=span(doc, source) if source else None,
        speaker_id=speaker,
    )


def kinds(att: Attribution) -> dict[str, str]:
    return {h.kind: h.span.text for h in att.hedges}


OFFICIALS = """
Officials official NOUN 2 nsubj Number=Plur
say say VERB 0 root
the the DET 4 det
visit visit NOUN 6 nsubj
will will AUX 6 aux
formalise formalise VERB 2 ccomp
cooperation cooperation NOUN 6 obj
. . PUNCT 2 punct
"""

FAMILIAR = """
A a DET 2 det
source source NOUN 7 nsubj
familiar familiar ADJ 2 amod
with with ADP 6 case
the the DET 6 det
visit visit NOUN 3 obl
told tell VERB 0 root
AFP AFP PROPN 7 obj
it it PRON 11 nsubj
was be AUX 11 cop
historic historic ADJ 7 ccomp
. . PUNCT 7 punct
"""

ALLEGEDLY = """
Rabat Rabat PROPN 3 nsubj
allegedly allegedly ADV 3 advmod
used use VERB 0 root
it it PRON 3 obj
against against ADP 6 case
Macron Macron PROPN 3 obl
— — PUNCT 9 punct
a a DET 9 det
claim claim NOUN 6 appos
denied deny VERB 9 acl
by by ADP 12 case
Morocco Morocco PROPN 10 obl:agent
. . PUNCT 3 punct
"""

DECLINED = """
A a DET 2 det
spokeswoman spokeswoman NOUN 7 nsubj
for for ADP 4 case
Gantz Gantz PROPN 2 nmod
would would AUX 7 aux
not not PART 7 advmod
comment comment VERB 0 root
on on ADP 9 case
NSO NSO PROPN 7 obl
. . PUNCT 7 punct
"""

CONDITION = """
An a DET 2 det
official official NOUN 19 nsubj
, , PUNCT 5 punct
who who PRON 5 nsubj
spoke speak VERB 2 acl:relcl
on on ADP 7 case
condition condition NOUN 5 obl
of of ADP 9 case
anonymity anonymity NOUN 7 nmod
because because SCONJ 14 mark
he he PRON 14 nsubj:pass
was be AUX 14 aux:pass
not not PART 14 advmod
authorized authorize VERB 5 advcl
to to PART 16 mark
speak speak VERB 14 xcomp
publicly publicly ADV 16 advmod
, , PUNCT 5 punct
said say VERB 0 root
talks talk NOUN 21 nsubj
stalled stall VERB 19 ccomp
. . PUNCT 19 punct
"""

TWO_OFFICIALS = """
Two two NUM 4 nummod
White White PROPN 3 compound
House House PROPN 4 compound
officials official NOUN 5 nsubj Number=Plur
said say VERB 0 root
the the DET 7 det
plan plan NOUN 8 nsubj
failed fail VERB 5 ccomp
. . PUNCT 5 punct
"""

REPORTEDLY_TOLD = """
Trump Trump PROPN 3 nsubj
reportedly reportedly ADV 3 advmod
told tell VERB 0 root
aides aide NOUN 3 obj
the the DET 6 det
plan plan NOUN 7 nsubj
failed fail VERB 3 ccomp
. . PUNCT 3 punct
"""

UNDERSTOOD = """
It it PRON 3 expl
is be AUX 3 aux:pass
understood understand VERB 0 root
that that SCONJ 8 mark
the the DET 6 det
deal deal NOUN 8 nsubj:pass
was be AUX 8 aux:pass
signed sign VERB 3 ccomp
. . PUNCT 3 punct
"""

TIMES = """
According accord VERB 6 case
to to ADP 1 fixed
The the DET 6 det
New New PROPN 6 compound
York York PROPN 6 compound
Times Times PROPN 9 obl
, , PUNCT 9 punct
talks talk NOUN 9 nsubj
collapsed collapse VERB 0 root
. . PUNCT 9 punct
"""

GROUP = Speaker("s1", "officials", "anonymous_group", anonymous=True)
SOURCE = Speaker("s1", "a source", "anonymous_person", anonymous=True)
TRUMP = Speaker("s1", "Donald Trump", "named_person")


def test_vague_group_spans_source_and_cue() -> None:
    doc = parse(OFFICIALS)
    att = attribution(doc, "Officials", "say", "the visit will formalise cooperation", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    assert kinds(out) == {"vague_group": "Officials say"}
    assert out.justification is None


def test_familiar_with_is_formula_and_knowledge_basis() -> None:
    doc = parse(FAMILIAR)
    att = attribution(doc, "A source familiar with the visit", "told", "it was historic", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    found = kinds(out)
    assert found["anonymous_formula"] == "A source familiar with the visit"
    assert found["knowledge_basis"] == "familiar with the visit"
    assert "other_outlet" not in found  # AFP is told, it is not the source
    assert out.justification is not None and out.justification.text == "familiar with the visit"


def test_justification_spans_index_the_parsed_text() -> None:
    doc = parse(FAMILIAR)
    att = attribution(doc, "A source familiar with the visit", "told", "it was historic", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    for h in out.hedges:
        assert doc.text[h.span.start : h.span.end] == h.span.text


def test_condition_of_anonymity_and_reason() -> None:
    doc = parse(CONDITION)
    att = attribution(doc, "An official", "said", "talks stalled", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    found = kinds(out)
    assert found["anonymous_formula"] == "spoke on condition of anonymity"
    assert found["anonymity_reason"] == "was not authorized to speak publicly"
    assert out.justification is not None
    assert out.justification.text == "was not authorized to speak publicly"


def test_several_sources_and_affiliation_replace_vague_group() -> None:
    doc = parse(TWO_OFFICIALS)
    att = attribution(doc, "Two White House officials", "said", "the plan failed", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    found = kinds(out)
    assert found["several_sources"] == "Two"
    assert found["affiliation"] == "White House"
    assert "vague_group" not in found


def test_named_source_gets_no_anonymity_signals() -> None:
    doc = parse(REPORTEDLY_TOLD)
    att = attribution(doc, "Trump", "told", "the plan failed", "s1")
    (out,) = hk.detect(doc, (att,), (TRUMP,))
    assert kinds(out) == {"hedged_cue": "reportedly"}


def test_hedged_cue_is_not_an_unattributed_claim() -> None:
    doc = parse(REPORTEDLY_TOLD)
    att = attribution(doc, "Trump", "told", "the plan failed", "s1")
    assert unattributed_claims(doc, (att,)) == ()


def test_bare_adverb_hedge_makes_an_unattributed_claim() -> None:
    doc = parse(ALLEGEDLY)
    (claim,) = unattributed_claims(doc, ())
    assert claim.content.text == "Rabat allegedly used it against Macron"
    assert claim.speaker_id == UNATTRIBUTED_ID
    assert claim.cue is not None and claim.cue.span.text == "allegedly"
    assert claim.cue.stance == "distancing"
    assert [h.kind for h in claim.hedges] == ["bare_hedge"]
    assert UNATTRIBUTED_SPEAKER.type == "unattributed"


def test_expletive_passive_hedge_claims_its_complement() -> None:
    doc = parse(UNDERSTOOD)
    (claim,) = unattributed_claims(doc, ())
    assert claim.content.text == "the deal was signed"
    assert claim.cue is not None and claim.cue.span.text == "It is understood"


def test_passive_with_agent_is_not_bare() -> None:
    rows = """
    It it PRON 3 expl
    is be AUX 3 aux:pass
    believed believe VERB 0 root
    by by ADP 5 case
    police police NOUN 3 obl:agent
    that that SCONJ 8 mark
    he he PRON 8 nsubj
    fled flee VERB 3 ccomp
    """
    assert unattributed_claims(parse(rows), ()) == ()


def test_declined_to_comment() -> None:
    doc = parse(DECLINED)
    (draft,) = declined_drafts(doc, ())
    att = draft.attribution
    assert att.sieve == "declined_comment"
    assert draft.mention is not None and draft.mention.span == att.source
    assert att.source is not None and att.source.text == "A spokeswoman for Gantz"
    assert att.cue is not None and att.cue.span.text == "would not comment"
    assert att.content.text == "on NSO"
    assert [h.kind for h in att.hedges] == ["declined_to_comment"]


def test_declined_cue_is_flagged_on_existing_attribution() -> None:
    doc = parse(DECLINED)
    att = attribution(doc, "A spokeswoman for Gantz", "would not comment", "on NSO", "s1")
    speaker = Speaker("s1", "spokeswoman for Gantz", "anonymous_person", anonymous=True)
    (out,) = hk.detect(doc, (att,), (speaker,))
    assert "declined_to_comment" in kinds(out)


def test_other_outlet_as_source() -> None:
    doc = parse(TIMES)
    att = attribution(doc, "The New York Times", "According to", "talks collapsed", "s1")
    media = Speaker("s1", "The New York Times", "organization")
    (out,) = hk.detect(doc, (att,), (media,))
    assert kinds(out) == {"other_outlet": "The New York Times"}


def test_opinion_cue_is_flagged() -> None:
    rows = OFFICIALS.replace("say say VERB", "believe believe VERB")
    doc = parse(rows)
    att = attribution(doc, "Officials", "believe", "the visit will formalise cooperation", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    assert kinds(out)["opinion"] == "believe"


def test_lexicon_is_lemmas() -> None:
    lex = hk.lexicon()
    assert "reportedly" in lex.hedge_adverbs
    assert ("familiar", "with") in lex.knowledge_adjectives
    assert all(w == w.lower() for w in lex.vague_group_nouns)


THE_SOURCE_SAID = """
The the DET 2 det
source source NOUN 3 nsubj
said say VERB 0 root
it it PRON 5 nsubj
worked work VERB 3 ccomp
. . PUNCT 3 punct
"""


def test_knowledge_basis_is_inherited_from_an_earlier_mention() -> None:
    doc = parse(FAMILIAR, THE_SOURCE_SAID)
    first = span(doc, "A source familiar with the visit")
    speaker = Speaker("s1", "a source", "anonymous_person", anonymous=True, mentions=(first,))
    att = attribution(doc, "The source", "said", "it worked", "s1")
    (out,) = hk.detect(doc, (att,), (speaker,))
    assert kinds(out)["knowledge_basis"] == "familiar with the visit"
    assert out.justification is not None and out.justification.text == "familiar with the visit"
    assert "anonymous_formula" not in kinds(out)  # the formula is the first mention's


def test_unauthorized_to_speak_is_a_reason() -> None:
    rows = CONDITION.replace("not not PART 14 advmod", "really really ADV 14 advmod").replace(
        "authorized authorize VERB", "unauthorized unauthorized ADJ"
    )
    doc = parse(rows)
    att = attribution(doc, "An official", "said", "talks stalled", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    assert kinds(out)["anonymity_reason"] == "was really unauthorized to speak publicly"


def test_small_clause_parse_of_familiar_with_still_gives_the_basis() -> None:
    rows = """
    a a DET 2 det
    source source NOUN 3 nsubj
    familiar familiar ADJ 7 ccomp
    with with ADP 6 case
    the the DET 6 det
    visit visit NOUN 3 obl
    told tell VERB 0 root
    AFP AFP PROPN 7 obj
    """
    doc = parse(rows)
    att = attribution(doc, "a source", "told", "visit", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    assert kinds(out)["knowledge_basis"] == "familiar with the visit"
    assert kinds(out)["anonymous_formula"] == "a source familiar with the visit"


def test_bare_hedge_claim_is_not_also_a_hedged_cue() -> None:
    doc = parse(ALLEGEDLY)
    claims = unattributed_claims(doc, ())
    (out,) = hk.detect(doc, claims, (UNATTRIBUTED_SPEAKER,))
    assert [h.kind for h in out.hedges] == ["bare_hedge"]


def test_source_span_headed_by_the_adjective_gives_the_basis() -> None:
    rows = """
    a a DET 2 det
    source source NOUN 3 nsubj
    familiar familiar ADJ 7 ccomp
    with with ADP 6 case
    the the DET 6 det
    visit visit NOUN 3 obl
    told tell VERB 0 root
    AFP AFP PROPN 7 obj
    """
    doc = parse(rows)
    att = attribution(doc, "a source familiar with the visit", "told", "AFP", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    assert kinds(out)["knowledge_basis"] == "familiar with the visit"


def test_pejorative_in_content_is_an_attack() -> None:
    rows = OFFICIALS.replace("cooperation cooperation NOUN", "liar liar NOUN")
    doc = parse(rows)
    att = attribution(doc, "Officials", "say", "the visit will formalise liar", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    assert kinds(out)["attack"] == "liar"


ATTENDED = """
A a DET 2 det
diplomat diplomat NOUN 5 nsubj
who who PRON 4 nsubj
attended attend VERB 2 acl:relcl
said say VERB 0 root
talks talk NOUN 7 nsubj
stalled stall VERB 5 ccomp
. . PUNCT 5 punct
"""

CLOSE_TO = """
People people NOUN 5 nsubj Number=Plur
close close ADJ 1 amod
to to ADP 4 case
Trump Trump PROPN 2 obl
said say VERB 0 root
he he PRON 7 nsubj
fumed fume VERB 5 ccomp
. . PUNCT 5 punct
"""


def test_relative_clause_of_direct_knowledge_is_the_basis() -> None:
    doc = parse(ATTENDED)
    att = attribution(doc, "A diplomat who attended", "said", "talks stalled", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    assert kinds(out)["knowledge_basis"] == "who attended"


def test_people_close_to_is_a_formula_not_a_vague_group() -> None:
    doc = parse(CLOSE_TO)
    att = attribution(doc, "People close to Trump", "said", "he fumed", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    found = kinds(out)
    assert found["anonymous_formula"] == "People close to Trump"
    assert found["knowledge_basis"] == "close to Trump"
    assert "vague_group" not in found


def test_affiliated_group_is_not_vague() -> None:
    rows = TWO_OFFICIALS.replace("Two two NUM 4 nummod", "Senior senior ADJ 4 amod")
    doc = parse(rows)
    att = attribution(doc, "Senior White House officials", "said", "the plan failed", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    assert kinds(out) == {"affiliation": "White House"}


PLAN = """
Mrs. Mrs. PROPN 2 compound
Clinton Clinton PROPN 5 nmod:poss
's 's PART 2 case
tax tax NOUN 5 compound
plan plan NOUN 6 nsubj
says say VERB 0 root
rates rate NOUN 8 nsubj
rise rise VERB 6 ccomp
"""

IN_APRIL = """
Officials official NOUN 4 nsubj Number=Plur
in in ADP 3 case
April April PROPN 1 nmod
said say VERB 0 root
it it PRON 6 nsubj
failed fail VERB 4 ccomp
"""


def test_no_affiliation_on_a_thing() -> None:
    doc = parse(PLAN)
    att = attribution(doc, "Mrs. Clinton 's tax plan", "says", "rates rise", "s1")
    (out,) = hk.detect(doc, (att,), (SOURCE,))
    assert "affiliation" not in kinds(out)


def test_time_oblique_is_not_an_affiliation() -> None:
    doc = parse(IN_APRIL)
    att = attribution(doc, "Officials in April", "said", "it failed", "s1")
    (out,) = hk.detect(doc, (att,), (GROUP,))
    assert "affiliation" not in kinds(out)
    assert "vague_group" in kinds(out)
