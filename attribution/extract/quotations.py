"""Attributions of quotations: the sieves' links grouped by cue.

Quotations sharing one cue become one attribution ("“A,” he said, “B.”" is one
attribution in two pieces, as PolNeAR annotates it); a quotation inside a
larger reported clause makes that clause the content (a partial quote).
Phrases and titles in quotation marks with no cue are scare quotes or names,
not speech, and are left out; full quotations with no speaker are kept,
unattributed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from attribution.cues import CueMatch
from attribution.extract.common import Claimed, Context, CueKey, Draft, cue_record
from attribution.extract.sieves import INFERRED_SIEVES, Link
from attribution.quotes import QUOTE_CHARS, QuoteSpan
from attribution.records import Attribution, AttributionKind, SieveName, TextSpan
from attribution.spans import char_span, span_of
from attribution.types import ParsedDocument

#: Words besides cue and source allowed between the two halves of a split quotation.
MAX_SPLIT_GAP_WORDS = 2
#: Words besides cue and source allowed when they are the rest of the cue's sentence
#: ("“A,” he said at a rally in Ohio on Monday. “B.”"); a longer gap outweighs the
#: quotations in the joined content.
MAX_CUE_CLAUSE_WORDS = 20
#: Letters outside the quotation marks that make a reported clause a partial quote.
MIN_PARTIAL_LETTERS = 4
#: The sieve name of a full quotation that no sieve linked.
UNRESOLVED: SieveName = "unresolved"


@dataclass(slots=True)
class _Plan:
    """Quotations in the order their attributions are built: alone, or grouped by cue."""

    order: list[CueKey | int]
    by_cue: dict[CueKey, list[int]]
    cues: dict[CueKey, CueMatch]


def _plan(ctx: Context, links: dict[int, Link], taken: list[tuple[int, int]]) -> _Plan:
    """Group linked quotations by their cue; keep cueless full quotations alone."""
    # A sieve's own cue (a colon, a dash) wins over the parse's cue of the same words.
    cues = {(c.sentence, c.cue): c for cs in ctx.cues for c in cs}
    cues |= {(lk.cue.sentence, lk.cue.cue): lk.cue for lk in links.values() if lk.cue is not None}
    plan = _Plan([], {}, cues)
    claimed = Claimed(len(ctx.doc.text), taken)
    for qi, q in enumerate(ctx.quotes):
        link = links.get(qi)
        if claimed.overlaps(q.content_start, q.content_end):
            continue  # a transcript label already holds this line
        if link is None or link.cue is None:
            if link is not None or q.form == "quotation":
                plan.order.append(qi)
            continue
        key = (link.cue.sentence, link.cue.cue)
        if key not in plan.by_cue:
            plan.by_cue[key] = []
            plan.order.append(key)
        plan.by_cue[key].append(qi)
    return plan


def _quote_starts_in(ctx: Context, start: int, end: int) -> bool:
    """Tell whether a quote (any form) opens in ``start:end``."""
    w = ctx.where
    if not w.ordered:
        return any(start <= o.start < end for o in ctx.quotes)
    return bisect.bisect_left(w.quote_starts, end) > bisect.bisect_left(w.quote_starts, start)


def _cue_clause_gap(ctx: Context, att: Attribution, start: int, end: int) -> bool:
    """Tell whether ``start:end`` holds ``att``'s cue and otherwise only the rest of its sentence.

    "“A,” Trump said at a rally on Monday. “B.”": the words after the cue are
    the cue clause's adjuncts, and "B" opens a new sentence right where that one
    ends. A second cue with its own content in the gap ("..., adding that S.")
    is an attribution of its own, so the quotations stay apart.
    """
    cue = att.cue.span if att.cue is not None else None
    if cue is None or not (start <= cue.start and cue.end <= end):
        return False
    sents = ctx.sentences_over(cue.start, cue.end)
    if len(sents) != 1 or sents[0].end > end:
        return False
    sent = sents[0]
    if any(ch not in QUOTE_CHARS and not ch.isspace() for ch in ctx.doc.text[sent.end : end]):
        return False
    for c in ctx.cues[sent.index]:
        if sent.tokens[c.cue[0]].start == cue.start:
            continue  # the quotations' own cue (its parsed content is the quotation)
        words = [sent.tokens[i] for i in c.content]
        if words and start <= words[0].start and words[-1].end <= end:
            return False
    return True


def split_quote(ctx: Context, att: Attribution, q: QuoteSpan) -> bool:
    """Tell whether only the cue clause stands between ``att``'s last quote and ``q``.

    Either at most :data:`MAX_SPLIT_GAP_WORDS` words besides the cue and source
    ("“A,” he said. “B.”"), or the rest of the cue's sentence ("“A,” he said
    at the rally. “B.”"): PolNeAR annotates both as one attribution whose
    content is the two quotations.
    """
    doc = ctx.doc
    if not att.quotes or att.content.end > q.start:
        return False
    last = att.quotes[-1]
    gap = doc.text[last.end : q.start]
    for span in (att.cue.span if att.cue else None, att.source):
        if span is not None and last.end <= span.start and span.end <= q.start:
            gap = gap.replace(span.text, " ", 1)
    if "\n" in gap:
        return False
    # The cue's own adjuncts may stay ("he told InsideSources. “...”").
    words = len(re.findall(r"\w+", gap))
    if words <= MAX_SPLIT_GAP_WORDS:
        return True
    if words > MAX_CUE_CLAUSE_WORDS or _quote_starts_in(ctx, last.end, q.start):
        return False
    return _cue_clause_gap(ctx, att, last.end, q.start)


def _extend(doc: ParsedDocument, att: Attribution, q: QuoteSpan) -> Attribution:
    """Return ``att`` with quotation ``q`` added to its content and quotes."""
    return replace(
        att,
        content=char_span(doc, att.content.start, q.content_end),
        quotes=att.quotes + tuple(char_span(doc, s, e) for s, e in q.pieces),
    )


def _pieces(doc: ParsedDocument, qs: list[QuoteSpan]) -> tuple[TextSpan, ...]:
    return tuple(char_span(doc, s, e) for q in qs for s, e in q.pieces)


def _single(
    ctx: Context,
    qi: int,
    link: Link | None,
    drafts: list[Draft],
    first_draft: dict[int, int],
) -> None:
    """Add the attribution of a quotation with no cue, or join it to the one it continues.

    A quotation that continues the speaker of the quotation right before it,
    with only that one's cue clause between them, joins its attribution
    (:func:`split_quote`): it shares that source mention, as PolNeAR annotates
    it. A quotation further away keeps ``inherit``: coreference gives it the
    same speaker.
    """
    doc, q = ctx.doc, ctx.quotes[qi]
    inherit = None
    if link is not None and link.inherit is not None and link.inherit in first_draft:
        k = first_draft[link.inherit]
        prev = drafts[k]
        if split_quote(ctx, prev.attribution, q):
            first_draft[qi] = k
            drafts[k] = replace(prev, attribution=_extend(doc, prev.attribution, q))
            return
        inherit = prev.attribution.id
    att = Attribution(
        id=f"q{len(drafts) + 1}",
        kind="direct",
        content=char_span(doc, q.content_start, q.content_end),
        quotes=_pieces(doc, [q]),
        source=link.source.span if link and link.source else None,
        sieve=link.sieve if link else UNRESOLVED,
        speaker_inferred=link is not None
        and link.sieve in INFERRED_SIEVES
        and (link.source is not None or inherit is not None),
    )
    first_draft[qi] = len(drafts)
    drafts.append(Draft(att, link.source if link else None, inherit))


def _content(ctx: Context, cue: CueMatch, qs: list[QuoteSpan]) -> tuple[AttributionKind, TextSpan]:
    """Return the kind and content of quotations sharing a cue: direct, or a partial quote."""
    doc = ctx.doc
    cspan = span_of(doc, doc.sentences[cue.sentence], cue.content) if cue.content else None
    quoted = char_span(doc, min(q.content_start for q in qs), max(q.content_end for q in qs))
    kind: AttributionKind = "direct"
    if cspan is None or not (cspan.start < qs[-1].end and qs[0].start < cspan.end):
        return kind, quoted
    outside = doc.text[cspan.start : max(cspan.start, qs[0].start)]
    outside += doc.text[min(cspan.end, qs[-1].end) : cspan.end]
    if sum(ch.isalnum() for ch in outside) < MIN_PARTIAL_LETTERS:
        return kind, quoted
    lo, hi = min(cspan.start, qs[0].start), max(cspan.end, qs[-1].end)
    return ("according_to" if cue.form == "according_to" else "partial"), char_span(doc, lo, hi)


def _grouped(
    ctx: Context,
    key: CueKey,
    cue: CueMatch,
    qis: list[int],
    link: Link,
    drafts: list[Draft],
    first_draft: dict[int, int],
) -> None:
    """Add one attribution for the quotations that share the cue ``key``."""
    qs = [ctx.quotes[i] for i in qis]
    kind, content = _content(ctx, cue, qs)
    att = Attribution(
        id=f"q{len(drafts) + 1}",
        kind=kind,
        content=content,
        quotes=_pieces(ctx.doc, qs),
        cue=cue_record(ctx, cue),
        source=link.source.span if link.source else None,
        sieve=link.sieve,
    )
    for i in qis:
        first_draft[i] = len(drafts)
    drafts.append(Draft(att, link.source, None, key))


def quotation_drafts(
    ctx: Context, links: dict[int, Link], taken: list[tuple[int, int]]
) -> tuple[Draft, ...]:
    """Return one draft per quotation or group of quotations sharing a cue.

    Quotations overlapping ``taken`` (the contents of earlier producers) are
    skipped.
    """
    plan = _plan(ctx, links, taken)
    drafts: list[Draft] = []
    first_draft: dict[int, int] = {}
    for item in plan.order:
        if isinstance(item, int):
            _single(ctx, item, links.get(item), drafts, first_draft)
        else:
            qis = plan.by_cue[item]
            _grouped(ctx, item, plan.cues[item], qis, links[qis[0]], drafts, first_draft)
    return tuple(drafts)
