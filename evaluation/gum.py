"""Read GUM's entity and coreference annotation (UD English GUM, MISC ``Entity=``).

GUM marks every mention with a bracket in the MISC column of its first and
last word: ``Entity=(13-organization-new-nnnnn-cf4-1,4,5-coref-Durham_University``
opens mention of entity 13, typed ``organization``, information status ``new``,
head words 1, 4 and 5 (1-based within the mention), in a coreference chain
(``coref``; or how it links to its antecedent: ``ana``, ``cata``, ``appos``,
``pred``, ``disc``; ``sgl`` for a singleton), linked to Wikipedia's ``Durham_University``;
``13)`` closes it, and ``(14-...)`` opens and closes on one word. Mentions nest
and may be discontinuous only through their brackets, so a stack per entity id
suffices (Zeldes 2017, *The GUM corpus*; the CorefUD MISC format).

Documents come from ``# newdoc id`` lines; GUM's non-commercial genres are
dropped (:func:`training.data.keep_document`), as for the shipped parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from attribution.entities import GUM_TYPES
from attribution.nlp.conllu import parse_conllu
from attribution.types import ParsedDocument
from training.data import iter_documents, keep_document

GUM_DIR = "data/ud-english/UD_English-GUM"
GUM_FILE = "en_gum-ud-{split}.conllu"
#: GUM's entity types (the ``type`` field of ``Entity=``): the mention-type model's classes.
ENTITY_TYPES = GUM_TYPES

_OPEN = re.compile(r"\((\d+)-([a-z]+)-([^-()]*)-[^-()]*-[^-()]*-([\d,]*)-([a-z]+)(?:-([^()]*))?")
_CLOSE = re.compile(r"(\d+)\)")


@dataclass(frozen=True, slots=True)
class GumMention:
    """One annotated mention: sentence, word range (0-based, end inclusive) and entity.

    ``heads`` are sentence word indices of the mention's head words;
    ``chain`` is False for singletons; ``wiki`` is the Wikipedia link, if any
    (GUM links named entities, so a non-empty ``wiki`` marks a name).
    """

    sentence: int
    start: int
    end: int
    entity: str
    type: str
    infstat: str
    heads: tuple[int, ...]
    chain: bool
    wiki: str


@dataclass(frozen=True, slots=True)
class GumDocument:
    """A GUM document: its gold parse (as our tokens) and its mentions in text order."""

    id: str
    doc: ParsedDocument
    mentions: tuple[GumMention, ...]

    def chains(self) -> dict[str, list[GumMention]]:
        """Return the mentions of each entity with more than one mention, in text order."""
        out: dict[str, list[GumMention]] = {}
        for m in self.mentions:
            out.setdefault(m.entity, []).append(m)
        return {k: v for k, v in out.items() if len(v) > 1}


def gum_path(shared: Path, split: str) -> Path:
    return shared / GUM_DIR / GUM_FILE.format(split=split)


def _entity_field(misc: str) -> str:
    for part in misc.split("|"):
        if part.startswith("Entity="):
            return part[len("Entity=") :]
    return ""


def mentions_of(conllu: str) -> list[GumMention]:
    """Return the mentions annotated in one document's CoNLL-U, in text order."""
    out: list[GumMention] = []
    open_: dict[str, list[tuple[int, int, re.Match[str]]]] = {}
    blocks = [b for b in conllu.strip().split("\n\n") if b.strip()]
    for si, block in enumerate(blocks):
        word = -1
        for line in block.splitlines():
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            word += 1
            field = _entity_field(cols[9])
            pos = 0
            while pos < len(field):
                m_open = _OPEN.match(field, pos)
                if m_open is not None:
                    open_.setdefault(m_open.group(1), []).append((si, word, m_open))
                    pos = m_open.end()
                    if pos < len(field) and field[pos] == ")":
                        out.append(_mention(si, word, word, m_open))
                        open_[m_open.group(1)].pop()
                        pos += 1
                    continue
                m_close = _CLOSE.match(field, pos)
                if m_close is not None:
                    stack = open_.get(m_close.group(1))
                    if stack:
                        osi, ow, om = stack.pop()
                        if osi == si:
                            out.append(_mention(si, ow, word, om))
                    pos = m_close.end()
                    continue
                pos += 1
    out.sort(key=lambda m: (m.sentence, m.start, -m.end))
    return out


def _mention(si: int, start: int, end: int, m: re.Match[str]) -> GumMention:
    heads = tuple(start + int(h) - 1 for h in m.group(4).split(",") if h)
    return GumMention(
        sentence=si,
        start=start,
        end=end,
        entity=m.group(1),
        type=m.group(2),
        infstat=m.group(3),
        heads=heads or (end,),
        chain=m.group(5) != "sgl",
        wiki=(m.group(6) or "").replace("%2C", ","),
    )


def read_gum(shared: Path, split: str) -> Iterator[GumDocument]:
    """Yield the licence-filtered GUM documents of ``split`` with gold parses and mentions."""
    for doc_id, conllu in iter_documents(gum_path(shared, split)):
        if not keep_document(doc_id):
            continue
        yield GumDocument(doc_id, parse_conllu(conllu), tuple(mentions_of(conllu)))
