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
adjacent_sentence, previous_sentence, neighbour_sentence, same_paragraph,
previous_speaker, paragraph_lead. The sieves from previous_sentence on give a
quotation a speaker no cue of its own states (:data:`INFERRED_SIEVES`): the
attribution says ``speaker_inferred``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace

from attribution.cues import CueMatch, children, reporting_verbs, source_ids, subject_of
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
from attribution.records import SieveName, SpeakerType
from attribution.speakers import describe
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
    """Take a reporting verb in the quotation's sentence that has no other content.

    Not one with no speaker where "“...,” said X" follows the quotation: that is
    the trigram's.
    """
    q = ctx.quotes[qi]
    if q.form != "quotation":
        return None
    near = [c for c in _outside_cues(ctx, q) if not c.content and c.form == "verb"]
    near = [c for c in near if 0 <= _distance(ctx, c, q) <= 40]
    if not near:
        return None
    best = min(near, key=lambda c: _distance(ctx, c, q))
    m = quote_safe_mention(ctx, best, q)
    if m is None:
        # "“...,” said Caddell, speaking of ...": the participle is no speaker's verb;
        # the surface pattern right after the quotation names one (trigram).
        link = _verb_after(ctx, q)[1]
        if link is not None and link.source is not None:
            return None
    return Link(best, m)


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


# -- inferred speakers: named near the quotation, but not by a cue -----------------------

#: Speakers a neighbouring sentence may supply: a named person, organisation or outlet.
NEIGHBOUR_TYPES: frozenset[SpeakerType] = frozenset({"named_person", "organization", "media"})
#: Pronouns that may stand for a speaker named in a neighbouring sentence ("He shouted.").
SPEAKER_PRONOUNS = frozenset({"he", "she", "they"})
#: Verbs of reply: the sentence after a quotation that answers it is someone else's turn
#: ("“We won.” Jones replied that ..."), so only the sentence before may use them.
REPLY_VERBS = frozenset({"reply", "respond", "answer", "counter", "retort", "rebut", "dispute"})
#: Relations of a speech noun to the verb whose subject speaks ("*made* the comment").
SPEECH_NOUN_RELATIONS = frozenset({"obj"})


def _filled_sentences(ctx: Context, q: QuoteSpan) -> tuple[tuple[Sentence, ...], bool] | None:
    """Return the sentences a quotation fills, and whether a clause ending in a colon opens
    the first of them; ``None`` when it shares them with other words.

    A quotation inside a sentence of the writer's ("Obama called the holiday
    “...”") is that sentence's business, not a neighbour's; one after a colon
    ("Obama is rolling out a new message: “...”") is introduced by its clause.
    """
    if q.form != "quotation":
        return None
    own = ctx.sentences_over(q.start, q.end)
    if not own:
        return None
    text = ctx.doc.text
    if any(ch.isalnum() for ch in text[q.end : own[-1].end]):
        return None
    before = text[own[0].start : q.start]
    if not any(ch.isalnum() for ch in before):
        return own, False
    return (own, True) if before.rstrip().endswith(":") else None


def _quotation_in(ctx: Context, sent: Sentence, qi: int, done: dict[int, Link]) -> bool:
    """Tell whether ``sent`` holds a quotation other than ``quotes[qi]``: one of form
    "quotation", or any quote a sieve linked ("“Stop,” she said.")."""
    qs = ctx.quotes

    def hits(k: int) -> bool:
        o = qs[k]
        return o.start < sent.end and sent.start < o.end and (o.form == "quotation" or k in done)

    if not ctx.where.ordered:
        return any(hits(k) for k in range(len(qs)) if k != qi)
    # Sorted by start: the quotes before ``qi`` that start in the sentence, and the one
    # before them (it may run into it); then those after ``qi`` that start in it.
    k = qi - 1
    while k >= 0:
        if hits(k):
            return True
        if qs[k].start < sent.start:
            break
        k -= 1
    k = qi + 1
    while k < len(qs) and qs[k].start < sent.end:
        if hits(k):
            return True
        k += 1
    return False


def _speech_heads(ctx: Context, sent: Sentence, replies: bool) -> list[Token]:
    """Return the words of ``sent`` (outside quotations) whose subject is speaking.

    A verb of speech or writing ("shouted to the crowd", "spoke", "tweeted"), or
    the verb of a speech noun ("made the following *comment*", "rolling out a new
    *message*"). ``replies``: whether a verb of reply counts.
    """
    verbs, lex = reporting_verbs(), lexicon()
    nouns = lex.medium_nouns | {n for n, w in lex.reporting_nouns.items() if w.kind == "speech"}
    out: list[Token] = []
    for t in sent.tokens:
        if ctx.in_quotation(t):
            continue
        low = t.lemma.lower()
        if t.upos == "VERB":
            entry = verbs.get(low)
            speech = entry is not None and entry.kind in ("speech", "writing")
            if (speech or low in lex.speech_verbs) and (replies or low not in REPLY_VERBS):
                out.append(t)
        elif t.upos == "NOUN" and low in nouns and t.deprel in SPEECH_NOUN_RELATIONS:
            if t.head >= 0 and sent.tokens[t.head].upos == "VERB":
                out.append(sent.tokens[t.head])
    return out


@dataclass(frozen=True, slots=True)
class _Named:
    """A speaker candidate: the key that tells speakers apart (the name, or the pronoun),
    its mention, and its type (``None`` for a pronoun)."""

    key: str
    mention: Mention
    type: SpeakerType | None


def _person_or_group(
    ctx: Context, sent: Sentence, tok: Token, avoid: int, named: bool
) -> _Named | None:
    """Return the candidate ``tok`` heads when it names one person or organisation.

    ``named``: only a name will do (no pronoun). Coordinated subjects ("Smith
    and Jones") are two speakers, so none.
    """
    if ctx.in_quotation(tok) or children(sent, tok.index, ("conj",)):
        return None
    m = mention(ctx.doc, sent, tok, (avoid,))
    low = tok.text.lower()
    if tok.upos == "PRON":
        return None if named or low not in SPEAKER_PRONOUNS else _Named(low, m, None)
    d = describe(sent, ctx.doc.text, tok.index, (m.span.start, m.span.end))
    if d.form == "name" and d.type in NEIGHBOUR_TYPES:
        return _Named(d.name.lower(), m, d.type)
    # "Scott's niece, state Del. Marcia Price, shouted": a description named by its apposition.
    for a in children(sent, tok.index, ("appos",)):
        am = mention(ctx.doc, sent, a, (avoid,))
        ad = describe(sent, ctx.doc.text, a.index, (am.span.start, am.span.end))
        if ad.form == "name" and ad.type in NEIGHBOUR_TYPES:
            return _Named(ad.name.lower(), m, ad.type)
    return None


def _neighbour_speakers(
    ctx: Context, sent: Sentence, *, before: bool
) -> tuple[dict[str, Mention], bool]:
    """Return the speakers ``sent`` names, by key, and whether it names anyone else talking.

    Speakers: the person or organisation subject of a speech context and, in the
    sentence before the quotation (``before``), a named person introduced with an
    apposition ("Smith, a farmer, was angry."). The flag is set when a speech
    context has a subject that is no speaker candidate ("the report said", "a
    reader wrote"), or when its verb is a cue the stated sieves read and declined,
    which makes any guess unsafe.
    """
    found: dict[str, Mention] = {}
    other = False
    colon = sent.tokens[-1].text == ":"
    stated = {
        k
        for c in ctx.cues[sent.index]
        if (c.content or (colon and c.source_head is not None) if before else not c.content)
        for k in c.cue
    }
    for verb in _speech_heads(ctx, sent, replies=before):
        if verb.index in stated:
            # A cue the stated sieves read and declined ("“...” Clinton said.": trigram;
            # "Clinton said X. “...”": previous_sentence; "X said: “...”": adjacent_sentence).
            other = True
            continue
        subj = subject_of(sent, verb.index)
        if subj is None:
            continue
        got = _person_or_group(ctx, sent, subj, verb.index, named=False)
        if got is None:
            other = True
            continue
        found.setdefault(got.key, got.mention)
    if before:
        root = next((t for t in sent.tokens if t.head < 0), None)
        subj = subject_of(sent, root.index) if root is not None else None
        if subj is not None and subj.upos == "PROPN" and children(sent, subj.index, ("appos",)):
            got = _person_or_group(ctx, sent, subj, -1, named=True)
            if got is not None and got.type == "named_person":
                found.setdefault(got.key, got.mention)
    return found, other


def neighbour_sentence_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Give a quotation that fills its sentences the speaker named right before or after it.

    "Smith, a farmer, was angry. “We lost everything.”"; "“This is a big year!”
    Scott's niece shouted to the crowd."; "Sanders made the following comment:
    “...”". The sentence before (in the paragraph, or ending the previous one
    with a colon) or after (in the paragraph) names a person or organisation as
    the subject of a speech context or, before the quotation, introduces a
    named person with an apposition. Two speakers, or a speech context whose
    subject is no person or organisation, and there is no guess. The speaker
    is inferred, never stated (after Muzny et al. 2017's mention sieves, and
    Pareti 2016 on attributions whose source is outside the sentence).
    """
    q = ctx.quotes[qi]
    filled = _filled_sentences(ctx, q)
    if filled is None or _outside_cues(ctx, q):
        return None
    own, opened = filled
    doc, p = ctx.doc, ctx.para_of(q.start)
    found: dict[str, Mention] = {}
    unsafe = False
    first, last = own[0].index, own[-1].index
    if opened:
        found, unsafe = _neighbour_speakers(ctx, own[0], before=True)
    elif first > 0:
        prev = doc.sentences[first - 1]
        pp = ctx.para_of(prev.start)
        line = pp == p and "\n" not in doc.text[prev.end : q.start]
        colon = prev.tokens[-1].text == ":" and pp in (p, p - 1) and ctx.paragraphs[p][0] == q.start
        if line and _quotation_in(ctx, prev, qi, done):
            return None  # a run of quotations: the earlier one's speaker (same_paragraph)
        if line or colon:
            found, unsafe = _neighbour_speakers(ctx, prev, before=True)
    if last + 1 < len(doc.sentences):
        nxt = doc.sentences[last + 1]
        line = ctx.para_of(nxt.start) == p and "\n" not in doc.text[q.end : nxt.start]
        if line and not _quotation_in(ctx, nxt, qi, done):
            got, other = _neighbour_speakers(ctx, nxt, before=False)
            for k, m in got.items():
                found.setdefault(k, m)
            unsafe |= other
    if unsafe or len(found) != 1:
        return None
    return Link(None, next(iter(found.values())))


def paragraph_lead_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Give a cueless quotation the one speaker its paragraph opens with.

    "Smith said the plan works. The money is there. “We act on it.”": the
    paragraph's first sentence, not the one right before the quotation, names
    its speaker through a cue; no quotation comes between; and no other
    sentence of the paragraph (outside quotations) names another source or
    speaking subject; pronouns count as that speaker only when they are all
    the same one.
    """
    q = ctx.quotes[qi]
    filled = _filled_sentences(ctx, q)
    if filled is None or filled[1] or _outside_cues(ctx, q):
        return None
    own = filled[0]
    ps, pe = ctx.paragraphs[ctx.para_of(q.start)]
    sents = [s for s in ctx.sentences_over(ps, pe) if s.start >= ps]
    if not sents or sents[0].index >= own[0].index - 1:
        return None  # the quotation opens the paragraph or follows its lead (previous_sentence)
    lead = sents[0]
    if any(_quotation_in(ctx, s, qi, done) for s in sents if s.index < own[0].index):
        return None  # a run of quotations (same_paragraph)
    if not any(c.source_head is not None for c in ctx.cues[lead.index]):
        return None
    owned = {s.index for s in own}
    names = _paragraph_speakers(ctx, [s for s in sents if s.index not in owned])
    if names is None or len(names) != 1:
        return None
    m = next(iter(names.values()))
    return Link(None, m) if m.sentence == lead.index else None


def _paragraph_speakers(ctx: Context, sents: list[Sentence]) -> dict[str, Mention] | None:
    """Return the named sources and speaking subjects of ``sents`` (outside quotations),
    by name; ``None`` when one is no person or organisation, or they use two pronouns."""
    names: dict[str, Mention] = {}
    pronouns: set[str] = set()
    for sent in sents:
        heads = [sent.tokens[h] for c in ctx.cues[sent.index] if (h := c.source_head) is not None]
        heads += [s for v in _speech_heads(ctx, sent, True) if (s := subject_of(sent, v.index))]
        for tok in heads:
            if ctx.in_quotation(tok):
                continue
            got = _person_or_group(ctx, sent, tok, -1, named=False)
            if got is None:
                return None
            if got.type is None:
                pronouns.add(got.key)
            else:
                names.setdefault(got.key, got.mention)
    return names if len(pronouns) <= 1 else None


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


#: Sieves that give a quotation a speaker no cue of its own states: the speaker is inferred.
_INFERRED: tuple[SieveName, ...] = (
    "previous_sentence",
    "neighbour_sentence",
    "same_paragraph",
    "previous_speaker",
    "paragraph_lead",
)
INFERRED_SIEVES: frozenset[SieveName] = frozenset(_INFERRED)

#: The sieves in the order they run.
SIEVES: Sieves = (
    ("dependency", dependency_sieve),
    ("bare_cue", bare_cue_sieve),
    ("trigram", trigram_sieve),
    ("colon", colon_sieve),
    ("dash", dash_sieve),
    ("adjacent_sentence", adjacent_sentence_sieve),
    ("previous_sentence", previous_sentence_sieve),
    ("neighbour_sentence", neighbour_sentence_sieve),
    ("same_paragraph", same_paragraph_sieve),
    ("previous_speaker", previous_speaker_sieve),
    ("paragraph_lead", paragraph_lead_sieve),
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
