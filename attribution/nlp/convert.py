"""Convert a Stanza ``Document`` into :mod:`attribution.types`, once.

Stanza numbers words from 1 and uses head 0 for the root; here indices are
0-based and the root's head is -1. Words inside a multi-word token ("don't"
-> do + n't) carry no character offsets of their own in Stanza, so they take
the offsets of the token they belong to.
"""

from __future__ import annotations

from typing import Any

from attribution.types import ParsedDocument, Sentence, Token

UNKNOWN_FORM = "<UNK>"  # what Stanza's tokenizer emits for over-long tokens (URLs)


def _token(word: Any, index: int, start: int, end: int, text: str) -> Token:
    head = word.head if word.head is not None else 0
    form = word.text
    if form == UNKNOWN_FORM and text[start:end]:
        form = text[start:end]
    return Token(
        index=index,
        text=form,
        lemma=word.lemma or word.text,
        upos=word.upos or "X",
        xpos=word.xpos or "_",
        feats=word.feats or "_",
        head=head - 1,
        deprel=word.deprel or "dep",
        start=start,
        end=end,
    )


def to_document(doc: Any, text: str) -> ParsedDocument:
    """Return the :class:`ParsedDocument` of Stanza ``doc`` parsed from ``text``."""
    sentences: list[Sentence] = []
    for si, sent in enumerate(doc.sentences):
        tokens: list[Token] = []
        for tok in sent.tokens:
            for word in tok.words:
                start = word.start_char if word.start_char is not None else tok.start_char
                end = word.end_char if word.end_char is not None else tok.end_char
                tokens.append(_token(word, len(tokens), start, end, text))
        if tokens:
            sentences.append(Sentence(si, tuple(tokens), tokens[0].start, tokens[-1].end))
    return ParsedDocument(text, tuple(sentences))
