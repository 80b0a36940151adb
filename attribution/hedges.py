"""Hedges and anonymity signals on attributions, and claims with no source at all.

Signals are found on lemmas and dependency relations (UD v2), never on surface
strings; the word lists live in ``attribution/data/hedges.yaml``. What is looked
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

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from attribution.records import Attribution, Cue, Hedge, Speaker, TextSpan
from attribution.resources import load_yaml
from attribution.types import ParsedDocument, Sentence, Token

LEXICON_FILE = "hedges.yaml"

VAGUE_GROUP = "vague_group"
ANONYMOUS_FORMULA = "anonymous_formula"
KNOWLEDGE_BASIS = "knowledge_basis"
ANONYMITY_REASON = "anonymity_reason"
AFFILIATION = "affiliation"
SEVERAL_SOURCES = "several_sources"
CORROBORATION = "corroboration"
OTHER_OUTLET = "other_outlet"
HEDGED_CUE = "hedged_cue"
BARE_HEDGE = "bare_hedge"
OPINION = "opinion"
ATTACK = "attack"
DECLINED_TO_COMMENT = "declined_to_comment"

#: Speaker id and record for claims nobody in the text stands behind.
UNATTRIBUTED_ID = "unattributed"
UNATTRIBUTED_SPEAKER = Speaker(
    id=UNATTRIBUTED_ID, name="(unattributed)", type="unattributed", anonymous=True
)
UNATTRIBUTED_SIEVE = "hedges.unattributed"
DECLINED_SIEVE = "hedges.declined"

ANONYMOUS_TYPES = frozenset({"anonymous_person", "anonymous_group", "unattributed"})
NAMED_PERSON_TYPE = "named_person"
MEDIA_TYPE = "media"

#: Relations whose subtree is not part of a clause's claim.
_CLAUSE_DROP = frozenset({"punct", "parataxis", "discourse", "vocative", "cc", "mark"})
#: Tokens at which a claim's clause is cut ("... Macron — a claim denied by ...").
_CLAUSE_BREAKS = frozenset({"—", "–", "--", "-–", ";", "―"})
_NEGATORS = frozenset({"not", "never", "n't", "no"})
_NEGATED_PREFIX = "un"  # "unauthorized to speak"
_MIN_SEVERAL = 2
_ORG_CASES = frozenset({"at", "in", "from", "within", "inside", "for", "of", "with", "to"})
_NAME_RELATIONS = frozenset({"flat", "compound", "appos"})
_PLURAL_XPOS = frozenset({"NNS", "NNPS"})
_INHERENTLY_PLURAL = frozenset({"people", "some", "many", "other", "several", "others"})
_DETERMINERS = frozenset({"the"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The lemma lists of ``hedges.yaml``, as frozen sets."""

    vague_group_nouns: frozenset[str]
    anonymous_nouns: frozenset[str]
    person_nouns: frozenset[str]
    time_nouns: frozenset[str]
    several_words: frozenset[str]
    knowledge_adjectives: tuple[tuple[str, str], ...]
    knowledge_nouns: frozenset[str]
    knowledge_verbs: frozenset[str]
    authorize_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    request_verbs: frozenset[str]
    naming_verbs: frozenset[str]
    anonymity_nouns: frozenset[str]
    reason_markers: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_passive_verbs: frozenset[str]
    opinion_cues: frozenset[str]
    attack_cues: frozenset[str]
    pejorative_words: frozenset[str]
    corroboration_cues: frozenset[str]
    decline_verbs: frozenset[str]
    comment_verbs: frozenset[str]
    outlet_nouns: frozenset[str]
    outlet_names: frozenset[str]


@cache
def lexicon() -> Lexicon:
    """Load ``hedges.yaml`` once; every word is lower-cased."""
    raw = load_yaml(LEXICON_FILE)
    sets = {
        name: frozenset(str(w).lower() for w in raw.get(name) or ())
        for name in Lexicon.__dataclass_fields__
        if name != "knowledge_adjectives"
    }
    adjectives = tuple(
        (str(a).lower(), str(p).lower()) for a, p in (raw.get("knowledge_adjectives") or {}).items()
    )
    return Lexicon(knowledge_adjectives=adjectives, **sets)


# --------------------------------------------------------------------------- spans


def _lemma(tok: Token) -> str:
    return (tok.lemma if tok.lemma not in ("", "_") else tok.text).lower()


def _span(doc: ParsedDocument, start: int, end: int) -> TextSpan:
    return TextSpan(start, end, doc.text[start:end])


def _tokens_span(doc: ParsedDocument, tokens: Iterable[Token]) -> TextSpan | None:
    toks = list(tokens)
    if not toks:
        return None
    return _span(doc, min(t.start for t in toks), max(t.end for t in toks))


def _subtree_span(doc: ParsedDocument, sent: Sentence, i: int) -> TextSpan:
    span = _tokens_span(doc, sent.subtree(i))
    assert span is not None  # a subtree always holds its root
    return span


def _sentence_at(doc: ParsedDocument, offset: int) -> Sentence | None:
    """Return the sentence whose extent holds ``offset`` (or the last one before it)."""
    starts = [s.start for s in doc.sentences]
    k = bisect.bisect_right(starts, offset) - 1
    if k < 0:
        return None
    return doc.sentences[k]


def _span_tokens(doc: ParsedDocument, span: TextSpan) -> tuple[Sentence, tuple[Token, ...]] | None:
    """Return the sentence of ``span`` and its tokens that overlap the span."""
    sent = _sentence_at(doc, span.start)
    if sent is None:
        return None
    toks = tuple(t for t in sent.tokens if t.start < span.end and t.end > span.start)
    return (sent, toks) if toks else None


def _phrase_head(sent: Sentence, toks: Sequence[Token]) -> Token:
    """Return the first token of ``toks`` whose governor lies outside them."""
    inside = {t.index for t in toks}
    for t in toks:
        if t.head not in inside:
            return t
    return toks[0]


def _inside(tok: Token, span: TextSpan | None) -> bool:
    return span is not None and tok.start >= span.start and tok.end <= span.end


def _negated(sent: Sentence, tok: Token) -> bool:
    """Return whether ``tok`` carries a negation (``not``, ``never``, Polarity=Neg)."""
    return any(
        _lemma(c) in _NEGATORS or "Polarity=Neg" in c.feats
        for c in sent.children(tok.index)
        if c.base_deprel in ("advmod", "neg", "det")
    )


def _has_case(sent: Sentence, tok: Token, preps: Iterable[str]) -> bool:
    wanted = set(preps)
    return any(c.base_deprel == "case" and _lemma(c) in wanted for c in sent.children(tok.index))


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
        or _lemma(tok) in _INHERENTLY_PLURAL
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
        if (value is not None and value >= _MIN_SEVERAL) or _lemma(c) in lex.several_words:
            return c
    return None


def _denotes_people(head: Token, lex: Lexicon) -> bool:
    """Return whether a source head is a noun for people ("official", "aides", "spokeswoman")."""
    lemma = _lemma(head)
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
            out.append(Hedge(_subtree_span(doc, sent, c.index), AFFILIATION))
        elif rel == "amod" and c.upos == "ADJ" and c.text[:1].isupper() and c.start > sent.start:
            out.append(Hedge(_subtree_span(doc, sent, c.index), AFFILIATION))
        elif (
            rel == "nmod"
            and c.deprel != "nmod:poss"
            and c.upos in ("NOUN", "PROPN")
            and _has_case(sent, c, _ORG_CASES)
            and _lemma(c) not in lex.knowledge_nouns
            and _lemma(c) not in lex.time_nouns
        ):
            out.append(Hedge(_subtree_span(doc, sent, c.index), AFFILIATION))
        elif c.deprel == "nmod:poss" and c.upos in ("PROPN", "NOUN"):
            out.append(Hedge(_subtree_span(doc, sent, c.index), AFFILIATION))
    return out


def _adjective_basis(
    doc: ParsedDocument, sent: Sentence, adj: Token, lex: Lexicon
) -> TextSpan | None:
    """Return "familiar with the visit" when ``adj`` is a knowledge adjective with its oblique."""
    prep = dict(lex.knowledge_adjectives).get(_lemma(adj))
    if prep is None:
        return None
    obl = next((g for g in sent.children(adj.index) if _has_case(sent, g, (prep,))), None)
    if obl is None:
        return None
    return _span(doc, adj.start, _subtree_span(doc, sent, obl.index).end)


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
        lemma = _lemma(c)
        if c.base_deprel in ("amod", "acl", "nmod"):
            basis = _adjective_basis(doc, sent, c, lex)
            if basis is not None:
                return basis
        if (
            c.base_deprel == "nmod"
            and lemma in lex.knowledge_nouns
            and _has_case(sent, c, ("with",))
        ):
            return _subtree_span(doc, sent, c.index)
        if c.base_deprel == "acl" and lemma in lex.knowledge_verbs and not _negated(sent, c):
            return _subtree_span(doc, sent, c.index)
    return None


def _not_authorized(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "not authorized to speak", "unauthorized to discuss", "not allowed to comment"."""
    lemma = _lemma(tok)
    prefixed = lemma.startswith(_NEGATED_PREFIX) and lemma[len(_NEGATED_PREFIX) :] in {
        _lemma_of_participle(v) for v in lex.authorize_verbs
    }
    if lemma not in lex.authorize_verbs and not prefixed:
        return False
    speaks = any(
        c.base_deprel in ("xcomp", "advcl", "ccomp") and _lemma(c) in lex.speech_verbs
        for c in sent.children(tok.index)
    )
    return speaks and (prefixed or _negated(sent, tok))


def _lemma_of_participle(verb: str) -> str:
    """Return the participle of a regular verb lemma (``authorize`` -> ``authorized``)."""
    return verb + "d" if verb.endswith("e") else verb + "ed"


def _asked_not_named(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "asked not to be named", "declined to be identified" (naming verb under a request)."""
    if _lemma(tok) not in lex.naming_verbs or tok.head < 0:
        return False
    gov = sent.tokens[tok.head]
    return tok.base_deprel in ("xcomp", "ccomp", "advcl") and _lemma(gov) in lex.request_verbs


def _clause_signals(
    doc: ParsedDocument, sent: Sentence, scope: Sequence[Token], lex: Lexicon
) -> tuple[list[Hedge], TextSpan | None]:
    """Find anonymity formulas and reasons in the attribution's clause (outside its content)."""
    hedges: list[Hedge] = []
    reason: TextSpan | None = None
    for tok in scope:
        lemma = _lemma(tok)
        if lemma in lex.anonymity_nouns:
            hedges.append(Hedge(_anonymity_phrase(doc, sent, tok, lex), ANONYMOUS_FORMULA))
        elif _not_authorized(sent, tok, lex):
            reason = reason or _predicate_span(doc, sent, tok)
            hedges.append(Hedge(reason, ANONYMITY_REASON))
        elif _asked_not_named(sent, tok, lex):
            gov = sent.tokens[tok.head]
            hedges.append(Hedge(_span(doc, gov.start, tok.end), ANONYMOUS_FORMULA))
    if hedges and reason is None:
        for tok in scope:
            if tok.base_deprel == "advcl" and any(
                c.base_deprel == "mark" and _lemma(c) in lex.reason_markers
                for c in sent.children(tok.index)
            ):
                reason = _subtree_span(doc, sent, tok.index)
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
        if anc.upos == "VERB" and _lemma(anc) in lex.speech_verbs:
            pp = _subtree_span(doc, sent, top.index)
            return _span(doc, min(anc.start, pp.start), max(anc.end, pp.end))
        break
    return _subtree_span(doc, sent, top.index)


def _predicate_span(doc: ParsedDocument, sent: Sentence, tok: Token) -> TextSpan:
    """Return a predicate's subtree without subject or marker ("was not authorized to speak")."""
    drop = {
        t.index
        for c in sent.children(tok.index)
        if c.base_deprel in ("nsubj", "mark", "punct", "cc")
        for t in sent.subtree(c.index)
    }
    span = _tokens_span(doc, (t for t in sent.subtree(tok.index) if t.index not in drop))
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
    return _lemma(head) in lex.outlet_nouns and head.upos == "NOUN"


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
        head = _phrase_head(sent, toks)
        named = _has_name(sent, head) or (speaker is not None and speaker.type == NAMED_PERSON_TYPE)
        lemma = _lemma(head)
        if speaker is None:
            anonymous = not named and lemma in (lex.anonymous_nouns | lex.vague_group_nouns)
        if (speaker is not None and speaker.type == MEDIA_TYPE) or _outlet(sent, head, lex):
            hedges.append(Hedge(att.source, OTHER_OUTLET))
        if anonymous and not named:
            several = _several(sent, head, lex)
            basis = _knowledge(doc, sent, head, lex)
            affiliations = _affiliations(doc, sent, head, lex)
            if several is not None:
                hedges.append(Hedge(_span(doc, several.start, several.end), SEVERAL_SOURCES))
            elif (
                lemma in lex.vague_group_nouns
                and _is_plural(head)
                and basis is None
                and not affiliations
            ):
                # nothing but "officials say": AP asks for the most specific description
                hedges.append(Hedge(_source_with_cue(doc, att), VAGUE_GROUP))
            if basis is not None:
                hedges.append(Hedge(_span(doc, att.source.start, basis.end), ANONYMOUS_FORMULA))
                hedges.append(Hedge(basis, KNOWLEDGE_BASIS))
            hedges.extend(affiliations)
    clause = _span_tokens(doc, att.cue.span) if att.cue is not None else located
    if clause is not None and anonymous:
        sent, _ = clause
        scope = [t for t in sent.tokens if not _inside(t, att.content)]
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
        head = _phrase_head(sent, toks)
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
        return _span(doc, first.start, second.end)
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
    head = _phrase_head(sent, toks)
    out: list[Hedge] = []
    cue_ids = {t.index for t in toks}
    bare = any(h.kind == BARE_HEDGE for h in att.hedges)  # the hedge is the cue itself
    for tok in sent.tokens:
        on_cue = tok.index in cue_ids or tok.head in cue_ids
        if _lemma(tok) in lex.hedge_adverbs and on_cue and not bare:
            out.append(Hedge(_span(doc, tok.start, tok.end), HEDGED_CUE))
    lemmas = {_lemma(t) for t in toks} | {att.cue.lemma.lower()}
    if lemmas & lex.opinion_cues:
        out.append(Hedge(att.cue.span, OPINION))
    if lemmas & lex.attack_cues:
        out.append(Hedge(att.cue.span, ATTACK))
    if _declines(sent, head, lex):
        out.append(Hedge(att.cue.span, DECLINED_TO_COMMENT))
    return out


def _declines(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match "declined to comment", "refused comment", "would not comment", "did not respond"."""
    lemma = _lemma(tok)
    if lemma in lex.decline_verbs:
        return any(
            _lemma(c) in lex.comment_verbs and c.base_deprel in ("xcomp", "obj", "ccomp")
            for c in sent.children(tok.index)
        )
    return lemma in lex.comment_verbs and _negated(sent, tok)


def _content_attacks(doc: ParsedDocument, att: Attribution, lex: Lexicon) -> list[Hedge]:
    """Find the first pejorative word inside the attributed content (a personal attack)."""
    hit = next(
        (
            t
            for s in doc.sentences
            if s.end > att.content.start and s.start < att.content.end
            for t in s.tokens
            if _inside(t, att.content) and _lemma(t) in lex.pejorative_words
        ),
        None,
    )
    return [] if hit is None else [Hedge(_span(doc, hit.start, hit.end), ATTACK)]


def _corroborations(
    doc: ParsedDocument, att: Attribution, others: Sequence[Attribution], lex: Lexicon
) -> list[Hedge]:
    """Find a different source confirming nearby ("the ministry confirmed the visit")."""
    here = _sentence_at(doc, att.content.start)
    if here is None:
        return []
    out: list[Hedge] = []
    for other in others:
        if other.id == att.id or other.cue is None or other.speaker_id == att.speaker_id:
            continue
        if other.cue.lemma.lower() not in lex.corroboration_cues:
            continue
        there = _sentence_at(doc, other.cue.span.start)
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


# ------------------------------------------------------------------ unattributed claims


def _claim_clause(doc: ParsedDocument, sent: Sentence, verb: Token, after: int) -> TextSpan | None:
    """Return the clause of ``verb`` without punctuation, cut at a dash after offset ``after``."""
    drop: set[int] = set()
    for c in sent.children(verb.index):
        if c.base_deprel in _CLAUSE_DROP:
            drop.update(t.index for t in sent.subtree(c.index))
    keep = [t for t in sent.subtree(verb.index) if t.index not in drop]
    cut = next((t.start for t in keep if t.start > after and t.text in _CLAUSE_BREAKS), None)
    if cut is not None:
        keep = [t for t in keep if t.start < cut]
    while keep and keep[-1].upos == "PUNCT":
        keep.pop()
    return _tokens_span(doc, keep)


def _passive_hedge(sent: Sentence, tok: Token, lex: Lexicon) -> bool:
    """Match agentless "it is understood that", "is said to have", "is believed to"."""
    if _lemma(tok) not in lex.hedge_passive_verbs or tok.upos != "VERB":
        return False
    kids = sent.children(tok.index)
    passive = any(c.deprel == "aux:pass" for c in kids)
    complement = any(c.base_deprel in ("ccomp", "xcomp") for c in kids)
    agent = any(c.deprel == "obl:agent" or _has_case(sent, c, ("by",)) for c in kids)
    return passive and complement and not agent


def _covered(tok: Token, attributions: Sequence[Attribution]) -> bool:
    """Return whether ``tok`` sits inside an existing attribution's content, cue or source."""
    for att in attributions:
        spans = (att.content, att.cue.span if att.cue else None, att.source)
        if any(_inside(tok, s) for s in spans):
            return True
    return False


def _bare_hedges(sent: Sentence, lex: Lexicon) -> Iterable[tuple[Token, Token]]:
    """Yield (hedge word, claim verb) for each bare hedge of ``sent``.

    The claim of "it is understood that X" is X; of "he is said to have left"
    the whole clause; of "Rabat allegedly used it" the clause of "used".
    """
    for tok in sent.tokens:
        if _lemma(tok) in lex.hedge_adverbs or tok.text.lower() in lex.hedge_adverbs:
            yield tok, (sent.tokens[tok.head] if tok.head >= 0 else tok)
        elif _passive_hedge(sent, tok, lex):
            ccomp = next((c for c in sent.children(tok.index) if c.base_deprel == "ccomp"), None)
            yield tok, (ccomp or tok)


def unattributed_claims(
    doc: ParsedDocument, attributions: tuple[Attribution, ...]
) -> tuple[Attribution, ...]:
    """Return claims carried by a bare hedge with no source ("Rabat allegedly used it").

    Each is an ``indirect`` attribution whose speaker is :data:`UNATTRIBUTED_SPEAKER`
    (add that record to the speakers when any is returned), whose cue is the
    hedge word (stance ``distancing``) and whose content is the hedged clause.
    Hedges inside an existing attribution are left to :func:`detect`.
    """
    lex = lexicon()
    out: list[Attribution] = []
    for sent in doc.sentences:
        for hedge_tok, verb in _bare_hedges(sent, lex):
            if _covered(hedge_tok, attributions) or _covered(verb, attributions):
                continue
            content = _claim_clause(doc, sent, verb, hedge_tok.end)
            if content is None:
                continue
            cue_span = _hedge_span(doc, sent, hedge_tok)
            out.append(
                Attribution(
                    id=f"{UNATTRIBUTED_ID}-{len(out) + 1}",
                    kind="indirect",
                    content=content,
                    cue=Cue(cue_span, _lemma(hedge_tok), "distancing"),
                    speaker_id=UNATTRIBUTED_ID,
                    hedges=(Hedge(cue_span, BARE_HEDGE),),
                    sieve=UNATTRIBUTED_SIEVE,
                )
            )
    return tuple(out)


def _hedge_span(doc: ParsedDocument, sent: Sentence, tok: Token) -> TextSpan:
    """Return the hedge words: the adverb, or "it is understood" / "is said"."""
    if tok.upos == "ADV":
        return _span(doc, tok.start, tok.end)
    parts = [
        c
        for c in sent.children(tok.index)
        if c.deprel in ("aux:pass", "expl", "expl:pass")
        or (c.deprel == "nsubj:pass" and c.upos == "PRON")
    ]
    return _span(doc, min([tok.start, *(c.start for c in parts)]), tok.end)


def _leading_blanks(text: str) -> int:
    return len(text) - len(text.lstrip())


def declined_to_comment(doc: ParsedDocument) -> tuple[Attribution, ...]:
    """Return "A spokeswoman for Gantz would not comment on NSO" as attributions.

    Each has the subject as ``source`` (no speaker yet: the pipeline resolves
    it), the declining words as cue (stance ``other``), what was not commented
    on as content, and a ``declined_to_comment`` hedge. NPR and Reuters ask
    that a declined request for comment be reported; it is not a claim.
    """
    lex = lexicon()
    out: list[Attribution] = []
    for sent in doc.sentences:
        for tok in sent.tokens:
            if not _declines(sent, tok, lex):
                continue
            kids = sent.children(tok.index)
            subject = next((c for c in kids if c.base_deprel == "nsubj"), None)
            if subject is None:
                continue
            source = _subtree_span(doc, sent, subject.index)
            cue_toks = [tok, *(c for c in kids if c.base_deprel in ("aux", "advmod", "xcomp"))]
            cue_toks = [
                t for t in cue_toks if t.base_deprel != "xcomp" or _lemma(t) in lex.comment_verbs
            ]
            cue_toks = [t for t in cue_toks if t.base_deprel != "advmod" or _lemma(t) in _NEGATORS]
            cue_span = _tokens_span(doc, cue_toks)
            assert cue_span is not None
            clause = _claim_clause(doc, sent, tok, tok.end)
            content = cue_span
            if clause is not None and clause.end > cue_span.end:
                gap = _leading_blanks(doc.text[cue_span.end : clause.end])
                content = _span(doc, cue_span.end + gap, clause.end)
            out.append(
                Attribution(
                    id=f"declined-{len(out) + 1}",
                    kind="indirect",
                    content=content,
                    cue=Cue(cue_span, _lemma(tok), "other"),
                    source=source,
                    hedges=(Hedge(cue_span, DECLINED_TO_COMMENT),),
                    sieve=DECLINED_SIEVE,
                )
            )
    return tuple(out)
