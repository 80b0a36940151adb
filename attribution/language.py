"""Is this English? A cheap check before English analysis is trusted.

Two signals, both language-independent of any model: the share of letters in
Latin script, and the share of words that are frequent in English (Zipf
frequency >= 5 in ``wordfreq``: "the", "said", "that", "with"). English news
runs at about 0.5-0.6 on the second; French, German or Spanish at about 0.1.
Speakers are never taken from a mention written in another script ("שלום
said the mayor."): the English rules cannot read it.
"""

from __future__ import annotations

import re
import unicodedata

from attribution.records import AnalysisWarning

#: Words (letters only) looked at; the start of an article is enough to tell.
SAMPLE_WORDS = 2000
#: Fewer words than this say too little to judge.
MIN_WORDS = 15
#: Below this share of frequent English words the text is not taken for English.
MIN_ENGLISH_SHARE = 0.3
#: Below this share of Latin letters the text is not taken for English.
MIN_LATIN_SHARE = 0.5
#: Zipf frequency from which a word counts as frequent English.
FREQUENT_ZIPF = 5.0

_WORD = re.compile(r"[^\W\d_]+")


def unpaired_surrogate(text: str) -> str | None:
    """Say where ``text`` is not valid Unicode (an unpaired surrogate), or return ``None``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"contains an unpaired surrogate (U+{ord(text[exc.start]):04X}) at offset "
            f"{exc.start}; send valid Unicode"
        )
    return None


def is_latin(ch: str) -> bool:
    """Tell whether letter ``ch`` is in Latin script (ASCII or accented)."""
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


def latin_share(text: str) -> float:
    """Return the share of letters of ``text`` in Latin script (1.0 with no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for ch in letters if is_latin(ch)) / len(letters)


def english_share(words: list[str]) -> float:
    """Return the share of ``words`` (lower-case) that are frequent in English.

    Read from the repair stage's compact copy of wordfreq's list
    (:func:`attribution.repair.lexicon.zipf_lower`), rounded to centibels as
    ``wordfreq.zipf_frequency`` rounds: one copy of the list per process.
    """
    from attribution.repair.lexicon import zipf_lower

    return sum(1 for w in words if round(zipf_lower(w), 2) >= FREQUENT_ZIPF) / len(words)


def language_warnings(text: str) -> tuple[AnalysisWarning, ...]:
    """Return a ``not_english`` warning when ``text`` does not look like English."""
    words = [w.lower() for w in _WORD.findall(text)[:SAMPLE_WORDS]]
    if len(words) < MIN_WORDS:
        return ()
    sample = " ".join(words)
    latin = latin_share(sample)
    if latin < MIN_LATIN_SHARE:
        message = f"the text is mostly not in Latin script ({latin:.0%} of letters are)"
    else:
        share = english_share(words)
        if share >= MIN_ENGLISH_SHARE:
            return ()
        message = f"the text does not look like English ({share:.0%} common English words)"
    return (AnalysisWarning("not_english", message + "; results are unreliable"),)
