"""Restore missing spaces at punctuation ("society,Islamists", "–a charge") (issue 3, part 3).

Only unambiguous prose patterns: a comma or semicolon between two words, a
dash that opens a word after a space, an opening parenthesis glued to a word
with a word inside, a sentence stop glued to a capitalized word. Chunks that
look like URLs, e-mail addresses, handles or numbers are left alone.
"""

from __future__ import annotations

import re

from attribution.repair.offsets import Edit

LETTERS = r"[^\W\d_]"
# "society,Islamists", "them,and": punctuation between two words of 2+ letters.
COMMA_RE = re.compile(rf"(?<={LETTERS}{LETTERS})[,;](?={LETTERS}{{2}})")
# "–a charge": a dash after a space, glued to the next word.
DASH_RE = re.compile(rf"(?<=\s)[–—](?={LETTERS})")
# "intifada(uprising)": a word glued to a parenthesis that holds a word.
PAREN_RE = re.compile(rf"(?<={LETTERS}{{3}})\((?={LETTERS}{{3,}}[^()\n]{{0,80}}\))")
# "said.The": a lowercase word, a full stop, a capitalized word.
STOP_RE = re.compile(r"(?<=[a-z]{3})[.!?](?=[A-Z][a-z]{2,}\b)(?![A-Za-z]*\.[A-Za-z])")
URLISH_RE = re.compile(r"://|www\.|@|\.(?:com|org|net|gov|edu|co|io)\b|[=/\\]")
CHUNK_RE = re.compile(r"\S+")


def _urlish(text: str, pos: int) -> bool:
    """Return True if the whitespace-delimited chunk around ``pos`` looks like a URL or handle."""
    start = text.rfind(" ", 0, pos) + 1
    nl = text.rfind("\n", 0, pos) + 1
    start = max(start, nl)
    m = CHUNK_RE.match(text, start)
    return m is not None and URLISH_RE.search(m.group()) is not None


def spacing_edits(text: str) -> list[Edit]:
    """Return insertions of the missing spaces at punctuation in ``text``."""
    edits: list[Edit] = []
    for regex in (COMMA_RE, DASH_RE, STOP_RE):
        for m in regex.finditer(text):
            if not _urlish(text, m.start()):
                edits.append(Edit(m.end(), m.end(), " ", "space"))
    for m in PAREN_RE.finditer(text):
        if not _urlish(text, m.start()):
            edits.append(Edit(m.start(), m.start(), " ", "space"))
    return edits
