"""Resolve source mentions to speakers: one :class:`Speaker` per real source.

A light, precision-first resolver in the spirit of the Stanford multi-pass
sieve (Lee et al. 2013), restricted to the mentions that are sources. Mentions
are taken in text order; each goes through :data:`MENTION_PASSES` until one
resolves it, and the :class:`EntityTable` records which pass did:

1. ``name``: proper names, exact then surname/partial match ("Maddy-Weitzman"
   -> "Bruce Maddy-Weitzman");
2. ``pronoun``: pronouns -> the most recent compatible speaker;
3. ``pronoun_subject``: failing that, a personal pronoun -> the most recent
   proper-name subject (news "he said" follows the last person named);
4. ``possessive``: possessives ("his office") -> an organization named after
   the resolved possessor ("Benny Gantz's office");
5. ``definite_head``: definite descriptions sharing a head noun with an
   earlier source ("the source" -> "a source familiar with the visit");
6. ``role``: definite role descriptions of a person ("said the Tel Aviv
   University professor") -> the most recent named person speaker;
7. ``new``: anything left starts a new entity.

A relative pronoun ("Reid, who said") is first replaced by the noun it
follows. Then two document passes: quotations that continue another's
paragraph inherit its speaker, and speakers are numbered by first mention.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
from attribution.types import ParsedDocument, Sentence

#: How many paragraphs back a pronoun or role description may reach (in characters).
PRONOUN_WINDOW = 1500
#: Entity types a proper name is matched against.
NAME_MATCH_TYPES = frozenset({"named_person", "organization", "media"})
#: Entity types each pronoun class may refer to.
PERSON_TYPES = frozenset({"named_person", "anonymous_person"})
GROUP_TYPES = frozenset({"anonymous_group", "organization", "media"})
THING_TYPES = frozenset({"organization", "document", "media"})


@dataclass(slots=True)
class Entity:
    """One speaker under construction: its best name, type, role and mentions."""

    name: str
    type: SpeakerType
    role: str | None
    head_lemmas: set[str]
    mentions: list[TextSpan] = field(default_factory=list)
    last: int = 0


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
    """A source mention as the passes see it: where it is and what it says."""

    sentence: Sentence
    mention: Mention
    desc: Description

    @property
    def pos(self) -> int:
        return self.mention.span.start


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

    def attach(self, target: int, span: TextSpan, pass_name: str) -> None:
        """Add the mention ``span`` to entity ``target``, resolved by ``pass_name``."""
        ent = self.entities[target]
        ent.mentions.append(span)
        ent.last = max(ent.last, span.start)
        self.resolutions.append(Resolution(span, target, pass_name))


# Mention preparation -------------------------------------------------------------


def relative_antecedent(
    sent: Sentence, head: int, span: tuple[int, int]
) -> tuple[int, tuple[int, int]]:
    """Replace a relative pronoun by the noun it follows ("Reid, who said ...").

    A relative pronoun heads a clause attached to the nominal it follows (UD
    ``acl:relcl``); the nearest preceding non-compound noun or name is taken
    as that nominal, widened to its whole name. Other mentions pass unchanged.
    """
    tok = sent.tokens[head]
    if not (tok.upos == "PRON" and tok.text.lower() in RELATIVE_PRONOUNS):
        return head, span
    ante = next(
        (
            t
            for t in reversed(sent.tokens[:head])
            if t.upos in ("PROPN", "NOUN") and t.deprel != "compound"
        ),
        None,
    )
    if ante is None:
        return head, span
    if ante.upos != "PROPN":
        return ante.index, (ante.start, ante.end)
    ids = name_ids(sent, ante.index)
    return ante.index, (sent.tokens[ids[0]].start, sent.tokens[ids[-1]].end)


def mention_context(doc: ParsedDocument, m: Mention) -> MentionContext:
    """Describe mention ``m`` (its relative-pronoun antecedent, if it is one)."""
    sent = doc.sentences[m.sentence]
    head, span = relative_antecedent(sent, m.head, (m.span.start, m.span.end))
    return MentionContext(sent, m, describe(sent, doc.text, head, span))


# Mention passes: each returns the entity it resolves the mention to, or None ----------

MentionPass = Callable[[EntityTable, MentionContext], int | None]


def name_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Proper names: exact or partial string match (Lee et al. 2013, passes 2-5).

    News introduce a person in full and then use the surname ("Bruce
    Maddy-Weitzman" ... "Maddy-Weitzman"), so a name matches an earlier named
    entity it equals or ends/contains; the entity keeps the longest name and
    the first role given with a name.
    """
    desc = mc.desc
    if desc.form != "name":
        return None
    target = table.by_name(desc.name)
    if target is None:
        return None
    ent = table.entities[target]
    if len(desc.name) > len(ent.name):
        ent.name = desc.name
    if desc.role and ent.role is None:
        ent.role = desc.role
    return target


def _pronoun_types(lemma: str) -> frozenset[str]:
    if lemma in PERSON_PRONOUNS:
        return PERSON_TYPES
    if lemma in GROUP_PRONOUNS:
        return GROUP_TYPES
    return THING_TYPES


def pronoun_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Pronouns -> the most recent compatible speaker (Lee et al. 2013, pronoun pass).

    Agreement is reduced to the pronoun class: person pronouns ("he", "she")
    to persons, group pronouns ("they") to groups and organizations, "it" to
    organizations, documents and media; recency is bounded by
    :data:`PRONOUN_WINDOW`, since news rarely carry a pronoun across paragraphs.
    """
    if mc.desc.form != "pronoun":
        return None
    return table.recent(mc.pos, _pronoun_types(mc.desc.head_lemma))


def pronoun_subject_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """A personal pronoun with no person speaker before it -> the last person named.

    News convention: "he said" continues with the person the story has just
    named, usually as a clause subject, even if that person has not been quoted
    yet (Lee et al. 2013 resolve pronouns to any mention, not only speakers).
    """
    if mc.desc.form != "pronoun" or mc.desc.head_lemma not in PERSON_PRONOUNS:
        return None
    name = table.person_antecedent(mc.pos)
    if name is None:
        return None
    target = table.by_name(name)
    if target is None:
        target = table.new(name, "named_person", None, name.split()[-1])
    return target


def possessive_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Possessives -> an entity named after the possessor ("his office" -> "Gantz’s office").

    The possessor is resolved first (a pronoun like a personal pronoun, a name
    as written); "X’s office", "X’s spokesman" then name one source across the
    article, as in news usage (cf. Lee et al. 2013 on possessive mentions).
    """
    desc = mc.desc
    if desc.form != "possessive":
        return None
    assert desc.possessor is not None
    sent = mc.sentence
    ptok = sent.tokens[desc.possessor]
    owner: str | None
    if ptok.upos == "PRON":
        owner = table.person_antecedent(mc.pos)
    else:
        owner = text_of(sent, table.doc.text, name_ids(sent, ptok.index))
    if owner is None:
        return None
    head_text = sent.tokens[mc.mention.head].text
    name = f"{owner}’s {head_text}" if not owner.endswith("s") else f"{owner}’ {head_text}"
    target = table.by_exact_name(name)
    if target is None:
        target = table.new(name, desc.type, None, desc.head_lemma)
    return target


def definite_head_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Definite descriptions -> the latest unnamed source with the same head noun.

    Lee et al. (2013) strict head match: "the source" refers back to "a source
    familiar with the visit". Named persons are excluded: their role nouns are
    the role pass's business.
    """
    desc = mc.desc
    if desc.form != "description" or not desc.definite:
        return None
    ents = table.entities
    by_recency = sorted(range(len(ents)), key=lambda k: -ents[k].last)
    return next(
        (
            n
            for n in by_recency
            if desc.head_lemma in ents[n].head_lemmas and ents[n].type != "named_person"
        ),
        None,
    )


def role_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Definite singular person-noun descriptions -> the most recent named person.

    News convention: after naming a source, a story refers back to them by
    role ("said the Tel Aviv University professor"); the role is kept if the
    person had none (cf. Lee et al. 2013, role appositives and predicate
    nominatives).
    """
    desc = mc.desc
    if desc.form != "description" or not desc.definite or desc.plural:
        return None
    if desc.head_lemma not in lexicon().person_nouns:
        return None
    target = table.recent(mc.pos, frozenset({"named_person"}))
    if target is None:
        return None
    ent = table.entities[target]
    if ent.role is None:
        ent.role = desc.role or desc.name
    ent.head_lemmas.add(desc.head_lemma)
    return target


def new_entity_pass(table: EntityTable, mc: MentionContext) -> int | None:
    """Anything no earlier pass resolved starts a new entity (Lee et al. 2013: a
    mention left unlinked is a singleton); an unresolved pronoun names nobody."""
    desc = mc.desc
    stype: SpeakerType = "unattributed" if desc.form == "pronoun" else desc.type
    return table.new(desc.name, stype, desc.role, desc.head_lemma)


#: The mention passes, most precise first; the first to return an entity wins.
MENTION_PASSES: tuple[tuple[str, MentionPass], ...] = (
    ("name", name_pass),
    ("pronoun", pronoun_pass),
    ("pronoun_subject", pronoun_subject_pass),
    ("possessive", possessive_pass),
    ("definite_head", definite_head_pass),
    ("role", role_pass),
    ("new", new_entity_pass),
)


def resolve_mention(table: EntityTable, mc: MentionContext) -> int:
    """Run :data:`MENTION_PASSES` over one mention; attach it to the entity found."""
    for pass_name, run in MENTION_PASSES:
        target = run(table, mc)
        if target is not None:
            table.attach(target, mc.mention.span, pass_name)
            return target
    raise AssertionError("the new-entity pass always resolves")


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
