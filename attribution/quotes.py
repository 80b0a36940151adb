"""Find quoted stretches in raw text, character by character (no parse needed).

Quote marks are paired by family (double, single, guillemet, PTB backticks)
with a stack, so a single quote nested in a double one stays inside it. An
apostrophe (``don’t``, ``Trump’s``, ``students’``) is told apart from a closing
single quote by its neighbours. News convention lets a quotation run over
several paragraphs: a paragraph that opens a quote without closing it, followed
by a paragraph that opens again with the same kind of mark, continues the same
quotation (Chicago Manual of Style 13.30). Any other unclosed mark is closed at
the end of its paragraph with a warning; unbalanced marks never raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuoteForm = Literal["quotation", "phrase", "title"]

#: Opening marks and the family they belong to.
OPENERS: dict[str, str] = {
    "“": "double",
    "„": "double",
    "”": "double",
    '"': "double",
    "``": "double",
    "«": "guillemet",
    "‹": "single_guillemet",
    "‘": "single",
    "‚": "single",
    "'": "single",
}
#: Closing marks and their family.
CLOSERS: dict[str, str] = {
    "”": "double",
    "“": "double",
    '"': "double",
    "''": "double",
    "»": "guillemet",
    "›": "single_guillemet",
    "’": "single",
    "‘": "single",
    "'": "single",
}
QUOTE_CHARS = frozenset("“”„\"«»‹›‘’‚'`")

#: A quotation this long (in words) is taken as speech, not a scare quote.
MIN_QUOTATION_WORDS = 5

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
#: An empty line (a blanked heading, all spaces, does not count).
_EMPTY_LINE = re.compile(r"\n\r?\n")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """One quoted stretch: marks included in ``start``/``end``, excluded in ``pieces``.

    ``pieces`` holds the content inside the marks, one range per paragraph when
    the quotation runs over several paragraphs.
    """

    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]
    mark: str
    closed: bool
    form: QuoteForm

    @property
    def content_start(self) -> int:
        return self.pieces[0][0]

    @property
    def content_end(self) -> int:
        return self.pieces[-1][1]

    def text(self, doc: str) -> str:
        """Return the quoted words (inside the marks) of ``doc``."""
        return doc[self.content_start : self.content_end]


@dataclass(frozen=True, slots=True)
class QuoteScan:
    """The quotes found in a text and the warnings about unbalanced marks."""

    quotes: tuple[QuoteSpan, ...]
    warnings: tuple[str, ...]


def paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """Split ``text`` into paragraph ranges.

    Blank lines separate paragraphs when the text has empty ones; otherwise
    every line break does (one paragraph per line, as scraped pages come).
    """
    sep = _BLANK_LINE if _EMPTY_LINE.search(text.strip()) else re.compile(r"\n")
    out: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return tuple((s, e) for s, e in (_strip(text, s, e) for s, e in out) if e > s)


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _mark_at(text: str, i: int) -> str:
    if text.startswith("``", i):
        return "``"
    if text.startswith("''", i):
        return "''"
    return text[i]


@dataclass(slots=True)
class _Open:
    mark: str
    family: str
    start: int
    pieces: list[tuple[int, int]]
    piece_start: int


def _role(mark: str, prev: str, nxt: str, stack: list[_Open]) -> str:
    """Return ``open``, ``close`` or ``none`` for ``mark`` between ``prev`` and ``nxt``."""
    families = [o.family for o in stack]
    after_space = prev == "" or prev.isspace() or prev in "([{—–-/"
    before_space = nxt == "" or nxt.isspace() or nxt in ".,;:!?)]}—–-…"
    if mark in ("``",):
        return "open"
    if mark == "''":
        return "close" if "double" in families else "none"
    if mark in "«‹":
        return "open"
    if mark in "»›":
        return "close" if OPENERS.get("«" if mark == "»" else "‹") in families else "none"
    if mark == "„":
        return "open"
    if mark == "“":
        if stack and stack[-1].mark == "„":
            return "close"
        if "double" in families and not after_space and before_space:
            return "close"
        return "open"
    if mark == "”":
        if "double" in families:
            return "close"
        return "open" if after_space and not before_space else "none"
    if mark == '"':
        if any(o.mark == '"' for o in stack):
            return "close"
        if "double" in families and not after_space and (before_space or nxt in "\"'”’"):
            return "close"  # “mixed styles"
        return "open" if nxt and not nxt.isspace() else "none"
    if mark in "‘‚":
        if mark == "‘" and stack and stack[-1].mark == "‚":
            return "close"
        if _is_word_char(prev):
            return "none"
        return "open" if nxt and not nxt.isspace() else "none"
    if mark == "’":
        if "single" in families and not _is_word_char(nxt) and prev and not prev.isspace():
            return "close"
        return "none"
    if mark == "'":
        if _is_word_char(prev) and _is_word_char(nxt):
            return "none"
        if "single" in families and prev and not prev.isspace() and not _is_word_char(nxt):
            return "close"
        if after_space and _is_word_char(nxt):
            return "open"
        return "none"
    return "none"


def _form(text: str, s: int, e: int) -> QuoteForm:
    """Tell a quotation from a short phrase (scare quote, coinage) and a title."""
    body = text[s:e]
    words = _WORD.findall(body)
    if len(words) >= MIN_QUOTATION_WORDS or re.search(r"[.!?]\W*$", body.strip()):
        return "quotation"
    small = {"of", "the", "a", "an", "and", "in", "on", "to", "for", "at", "with", "or"}
    content = [w for w in words if w.lower() not in small]
    if len(words) >= 2 and content and all(w[:1].isupper() for w in content):
        return "title"
    return "phrase"


def find_quotes(text: str) -> QuoteScan:
    """Return every top-level quoted stretch of ``text`` and warnings for unbalanced marks."""
    quotes: list[QuoteSpan] = []
    warnings: list[str] = []
    paras = paragraphs(text)
    stack: list[_Open] = []
    for pi, (ps, pe) in enumerate(paras):
        i = ps
        if stack:
            # A continued quotation: consume the paragraph's opening mark.
            j = ps
            mark = _mark_at(text, j) if j < pe else ""
            if mark in OPENERS and OPENERS[mark] == stack[0].family:
                j += len(mark)
            stack[0].piece_start = j
            i = j
        while i < pe:
            c = text[i]
            if c not in QUOTE_CHARS:
                i += 1
                continue
            mark = _mark_at(text, i)
            if mark == "`":
                i += 1
                continue
            prev = text[i - 1] if i > ps else ""
            nxt = text[i + len(mark)] if i + len(mark) < pe else ""
            role = _role(mark, prev, nxt, stack)
            if role == "open":
                stack.append(_Open(mark, OPENERS[mark], i, [], i + len(mark)))
            elif role == "close":
                fam = CLOSERS[mark]
                k = max(n for n, o in enumerate(stack) if o.family == fam)
                for inner in stack[k + 1 :]:
                    warnings.append(
                        f"unclosed quote mark {inner.mark!r} at offset {inner.start} "
                        f"inside a quotation"
                    )
                opened = stack[k]
                del stack[k:]
                if not stack:
                    opened.pieces.append((opened.piece_start, i))
                    quotes.append(_span(text, opened, i + len(mark), closed=True))
            i += len(mark)
        if stack:
            nxt_para = paras[pi + 1] if pi + 1 < len(paras) else None
            bottom = stack[0]
            cont = False
            if nxt_para is not None and len(stack) == 1:
                mark = _mark_at(text, nxt_para[0])
                # The same mark must reopen the next paragraph ('"' then '"', “ then “).
                same = mark == bottom.mark or {mark, bottom.mark} <= {"“", "„", "”"}
                cont = same and mark in OPENERS and mark not in "'"
            if cont:
                bottom.pieces.append((bottom.piece_start, pe))
                continue
            for o in stack[1:]:
                warnings.append(f"unclosed quote mark {o.mark!r} at offset {o.start}")
            warnings.append(
                f"unclosed quote mark {bottom.mark!r} at offset {bottom.start}; "
                f"closed at the end of its paragraph"
            )
            bottom.pieces.append((bottom.piece_start, pe))
            quotes.append(_span(text, bottom, pe, closed=False))
            stack = []
    return QuoteScan(tuple(q for q in quotes if q.content_end > q.content_start), tuple(warnings))


def _span(text: str, o: _Open, end: int, *, closed: bool) -> QuoteSpan:
    pieces = tuple(_strip(text, s, e) for s, e in o.pieces)
    pieces = tuple(p for p in pieces if p[1] > p[0]) or ((o.piece_start, o.piece_start),)
    return QuoteSpan(
        start=o.start,
        end=end,
        pieces=pieces,
        mark=o.mark,
        closed=closed,
        form=_form(text, pieces[0][0], pieces[-1][1]),
    )
