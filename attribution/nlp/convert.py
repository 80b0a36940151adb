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


def to_sentence(sent: Any, index: int, text: str) -> Sentence | None:
    """Return Stanza sentence ``sent`` of ``text`` as sentence ``index`` (None: no words)."""
    tokens: list[Token] = []
    for tok in sent.tokens:
        for word in tok.words:
            start = word.start_char if word.start_char is not None else tok.start_char
            end = word.end_char if word.end_char is not None else tok.end_char
            tokens.append(_token(word, len(tokens), start, end, text))
    if not tokens:
        return None
    return Sentence(index, tuple(tokens), tokens[0].start, tokens[-1].end)


def to_document(doc: Any, text: str) -> ParsedDocument:
    """Return the :class:`ParsedDocument` of Stanza ``doc`` parsed from ``text``."""
    sentences = (to_sentence(sent, si, text) for si, sent in enumerate(doc.sentences))
    return ParsedDocument(text, tuple(s for s in sentences if s is not None))


def mark_sentence(index: int, words: list[tuple[str, int, int]], text: str) -> Sentence:
    """Return a run of marks (no letter or digit) as a flat sentence, without the parser.

    Each word is punctuation (``PUNCT``) or a symbol (``SYM``) with the Penn tag
    ``NFP``, attached to the first (:mod:`attribution.nlp.guard`).
    """
    from attribution.nlp.guard import mark_upos

    tokens = []
    for i, (form, start, end) in enumerate(words):
        if form == UNKNOWN_FORM and text[start:end]:
            form = text[start:end]
        tokens.append(
            Token(
                index=i,
                text=form,
                lemma=form,
                upos=mark_upos(form),
                xpos="NFP",
                feats="_",
                head=-1 if i == 0 else 0,
                deprel="root" if i == 0 else "punct",
                start=start,
                end=end,
            )
        )
    return Sentence(index, tuple(tokens), tokens[0].start, tokens[-1].end)
