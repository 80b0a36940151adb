"""What every producer's drafts must pass before coreference: a claim, by somebody.

Rules and the learned model alike propose attributions; these checks run on
all of them (stage ``claims`` in :mod:`attribution.pipeline`):

- **Empty sources.** "No one said", "nobody told", "no official said" report
  nobody's claim: a negative quantifier denotes no speaker (Huddleston &
  Pullum 2002, ch. 5 on negative determiners). The attribution is dropped; a
  quotation keeps its place, unattributed.
- **Anonymity requests are no claims.** "asked not to be named", "requested
  anonymity to discuss the terms" say why a source is anonymous (the
  standards' *justification*, read by :mod:`attribution.hedges`), not what it
  claims.
- **A refusal is a declined comment.** "Northfield said it does not comment on
  market rumors" reports a declined request for comment (NPR, Reuters), not a
  claim: the attribution keeps its cue and takes the ``declined_to_comment``
  hedge, so the summary counts it apart.
- **Time adjuncts leave the source.** "A federal judge *on Monday*": the
  parser or the model's span took the day the saying happened into the
  mention of who said it.
"""

from __future__ import annotations

from dataclasses import replace

from attribution.cues import time_adjunct
from attribution.extract.common import Draft, Mention
from attribution.hedges import DECLINED_TO_COMMENT, declines
from attribution.lexicon import Lexicon, lexicon
from attribution.records import Hedge, TextSpan
from attribution.spans import char_span, lemma_of, token_inside
from attribution.types import ParsedDocument, Sentence, Token

#: Punctuation left at a source's end once an adjunct is cut ("A judge, on Monday").
TRAILING = " ,;—–-"


def empty_source(doc: ParsedDocument, m: Mention) -> bool:
    """Tell whether a source mention is a negative or empty quantifier ("no one", "nobody")."""
    lex = lexicon()
    if m.span.text.lower().strip(" ,") in lex.empty_sources:
        return True
    sent = doc.sentences[m.sentence]
    head = sent.tokens[m.head]
    if head.text.lower() in lex.empty_sources:
        return True
    return any(
        c.deprel == "det" and c.text.lower() in ("no", "neither") for c in sent.children(head.index)
    )


def _content_words(doc: ParsedDocument, span: TextSpan) -> list[tuple[Sentence, Token]]:
    return [
        (s, t) for s in doc.sentences_over(span.start, span.end) for t in s.tokens
        if token_inside(t, span)
    ]  # fmt: skip


def anonymity_request(doc: ParsedDocument, d: Draft, lex: Lexicon) -> bool:
    """Tell whether a draft's content only asks for anonymity ("not to be named")."""
    att = d.attribution
    words = _content_words(doc, att.content)
    lemmas = {lemma_of(t) for _, t in words}
    if lemmas & lex.anonymity_nouns and len(words) <= 12:
        return True  # "anonymity to discuss commercial terms"
    cue_asks = att.cue is not None and att.cue.lemma in lex.request_verbs
    first = [lemma_of(t) for _, t in words[:4]]
    return (cue_asks or "not" in first) and bool(set(first) & lex.naming_verbs)


def declined_content(doc: ParsedDocument, d: Draft, lex: Lexicon) -> bool:
    """Tell whether the content itself declines comment ("it does not comment on ...")."""
    att = d.attribution
    if att.quotes or any(h.kind == DECLINED_TO_COMMENT for h in att.hedges):
        return False
    words = _content_words(doc, att.content)
    heads = [
        (s, t) for s, t in words if t.head < 0 or not token_inside(s.tokens[t.head], att.content)
    ]
    return any(declines(s, t, lex) for s, t in heads)


def trim_time_adjunct(doc: ParsedDocument, m: Mention) -> Mention:
    """Cut a trailing time adjunct of the source's head out of the mention."""
    sent = doc.sentences[m.sentence]
    cut = [
        c for c in sent.children(m.head)
        if c.index > m.head and time_adjunct(c) and token_inside(c, m.span)
    ]  # fmt: skip
    if not cut:
        return m
    first = min(t.start for c in cut for t in sent.subtree(c.index))
    end = first
    while end > m.span.start and doc.text[end - 1] in TRAILING:
        end -= 1
    if end <= m.span.start:
        return m
    return Mention(char_span(doc, m.span.start, end), m.sentence, m.head)


def check_claims(doc: ParsedDocument, drafts: tuple[Draft, ...]) -> tuple[Draft, ...]:
    """Apply the module's checks to every producer's drafts (see the module doc)."""
    lex = lexicon()
    out: list[Draft] = []
    for d in drafts:
        att = d.attribution
        if d.mention is not None and empty_source(doc, d.mention):
            if att.quotes:
                out.append(replace(d, attribution=replace(att, source=None), mention=None))
            continue
        if not att.quotes and anonymity_request(doc, d, lex):
            continue
        if declined_content(doc, d, lex):
            hedge = Hedge(att.cue.span if att.cue is not None else att.content, DECLINED_TO_COMMENT)
            att = replace(att, hedges=(*att.hedges, hedge))
        if d.mention is not None and att.source is not None:
            mention = trim_time_adjunct(doc, d.mention)
            if mention is not d.mention:
                att = replace(att, source=mention.span)
                d = replace(d, mention=mention)
        out.append(replace(d, attribution=att) if att is not d.attribution else d)
    return tuple(out)
