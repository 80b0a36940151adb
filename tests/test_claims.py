"""The checks every producer's drafts pass (``attribution/extract/claims.py``), no model."""

from __future__ import annotations

from _engine_conllu import doc

from attribution.extract.claims import check_claims
from attribution.extract.common import Draft, Mention
from attribution.hedges import DECLINED_TO_COMMENT
from attribution.pipeline import extract
from attribution.records import Attribution, Cue, TextSpan

# "A judge on Monday asked not to be named."
JUDGE = """
A a DET 2 det
judge judge NOUN 6 nsubj
on on ADP 4 case
Monday Monday PROPN 2 nmod
asked ask VERB 0 root
not not PART 9 advmod
to to PART 9 mark
be be AUX 9 aux:pass
named name VERB 5 xcomp nsp
. . PUNCT 5 punct
"""
JUDGE_TEXT = "A judge on Monday asked not to be named."

# "Northfield said it does not comment on market rumors."
NORTHFIELD = """
Northfield Northfield PROPN 2 nsubj
said say VERB 0 root
it it PRON 6 nsubj
does do AUX 6 aux
not not PART 6 advmod
comment comment VERB 2 ccomp
on on ADP 9 case
market market NOUN 9 compound
rumors rumor NOUN 6 obl nsp
. . PUNCT 2 punct
"""
NORTHFIELD_TEXT = "Northfield said it does not comment on market rumors."


def span(text: str, piece: str) -> TextSpan:
    start = text.index(piece)
    return TextSpan(start, start + len(piece), piece)


def draft(text: str, source: str, head: int, cue: str, lemma: str, content: str) -> Draft:
    """A model-like draft (its spans given by their text) with its source's head word."""
    att = Attribution(
        id="m1",
        kind="indirect",
        content=span(text, content),
        cue=Cue(span(text, cue), lemma),
        source=span(text, source),
        sieve="model",
    )
    return Draft(att, Mention(span(text, source), 0, head))


def test_anonymity_request_is_no_claim() -> None:
    parsed = doc(JUDGE, text=JUDGE_TEXT)
    d = draft(JUDGE_TEXT, "A judge", 1, "asked", "ask", "not to be named")
    assert check_claims(parsed, (d,)) == ()


def test_time_adjunct_leaves_a_model_source() -> None:
    parsed = doc(JUDGE, text=JUDGE_TEXT)
    d = draft(JUDGE_TEXT, "A judge on Monday", 1, "asked", "say", "to be named")
    (out,) = check_claims(parsed, (d,))
    assert out.attribution.source == span(JUDGE_TEXT, "A judge")
    assert out.mention is not None and out.mention.span == span(JUDGE_TEXT, "A judge")


def test_refusal_to_comment_is_a_declined_comment() -> None:
    atts, _, _ = extract(doc(NORTHFIELD, text=NORTHFIELD_TEXT))
    (att,) = atts
    assert att.cue is not None and att.cue.span.text == "said"
    assert [h.kind for h in att.hedges] == [DECLINED_TO_COMMENT]


def test_a_claim_passes_unchanged() -> None:
    text = "Northfield said it does well on market rumors."
    parsed = doc(
        """
Northfield Northfield PROPN 2 nsubj
said say VERB 0 root
it it PRON 4 nsubj
does do VERB 2 ccomp
well well ADV 4 advmod
on on ADP 8 case
market market NOUN 8 compound
rumors rumor NOUN 4 obl nsp
. . PUNCT 2 punct
""",
        text=text,
    )
    d = draft(text, "Northfield", 0, "said", "say", "it does well on market rumors")
    assert check_claims(parsed, (d,)) == (d,)
