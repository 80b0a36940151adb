"""Score the mention-type model (:mod:`attribution.entities`) on GUM's entity annotation.

``python -m evaluation.gum_types [--split dev|test] [--models DIR]`` reads the
licence-filtered GUM documents of the split (:func:`evaluation.gum.read_gum`,
gold parse), classifies every annotated mention from its words and its
syntactic head (:func:`attribution.entities.mention_head`, the word whose
governor lies outside the mention) and prints:

- accuracy on **named mentions**: a mention is named when one of its GUM head
  words (the minimal span of ``Entity=``) is tagged PROPN in the gold parse.
  "Sentencing Project", "Bush", "the U.S." are named; "the project", "he", "a
  2008 report" are not, even when GUM links their entity to Wikipedia (it links
  every mention of a linked entity, pronouns included).
- the same restricted to named mentions whose gold type is person,
  organization or place (``named_pop``, the issue 12 goal: >= 90% on test),
  the accuracy of each of those three types, and the speaker-type accuracy
  (person -> named_person, organization and place -> organization, so
  organization/place confusions do not count), and the same when the type is
  chosen among person, organization and place only (``speaker_choice``, what
  :func:`attribution.entities.classify_speaker` returns for a known speaker);
- accuracy on all mentions, named or not, and a confusion table of the named
  mentions (rows gold, columns predicted).

Floors are in ``evaluation/floors/gum_types.json`` per split; the command exits
1 when one is missed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.entities import (
    GUM_TYPES,
    MODELS_DIR,
    MentionTyper,
    load_typer,
    mention_head,
    speaker_choice,
    speaker_type,
)
from attribution.types import Sentence
from evaluation.common import load_floors, report_floors, shared_dir
from evaluation.gum import GumDocument, GumMention, read_gum

FLOORS_NAME = "gum_types"
#: The types a speaker is typed by (the issue's goal is measured on them).
SPEAKER_GUM_TYPES = ("person", "organization", "place")
PERCENT = 100.0
#: Relations that join the words of a proper name (for the name-only variant).
_NAME_RELS = ("flat", "compound")


@dataclass(frozen=True, slots=True)
class Item:
    """A GUM mention ready to classify: its sentence, words, head and gold type."""

    sentence: Sentence
    ids: tuple[int, ...]
    head: int
    type: str
    named: bool


def is_named(mention: GumMention, sentence: Sentence) -> bool:
    """Return whether the mention is a name: one of its GUM head words is a PROPN."""
    return any(sentence.tokens[h].upos == "PROPN" for h in mention.heads)


def name_ids(sentence: Sentence, ids: Iterable[int], head: int) -> tuple[int, ...]:
    """Return the head and the words of ``ids`` joined to it by flat/compound relations:
    the bare name of a longer mention ("the [U.S. Census Bureau] 's report")."""
    keep = set(ids)
    out = {head}
    changed = True
    while changed:
        changed = False
        for t in sentence.tokens:
            if t.index in keep and t.index not in out and t.head in out:
                if t.deprel.startswith(_NAME_RELS):
                    out.add(t.index)
                    changed = True
    return tuple(sorted(out))


def mention_items(docs: Iterable[GumDocument], *, name_variants: bool = False) -> Iterator[Item]:
    """Yield an :class:`Item` per typed mention; with ``name_variants``, also the bare
    name of each named mention whose span holds more than the name (training only)."""
    for doc in docs:
        for m in doc.mentions:
            if m.type not in GUM_TYPES:
                continue
            sentence = doc.doc.sentences[m.sentence]
            ids = tuple(range(m.start, m.end + 1))
            head = mention_head(sentence, ids)
            named = is_named(m, sentence)
            yield Item(sentence, ids, head, m.type, named)
            if name_variants and named:
                bare = name_ids(sentence, ids, head)
                if bare != ids:
                    yield Item(sentence, bare, head, m.type, named)


def _accuracy(pairs: list[tuple[str, str]]) -> float:
    if not pairs:
        return 0.0
    return round(PERCENT * sum(g == p for g, p in pairs) / len(pairs), 1)


def score(typer: MentionTyper, items: Iterable[Item]) -> dict[str, Any]:
    """Return the metrics of the module docstring (percent) and the named confusion counts."""
    every: list[tuple[str, str]] = []
    named: list[tuple[str, str]] = []
    agent: list[tuple[str, str]] = []
    three: list[tuple[str, str]] = []
    for item in items:
        result = typer.classify(item.sentence, item.ids, item.head)
        pair = (item.type, result.type)
        every.append(pair)
        if item.named:
            named.append(pair)
            if item.type in SPEAKER_GUM_TYPES:
                agent.append((str(speaker_type(item.type)), speaker_choice(result)[0]))
                best = max(SPEAKER_GUM_TYPES, key=lambda t: result.probabilities.get(t, 0.0))
                three.append((item.type, best))
    pop = [(g, p) for g, p in named if g in SPEAKER_GUM_TYPES]
    speaker = [(str(speaker_type(g)), str(speaker_type(p))) for g, p in pop]
    metrics: dict[str, Any] = {
        "named": {"accuracy": _accuracy(named), "count": len(named)},
        "named_pop": {"accuracy": _accuracy(pop), "count": len(pop)},
        "speaker_type": {"accuracy": _accuracy(speaker)},
        "speaker_choice": {"accuracy": _accuracy(agent)},
        "three_way": {"accuracy": _accuracy(three)},
        "all": {"accuracy": _accuracy(every), "count": len(every)},
    }
    for t in SPEAKER_GUM_TYPES:
        mine = [(g, p) for g, p in named if g == t]
        metrics[t] = {"accuracy": _accuracy(mine), "count": len(mine)}
    metrics["confusion"] = {f"{g}>{p}": n for (g, p), n in sorted(Counter(named).items()) if n}
    return metrics


def confusion_table(confusion: dict[str, int]) -> str:
    """Render ``gold>predicted`` counts as a table (rows gold, columns predicted)."""
    cells = {tuple(k.split(">", 1)): v for k, v in confusion.items()}
    types = sorted({t for pair in cells for t in pair})
    width = max(6, *(len(t) for t in types))
    lines = ["gold \\ pred".ljust(width + 2) + " ".join(t[:6].rjust(6) for t in types)]
    for g in types:
        row = " ".join(str(cells.get((g, p), 0)).rjust(6) for p in types)
        lines.append(g.ljust(width + 2) + row)
    return "\n".join(lines)


def report(metrics: dict[str, Any], split: str) -> None:
    print(f"GUM {split}: mention types (gold parse)")
    for key in ("named", "named_pop", "all"):
        m = metrics[key]
        print(f"  {key:<13} accuracy {m['accuracy']:5.1f}  ({m['count']} mentions)")
    for t in SPEAKER_GUM_TYPES:
        m = metrics[t]
        print(f"  named {t:<13} {m['accuracy']:5.1f}  ({m['count']})")
    print(f"  speaker type (person / organization+place) {metrics['speaker_type']['accuracy']:.1f}")
    print(
        f"  speaker choice (best of the three)         {metrics['speaker_choice']['accuracy']:.1f}"
    )
    print(f"  person / organization / place, the three only {metrics['three_way']['accuracy']:.1f}")
    print("confusion of named mentions:")
    print(confusion_table(metrics["confusion"]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evaluation.gum_types", description=__doc__)
    p.add_argument("--split", choices=("dev", "test"), default="test")
    p.add_argument("--models", type=Path, default=MODELS_DIR, help="folder of mention_types.npz")
    p.add_argument("--shared", type=Path, default=None, help="default: $ATTRIBUTION_SHARED")
    args = p.parse_args(argv)
    shared = args.shared or shared_dir()
    typer = load_typer(args.models)
    metrics = score(typer, mention_items(read_gum(shared, args.split)))
    report(metrics, args.split)
    floors = load_floors(FLOORS_NAME)[args.split]
    return report_floors(metrics, FLOORS_NAME, floors)


if __name__ == "__main__":
    sys.exit(main())
