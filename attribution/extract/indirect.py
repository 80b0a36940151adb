"""Indirect speech and "according to": reporting cues that no quotation claimed.

A reporting verb with a reported clause and a source ("Maddy-Weitzman said the
timing was not a coincidence") is an indirect attribution; "according to X"
marks its clause as X's claim. A clause that overlaps an earlier attribution,
or cuts through a quotation without holding it whole, is left alone.
"""

from __future__ import annotations

import bisect

from attribution.cues import CueMatch
from attribution.extract.common import (
    Claimed,
    Context,
    Draft,
    cue_mention,
    cue_record,
    empty_content,
)
from attribution.records import Attribution, SieveName, TextSpan
from attribution.spans import span_of

INDIRECT: SieveName = "indirect_speech"
ACCORDING_TO: SieveName = "according_to"


def _cuts_a_quotation(ctx: Context, span: TextSpan) -> bool:
    """Tell whether ``span`` overlaps a full quotation without containing it."""
    w = ctx.where
    quotations = w.quotations
    if w.ordered:
        # In order and disjoint: only the first and last quotation overlapping the
        # span can stick out of it.
        lo = bisect.bisect_right(w.quotation_ends, span.start)
        hi = bisect.bisect_left(w.quotation_starts, span.end)
        quotations = (quotations[lo], quotations[hi - 1]) if lo < hi else ()
    return any(
        q.start < span.end and span.start < q.end
        for q in quotations
        if not (span.start <= q.start and q.end <= span.end)
    )


def _draft(ctx: Context, c: CueMatch, content: TextSpan, n: int) -> Draft:
    m = cue_mention(ctx, c)
    according = c.form == "according_to"
    att = Attribution(
        id=f"i{n}",
        kind="according_to" if according else "indirect",
        content=content,
        cue=cue_record(ctx, c),
        source=m.span if m else None,
        sieve=ACCORDING_TO if according else INDIRECT,
    )
    return Draft(att, m)


def indirect_drafts(ctx: Context, earlier: tuple[Draft, ...]) -> tuple[Draft, ...]:
    """Return an attribution for each unclaimed cue with a source and a reported clause."""
    used = {d.cue_key for d in earlier if d.cue_key is not None}
    taken = Claimed(
        len(ctx.doc.text),
        ((d.attribution.content.start, d.attribution.content.end) for d in earlier),
    )
    out: list[Draft] = []
    for c in (c for cs in ctx.cues for c in cs):
        if (c.sentence, c.cue) in used or not c.content or c.source_head is None:
            continue
        if empty_content(ctx.doc.sentences[c.sentence], c.content):
            continue  # "he said that.": nothing reported
        cspan = span_of(ctx.doc, ctx.doc.sentences[c.sentence], c.content)
        assert cspan is not None
        if taken.overlaps(cspan.start, cspan.end) or _cuts_a_quotation(ctx, cspan):
            continue
        taken.add(cspan.start, cspan.end)
        out.append(_draft(ctx, c, cspan, len(out) + 1))
    return tuple(out)
