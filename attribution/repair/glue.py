"""Split glued words ("cooperationbetween", "USpresident", "theMoroccans") (issue 3, part 3).

A token is split only when it is unknown or rare to the word-frequency model
and splits into two words the model knows well; case boundaries restrict where
a mixed-case token may split. Names the model does not know, mixed-case brands
it knows, prefixed words and compounds with a word-forming second part stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attribution.repair.lexicon import word_set, zipf
from attribution.repair.offsets import Edit

# A token is a maximal run of letters; its neighbours decide whether it is prose.
TOKEN_RE = re.compile(r"[^\W\d_]+")
# Characters next to a token that mark it as part of a handle, URL, number or compound.
BLOCKING_BEFORE = frozenset("-‐‑@#_/\\.=&+'’`0123456789")
BLOCKING_AFTER = frozenset("-‐‑@_/\\=&+0123456789")
LINK_WORD = "link"
MIN_TOKEN = 3
MIN_MIXED_TOKEN = 5
MAX_TOKEN = 45  # longer letter runs are no glued pair of words (and cost quadratic time)
# A glued token must be unknown or at most this frequent (Zipf) to be split; a
# known one ("ofthe", "inthe" occur in web text) must also lose by SPLIT_MARGIN.
RARE_ZIPF = 3.5
# The split must beat the glued form by this many orders of magnitude (unigram model).
SPLIT_MARGIN = 1.5
ZIPF_OFFSET = 9.0
# Frequency a part needs, by length (shorter parts need to be more frequent).
PART_ZIPF_SHORT = 4.0  # 3 letters
PART_ZIPF_MID = 3.0  # 4-6 letters
PART_ZIPF_LONG = 2.0  # 7+ letters
PART_ZIPF_RARE_LONG = 1.0  # 7+ letters next to a function word
FUNCTION_ZIPF = 5.5
# A right part this frequent ("the", "his") is no derivation base: "inthe" is no prefixed word.
NO_BASE_ZIPF = 6.0
LONG_PART = 7
# Capitalized token split into capitalized word + lowercase word ("Universityprofessor").
CAP_LEFT_MIN = 4
CAP_RIGHT_MIN = 5
CAP_PART_ZIPF = 3.0
# Capitalized word glued to a function word ("Trumphas"): the name must be frequent.
CAP_FUNCTION_LEFT_ZIPF = 4.0
# Capitalized function word glued to a word ("Butthis"): the word must be this frequent.
CAP_FUNCTION_RIGHT_ZIPF = 4.0
# Lowercase left part glued to a capitalized word ("theMoroccans", "butRabat").
CAMEL_LEFT_ZIPF = 4.5
CAMEL_RIGHT_MIN = 3
ACRONYM_MAX = 4
ACRONYM_ZIPF = 3.5
# A lone "a" glues only to a real word of at least this length and frequency.
ARTICLE_RIGHT_MIN = 5
ARTICLE_RIGHT_ZIPF = 3.0


@dataclass(frozen=True, slots=True)
class Split:
    """A proposed split of ``text[start:end]`` at ``start + cut``."""

    start: int
    end: int
    cut: int
    kind: str  # "lower", "cap", "camel", "acronym"
    strong: bool  # plain lowercase glue with a function word: evidence of damage

    def edit(self, text: str) -> Edit:
        """Return the edit replacing the token by its two words."""
        token = text[self.start : self.end]
        return Edit(self.start, self.end, token[: self.cut] + " " + token[self.cut :], "split")


def _part_ok(part: str, other: str) -> bool:
    """Return True if ``part`` is a word the model knows well enough to stand alone."""
    low = part.lower()
    n = len(low)
    if n <= 2:
        return low in word_set("short_words")
    z = zipf(low)
    if n == 3:
        return z >= PART_ZIPF_SHORT
    if n < LONG_PART:
        return z >= PART_ZIPF_MID
    if z >= PART_ZIPF_LONG:
        return True
    return z >= PART_ZIPF_RARE_LONG and zipf(other) >= FUNCTION_ZIPF


def _lower_split(token: str) -> tuple[int, bool] | None:
    """Return (cut, strong) for the best split of an all-lowercase token, if any."""
    best: tuple[float, int] | None = None
    for cut in range(1, len(token)):
        left, right = token[:cut], token[cut:]
        if len(left) == 1 and (
            left != "a" or len(right) < ARTICLE_RIGHT_MIN or zipf(right) < ARTICLE_RIGHT_ZIPF
        ):
            continue
        if len(right) == 1 and (right != "a" or zipf(left) < FUNCTION_ZIPF):
            continue
        if left in word_set("prefixes") and zipf(right) < NO_BASE_ZIPF:
            continue
        if right in word_set("suffix_words"):
            continue
        if not (_part_ok(left, right) and _part_ok(right, left)):
            continue
        score = zipf(left) + zipf(right)
        if best is None or score > best[0]:
            best = (score, cut)
    if best is None:
        return None
    score, cut = best
    if not _far_more_probable(score, token):
        return None
    left, right = token[:cut], token[cut:]
    strong = max(zipf(left), zipf(right)) >= FUNCTION_ZIPF
    return cut, strong


def _far_more_probable(split_zipf_sum: float, token: str) -> bool:
    """Return True if the two-word reading beats the glued token by ``SPLIT_MARGIN``.

    Under a unigram model log10 P(a b) = zipf(a) + zipf(b) - 18 and log10 P(w) =
    zipf(w) - 9. An unknown token has no mass in the model (its spelling-model
    probability is far below any pair of known words), so it always loses.
    """
    glued = zipf(token)
    if glued == 0.0:
        return True
    return split_zipf_sum - 2 * ZIPF_OFFSET >= glued - ZIPF_OFFSET + SPLIT_MARGIN


def _is_function_word(word: str, name: str) -> bool:
    """Return True if ``word`` is a frequent function word and ``name`` a frequent name."""
    if zipf(name) < CAP_FUNCTION_LEFT_ZIPF:
        return False
    if len(word) <= 2:
        return word in word_set("short_words")
    return zipf(word) >= FUNCTION_ZIPF


def _capitalized_function_cut(token: str) -> int | None:
    """Return the cut of "Butthis", "Thepresident": a sentence-initial function word glued."""
    for cut in range(2, CAP_LEFT_MIN):
        left, right = token[:cut], token[cut:]
        if left.lower() in word_set("prefixes") or zipf(left) < NO_BASE_ZIPF:
            continue
        if zipf(right) >= CAP_FUNCTION_RIGHT_ZIPF and _part_ok(right, left):
            return cut
    return None


def _cap_split(token: str) -> int | None:
    """Return the cut of a capitalized token glued to a lowercase word, if any."""
    best: tuple[float, int] | None = None
    cut = _capitalized_function_cut(token)
    if cut is not None:
        best = (zipf(token[:cut]) + zipf(token[cut:]), cut)
    for cut in range(CAP_LEFT_MIN, len(token) - 1):
        left, right = token[:cut], token[cut:]
        if left.lower() in word_set("name_particles") or right in word_set("suffix_words"):
            continue
        if zipf(left) < CAP_PART_ZIPF or zipf(right) < CAP_PART_ZIPF:
            continue
        if len(right) < CAP_RIGHT_MIN and not _is_function_word(right, left):
            continue
        score = zipf(left) + zipf(right)
        if best is None or score > best[0]:
            best = (score, cut)
    if best is None or not _far_more_probable(best[0], token):
        return None
    return best[1]


def _case_cuts(token: str) -> list[int]:
    """Return the cut positions at case boundaries ("theMoroccans", "USpresident")."""
    cuts = []
    for i in range(1, len(token)):
        a, b = token[i - 1], token[i]
        if a.islower() and b.isupper():
            cuts.append(i)
        elif a.isupper() and b.islower() and i >= 2 and token[i - 2].isupper():
            cuts.extend((i - 1, i))
    return cuts


def _camel_ok(left: str, right: str) -> bool:
    """Return True if a case-boundary cut yields two real words."""
    if left.lower() in word_set("name_particles"):
        return False
    if left.isupper():  # "US" + "president"
        return (
            len(left) <= ACRONYM_MAX
            and len(left) >= 2
            and zipf(left) >= ACRONYM_ZIPF
            and right.islower()
            and _part_ok(right, left)
        )
    if not (right[0].isupper() and right[1:].islower() and len(right) >= CAMEL_RIGHT_MIN):
        return False
    if left[0].islower():  # "the" + "Moroccans": the right part may be any name
        return len(left) >= 2 and left.islower() and zipf(left) >= CAMEL_LEFT_ZIPF
    # "Western" + "Sahara": two capitalized words the model knows.
    return (
        left[1:].islower()
        and len(left) >= 3
        and zipf(left) >= CAP_PART_ZIPF
        and zipf(right) >= CAP_PART_ZIPF
    )


def _camel_split(token: str) -> tuple[int, str] | None:
    """Return (cut, kind) for a mixed-case token with exactly one good case cut."""
    good = [c for c in _case_cuts(token) if _camel_ok(token[:c], token[c:])]
    if len(good) != 1:
        return None
    cut = good[0]
    if not _far_more_probable(zipf(token[:cut]) + zipf(token[cut:]), token):
        return None
    return cut, "acronym" if token[:cut].isupper() else "camel"


def propose_split(token: str) -> tuple[int, str, bool] | None:
    """Return (cut, kind, strong) if ``token`` is evidently two glued words."""
    if len(token) < MIN_TOKEN or token.isupper():
        return None
    if not token.islower() and len(token) < MIN_MIXED_TOKEN:
        return None
    if zipf(token) > RARE_ZIPF:
        return None
    rest = token[1:]
    if token.islower():
        found = _lower_split(token)
        return None if found is None else (found[0], "lower", found[1])
    if token[0].isupper() and rest.islower():
        cut = _cap_split(token)
        return None if cut is None else (cut, "cap", False)
    camel = _camel_split(token)
    if camel is None:
        return None
    cut, kind = camel
    strong = kind == "camel" and token[0].islower() and zipf(token[:cut]) >= FUNCTION_ZIPF
    return cut, kind, strong


def _leaves_link(token: str, cut: int) -> bool:
    """Return True if a part would be "link": that is the link stage's call, not a split."""
    return LINK_WORD in (token[:cut].lower(), token[cut:].lower())


def find_splits(text: str) -> list[Split]:
    """Return the proposed splits of the prose tokens of ``text``."""
    out: list[Split] = []
    n = len(text)
    for m in TOKEN_RE.finditer(text):
        start, end = m.span()
        if not MIN_TOKEN <= end - start <= MAX_TOKEN:
            continue
        if start > 0 and text[start - 1] in BLOCKING_BEFORE:
            continue
        if end < n and text[end] in BLOCKING_AFTER:
            continue
        if end + 1 < n and text[end] == "." and text[end + 1].isalnum():
            continue  # a domain name or an abbreviation chain
        found = propose_split(m.group())
        if found is not None and not _leaves_link(m.group(), found[0]):
            cut, kind, strong = found
            out.append(Split(start, end, cut, kind, strong))
    return out


def glue_edits(splits: list[Split], text: str) -> list[Edit]:
    """Return the edits that carry out ``splits`` on ``text``."""
    return [s.edit(text) for s in splits]
