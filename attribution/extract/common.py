"""What every producer of attributions shares: the records it returns and the parse helpers.

A producer reads a :class:`Context` (the parse, its quotations, cues and
paragraphs) and returns :class:`Draft` attributions: an
:class:`~attribution.records.Attribution` with a temporary id plus the source
mention that coreference will resolve to a speaker. Final ids are assigned
once, by :func:`attribution.extract.number`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

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
#: Word classes that say nothing by themselves (UD v2 tags): a content of only these
#: (a complementizer whose clause the parser lost) reports nothing. Pronouns are not
#: among them: PolNeAR marks "denied *it*", "blamed *him*" as contents.
FUNCTION_POS = frozenset({"DET", "ADP", "SCONJ", "CCONJ", "PART", "AUX", "PUNCT", "SYM"})
#: Single words that are no content even as pronouns: "he said *that*" is either a
#: complementizer cut from its clause or a bare anaphor a reader cannot check.
EMPTY_CONTENT_WORDS = frozenset({"that"})

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


Paragraphs = tuple[tuple[int, int], ...]


def _sorted(values: list[int]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:], strict=False))


def _disjoint(starts: list[int], ends: list[int]) -> bool:
    """Tell whether the ranges are non-empty, in order and do not overlap."""
    return all(s < e for s, e in zip(starts, ends, strict=True)) and all(
        e <= s for e, s in zip(ends, starts[1:], strict=False)
    )


@dataclass(frozen=True, slots=True)
class Positions:
    """The offsets of a context's words, sentences, paragraphs and quotations, for bisection.

    Built once per :class:`Context`, so that the sieves find the words around a
    quotation, its sentences and its paragraph in logarithmic time instead of
    scanning the whole document for each quotation (quadratic: 5,000 quote
    marks among words took minutes). Every lookup returns what a scan would;
    when the parse or the quotations are out of text order (``ordered`` false,
    never the case for a real parse) the lookups scan.
    """

    words: tuple[Token, ...]
    word_starts: list[int]
    word_ends: list[int]
    sentence_starts: list[int]
    sentence_ends: list[int]
    para_starts: list[int]
    newlines: list[int]
    quote_starts: list[int]
    quote_ends: list[int]
    #: The quotations of form "quotation" (not phrases or titles), and their offsets.
    quotations: tuple[QuoteSpan, ...]
    quotation_starts: list[int]
    quotation_ends: list[int]
    ordered: bool

    @classmethod
    def of(cls, doc: ParsedDocument, quotes: tuple[QuoteSpan, ...], paras: Paragraphs) -> Positions:
        words = doc.tokens
        quotations = tuple(q for q in quotes if q.form == "quotation")
        out = cls(
            words=words,
            word_starts=[t.start for t in words],
            word_ends=[t.end for t in words],
            sentence_starts=[s.start for s in doc.sentences],
            sentence_ends=[s.end for s in doc.sentences],
            para_starts=[s for s, _ in paras],
            newlines=[i for i, ch in enumerate(doc.text) if ch == "\n"],
            quote_starts=[q.start for q in quotes],
            quote_ends=[q.end for q in quotes],
            quotations=quotations,
            quotation_starts=[q.start for q in quotations],
            quotation_ends=[q.end for q in quotations],
            ordered=False,
        )
        # Words in text order; sentences and quotes in text order and disjoint.
        ordered = (
            _sorted(out.word_starts)
            and _sorted(out.word_ends)
            and _disjoint(out.sentence_starts, out.sentence_ends)
            and _disjoint(out.quote_starts, out.quote_ends)
        )
        return replace(out, ordered=ordered)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the producers read: the parse, the quotations, cues and paragraphs."""

    doc: ParsedDocument
    scan: QuoteScan
    cues: tuple[tuple[CueMatch, ...], ...]
    paragraphs: Paragraphs
    where: Positions = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", Positions.of(self.doc, self.quotes, self.paragraphs))

    @property
    def quotes(self) -> tuple[QuoteSpan, ...]:
        return self.scan.quotes

    def para_of(self, offset: int) -> int:
        """Return the index of the paragraph holding ``offset`` (the one before a gap)."""
        return max(0, bisect.bisect_right(self.where.para_starts, offset) - 1)

    def sentences_over(self, start: int, end: int) -> tuple[Sentence, ...]:
        """Return the sentences overlapping ``start:end``."""
        w = self.where
        if not w.ordered:
            return tuple(s for s in self.doc.sentences if s.start < end and s.end > start)
        lo = bisect.bisect_right(w.sentence_ends, start)
        hi = bisect.bisect_left(w.sentence_starts, end)
        return self.doc.sentences[lo:hi] if lo < hi else ()

    def words_after(self, offset: int, n: int) -> list[Token]:
        """Return the first ``n`` words of the text that start at or after ``offset``."""
        w = self.where
        if not w.ordered:
            return [t for t in w.words if t.start >= offset][:n]
        i = bisect.bisect_left(w.word_starts, offset)
        return list(w.words[i : i + n])

    def words_before(self, offset: int, n: int) -> list[Token]:
        """Return the last ``n`` words of the text that end at or before ``offset``."""
        w = self.where
        if not w.ordered:
            return [t for t in w.words if t.end <= offset][-n:] if n else []
        j = bisect.bisect_right(w.word_ends, offset)
        return list(w.words[max(0, j - n) : j])

    def words_from(self, start: int, stop: int, limit: int) -> list[Token] | None:
        """Return the words starting in ``start:stop``, or ``None`` when more than ``limit``."""
        w = self.where
        if not w.ordered:
            found = [t for t in w.words if start <= t.start < stop]
            return None if len(found) > limit else found
        i = bisect.bisect_left(w.word_starts, start)
        j = bisect.bisect_left(w.word_starts, stop)
        return None if j - i > limit else list(w.words[i:j])

    def sentence_of(self, tok: Token) -> Sentence:
        """Return the sentence holding ``tok`` (:func:`sentence_of`)."""
        w = self.where
        if w.ordered:
            k = bisect.bisect_right(w.sentence_starts, tok.start) - 1
            if k >= 0 and tok.start < w.sentence_ends[k]:
                return self.doc.sentences[k]
        return sentence_of(self.doc, tok)

    def in_quotation(self, tok: Token) -> bool:
        """Tell whether ``tok`` lies within the marks of a quotation (form "quotation")."""
        w = self.where
        if not w.ordered:
            return any(is_inside(tok, q) for q in w.quotations)
        # Sorted by start and by end: of the quotations starting at or before the
        # word, the last one ends furthest.
        k = bisect.bisect_right(w.quotation_starts, tok.start) - 1
        return k >= 0 and tok.end <= w.quotation_ends[k]

    def quote_overlaps(self, start: int, end: int, skip: int) -> bool:
        """Tell whether a quote other than ``quotes[skip]`` overlaps ``start:end``."""
        w = self.where
        if not w.ordered:
            return any(
                o.start < end and start < o.end for i, o in enumerate(self.quotes) if i != skip
            )
        lo = bisect.bisect_right(w.quote_ends, start)
        hi = bisect.bisect_left(w.quote_starts, end)
        return hi - lo > (1 if lo <= skip < hi else 0)

    def newline_in(self, start: int, stop: int) -> int:
        """Return the offset of the first line break in ``start:stop``, or -1 (``str.find``)."""
        i = bisect.bisect_left(self.where.newlines, start)
        nl = self.where.newlines
        return nl[i] if i < len(nl) and nl[i] < stop else -1


class Claimed:
    """Character ranges claimed so far, answering overlap and containment in O(log n).

    A Fenwick tree over start offsets keeps the furthest end of the ranges
    starting at or before each offset. :func:`attribution.spans.overlaps` over a
    growing list is quadratic when thousands of attributions are found.
    """

    def __init__(self, size: int, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self.size = max(0, size) + 1
        self.tree = [-1] * (self.size + 1)
        for start, end in ranges:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        i = min(max(start, 0), self.size - 1) + 1
        while i <= self.size:
            if self.tree[i] < end:
                self.tree[i] = end
            i += i & -i

    def _furthest(self, before: int) -> int:
        """Return the furthest end of the ranges starting before offset ``before``."""
        i = min(max(before, 0), self.size)
        best = -1
        while i > 0:
            best = max(best, self.tree[i])
            i -= i & -i
        return best

    def overlaps(self, start: int, end: int) -> bool:
        """Tell whether ``start:end`` overlaps a claimed range (as :func:`spans.overlaps`)."""
        return self._furthest(end) > start

    def covers(self, start: int, end: int) -> bool:
        """Tell whether a claimed range holds ``start:end`` whole."""
        return self._furthest(start + 1) >= end


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


def empty_content(sent: Sentence, ids: Iterable[int]) -> bool:
    """Tell whether the words ``ids`` report nothing: the lone word "that", or only
    function words (:data:`FUNCTION_POS`)."""
    words = [sent.tokens[i] for i in ids]
    if len(words) == 1 and words[0].text.lower() in EMPTY_CONTENT_WORDS:
        return True
    return all(t.upos in FUNCTION_POS for t in words)


def cue_mention(ctx: Context, cue: CueMatch) -> Mention | None:
    """Return the source mention the cue found, if any."""
    if cue.source_head is None or not cue.source:
        return None
    span = span_of(ctx.doc, ctx.doc.sentences[cue.sentence], cue.source)
    assert span is not None
    return Mention(span, cue.sentence, cue.source_head)


def mention_of_span(
    doc: ParsedDocument, span: TextSpan | None, where: Positions | None = None
) -> Mention | None:
    """Find the sentence and head word of a source span given by characters.

    ``where`` (the document's :class:`Positions`) finds the sentence by bisection.
    """
    if span is None:
        return None
    sentences = doc.sentences
    if where is not None and where.ordered:
        k = bisect.bisect_right(where.sentence_starts, span.start) - 1
        sentences = sentences[k : k + 1] if k >= 0 else ()
    for s in sentences:
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
