"""Recognise quote marks in all their forms (issue 3, part 4).

“ ” ‘ ’ « » „ ‹ › " ' and the ``/'' pairs are quote marks; an apostrophe inside
or at the end of a word (Trump’s, don’t, ’90s) is not. Nothing is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

OPENING = frozenset("“‘«„‹‚")
CLOSING = frozenset("”’»›")
AMBIGUOUS = frozenset("\"'")
QUOTE_CHARS = frozenset("“”‘’«»„‹›‚\"'")
DOUBLE_TICKS = ("``", "''")
QUOTE_RE = re.compile(r"``|''|[“”‘’«»„‹›‚\"']")
APOSTROPHES = frozenset("’'")

QuoteRole = Literal["open", "close", "ambiguous"]


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A quote mark at ``text[start:end]`` and whether it opens or closes."""

    start: int
    end: int
    mark: str
    role: QuoteRole


def is_apostrophe(text: str, pos: int) -> bool:
    """Return True if the ’ or ' at ``pos`` is an apostrophe (Trump’s, don’t, ’90s)."""
    if text[pos] not in APOSTROPHES:
        return False
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if before.isalnum() and after.isalpha():
        return True  # don’t, Trump’s, rock’n’roll
    return after.isdigit() and not before.isalnum()  # ’90s


def _role(text: str, start: int, mark: str) -> QuoteRole:
    """Return whether ``mark`` at ``start`` opens or closes (by glyph, else by neighbours)."""
    if mark == "``":
        return "open"
    if mark in OPENING and mark not in CLOSING:
        return "open"
    if mark in CLOSING and mark not in OPENING:
        return "close"
    before = text[start - 1] if start > 0 else " "
    after_pos = start + len(mark)
    after = text[after_pos] if after_pos < len(text) else " "
    if (before.isspace() or before in "([{—–-") and not after.isspace():
        return "open"
    if after.isspace() or after in ".,;:!?)]}—–-":
        return "close"
    return "ambiguous"


def find_quote_marks(text: str) -> list[QuoteMark]:
    """Return every quote mark of ``text``, apostrophes excluded."""
    out = []
    for m in QUOTE_RE.finditer(text):
        if len(m.group()) == 1 and is_apostrophe(text, m.start()):
            continue
        out.append(QuoteMark(m.start(), m.end(), m.group(), _role(text, m.start(), m.group())))
    return out
