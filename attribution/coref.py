"""Resolve mentions to entities: one :class:`Speaker` per real source.

A light, precision-first resolver in the spirit of the Stanford multi-pass
sieve (Lee et al. 2013). Mentions are taken in text order; each of
:data:`MENTION_PASSES` *proposes* candidate antecedents (earlier entities, or a
new entity) with features, and a :data:`Ranker` picks one. The default ranker,
:func:`sieve_ranker`, is the ordered sieve: the best candidate of the first
pass that proposes any. The :class:`EntityTable` records which pass chose:

1. ``name``: proper names, exact then surname/partial match ("Maddy-Weitzman"
   -> "Bruce Maddy-Weitzman");
2. ``construct``: appositives and predicate nominatives ("Athens, *the
   capital*"), for mentions other than sources;
3. ``pronoun``: pronouns -> the most recent compatible entity (Hobbs 1978's
   preference for close antecedents and subjects, with agreement and binding
   filters for mentions other than sources);
4. ``pronoun_subject``: failing that, a personal pronoun that is a source ->
   the most recent proper-name subject (news "he said" follows the last person
   named);
5. ``possessive``: possessives ("his office") -> an organization named after
   the resolved possessor ("Benny Gantz's office"), not the possessor;
6. ``definite_head``: definite descriptions sharing a head noun with an
   earlier entity ("the source" -> "a source familiar with the visit");
7. ``role``: definite role descriptions of a person that are sources ("said
   the Tel Aviv University professor") -> the most recent named person;
8. ``new``: anything left starts a new entity.

A :class:`LearnedRanker` (a log-linear mention ranker over
:func:`pair_features`, trained on GUM) may choose instead of the sieve.

The passes run over any mention: the sources of :func:`resolve` (the table
then holds speakers only, and an unknown noun heading a source is taken as a
person, since sources speak), or every mention of a document
(:func:`resolve_all`, as :mod:`evaluation.gum_coref` does on GUM's gold
mentions), where the table holds every entity and agreement in person, number,
gender and animacy filters the candidates. A relative pronoun ("Reid, who
said") stands for the noun its clause modifies (:func:`relative_antecedent`).
Then two document passes: quotations that continue another's paragraph
inherit its speaker, and speakers are numbered by first mention.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from attribution.cues import RELATIVE_PRONOUNS
from attribution.extract.common import Draft, Mention
from attribution.lexicon import lexicon
from attribution.records import ANONYMOUS_TYPES, Attribution, Speaker, SpeakerType, TextSpan
from attribution.speakers import (
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    Description,
    describe,
    name_ids,
    name_type,
    text_of,
)
from attribution.types import ParsedDocument, Sentence, Token

__all__ = [
    "MENTION_PASSES",
    "Candidate",
    "Coreference",
    "Description",
    "Draft",
    "Entity",
    "EntityTable",
    "LearnedRanker",
    "Mention",
    "MentionContext",
    "Ranker",
    "Resolution",
    "relative_antecedent",
    "resolve",
    "resolve_all",
    "resolve_detailed",
    "sieve_ranker",
]

#: The learned ranker's weights (:class:`LearnedRanker`).
RANKER_FILE = Path(__file__).resolve().parent / "models" / "coref_ranker.json"
#: At most this many candidates a pass (a ranker's choice; the sieve takes the first).
MAX_PER_PASS = 5
#: How many paragraphs back a pronoun or role description may reach (in characters).
PRONOUN_WINDOW = 1500
#: How many sentences back a third-person pronoun that is not a source may reach
#: (Lee et al. 2013 look three sentences back for pronouns).
PRONOUN_SENTENCES = 3
#: Entity types a proper name is matched against.
NAME_MATCH_TYPES = frozenset({"named_person", "organization", "media"})
#: Entity types each pronoun class may refer to (sources).
PERSON_TYPES = frozenset({"named_person", "anonymous_person"})
GROUP_TYPES = frozenset({"anonymous_group", "organization", "media"})
THING_TYPES = frozenset({"organization", "document", "media"})

#: Personal, possessive and reflexive pronoun forms -> the nominative lemma.
PRONOUN_LEMMAS: dict[str, str] = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
    **dict.fromkeys(("it", "its", "itself"), "it"),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves", "themself"), "they"),
    **dict.fromkeys(("i", "me", "my", "mine", "myself"), "i"),
    **dict.fromkeys(("we", "us", "our", "ours", "ourselves"), "we"),
    **dict.fromkeys(("you", "your", "yours", "yourself", "yourselves"), "you"),
}
REFLEXIVES = frozenset(w for w in PRONOUN_LEMMAS if w.endswith(("self", "selves")))
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
#: Subjects of a copula that do not refer to what the predicate names ("it is a
#: shame", "that is the question", "there is a man").
NON_REFERRING_SUBJECTS = frozenset({"it", "this", "that", "there", "what", "which"})
DEFINITE_DETERMINERS = frozenset({"the"}) | DEMONSTRATIVES
#: Common nouns that denote people, beyond the lexicon's source nouns (animacy,
#: as the gender/animacy lists of Bergsma and Lin 2006 and Ji and Lin 2009 supply it).
PERSON_NOUNS_EXTRA = frozenset(
    """man woman men women person people child children kid kids boy girl baby guy guys
    mother father mom dad parent parents son daughter brother sister husband wife family
    friend friends wife girlfriend boyfriend partner student students teacher teachers
    doctor doctors patient patients nurse author writer artist player players worker workers
    user users reader readers audience speaker speakers listener listeners participant
    participants member members citizen citizens resident residents king queen prince
    princess lord lady sir madam customer customers owner owners employee employees staff
    colleague colleagues neighbor neighbours neighbour neighbors victim victims soldier
    soldiers officer officers police scientist scientists researcher researchers team
    individual individuals someone somebody anyone anybody everyone everybody one host
    guest guests visitor visitors traveler travelers tourist tourists fan fans grandmother
    grandfather uncle aunt cousin nephew niece founder editor journalist reporter
    volunteer volunteers coach athlete actor actress singer musician poet painter
    """.split()
)
MASCULINE_NOUNS = frozenset(
    "man men boy boys father dad son brother husband boyfriend king prince lord sir "
    "grandfather uncle nephew actor guy".split()
)
FEMININE_NOUNS = frozenset(
    "woman women girl girls mother mom daughter sister wife girlfriend queen princess lady "
    "madam grandmother aunt niece actress".split()
)


@dataclass(frozen=True, slots=True)
class Agreement:
    """What a mention says about its referent, for filtering antecedents.

    ``None`` is unknown and agrees with anything (Lee et al. 2013, Section 3.3:
    number, gender, person and animacy attributes, unknown when not marked).
    """

    person: int = 3
    plural: bool | None = None
    gender: str | None = None
    animate: bool | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    """One mention of an entity, as the ranking features need it."""

    sentence: int
    head: int
    start: int
    end: int
    subject: bool
    governor: int
    pronoun: bool
    words: frozenset[str]
    norm: str = ""
    name: str | None = None


@dataclass(slots=True)
class Entity:
    """One entity under construction: its best name, type, role and mentions."""

    name: str
    type: SpeakerType
    role: str | None
    head_lemmas: set[str]
    mentions: list[TextSpan] = field(default_factory=list)
    last: int = 0
    refs: list[Ref] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)

    def agrees(self, a: Agreement) -> bool:
        """Tell whether ``a`` conflicts with none of the entity's mentions."""
        for b in self.agreements:
            if a.person != b.person:
                return False
            if a.plural is not None and b.plural is not None and a.plural != b.plural:
                return False
            if a.gender is not None and b.gender is not None and a.gender != b.gender:
                return False
            if a.animate is not None and b.animate is not None and a.animate != b.animate:
                return False
        return True

    def words(self) -> frozenset[str]:
        return frozenset().union(*(r.words for r in self.refs))


@dataclass(frozen=True, slots=True)
class Seed:
    """A new entity a pass proposes: its name, type, role and head lemma."""

    name: str
    type: SpeakerType
    role: str | None
    lemma: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An antecedent a pass proposes for a mention: an entity of the table or a new one.

    ``entity`` is the index of an existing entity, or None with ``seed`` set;
    ``name``, ``role`` and ``lemma`` are what joining adds to the entity (a
    longer name, a role, a head noun). ``features`` describe the pair for a
    ranker: the pass's position, the candidate's rank within the pass, its
    distance in sentences and whether its latest mention is a subject.
    """

    pass_name: str
    entity: int | None
    seed: Seed | None = None
    name: str | None = None
    role: str | None = None
    lemma: str | None = None
    features: tuple[tuple[str, float], ...] = ()


#: Picks one candidate for a mention, given the table so far; candidates come
#: grouped by pass, in pass order, best first.
Ranker = Callable[["EntityTable", "MentionContext", Sequence[Candidate]], Candidate]


@dataclass(frozen=True, slots=True)
class Resolution:
    """A mention, the entity (index in the table) it joined, and the pass that decided."""

    span: TextSpan
    entity: int
    pass_name: str


@dataclass(frozen=True, slots=True)
class Coreference:
    """What :func:`resolve_detailed` returns: :func:`resolve`'s pair plus the audit trail.

    ``speaker_ids[n]`` is the speaker id given to entity ``n`` of ``resolutions``.
    """

    attributions: tuple[Attribution, ...]
    speakers: tuple[Speaker, ...]
    resolutions: tuple[Resolution, ...]
    speaker_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MentionContext:
    """A mention as the passes see it: where it is, what it says, and whether it
    is a source (a speaker mention) or any mention of the document."""

    sentence: Sentence
    mention: Mention
    desc: Description
    source: bool = True
    head: int = -1
    agreement: Agreement = Agreement()

    @property
    def pos(self) -> int:
        return self.mention.span.start

    @property
    def head_token(self) -> Token:
        return self.sentence.tokens[self.head if self.head >= 0 else self.mention.head]

    def ref(self) -> Ref:
        """The mention as an entity keeps it; its words are the head and its premodifiers."""
        tok = self.head_token
        words = frozenset(
            t.lemma.lower()
            for t in self.sentence.tokens
            if self.mention.span.start <= t.start
            and t.index <= tok.index
            and t.upos in ("NOUN", "PROPN", "ADJ", "NUM")
        )
        return Ref(
            self.sentence.index,
            tok.index,
            self.mention.span.start,
            self.mention.span.end,
            tok.base_deprel in ("nsubj", "nsubj:pass"),
            tok.head,
            self.desc.form == "pronoun",
            words,
            normalize(self.mention.span.text),
            self.desc.name if self.desc.form == "name" else None,
        )


def normalize(text: str) -> str:
    """Lower-case a mention's text without a leading article or a trailing
    possessive ("The University's" -> "university"), for exact matching."""
    words = text.lower().replace("’", "'").split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    out = " ".join(words)
    return out[:-2] if out.endswith("'s") else out.rstrip("'")


def _name_matches(a: str, b: str) -> bool:
    """Tell whether name ``b`` is ``a`` or a tail/part of it ("Gantz" ~ "Benny Gantz")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    if len(wb) < len(wa):
        return wa[-len(wb) :] == wb or (len(wb) == 1 and wb[0] in wa)
    if len(wa) < len(wb):
        return wb[-len(wa) :] == wa or (len(wa) == 1 and wa[0] in wb)
    return False


def _propn_subjects(doc: ParsedDocument, before: int) -> list[tuple[int, str]]:
    """Return (offset, name) for person-like proper-name subjects before ``before``."""
    out: list[tuple[int, str]] = []
    for s in doc.sentences:
        if s.start >= before:
            break
        for t in s.tokens:
            if t.end > before:
                break
            if t.upos == "PROPN" and t.base_deprel == "nsubj":
                name = text_of(s, doc.text, name_ids(s, t.index))
                if name_type(name) == "named_person":
                    out.append((t.start, name))
    return out


class EntityTable:
    """The entities found so far in one document, the lookups the passes use,
    and a :class:`Resolution` for every mention resolved."""

    def __init__(self, doc: ParsedDocument) -> None:
        self.doc = doc
        self.entities: list[Entity] = []
        self.resolutions: list[Resolution] = []

    def new(self, name: str, stype: SpeakerType, role: str | None, lemma: str) -> int:
        """Start an entity; return its index."""
        self.entities.append(Entity(name, stype, role, {lemma.lower()}))
        return len(self.entities) - 1

    def recent(self, pos: int, types: frozenset[str]) -> int | None:
        """Return the entity of one of ``types`` mentioned last before ``pos``, within
        :data:`PRONOUN_WINDOW` (the earliest-created one on a tie)."""
        best: int | None = None
        for n, e in enumerate(self.entities):
            if e.type in types and e.last < pos and pos - e.last <= PRONOUN_WINDOW:
                if best is None or e.last > self.entities[best].last:
                    best = n
        return best

    def by_name(self, name: str) -> int | None:
        """Return the first named entity whose name ``name`` is or is part of."""
        for n, e in enumerate(self.entities):
            if e.type in NAME_MATCH_TYPES and _name_matches(e.name, name):
                return n
        return None

    def by_exact_name(self, name: str) -> int | None:
        """Return the first entity called exactly ``name``."""
        return next((n for n, e in enumerate(self.entities) if e.name == name), None)

    def person_antecedent(self, pos: int) -> str | None:
        """Name the person a pronoun at ``pos`` most likely means: the later of the
        last named-person speaker and the last (in-window) proper-name subject."""
        n = self.recent(pos, frozenset({"named_person"}))
        cands = _propn_subjects(self.doc, pos)
        if cands and (n is None or cands[-1][0] > self.entities[n].last):
            if pos - cands[-1][0] <= PRONOUN_WINDOW:
                return cands[-1][1]
        return self.entities[n].name if n is not None else None

    def attach(self, target: int, mc: MentionContext, pass_name: str) -> None:
        """Add the mention of ``mc`` to entity ``target``, resolved by ``pass_name``."""
        span = mc.mention.span
        ent = self.entities[target]
        ent.mentions.append(span)
        ent.last = max(ent.last, span.start)
        ent.refs.append(mc.ref())
        ent.agreements.append(mc.agreement)
        self.resolutions.append(Resolution(span, target, pass_name))

    def join(self, cand: Candidate, mc: MentionContext) -> int:
        """Apply the chosen candidate: create or update its entity, attach the mention."""
        if cand.entity is None:
            assert cand.seed is not None
            s = cand.seed
            target = self.new(s.name, s.type, s.role, s.lemma)
        else:
            target = cand.entity
        ent = self.entities[target]
        if cand.name is not None and len(cand.name) > len(ent.name):
            ent.name = cand.name
        if cand.role is not None and ent.role is None:
            ent.role = cand.role
        if cand.lemma is not None:
            ent.head_lemmas.add(cand.lemma)
        if not mc.source and mc.desc.form != "pronoun":
            ent.head_lemmas.add(mc.desc.head_lemma.lower())
        self.attach(target, mc, cand.pass_name)
        return target


# Mention preparation -------------------------------------------------------------


def _nearest_nominal(sent: Sentence, head: int) -> Token | None:
    """Return the noun or name right before word ``head`` (a relative pronoun)."""
    return next(
        (
            t
            for t in reversed(sent.tokens[:head])
            if t.upos in ("PROPN", "NOUN") and t.deprel != "compound"
        ),
        None,
    )


def _can_speak(tok: Token) -> bool:
    """Tell whether a word can head a speaker: a name, or a person, group,
    institution, outlet or document noun ("a claim" cannot say anything)."""
    lex = lexicon()
    low = tok.lemma.lower()
    return tok.upos == "PROPN" or any(
        low in words
        for words in (
            lex.person_nouns,
            lex.group_nouns,
            lex.organization_nouns,
            lex.outlet_nouns,
            lex.document_nouns,
            PERSON_NOUNS_EXTRA,
        )
    )


def relative_antecedent(
    sent: Sentence, head: int, span: tuple[int, int], source: bool = True
) -> tuple[int, tuple[int, int]]:
    """Replace a relative pronoun by the noun its clause modifies ("Reid, who said ...").

    A relative pronoun's clause is attached to the nominal it modifies (UD
    ``acl:relcl``; Huddleston and Pullum 2002, ch. 12), which is taken as its
    antecedent, widened to its whole name. For a source, the clause's verb is
    a speech verb, whose subject must be able to speak (a selectional
    restriction): when the parser attached the clause higher, to a noun that
    cannot ("a claim denied by Morocco which said ..."), the nominal right
    before the pronoun is taken instead, as English prefers low attachment of
    relative clauses (Cuetos and Mitchell 1988). Without an ``acl`` clause the
    nearest preceding noun or name stands in. Other mentions pass unchanged.
    """
    tok = sent.tokens[head]
    if not (tok.upos == "PRON" and tok.text.lower() in RELATIVE_PRONOUNS):
        return head, span
    near = _nearest_nominal(sent, head)
    ante = near
    clause = sent.tokens[tok.head] if tok.head >= 0 else None
    if clause is not None and clause.deprel.startswith("acl") and 0 <= clause.head < head:
        attached = sent.tokens[clause.head]
        if attached.upos in ("NOUN", "PROPN", "PRON", "NUM"):
            ante = attached
            if source and near is not None and not _can_speak(attached) and _can_speak(near):
                ante = near
    if ante is None:
        return head, span
    if ante.upos != "PROPN":
        return ante.index, (ante.start, ante.end)
    ids = name_ids(sent, ante.index)
    return ante.index, (sent.tokens[ids[0]].start, sent.tokens[ids[-1]].end)


def _plural(sent: Sentence, tok: Token, span: tuple[int, int]) -> bool:
    """A plural head, or coordinated nominals ("Morocco and Algeria")."""
    return "Number=Plur" in tok.feats or any(
        c.deprel == "conj" and span[0] <= c.start and c.end <= span[1]
        for c in sent.children(tok.index)
    )


def describe_mention(
    sent: Sentence, doc_text: str, head: int, span: tuple[int, int]
) -> Description:
    """:func:`attribution.speakers.describe`, with every personal, possessive and
    reflexive pronoun ("his", "its", "themselves") read as a pronoun of its
    nominative lemma."""
    tok = sent.tokens[head]
    low = tok.text.lower()
    if tok.upos == "PRON" and low in PRONOUN_LEMMAS:
        desc = describe(sent, doc_text, head, span)
        if desc.form == "pronoun":
            return desc
        lemma = PRONOUN_LEMMAS[low]
        group = lemma in GROUP_PRONOUNS
        ptype: SpeakerType = "anonymous_group" if group else "anonymous_person"
        return Description("pronoun", tok.text, ptype, None, lemma, group, True)
    return describe(sent, doc_text, head, span)


def _is_person_noun(tok: Token) -> bool:
    low = tok.lemma.lower()
    return low in lexicon().person_nouns or low in PERSON_NOUNS_EXTRA


def _pronoun_agreement(lemma: str) -> Agreement:
    if lemma in DEMONSTRATIVES:
        # "this", "that": things, facts and events, not people (Webber 1991).
        return Agreement(3, lemma in ("these", "those"), "n", False)
    if lemma == "they":
        # "they" takes up organizations and people alike (an organization's
        # number is left open below).
        return Agreement(3, True, None, None)
    person = 1 if lemma in ("i", "we") else 2 if lemma == "you" else 3
    plural = True if lemma == "we" else None if lemma == "you" else False
    gender = {"he": "m", "she": "f", "it": "n"}.get(lemma)
    animate = lemma != "it" if lemma in ("he", "she", "i", "we", "you", "it") else None
    return Agreement(person, plural, gender, animate)


def agreement_of(
    sent: Sentence, desc: Description, head: int, span: tuple[int, int], source: bool
) -> Agreement:
    """Read person, number, gender and animacy off a mention (Lee et al. 2013, 3.3).

    An unknown common noun is inanimate unless it heads a source: sources speak.
    """
    tok = sent.tokens[head]
    if desc.form == "pronoun":
        return _pronoun_agreement(PRONOUN_LEMMAS.get(tok.text.lower(), desc.head_lemma))
    if desc.type in ("organization", "media"):
        # Collective nouns and names take "it" or "they" (Quirk et al. 1985, 5.108).
        return Agreement(3, None, "n", None)
    if desc.form == "name":
        if tok.lemma.lower() in lexicon().time_nouns:
            return Agreement(3, False, "n", False)  # "Sunday", "May"
        return Agreement(3, _plural(sent, tok, span), None, True if source else None)
    low = tok.lemma.lower()
    animate = _is_person_noun(tok) or source
    gender = "m" if low in MASCULINE_NOUNS else "f" if low in FEMININE_NOUNS else None
    return Agreement(3, _plural(sent, tok, span), gender if animate else "n", animate)


def mention_context(doc: ParsedDocument, m: Mention, source: bool = True) -> MentionContext:
    """Describe mention ``m`` (its relative-pronoun antecedent, if it is one)."""
    sent = doc.sentences[m.sentence]
    head, span = relative_antecedent(sent, m.head, (m.span.start, m.span.end), source)
    desc = describe_mention(sent, doc.text, head, span)
    return MentionContext(sent, m, desc, source, head, agreement_of(sent, desc, head, span, source))


# Mention passes: each proposes candidate antecedents, best first ---------------------

MentionPass = Callable[[EntityTable, MentionContext], list[Candidate]]


def _one(
    pass_name: str,
    target: int | None,
    name: str | None = None,
    role: str | None = None,
    lemma: str | None = None,
) -> list[Candidate]:
    if target is None:
        return []
    return [Candidate(pass_name, target, name=name, role=role, lemma=lemma)]


def name_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Proper names: exact or partial string match (Lee et al. 2013, passes 2-5).

    News introduce a person in full and then use the surname ("Bruce
    Maddy-Weitzman" ... "Maddy-Weitzman"), so a name matches an earlier named
    entity it equals or ends/contains; the entity keeps the longest name and
    the first role given with a name.
    """
    desc = mc.desc
    if desc.form != "name":
        return []
    if not mc.source:
        return name_candidates(table, mc)
    target = table.by_name(desc.name)
    return _one("name", target, name=desc.name, role=desc.role)


def _earlier(ent: Entity, mc: MentionContext) -> list[Ref]:
    """The entity's mentions before ``mc`` that do not contain it (i-within-i)."""
    return [r for r in ent.refs if r.start < mc.pos and not _contains(r, mc)]


def _plain_name(name: str) -> bool:
    """A name of capitalised words only: "Benny Gantz", not "Journal of Australia",
    whose words are parts of a description, not of one name."""
    return all(w[:1].isupper() or not w[:1].isalpha() for w in name.split())


def name_candidates(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Rank the entities a name that is not a source may take up, latest first:
    first those with an earlier mention of the same text, regardless of case and
    article (Lee et al. 2013, pass 1: exact match), then those with an earlier
    name it is part of, or that is part of it (passes 2-5: "Gantz" ~ "Benny
    Gantz"). The table holds every mention, so a part match is only against
    names of capitalised words only, never against descriptions or pronouns."""
    norm = normalize(mc.mention.span.text)
    exact: list[tuple[int, int]] = []
    partial: list[tuple[int, int]] = []
    for n, ent in enumerate(table.entities):
        refs = [r for r in _earlier(ent, mc) if not r.pronoun]
        if any(r.norm == norm for r in refs):
            exact.append((-max(r.start for r in refs if r.norm == norm), n))
            continue
        named = [r for r in refs if r.name is not None]
        if _plain_name(mc.desc.name) and any(
            _plain_name(r.name or "") and _name_matches(r.name or "", mc.desc.name) for r in named
        ):
            partial.append((-max(r.start for r in named), n))
    ranked = [n for _, n in sorted(exact)] + [n for _, n in sorted(partial)]
    return [Candidate("name", n, name=mc.desc.name) for n in ranked]


def construct_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Appositives and predicate nominatives (Lee et al. 2013, pass 3: precise constructs).

    "John FitzGibbon, *2nd Earl of Clare*" (UD ``appos``) and "Athens is *the
    capital*" (a nominal predicate with ``cop``, its subject an earlier
    mention) name the entity they attach to. Only for mentions that are not
    sources: a source mention already spans its apposition.
    """
    if mc.source or mc.desc.form == "pronoun":
        return []
    tok = mc.head_token
    sent = mc.sentence
    anchors: set[int] = set()
    if tok.deprel == "appos" and tok.head >= 0:
        anchors.add(tok.head)
    if any(c.deprel == "cop" for c in sent.children(tok.index)):
        anchors |= {
            c.index
            for c in sent.children(tok.index)
            if c.base_deprel == "nsubj" and c.text.lower() not in NON_REFERRING_SUBJECTS
        }
    if not anchors:
        return []
    out: list[Candidate] = []
    for n, ent in enumerate(table.entities):
        if ent.agrees(mc.agreement) and any(
            r.sentence == sent.index and r.head in anchors and r.start < mc.pos for r in ent.refs
        ):
            out.append(Candidate("construct", n))
    return out[-1:]


def _pronoun_types(lemma: str) -> frozenset[str]:
    if lemma in PERSON_PRONOUNS:
        return PERSON_TYPES
    if lemma in GROUP_PRONOUNS:
        return GROUP_TYPES
    return THING_TYPES


def _contains(ref: Ref, mc: MentionContext) -> bool:
    return ref.start <= mc.mention.span.start and mc.mention.span.end <= ref.end


def pronoun_candidates(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Rank the entities a pronoun that is not a source may take up.

    Filters: agreement with every mention of the entity (Lee et al. 2013);
    no antecedent containing the pronoun (the i-within-i condition); a
    non-reflexive pronoun is not bound by a co-argument of its own verb
    (Chomsky 1981, binding principle B); a third
    person reaches :data:`PRONOUN_SENTENCES` back. Order: Hobbs (1978) walks
    the current sentence and then earlier ones, nearest first, subjects
    before other nominals; so: by sentence distance, then subjects first,
    then (current sentence) nearest or (earlier ones) leftmost.
    """
    tok = mc.head_token
    reflexive = tok.text.lower() in REFLEXIVES
    here = mc.sentence.index
    scored: list[tuple[tuple[int, int, int], int, Ref]] = []
    for n, ent in enumerate(table.entities):
        if not ent.agrees(mc.agreement):
            continue
        if not reflexive and any(
            r.sentence == here and r.governor == tok.head and r.governor >= 0 for r in ent.refs
        ):
            continue  # "Maria saw her": not Maria
        best: tuple[tuple[int, int, int], Ref] | None = None
        for ref in ent.refs:
            if ref.start >= mc.pos or _contains(ref, mc):
                continue
            dist = here - ref.sentence
            if mc.agreement.person == 3 and dist > PRONOUN_SENTENCES:
                continue
            key = (dist, 0 if ref.subject else 1, -ref.start if dist == 0 else ref.start)
            if best is None or key < best[0]:
                best = (key, ref)
        if best is not None:
            scored.append((best[0], n, best[1]))
    scored.sort(key=lambda x: x[0])
    return [
        Candidate(
            "pronoun",
            n,
            features=(("sentences", float(key[0])), ("subject", float(ref.subject))),
        )
        for key, n, ref in scored
    ]


def pronoun_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Pronouns -> the most recent compatible entity (Lee et al. 2013, pronoun pass).

    For a source, agreement is reduced to the pronoun class over the speakers
    found so far: person pronouns ("he", "she") to persons, group pronouns
    ("they") to groups and organizations, "it" to organizations, documents and
    media; recency is bounded by :data:`PRONOUN_WINDOW`, since news rarely
    carry a pronoun across paragraphs. Any other mention goes to
    :func:`pronoun_candidates`.
    """
    if mc.desc.form != "pronoun":
        return []
    if not mc.source:
        return pronoun_candidates(table, mc)
    return _one("pronoun", table.recent(mc.pos, _pronoun_types(mc.desc.head_lemma)))


def pronoun_subject_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """A personal pronoun source with no person speaker before it -> the last person named.

    News convention: "he said" continues with the person the story has just
    named, usually as a clause subject, even if that person has not been quoted
    yet (Lee et al. 2013 resolve pronouns to any mention, not only speakers).
    When every mention is in the table, the pronoun pass already saw them all.
    """
    if not mc.source or mc.desc.form != "pronoun" or mc.desc.head_lemma not in PERSON_PRONOUNS:
        return []
    name = table.person_antecedent(mc.pos)
    if name is None:
        return []
    target = table.by_name(name)
    if target is None:
        return [
            Candidate("pronoun_subject", None, Seed(name, "named_person", None, name.split()[-1]))
        ]
    return [Candidate("pronoun_subject", target)]


def possessive_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Possessives -> an entity named after the possessor ("his office" -> "Gantz’s office").

    The possessor is resolved first (a pronoun like a personal pronoun, a name
    as written); "X’s office", "X’s spokesman" then name one source across the
    article, as in news usage (cf. Lee et al. 2013 on possessive mentions). The
    possessed is not the possessor: "his office said" is Gantz's office, an
    organization, not Gantz. Among all mentions, a possessive description not
    seen before is left to the head-match pass.
    """
    desc = mc.desc
    if desc.form != "possessive":
        return []
    assert desc.possessor is not None
    sent = mc.sentence
    ptok = sent.tokens[desc.possessor]
    owner: str | None
    if ptok.upos == "PRON":
        owner = table.person_antecedent(mc.pos)
    else:
        owner = text_of(sent, table.doc.text, name_ids(sent, ptok.index))
    if owner is None:
        return []
    head_text = mc.head_token.text
    name = f"{owner}’s {head_text}" if not owner.endswith("s") else f"{owner}’ {head_text}"
    target = table.by_exact_name(name)
    if target is not None:
        return [Candidate("possessive", target)]
    if not mc.source:
        return []
    return [Candidate("possessive", None, Seed(name, desc.type, desc.role, desc.head_lemma))]


def _definite(mc: MentionContext) -> bool:
    """A definite article or demonstrative on the head, within the mention."""
    span = mc.mention.span
    return any(
        c.deprel == "det" and c.text.lower() in DEFINITE_DETERMINERS and span.start <= c.start
        for c in mc.sentence.children(mc.head_token.index)
    )


def definite_head_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Definite descriptions -> the latest earlier entity with the same head noun.

    Lee et al. (2013) strict head match: "the source" refers back to "a source
    familiar with the visit". Among sources, named persons are excluded (their
    role nouns are the role pass's business). Among all mentions, any nominal
    (definite, possessive or not) may match, provided its other content words
    appear in the entity (Lee et al.'s word inclusion: "the new law" does not
    take up "the old law") and the entity is not the mention's container.
    """
    desc = mc.desc
    ents = table.entities
    by_recency = sorted(range(len(ents)), key=lambda k: -ents[k].last)
    if mc.source:
        if desc.form != "description" or not _definite(mc):
            return []
        return [
            Candidate("definite_head", n)
            for n in by_recency
            if desc.head_lemma in ents[n].head_lemmas and ents[n].type != "named_person"
        ][:1]
    if desc.form not in ("description", "possessive"):
        return []
    ref = mc.ref()
    extra = ref.words - {desc.head_lemma}
    out: list[Candidate] = []
    for n in by_recency:
        ent = ents[n]
        if desc.head_lemma not in ent.head_lemmas or not ent.agrees(mc.agreement):
            continue
        earlier = _earlier(ent, mc)
        if not earlier or not extra <= ent.words():
            continue
        dist = mc.sentence.index - earlier[-1].sentence
        out.append(Candidate("definite_head", n, features=(("sentences", float(dist)),)))
    return out


def role_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Definite singular person-noun sources -> the most recent named person.

    News convention: after naming a source, a story refers back to them by
    role ("said the Tel Aviv University professor"); the role is kept if the
    person had none (cf. Lee et al. 2013, role appositives and predicate
    nominatives). Only sources: elsewhere "the man" need not be the last name.
    """
    desc = mc.desc
    if not mc.source or desc.form != "description" or not _definite(mc) or desc.plural:
        return []
    if desc.head_lemma not in lexicon().person_nouns:
        return []
    target = table.recent(mc.pos, frozenset({"named_person"}))
    return _one("role", target, role=desc.role or desc.name, lemma=desc.head_lemma)


def new_entity_pass(table: EntityTable, mc: MentionContext) -> list[Candidate]:
    """Anything no earlier pass resolved starts a new entity (Lee et al. 2013: a
    mention left unlinked is a singleton); an unresolved pronoun names nobody."""
    desc = mc.desc
    stype: SpeakerType = "unattributed" if desc.form == "pronoun" else desc.type
    return [Candidate("new", None, Seed(desc.name, stype, desc.role, desc.head_lemma))]


#: The mention passes, most precise first.
MENTION_PASSES: tuple[tuple[str, MentionPass], ...] = (
    ("name", name_pass),
    ("construct", construct_pass),
    ("pronoun", pronoun_pass),
    ("pronoun_subject", pronoun_subject_pass),
    ("possessive", possessive_pass),
    ("definite_head", definite_head_pass),
    ("role", role_pass),
    ("new", new_entity_pass),
)


def candidates(table: EntityTable, mc: MentionContext, first_only: bool = False) -> list[Candidate]:
    """Run :data:`MENTION_PASSES` over one mention; return the candidates, in pass
    order, at most :data:`MAX_PER_PASS` a pass, each tagged with its pass position
    and rank (``first_only``: stop at the first pass that proposes any, all the
    sieve needs)."""
    out: list[Candidate] = []
    for k, (_, run) in enumerate(MENTION_PASSES):
        found = run(table, mc)[:MAX_PER_PASS]
        out.extend(
            replace(c, features=(("pass", float(k)), ("rank", float(r)), *c.features))
            for r, c in enumerate(found)
        )
        if found and first_only:
            break
    return out


def sieve_ranker(table: EntityTable, mc: MentionContext, cands: Sequence[Candidate]) -> Candidate:
    """The ordered sieve: the best candidate of the first pass that has one."""
    del table, mc
    return cands[0]


def mention_kind(mc: MentionContext) -> str:
    """The anaphor class a ranker conditions on: pronoun person, name, description."""
    desc = mc.desc
    if desc.form == "pronoun":
        lemma = PRONOUN_LEMMAS.get(mc.head_token.text.lower(), desc.head_lemma)
        if lemma in DEMONSTRATIVES:
            return "pron_dem"
        return {"i": "pron_1", "we": "pron_1", "you": "pron_2"}.get(lemma, "pron_3")
    if desc.form in ("name", "possessive"):
        return desc.form
    return "definite" if _definite(mc) else "nominal"


def pair_features(table: EntityTable, mc: MentionContext, cand: Candidate) -> dict[str, float]:
    """Describe a (mention, candidate) pair for a learned ranker: the pass and rank,
    the distance to and the kind of the entity's latest mention, the entity's size,
    string and head matches; each feature alone and conjoined with the
    :func:`mention_kind` (as in the mention-ranking models of Denis and Baldridge
    2008 and Durrett and Klein 2013)."""
    rank = dict(cand.features).get("rank", 0.0)
    base: dict[str, float] = {f"pass={cand.pass_name}": 1.0, "rank0": float(rank == 0)}
    base["log_rank"] = math.log1p(rank)
    if cand.entity is not None:
        ent = table.entities[cand.entity]
        earlier = _earlier(ent, mc)
        if earlier:
            last = max(earlier, key=lambda r: r.start)
            dist = mc.sentence.index - last.sentence
            base[f"dist={min(dist, 4)}"] = 1.0
            base["subject"] = float(last.subject)
            base["last_pronoun"] = float(last.pronoun)
            base["last_name"] = float(last.name is not None)
            norm = normalize(mc.mention.span.text)
            base["exact"] = float(any(r.norm == norm for r in earlier))
        base["log_size"] = math.log1p(len(ent.refs))
        base["has_name"] = float(any(r.name is not None for r in ent.refs))
        base["head_match"] = float(mc.desc.head_lemma.lower() in ent.head_lemmas)
    kind = mention_kind(mc)
    out = dict(base)
    out.update({f"{kind}|{k}": v for k, v in base.items()})
    return out


@dataclass(frozen=True, slots=True)
class LearnedRanker:
    """A log-linear ranker over :func:`pair_features` (weights by feature name).

    Trained on GUM train by ``python -m training.coref_ranker`` (dev for
    selection); it ships in ``attribution/models/coref_ranker.json``. It is not
    the default: the ordered sieve stays the engine's ranking.
    """

    weights: dict[str, float]

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedRanker:
        data = json.loads((path or RANKER_FILE).read_text(encoding="utf-8"))
        return cls({str(k): float(v) for k, v in data["weights"].items()})

    def score(self, table: EntityTable, mc: MentionContext, cand: Candidate) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in pair_features(table, mc, cand).items())

    def __call__(
        self, table: EntityTable, mc: MentionContext, cands: Sequence[Candidate]
    ) -> Candidate:
        return max(cands, key=lambda c: self.score(table, mc, c))


def resolve_mention(table: EntityTable, mc: MentionContext, ranker: Ranker | None = None) -> int:
    """Let the passes propose and ``ranker`` (default: the sieve) choose; join the mention."""
    if ranker is None:
        return table.join(sieve_ranker(table, mc, candidates(table, mc, first_only=True)), mc)
    return table.join(ranker(table, mc, candidates(table, mc)), mc)


def resolve_all(
    doc: ParsedDocument, mentions: Iterable[Mention], ranker: Ranker | None = None
) -> EntityTable:
    """Resolve every mention of a document (not only sources), in the order given.

    The table's :attr:`EntityTable.resolutions` follow that order, one per mention.
    """
    table = EntityTable(doc)
    for m in mentions:
        resolve_mention(table, mention_context(doc, m, source=False), ranker)
    return table


# Document passes -----------------------------------------------------------------


def resolve_mentions(
    doc: ParsedDocument, drafts: tuple[Draft, ...]
) -> tuple[EntityTable, dict[str, int]]:
    """Resolve every draft's mention in text order; return the table and the
    entity of each attribution id. A mention shared by several attributions
    ("X said A. “B.”") is resolved once."""
    table = EntityTable(doc)
    assign: dict[str, int] = {}
    resolved: dict[tuple[int, int], int] = {}
    with_mention = [d for d in drafts if d.mention is not None]
    for d in sorted(with_mention, key=lambda d: d.mention.span.start):  # type: ignore[union-attr]
        m = d.mention
        assert m is not None
        key = (m.span.start, m.span.end)
        if key not in resolved:
            resolved[key] = resolve_mention(table, mention_context(doc, m))
        assign[d.attribution.id] = resolved[key]
    return table, assign


def inherit_speakers(drafts: tuple[Draft, ...], assign: dict[str, int]) -> None:
    """Give a mentionless quotation the speaker of the one it continues.

    News convention: a paragraph-opening quotation with no attribution
    continues the previous speaker; follow the ``inherit`` chain (guarding
    against cycles) to the first attribution that has a speaker.
    """
    by_id = {d.attribution.id: d for d in drafts}
    for d in drafts:
        if d.attribution.id in assign:
            continue
        seen: set[str] = set()
        cur = d
        while cur.inherit and cur.inherit not in seen:
            seen.add(cur.inherit)
            if cur.inherit in assign:
                assign[d.attribution.id] = assign[cur.inherit]
                break
            cur = by_id[cur.inherit]


def number_speakers(table: EntityTable, used: set[int]) -> dict[int, str]:
    """Number the ``used`` entities s1, s2, ... in order of first mention."""

    def first(n: int) -> int:
        return min((s.start for s in table.entities[n].mentions), default=0)

    return {n: f"s{k}" for k, n in enumerate(sorted(used, key=first), 1)}


def speaker_records(table: EntityTable, sid: dict[int, str]) -> tuple[Speaker, ...]:
    """Turn the numbered entities into :class:`Speaker` records, in id order."""
    return tuple(
        Speaker(
            id=sid[n],
            name=e.name,
            type=e.type,
            role=e.role,
            anonymous=e.type in ANONYMOUS_TYPES,
            mentions=tuple(sorted(e.mentions, key=lambda s: s.start)),
        )
        for n, e in ((n, table.entities[n]) for n in sid)
    )


def resolve_detailed(doc: ParsedDocument, drafts: tuple[Draft, ...]) -> Coreference:
    """Resolve like :func:`resolve`, also returning each mention's :class:`Resolution`."""
    table, assign = resolve_mentions(doc, drafts)
    inherit_speakers(drafts, assign)
    sid = number_speakers(table, set(assign.values()))
    atts = tuple(
        replace(d.attribution, speaker_id=sid[assign[d.attribution.id]])
        if d.attribution.id in assign
        else d.attribution
        for d in drafts
    )
    ids = tuple(sid.get(n, "") for n in range(len(table.entities)))
    return Coreference(atts, speaker_records(table, sid), tuple(table.resolutions), ids)


def resolve(
    doc: ParsedDocument, drafts: tuple[Draft, ...]
) -> tuple[tuple[Attribution, ...], tuple[Speaker, ...]]:
    """Give every attribution a speaker id and return the speakers with their mentions."""
    result = resolve_detailed(doc, drafts)
    return result.attributions, result.speakers
