"""Mark the segments that are not running text: headings and credits (issue 3, part 5).

Every non-blank line becomes one or more segments: a heading line, a credit
line, or running text with an optional credit head (dateline) and credit tail
("-APP/AFP"). The engine parses text segments only, so no quotation opens in
a heading and runs on into the article, and no credit is glued to a sentence.
"""

from __future__ import annotations

import re
from functools import cache

from attribution.repair.offsets import OffsetMap
from attribution.repair.result import Segment, SegmentKind
from attribution.resources import load_yaml

SEGMENTS_FILE = "repair_segments.yaml"
LINE_RE = re.compile(r"[^\n]+")


@cache
def _patterns(name: str) -> re.Pattern[str]:
    """Compile the alternatives of pattern list ``name`` into one regex."""
    alternatives = load_yaml(SEGMENTS_FILE)[name]
    return re.compile("|".join(f"(?:{p})" for p in alternatives))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``[start, end)`` without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_segments(text: str, start: int, end: int) -> list[tuple[SegmentKind, int, int]]:
    """Return the segments of the line ``text[start:end]`` in repaired offsets."""
    line = text[start:end]
    if _patterns("heading_line").match(line):
        return [("heading", start, end)]
    if _patterns("credit_line").match(line):
        return [("credit", start, end)]
    out: list[tuple[SegmentKind, int, int]] = []
    body_start, body_end = start, end
    head = _patterns("credit_head").match(line)
    if head and head.end() < len(line):
        out.append(("credit", start, start + head.end()))
        body_start = start + head.end()
    tail = _patterns("credit_tail").search(text, body_start, end)
    if tail:
        body_end = tail.start()
    out.append(("text", body_start, body_end))
    if tail:
        out.append(("credit", tail.start(), end))
    return out


def find_segments(text: str, offsets: OffsetMap) -> tuple[Segment, ...]:
    """Return the segments of every non-blank line of the repaired ``text``."""
    segments: list[Segment] = []
    for m in LINE_RE.finditer(text):
        for kind, s, e in _line_segments(text, m.start(), m.end()):
            s, e = _strip(text, s, e)
            if e > s:
                o_start, o_end = offsets.to_original(s, e)
                segments.append(Segment(kind, s, e, o_start, o_end))
    return tuple(segments)
