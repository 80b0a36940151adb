"""Character spans cut from a parse: the one place a :class:`TextSpan` is made from tokens.

Every stage works in the coordinates of the parsed (repaired) text; these
helpers keep ``span.text == doc.text[span.start:span.end]`` true by
construction.
"""

from __future__ import annotations

from collections.abc import Iterable

from attribution.records import TextSpan
from attribution.types import ParsedDocument, Sentence, Token


def lemma_of(tok: Token) -> str:
    """Return the lower-case lemma, or the word itself when the tagger left none."""
    return (tok.lemma if tok.lemma not in ("", "_") else tok.text).lower()


def char_span(doc: ParsedDocument, start: int, end: int) -> TextSpan:
    """Return the span ``start:end`` of the parsed text."""
    return TextSpan(start, end, doc.text[start:end])


def span_of(doc: ParsedDocument, sent: Sentence, ids: tuple[int, ...]) -> TextSpan | None:
    """Return the span from the first to the last of word ``ids`` (in order), or ``None``."""
    if not ids:
        return None
    return char_span(doc, sent.tokens[ids[0]].start, sent.tokens[ids[-1]].end)


def tokens_span(doc: ParsedDocument, tokens: Iterable[Token]) -> TextSpan | None:
    """Return the smallest span covering ``tokens``, or ``None`` when there are none."""
    toks = list(tokens)
    if not toks:
        return None
    return char_span(doc, min(t.start for t in toks), max(t.end for t in toks))


def subtree_span(doc: ParsedDocument, sent: Sentence, i: int) -> TextSpan:
    """Return the span of word ``i`` and everything it dominates."""
    span = tokens_span(doc, sent.subtree(i))
    assert span is not None  # a subtree always holds its root
    return span


def token_inside(tok: Token, span: TextSpan | None) -> bool:
    """Tell whether ``tok`` lies wholly within ``span``."""
    return span is not None and tok.start >= span.start and tok.end <= span.end


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Tell whether ``start:end`` overlaps any of ``spans`` (half-open intervals)."""
    return any(s < end and start < e for s, e in spans)


#: Words that negate their head ("would *not* comment", "*never* responded").
NEGATORS = frozenset({"not", "never", "n't", "no"})


def negated(sent: Sentence, tok: Token) -> bool:
    """Return whether ``tok`` carries a negation (``not``, ``never``, Polarity=Neg)."""
    return any(
        lemma_of(c) in NEGATORS or "Polarity=Neg" in c.feats
        for c in sent.children(tok.index)
        if c.base_deprel in ("advmod", "neg", "det")
    )


def has_case(sent: Sentence, tok: Token, preps: Iterable[str]) -> bool:
    """Tell whether ``tok`` has a case marker (preposition) among ``preps``."""
    wanted = set(preps)
    return any(c.base_deprel == "case" and lemma_of(c) in wanted for c in sent.children(tok.index))
