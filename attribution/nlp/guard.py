"""Bounds on the work one parse may do, whatever text it is given.

Stanza's tokenizer turns a line with no sentence punctuation (a run of words,
5,000 ``"`` marks) into one sentence, and the dependency parser's tree search
grows much faster than the sentence (a 10,000-character line took 13.6 s,
30,000 did not finish in two minutes). These guards keep a parse roughly
linear in the text's length:

* :func:`tokenizer_view`: the text the tokenizer reads has the same length,
  but a run of more than :data:`MAX_RUN_CHARS` characters without a space is
  broken by a space every :data:`MAX_RUN_CHARS` characters, and a backslash
  before ``"`` is read as a space. Stanza's URL and e-mail patterns rescan such
  runs from every character (quadratic: 10,000 letters took 5.7 s); no word of
  the 925 PolNeAR texts is longer than 87 characters, and none has ``\\"``.
* :func:`segments`: a text of more than :data:`SEGMENT_WORDS` words (a flood of
  marks: one word each) is tokenized in stretches, cut at paragraph breaks
  where it can, so the deadline is checked between them.
* :func:`cut_points`: a sentence of more than :data:`MAX_SENTENCE_WORDS` words is
  cut before tagging and parsing, at the best break available (the end of a
  line, sentence punctuation, a semicolon, a colon or dash, a comma, then any
  word). The cut is reported (:class:`SentenceCut`) and becomes a
  ``long_sentence`` warning.
* :func:`is_mark_run`: a sentence of :data:`MARK_RUN_WORDS` or more words
  with no letter or digit (a flood of quote marks) is not sent to the neural
  tagger and parser: its words are punctuation attached to the first one.

A time budget is checked between the parser's batches: the caller opens
:func:`watch` with its deadline and the parser calls :func:`check`. The
watch is a context variable, so parsers that know nothing of it (test
fakes taking only ``text``) keep working, and concurrent requests on
other threads each see their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

#: Longest sentence (in words) given to the tagger and parser. Parsing a word costs
#: about 1.3x as much in a 200-word sentence as in a 100-word one, 1.6x at 400 words
#: and 4x at 800 (CPU time, one torch thread); the longest sentence of the seed and
#: the 84 PolNeAR dev texts has 97 words.
MAX_SENTENCE_WORDS = 200
#: Longest run of characters without a space that the tokenizer reads as it is.
MAX_RUN_CHARS = 400
#: A sentence this long (in words) made of punctuation and symbols only skips the parser.
MARK_RUN_WORDS = 20
#: Most words (runs of letters and digits, and marks: characters that are neither,
#: nor spaces) in a stretch of text tokenized at once. Stanza post-processes a
#: tokenized stretch in one go, about 15 microseconds a word that no deadline can
#: interrupt; 100,000 characters of news hold about 20,000 words (one stretch, as
#: before), 100,000 quote marks 100,000.
SEGMENT_WORDS = 25_000

#: Break ranks between two tokens, best first (see :func:`break_rank`).
_FINAL = frozenset(".!?…;")
_MEDIUM = frozenset({":", "—", "–", "--", "-", "―"})


class Checker(Protocol):
    """A deadline: ``check`` raises once the time is spent (``attribution.pipeline.Deadline``)."""

    def check(self, stage: str) -> None: ...


@dataclass(frozen=True, slots=True)
class SentenceCut:
    """A sentence the tokenizer found that was cut before parsing: its extent and sizes."""

    start: int
    end: int
    words: int
    pieces: int


@dataclass(slots=True)
class ParseWatch:
    """What one parse must respect (a deadline) and what it reports back (its cuts)."""

    deadline: Checker | None = None
    cuts: list[SentenceCut] = field(default_factory=list)

    def check(self, stage: str = "parse") -> None:
        if self.deadline is not None:
            self.deadline.check(stage)


_CURRENT: ContextVar[ParseWatch | None] = ContextVar("attribution_parse_watch", default=None)


@contextmanager
def watch(deadline: Checker | None = None) -> Iterator[ParseWatch]:
    """Let the parses made inside the block check ``deadline`` and report their cuts."""
    current = ParseWatch(deadline)
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def current() -> ParseWatch | None:
    """Return the watch the running parse reports to, if any."""
    return _CURRENT.get()


def check(stage: str = "parse") -> None:
    """Raise the watch's :class:`~attribution.errors.BudgetExceeded` when its time is spent."""
    w = _CURRENT.get()
    if w is not None:
        w.check(stage)


def tokenizer_view(text: str, max_run: int = MAX_RUN_CHARS) -> str:
    """Return ``text`` as the tokenizer should read it: same length, same offsets.

    Runs of more than ``max_run`` characters other than spaces get a space every
    ``max_run`` characters, and ``\\"`` reads `` "``. Ordinary text is returned
    unchanged (the same object).
    """
    chars: list[str] | None = None
    run = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            run = 0
            continue
        run += 1
        if run > max_run or (ch == "\\" and text.startswith('"', i + 1)):
            if chars is None:
                chars = list(text)
            chars[i] = " "
            run = 0
    return text if chars is None else "".join(chars)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")


def segments(text: str, max_words: int = SEGMENT_WORDS) -> list[tuple[int, int]]:
    """Return the stretches ``text`` is tokenized in: one unless it has many words.

    A stretch ends before it would pass ``max_words`` words (letter and digit
    runs, and marks), at the last break of its second half: a paragraph break
    (where Stanza's tokenizer starts a paragraph anyway), a line break, a
    sentence end, a space, or anywhere.
    """
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while True:
        limit, words, in_word = start, 0, False
        while limit < n:
            ch = text[limit]
            if ch.isalnum():
                words += not in_word
                in_word = True
            else:
                in_word = False
                words += not ch.isspace()
            if words > max_words:
                break
            limit += 1
        if limit >= n:
            out.append((start, n))
            return out
        cut = max(_best_cut(text, start + (limit - start) // 2, limit), start + 1)
        out.append((start, cut))
        start = cut


def _best_cut(text: str, lo: int, hi: int) -> int:
    """Return the offset after the best break in ``text[lo:hi]`` (``hi`` when there is none)."""
    window = text[lo:hi]
    paragraphs = list(_PARAGRAPH_BREAK.finditer(window))
    if paragraphs:
        return lo + paragraphs[-1].end()
    line = window.rfind("\n")
    if line >= 0:
        return lo + line + 1
    sentences = list(_SENTENCE_END.finditer(window))
    if sentences:
        return lo + sentences[-1].end()
    space = max(window.rfind(" "), window.rfind("\t"))
    return lo + space + 1 if space >= 0 else hi


def break_rank(left: str, right_gap: str) -> int:
    """Rank a break after token ``left`` followed by ``right_gap``: 0 (best) to 4 (any word).

    A line break comes first, then sentence punctuation and semicolons, then
    colons and dashes, then commas, then anything else.
    """
    if "\n" in right_gap:
        return 0
    if left and all(c in _FINAL for c in left):
        return 1
    if left in _MEDIUM:
        return 2
    if left == ",":
        return 3
    return 4


def cut_points(words: Sequence[int], ranks: Sequence[int], max_words: int) -> list[int]:
    """Return the token indices where the pieces of an overlong sentence start (none: no cut).

    ``words[i]`` is the number of words of token ``i`` (more than one for a
    contraction); ``ranks[i]`` ranks a break after token ``i``
    (:func:`break_rank`). Each piece has at most ``max_words`` words (a token
    is never split) and at least half that, but the last; a piece ends at the
    best-ranked break in that range, the last one on ties.
    """
    cuts: list[int] = []
    n = len(words)
    start = 0
    remaining = sum(words)
    while remaining > max_words:
        best, best_rank, total, i = -1, 5, 0, start
        while i < n and total + words[i] <= max_words:
            total += words[i]
            if total * 2 >= max_words and ranks[i] <= best_rank:
                best, best_rank = i, ranks[i]
            i += 1
        if best < 0:  # no break past half the limit: end at the last token that fits
            best = max(start, i - 1)
        cut = best + 1
        remaining -= sum(words[start:cut])
        cuts.append(cut)
        start = cut
    return cuts


def is_mark_run(forms: Sequence[str], min_words: int = MARK_RUN_WORDS) -> bool:
    """Tell whether a sentence is a long run of marks: no word holds a letter or digit."""
    return len(forms) >= min_words and not any(c.isalnum() for f in forms for c in f)


def mark_upos(form: str) -> str:
    """Return PUNCT for a word of punctuation characters, SYM for any other mark."""
    return "PUNCT" if all(unicodedata.category(c).startswith("P") for c in form) else "SYM"
