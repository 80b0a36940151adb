"""The learned producer: cues tagged by one CRF, each cue's source and content by another.

Attribution read as semantic role labelling (Pareti 2016; the cue is the
predicate, source and content its arguments): a cue tagger marks cue words
sentence by sentence, then an argument tagger reads a window of sentences
around each cue and marks its source and content, so linking is the parse's
and the model's together (the window features say how each word hangs from
the cue in the dependency tree). Contents may cross sentences.

Combined with the rules (:func:`combine`): a rule attribution whose cue the
model also found keeps its record when it is a quotation linked by a sieve
(the rules' strength), and takes the model's spans otherwise; model cues the
rules missed add attributions stamped ``sieve="model"``; rule attributions
without a cue (speaker labels, continued quotations) stay.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from attribution.extract.common import Context, Draft, Mention
from attribution.learned.features import (
    CueSite,
    DocFeatures,
    Vocab,
    cue_head,
    document_features,
    window_features,
)
from attribution.records import Attribution, AttributionKind, Cue, TextSpan

#: Argument tags: outside, source begin/inside, content begin/inside.
O, B_S, I_S, B_C, I_C = range(5)
#: Sieves whose quotations the rules keep even where the model disagrees.
TRUSTED_SIEVES = frozenset({"speaker_label", "dependency", "bare_cue", "trigram"})
MODEL_SIEVE = "model"


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution the model found: global word indices of its parts."""

    site: CueSite
    cue: tuple[int, ...]
    source: tuple[int, ...]
    content: tuple[int, ...]


def rule_links(
    ctx: Context, drafts: Sequence[Draft], feats: DocFeatures, site: CueSite
) -> dict[int, int]:
    """Map global word indices to 1 (content of the rule attribution with this cue) or 2 (source)."""
    base = feats.sentence_offsets[site.sentence]
    sent = ctx.doc.sentences[site.sentence]
    lo = sent.tokens[site.words[0]].start
    hi = sent.tokens[site.words[-1]].end
    out: dict[int, int] = {}
    for d in drafts:
        cue = d.attribution.cue
        if cue is None or cue.span.end <= lo or cue.span.start >= hi:
            continue
        for span, value in ((d.attribution.content, 1), (d.attribution.source, 2)):
            if span is not None:
                for g in _words_in(ctx, span.start, span.end):
                    out[g] = value
    del base
    return out


def _words_in(ctx: Context, start: int, end: int) -> range:
    w = ctx.where
    return range(bisect.bisect_left(w.word_starts, start), bisect.bisect_left(w.word_starts, end))


def cue_sites(feats: DocFeatures, tags: Sequence[Sequence[int]]) -> list[CueSite]:
    """Turn per-sentence cue tags (0 O, 1 B, 2 I) into cue sites."""
    out: list[CueSite] = []
    for k, row in enumerate(tags):
        words: list[int] = []
        for i, tag in enumerate(row):
            if tag == 1 or (tag == 2 and not words):
                if words:
                    out.append(CueSite(k, tuple(words)))
                words = [i]
            elif tag == 2:
                words.append(i)
            elif words:
                out.append(CueSite(k, tuple(words)))
                words = []
        if words:
            out.append(CueSite(k, tuple(words)))
    return out


def _segments(tags: Sequence[int], begin: int, inside: int) -> list[list[int]]:
    segs: list[list[int]] = []
    for i, t in enumerate(tags):
        if t == begin or (t == inside and (not segs or segs[-1][-1] != i - 1)):
            segs.append([i])
        elif t == inside:
            segs[-1].append(i)
    return segs


def decode_arguments(
    site: CueSite, first: int, base: int, tags: Sequence[int], punct: Sequence[bool]
) -> Found | None:
    """Build one attribution from argument tags; ``None`` when no content was tagged.

    Content pieces are joined when only the cue, the source and punctuation lie
    between them ("X, he said, Y"); otherwise the piece nearest the cue wins.
    The source is the tagged piece nearest the cue.
    """
    cue = tuple(base + i for i in site.words)
    contents = _segments(tags, B_C, I_C)
    if not contents:
        return None
    sources = _segments(tags, B_S, I_S)
    glue = set(cue) | {first + i for s in sources for i in s}
    pieces = [[first + i for i in seg] for seg in contents]
    groups: list[list[int]] = [pieces[0]]
    for seg in pieces[1:]:
        gap = range(groups[-1][-1] + 1, seg[0])
        if all(g in glue or punct[g - first] for g in gap):
            groups[-1] = groups[-1] + list(gap) + seg
        else:
            groups.append(seg)
    near = min(groups, key=lambda grp: _distance(grp, cue))
    content = tuple(g for g in near if g not in glue)
    source: tuple[int, ...] = ()
    if sources:
        seg = min(([first + i for i in s] for s in sources), key=lambda s: _distance(s, cue))
        source = tuple(seg)
    return Found(site, cue, source, content) if content else None


def _distance(words: Sequence[int], cue: Sequence[int]) -> int:
    if words[-1] < cue[0]:
        return cue[0] - words[-1]
    if words[0] > cue[-1]:
        return words[0] - cue[-1]
    return 0


# -- records ---------------------------------------------------------------------------


def _span(ctx: Context, words: Sequence[int]) -> TextSpan:
    toks = ctx.where.words
    start, end = toks[words[0]].start, toks[words[-1]].end
    return TextSpan(start, end, ctx.doc.text[start:end])


def _kind(ctx: Context, found: Found, content: TextSpan) -> AttributionKind:
    toks = ctx.where.words
    lemma = toks[found.cue[0]].lemma.lower()
    if lemma == "according":
        return "according_to"
    inside = [ctx.in_quotation(toks[g]) for g in found.content]
    if inside and all(inside):
        return "direct"
    return "partial" if any(inside) else "indirect"


def _quote_bounds(ctx: Context, content: TextSpan) -> tuple[TextSpan, tuple[TextSpan, ...]]:
    """Widen a content to the marks of a quotation it fills; return it and its quotations."""
    quotes = [q for q in ctx.quotes if q.form == "quotation" and q.end > content.start and q.start < content.end]
    start, end = content.start, content.end
    for q in quotes:
        if q.content_start >= start - 1 and q.start < start:
            start = q.start
        if q.content_end <= end + 1 and q.end > end:
            end = q.end
    inside = tuple(
        TextSpan(q.start, q.end, ctx.doc.text[q.start : q.end])
        for q in quotes
        if q.start >= start and q.end <= end
    )
    return TextSpan(start, end, ctx.doc.text[start:end]), inside


def to_draft(ctx: Context, found: Found, n: int, stances: Mapping[str, str]) -> Draft:
    """Return the draft attribution of a model finding (temporary id ``m<n>``)."""
    toks = ctx.where.words
    content = _span(ctx, found.content)
    kind = _kind(ctx, found, content)
    content, quotes = _quote_bounds(ctx, content)
    sent = ctx.doc.sentences[found.site.sentence]
    head = sent.tokens[cue_head(sent, found.site.words)]
    lemma = "according to" if head.lemma.lower() == "according" else head.lemma.lower()
    stance = stances.get(lemma, "neutral")
    cue = Cue(_span(ctx, found.cue), lemma, stance)  # type: ignore[arg-type]
    mention = None
    source = None
    if found.source:
        source = _span(ctx, found.source)
        src_sent = ctx.sentence_of(toks[found.source[0]])
        offset = toks[found.source[0]].index - found.source[0]
        ids = {g + offset for g in found.source if ctx.sentence_of(toks[g]) is src_sent}
        heads = [i for i in sorted(ids) if src_sent.tokens[i].head not in ids]
        mention = Mention(source, src_sent.index, heads[0] if heads else min(ids))
    att = Attribution(
        id=f"m{n}",
        kind=kind,
        content=content,
        quotes=quotes,
        cue=cue,
        source=source,
        sieve=MODEL_SIEVE,
    )
    return Draft(att, mention)


def replace_spans(rule: Draft, model: Draft) -> Draft:
    """Give a rule draft the model's content and source, keeping its id and cue."""
    att = replace(
        rule.attribution,
        content=model.attribution.content,
        quotes=model.attribution.quotes,
        kind=model.attribution.kind,
        source=model.attribution.source or rule.attribution.source,
        sieve=MODEL_SIEVE,
    )
    return replace(rule, attribution=att, mention=model.mention or rule.mention)


@dataclass(frozen=True, slots=True)
class Policy:
    """How rule and model drafts are merged (chosen on PolNeAR dev, checked on held-out train).

    ``trusted``: sieves whose rule record stands where the model found the same
    cue. ``keep_unmatched``: rule drafts with a cue the model did not find are
    kept when their sieve is in this set (``None``: all). ``overlap``: a model
    draft whose content shares at least this share of an unmatched rule draft's
    content is dropped (the rules already hold it; shares of the longer of the two,
    so a content nested in another is kept).
    """

    trusted: frozenset[str] = TRUSTED_SIEVES
    keep_unmatched: frozenset[str] | None = None
    overlap: float = 0.5


def _overlap(a: TextSpan, b: TextSpan) -> float:
    shared = max(0, min(a.end, b.end) - max(a.start, b.start))
    return shared / max(1, a.end - a.start, b.end - b.start)


def _cue_hit(d: Draft, model: Sequence[Draft], taken: set[int]) -> int | None:
    cue = d.attribution.cue
    if cue is None:
        return None
    for i, m in enumerate(model):
        mc = m.attribution.cue
        if i not in taken and mc is not None:
            if mc.span.start < cue.span.end and cue.span.start < mc.span.end:
                return i
    return None


def combine(
    rules: Sequence[Draft], model: Sequence[Draft], policy: Policy = Policy()
) -> tuple[Draft, ...]:
    """Merge rule drafts and model drafts (see the module docstring and :class:`Policy`)."""
    out: list[Draft] = []
    matched: set[int] = set()
    for d in rules:
        hit = _cue_hit(d, model, matched)
        if hit is None:
            keep = policy.keep_unmatched
            if d.attribution.cue is None or keep is None or d.attribution.sieve in keep:
                out.append(d)
            continue
        matched.add(hit)
        out.append(d if d.attribution.sieve in policy.trusted else replace_spans(d, model[hit]))
    for i, m in enumerate(model):
        if i in matched:
            continue
        if any(_overlap(m.attribution.content, d.attribution.content) >= policy.overlap for d in out):
            continue
        out.append(m)
    return tuple(out)


def document_and_sites(
    ctx: Context, drafts: Sequence[Draft], vocab: Vocab
) -> DocFeatures:
    return document_features(ctx, drafts, vocab)


__all__ = [
    "Found",
    "combine",
    "cue_sites",
    "decode_arguments",
    "rule_links",
    "to_draft",
    "window_features",
]
