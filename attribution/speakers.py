"""Describe a source mention: its name, type, role and whether it is anonymous.

The type comes from the mention's head and name: a proper name with an
organization word or a place (metonymy: "Rabat said") is an organization, a
name the word lists do not know is typed by the mention-type model learned from
GUM (:func:`typed_name`), a news outlet is media, a plural nameless head ("officials") an
anonymous group, a singular one with an indefinite article ("a source familiar
with ...") an anonymous person, a written source ("the report") a document.
The role is the apposition ("Bruce Maddy-Weitzman, *an Israeli expert on
Morocco*") or the title before the name ("*Polisario head* Brahim Ghali").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from attribution.entities import classify_speaker
from attribution.lexicon import lexicon
from attribution.records import ANONYMOUS_TYPES as ANONYMOUS_TYPES
from attribution.records import SpeakerType
from attribution.types import Sentence, Token

MentionForm = Literal["name", "pronoun", "possessive", "description"]

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "me", "you"})
GROUP_PRONOUNS = frozenset({"they", "them", "we", "us"})
THING_PRONOUNS = frozenset({"it", "this", "that"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
NAME_RELS = frozenset({"flat", "flat:name", "compound", "goeswith"})


@dataclass(frozen=True, slots=True)
class Description:
    """What a mention says about its speaker on its own, before coreference."""

    form: MentionForm
    name: str
    type: SpeakerType
    role: str | None
    head_lemma: str
    plural: bool
    definite: bool
    possessor: int | None = None


def name_ids(sent: Sentence, head: int) -> tuple[int, ...]:
    """Return the run of proper-noun words around ``head`` that form its name.

    Hyphenated names split by the tokenizer ("Maddy - Weitzman") are kept whole.
    """
    toks = sent.tokens

    def joins(a: Token, b: Token) -> bool:
        if b.upos == "PROPN" and a.upos == "PROPN":
            return (
                b.head == a.index
                or a.head == b.index
                or a.head == b.head
                or (a.deprel in NAME_RELS or b.deprel in NAME_RELS)
            )
        return a.end == b.start and (a.text == "-" or b.text == "-")

    lo = hi = head
    while lo > 0 and joins(toks[lo - 1], toks[lo]):
        lo -= 1
    if toks[head].upos == "PROPN" and lo > 0 and _name_adjective(toks[lo - 1], toks[lo]):
        lo -= 1
    while hi + 1 < len(toks) and joins(toks[hi], toks[hi + 1]):
        hi += 1
    while lo < hi and toks[lo].text == "-":
        lo += 1
    while hi > lo and toks[hi].text == "-":
        hi -= 1
    hi = _of_complement(sent, lo, hi)
    return tuple(range(lo, hi + 1))


#: Prepositions inside an institution's name ("Department *of* Health", "Center *for* ...").
NAME_PREPS = frozenset({"of", "for"})


def _of_complement(sent: Sentence, lo: int, hi: int) -> int:
    """Extend an institution's name over its "of"/"for" complement.

    "Department *of Health and Human Services*", "University *of Portsmouth*":
    only when the name has an organisation word, so a person "of" a place
    ("Bruce Maddy-Weitzman of Tel Aviv University") stays apart.
    """
    toks = sent.tokens
    lex = lexicon()
    words = {t.text.lower() for t in toks[lo : hi + 1]}
    if not words & (lex.organization_words | lex.organization_nouns):
        return hi
    nxt = hi + 1
    if nxt + 1 >= len(toks) or toks[nxt].text.lower() not in NAME_PREPS:
        return hi
    comp = toks[nxt].head
    if comp <= nxt or toks[comp].upos != "PROPN" or not lo <= toks[comp].head <= hi:
        return hi
    if toks[comp].lemma.lower() in lex.time_nouns:
        return hi  # "the Post of Thursday"
    end = max(t.index for t in sent.subtree(comp))
    inner = toks[nxt + 1 : end + 1]
    if all(t.text[:1].isupper() or t.upos in ("CCONJ", "ADP", "PUNCT") for t in inner):
        return end
    return hi


#: Endings of nationality and place adjectives ("Israeli", "French", "Moroccan"), which
#: describe a name rather than belong to it.
DEMONYM_ENDINGS = ("an", "ese", "ish", "i", "ic", "ch", "ss", "ean", "ern")


def _name_adjective(a: Token, b: Token) -> bool:
    """Tell whether a capitalised adjective is the first word of the name that follows.

    Taggers split on words like "Forbidden" in "Forbidden Stories", "Democratic"
    in "Democratic Party" (PROPN or ADJ) or "Sentencing" in "The Sentencing
    Project" (a capitalised gerund or noun in compound); a mid-sentence capital on an adjective
    modifying the name says it is part of the name, unless it names a nationality.
    """
    return (
        (
            a.upos == "ADJ"
            and a.deprel == "amod"
            or a.upos in ("NOUN", "VERB")
            and a.deprel in ("compound", "amod")
        )
        and a.index > 0
        and a.text[:1].isupper()
        and a.end + 1 >= b.start
        and b.upos == "PROPN"
        and not a.text.lower().endswith(DEMONYM_ENDINGS)
    )


def text_of(sent: Sentence, doc_text: str, ids: tuple[int, ...]) -> str:
    if not ids:
        return ""
    return doc_text[sent.tokens[ids[0]].start : sent.tokens[ids[-1]].end]


def name_type(name: str) -> SpeakerType:
    """Type a proper name: media, organization (incl. places), else a person."""
    lex = lexicon()
    low = name.lower().strip()
    words = [w.strip(".,'’") for w in low.replace("-", " ").split()]
    if low in lex.outlet_names or (words and words[-1] in lex.outlet_nouns and len(words) > 1):
        return "media"
    if low in lex.places or any(w in lex.organization_words for w in words):
        return "organization"
    letters = name.replace(".", "").replace("&", "").strip()
    if letters.isupper() and 2 <= len(letters) <= 6:
        # An acronym ("HUD", "U.S.", "NAACP") names an institution, not a person.
        return "organization"
    return "named_person"


#: Below this probability the mention-type model defers to the word lists.
MODEL_MIN_PROBABILITY = 0.6


def typed_name(sent: Sentence, doc_text: str, ids: tuple[int, ...], head: int) -> SpeakerType:
    """Type the proper name on words ``ids``: the word lists, then the GUM model.

    The lists decide what they know (an outlet, a listed place, an
    organisation word, an acronym: :func:`name_type`); a name they would call
    a person is typed by the mention-type model learned from GUM
    (:func:`attribution.entities.classify_speaker`: person vs organisation vs
    place, a place speaking being its government), when it is confident.
    """
    listed = name_type(text_of(sent, doc_text, ids))
    if listed != "named_person" or not ids:
        return listed
    kind, probability = classify_speaker(sent, ids, head)
    return kind if probability >= MODEL_MIN_PROBABILITY else listed


def noun_type(lemma: str, text: str, plural: bool, definite: bool) -> SpeakerType:
    """Type a nameless description by its head noun."""
    lex = lexicon()
    low = lemma.lower()
    if text.lower() in lex.group_nouns and low not in lex.document_nouns:
        return "anonymous_group"  # "authorities" (lemma "authority", an institution)
    if low in lex.outlet_nouns:
        return "media"
    if low in lex.document_nouns or text.lower() in lex.document_nouns:
        return "document"
    if low in lex.organization_nouns or low in lex.place_nouns:
        # "the ministry said"; "the city said" is its government speaking (metonymy).
        return "organization"
    if plural or text.lower() in lex.group_nouns:
        return "anonymous_group"
    return "anonymous_person"


def describe(sent: Sentence, doc_text: str, head: int, span: tuple[int, int]) -> Description:
    """Describe the mention headed by word ``head`` covering characters ``span``."""
    tok = sent.tokens[head]
    low = tok.text.lower()
    plural = "Number=Plur" in tok.feats
    mention_text = doc_text[span[0] : span[1]]
    words_in = [t for t in sent.tokens if t.start >= span[0] and t.end <= span[1]]
    det = next((t for t in words_in if t.head == head and t.deprel == "det"), None)
    definite = det is not None and det.text.lower() in ("the", "this", "that", "these", "those")
    if tok.upos == "PRON" and (low in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS):
        ptype: SpeakerType = "anonymous_group" if low in GROUP_PRONOUNS else "anonymous_person"
        return Description("pronoun", tok.text, ptype, None, low, low in GROUP_PRONOUNS, True)
    poss = next((t for t in sent.tokens if t.head == head and t.deprel == "nmod:poss"), None)
    role = _role(sent, doc_text, head, span)
    if tok.upos == "PROPN":
        ids = name_ids(sent, head)
        title_ids, ids = _split_title(sent, ids)
        name = text_of(sent, doc_text, ids)
        role = text_of(sent, doc_text, title_ids) or role
        stype = typed_name(sent, doc_text, ids, head if head in ids else ids[-1])
        return Description("name", name, stype, role, tok.lemma, plural, True)
    titled = _titled_name(sent, head)
    if titled is not None:
        # "Polisario head Brahim Ghali": a title noun heading a name.
        ids = name_ids(sent, titled)
        name = text_of(sent, doc_text, ids)
        start = det.end if det is not None and det.start == span[0] else span[0]
        title = doc_text[start : sent.tokens[ids[0]].start].strip(" ,")
        stype = typed_name(sent, doc_text, ids, titled)
        return Description("name", name, stype, title or role, tok.lemma, plural, True)
    if poss is not None and tok.upos == "NOUN":
        ptype = (
            "organization" if representative(tok) else noun_type(tok.lemma, tok.text, plural, True)
        )
        return Description(
            "possessive",
            mention_text,
            ptype,
            tok.text if ptype == "organization" and representative(tok) else None,
            tok.lemma.lower(),
            plural,
            True,
            possessor=poss.index,
        )
    if representative(tok) and _party(sent, head) is not None:
        # "a spokeswoman for Gantz", "lawyers for the family": the party speaks.
        return Description(
            "description",
            _strip_det(mention_text),
            "organization",
            tok.text,
            tok.lemma.lower(),
            plural,
            True,
        )
    stype = noun_type(tok.lemma, tok.text, plural, definite)
    desc_role = _strip_det(mention_text) if stype in ("anonymous_person",) else role
    return Description(
        "description", mention_text, stype, desc_role, tok.lemma.lower(), plural, definite
    )


#: Prepositions that tie a representative to the party it speaks for ("a lawyer *for*
#: Love", "an aide *to* Trump", "a spokesman *of* the ministry").
PARTY_PREPS = frozenset({"for", "to", "of", "from", "with"})


def _party_word(tok: Token) -> bool:
    """Tell whether a word names a party a representative can speak for."""
    lex = lexicon()
    low = tok.lemma.lower()
    return tok.upos == "PROPN" or low in lex.organization_nouns or low in lex.place_nouns


def representative(tok: Token) -> bool:
    """Tell whether a noun names someone who speaks for a party ("spokeswoman", "lawyers")."""
    lex = lexicon()
    return (
        tok.lemma.lower() in lex.representative_nouns
        or tok.text.lower() in lex.representative_nouns
    )


def _party(sent: Sentence, head: int) -> Token | None:
    """Return the named party a representative speaks for ("a spokeswoman for *Gantz*").

    The party is a proper name or an institution or place noun, in a
    prepositional modifier or a compound before the representative; AP style
    attributes such a source to the party, so it is not anonymous.
    """
    for c in sent.children(head):
        if c.deprel == "compound" and c.index < head and _party_word(c):
            return c  # "a *district* spokesman", "a *White House* spokeswoman"
        if c.base_deprel != "nmod" or c.index < head:
            continue
        case = next((t for t in sent.children(c.index) if t.deprel == "case"), None)
        if case is not None and case.text.lower() in PARTY_PREPS and _party_word(c):
            return c
    return None


def _titled_name(sent: Sentence, head: int) -> int | None:
    """Return the proper name a title noun introduces, if any.

    "Polisario head *Brahim Ghali*" (the name right after the title), and a
    noun (not a document's or an outlet's) with the name in apposition: "Lindqvist's lawyer, *Abbe
    Lowell*", "Her neighbor, *Ray Ortiz*" (the apposition identifies the
    referent; Huddleston & Pullum 2002 on integrated and supplementary
    appositives).
    """
    tok = sent.tokens[head]
    if tok.upos != "NOUN":
        return None
    lex = lexicon()
    low = tok.lemma.lower()
    person = low not in lex.document_nouns and low not in lex.outlet_nouns
    for c in sent.tokens:
        if c.head != head or c.upos != "PROPN":
            continue
        if c.index == head + 1 and c.deprel in ("appos", "flat", "flat:name", "compound"):
            return c.index
        if person and c.deprel == "appos" and c.index > head:
            return c.index
    return None


def _split_title(sent: Sentence, ids: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Split a title off a person's name: "*Council President* José Pérez".

    The name is what follows the last title noun (``person_nouns``), when at
    least two capitalised words follow it; "General Motors" and "President
    Biden" stay whole (the one word left could be a name's only word or the
    rest of an institution's name).
    """
    toks = sent.tokens
    titles = lexicon().person_nouns
    for k in range(len(ids) - 3, -1, -1):
        if toks[ids[k]].lemma.lower() in titles or toks[ids[k]].text.lower() in titles:
            rest = ids[k + 1 :]
            if all(toks[i].text[:1].isupper() for i in rest):
                return ids[: k + 1], rest
            break
    return (), ids


def _strip_det(text: str) -> str:
    first, _, rest = text.partition(" ")
    return rest if first.lower() in DETERMINERS and rest else text


def _role(sent: Sentence, doc_text: str, head: int, span: tuple[int, int]) -> str | None:
    """Return the apposition or the title before the name."""
    for t in sent.tokens:
        if t.head == head and t.deprel == "appos" and span[0] <= t.start < span[1]:
            ids = [
                i
                for i in _subtree(sent, t.index)
                if sent.tokens[i].upos != "PUNCT" and sent.tokens[i].end <= span[1]
            ]
            if ids and sent.tokens[ids[0]].upos == "DET":
                ids = ids[1:]
            if ids:
                return doc_text[sent.tokens[ids[0]].start : sent.tokens[ids[-1]].end]
    if sent.tokens[head].upos == "PROPN":
        ids_name = name_ids(sent, head)
        before = [
            t for t in sent.tokens if span[0] <= t.start and t.end <= sent.tokens[ids_name[0]].start
        ]
        while before and before[0].upos in ("DET", "PUNCT"):
            before = before[1:]
        if before and any(t.upos == "NOUN" for t in before) and before[-1].upos != "PUNCT":
            return doc_text[before[0].start : before[-1].end]
    return None


def _subtree(sent: Sentence, i: int) -> list[int]:
    return [t.index for t in sent.subtree(i)]
