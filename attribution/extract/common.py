"""What every producer of attributions shares: the records it returns and the parse helpers.

A producer reads a :class:`Context` (the parse, its quotations, cues and
paragraphs) and returns :class:`Draft` attributions: an
:class:`~attribution.records.Attribution` with a temporary id plus the source
mention that coreference will resolve to a speaker. Final ids are assigned
once, by :func:`attribution.extract.number`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from attribution.cues import CueMatch, source_ids
from attribution.language import is_latin
from attribution.quotes import QuoteScan, QuoteSpan, paragraphs
from attribution.records import Attribution, Cue, TextSpan
from attribution.spans import span_of, tokens_span
from attribution.types import ParsedDocument, Sentence, Token

#: Part-of-speech tags a source noun phrase is headed by.
NOMINAL_HEADS = ("PROPN", "NOUN", "PRON")
#: Dependents dropped from a hedged or declined clause (UD v2 relations).
CLAUSE_DROP = frozenset({"punct", "parataxis", "discourse", "vocative", "cc", "mark"})
#: Punctuation after which a claim clause stops ("X allegedly did Y — and Z").
CLAUSE_BREAKS = frozenset({"—", "–", "--", "-–", ";", "―"})

CueKey = tuple[int, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Mention:
    """A source mention: its span and head word (sentence, word index)."""

    span: TextSpan
    sentence: int
    head: int


@dataclass(frozen=True, slots=True)
class Draft:
    """An attribution before speakers are resolved: the record plus its mention.

    ``inherit`` names the draft (by temporary id) whose speaker a cueless
    quotation continues; ``cue_key`` is the (sentence, cue words) a quotation
    group claimed, so that cue yields no second, indirect attribution.
    """

    attribution: Attribution
    mention: Mention | None
    inherit: str | None = None
    cue_key: CueKey | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the producers read: the parse, the quotations, cues and paragraphs."""

    doc: ParsedDocument
    scan: QuoteScan
    cues: tuple[tuple[CueMatch, ...], ...]
    paragraphs: tuple[tuple[int, int], ...]

    @property
    def quotes(self) -> tuple[QuoteSpan, ...]:
        return self.scan.quotes

    def para_of(self, offset: int) -> int:
        """Return the index of the paragraph holding ``offset`` (the one before a gap)."""
        return max(0, bisect.bisect_right([s for s, _ in self.paragraphs], offset) - 1)

    def sentences_over(self, start: int, end: int) -> tuple[Sentence, ...]:
        """Return the sentences overlapping ``start:end``."""
        return tuple(s for s in self.doc.sentences if s.start < end and s.end > start)


def build_context(doc: ParsedDocument, scan: QuoteScan) -> Context:
    """Find every sentence's cues once."""
    from attribution.cues import find_cues

    return Context(doc, scan, tuple(find_cues(s) for s in doc.sentences), paragraphs(doc.text))


def is_inside(tok: Token, q: QuoteSpan) -> bool:
    """Tell whether a word lies within a quotation's marks."""
    return tok.start >= q.start and tok.end <= q.end


def mention(doc: ParsedDocument, sent: Sentence, head: Token, avoid: tuple[int, ...]) -> Mention:
    """Return the source noun phrase headed by ``head``, without the words ``avoid``."""
    ids = source_ids(sent, head, avoid=avoid)
    if head.index not in ids:
        ids = (head.index,)
    span = span_of(doc, sent, ids)
    assert span is not None
    return Mention(span, sent.index, head.index)


def cue_mention(ctx: Context, cue: CueMatch) -> Mention | None:
    """Return the source mention the cue found, if any."""
    if cue.source_head is None or not cue.source:
        return None
    span = span_of(ctx.doc, ctx.doc.sentences[cue.sentence], cue.source)
    assert span is not None
    return Mention(span, cue.sentence, cue.source_head)


def mention_of_span(doc: ParsedDocument, span: TextSpan | None) -> Mention | None:
    """Find the sentence and head word of a source span given by characters."""
    if span is None:
        return None
    for s in doc.sentences:
        if s.start <= span.start < s.end:
            ids = {t.index for t in s.tokens if t.start >= span.start and t.end <= span.end}
            heads = [i for i in sorted(ids) if s.tokens[i].head not in ids]
            if heads:
                return Mention(span, s.index, heads[0])
    return None


def cue_record(ctx: Context, c: CueMatch) -> Cue:
    """Return the public cue record of a cue match."""
    span = span_of(ctx.doc, ctx.doc.sentences[c.sentence], c.cue)
    assert span is not None
    return Cue(span, c.lemma, c.stance)


# -- noun phrases found on the surface -------------------------------------------------


def sentence_of(doc: ParsedDocument, tok: Token) -> Sentence:
    """Return the sentence holding ``tok``."""
    for s in doc.sentences:
        if s.start <= tok.start < s.end or tok in s.tokens:
            return s
    return doc.sentences[-1]


def np_head(sent: Sentence, ids: list[int]) -> Token | None:
    """Return the word of ``ids`` whose head lies outside them (a noun or pronoun)."""
    idset = set(ids)
    for i in ids:
        t = sent.tokens[i]
        if t.head not in idset and t.upos in NOMINAL_HEADS:
            return t
    nouns = [sent.tokens[i] for i in ids if sent.tokens[i].upos in NOMINAL_HEADS]
    return nouns[-1] if nouns else None


def outside_dependents(sent: Sentence, head: Token, ids: list[int]) -> tuple[int, ...]:
    """Return the dependents of ``head`` that lie outside the noun phrase ``ids``."""
    keep = set(ids)
    return tuple(c.index for c in sent.children(head.index) if c.index not in keep)


def np_between(sent: Sentence, start: int, end: int) -> Token | None:
    """Return the head of the noun phrase between two offsets."""
    ids = [t.index for t in sent.tokens if t.start >= start and t.end <= end and t.upos != "PUNCT"]
    return np_head(sent, ids) if ids else None


def np_after(sent: Sentence, verb: int) -> Token | None:
    """Return the head of the noun phrase right after word ``verb`` ("said *the minister*")."""
    ids: list[int] = []
    for t in sent.tokens[verb + 1 :]:
        if t.upos in ("PUNCT", "VERB", "AUX", "ADP", "SCONJ") and ids:
            break
        if t.upos not in ("PUNCT",):
            ids.append(t.index)
    return np_head(sent, ids) if ids else None


def claim_clause(doc: ParsedDocument, sent: Sentence, verb: Token, after: int) -> TextSpan | None:
    """Return the clause of ``verb`` without punctuation, cut at a dash after offset ``after``."""
    drop: set[int] = set()
    for c in sent.children(verb.index):
        if c.base_deprel in CLAUSE_DROP:
            drop.update(t.index for t in sent.subtree(c.index))
    keep = [t for t in sent.subtree(verb.index) if t.index not in drop]
    cut = next((t.start for t in keep if t.start > after and t.text in CLAUSE_BREAKS), None)
    if cut is not None:
        keep = [t for t in keep if t.start < cut]
    while keep and keep[-1].upos == "PUNCT":
        keep.pop()
    return tokens_span(doc, keep)


def unlink_foreign_sources(drafts: tuple[Draft, ...]) -> tuple[Draft, ...]:
    """Drop sources written wholly in another script; the English rules cannot read them.

    A quotation keeps its place, unattributed; a reported claim whose only
    evidence was that source is dropped ("שלום said the mayor.").
    """
    out: list[Draft] = []
    for d in drafts:
        source = d.attribution.source
        if source is None or any(is_latin(ch) for ch in source.text if ch.isalpha()):
            out.append(d)
        elif d.attribution.quotes:
            out.append(replace(d, attribution=replace(d.attribution, source=None), mention=None))
    return tuple(out)
