"""Transcript and headline labels: a line that opens with 'NAME: words'.

Interview transcripts ("PENCE: Well, look, ...") and headlines ("Pat
Caddell: Democrat Voters Worried ...") name the speaker before a colon; the
colon is the cue and the rest of the line the content. Labels are read before
the quotation sieves, so a quotation on a labelled line belongs to the label.
"""

from __future__ import annotations

from attribution.cues import CueMatch
from attribution.extract.common import (
    Context,
    Draft,
    Mention,
    cue_record,
    mention,
    np_head,
    outside_dependents,
)
from attribution.lexicon import lexicon
from attribution.quotes import QUOTE_CHARS
from attribution.records import Attribution, SieveName, TextSpan
from attribution.spans import char_span
from attribution.types import Sentence, Token

#: At most this many words may form a speaker label ("PENCE:", "Pat Caddell:").
MAX_LABEL_WORDS = 4
#: Parts of speech that make the words before a colon a clause, not a name.
CLAUSE_POS = ("VERB", "AUX", "ADP", "SCONJ")
SIEVE: SieveName = "speaker_label"


def _looks_like_label(head_part: str, rest: str) -> bool:
    """Tell whether 'head_part: rest' reads as 'Capitalised Name: some words'."""
    if len(rest.split()) < 2 or rest.lstrip()[:1] in QUOTE_CHARS:
        return False
    words = head_part.strip(" \t\"“”'‘’«").split()
    return 1 <= len(words) <= MAX_LABEL_WORDS and all(w[:1].isupper() for w in words)


def _label_words(ctx: Context, ls: int, cpos: int) -> tuple[Sentence, Token, list[int]] | None:
    """Return the colon's sentence and token, and the label's word ids, if all are in it."""
    size = len(ctx.doc.text)
    toks = [t for t in ctx.words_from(ls, cpos + 1, size) or () if t.end <= cpos]
    colon = next((t for t in ctx.words_from(cpos, cpos + 1, size) or () if t.text == ":"), None)
    if not toks or colon is None:
        return None
    sent = ctx.sentence_of(colon)
    if any(ctx.sentence_of(t) is not sent for t in toks):
        return None
    ids = [t.index for t in toks if t.upos != "PUNCT"]
    if not ids or any(sent.tokens[i].upos in CLAUSE_POS for i in ids):
        return None
    if any(sent.tokens[i].text.lower() in lexicon().label_stopwords for i in ids):
        return None
    return sent, colon, ids


def _rest_of_line(ctx: Context, cpos: int, le: int) -> TextSpan:
    """Return the line after the colon, without surrounding blanks."""
    text = ctx.doc.text
    cs, ce = cpos + 1, le
    while cs < ce and text[cs].isspace():
        cs += 1
    while ce > cs and text[ce - 1].isspace():
        ce -= 1
    return char_span(ctx.doc, cs, ce)


def _label(ctx: Context, ls: int, cpos: int) -> tuple[Mention, CueMatch] | None:
    """Return the label's mention and colon cue for a line from ``ls`` with a colon at ``cpos``."""
    found = _label_words(ctx, ls, cpos)
    if found is None:
        return None
    sent, colon, ids = found
    head = np_head(sent, ids)
    if head is None or head.text.lower() in lexicon().label_stopwords:
        return None
    m = mention(ctx.doc, sent, head, outside_dependents(sent, head, ids))
    src = tuple(i for i in ids if m.span.start <= sent.tokens[i].start < m.span.end)
    cue = CueMatch(
        sent.index,
        (colon.index,),
        ":",
        "neutral",
        "speech",
        src,
        head.index,
        (),
        "colon",
        "speaker_label",
    )
    return m, cue


def speaker_labels(ctx: Context) -> list[tuple[Mention, CueMatch, TextSpan]]:
    """Find every 'NAME: words' line: its speaker mention, colon cue and content."""
    out: list[tuple[Mention, CueMatch, TextSpan]] = []
    pos = 0
    for line in ctx.doc.text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        head_part, colon, rest = line.partition(":")
        if not colon or not _looks_like_label(head_part, rest):
            continue
        cpos = ls + len(head_part)
        found = _label(ctx, ls, cpos)
        if found is not None:
            out.append((*found, _rest_of_line(ctx, cpos, le)))
    return out


def label_drafts(ctx: Context) -> tuple[Draft, ...]:
    """Return one direct attribution per speaker label."""
    return tuple(
        Draft(
            Attribution(
                id=f"l{n}",
                kind="direct",
                content=content,
                cue=cue_record(ctx, cue),
                source=label.span,
                sieve=SIEVE,
            ),
            label,
        )
        for n, (label, cue, content) in enumerate(speaker_labels(ctx), 1)
    )
