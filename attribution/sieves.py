"""Link quotations to cues and speakers with an ordered list of named sieves.

The order follows the quote-to-mention stage of CoreNLP's
QuoteAttributionAnnotator (Muzny et al. 2017): precise, local evidence first
(the quotation is an argument of a reporting verb), then surface patterns
next to the quotation ("“...,” he said"; "X: “...”"; "“...” – X"), then the
neighbouring sentence, then conversation conventions (a quotation continuing
the previous speaker's paragraph). Each sieve is a plain function that returns
a :class:`Link` or ``None``; :func:`run_sieves` skips quotations an earlier
sieve resolved and stamps the sieve's name. Reporting cues that no quotation
claimed become indirect-speech and "according to" attributions.

Order (:data:`SIEVES`): dependency, bare_cue, trigram, colon, dash,
adjacent_sentence, previous_sentence, same_paragraph, previous_speaker.
Transcript labels ("PENCE: ...") are read before the sieves run.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from attribution.cues import (
    WEEKDAYS,
    CueMatch,
    find_cues,
    reporting_verbs,
    source_ids,
    subject_of,
)
from attribution.quotes import QUOTE_CHARS, QuoteSpan, paragraphs
from attribution.records import Attribution, AttributionKind, Cue, TextSpan
from attribution.types import ParsedDocument, Sentence, Token

#: Words that may stand between a quotation and its cue in a surface pattern.
MAX_PATTERN_GAP = 6
#: Time words the parser sometimes takes for a subject ("said *Tuesday*").
TIME_WORDS = WEEKDAYS | frozenset(
    {"today", "yesterday", "tonight", "week", "month", "year", "morning", "evening", "night"}
)
#: Words besides cue and source allowed between the two halves of a split quotation.
MAX_SPLIT_GAP_WORDS = 2
DASHES = frozenset({"–", "—", "-", "―", "--", "‒"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A source mention: its span and head word (sentence, word index)."""

    span: TextSpan
    sentence: int
    head: int


@dataclass(frozen=True, slots=True)
class Link:
    """A quotation's cue and speaker mention, or the quotation it inherits them from."""

    cue: CueMatch | None = None
    source: Mention | None = None
    inherit: int | None = None
    sieve: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the sieves read: the parse, the quotations, cues and paragraphs."""

    doc: ParsedDocument
    quotes: tuple[QuoteSpan, ...]
    cues: tuple[tuple[CueMatch, ...], ...]
    paragraphs: tuple[tuple[int, int], ...]

    def para_of(self, offset: int) -> int:
        """Return the index of the paragraph holding ``offset`` (the one before a gap)."""
        return max(0, bisect.bisect_right([s for s, _ in self.paragraphs], offset) - 1)

    def sentences_over(self, start: int, end: int) -> tuple[Sentence, ...]:
        return tuple(s for s in self.doc.sentences if s.start < end and s.end > start)


Sieve = Callable[[Context, int, dict[int, Link]], Link | None]


def build_context(doc: ParsedDocument, quotes: tuple[QuoteSpan, ...]) -> Context:
    """Find every sentence's cues once."""
    return Context(doc, quotes, tuple(find_cues(s) for s in doc.sentences), paragraphs(doc.text))


# -- span helpers ---------------------------------------------------------------


def span_of(doc: ParsedDocument, sent: Sentence, ids: tuple[int, ...]) -> TextSpan | None:
    """Return the character span from the first to the last of word ``ids``."""
    if not ids:
        return None
    s, e = sent.tokens[ids[0]].start, sent.tokens[ids[-1]].end
    return TextSpan(s, e, doc.text[s:e])


def char_span(doc: ParsedDocument, start: int, end: int) -> TextSpan:
    return TextSpan(start, end, doc.text[start:end])


def inside(tok: Token, q: QuoteSpan) -> bool:
    """Tell whether a word lies within a quotation's marks."""
    return tok.start >= q.start and tok.end <= q.end


def mention(doc: ParsedDocument, sent: Sentence, head: Token, avoid: tuple[int, ...]) -> Mention:
    ids = source_ids(sent, head, avoid=avoid)
    if head.index not in ids:
        ids = (head.index,)
    span = span_of(doc, sent, ids)
    assert span is not None
    return Mention(span, sent.index, head.index)


def cue_mention(ctx: Context, cue: CueMatch) -> Mention | None:
    if cue.source_head is None or not cue.source:
        return None
    sent = ctx.doc.sentences[cue.sentence]
    span = span_of(ctx.doc, sent, cue.source)
    assert span is not None
    return Mention(span, cue.sentence, cue.source_head)


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
        and t.lemma.lower() not in TIME_WORDS
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
        head = _np_between(sent, q.end, verb.start)
        if head is None and all(t.upos == "PUNCT" for t in gap):
            head = _np_after(sent, verb.index)
    elif m is None:
        return None
    else:
        head = _np_after(sent, verb.index)
    if head is None or q.start <= head.start < q.end:
        return None
    return mention(ctx.doc, sent, head, (verb.index,))


def _outside_cues(ctx: Context, q: QuoteSpan) -> list[CueMatch]:
    """Return cues of the quotation's sentences whose verb is outside every quotation."""
    out = []
    for sent in ctx.sentences_over(q.start, q.end):
        for c in ctx.cues[sent.index]:
            toks = [sent.tokens[i] for i in c.cue]
            if any(inside(t, q) for t in toks):
                continue
            if any(inside(t, o) for t in toks for o in ctx.quotes if o.form == "quotation"):
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


def trigram_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match "“...,” he said", "“...,” said X" and "X said, “...”" on the surface.

    Only punctuation and the speaker's own noun phrase may stand between the
    quotation and the verb after it; only punctuation (or the addressee of
    "told", "asked") between a verb before it and the quotation.
    """
    q = ctx.quotes[qi]
    verbs = reporting_verbs()
    doc = ctx.doc
    para = ctx.para_of(q.end - 1)
    after = [t for s in doc.sentences for t in s.tokens if t.start >= q.end][:MAX_PATTERN_GAP]
    for n, t in enumerate(after):
        if t.upos == "VERB" and t.lemma.lower() in verbs:
            if ctx.para_of(t.start) != para:
                return None
            sent = _sentence_of(doc, t)
            gap = [g for g in after[:n] if g.upos != "PUNCT"]
            subj = subject_of(sent, t.index)
            if subj is not None and not (q.end <= subj.start and subj.start - t.end < 60):
                subj = None
            if subj is None:
                subj = _np_between(sent, q.end, t.start) or _np_after(sent, t.index)
            if subj is None:
                return None
            in_np = {i for i in source_ids(sent, subj, avoid=(t.index,))}
            if any(g.index not in in_np or _sentence_of(doc, g) is not sent for g in gap):
                return None
            return Link(_cue_for(ctx, sent, t), mention(doc, sent, subj, (t.index,)))
        if t.upos in ("VERB", "AUX") or t.text in ("“", '"', "«"):
            break
    before = [t for s in doc.sentences for t in s.tokens if t.end <= q.start][-MAX_PATTERN_GAP:]
    for n, t in enumerate(reversed(before)):
        if t.upos == "VERB" and t.lemma.lower() in verbs:
            if ctx.para_of(t.start) != ctx.para_of(q.start):
                return None
            gap = [g for g in before[len(before) - n :] if g.upos != "PUNCT"]
            if gap and (t.lemma.lower() not in ("tell", "ask", "write") or len(gap) > 3):
                return None
            sent = _sentence_of(doc, t)
            subj = subject_of(sent, t.index)
            if subj is None:
                return None
            return Link(_cue_for(ctx, sent, t), mention(doc, sent, subj, (t.index,)))
        if t.upos in ("VERB",) or t.text in ("”", '"', "»", "."):
            break
    return None


def colon_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match 'X: “...”', a noun phrase and a colon right before the quotation."""
    q = ctx.quotes[qi]
    doc = ctx.doc
    before = [t for s in doc.sentences for t in s.tokens if t.end <= q.start]
    if not before or before[-1].text != ":":
        return None
    sent = _sentence_of(doc, before[-1])
    np = [t for t in sent.tokens if t.end <= before[-1].start]
    if not np or len(np) > 8 or any(t.upos in ("VERB", "AUX") for t in np):
        return None
    ids = [t.index for t in np]
    head = _np_head(sent, ids)
    if head is None:
        return None
    m = mention(doc, sent, head, _outside(sent, head, ids))
    colon = before[-1].index
    src = tuple(t.index for t in sent.tokens if m.span.start <= t.start and t.end <= m.span.end)
    cue = CueMatch(sent.index, (colon,), ":", "neutral", "speech", src, head.index, (), "verb")
    return Link(cue, m)


def dash_sieve(ctx: Context, qi: int, done: dict[int, Link]) -> Link | None:
    """Match '“...” – X': a dash and a bare noun phrase closing the line; the dash is the cue."""
    q = ctx.quotes[qi]
    doc = ctx.doc
    para = ctx.paragraphs[ctx.para_of(q.end - 1)]
    line_end = doc.text.find("\n", q.end, para[1])
    stop = para[1] if line_end < 0 else line_end
    after = [t for s in doc.sentences for t in s.tokens if q.end <= t.start < stop]
    if len(after) < 2 or after[0].text not in DASHES or len(after) > 8:
        return None
    rest = [t for t in after[1:] if t.upos != "PUNCT"]
    if not rest or any(t.upos in ("VERB", "AUX") for t in rest):
        return None
    sent = _sentence_of(doc, rest[0])
    ids = [t.index for t in rest if _sentence_of(doc, t) is sent]
    head = _np_head(sent, ids)
    if head is None:
        return None
    m = mention(doc, sent, head, _outside(sent, head, ids))
    dash_sent = _sentence_of(doc, after[0])
    cue = None
    if dash_sent is sent:
        src = tuple(i for i in ids if m.span.start <= sent.tokens[i].start < m.span.end)
        cue = CueMatch(
            sent.index, (after[0].index,), "–", "neutral", "speech", src, head.index, (), "verb"
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
    if any(o.start < prev.end and prev.start < o.end for o in ctx.quotes if o is not q):
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
SIEVES: tuple[tuple[str, Sieve], ...] = (
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


def run_sieves(ctx: Context, sieves: tuple[tuple[str, Sieve], ...] = SIEVES) -> dict[int, Link]:
    """Run each sieve over the quotations the earlier ones left unresolved."""
    done: dict[int, Link] = {}
    for name, sieve in sieves:
        for qi in range(len(ctx.quotes)):
            if qi in done:
                continue
            link = sieve(ctx, qi, done)
            if link is not None:
                done[qi] = replace(link, sieve=name)
    return done


# -- helpers for the surface sieves -------------------------------------------


def _sentence_of(doc: ParsedDocument, tok: Token) -> Sentence:
    for s in doc.sentences:
        if s.start <= tok.start < s.end or tok in s.tokens:
            return s
    return doc.sentences[-1]


def _np_head(sent: Sentence, ids: list[int]) -> Token | None:
    """Return the word of ``ids`` whose head lies outside them (a noun or pronoun)."""
    idset = set(ids)
    for i in ids:
        t = sent.tokens[i]
        if t.head not in idset and t.upos in ("PROPN", "NOUN", "PRON"):
            return t
    nouns = [sent.tokens[i] for i in ids if sent.tokens[i].upos in ("PROPN", "NOUN", "PRON")]
    return nouns[-1] if nouns else None


def _outside(sent: Sentence, head: Token, ids: list[int]) -> tuple[int, ...]:
    """Return the dependents of ``head`` that lie outside the noun phrase ``ids``."""
    keep = set(ids)
    return tuple(c.index for c in sent.children(head.index) if c.index not in keep)


def _np_between(sent: Sentence, start: int, end: int) -> Token | None:
    ids = [t.index for t in sent.tokens if t.start >= start and t.end <= end and t.upos != "PUNCT"]
    return _np_head(sent, ids) if ids else None


def _np_after(sent: Sentence, verb: int) -> Token | None:
    ids: list[int] = []
    for t in sent.tokens[verb + 1 :]:
        if t.upos in ("PUNCT", "VERB", "AUX", "ADP", "SCONJ") and ids:
            break
        if t.upos not in ("PUNCT",):
            ids.append(t.index)
    return _np_head(sent, ids) if ids else None


def _cue_for(ctx: Context, sent: Sentence, verb: Token) -> CueMatch:
    for c in ctx.cues[sent.index]:
        if verb.index in c.cue:
            return c
    entry = reporting_verbs()[verb.lemma.lower()]
    return CueMatch(
        sent.index, (verb.index,), verb.lemma, entry.stance, entry.kind, (), None, (), "verb"
    )


# -- attributions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """An attribution before speakers are resolved: the record plus its mention."""

    attribution: Attribution
    mention: Mention | None
    inherit: str | None = None
    quote_index: int | None = None


def cue_record(ctx: Context, c: CueMatch) -> Cue:
    sent = ctx.doc.sentences[c.sentence]
    span = span_of(ctx.doc, sent, c.cue)
    assert span is not None
    return Cue(span, c.lemma, c.stance)


def _split_quote(doc: ParsedDocument, att: Attribution, q: QuoteSpan) -> bool:
    """Tell whether only the cue and source stand between ``att``'s last quote and ``q``."""
    if not att.quotes or att.content.end > q.start:
        return False
    last = att.quotes[-1]
    gap = doc.text[last.end : q.start]
    for span in (att.cue.span if att.cue else None, att.source):
        if span is not None and last.end <= span.start and span.end <= q.start:
            gap = gap.replace(span.text, " ", 1)
    # The cue's own adjuncts may stay ("he told InsideSources. “...”").
    return len(re.findall(r"\w+", gap)) <= MAX_SPLIT_GAP_WORDS and "\n" not in gap


def _extend(doc: ParsedDocument, att: Attribution, q: QuoteSpan) -> Attribution:
    """Return ``att`` with quotation ``q`` added to its content and quotes."""
    return replace(
        att,
        content=char_span(doc, att.content.start, q.content_end),
        quotes=att.quotes + tuple(char_span(doc, s, e) for s, e in q.pieces),
    )


#: Words before a colon at a line's start that are no speaker ("UPDATE:", "Photo:").
LABEL_STOPWORDS = frozenset(
    {
        "update", "updated", "note", "editor", "watch", "read", "related", "photo", "photos",
        "video", "credit", "credits", "warning", "breaking", "exclusive", "advertisement",
        "follow", "see", "more", "listen", "transcript", "image", "images", "source", "sources",
        "q", "a", "question", "answer", "correction", "disclosure", "contact", "email", "tags",
        "topics", "share", "subscribe", "sign", "click", "here", "example", "bottom", "line",
    }
)  # fmt: skip
#: At most this many words may form a speaker label ("PENCE:", "Pat Caddell:").
MAX_LABEL_WORDS = 4


def speaker_labels(ctx: Context) -> list[tuple[Mention, CueMatch, TextSpan]]:
    """Find transcript and headline labels: a line that opens with 'NAME: words'.

    Interview transcripts ("PENCE: Well, look, ...") and headlines ("Pat
    Caddell: Democrat Voters Worried ...") name the speaker before a colon; the
    colon is the cue and the rest of the line the content.
    """
    doc = ctx.doc
    text = doc.text
    out: list[tuple[Mention, CueMatch, TextSpan]] = []
    pos = 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        head_part, colon, rest = line.partition(":")
        if not colon or len(rest.split()) < 2 or rest.lstrip()[:1] in QUOTE_CHARS:
            continue
        words = head_part.strip(" \t\"“”'‘’«").split()
        if not 1 <= len(words) <= MAX_LABEL_WORDS or not all(w[:1].isupper() for w in words):
            continue
        cpos = ls + len(head_part)
        toks = [(s, t) for s in doc.sentences for t in s.tokens if ls <= t.start and t.end <= cpos]
        colon_tok = next(
            ((s, t) for s in doc.sentences for t in s.tokens if t.start == cpos and t.text == ":"),
            None,
        )
        if not toks or colon_tok is None or any(s is not colon_tok[0] for s, _ in toks):
            continue
        sent = colon_tok[0]
        ids = [t.index for _, t in toks if t.upos != "PUNCT"]
        if not ids or any(sent.tokens[i].upos in ("VERB", "AUX", "ADP", "SCONJ") for i in ids):
            continue
        head = _np_head(sent, ids)
        if head is None or head.text.lower() in LABEL_STOPWORDS:
            continue
        if any(sent.tokens[i].text.lower() in LABEL_STOPWORDS for i in ids):
            continue
        m = mention(doc, sent, head, _outside(sent, head, ids))
        cs, ce = cpos + 1, le
        while cs < ce and text[cs].isspace():
            cs += 1
        while ce > cs and text[ce - 1].isspace():
            ce -= 1
        src = tuple(i for i in ids if m.span.start <= sent.tokens[i].start < m.span.end)
        cue = CueMatch(
            sent.index, (colon_tok[1].index,), ":", "neutral", "speech", src, head.index, (),
            "verb",
        )  # fmt: skip
        out.append((m, cue, char_span(doc, cs, ce)))
    return out


def attribute(ctx: Context, links: dict[int, Link]) -> tuple[Draft, ...]:
    """Build attributions: one per quotation or group of quotations, then indirect speech.

    Quotations sharing one cue become one attribution; a quotation inside a
    larger reported clause makes that clause the content (a partial quote).
    Phrases and titles in quotation marks with no cue are scare quotes or
    names, not speech, and are left out; full quotations with no speaker are
    kept unattributed.
    """
    doc = ctx.doc
    drafts: list[Draft] = []
    for label, c, content in speaker_labels(ctx):
        att = Attribution(
            id=f"a{len(drafts) + 1}",
            kind="direct",
            content=content,
            cue=cue_record(ctx, c),
            source=label.span,
            sieve="speaker_label",
        )
        drafts.append(Draft(att, label))
    labelled = [(d.attribution.content.start, d.attribution.content.end) for d in drafts]
    used: set[tuple[int, tuple[int, ...]]] = set()
    by_cue: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    order: list[tuple[int, tuple[int, ...]] | int] = []
    for qi, q in enumerate(ctx.quotes):
        link = links.get(qi)
        if any(s < q.content_end and q.content_start < e for s, e in labelled):
            continue
        if link is None:
            if q.form == "quotation":
                order.append(qi)
            continue
        if link.cue is not None:
            key = (link.cue.sentence, link.cue.cue)
            if key not in by_cue:
                by_cue[key] = []
                order.append(key)
            by_cue[key].append(qi)
        else:
            order.append(qi)
    cue_of = {(c.sentence, c.cue): c for cs in ctx.cues for c in cs} | {
        (lk.cue.sentence, lk.cue.cue): lk.cue for lk in links.values() if lk.cue is not None
    }
    first_draft: dict[int, int] = {}
    for item in order:
        if isinstance(item, int):
            q = ctx.quotes[item]
            link = links.get(item)
            content = char_span(doc, q.content_start, q.content_end)
            att = Attribution(
                id=f"a{len(drafts) + 1}",
                kind="direct",
                content=content,
                quotes=tuple(char_span(doc, s, e) for s, e in q.pieces),
                source=link.source.span if link and link.source else None,
                sieve=link.sieve if link else "unresolved",
            )
            inherit = None
            if link is not None and link.inherit is not None and link.inherit in first_draft:
                k = first_draft[link.inherit]
                prev = drafts[k]
                if _split_quote(doc, prev.attribution, q):
                    # '“A,” he said, “B.”': one attribution in two pieces (PolNeAR).
                    first_draft[item] = k
                    drafts[k] = replace(prev, attribution=_extend(doc, prev.attribution, q))
                    continue
                inherit = prev.attribution.id
            first_draft[item] = len(drafts)
            drafts.append(Draft(att, link.source if link else None, inherit, item))
            continue
        c = cue_of[item]
        qis = by_cue[item]
        link = links[qis[0]]
        used.add(item)
        sent = doc.sentences[c.sentence]
        qs = [ctx.quotes[i] for i in qis]
        qstart, qend = min(q.content_start for q in qs), max(q.content_end for q in qs)
        cspan = span_of(doc, sent, c.content) if c.content else None
        kind: AttributionKind = "direct"
        if cspan is not None and cspan.start < qs[-1].end and qs[0].start < cspan.end:
            outside = doc.text[cspan.start : max(cspan.start, qs[0].start)]
            outside += doc.text[min(cspan.end, qs[-1].end) : cspan.end]
            if sum(ch.isalnum() for ch in outside) > 3:
                kind = "partial"
                lo, hi = min(cspan.start, qs[0].start), max(cspan.end, qs[-1].end)
                content = char_span(doc, lo, hi)
            else:
                content = char_span(doc, qstart, qend)
        else:
            content = char_span(doc, qstart, qend)
        if c.form == "according_to":
            kind = "according_to" if kind == "partial" else kind
        att = Attribution(
            id=f"a{len(drafts) + 1}",
            kind=kind,
            content=content,
            quotes=tuple(char_span(doc, s, e) for q in qs for s, e in q.pieces),
            cue=cue_record(ctx, c),
            source=link.source.span if link.source else None,
            sieve=link.sieve,
        )
        for i in qis:
            first_draft[i] = len(drafts)
        drafts.append(Draft(att, link.source, None, qis[0]))
    taken = [(d.attribution.content.start, d.attribution.content.end) for d in drafts]
    for cs in ctx.cues:
        for c in cs:
            key = (c.sentence, c.cue)
            if key in used or not c.content or c.source_head is None:
                continue
            sent = doc.sentences[c.sentence]
            cspan = span_of(doc, sent, c.content)
            assert cspan is not None
            if any(s < cspan.end and cspan.start < e for s, e in taken):
                continue
            if any(
                q.start < cspan.end and cspan.start < q.end
                for q in ctx.quotes
                if q.form == "quotation" and not (cspan.start <= q.start and q.end <= cspan.end)
            ):
                continue
            m = cue_mention(ctx, c)
            att = Attribution(
                id=f"a{len(drafts) + 1}",
                kind="according_to" if c.form == "according_to" else "indirect",
                content=cspan,
                cue=cue_record(ctx, c),
                source=m.span if m else None,
                sieve="according_to" if c.form == "according_to" else "indirect_speech",
            )
            taken.append((cspan.start, cspan.end))
            drafts.append(Draft(att, m))
    drafts.sort(key=lambda d: (d.attribution.content.start, d.attribution.content.end))
    new_id = {d.attribution.id: f"a{n}" for n, d in enumerate(drafts, 1)}
    return tuple(
        replace(
            d,
            attribution=replace(d.attribution, id=new_id[d.attribution.id]),
            inherit=new_id.get(d.inherit) if d.inherit else None,
        )
        for d in drafts
    )
