"""Claims carried by a bare hedge with no source: "Rabat allegedly used it".

A hedge adverb ("reportedly", "allegedly") or an agentless passive of saying
("it is understood that", "he is said to have", "is believed to") marks a
claim the text attributes to nobody. Each becomes an ``indirect`` attribution
whose speaker is :data:`~attribution.records.UNATTRIBUTED_SPEAKER`, whose cue
is the hedge (stance ``distancing``) and whose content is the hedged clause.
It runs after coreference: its speaker needs no resolving, and a hedge inside
an existing attribution is a hedge on that attribution (see
:func:`attribution.hedges.detect`), not a claim of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attribution.extract.common import Claimed, claim_clause
from attribution.hedges import BARE_HEDGE, Lexicon, lexicon
from attribution.records import UNATTRIBUTED_ID, Attribution, Cue, Hedge, SieveName, TextSpan
from attribution.spans import char_span, has_case, lemma_of
from attribution.types import ParsedDocument, Sentence, Token

SIEVE: SieveName = "unattributed_claim"
#: Dependents that belong to a passive hedge ("*it is* understood").
PASSIVE_HEDGE_PARTS = ("aux:pass", "expl", "expl:pass")


def _passive_hedge(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match agentless "it is understood that", "is said to have", "is believed to"."""
    if lemma_of(tok) not in lex.hedge_passive_verbs or tok.upos != "VERB":
        return False
    kids = sent.children(tok.index)
    passive = any(c.deprel == "aux:pass" for c in kids)
    complement = any(c.base_deprel in ("ccomp", "xcomp") for c in kids)
    agent = any(c.deprel == "obl:agent" or has_case(sent, c, ("by",)) for c in kids)
    return passive and complement and not agent


def _claimed(doc: ParsedDocument, attributions: Sequence[Attribution]) -> Claimed:
    """Return the contents, cues and sources of ``attributions``."""
    spans = (
        s
        for att in attributions
        for s in (att.content, att.cue.span if att.cue else None, att.source)
        if s is not None
    )
    return Claimed(len(doc.text), ((s.start, s.end) for s in spans))


def _covered(tok: Token, claimed: Claimed) -> bool:
    """Return whether ``tok`` sits inside an existing attribution's content, cue or source."""
    return claimed.covers(tok.start, tok.end)


def _bare_hedges(sent: Sentence, lex: Lexicon) -> Iterable[tuple[Token, Token]]:
    """Yield (hedge word, claim verb) for each bare hedge of ``sent``.

    The claim of "it is understood that X" is X; of "he is said to have left"
    the whole clause; of "Rabat allegedly used it" the clause of "used".
    """
    for tok in sent.tokens:
        if lemma_of(tok) in lex.hedge_adverbs or tok.text.lower() in lex.hedge_adverbs:
            yield tok, (sent.tokens[tok.head] if tok.head >= 0 else tok)
        elif _passive_hedge(sent, tok, lex):
            ccomp = next((c for c in sent.children(tok.index) if c.base_deprel == "ccomp"), None)
            yield tok, (ccomp or tok)


def _hedge_span(doc: ParsedDocument, sent: Sentence, tok: Token) -> TextSpan:
    """Return the hedge words: the adverb, or "it is understood" / "is said"."""
    if tok.upos == "ADV":
        return char_span(doc, tok.start, tok.end)
    parts = [
        c
        for c in sent.children(tok.index)
        if c.deprel in PASSIVE_HEDGE_PARTS or (c.deprel == "nsubj:pass" and c.upos == "PRON")
    ]
    return char_span(doc, min([tok.start, *(c.start for c in parts)]), tok.end)


def unattributed_claims(
    doc: ParsedDocument, attributions: tuple[Attribution, ...]
) -> tuple[Attribution, ...]:
    """Return the claims of bare hedges outside every attribution in ``attributions``."""
    lex = lexicon()
    claimed = _claimed(doc, attributions)
    out: list[Attribution] = []
    for sent in doc.sentences:
        for hedge_tok, verb in _bare_hedges(sent, lex):
            if _covered(hedge_tok, claimed) or _covered(verb, claimed):
                continue
            content = claim_clause(doc, sent, verb, hedge_tok.end)
            if content is None:
                continue
            cue_span = _hedge_span(doc, sent, hedge_tok)
            out.append(
                Attribution(
                    id=f"u{len(out) + 1}",
                    kind="indirect",
                    content=content,
                    cue=Cue(cue_span, lemma_of(hedge_tok), "distancing"),
                    speaker_id=UNATTRIBUTED_ID,
                    hedges=(Hedge(cue_span, BARE_HEDGE),),
                    sieve=SIEVE,
                )
            )
    return tuple(out)
