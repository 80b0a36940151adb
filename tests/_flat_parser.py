"""A model-free stand-in for the Stanza parser that follows the same guards.

Words are ``\\w+`` runs and single other characters; a sentence ends after
``.``, ``!`` or ``?``. A sentence longer than
:data:`attribution.nlp.guard.MAX_SENTENCE_WORDS` words is cut into pieces and
reported to the running watch, as the real parser does; the deadline is
checked every :data:`BATCH` words. The tree is flat but plausible enough for
the engine's rules to run: "said"/"says"/"told" is the root when present,
the word before it its subject, everything else hangs on the root.
"""

from __future__ import annotations

import re
import time

from attribution.nlp import guard
from attribution.types import ParsedDocument, Sentence, Token

WORD = re.compile(r"\w+|[^\w\s]")
CUES = frozenset({"said", "says", "told"})
BATCH = 500


class FlatParser:
    """Parse any text into flat sentences; ``delay`` seconds per batch imitate a slow model."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0

    def __call__(self, text: str) -> ParsedDocument:
        self.calls += 1
        sentences: list[Sentence] = []
        current: list[re.Match[str]] = []
        seen = 0
        for m in WORD.finditer(text):
            current.append(m)
            seen += 1
            if seen % BATCH == 0:
                guard.check()
                if self.delay:
                    time.sleep(self.delay)
            if m.group() in ".!?":
                self._flush(current, sentences)
        self._flush(current, sentences)
        guard.check()
        return ParsedDocument(text, tuple(sentences))

    def _flush(self, words: list[re.Match[str]], out: list[Sentence]) -> None:
        if not words:
            return
        limit = guard.MAX_SENTENCE_WORDS
        if len(words) > limit:
            watch = guard.current()
            if watch is not None:
                pieces = -(-len(words) // limit)
                cut = guard.SentenceCut(words[0].start(), words[-1].end(), len(words), pieces)
                watch.cuts.append(cut)
        for k in range(0, len(words), limit):
            out.append(_sentence(len(out), words[k : k + limit]))
        words.clear()


def _sentence(index: int, words: list[re.Match[str]]) -> Sentence:
    forms = [m.group() for m in words]
    root = next((i for i, f in enumerate(forms) if f.lower() in CUES), 0)
    tokens = []
    for i, m in enumerate(words):
        form = m.group()
        if not form[0].isalnum() and form[0] != "_":
            upos, deprel = "PUNCT", "punct"
        elif i == root:
            upos, deprel = "VERB", "root"
        else:
            upos = "PROPN" if form[0].isupper() else "NOUN"
            deprel = "nsubj" if i == root - 1 else "obj"
        lemma = {"said": "say", "says": "say", "told": "tell"}.get(form.lower(), form.lower())
        head = -1 if i == root else root
        tokens.append(Token(i, form, lemma, upos, "_", "_", head, deprel, m.start(), m.end()))
    return Sentence(index, tuple(tokens), tokens[0].start, tokens[-1].end)
