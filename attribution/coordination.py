"""Coordinated sources: "according to Amnesty International and Forbidden Stories".

A source noun phrase that coordinates several speakers (Huddleston & Pullum
2002, ch. 15: coordination of noun phrases) names each of them: the claim is
theirs jointly, and an audit of who is quoted must see every one. Coreference
gives the attribution one speaker (the phrase's head); this pass finds the
other conjuncts, resolves each to a speaker already in the article (by name)
or adds one, and records them on ``Attribution.co_speaker_ids``.

Conjuncts come from the parse (``conj`` dependents of the source's head) and,
where the parser missed the coordination (taggers split on "Paris-based
organisation Forbidden Stories"), from an "and" between two capitalised names
at the top level of the mention. An "and" inside a name ("Department of
Health and Human Services", "Procter and Gamble") joins no speakers: a
conjunct inside a prepositional phrase, or a right side that is not a name of
its own, is left alone, and so is a one-word name that may be a piece of
an institution's name ("Pacific Gas and Electric"): coordinated persons
named by one word each ("Smith and Jones") are missed rather than risk
splitting a company in two.
"""

from __future__ import annotations

from dataclasses import replace

from attribution.extract.common import Positions, mention_of_span
from attribution.records import ANONYMOUS_TYPES, Attribution, Speaker, TextSpan
from attribution.spans import tokens_span
from attribution.speakers import name_type, noun_type
from attribution.types import ParsedDocument, Sentence, Token

#: Words of a name that may be lower case inside it ("Bank *of* America").
NAME_GLUE = frozenset({"of", "for", "the", "de", "du", "al", "-", "&"})
#: Parts of speech that may head a conjunct that speaks.
SPEAKER_POS = frozenset({"PROPN", "NOUN"})


def _words_in(sent: Sentence, span: TextSpan) -> list[Token]:
    return [t for t in sent.tokens if t.start >= span.start and t.end <= span.end]


def _capitalised(t: Token) -> bool:
    return t.text[:1].isupper() and t.upos in ("PROPN", "ADJ", "NOUN", "X")


def _name_run(words: list[Token]) -> list[Token]:
    """Return the trailing run of capitalised words (the name) of a conjunct's words."""
    run: list[Token] = []
    for t in reversed(words):
        if _capitalised(t) or (run and t.text.lower() in NAME_GLUE and t is not words[0]):
            run.insert(0, t)
        elif t.upos == "PUNCT" and not run:
            continue
        else:
            break
    while run and not _capitalised(run[0]):
        run.pop(0)
    return run


def _parse_conjuncts(sent: Sentence, words: list[Token], head: int) -> list[list[Token]]:
    """Split the mention's words at the parse's coordination of its head."""
    inside = {t.index for t in words}
    conj = [c.index for c in sent.tokens if c.deprel == "conj" and c.index in inside]
    tops = [i for i in conj if _top_level(sent, i, head, inside)]
    if not tops:
        return []
    cuts = sorted(
        next(
            (
                c.index
                for c in sent.children(i)
                if c.deprel == "cc" or (c.upos == "PUNCT" and c.index < i)
            ),
            sent.subtree(i)[0].index,
        )
        for i in tops
    )
    return _split(words, cuts)


def _top_level(sent: Sentence, i: int, head: int, inside: set[int]) -> bool:
    """Tell whether conjunct ``i`` coordinates with the head, not inside one of its modifiers."""
    h = sent.tokens[i].head
    while h in inside and h != head:
        tok = sent.tokens[h]
        if tok.deprel != "conj":
            return False
        h = tok.head
    return h == head and sent.tokens[i].upos in SPEAKER_POS


def _and_conjuncts(words: list[Token]) -> list[list[Token]]:
    """Split at an "and" between two names the parser did not coordinate."""
    for k, t in enumerate(words):
        if t.text.lower() != "and" or t.upos != "CCONJ":
            continue
        left, right = words[:k], words[k + 1 :]
        if any(w.upos == "ADP" for w in left):
            return []  # "Department of Health and Human Services"
        if _name_run(left) and _name_run(right) and _name_run(left)[-1] is left[-1]:
            return _split(words, [t.index])
    return []


def _split(words: list[Token], cuts: list[int]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for t in words:
        if t.index in cuts:
            parts.append([])
            if t.upos in ("CCONJ", "PUNCT"):
                continue
        if t.upos == "CCONJ" or (t.upos == "PUNCT" and not parts[-1]):
            continue
        parts[-1].append(t)
    return [p for p in parts if any(w.upos in SPEAKER_POS for w in p)]


def _speaker_like(part: list[Token]) -> bool:
    """Tell whether a conjunct can stand alone as a speaker.

    A name of one word ("Electric" in "Pacific Gas and Electric", "Gamble" in
    "Procter and Gamble") may be a piece of one institution's name, so it is
    a speaker of its own only when it is a known place or organisation
    ("Algeria and Morocco"); descriptions ("officials and experts") stand alone.
    """
    run = _name_run(part)
    if not run:
        return True
    if len(run) >= 2:
        return True
    return name_type(run[0].text) != "named_person"


def conjuncts(
    doc: ParsedDocument, span: TextSpan, where: Positions | None = None
) -> list[tuple[TextSpan, str, bool]]:
    """Return each coordinated speaker of a source span: its span, name and whether named.

    One conjunct (no coordination) gives an empty list. ``where`` (the
    document's :class:`Positions`) finds the span's sentence by bisection.
    """
    m = mention_of_span(doc, span, where)
    if m is None:
        return []
    sent = doc.sentences[m.sentence]
    words = _words_in(sent, span)
    parts = _parse_conjuncts(sent, words, m.head) or _and_conjuncts(words)
    if len(parts) < 2 or not all(_speaker_like(p) for p in parts):
        return []
    out: list[tuple[TextSpan, str, bool]] = []
    for part in parts:
        run = _name_run(part)
        piece = run or [t for t in part if t.upos != "DET"]
        found = tokens_span(doc, piece)
        if found is None:
            continue
        out.append((found, found.text, bool(run)))
    return out


def _same(a: str, b: str) -> bool:
    """Tell whether two speaker names are the same name, or one a tail of the other."""
    wa, wb = a.lower().split(), b.lower().split()
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return long_[-len(short) :] == short or long_[: len(short)] == short


def add_co_speakers(
    doc: ParsedDocument, attributions: tuple[Attribution, ...], speakers: tuple[Speaker, ...]
) -> tuple[tuple[Attribution, ...], tuple[Speaker, ...]]:
    """Give attributions with a coordinated source their co-speakers (see the module doc)."""
    table = list(speakers)
    by_id = {s.id: k for k, s in enumerate(table)}
    next_id = 1 + max((int(s.id[1:]) for s in table if s.id[1:].isdigit()), default=0)
    out: list[Attribution] = []
    positions: Positions | None = None
    for att in attributions:
        if att.source is None or att.speaker_id not in by_id:
            out.append(att)
            continue
        main = table[by_id[att.speaker_id]]
        co: list[str] = []
        positions = positions or Positions.of(doc, (), ())
        for where, name, named in conjuncts(doc, att.source, positions):
            if _same(name, main.name) or (not named and where.text in main.name):
                continue
            k = next((n for n, s in enumerate(table) if _same(name, s.name)), None)
            if k is None:
                stype = name_type(name) if named else noun_type(name.split()[-1], name, False, True)
                table.append(
                    Speaker(
                        id=f"s{next_id}",
                        name=name,
                        type=stype,
                        anonymous=stype in ANONYMOUS_TYPES,
                        mentions=(where,),
                    )
                )
                by_id[table[-1].id] = k = len(table) - 1
                next_id += 1
            elif where not in table[k].mentions:
                table[k] = replace(table[k], mentions=(*table[k].mentions, where))
            if table[k].id != main.id and table[k].id not in co:
                co.append(table[k].id)
        if co:
            if main.role and any(table[by_id[i]].name in main.role for i in co):
                # The role was read off the coordination ("Amnesty International and ...").
                table[by_id[main.id]] = main = replace(main, role=None)
            out.append(replace(att, co_speaker_ids=tuple(co)))
        else:
            out.append(att)
    return tuple(out), tuple(table)
