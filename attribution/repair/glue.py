"""Split glued words ("cooperationbetween", "USpresident", "thecompanyhad") (issues 3 and 10).

A token is split only when it is unknown or rare to the word-frequency model
and splits into words the model knows well. Lower-case tokens are segmented
by dynamic programming into the most probable run of known words (a unigram
model with a minimum frequency per piece), so runs of common words glued
together ("regardsasan") split as well as pairs. Case boundaries handle the
mixed-case families: a known lower-case word glued to a name or acronym
("accusedRabat", "inBlackRock", "agencyUNHCR"), an acronym glued to a word
("USpresident"), two names ("MitchMcConnell"), a name glued to a verb or
function word ("Obamasaid"). Where the token alone cannot tell a brand from
damage ("HillaryClinton" / "BuzzFeed"), the document must show the words
apart ("Hillary Clinton", or both names on their own). Names the model does
not know, mixed-case brands it knows, names with particles ("McDonald",
"DeSantis"), lower-case-prefixed brands ("iPhone", "eBay"), prefixed words
and compounds with a word-forming second part stay.

Every per-token decision is cached and a token longer than ``MAX_TOKEN`` is
never segmented, so the work is linear in the text length.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from attribution.repair.lexicon import word_set, zipf, zipf_lower
from attribution.repair.offsets import Edit

# A token is a maximal run of letters; its neighbours decide whether it is prose.
TOKEN_RE = re.compile(r"[^\W\d_]+")
# Characters next to a token that mark it as part of a handle, URL, number or compound.
BLOCKING_BEFORE = frozenset("-‐‑@#_/\\.=&+'’`0123456789")
BLOCKING_AFTER = frozenset("-‐‑@_/\\=&+0123456789")
LINK_WORD = "link"
MIN_TOKEN = 3
MIN_MIXED_TOKEN = 4
MAX_TOKEN = 40  # longer letter runs are never segmented (bounded work per token)
MAX_PIECE = 20  # longest word a segmentation may use
CACHE_SIZE = 1 << 16
# A glued token must be unknown or at most this frequent (Zipf) to be split; a
# known one ("ofthe", "inthe" occur in web text) must also lose by SPLIT_MARGIN.
RARE_ZIPF = 3.5
# The split must beat the glued form by this many orders of magnitude (unigram model).
SPLIT_MARGIN = 1.5
ZIPF_OFFSET = 9.0
# Each extra piece of a segmentation costs this much (log10): "byproducts of", not "by products of".
CUT_PENALTY = 1.0
# Frequency a piece needs, by length (shorter pieces need to be more frequent).
PART_ZIPF_SHORT = 4.0  # 3 letters
PART_ZIPF_MID = 3.0  # 4-6 letters
PART_ZIPF_LONG = 2.0  # 7+ letters
PART_ZIPF_RARE_LONG = 1.0  # 7+ letters next to a function word
FUNCTION_ZIPF = 5.5
# A piece this frequent ("the", "again") is no derivation base: "inthe", "overagain"
# are no prefixed words.
NO_BASE_ZIPF = 5.5
LONG_PART = 7
# Capitalized token split into capitalized word + lowercase word ("Universityprofessor").
CAP_LEFT_MIN = 4
CAP_RIGHT_MIN = 5
CAP_PART_ZIPF = 3.0
# Capitalized word glued to a function word ("Trumphas"): the name must be frequent.
CAP_FUNCTION_LEFT_ZIPF = 4.0
# Capitalized function word glued to a word ("Butthis"): the word must be this frequent.
CAP_FUNCTION_RIGHT_ZIPF = 4.0
# A name the document shows on its own, glued to a word ("Houchinshad"): the word
# must be this frequent, the name no commoner than this ("Goodlatte", "Centerview" stay).
NAME_WORD_ZIPF = 5.0
NAME_MAX_ZIPF = 5.0
NAME_MIN = 3
# A capitalized function word glued to a name ("OnSunday", "ButMr"; "White" is none).
INITIAL_FUNCTION_ZIPF = 5.75
# A surname the document shows alone confirms a first name glued to it
# ("MichaelMcFaul"); a common word does not ("BlackRock", "InsideSources").
SURNAME_MAX_ZIPF = 4.0
# A lone "a" glues only to a real word of at least this length and frequency.
ARTICLE_RIGHT_MIN = 5
ARTICLE_RIGHT_ZIPF = 3.0
ACRONYM_MIN = 2
ACRONYM_MAX = 6
# Sentence openers before a token: it is capitalized because it opens a sentence.
OPENER_RE = re.compile(r"(?:^|[.!?:][\"'”’)]?\s+|\n\s*|[\"“‘(]\s*)$")
OPENER_WINDOW = 4

# Requirement codes of the segmentation: what the next piece must be.
_FREE, _BASE, _LONG, _FUNCTION = range(4)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed split of a token at ``cuts``, and the evidence it still needs.

    ``evidence`` lists alternatives, any one of which the document must show:
    ``"pair:A B"`` (the two words apart), ``"names:A B"`` (both names on their
    own), ``"name:A"`` (the name on its own), ``"opener"`` (the token opens a
    sentence). ``once`` means a token the document repeats is left alone.
    """

    cuts: tuple[int, ...]
    kind: str  # "lower", "cap", "camel", "acronym", "name"
    strong: bool  # glue with a function word: evidence of damage
    evidence: tuple[str, ...] = ()
    once: bool = False


@dataclass(frozen=True, slots=True)
class Split:
    """A proposed split of ``text[start:end]`` at ``start + cut`` for each cut."""

    start: int
    end: int
    cuts: tuple[int, ...]
    kind: str
    strong: bool

    @property
    def cut(self) -> int:
        """Return the first cut (a split of two words has one)."""
        return self.cuts[0]

    def edit(self, text: str) -> Edit:
        """Return the edit replacing the token by its words."""
        token = text[self.start : self.end]
        bounds = (0, *self.cuts, len(token))
        words = [token[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        return Edit(self.start, self.end, " ".join(words), "split")


def _piece_floor(n: int) -> float:
    """Return the Zipf frequency a piece of ``n`` letters (n >= 3) needs."""
    if n == 3:
        return PART_ZIPF_SHORT
    return PART_ZIPF_MID if n < LONG_PART else PART_ZIPF_LONG


def _part_ok(part: str, other: str) -> bool:
    """Return True if ``part`` is a word the model knows well enough to stand alone."""
    low = part.lower()
    n = len(low)
    if n <= 2:
        return low in word_set("short_words")
    z = zipf(low)
    if z >= _piece_floor(n):
        return True
    return n >= LONG_PART and z >= PART_ZIPF_RARE_LONG and zipf(other) >= FUNCTION_ZIPF


def _far_more_probable(split_zipf_sum: float, token: str, pieces: int = 2) -> bool:
    """Return True if the reading in ``pieces`` words beats the glued token by ``SPLIT_MARGIN``.

    Under a unigram model log10 P(a b) = zipf(a) + zipf(b) - 18 and log10 P(w) =
    zipf(w) - 9. An unknown token has no mass in the model (its spelling-model
    probability is far below any run of known words), so it always loses.
    """
    glued = zipf(token)
    if glued == 0.0:
        return True
    return split_zipf_sum - pieces * ZIPF_OFFSET >= glued - ZIPF_OFFSET + SPLIT_MARGIN


def _entry(
    piece: str, z: float, first: bool, last: bool, prev_function: bool, relaxed: bool
) -> int | None:
    """Return what ``piece`` requires of the next piece, or None if it cannot stand here."""
    n = len(piece)
    if not first and piece in word_set("suffix_words"):
        # "statewide", "newsmaker"; but "loanlikean", "looklike" in a token the model does not know
        loose = relaxed and piece in word_set("loose_suffix_words")
        if not loose or (last and not prev_function):
            return None
    if n == 1:
        if piece != "a" or (last and not prev_function) or (first and last):
            return None
        return _FREE if prev_function else _LONG
    if n == 2:
        if piece not in word_set("short_words"):
            return None
    elif z < _piece_floor(n):
        if n < LONG_PART or z < PART_ZIPF_RARE_LONG or (last and not prev_function):
            return None
        return _FREE if prev_function else _FUNCTION
    if not last and piece in word_set("prefixes"):
        if not (relaxed and piece in word_set("word_prefixes")):
            return _BASE  # "overregulated"; but "inwestern", "withhistorians" when unknown
    return _FREE


def _meets(need: int, piece: str, z: float) -> bool:
    """Return True if ``piece`` satisfies the requirement ``need`` left by the piece before."""
    if need == _BASE:
        return z >= NO_BASE_ZIPF
    if need == _LONG:
        return len(piece) >= ARTICLE_RIGHT_MIN and z >= ARTICLE_RIGHT_ZIPF
    if need == _FUNCTION:
        return z >= FUNCTION_ZIPF
    return True


_State = tuple[int, bool]  # (what the next piece must be, last piece is a function word)
_Cell = dict[_State, tuple[float, float, int, _State]]


@lru_cache(maxsize=CACHE_SIZE)
def segment(token: str) -> tuple[tuple[int, ...], float] | None:
    """Return (cuts, sum of piece Zipf values) of the best reading of lower-case ``token``.

    Dynamic programming over end positions and what the last piece requires of
    the next: the most probable sequence of known words (product of unigram
    probabilities, so every extra piece costs), each piece frequent enough for
    its length, no word-forming prefix before a rare base ("overregulated"), no
    word-forming suffix after a word ("statewide"), a lone "a" only before a
    real word or after a function word. Returns None for a single word or no
    reading; ``token`` longer than ``MAX_TOKEN`` is not tried.
    """
    n = len(token)
    if n > MAX_TOKEN or n < 2:
        return None
    relaxed = zipf(token) == 0.0  # an unknown token: "in" + word is no prefixed word
    short = word_set("short_words")
    # best[j][(need, prev_function)] = (log-probability, zipf sum, start of last piece, state)
    best: list[_Cell] = [{} for _ in range(n + 1)]
    best[0][(_FREE, False)] = (0.0, 0.0, -1, (_FREE, False))
    for i in range(n):
        if not best[i]:
            continue
        for j in range(i + 1, min(n, i + MAX_PIECE) + 1):
            if i == 0 and j == n:
                continue  # the whole token is no split
            piece = token[i:j]
            z = zipf_lower(piece)
            size = j - i
            if z == 0.0 or (size == 1 and piece != "a") or (size == 2 and piece not in short):
                continue
            if (
                size > 2
                and z < _piece_floor(size)
                and (size < LONG_PART or z < PART_ZIPF_RARE_LONG)
            ):
                continue
            for state, (logp, zsum, _, _) in best[i].items():
                need, prev_function = state
                if not _meets(need, piece, z):
                    continue
                req = _entry(piece, z, i == 0, j == n, prev_function, relaxed)
                if req is None:
                    continue
                new_state = (req, z >= FUNCTION_ZIPF)
                score = logp + z - ZIPF_OFFSET - (CUT_PENALTY if i > 0 else 0.0)
                old = best[j].get(new_state)
                if old is None or score > old[0]:
                    best[j][new_state] = (score, zsum + z, i, state)
    return _best_reading(best)


def _best_reading(best: list[_Cell]) -> tuple[tuple[int, ...], float] | None:
    """Return (cuts, Zipf sum) of the most probable complete reading in the table ``best``."""
    n = len(best) - 1
    finals = [(v, s) for s, v in best[n].items() if s[0] in (_FREE, _BASE)]
    if not finals:
        return None
    (_, zsum, _, _), end_state = max(finals, key=lambda f: f[0][0])
    cuts: list[int] = []
    pos, cur = n, end_state
    while pos > 0:
        _, _, start, prev = best[pos][cur]
        if start > 0:
            cuts.append(start)
        pos, cur = start, prev
    return tuple(reversed(cuts)), zsum


def _lower_proposal(token: str) -> Proposal | None:
    """Return the split of an all-lowercase token into known words, if any."""
    found = segment(token)
    if found is None:
        return None
    cuts, zsum = found
    if not _far_more_probable(zsum, token, len(cuts) + 1):
        return None
    pieces = _pieces(token, cuts)
    strong = max(zipf(p) for p in pieces) >= FUNCTION_ZIPF
    return Proposal(cuts, "lower", strong)


def _pieces(token: str, cuts: tuple[int, ...]) -> list[str]:
    """Return the words of ``token`` cut at ``cuts``."""
    bounds = (0, *cuts, len(token))
    return [token[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


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


def _name_word_cuts(token: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Return cuts of "Houchinshad", "Obamasaid": a name glued to a frequent word.

    Each cut comes with the name it needs the document to show on its own.
    """
    cuts: list[int] = []
    names: list[str] = []
    if zipf(token) > 0.0:
        return (), ()  # "Kimball": a name the model knows
    for cut in range(NAME_MIN, len(token) - 1):
        left, right = token[:cut], token[cut:]
        if right in word_set("suffix_words") or right in word_set("name_endings"):
            continue
        if zipf(left) > NAME_MAX_ZIPF or zipf(right) < NAME_WORD_ZIPF:
            continue
        if not _part_ok(right, left):
            continue
        cuts.append(cut)
        names.append(left)
    return tuple(cuts), tuple(names)


def _capitalized_proposals(token: str) -> list[Proposal]:
    """Return the splits of a capitalized token ("Universityprofessor", "Obamasaid")."""
    out: list[Proposal] = []
    cut = _cap_split(token)
    if cut is not None:  # a token the document repeats is a name ("Birdthistle")
        out.append(Proposal((cut,), "cap", False, once=True))
    cuts, names = _name_word_cuts(token)
    for c, name in zip(cuts, names, strict=True):
        if c != cut:
            out.append(Proposal((c,), "cap", False, (f"name:{name}",), once=True))
    low = token[0].lower() + token[1:]
    found = _lower_proposal(low)
    if found is not None and zipf(_pieces(low, found.cuts)[0]) >= FUNCTION_ZIPF:
        out.append(Proposal(found.cuts, "cap", False, ("opener",), once=True))
    return out


def _is_name_like(part: str) -> bool:
    """Return True for "Rabat", "BlackRock", "McConnell", "Mr", "UNHCR", "PACs"."""
    if len(part) < 2 or not part[0].isupper():
        return False
    if part.isupper():
        return len(part) <= ACRONYM_MAX
    if len(part) > 2 and part[:-1].isupper() and part[-1] == "s":
        return True  # "PACs"
    return part[1].islower()


def _head_ok(left: str) -> bool:
    """Return True if lower-case ``left`` is a word that may stand before a name."""
    if left in word_set("camel_heads") or left in word_set("name_particles"):
        return False
    if len(left) == 1:
        return left == "a"
    if len(left) == 2:
        return left in word_set("short_words")
    return zipf(left) >= _piece_floor(len(left))


def _lower_head(token: str) -> Proposal | None:
    """Return the split of "accusedRabat", "inBlackRock", "agencyUNHCR", if any."""
    i = next(k for k, c in enumerate(token) if c.isupper())
    left, right = token[:i], token[i:]
    if not _head_ok(left) or not _is_name_like(right):
        return None
    kind = "acronym" if right[:2].isupper() else "camel"
    return Proposal((i,), kind, zipf(left) >= FUNCTION_ZIPF)


def _acronym_head(token: str) -> Proposal | None:
    """Return the split of "USpresident", "NYPDofficers", "RTto", if any."""
    j = next((k for k, c in enumerate(token) if c.islower()), len(token))
    left, right = token[:j], token[j:]
    if not (ACRONYM_MIN <= len(left) <= ACRONYM_MAX) or not right.islower():
        return None
    if right in word_set("acronym_suffixes") or not _part_ok(right, left):
        return None
    if zipf(token[j - 1 :]) >= zipf(right):
        return None  # "JPMorgan", "NYTimes": the last capital opens a word
    return Proposal((j,), "acronym", zipf(right) >= FUNCTION_ZIPF)


def _case_cuts(token: str) -> list[int]:
    """Return the cut positions at lower-to-upper case boundaries ("WesternSahara")."""
    return [i for i in range(1, len(token)) if token[i - 1].islower() and token[i].isupper()]


def _chunk_before(token: str, cut: int) -> str:
    """Return the capitalized chunk that ends at ``cut`` ("Mc" in "MitchMc|Connell")."""
    start = max((c for c in _case_cuts(token) if c < cut), default=0)
    return token[start:cut]


def _name_pair(token: str) -> Proposal | None:
    """Return the split of "WesternSahara", "MitchMcConnell", "OnSunday", if any."""
    cuts = [
        c
        for c in _case_cuts(token)
        if _chunk_before(token, c).lower() not in word_set("name_particles") and len(token) - c >= 2
    ]
    if len(cuts) != 1:
        return None
    cut = cuts[0]
    left, right = token[:cut], token[cut:]
    if not _is_name_like(right) or not left[1:].islower():
        return None
    zl, zr = zipf(left), zipf(right)
    if zipf(token) == 0.0 and min(zl, zr) >= CAP_PART_ZIPF and len(left) >= 3:
        return Proposal((cut,), "name", False)  # "AmnestyInternational"
    if len(left) < 2:
        return None
    evidence = [f"pair:{left} {right}", f"names:{left} {right}"]
    if zl >= INITIAL_FUNCTION_ZIPF or left.lower() in word_set("short_words"):
        evidence.append("opener")  # "OnSunday", "ButMr" open a sentence
    elif zl >= CAP_PART_ZIPF and zr < SURNAME_MAX_ZIPF:
        evidence.append(f"name:{right}")  # "MichaelMcFaul" where "McFaul" stands alone
    return Proposal((cut,), "name", False, tuple(evidence))


@lru_cache(maxsize=CACHE_SIZE)
def propose_splits(token: str) -> tuple[Proposal, ...]:
    """Return the splits of ``token`` the document may confirm, best first (cached)."""
    if len(token) < MIN_TOKEN or len(token) > MAX_TOKEN or token.isupper():
        return ()
    if not token.islower() and len(token) < MIN_MIXED_TOKEN:
        return ()
    if zipf(token) > RARE_ZIPF:
        return ()
    found: Proposal | None
    if token.islower():
        found = _lower_proposal(token)
        return () if found is None else (found,)
    if token[0].isupper() and token[1:].islower():
        return tuple(_capitalized_proposals(token))
    if token[0].islower():
        found = _lower_head(token)
    elif token[1].isupper():
        found = _acronym_head(token)
    else:
        found = _name_pair(token)
    return () if found is None else (found,)


def propose_split(token: str) -> tuple[int, str, bool] | None:
    """Return (first cut, kind, strong) if ``token`` alone shows it is glued words.

    A split that needs no more than the token appearing once counts.
    """
    for p in propose_splits(token):
        if not p.evidence:
            return p.cuts[0], p.kind, p.strong
    return None


class Document:
    """What the text shows about its words: counts, names on their own, spaced pairs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.counts: Counter[str] = Counter()
        self.names: set[str] = set()  # capitalized tokens inside a sentence
        self.pairs: set[str] = set()  # "A B": two capitalized tokens one space apart
        prev: re.Match[str] | None = None
        for m in TOKEN_RE.finditer(text):
            word = m.group()
            self.counts[word] += 1
            if word[0].isupper() and prev is not None:
                gap = text[prev.end() : m.start()]
                before = prev.group()
                if gap == " " and before[0].isupper():
                    self.pairs.add(f"{before} {word}")
                if gap in (" ", ", ") or (gap == ". " and before.lower() in word_set("titles")):
                    self.names.add(word)  # not after a full stop: not a sentence opener
            prev = m

    def opens_sentence(self, start: int) -> bool:
        """Return True if the token at ``start`` opens a sentence or line."""
        window = self.text[max(0, start - OPENER_WINDOW) : start]
        return start == 0 or OPENER_RE.search(window) is not None

    def confirms(self, p: Proposal, token: str, start: int) -> bool:
        """Return True if the document shows what proposal ``p`` needs."""
        if p.once and self.counts[token] > 1:
            return False
        if not p.evidence:
            return True
        for need in p.evidence:
            what, _, arg = need.partition(":")
            if what == "opener" and self.opens_sentence(start):
                return True
            if what == "pair" and arg in self.pairs:
                return True
            if what == "name" and arg in self.names:
                return True
            if what == "names" and all(w in self.names for w in arg.split(" ")):
                return True
        return False


def _leaves_link(token: str, cuts: tuple[int, ...]) -> bool:
    """Return True if a piece would be "link": that is the link stage's call, not a split."""
    return any(p.lower() == LINK_WORD for p in _pieces(token, cuts))


def find_splits(text: str) -> list[Split]:
    """Return the proposed splits of the prose tokens of ``text``."""
    out: list[Split] = []
    n = len(text)
    doc: Document | None = None
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
        token = m.group()
        for p in propose_splits(token):
            if p.evidence or p.once:
                doc = doc or Document(text)
                if not doc.confirms(p, token, start):
                    continue
            if not _leaves_link(token, p.cuts):
                out.append(Split(start, end, p.cuts, p.kind, p.strong))
            break
    return out


def glue_edits(splits: list[Split], text: str) -> list[Edit]:
    """Return the edits that carry out ``splits`` on ``text``."""
    return [s.edit(text) for s in splits]
