"""Word frequencies and small lexicons for the repair heuristics (issue 3, parts 2-3).

Frequencies come from ``wordfreq`` (English "best" list, shipped in the package),
on the Zipf scale: log10 of occurrences per billion words; 0.0 means unknown.
"""

from __future__ import annotations

import math
import threading
from array import array
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from attribution.resources import load_yaml

LEXICON_FILE = "repair_lexicon.yaml"
WORDFREQ_LANG = "en"
WORDFREQ_LIST = "best"
ZIPF_OFFSET = 9.0

_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    """wordfreq's list in 10 bytes a word: each word's key (:func:`_key`, sorted) and bucket.

    wordfreq stores English as about 320,000 words in buckets of one centibel
    (bucket ``i``: frequency ``10 ** (-i / 100)``); as a Python dict of words and
    floats that is about 30 MB a process. Here it is two arrays, 3 MB. ``hash``
    of a str is 64-bit and stable within a process, where the table is built; a
    false match needs two listed words with one key (odds about 1 in 10^8 for
    the whole list) or an unknown word hitting one (about 1 in 10^13 a lookup).
    """

    keys: NDArray[np.int64]
    buckets: NDArray[np.uint16]

    @classmethod
    def build(cls, lists: list[list[str]]) -> FrequencyTable:
        """Build from wordfreq's bucketed lists; a word listed twice keeps its last
        (rarer) bucket, as ``wordfreq.get_frequency_dict`` does."""
        hashes, buckets = array("q"), array("H")
        for index, bucket in enumerate(lists):
            for word in bucket:
                hashes.append(_key(word))
                buckets.append(index)
        keys = np.frombuffer(hashes, dtype=np.int64)
        values = np.frombuffer(buckets, dtype=np.uint16)
        order = np.lexsort((np.arange(len(keys)), keys))
        keys, values = keys[order], values[order]
        last = np.ones(len(keys), dtype=bool)
        last[:-1] = keys[1:] != keys[:-1]
        return cls(keys[last].copy(), values[last].copy())

    def bucket(self, word: str) -> int:
        """Return the bucket of ``word`` (exact spelling), or -1 if it is not listed."""
        h = _key(word)
        i = int(np.searchsorted(self.keys, h))
        if i < len(self.keys) and int(self.keys[i]) == h:
            return int(self.buckets[i])
        return -1


def _key(word: str) -> int:
    """Return ``hash(word)`` mixed with its length. CPython hashes a str's stored bytes, so
    "kp" (two 1-byte characters) and "火" (one 2-byte character) share a hash; their
    lengths tell them apart."""
    return hash(word) ^ ((len(word) & 0x7F) << 56)


@cache
def _zipf_of_bucket(index: int) -> float:
    # The same arithmetic as log10 of wordfreq's cB_to_freq(-index), so values sit on
    # the same side of every threshold as before.
    return math.log10(10 ** (-index / 100)) + ZIPF_OFFSET


@cache
def frequency_table() -> FrequencyTable:
    """Load wordfreq's English list once per process, compactly, and let wordfreq's own
    cached copy go."""
    from wordfreq import get_frequency_list

    with _LOCK:
        lists = get_frequency_list(WORDFREQ_LANG, wordlist=WORDFREQ_LIST)
        table = FrequencyTable.build(lists)
        del lists
        get_frequency_list.cache_clear()
    return table


def zipf(word: str) -> float:
    """Return the Zipf frequency of ``word`` (case-insensitive); 0.0 if unknown."""
    return zipf_lower(word.lower())


def zipf_lower(word: str) -> float:
    """Return the Zipf frequency of lower-case ``word``; 0.0 if unknown (no case folding)."""
    index = frequency_table().bucket(word)
    return _zipf_of_bucket(index) if index >= 0 else 0.0


@cache
def word_set(name: str) -> frozenset[str]:
    """Return lexicon ``name`` of the repair lexicon file as a set of lowercase words."""
    return frozenset(str(w).lower() for w in load_yaml(LEXICON_FILE)[name])
