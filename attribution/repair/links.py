"""Remove the word "link" left behind by scraped hyperlinks (issues 3 and 10).

Glued cases are the evidence: "link" glued after a word ("Moroccolink",
"centralbanklink"), before one ("linkAlgeria", "linkthe") or on both sides
("saidlinkthere"), always where removing it leaves real words. A document
counts as link-damaged only when several are found. Only then are they
removed, with the separate cases ("Israel link Defence") whose context rules
out a real use ("a link between", "rail link", "to link" stay; so do
"hyperlink", "linkage", "Blinken", "LinkedIn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attribution.repair.glue import segment
from attribution.repair.lexicon import word_set, zipf
from attribution.repair.offsets import Edit

LINK = "link"
# "link" (case-sensitive: "LinkedIn" never matches), then the letter run around it.
LINK_RE = re.compile("link")
MAX_TOKEN = 40  # longer letter runs are no word + "link" (and would cost quadratic time)
LETTERS_BEFORE_RE = re.compile(rf"[^\W\d_]{{0,{MAX_TOKEN}}}$")
LETTERS_AFTER_RE = re.compile(rf"[^\W\d_]{{0,{MAX_TOKEN}}}")
WORD_BEFORE_RE = re.compile(r"([^\W\d_]+)[’']?[^\w\s]*(\s+)$")
HYPHENS = frozenset("-‐‑")
CAPITALIZED_END_RE = re.compile(r"^[A-Z]|[a-z][A-Z][a-z]+$")
WORD_AFTER_RE = re.compile(r"^\s+[^\w\s]*([^\W\d_]+)")
# Glued cases needed before a document counts as damaged ("several").
MIN_EVIDENCE = 3
MIN_GLUED = 1
# The word left after removing a glued "link" must be a name or this frequent (Zipf).
BASE_MIN_ZIPF = 2.5
BASE_MIN_LEN = 3
CAPITALIZED_BASE_MIN_LEN = 2
# A word glued after "link" ("linkAlgeria", "linknominee"): "linked", "links" are real.
GLUED_AFTER_MIN_LEN = 4
# A three-letter word glued after "link" must be this frequent ("linkthe", "linktax").
GLUED_AFTER_ZIPF = 4.0
# A glued token this frequent is a real word ("hyperlink", "weblink").
REAL_TOKEN_ZIPF = 1.0
# "link" + a word ("linkup", "linkin", "linkers" are real; "linka" is a rare name).
PREFIX_REAL_TOKEN_ZIPF = 1.5
CONTEXT = 40
BLOCKING = frozenset("-‐‑@#_/\\=&+0123456789")
BLOCKING_BEFORE = BLOCKING | {"."}


@dataclass(frozen=True, slots=True)
class LinkHit:
    """A "link" artifact at ``text[start:end]`` (the four letters) and how it sits."""

    start: int
    end: int
    kind: str  # "suffix" (Moroccolink), "prefix" (linkAlgeria), "both" (saidlinkthere),
    # "separate" (Israel link)


def _is_name_or_word(base: str) -> bool:
    """Return True if ``base`` is a name, a well-known word or glued words ("centralbank")."""
    if base[:1].isupper() and len(base) >= CAPITALIZED_BASE_MIN_LEN:
        return True  # a name, also a glued one ("NewYork") or an acronym
    if not base.islower():
        return False
    if len(base) < BASE_MIN_LEN:
        return base in word_set("short_words")  # "tolink", "alink"
    if zipf(base) >= BASE_MIN_ZIPF:
        return True
    return zipf(base) == 0.0 and segment(base) is not None


def _is_word_after(rest: str) -> bool:
    """Return True if ``rest``, glued after "link", is a word of its own ("Algeria", "the")."""
    if len(rest) >= GLUED_AFTER_MIN_LEN or rest[:1].isupper():
        return _is_name_or_word(rest)  # "linkAlgeria", "linkCEO", "linkVa"
    if len(rest) < BASE_MIN_LEN:
        return rest in word_set("short_words")  # "linka", "linkto"
    return zipf(rest) >= GLUED_AFTER_ZIPF  # "linkthe", "linktax"


def _glued_hit(text: str, start: int, end: int) -> LinkHit | None:
    """Classify the letter run ``text[start:end]`` that contains "link"."""
    token = text[start:end]
    if token == LINK or zipf(token) >= (
        PREFIX_REAL_TOKEN_ZIPF if token.startswith(LINK) else REAL_TOKEN_ZIPF
    ):
        return None
    if (start > 0 and text[start - 1] in BLOCKING_BEFORE) or (
        end < len(text) and text[end] in BLOCKING
    ):
        return None
    if text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum():
        return None  # a domain name
    if token.endswith(LINK) and _is_name_or_word(token[: -len(LINK)]):
        return LinkHit(end - len(LINK), end, "suffix")
    if token.startswith(LINK) and _is_word_after(token[len(LINK) :]):
        return LinkHit(start, start + len(LINK), "prefix")
    at = token.find(LINK, 1)
    while 0 <= at <= len(token) - len(LINK) - 1:
        left, right = token[:at], token[at + len(LINK) :]
        if _is_name_or_word(left) and _is_word_after(right):
            return LinkHit(start + at, start + at + len(LINK), "both")
        at = token.find(LINK, at + 1)
    return None


def _separate_hit(text: str, start: int, end: int) -> LinkHit | None:
    """Return a hit for a standalone "link" after a name, unless its context is a real use."""
    before = WORD_BEFORE_RE.search(text, max(0, start - CONTEXT), start)
    if before is None or "\n" in before.group(2):
        return None
    prev = before.group(1)
    if not CAPITALIZED_END_RE.search(prev) or prev.lower() in word_set("link_real_before"):
        return None
    if _modified_noun(text, before.start(1)):
        return None
    after = WORD_AFTER_RE.match(text[end : end + CONTEXT])
    if after is not None and after.group(1).lower() in word_set("link_real_after"):
        return None
    return LinkHit(start, end, "separate")


def _modified_noun(text: str, name_start: int) -> bool:
    """Return True for "the Morocco-Israel link": a compound modifier, so a real link.

    A determiner before the name ("the Moscow link") is no such sign: anchors of
    scraped hyperlinks are often "the White House", "the Polisario Front".
    """
    return name_start > 0 and text[name_start - 1] in HYPHENS


def _letter_run(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the letter run around ``text[start:end]`` (at most ``MAX_TOKEN`` each side)."""
    before = LETTERS_BEFORE_RE.search(text, max(0, start - MAX_TOKEN - 1), start)
    after = LETTERS_AFTER_RE.match(text, end)
    new_start = before.start() if before else start
    new_end = after.end() if after else end
    return new_start, new_end


def find_links(text: str) -> tuple[list[LinkHit], list[LinkHit]]:
    """Return (glued, separate) "link" candidates in ``text``."""
    glued: list[LinkHit] = []
    separate: list[LinkHit] = []
    last_end = -1
    for m in LINK_RE.finditer(text):
        if m.start() < last_end:
            continue
        start, end = _letter_run(text, m.start(), m.end())
        last_end = end
        if end - start > MAX_TOKEN:
            continue
        if end - start == len(LINK):
            hit = _separate_hit(text, start, end)
            if hit is not None:
                separate.append(hit)
        else:
            hit = _glued_hit(text, start, end)
            if hit is not None:
                glued.append(hit)
    return glued, separate


def is_link_damaged(glued: list[LinkHit], separate: list[LinkHit]) -> bool:
    """Return True on strong evidence: several "link" artifacts, some of them glued."""
    return len(glued) >= MIN_GLUED and len(glued) + len(separate) >= MIN_EVIDENCE


def link_edits(text: str, hits: list[LinkHit]) -> list[Edit]:
    """Return the edits removing each hit (a separate one takes one adjacent space; one
    glued on both sides leaves a space between the words)."""
    edits = []
    for h in hits:
        start, end = h.start, h.end
        if h.kind == "both":
            edits.append(Edit(start, end, " ", "link"))
            continue
        if h.kind == "separate":
            if end < len(text) and text[end] == " ":
                end += 1
            elif start > 0 and text[start - 1] == " ":
                start -= 1
        edits.append(Edit(start, end, "", "link"))
    return edits
