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
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from attribution.records import AnalysisWarning, TextSpan, WarningCode

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
    warnings: tuple[AnalysisWarning, ...]


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


#: A headline has at most this many words.
HEADLINE_MAX_WORDS = 20
#: Characters a sentence of running text ends with (a headline ends without one).
SENTENCE_END = ".!?…:;"
_CLOSERS = "\"'”’»)"


def headline(text: str) -> tuple[int, int] | None:
    """Return the range of the article's headline, if it opens with one.

    A headline is the first paragraph when it is one short line (at most
    :data:`HEADLINE_MAX_WORDS` words) with no sentence-final punctuation and
    the article goes on after it ("Teachers say district ignored mold
    complaints" above the story). Headline style drops the final period
    (AP Stylebook, "headlines"), which is what tells it from a lead sentence.
    """
    paras = paragraphs(text)
    if len(paras) < 2:
        return None
    s, e = paras[0]
    line = text[s:e]
    if "\n" in line or len(line.split()) > HEADLINE_MAX_WORDS:
        return None
    if line.rstrip(_CLOSERS)[-1:] in SENTENCE_END:
        return None
    return s, e


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


class _Stack:
    """The open quotations, innermost last, indexed by family and mark.

    Every question the rules ask of it takes constant time, so a flood of
    opening marks costs linear time, not quadratic.
    """

    def __init__(self) -> None:
        self.items: list[_Open] = []
        self.by_family: dict[str, list[int]] = {}
        self.marks: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self.items)

    @property
    def bottom(self) -> _Open:
        return self.items[0]

    @property
    def top_mark(self) -> str:
        """Return the innermost open mark, or "" when none is open."""
        return self.items[-1].mark if self.items else ""

    def has(self, family: str) -> bool:
        return bool(self.by_family.get(family))

    def has_mark(self, mark: str) -> bool:
        return self.marks[mark] > 0

    def push(self, o: _Open) -> None:
        self.by_family.setdefault(o.family, []).append(len(self.items))
        self.marks[o.mark] += 1
        self.items.append(o)

    def innermost(self, family: str) -> int:
        """Return the position of the innermost open quotation of ``family``."""
        return self.by_family[family][-1]

    def pop_from(self, k: int) -> list[_Open]:
        """Remove and return the quotations open from position ``k`` inwards."""
        out = self.items[k:]
        del self.items[k:]
        for o in out:
            self.by_family[o.family].pop()
            self.marks[o.mark] -= 1
        return out


@dataclass(frozen=True, slots=True)
class _Around:
    """What surrounds a quote mark: the characters either side and the quotations open."""

    mark: str
    prev: str
    nxt: str
    stack: _Stack

    @property
    def after_space(self) -> bool:
        return self.prev == "" or self.prev.isspace() or self.prev in "([{—–-/"

    @property
    def before_space(self) -> bool:
        return self.nxt == "" or self.nxt.isspace() or self.nxt in ".,;:!?)]}—–-…"

    @property
    def opens_word(self) -> str:
        """``open`` when a word follows the mark, else ``none``."""
        return "open" if self.nxt and not self.nxt.isspace() else "none"


def _opener(a: _Around) -> str:
    """``, « and ‹ and „ only ever open."""
    return "open"


def _ascii_closer(a: _Around) -> str:
    """'' closes an open double quotation (LaTeX/PTB style)."""
    return "close" if a.stack.has("double") else "none"


def _guillemet_closer(a: _Around) -> str:
    """» and › close the guillemet that opened them."""
    return "close" if a.stack.has(OPENERS["«" if a.mark == "»" else "‹"]) else "none"


def _left_double(a: _Around) -> str:
    """“ opens, except after „ (German) or glued to a word inside a double quotation."""
    if a.stack.top_mark == "„":
        return "close"
    if a.stack.has("double") and not a.after_space and a.before_space:
        return "close"
    return "open"


def _right_double(a: _Around) -> str:
    """” closes; outside a quotation it opens only when glued to the next word."""
    if a.stack.has("double"):
        return "close"
    return "open" if a.after_space and not a.before_space else "none"


def _straight_double(a: _Around) -> str:
    """A straight " closes an open one (or a curly one, in mixed styles), else opens."""
    if a.stack.has_mark('"'):
        return "close"
    if a.stack.has("double") and not a.after_space and (a.before_space or a.nxt in "\"'”’"):
        return "close"  # “mixed styles"
    return a.opens_word


def _left_single(a: _Around) -> str:
    """‘ and ‚ open a single quotation unless glued to a word before them."""
    if a.mark == "‘" and a.stack.top_mark == "‚":
        return "close"
    if _is_word_char(a.prev):
        return "none"
    return a.opens_word


def _right_single(a: _Around) -> str:
    """’ closes a single quotation at a word's end; otherwise it is an apostrophe."""
    closes = not _is_word_char(a.nxt) and bool(a.prev) and not a.prev.isspace()
    return "close" if a.stack.has("single") and closes else "none"


def _straight_single(a: _Around) -> str:
    """' inside a word is an apostrophe; it opens before a word and closes after one."""
    if _is_word_char(a.prev) and _is_word_char(a.nxt):
        return "none"
    if a.stack.has("single") and a.prev and not a.prev.isspace() and not _is_word_char(a.nxt):
        return "close"
    return "open" if a.after_space and _is_word_char(a.nxt) else "none"


_ROLES = {
    "``": _opener,
    "«": _opener,
    "‹": _opener,
    "„": _opener,
    "''": _ascii_closer,
    "»": _guillemet_closer,
    "›": _guillemet_closer,
    "“": _left_double,
    "”": _right_double,
    '"': _straight_double,
    "‘": _left_single,
    "‚": _left_single,
    "’": _right_single,
    "'": _straight_single,
}


def _role(mark: str, prev: str, nxt: str, stack: _Stack) -> str:
    """Return ``open``, ``close`` or ``none`` for ``mark`` between ``prev`` and ``nxt``."""
    rule = _ROLES.get(mark)
    return "none" if rule is None else rule(_Around(mark, prev, nxt, stack))


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


class _Scanner:
    """Pair quote marks paragraph by paragraph; a quotation may run on into the next one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paras = paragraphs(text)
        self.quotes: list[QuoteSpan] = []
        self.warnings: list[AnalysisWarning] = []
        self.stack = _Stack()

    def scan(self) -> QuoteScan:
        for pi, (ps, pe) in enumerate(self.paras):
            self._paragraph(ps, pe)
            if self.stack:
                self._paragraph_end(pi, pe)
        quotes = tuple(q for q in self.quotes if q.content_end > q.content_start)
        return QuoteScan(quotes, tuple(self.warnings))

    def _paragraph(self, ps: int, pe: int) -> None:
        """Read the marks of paragraph ``ps:pe``, opening and closing quotations."""
        text, i = self.text, ps
        if self.stack:
            # A continued quotation: consume the paragraph's opening mark.
            mark = _mark_at(text, ps) if ps < pe else ""
            if mark in OPENERS and OPENERS[mark] == self.stack.bottom.family:
                i += len(mark)
            self.stack.bottom.piece_start = i
        while i < pe:
            if text[i] not in QUOTE_CHARS:
                i += 1
                continue
            mark = _mark_at(text, i)
            if mark != "`":
                prev = text[i - 1] if i > ps else ""
                nxt = text[i + len(mark)] if i + len(mark) < pe else ""
                self._mark(mark, i, _role(mark, prev, nxt, self.stack))
            i += len(mark)

    def _mark(self, mark: str, i: int, role: str) -> None:
        """Open a quotation at ``i``, or close the innermost open one of the mark's family."""
        if role == "open":
            self.stack.push(_Open(mark, OPENERS[mark], i, [], i + len(mark)))
        elif role == "close":
            opened, *inner = self.stack.pop_from(self.stack.innermost(CLOSERS[mark]))
            for o in inner:
                self.warnings.append(_unclosed(o, "unclosed_inner_quote", "inside a quotation"))
            if not self.stack:
                opened.pieces.append((opened.piece_start, i))
                self.quotes.append(_span(self.text, opened, i + len(mark), closed=True))

    def _continues(self, pi: int) -> bool:
        """Tell whether the one open quotation reopens with the next paragraph (news style)."""
        if pi + 1 >= len(self.paras) or len(self.stack) != 1:
            return False
        bottom = self.stack.bottom
        mark = _mark_at(self.text, self.paras[pi + 1][0])
        # The same mark must reopen the next paragraph ('"' then '"', “ then “).
        same = mark == bottom.mark or {mark, bottom.mark} <= {"“", "„", "”"}
        return same and mark in OPENERS and mark not in "'"

    def _paragraph_end(self, pi: int, pe: int) -> None:
        """Carry an open quotation into the next paragraph, or close it here with a warning."""
        bottom = self.stack.bottom
        bottom.pieces.append((bottom.piece_start, pe))
        if self._continues(pi):
            return
        for o in self.stack.pop_from(0)[1:]:
            self.warnings.append(_unclosed(o, "unclosed_inner_quote", "inside a quotation"))
        self.warnings.append(
            _unclosed(bottom, "unclosed_quote", "closed at the end of its paragraph")
        )
        self.quotes.append(_span(self.text, bottom, pe, closed=False))


def find_quotes(text: str) -> QuoteScan:
    """Return every top-level quoted stretch of ``text`` and warnings for unbalanced marks."""
    return _Scanner(text).scan()


def _unclosed(o: _Open, code: WarningCode, where: str) -> AnalysisWarning:
    """Return the warning for quote mark ``o`` that nothing closed."""
    span = TextSpan(o.start, o.start + len(o.mark), o.mark)
    return AnalysisWarning(code, f"unclosed quote mark {o.mark!r}; {where}", span)


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
