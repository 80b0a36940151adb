"""Word frequencies and small lexicons for the repair heuristics (issue 3, parts 2-3).

Frequencies come from ``wordfreq`` (English "best" list, shipped in the package),
on the Zipf scale: log10 of occurrences per billion words; 0.0 means unknown.
"""

from __future__ import annotations

import math
from functools import cache

from attribution.resources import load_yaml

LEXICON_FILE = "repair_lexicon.yaml"
WORDFREQ_LANG = "en"
WORDFREQ_LIST = "best"
ZIPF_OFFSET = 9.0


@cache
def _frequencies() -> dict[str, float]:
    """Load the wordfreq frequency dictionary once per process."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict(WORDFREQ_LANG, wordlist=WORDFREQ_LIST)


def zipf(word: str) -> float:
    """Return the Zipf frequency of ``word`` (case-insensitive); 0.0 if unknown."""
    freq = _frequencies().get(word.lower())
    return math.log10(freq) + ZIPF_OFFSET if freq else 0.0


def zipf_lower(word: str) -> float:
    """Return the Zipf frequency of lower-case ``word``; 0.0 if unknown (no case folding)."""
    freq = _frequencies().get(word)
    return math.log10(freq) + ZIPF_OFFSET if freq else 0.0


@cache
def word_set(name: str) -> frozenset[str]:
    """Return lexicon ``name`` of the repair lexicon file as a set of lowercase words."""
    return frozenset(str(w).lower() for w in load_yaml(LEXICON_FILE)[name])
