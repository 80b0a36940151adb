"""Typed, immutable views of a parsed article shared by every pipeline stage.

Offsets are Unicode code points, end exclusive. ``Token.start``/``Token.end``
index the *repaired* text that was parsed; the repair stage's offset map turns
them into offsets in the text the user submitted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Token:
    """One syntactic word of a sentence (UD word, after MWT expansion).

    ``index`` is 0-based within the sentence; ``head`` is the 0-based index of
    the governor, or -1 for the root. Conversion from Stanza's 1-based ids
    happens once, in :mod:`attribution.nlp.convert`.
    """

    index: int
    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int
    deprel: str
    start: int
    end: int

    @property
    def is_root(self) -> bool:
        return self.head < 0

    @property
    def base_deprel(self) -> str:
        """Return the relation without its subtype (``nsubj:pass`` -> ``nsubj``)."""
        return self.deprel.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its words in order and its character extent."""

    index: int
    tokens: tuple[Token, ...]
    start: int
    end: int

    def children(self, i: int) -> tuple[Token, ...]:
        """Return the dependents of word ``i`` in surface order."""
        return tuple(t for t in self.tokens if t.head == i)

    def root(self) -> Token | None:
        for t in self.tokens:
            if t.head < 0:
                return t
        return None

    def subtree(self, i: int) -> tuple[Token, ...]:
        """Return word ``i`` and everything it dominates, in surface order."""
        keep = {i}
        changed = True
        while changed:
            changed = False
            for t in self.tokens:
                if t.index not in keep and t.head in keep:
                    keep.add(t.index)
                    changed = True
        return tuple(t for t in self.tokens if t.index in keep)

    def ancestors(self, i: int) -> tuple[Token, ...]:
        """Return the governors of word ``i`` from its head up to the root."""
        out: list[Token] = []
        seen = {i}
        h = self.tokens[i].head
        while h >= 0 and h not in seen:
            seen.add(h)
            out.append(self.tokens[h])
            h = self.tokens[h].head
        return tuple(out)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """The parse of one text: the text itself and its sentences."""

    text: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s.start for s in self.sentences))

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(t for s in self.sentences for t in s.tokens)

    def sentence_at(self, offset: int) -> Sentence | None:
        """Return the sentence whose extent holds ``offset`` (or the last one before it)."""
        k = bisect.bisect_right(self._starts, offset) - 1
        return self.sentences[k] if k >= 0 else None

    def sentences_over(self, start: int, end: int) -> tuple[Sentence, ...]:
        """Return the sentences overlapping ``start:end``, by bisection (sentences in order)."""
        lo = max(0, bisect.bisect_right(self._starts, start) - 1)
        hi = bisect.bisect_left(self._starts, end)
        return tuple(s for s in self.sentences[lo:hi] if s.end > start and s.start < end)
