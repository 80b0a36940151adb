"""Offset map between repaired text and the text as submitted (issue 3, part 1).

The map is a sorted list of *pieces*. A piece covers ``[rep_start, rep_end)`` of
the repaired text and ``[orig_start, orig_end)`` of the original. A *copy* piece
maps character for character; a *replaced* piece (an entity decoded, a run
re-encoded, a space inserted) maps every character to the whole original range.
Deletions are pieces with an empty repaired range, so no repaired span can ever
reach into removed material.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from attribution.records import RepairKind


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement``; offsets into the edited text."""

    start: int
    end: int
    replacement: str
    kind: RepairKind = "char"
    trim: bool = True  # map the common prefix/suffix of old and new text exactly


@dataclass(frozen=True, slots=True)
class Piece:
    """One stretch of the map (see module docstring)."""

    rep_start: int
    rep_end: int
    orig_start: int
    orig_end: int
    copy: bool


@dataclass(frozen=True, slots=True, eq=False)
class OffsetMap:
    """Map spans of the repaired text to spans of the submitted text."""

    pieces: tuple[Piece, ...]
    original_length: int
    repaired_length: int
    visible: tuple[Piece, ...]
    rep_starts: tuple[int, ...]
    covering: tuple[Piece, ...]
    orig_starts: tuple[int, ...]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """Return the map of an unchanged text of ``length`` characters."""
        return cls.from_pieces([Piece(0, length, 0, length, True)] if length else [], length)

    @classmethod
    def from_pieces(cls, pieces: Sequence[Piece], original_length: int) -> OffsetMap:
        """Build a map from ordered pieces, merging adjacent copy pieces."""
        merged = _merge(pieces)
        visible = tuple(p for p in merged if p.rep_end > p.rep_start)
        covering = tuple(p for p in merged if p.orig_end > p.orig_start)
        repaired_length = merged[-1].rep_end if merged else 0
        return cls(
            tuple(merged),
            original_length,
            repaired_length,
            visible,
            tuple(p.rep_start for p in visible),
            covering,
            tuple(p.orig_start for p in covering),
        )

    @property
    def is_identity(self) -> bool:
        """Return True when the repaired text is the original, character for character."""
        if self.original_length != self.repaired_length:
            return False
        return all(p.copy and p.rep_start == p.orig_start for p in self.pieces)

    def _piece_at(self, pos: int) -> Piece | None:
        """Return the visible piece holding repaired character ``pos``."""
        visible = self.visible
        idx = bisect_right(self.rep_starts, pos) - 1
        if idx < 0 or idx >= len(visible):
            return None
        piece = visible[idx]
        return piece if pos < piece.rep_end else None

    def position(self, pos: int) -> int:
        """Map a boundary position of the repaired text to the original."""
        if pos >= self.repaired_length:  # the end: after the last kept character
            return self.visible[-1].orig_end if self.visible else 0
        piece = self._piece_at(max(pos, 0))
        if piece is None:
            return 0
        if piece.copy:
            return piece.orig_start + (pos - piece.rep_start)
        return piece.orig_start

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map repaired span ``[start, end)`` to the submitted text.

        A span inside inserted material maps to the empty range at the insertion
        point; a span ending just before removed material stops before it.
        """
        if self.is_identity_fast:
            return start, end
        if end <= start:
            pos = self.position(start)
            return pos, pos
        first = self._piece_at(start)
        last = self._piece_at(end - 1)
        if first is None or last is None:
            return self.position(start), self.position(end)
        if first.copy:
            orig_start = first.orig_start + (start - first.rep_start)
        else:
            orig_start = first.orig_start
        if last.copy:
            orig_end = last.orig_start + (end - last.rep_start)
        else:
            orig_end = last.orig_end
        return orig_start, max(orig_start, orig_end)

    def to_repaired(self, start: int, end: int) -> tuple[int, int]:
        """Map original span ``[start, end)`` to the repaired text (widening replaced pieces)."""
        if self.is_identity_fast:
            return start, end
        return self._rep_position(start, left=True), self._rep_position(end, left=False)

    def _rep_position(self, pos: int, *, left: bool) -> int:
        """Map original boundary ``pos``; ``left`` for a span start, else for a span end."""
        covering = self.covering
        if not covering:
            return 0 if left else self.repaired_length
        if pos >= self.original_length:
            return covering[-1].rep_end
        if pos <= 0:
            return covering[0].rep_start
        if left:
            idx = bisect_right(self.orig_starts, pos) - 1
        else:
            idx = bisect_left(self.orig_starts, pos) - 1
        piece = covering[idx]
        if piece.copy:
            return piece.rep_start + (pos - piece.orig_start)
        return piece.rep_start if left else piece.rep_end

    @property
    def is_identity_fast(self) -> bool:
        """Return True for the single-copy-piece identity map (cheap check)."""
        return (
            len(self.pieces) <= 1
            and self.original_length == self.repaired_length
            and (not self.pieces or self.pieces[0].copy)
        )

    def compose(self, edits: Iterable[Edit], text: str) -> tuple[str, OffsetMap]:
        """Apply ``edits`` (offsets into ``text``, the current repaired text); return both."""
        new_text, local = apply_edits(text, edits)
        if self.is_identity_fast:
            return new_text, OffsetMap.from_pieces(local, self.original_length)
        pieces: list[Piece] = []
        for lp in local:
            if lp.copy:
                pieces.extend(self._slice(lp))
            else:
                if lp.orig_end > lp.orig_start:
                    os_, oe = self.to_original(lp.orig_start, lp.orig_end)
                else:
                    os_ = oe = self.position(lp.orig_start)
                pieces.append(Piece(lp.rep_start, lp.rep_end, os_, oe, False))
        return new_text, OffsetMap.from_pieces(pieces, self.original_length)

    def _slice(self, lp: Piece) -> list[Piece]:
        """Return the pieces of ``self`` behind copied intermediate range of ``lp``."""
        out: list[Piece] = []
        a, b = lp.orig_start, lp.orig_end  # intermediate coordinates
        shift = lp.rep_start - a
        visible = self.visible
        idx = max(bisect_right(self.rep_starts, a) - 1, 0)
        while idx < len(visible) and visible[idx].rep_start < b:
            p = visible[idx]
            lo, hi = max(a, p.rep_start), min(b, p.rep_end)
            if hi > lo:
                if p.copy:
                    off = p.orig_start - p.rep_start
                    out.append(Piece(lo + shift, hi + shift, lo + off, hi + off, True))
                else:
                    out.append(Piece(lo + shift, hi + shift, p.orig_start, p.orig_end, False))
            idx += 1
        return out


def _merge(pieces: Sequence[Piece]) -> list[Piece]:
    """Merge contiguous copy pieces with the same shift."""
    out: list[Piece] = []
    for p in pieces:
        if p.rep_end == p.rep_start and p.orig_end == p.orig_start:
            continue
        if out:
            q = out[-1]
            if q.copy and p.copy and q.rep_end == p.rep_start and q.orig_end == p.orig_start:
                out[-1] = Piece(q.rep_start, p.rep_end, q.orig_start, p.orig_end, True)
                continue
        out.append(p)
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, list[Piece]]:
    """Apply non-overlapping ``edits`` to ``text``; return new text and its pieces.

    Piece original ranges here are offsets into ``text`` (the input of this step).
    The common prefix and suffix of an edit's old and new text stay copy pieces,
    and an equal-length middle maps character for character, so a split or a
    one-for-one character fix keeps exact offsets.
    """
    parts: list[str] = []
    pieces: list[Piece] = []
    cursor = 0
    limit = 0
    rep = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < limit:
            continue  # overlapping edit: the first one wins
        limit = e.end
        old = text[e.start : e.end]
        new = e.replacement
        pre = _common_prefix(old, new) if e.trim else 0
        suf = _common_suffix(old[pre:], new[pre:]) if e.trim else 0
        start, end = e.start + pre, e.end - suf
        middle = new[pre : len(new) - suf]
        if start > cursor:
            n = start - cursor
            parts.append(text[cursor:start])
            pieces.append(Piece(rep, rep + n, cursor, start, True))
            rep += n
        parts.append(middle)
        n = len(middle)
        pieces.append(Piece(rep, rep + n, start, end, n == end - start))
        rep += n
        cursor = end
    if cursor < len(text):
        n = len(text) - cursor
        parts.append(text[cursor:])
        pieces.append(Piece(rep, rep + n, cursor, len(text), True))
    return "".join(parts), pieces


def _common_prefix(a: str, b: str) -> int:
    """Return the length of the common prefix of ``a`` and ``b``."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    """Return the length of the common suffix of ``a`` and ``b``."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i
