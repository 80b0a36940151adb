"""Hedges and anonymity signals on attributions.

Signals are found on lemmas and dependency relations (UD v2), never on surface
strings; the word lists live in ``attribution/data/hedges.yaml`` and ``speakers.yaml``,
loaded once by :mod:`attribution.lexicon`. What is looked
for follows the newsroom rules on anonymous sourcing that the score is built
on (AP News Values and Principles, Reuters Handbook of Journalism, NYT
Confidential News Sources, BBC Editorial Guidelines 3.3, NPR Ethics Handbook):
whether the source is described as specifically as possible (affiliation,
number of sources), how the source knows (knowledge basis: "familiar with the
visit", "who attended"), why anonymity was granted ("not authorized to
speak"), and whether the material is opinion or attack rather than fact.

Hedge kinds (``Hedge.kind``):

- ``vague_group``: a plural, nameless source ("officials say", "experts believe").
- ``anonymous_formula``: a stock anonymity formula ("a source familiar with",
  "people close to", "speaking on condition of anonymity", "asked not to be named").
- ``knowledge_basis``: how the anonymous source knows ("familiar with the visit").
- ``anonymity_reason``: why anonymity was granted ("not authorized to speak").
- ``affiliation``: where the anonymous source sits ("a White House official").
- ``several_sources``: more than one source ("two officials", "several people").
- ``corroboration``: another named party confirms it nearby ("the ministry confirmed").
- ``other_outlet``: the source is another news organisation ("according to Reuters").
- ``hedged_cue``: a hedge on top of an attribution ("he reportedly told").
- ``bare_hedge``: a hedge with no source at all ("reportedly", "it is understood").
- ``opinion`` / ``attack``: the attributed material is opinion or a personal attack.
- ``declined_to_comment``: a source declines to comment ("would not comment").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from attribution.lexicon import Lexicon as Lexicon
from attribution.lexicon import lexicon as lexicon
from attribution.records import (
    ANONYMOUS_TYPES,
    UNATTRIBUTED_ID,
    Attribution,
    Hedge,
    HedgeKind,
    Speaker,
    TextSpan,
)
from attribution.spans import (
    char_span,
    has_case,
    lemma_of,
    negated,
    subtree_span,
    token_inside,
    tokens_span,
)
from attribution.types import ParsedDocument, Sentence, Token

VAGUE_GROUP: HedgeKind = "vague_group"
ANONYMOUS_FORMULA: HedgeKind = "anonymous_formula"
KNOWLEDGE_BASIS: HedgeKind = "knowledge_basis"
ANONYMITY_REASON: HedgeKind = "anonymity_reason"
AFFILIATION: HedgeKind = "affiliation"
SEVERAL_SOURCES: HedgeKind = "several_sources"
CORROBORATION: HedgeKind = "corroboration"
OTHER_OUTLET: HedgeKind = "other_outlet"
HEDGED_CUE: HedgeKind = "hedged_cue"
BARE_HEDGE: HedgeKind = "bare_hedge"
OPINION: HedgeKind = "opinion"
ATTACK: HedgeKind = "attack"
DECLINED_TO_COMMENT: HedgeKind = "declined_to_comment"

NAMED_PERSON_TYPE = "named_person"
MEDIA_TYPE = "media"

#: Relations whose subtree is not part of a clause's claim.
#: Tokens at which a claim's clause is cut ("... Macron — a claim denied by ...").
_NEGATED_PREFIX = "un"  # "unauthorized to speak"
_MIN_SEVERAL = 2
_ORG_CASES = frozenset({"at", "in", "from", "within", "inside", "for", "of", "with", "to"})
_NAME_RELATIONS = frozenset({"flat", "compound", "appos"})
_PLURAL_XPOS = frozenset({"NNS", "NNPS"})
_INHERENTLY_PLURAL = frozenset({"people", "some", "many", "other", "several", "others"})
_DETERMINERS = frozenset({"the"})


# The word lists (``Lexicon``, ``lexicon()``) are loaded with every other list by
# attribution/lexicon.py; the names stay importable from here.

# --------------------------------------------------------------------------- spans


def _span_tokens(doc: ParsedDocument, span: TextSpan) -> tuple[Sentence, tuple[Token, ...]] | None:
    """Return the sentence of ``span`` and its tokens that overlap the span."""
    sent = doc.sentence_at(span.start)
    if sent is None:
        return None
    toks = tuple(t for t in sent.tokens if t.start < span.end and t.end > span.start)
    return (sent, toks) if toks else None


def _phrase_head(toks: Sequence[Token]) -> Token:
    """Return the first token of ``toks`` whose governor lies outside them."""
    inside = {t.index for t in toks}
    for t in toks:
        if t.head not in inside:
            return t
    return toks[0]


def _number_value(tok: Token) -> int | None:
    text = tok.text.replace(",", "")
    return int(text) if text.isdigit() else None


# ----------------------------------------------------------------- source phrase signals


@dataclass(frozen=True, slots=True)
class _Signals:
    """What one attribution's source phrase and clause say about its sourcing."""

    hedges: tuple[Hedge, ...]
    basis: TextSpan | None
    reason: TextSpan | None


def _is_plural(tok: Token) -> bool:
    return (
        "Number=Plur" in tok.feats
        or tok.xpos in _PLURAL_XPOS
        or lemma_of(tok) in _INHERENTLY_PLURAL
        or tok.text.lower() in _INHERENTLY_PLURAL
    )


def _has_name(sent: Sentence, head: Token) -> bool:
    """Return whether the phrase headed by ``head`` names someone (a PROPN head or appositive)."""
    if head.upos == "PROPN":
        return True
    return any(
        c.upos == "PROPN" and c.base_deprel in ("appos", "flat") for c in sent.children(head.index)
    )


def _several(sent: Sentence, head: Token, lex: Lexicon) -> Token | None:
    """Return the numeral or quantifier that makes ``head`` several sources."""
    for c in sent.children(head.index):
        if c.base_deprel not in ("nummod", "amod", "det"):
            continue
        value = _number_value(c)
        if (value is not None and value >= _MIN_SEVERAL) or lemma_of(c) in lex.several_words:
            return c
    return None


def _denotes_people(head: Token, lex: Lexicon) -> bool:
    """Return whether a source head is a noun for people ("official", "aides", "spokeswoman")."""
    lemma = lemma_of(head)
    return (
        lemma in lex.anonymous_nouns or lemma in lex.vague_group_nouns or lemma in lex.person_nouns
    )


def _affiliations(doc: ParsedDocument, sent: Sentence, head: Token, lex: Lexicon) -> list[Hedge]:
    """Find where an anonymous source sits: "White House official", "a source in the ministry".

    Only on a head that denotes people: "Mrs. Clinton's tax plan" has no affiliation.
    """
    out: list[Hedge] = []
    if not _denotes_people(head, lex):
        return out
    for c in sent.children(head.index):
        rel = c.base_deprel
        if rel == "compound" and c.upos in ("PROPN", "NOUN"):
            out.append(Hedge(subtree_span(doc, sent, c.index), AFFILIATION))
        elif rel == "amod" and c.upos == "ADJ" and c.text[:1].isupper() and c.start > sent.start:
            out.append(Hedge(subtree_span(doc, sent, c.index), AFFILIATION))
        elif (
            rel == "nmod"
            and c.deprel != "nmod:poss"
            and c.upos in ("NOUN", "PROPN")
            and has_case(sent, c, _ORG_CASES)
            and lemma_of(c) not in lex.knowledge_nouns
            and lemma_of(c) not in lex.time_nouns
        ):
            out.append(Hedge(subtree_span(doc, sent, c.index), AFFILIATION))
        elif c.deprel == "nmod:poss" and c.upos in ("PROPN", "NOUN"):
            out.append(Hedge(subtree_span(doc, sent, c.index), AFFILIATION))
    return out


def _adjective_basis(
    doc: ParsedDocument, sent: Sentence, adj: Token, lex: Lexicon
) -> TextSpan | None:
    """Return "familiar with the visit" when ``adj`` is a knowledge adjective with its oblique."""
    prep = dict(lex.knowledge_adjectives).get(lemma_of(adj))
    if prep is None:
        return None
    obl = next((g for g in sent.children(adj.index) if has_case(sent, g, (prep,))), None)
    if obl is None:
        return None
    return char_span(doc, adj.start, subtree_span(doc, sent, obl.index).end)


def _knowledge(doc: ParsedDocument, sent: Sentence, head: Token, lex: Lexicon) -> TextSpan | None:
    """Find the stated knowledge basis on the source phrase ("familiar with", "who attended").

    The adjective may modify the noun ("a source [amod familiar] with ...") or,
    in a small-clause parse, govern it ("[nsubj a source] familiar with ...").
    """
    around = [head]
    if head.head >= 0 and head.base_deprel == "nsubj":
        around.append(sent.tokens[head.head])
    for adj in around:
        basis = _adjective_basis(doc, sent, adj, lex)
        if basis is not None:
            return basis
    for c in sent.children(head.index):
        lemma = lemma_of(c)
        if c.base_deprel in ("amod", "acl", "nmod"):
            basis = _adjective_basis(doc, sent, c, lex)
            if basis is not None:
                return basis
        if (
            c.base_deprel == "nmod"
            and lemma in lex.knowledge_nouns
            and has_case(sent, c, ("with",))
        ):
            return subtree_span(doc, sent, c.index)
        if c.base_deprel == "acl" and lemma in lex.knowledge_verbs and not negated(sent, c):
            return subtree_span(doc, sent, c.index)
    return None


def _not_authorized(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "not authorized to speak", "unauthorized to discuss", "not allowed to comment"."""
    lemma = lemma_of(tok)
    prefixed = lemma.startswith(_NEGATED_PREFIX) and lemma[len(_NEGATED_PREFIX) :] in {
        _lemma_of_participle(v) for v in lex.authorize_verbs
    }
    if lemma not in lex.authorize_verbs and not prefixed:
        return False
    speaks = any(
        c.base_deprel in ("xcomp", "advcl", "ccomp") and lemma_of(c) in lex.speech_verbs
        for c in sent.children(tok.index)
    )
    return speaks and (prefixed or negated(sent, tok))


def _lemma_of_participle(verb: str) -> str:
    """Return the participle of a regular verb lemma (``authorize`` -> ``authorized``)."""
    return verb + "d" if verb.endswith("e") else verb + "ed"


def _asked_not_named(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "asked not to be named", "declined to be identified" (naming verb under a request)."""
    if lemma_of(tok) not in lex.naming_verbs or tok.head < 0:
        return False
    gov = sent.tokens[tok.head]
    return tok.base_deprel in ("xcomp", "ccomp", "advcl") and lemma_of(gov) in lex.request_verbs


def _clause_signals(
    doc: ParsedDocument, sent: Sentence, scope: Sequence[Token], lex: Lexicon
) -> tuple[list[Hedge], TextSpan | None]:
    """Find anonymity formulas and reasons in the attribution's clause (outside its content)."""
    hedges: list[Hedge] = []
    reason: TextSpan | None = None
    for tok in scope:
        lemma = lemma_of(tok)
        if lemma in lex.anonymity_nouns:
            hedges.append(Hedge(_anonymity_phrase(doc, sent, tok, lex), ANONYMOUS_FORMULA))
        elif _not_authorized(sent, tok, lex):
            reason = reason or _predicate_span(doc, sent, tok)
            hedges.append(Hedge(reason, ANONYMITY_REASON))
        elif _asked_not_named(sent, tok, lex):
            gov = sent.tokens[tok.head]
            hedges.append(Hedge(char_span(doc, gov.start, tok.end), ANONYMOUS_FORMULA))
    if hedges and reason is None:
        for tok in scope:
            if tok.base_deprel == "advcl" and any(
                c.base_deprel == "mark" and lemma_of(c) in lex.reason_markers
                for c in sent.children(tok.index)
            ):
                reason = subtree_span(doc, sent, tok.index)
                hedges.append(Hedge(reason, ANONYMITY_REASON))
                break
    return hedges, reason


def _anonymity_phrase(doc: ParsedDocument, sent: Sentence, tok: Token, lex: Lexicon) -> TextSpan:
    """Return "speaking on condition of anonymity" around the word ``anonymity``."""
    top = tok
    for anc in sent.ancestors(tok.index):
        if anc.upos in ("NOUN", "PROPN"):
            top = anc
            continue
        if anc.upos == "VERB" and lemma_of(anc) in lex.speech_verbs:
            pp = subtree_span(doc, sent, top.index)
            return char_span(doc, min(anc.start, pp.start), max(anc.end, pp.end))
        break
    return subtree_span(doc, sent, top.index)


def _predicate_span(doc: ParsedDocument, sent: Sentence, tok: Token) -> TextSpan:
    """Return a predicate's subtree without subject or marker ("was not authorized to speak")."""
    drop = {
        t.index
        for c in sent.children(tok.index)
        if c.base_deprel in ("nsubj", "mark", "punct", "cc")
        for t in sent.subtree(c.index)
    }
    span = tokens_span(doc, (t for t in sent.subtree(tok.index) if t.index not in drop))
    assert span is not None  # ``tok`` itself is kept
    return span


def _outlet(sent: Sentence, head: Token, lex: Lexicon) -> bool:
    """Return whether the phrase names a news outlet ("Reuters", "The New York Times")."""
    words = [
        t
        for t in sent.tokens
        if t.index == head.index
        or (t.head == head.index and t.base_deprel in _NAME_RELATIONS and t.upos == "PROPN")
    ]
    name = " ".join(t.text.lower() for t in words if t.text.lower() not in _DETERMINERS)
    if name in lex.outlet_names:
        return True
    return lemma_of(head) in lex.outlet_nouns and head.upos == "NOUN"


def _source_signals(
    doc: ParsedDocument,
    att: Attribution,
    speaker: Speaker | None,
    lex: Lexicon,
) -> _Signals:
    """Collect the sourcing signals of one attribution's source phrase and clause."""
    hedges: list[Hedge] = []
    basis: TextSpan | None = None
    reason: TextSpan | None = None
    anonymous = speaker is not None and (speaker.anonymous or speaker.type in ANONYMOUS_TYPES)
    located = _span_tokens(doc, att.source) if att.source is not None else None
    if located is not None and att.source is not None:
        sent, toks = located
        head = _phrase_head(toks)
        named = _has_name(sent, head) or (speaker is not None and speaker.type == NAMED_PERSON_TYPE)
        lemma = lemma_of(head)
        if speaker is None:
            anonymous = not named and lemma in (lex.anonymous_nouns | lex.vague_group_nouns)
        if (speaker is not None and speaker.type == MEDIA_TYPE) or _outlet(sent, head, lex):
            hedges.append(Hedge(att.source, OTHER_OUTLET))
        if anonymous and not named:
            several = _several(sent, head, lex)
            basis = _knowledge(doc, sent, head, lex)
            affiliations = _affiliations(doc, sent, head, lex)
            if several is not None:
                hedges.append(Hedge(char_span(doc, several.start, several.end), SEVERAL_SOURCES))
            elif (
                lemma in lex.vague_group_nouns
                and _is_plural(head)
                and basis is None
                and not affiliations
            ):
                # nothing but "officials say": AP asks for the most specific description
                hedges.append(Hedge(_source_with_cue(doc, att), VAGUE_GROUP))
            if basis is not None:
                hedges.append(Hedge(char_span(doc, att.source.start, basis.end), ANONYMOUS_FORMULA))
                hedges.append(Hedge(basis, KNOWLEDGE_BASIS))
            hedges.extend(affiliations)
    clause = _span_tokens(doc, att.cue.span) if att.cue is not None else located
    if clause is not None and anonymous:
        sent, _ = clause
        scope = [t for t in sent.tokens if not token_inside(t, att.content)]
        found, reason = _clause_signals(doc, sent, scope, lex)
        hedges.extend(found)
    return _Signals(tuple(hedges), basis, reason)


def _mention_signals(doc: ParsedDocument, speaker: Speaker, lex: Lexicon) -> _Signals:
    """Collect the knowledge basis and affiliation stated on any mention of ``speaker``.

    "A source familiar with the visit told AFP ... the source said": the second
    attribution inherits what the first mention says about the same source.
    """
    hedges: list[Hedge] = []
    basis: TextSpan | None = None
    for mention in speaker.mentions:
        located = _span_tokens(doc, mention)
        if located is None:
            continue
        sent, toks = located
        head = _phrase_head(toks)
        found = _knowledge(doc, sent, head, lex)
        if found is not None and basis is None:
            basis = found
            hedges.append(Hedge(found, KNOWLEDGE_BASIS))
        hedges.extend(_affiliations(doc, sent, head, lex))
    return _Signals(tuple(hedges), basis, None)


def _source_with_cue(doc: ParsedDocument, att: Attribution) -> TextSpan:
    """Return "officials say": the source joined to its cue when only blanks separate them."""
    assert att.source is not None
    if att.cue is None:
        return att.source
    first, second = sorted((att.source, att.cue.span), key=lambda s: s.start)
    if first.end <= second.start and not doc.text[first.end : second.start].strip():
        return char_span(doc, first.start, second.end)
    return att.source


# ----------------------------------------------------------------- cue and content signals


def _cue_signals(doc: ParsedDocument, att: Attribution, lex: Lexicon) -> list[Hedge]:
    """Find hedges on the reporting act and opinion/attack/declined signals of the cue."""
    if att.cue is None:
        return []
    located = _span_tokens(doc, att.cue.span)
    if located is None:
        return []
    sent, toks = located
    head = _phrase_head(toks)
    out: list[Hedge] = []
    cue_ids = {t.index for t in toks}
    bare = any(h.kind == BARE_HEDGE for h in att.hedges)  # the hedge is the cue itself
    for tok in sent.tokens:
        on_cue = tok.index in cue_ids or tok.head in cue_ids
        if lemma_of(tok) in lex.hedge_adverbs and on_cue and not bare:
            out.append(Hedge(char_span(doc, tok.start, tok.end), HEDGED_CUE))
    lemmas = {lemma_of(t) for t in toks} | {att.cue.lemma.lower()}
    if lemmas & lex.opinion_cues:
        out.append(Hedge(att.cue.span, OPINION))
    if lemmas & lex.attack_cues:
        out.append(Hedge(att.cue.span, ATTACK))
    if declines(sent, head, lex):
        out.append(Hedge(att.cue.span, DECLINED_TO_COMMENT))
    return out


def declines(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "declined to comment", "refused comment", "would not comment", "did not respond"."""
    lemma = lemma_of(tok)
    if lemma in lex.decline_verbs:
        return any(
            lemma_of(c) in lex.comment_verbs and c.base_deprel in ("xcomp", "obj", "ccomp")
            for c in sent.children(tok.index)
        )
    return lemma in lex.comment_verbs and negated(sent, tok)


def _content_attacks(doc: ParsedDocument, att: Attribution, lex: Lexicon) -> list[Hedge]:
    """Find the first pejorative word inside the attributed content (a personal attack)."""
    hit = next(
        (
            t
            for s in doc.sentences_over(att.content.start, att.content.end)
            for t in s.tokens
            if token_inside(t, att.content) and lemma_of(t) in lex.pejorative_words
        ),
        None,
    )
    return [] if hit is None else [Hedge(char_span(doc, hit.start, hit.end), ATTACK)]


def _corroborations(
    doc: ParsedDocument, att: Attribution, others: Sequence[Attribution], lex: Lexicon
) -> list[Hedge]:
    """Find a different source confirming nearby ("the ministry confirmed the visit")."""
    here = doc.sentence_at(att.content.start)
    if here is None:
        return []
    out: list[Hedge] = []
    for other in others:
        if other.id == att.id or other.cue is None or other.speaker_id == att.speaker_id:
            continue
        if other.cue.lemma.lower() not in lex.corroboration_cues:
            continue
        there = doc.sentence_at(other.cue.span.start)
        if there is not None and abs(there.index - here.index) <= 1:
            out.append(Hedge(other.cue.span, CORROBORATION))
    return out[:1]


def _dedupe(hedges: Iterable[Hedge]) -> tuple[Hedge, ...]:
    seen: set[tuple[int, int, str]] = set()
    out: list[Hedge] = []
    for h in hedges:
        key = (h.span.start, h.span.end, h.kind)
        if key not in seen:
            seen.add(key)
            out.append(h)
    return tuple(sorted(out, key=lambda h: (h.span.start, h.span.end, h.kind)))


def detect(
    doc: ParsedDocument,
    attributions: tuple[Attribution, ...],
    speakers: tuple[Speaker, ...],
) -> tuple[Attribution, ...]:
    """Return ``attributions`` with ``hedges`` and ``justification`` filled.

    Existing hedges (an unattributed claim's ``bare_hedge``) are kept. The
    justification is the stated knowledge basis when there is one, else the
    stated reason for anonymity (AP: "explain why the source requested
    anonymity"; Reuters: say how the source knows).
    """
    lex = lexicon()
    by_id = {s.id: s for s in speakers}
    out: list[Attribution] = []
    for att in attributions:
        speaker = by_id.get(att.speaker_id) if att.speaker_id is not None else None
        signals = _source_signals(doc, att, speaker, lex)
        inherited = _Signals((), None, None)
        if speaker is not None and speaker.type in ANONYMOUS_TYPES:
            inherited = _mention_signals(doc, speaker, lex)
        hedges = [
            *att.hedges,
            *signals.hedges,
            *(h for h in inherited.hedges if h.kind not in {x.kind for x in signals.hedges}),
            *_cue_signals(doc, att, lex),
            *_content_attacks(doc, att, lex),
        ]
        anonymous = speaker is not None and (speaker.anonymous or speaker.type in ANONYMOUS_TYPES)
        if anonymous and att.speaker_id != UNATTRIBUTED_ID:
            hedges.extend(_corroborations(doc, att, attributions, lex))
        justification = att.justification or signals.basis or signals.reason or inherited.basis
        out.append(replace(att, hedges=_dedupe(hedges), justification=justification))
    return tuple(out)
