"""Declined requests for comment: "A spokeswoman for Gantz would not comment on NSO".

NPR and Reuters ask that a declined request for comment be reported; it is not
a claim. Each becomes an ``indirect`` attribution with the subject as source,
the declining words as cue (stance ``other``), what was not commented on as
content and a ``declined_to_comment`` hedge. It runs before coreference, so its
source is resolved to a speaker like any other.
"""

from __future__ import annotations

from attribution.extract.common import Claimed, Draft, Positions, claim_clause, mention_of_span
from attribution.hedges import DECLINED_TO_COMMENT, Lexicon, declines, lexicon
from attribution.records import Attribution, Cue, Hedge, SieveName, TextSpan
from attribution.spans import NEGATORS, char_span, lemma_of, subtree_span, tokens_span
from attribution.types import ParsedDocument, Sentence, Token

SIEVE: SieveName = "declined_comment"
#: Dependents of the declining verb that belong to the cue ("would not", "declined to comment").
CUE_DEPENDENTS = ("aux", "advmod", "xcomp")


def _cue_words(sent: Sentence, tok: Token, lex: Lexicon) -> list[Token]:
    """Return the declining verb with its auxiliaries, negation and "to comment"."""
    words = [tok, *(c for c in sent.children(tok.index) if c.base_deprel in CUE_DEPENDENTS)]
    words = [t for t in words if t.base_deprel != "xcomp" or lemma_of(t) in lex.comment_verbs]
    return [t for t in words if t.base_deprel != "advmod" or lemma_of(t) in NEGATORS]


def _declined(
    doc: ParsedDocument, sent: Sentence, tok: Token, subject: Token, n: int, where: Positions
) -> Draft:
    """Return the draft for the declining verb ``tok`` with its subject."""
    source = subtree_span(doc, sent, subject.index)
    cue_span = tokens_span(doc, _cue_words(sent, tok, lexicon()))
    assert cue_span is not None
    clause = claim_clause(doc, sent, tok, tok.end)
    content: TextSpan = cue_span
    if clause is not None and clause.end > cue_span.end:
        tail = doc.text[cue_span.end : clause.end]
        content = char_span(doc, cue_span.end + len(tail) - len(tail.lstrip()), clause.end)
    att = Attribution(
        id=f"d{n}",
        kind="indirect",
        content=content,
        cue=Cue(cue_span, lemma_of(tok), "other"),
        source=source,
        hedges=(Hedge(cue_span, DECLINED_TO_COMMENT),),
        sieve=SIEVE,
    )
    return Draft(att, mention_of_span(doc, source, where))


def declined_drafts(doc: ParsedDocument, earlier: tuple[Draft, ...]) -> tuple[Draft, ...]:
    """Return a draft per declined comment whose content no earlier attribution covers."""
    lex = lexicon()
    taken = Claimed(
        len(doc.text), ((d.attribution.content.start, d.attribution.content.end) for d in earlier)
    )
    out: list[Draft] = []
    n = 0
    where: Positions | None = None
    for sent in doc.sentences:
        for tok in sent.tokens:
            if not declines(sent, tok, lex):
                continue
            subject = next((c for c in sent.children(tok.index) if c.base_deprel == "nsubj"), None)
            if subject is None:
                continue
            n += 1
            where = where or Positions.of(doc, (), ())
            draft = _declined(doc, sent, tok, subject, n, where)
            content = draft.attribution.content
            if not taken.overlaps(content.start, content.end):
                out.append(draft)
    return tuple(out)
