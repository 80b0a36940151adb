"""Result records of the repair stage (issue 3, parts 1, 5 and 6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from attribution.records import Repair
from attribution.repair.offsets import OffsetMap

SegmentKind = Literal["text", "heading", "credit"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the repaired text and what it is (running text, heading, credit).

    ``start``/``end`` index the repaired text; ``orig_start``/``orig_end`` the
    submitted text. Segments tile every non-blank line; newlines between lines
    belong to no segment.
    """

    kind: SegmentKind
    start: int
    end: int
    orig_start: int
    orig_end: int

    @property
    def is_text(self) -> bool:
        """Return True for running text (what the parser should read as prose)."""
        return self.kind == "text"


@dataclass(frozen=True, slots=True)
class RepairResult:
    """The repaired text, its offset map to the submitted text, and the repair report."""

    original: str
    text: str
    offsets: OffsetMap
    repairs: tuple[Repair, ...] = ()
    segments: tuple[Segment, ...] = ()

    @property
    def changed(self) -> bool:
        """Return True when the repaired text differs from the submitted text."""
        return self.text != self.original

    @property
    def prose(self) -> tuple[Segment, ...]:
        """Return the running-text segments, in order (what the parser should read)."""
        return tuple(s for s in self.segments if s.is_text)

    @property
    def nlp_text(self) -> str:
        """Return ``text`` with headings and credits blanked out, for the parser.

        Same length and offsets as ``text``: each character of a heading or credit
        becomes a space, newlines stay, so a blanked heading line leaves a blank
        line (a paragraph break) and cannot open a quotation or join a sentence.
        """
        hidden = [s for s in self.segments if not s.is_text]
        if not hidden:
            return self.text
        chars = list(self.text)
        for seg in hidden:
            for i in range(seg.start, seg.end):
                if chars[i] != "\n":
                    chars[i] = " "
        return "".join(chars)

    def original_span(self, start: int, end: int) -> tuple[int, int, str]:
        """Map repaired span ``[start, end)``; return original start, end and text."""
        o_start, o_end = self.offsets.to_original(start, end)
        return o_start, o_end, self.original[o_start:o_end]
