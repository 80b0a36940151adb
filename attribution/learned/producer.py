"""The learned producer: cues tagged by one CRF, each cue's source and content by another.

Attribution read as semantic role labelling (Pareti 2016; the cue is the
predicate, source and content its arguments): a cue tagger marks cue words
sentence by sentence, then an argument head reads a window of sentences
around each cue and marks its source and content, so linking is the parse's
and the model's together (the window features say how each word hangs from
the cue in the dependency tree). Contents may cross sentences. The findings
become drafts, merged with the rules', in :mod:`attribution.extract.learned`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from attribution.extract.common import Context, Draft
from attribution.extract.learned import Found
from attribution.learned.features import CueSite, DocFeatures

#: Argument tags: outside, source begin/inside, content begin/inside.
OUTSIDE, B_S, I_S, B_C, I_C = range(5)


def rule_links(
    ctx: Context, drafts: Sequence[Draft], feats: DocFeatures, site: CueSite
) -> dict[int, int]:
    """Map global word indices to 1 (content of the rule attribution with this cue), 2 (source)."""
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
    kept = [[g for g in grp if g not in glue] for grp in groups]
    kept = [grp for grp in kept if grp]
    if not kept:
        return None
    content = tuple(min(kept, key=lambda grp: _distance(tuple(grp), cue)))
    source: tuple[int, ...] = ()
    if sources:
        seg = min(([first + i for i in s] for s in sources), key=lambda s: _distance(s, cue))
        source = tuple(seg)
    return Found(site.sentence, site.words, cue, source, content) if content else None


def _distance(words: Sequence[int], cue: Sequence[int]) -> int:
    if words[-1] < cue[0]:
        return cue[0] - words[-1]
    if words[0] > cue[-1]:
        return words[0] - cue[-1]
    return 0


__all__ = ["cue_sites", "decode_arguments", "rule_links"]
