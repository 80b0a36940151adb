"""Resolve source mentions to speakers: one :class:`Speaker` per real source.

A light, precision-first resolver in the spirit of the Stanford multi-pass
sieve (Lee et al. 2013), restricted to the mentions that are sources:

1. proper names: exact match, then surname/partial match ("Maddy-Weitzman"
   -> "Bruce Maddy-Weitzman");
2. definite descriptions sharing a head noun with an earlier source ("the
   source" -> "a source familiar with the visit");
3. definite role descriptions of a person ("said the Tel Aviv University
   professor") -> the most recent named person speaker;
4. pronouns -> the most recent compatible speaker, or failing that the most
   recent proper-name subject (news "he said" follows the last speaker);
5. possessives ("his office") -> an organization named after the resolved
   possessor ("Benny Gantz's office").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from attribution.cues import RELATIVE_PRONOUNS
from attribution.records import Attribution, Speaker, SpeakerType, TextSpan
from attribution.sieves import Draft
from attribution.speakers import (
    ANONYMOUS_TYPES,
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    Description,
    describe,
    lexicon,
    name_ids,
    name_type,
    text_of,
)
from attribution.types import ParsedDocument

#: How many paragraphs back a pronoun or role description may reach (in characters).
PRONOUN_WINDOW = 1500


@dataclass(slots=True)
class _Entity:
    name: str
    type: SpeakerType
    role: str | None
    head_lemmas: set[str]
    mentions: list[TextSpan] = field(default_factory=list)
    last: int = 0

    def words(self) -> list[str]:
        return [w for w in self.name.replace("’s", "").split() if w[:1].isupper()]


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


def resolve(
    doc: ParsedDocument, drafts: tuple[Draft, ...]
) -> tuple[tuple[Attribution, ...], tuple[Speaker, ...]]:
    """Give every attribution a speaker id and return the speakers with their mentions."""
    entities: list[_Entity] = []
    assign: dict[str, int] = {}
    lex = lexicon()

    def new(name: str, stype: SpeakerType, role: str | None, lemma: str) -> int:
        entities.append(_Entity(name, stype, role, {lemma.lower()}))
        return len(entities) - 1

    def recent(pos: int, types: set[str]) -> int | None:
        best: int | None = None
        for n, e in enumerate(entities):
            if e.type in types and e.last < pos and pos - e.last <= PRONOUN_WINDOW:
                if best is None or e.last > entities[best].last:
                    best = n
        return best

    def by_name(name: str) -> int | None:
        for n, e in enumerate(entities):
            if e.type in ("named_person", "organization", "media") and _name_matches(e.name, name):
                return n
        return None

    def person_antecedent(pos: int) -> str | None:
        n = recent(pos, {"named_person"})
        cands = _propn_subjects(doc, pos)
        if cands and (n is None or cands[-1][0] > entities[n].last):
            if pos - cands[-1][0] <= PRONOUN_WINDOW:
                return cands[-1][1]
        return entities[n].name if n is not None else None

    ordered = sorted(
        (d for d in drafts if d.mention is not None),
        key=lambda d: d.mention.span.start,  # type: ignore[union-attr]
    )
    resolved: dict[tuple[int, int], int] = {}
    for d in ordered:
        m = d.mention
        assert m is not None
        key = (m.span.start, m.span.end)
        if key in resolved:
            # One mention serving several attributions ("X said A. “B.”").
            assign[d.attribution.id] = resolved[key]
            continue
        sent = doc.sentences[m.sentence]
        head, span = m.head, (m.span.start, m.span.end)
        tok = sent.tokens[head]
        if tok.upos == "PRON" and tok.text.lower() in RELATIVE_PRONOUNS:
            # "Reid, who said ...": the relative pronoun stands for the noun before it.
            ante = next(
                (
                    t
                    for t in reversed(sent.tokens[:head])
                    if t.upos in ("PROPN", "NOUN") and t.deprel != "compound"
                ),
                None,
            )
            if ante is not None:
                head, span = ante.index, (ante.start, ante.end)
                if ante.upos == "PROPN":
                    ids = name_ids(sent, ante.index)
                    span = (sent.tokens[ids[0]].start, sent.tokens[ids[-1]].end)
        desc: Description = describe(sent, doc.text, head, span)
        pos = m.span.start
        target: int | None = None
        if desc.form == "name":
            target = by_name(desc.name)
            if target is None:
                target = new(desc.name, desc.type, desc.role, desc.head_lemma)
            elif len(desc.name) > len(entities[target].name):
                entities[target].name = desc.name
        elif desc.form == "pronoun":
            low = desc.head_lemma
            if low in PERSON_PRONOUNS:
                target = recent(pos, {"named_person", "anonymous_person"})
                if target is None:
                    name = person_antecedent(pos)
                    if name is not None:
                        target = by_name(name)
                        if target is None:
                            target = new(name, "named_person", None, name.split()[-1])
            elif low in GROUP_PRONOUNS:
                target = recent(pos, {"anonymous_group", "organization", "media"})
            else:
                target = recent(pos, {"organization", "document", "media"})
            if target is None:
                target = new(desc.name, "unattributed", None, low)
        elif desc.form == "possessive":
            assert desc.possessor is not None
            ptok = sent.tokens[desc.possessor]
            owner: str | None
            if ptok.upos == "PRON":
                owner = person_antecedent(pos)
            else:
                owner = text_of(sent, doc.text, name_ids(sent, ptok.index))
            if owner is not None:
                head_text = sent.tokens[m.head].text
                name = (
                    f"{owner}’s {head_text}" if not owner.endswith("s") else f"{owner}’ {head_text}"
                )
                target = next((n for n, e in enumerate(entities) if e.name == name), None)
                if target is None:
                    target = new(name, desc.type, None, desc.head_lemma)
            else:
                target = new(desc.name, desc.type, None, desc.head_lemma)
        else:
            if desc.definite:
                target = next(
                    (
                        n
                        for n in sorted(range(len(entities)), key=lambda k: -entities[k].last)
                        if desc.head_lemma in entities[n].head_lemmas
                        and entities[n].type != "named_person"
                    ),
                    None,
                )
                if target is None and not desc.plural and desc.head_lemma in lex["person_nouns"]:
                    target = recent(pos, {"named_person"})
                    if target is not None and entities[target].role is None:
                        entities[target].role = desc.role or desc.name
                if target is not None:
                    entities[target].head_lemmas.add(desc.head_lemma)
            if target is None:
                target = new(desc.name, desc.type, desc.role, desc.head_lemma)
        ent = entities[target]
        if desc.role and ent.role is None and desc.form == "name":
            ent.role = desc.role
        ent.mentions.append(m.span)
        ent.last = max(ent.last, pos)
        assign[d.attribution.id] = target
        resolved[key] = target
    # Inherited speakers (a quotation continuing another's paragraph).
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
    # Speaker ids in order of first mention.
    used = sorted(
        set(assign.values()), key=lambda n: min((s.start for s in entities[n].mentions), default=0)
    )
    sid = {n: f"s{k}" for k, n in enumerate(used, 1)}
    speakers = tuple(
        Speaker(
            id=sid[n],
            name=entities[n].name,
            type=entities[n].type,
            role=entities[n].role,
            anonymous=entities[n].type in ANONYMOUS_TYPES,
            mentions=tuple(sorted(entities[n].mentions, key=lambda s: s.start)),
        )
        for n in used
    )
    atts = tuple(
        replace(d.attribution, speaker_id=sid[assign[d.attribution.id]])
        if d.attribution.id in assign
        else d.attribution
        for d in drafts
    )
    return atts, speakers
