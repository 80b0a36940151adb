"""Run the repair stages in order (issue 3): chars, links, then spacing and glue, segments.

Character fixes always apply (they are safe). The word-level repairs apply
only to a document with strong evidence of damage: several glued "link"
artifacts, or several glued words that pair a frequent function word with a
known word. Clean text comes back identical, with an identity offset map.
"""

from __future__ import annotations

from collections.abc import Sequence

from attribution.records import Repair
from attribution.repair.chars import char_edits
from attribution.repair.glue import find_splits, glue_edits
from attribution.repair.links import find_links, is_link_damaged, link_edits
from attribution.repair.offsets import Edit, OffsetMap
from attribution.repair.result import RepairResult
from attribution.repair.segments import find_segments
from attribution.repair.spacing import spacing_edits

# Glued words with a function word ("hasdecided", "theMoroccans") that mark a document damaged.
MIN_STRONG_SPLITS = 3


def _records(edits: Sequence[Edit], offsets: OffsetMap, original: str) -> list[Repair]:
    """Return the report entries of ``edits`` (edited-text offsets) in submitted offsets."""
    out = []
    for e in edits:
        start, end = offsets.to_original(e.start, e.end)
        out.append(Repair(e.kind, start, end, original[start:end], e.replacement))
    return out


def _apply(
    edits: list[Edit], text: str, offsets: OffsetMap, original: str, report: list[Repair]
) -> tuple[str, OffsetMap]:
    """Apply ``edits`` to ``text``, extend ``report``; return the new text and map."""
    if not edits:
        return text, offsets
    report.extend(_records(edits, offsets, original))
    return offsets.compose(edits, text)


def repair_text(text: str) -> RepairResult:
    """Repair scraped ``text``; return repaired text, offset map, report and segments."""
    report: list[Repair] = []
    offsets = OffsetMap.identity(len(text))
    current, offsets = _apply(char_edits(text), text, offsets, text, report)

    glued, separate = find_links(current)
    link_damaged = is_link_damaged(glued, separate)
    if link_damaged:
        current, offsets = _apply(
            link_edits(current, glued + separate), current, offsets, text, report
        )

    splits = find_splits(current)
    if link_damaged or sum(s.strong for s in splits) >= MIN_STRONG_SPLITS:
        edits = spacing_edits(current) + glue_edits(splits, current)
        if not link_damaged:  # glued "link" tokens are damage of the same document
            edits += link_edits(current, glued)
        current, offsets = _apply(edits, current, offsets, text, report)

    segments = find_segments(current, offsets)
    for seg in segments:
        if not seg.is_text:
            chunk = text[seg.orig_start : seg.orig_end]
            report.append(Repair("segment", seg.orig_start, seg.orig_end, chunk, chunk))
    report.sort(key=lambda r: (r.start, r.end))
    if not report or all(r.kind == "segment" for r in report):
        current = text
    return RepairResult(text, current, offsets, tuple(report), segments)
