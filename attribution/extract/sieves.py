"""Link quotations to cues and speakers with an ordered list of named sieves.

The order follows the quote-to-mention stage of CoreNLP's
QuoteAttributionAnnotator (Muzny et al. 2017): precise, local evidence first
(the quotation is an argument of a reporting verb), then surface patterns
next to the quotation ("“...,” he said"; "X: “...”"; "“...” – X"), then the
neighbouring sentence, then conversation conventions (a quotation continuing
the previous speaker's paragraph). Each sieve is a plain function that returns
a :class:`Link` or ``None``; :func:`run_sieves` skips quotations an earlier
sieve resolved and stamps the sieve's name.

Order (:data:`SIEVES`): dependency, bare_cue, trigram, colon, dash,
adjacent_sentence, previous_sentence, same_paragraph, previous_speaker.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace

from attribution.cues import CueMatch, reporting_verbs, source_ids, subject_of
from attribution.extract.common import (
    Context,
    Mention,
    cue_mention,
    is_inside,
    mention,
    np_after,
    np_between,
    np_head,
    outside_dependents,
)
from attribution.lexicon import lexicon
from attribution.quotes import QuoteSpan
from attribution.records import SieveName
from attribution.types import Sentence, Token

#: Words that may stand between a quotation and its cue in a surface pattern.
MAX_PATTERN_GAP = 6
DASHES = frozenset({"–", "—", "-", "―", "--", "‒"})


@dataclass(frozen=True, slots=True)
class Link:
    """A quotation's cue and speaker mention, or the quotation it inherits them from."""

    cue: CueMatch | None = None
    source: Mention | None = None
    inherit: int | None = None
    sieve: SieveName = "unresolved"


def _time_words() -> frozenset[str]:
    """Time words the parser sometimes takes for a subject ("said *Tuesday*"); not months,
    which can be names ("May said")."""
    lex = lexicon()
    return lex.time_nouns - lex.months


Sieve = Callable[[Context, int, dict[int, Link]], Link | None]
Sieves = tuple[tuple[SieveName, Sieve], ...]


class Links(dict[int, Link]):
    """The links found so far by quotation index, and the quotations that have a speaker.

    ``speaking`` lists, in order, the quotations whose link leads to a source
    (its own or, through ``inherit``, an earlier quotation's), so the sieves
    that continue a speaker find the nearest one by bisection instead of
    walking back over every quotation of a paragraph (quadratic in a paragraph
    of thousands of quotations). A link only ever inherits from a quotation
    already linked, so a link's answer is known when it is added and never
    changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self.speaking: list[int] = []
        self._speaking: set[int] = set()

    def __setitem__(self, qi: int, link: Link) -> None:
        super().__setitem__(qi, link)
        if link.source is not None or (link.inherit is not None and self.has_speaker(link.inherit)):
            bisect.insort(self.speaking, qi)
            self._speaking.add(qi)

    def has_speaker(self, qi: int) -> bool:
        return qi in self._speaking

    def nearest_speaker(self, qi: int) -> int | None:
        """Return the last quotation before ``qi`` that has a speaker."""
        k = bisect.bisect_left(self.speaking, qi)
        return self.speaking[k - 1] if k else None


def _cue_for(ctx: Context, sent: Sentence, verb: Token) -> CueMatch:
    """Return the cue found on ``verb``, or a bare one from the verb lexicon."""
    for c in ctx.cues[sent.index]:
        if verb.index in c.cue:
            return c
    entry = reporting_verbs()[verb.lemma.lower()]
    return CueMatch(
        sent.index, (verb.index,), verb.lemma, entry.stance, entry.kind, (), None, (), "verb",
        "surface_verb",
    )  # fmt: skip


def quote_safe_mention(ctx: Context, cue: CueMatch, q: QuoteSpan) -> Mention | None:
    """Return the cue's source mention unless the parser took it from inside the quotation.

    Then the speaker is the noun phrase between the quotation and the verb
    ("“..., brightest members of Congress,” Rep. Cummings said"), or after it.
    """
    m = cue_mention(ctx, cue)
    if m is not None and not (q.start <= m.span.start < q.end):
        return m
    sent = ctx.doc.sentences[cue.sentence]
    verb = next(
        (sent.tokens[k] for k in cue.cue if sent.tokens[k].upos == "VERB"), sent.tokens[cue.cue[-1]]
    )
    others = [
        t
        for t in sent.children(verb.index)
        if t.deprel in ("nsubj", "nsubj:pass")
        and not (q.start <= t.start < q.end)
        and t.lemma.lower() not in _time_words()
    ]
    if others:
        # Several subjects: the one outside the quotation, nearest the verb.
        best = min(others, key=lambda t: (t.index > verb.index, abs(t.index - verb.index)))
        return mention(ctx.doc, sent, best, (verb.index,))
    head = None
    if q.end <= verb.start:
        gap = [t for t in sent.tokens if q.end <= t.start and t.end <= verb.start]
        if len(gap) > 2 * MAX_PATTERN_GAP or any(t.upos in ("VERB", "AUX") for t in gap):
            return m if m is not None and not (q.start <= m.span.start < q.end) else None
        head = np_between(sent, q.end, verb.start)
        if head is None and all(t.upos == "PUNCT" for t in gap):
            head = np_after(sent, verb.index)
    elif m is None:
        return None
    else:
        head = np_after(sent, verb.index)
    if head is None or q.start <= head.start < q.end:
        return None
    return mention(ctx.doc, sent, head, (verb.index,))


def _outside_cues(ctx: Context, q: QuoteSpan) -> list[CueMatch]:
    """Return cues of the quotation's sentences whose verb is outside every quotation."""
    out = []
    for sent in ctx.sentences_over(q.start, q.end):
        for c in ctx.cues[sent.index]:
            toks = [sent.tokens[i] for i in c.cue]
            if any(is_inside(t, q) for t in toks):
                continue
            if any(ctx.in_quotation(t) for t in toks):
                continue
            out.append(c)
    return out


def _distance(ctx: Context, c: CueMatch, q: QuoteSpan) -> int:
    tok = ctx.doc.sentences[c.sentence].tokens[c.cue[0]]
    return q.start - tok.end if tok.end <= q.start else tok.start - q.end


# -- the sieves -----------------------------------------------------------------


def dependency_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Take the reporting verb whose reported argument contains the quotation."""
    q = ctx.quotes[qi]
    best: CueMatch | None = None
    for c in _outside_cues(ctx, q):
        sent = ctx.doc.sentences[c.sentence]
        if not c.content:
            continue
        cs, ce = sent.tokens[c.content[0]].start, sent.tokens[c.content[-1]].end
        if cs < q.content_end and q.content_start < ce:
            if best is None or _distance(ctx, c, q) < _distance(ctx, best, q):
                best = c
    if best is None:
        return None
    return Link(best, quote_safe_mention(ctx, best, q))


def bare_cue_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Take a reporting verb in the quotation's sentence that has no other content."""
    q = ctx.quotes[qi]
    if q.form != "quotation":
        return None
    near = [c for c in _outside_cues(ctx, q) if not c.content and c.form == "verb"]
    near = [c for c in near if 0 <= _distance(ctx, c, q) <= 40]
    if not near:
        return None
    best = min(near, key=lambda c: _distance(ctx, c, q))
    return Link(best, quote_safe_mention(ctx, best, q))


def _verb_after(ctx: Context, q: QuoteSpan) -> tuple[bool, Link | None]:
    """Match "“...,” he said" / "“...,” said X": a reporting verb just after the quotation.

    Return whether a reporting verb decided the match, and the link if it holds.
    """
    doc, verbs = ctx.doc, reporting_verbs()
    para = ctx.para_of(q.end - 1)
    after = ctx.words_after(q.end, MAX_PATTERN_GAP)
    for n, t in enumerate(after):
        if t.upos == "VERB" and t.lemma.lower() in verbs:
            if ctx.para_of(t.start) != para:
                return True, None
            sent = ctx.sentence_of(t)
            subj = subject_of(sent, t.index)
            if subj is not None and not (q.end <= subj.start and subj.start - t.end < 60):
                subj = None
            if subj is None:
                subj = np_between(sent, q.end, t.start) or np_after(sent, t.index)
            if subj is None:
                return True, None
            in_np = set(source_ids(sent, subj, avoid=(t.index,)))
            gap = [g for g in after[:n] if g.upos != "PUNCT"]
            if any(g.index not in in_np or ctx.sentence_of(g) is not sent for g in gap):
                return True, None
            return True, Link(_cue_for(ctx, sent, t), mention(doc, sent, subj, (t.index,)))
        if t.upos in ("VERB", "AUX") or t.text in ("“", '"', "«"):
            break
    return False, None


def _verb_before(ctx: Context, q: QuoteSpan) -> Link | None:
    """Match "X said, “...”": a reporting verb just before the quotation."""
    doc, verbs = ctx.doc, reporting_verbs()
    before = ctx.words_before(q.start, MAX_PATTERN_GAP)
    for n, t in enumerate(reversed(before)):
        if t.upos == "VERB" and t.lemma.lower() in verbs:
            if ctx.para_of(t.start) != ctx.para_of(q.start):
                return None
            gap = [g for g in before[len(before) - n :] if g.upos != "PUNCT"]
            if gap and (t.lemma.lower() not in lexicon().quote_gap_verbs or len(gap) > 3):
                return None
            sent = ctx.sentence_of(t)
            subj = subject_of(sent, t.index)
            if subj is None:
                return None
            return Link(_cue_for(ctx, sent, t), mention(doc, sent, subj, (t.index,)))
        if t.upos in ("VERB",) or t.text in ("”", '"', "»", "."):
            break
    return None


def trigram_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match "“...,” he said", "“...,” said X" and "X said, “...”" on the surface.

    Only punctuation and the speaker's own noun phrase may stand between the
    quotation and the verb after it; only punctuation (or the addressee of
    "told", "asked") between a verb before it and the quotation.
    """
    q = ctx.quotes[qi]
    decided, link = _verb_after(ctx, q)
    return link if decided else _verb_before(ctx, q)


def colon_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match 'X: “...”', a noun phrase and a colon right before the quotation.

    A header field or caption word ("Title:", "Photo:"; ``label_stopwords``) is
    no speaker, as for transcript labels.
    """
    q = ctx.quotes[qi]
    doc = ctx.doc
    before = ctx.words_before(q.start, 1)
    if not before or before[-1].text != ":":
        return None
    sent = ctx.sentence_of(before[-1])
    np = [t for t in sent.tokens if t.end <= before[-1].start]
    if not np or len(np) > 8 or any(t.upos in ("VERB", "AUX") for t in np):
        return None
    ids = [t.index for t in np]
    head = np_head(sent, ids)
    if head is None or head.text.lower() in lexicon().label_stopwords:
        return None
    m = mention(doc, sent, head, outside_dependents(sent, head, ids))
    colon = before[-1].index
    src = tuple(t.index for t in sent.tokens if m.span.start <= t.start and t.end <= m.span.end)
    cue = CueMatch(
        sent.index, (colon,), ":", "neutral", "speech", src, head.index, (), "colon", "colon"
    )
    return Link(cue, m)


def dash_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match '“...” – X': a dash and a bare noun phrase closing the line; the dash is the cue."""
    q = ctx.quotes[qi]
    doc = ctx.doc
    para = ctx.paragraphs[ctx.para_of(q.end - 1)]
    line_end = ctx.newline_in(q.end, para[1])
    stop = para[1] if line_end < 0 else line_end
    after = ctx.words_from(q.end, stop, 8)
    if after is None or len(after) < 2 or after[0].text not in DASHES:
        return None
    rest = [t for t in after[1:] if t.upos != "PUNCT"]
    if not rest or any(t.upos in ("VERB", "AUX") for t in rest):
        return None
    sent = ctx.sentence_of(rest[0])
    ids = [t.index for t in rest if ctx.sentence_of(t) is sent]
    head = np_head(sent, ids)
    if head is None:
        return None
    m = mention(doc, sent, head, outside_dependents(sent, head, ids))
    dash_sent = ctx.sentence_of(after[0])
    cue = None
    if dash_sent is sent:
        src = tuple(i for i in ids if m.span.start <= sent.tokens[i].start < m.span.end)
        cue = CueMatch(
            sent.index,
            (after[0].index,),
            "–",
            "neutral",
            "speech",
            src,
            head.index,
            (),
            "dash",
            "dash",
        )
    return Link(cue, m)


def adjacent_sentence_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Take the cue of the sentence before a quotation when it ends in a colon."""
    q = ctx.quotes[qi]
    if q.form != "quotation":
        return None
    first = ctx.sentences_over(q.start, q.end)
    if not first or first[0].index == 0:
        return None
    prev = ctx.doc.sentences[first[0].index - 1]
    if prev.tokens[-1].text != ":" or ctx.para_of(prev.start) not in (
        ctx.para_of(q.start),
        ctx.para_of(q.start) - 1,
    ):
        return None
    cands = [c for c in ctx.cues[prev.index] if c.source_head is not None]
    if not cands:
        return None
    c = cands[-1]
    return Link(c, cue_mention(ctx, c))


def previous_sentence_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Give a cueless quotation the source of the reported speech right before it.

    "Smith said the party would lose. “We have no chance.”": the quotation
    continues the speaker of the sentence before, in its paragraph or, when the
    quotation opens its paragraph, at the end of the previous one.
    """
    q = ctx.quotes[qi]
    if q.form != "quotation" or _outside_cues(ctx, q):
        return None
    own = ctx.sentences_over(q.start, q.end)
    if not own or own[0].index == 0:
        return None
    prev = ctx.doc.sentences[own[0].index - 1]
    p = ctx.para_of(q.start)
    opens = ctx.paragraphs[p][0] == q.start
    if ctx.para_of(prev.start) != p and not (opens and ctx.para_of(prev.start) == p - 1):
        return None
    if ctx.quote_overlaps(prev.start, prev.end, qi):
        return None
    cands = [c for c in ctx.cues[prev.index] if c.source_head is not None and c.content]
    if not cands:
        return None
    return Link(None, cue_mention(ctx, cands[-1]))


def same_paragraph_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Give a quotation the speaker of an earlier quotation in its paragraph."""
    q = ctx.quotes[qi]
    if q.form != "quotation":
        return None
    p = ctx.para_of(q.start)
    if isinstance(done, Links) and ctx.where.ordered:
        # Quotations in text order: the nearest one with a speaker, if in this paragraph.
        pj = done.nearest_speaker(qi)
        if pj is not None and ctx.para_of(ctx.quotes[pj].start) == p:
            return Link(None, None, inherit=pj)
        return None
    for pj in range(qi - 1, -1, -1):
        o = ctx.quotes[pj]
        if ctx.para_of(o.start) != p:
            break
        if pj in done and _has_speaker(pj, done):
            return Link(None, None, inherit=pj)
    return None


def previous_speaker_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Continue the previous paragraph's speaker for a paragraph that opens with a quotation.

    News style attributes a run of quoted paragraphs once; a paragraph that
    starts with a quotation and has no cue of its own continues the speaker of
    the quotation right before it.
    """
    q = ctx.quotes[qi]
    if q.form != "quotation" or qi == 0:
        return None
    p = ctx.para_of(q.start)
    if ctx.paragraphs[p][0] != q.start:
        return None
    pj = qi - 1
    o = ctx.quotes[pj]
    if ctx.para_of(o.start) != p - 1 or pj not in done or not _has_speaker(pj, done):
        return None
    return Link(None, None, inherit=pj)


def _has_speaker(qi: int, done: dict[int, Link]) -> bool:
    if isinstance(done, Links):
        return done.has_speaker(qi)
    seen = set()
    while qi in done and qi not in seen:
        seen.add(qi)
        link = done[qi]
        if link.source is not None:
            return True
        if link.inherit is None:
            return False
        qi = link.inherit
    return False


#: The sieves in the order they run.
SIEVES: Sieves = (
    ("dependency", dependency_sieve),
    ("bare_cue", bare_cue_sieve),
    ("trigram", trigram_sieve),
    ("colon", colon_sieve),
    ("dash", dash_sieve),
    ("adjacent_sentence", adjacent_sentence_sieve),
    ("previous_sentence", previous_sentence_sieve),
    ("same_paragraph", same_paragraph_sieve),
    ("previous_speaker", previous_speaker_sieve),
)


def run_sieves(
    ctx: Context, sieves: tuple[tuple[SieveName, Sieve], ...] = SIEVES
) -> dict[int, Link]:
    """Run each sieve over the quotations the earlier ones left unresolved."""
    done = Links()
    for name, sieve in sieves:
        for qi in range(len(ctx.quotes)):
            if qi in done:
                continue
            link = sieve(ctx, qi, done)
            if link is not None:
                done[qi] = replace(link, sieve=name)
    return done
