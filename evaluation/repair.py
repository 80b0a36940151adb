"""Evaluate the repair stage (issue 3): ``python -m evaluation.repair``.

Prints the seed figures against ``gantz-morocco.repair.json`` (link artifacts
removed, glued words split, missing spaces restored, wrong changes, risky words
touched, headings and credits marked), the change rate on clean PolNeAR news,
every change printed, and, as a check on damage the method has not seen, the
recovery of seed-like damage laid at random on the PolNeAR dev texts. Exits 1
when a figure is below its floor in ``evaluation/floors/repair.json`` (floors
only go up; ``*_max`` figures are ceilings and only go down).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.records import Repair
from attribution.repair import RepairResult, repair_text
from evaluation.common import shared_dir

REPO = Path(__file__).resolve().parent.parent
SHARED = shared_dir()
SEED_TEXT = SHARED / "examples" / "gantz-morocco.txt"
SEED_GOLD = SHARED / "examples" / "repair" / "gantz-morocco.repair.json"
POLNEAR_GLOB = "data/polnear/*/text/*.txt"
FLOORS = Path(__file__).resolve().parent / "floors" / "repair.json"
SYNTHETIC_GLOB = "data/polnear/dev/text/*.txt"
SYNTHETIC_SEED = 0
GLUE_RATE = 0.04  # share of spaces between two words removed (lines joined)
LINK_RATE = 0.15  # share of mid-sentence capitalized words followed by "link"
GLUE_GAP = 3  # characters between two removed spaces: no token holds three words
WORD_SPACE_RE = re.compile(r"(?<=[^\W\d_]) (?=[^\W\d_])")
NAME_END_RE = re.compile(r"(?<=[a-z] )[A-Z][a-z]+(?=[ ,.])")
WORD_KINDS = frozenset({"link", "split", "space"})
LINK = "link"
PER_WORDS = 100_000
CONTEXT = 30


@dataclass(frozen=True, slots=True)
class SeedFigures:
    """What the repair got right and wrong on the hand-labelled seed."""

    link: int
    link_total: int
    split: int
    split_total: int
    punct: int
    punct_total: int
    wrong: tuple[Repair, ...]
    risky_changed: tuple[str, ...]
    headings: int
    headings_total: int
    credits: int
    credits_total: int
    bad_offsets: int


@dataclass(frozen=True, slots=True)
class CleanFigures:
    """Changes the repair made to clean news."""

    documents: int
    words: int
    word_changes: tuple[tuple[str, Repair, str], ...]
    char_changes: Counter[str]
    char_examples: tuple[tuple[str, Repair], ...]
    changed_maps: int
    bad_offsets: int

    @property
    def rate(self) -> float:
        """Return word-level changes per 100,000 words."""
        return len(self.word_changes) * PER_WORDS / max(self.words, 1)


def _is_link_hit(r: Repair, offset: int) -> bool:
    """Return True if ``r`` removes the "link" that starts at ``offset``."""
    return r.kind == "link" and r.start <= offset and r.end >= offset + len(LINK)


def _is_split_hit(r: Repair, item: dict[str, Any]) -> bool:
    """Return True if ``r`` splits the gold token at its gold offset as expected."""
    return (
        r.kind == "split"
        and r.original == item["token"]
        and r.start < item["offset"] < r.end
        and r.replacement == item["expected"]
    )


def _overlaps(r: Repair, start: int, end: int) -> bool:
    """Return True if repair ``r`` touches the word at ``[start, end)``."""
    if r.start == r.end:
        return start < r.start < end
    return r.start < end and r.end > start


def _bad_offsets(result: RepairResult) -> int:
    """Count report entries whose ``original`` is not the submitted text at its offsets."""
    return sum(r.original != result.original[r.start : r.end] for r in result.repairs)


def evaluate_seed(text: str, gold: dict[str, Any]) -> SeedFigures:
    """Score ``repair_text(text)`` against the hand labels ``gold``."""
    result = repair_text(text)
    word = [r for r in result.repairs if r.kind in WORD_KINDS]
    matched: set[int] = set()
    link = split = punct = 0
    for offset in (item["offset"] for item in gold["link"]):
        hits = [i for i, r in enumerate(word) if _is_link_hit(r, offset)]
        link += bool(hits)
        matched.update(hits)
    for item in gold["split"]:
        hits = [i for i, r in enumerate(word) if _is_split_hit(r, item)]
        split += bool(hits)
        matched.update(hits)
    for offset in (item["offset"] for item in gold["punct"]):
        hits = [i for i, r in enumerate(word) if r.kind == "space" and r.start == offset]
        punct += bool(hits)
        matched.update(hits)
    wrong = tuple(r for i, r in enumerate(word) if i not in matched)
    risky = tuple(
        f"{w['word']}@{w['start']}"
        for w in gold["risky_genuine"]
        if any(_overlaps(r, w["start"], w["end"]) for r in result.repairs if r.kind != "segment")
    )
    marked = {(s.kind, text[s.orig_start : s.orig_end]) for s in result.segments}
    unscored = gold.get("other_unscored", [])
    headings = [u["text"] for u in unscored if u["kind"].startswith("heading")]
    credits = [u["text"] for u in unscored if "credit" in u["kind"]]
    return SeedFigures(
        link=link,
        link_total=len(gold["link"]),
        split=split,
        split_total=len(gold["split"]),
        punct=punct,
        punct_total=len(gold["punct"]),
        wrong=wrong,
        risky_changed=risky,
        headings=sum(("heading", h) in marked for h in headings),
        headings_total=len(headings),
        credits=sum(("credit", c) in marked for c in credits),
        credits_total=len(credits),
        bad_offsets=_bad_offsets(result),
    )


def _char_category(r: Repair) -> str:
    """Name the kind of character fix ``r`` is, for the summary."""
    if r.original.startswith("&"):
        return "html entity"
    if r.replacement == " " and len(r.original) == 1:
        return "unicode space"
    if r.replacement == "":
        return "invisible character"
    return "encoding (ftfy)"


def evaluate_clean(paths: list[Path]) -> CleanFigures:
    """Repair each clean text in ``paths``; collect every change made."""
    words = 0
    word_changes: list[tuple[str, Repair, str]] = []
    char_changes: Counter[str] = Counter()
    char_examples: list[tuple[str, Repair]] = []
    changed_maps = bad = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        result = repair_text(text)
        bad += _bad_offsets(result)
        changed_maps += not result.offsets.is_identity
        for r in result.repairs:
            if r.kind in WORD_KINDS:
                context = text[max(0, r.start - CONTEXT) : r.end + CONTEXT]
                word_changes.append((path.name, r, context))
            elif r.kind == "char":
                category = _char_category(r)
                char_changes[category] += 1
                if category != "unicode space":
                    char_examples.append((path.name, r))
    return CleanFigures(
        len(paths),
        words,
        tuple(word_changes),
        char_changes,
        tuple(char_examples),
        changed_maps,
        bad,
    )


@dataclass(frozen=True, slots=True)
class SyntheticFigures:
    """How the repair undoes damage of the seed's kind laid on texts it has never seen."""

    documents: int
    split: int
    split_total: int
    link: int
    link_total: int
    wrong: tuple[tuple[Repair, str], ...]


def damage(text: str, rng: random.Random) -> tuple[str, list[int], list[int]]:
    """Join lines and leave "link" after names in ``text``; return it and the gold offsets.

    Gold split offsets are where the removed space was; gold link offsets are
    where the inserted "link" starts, both in the damaged text.
    """
    joins: set[int] = set()
    for m in WORD_SPACE_RE.finditer(text):
        if rng.random() < GLUE_RATE and all(abs(m.start() - j) > GLUE_GAP for j in joins):
            joins.add(m.start())
    links = {m.end(): rng.choice(("link", " link")) for m in NAME_END_RE.finditer(text)}
    links = {pos: ins for pos, ins in links.items() if rng.random() < LINK_RATE}
    out: list[str] = []
    size = 0
    splits: list[int] = []
    link_offsets: list[int] = []
    for i, ch in enumerate(text):
        if i in links:
            link_offsets.append(size + links[i].index(LINK))
            out.append(links[i])
            size += len(links[i])
        if i in joins:
            splits.append(size)
            continue
        out.append(ch)
        size += 1
    return "".join(out), splits, link_offsets


def evaluate_synthetic(paths: list[Path], seed: int = SYNTHETIC_SEED) -> SyntheticFigures:
    """Damage each clean text in ``paths`` like the seed; score the repair of it."""
    rng = random.Random(seed)
    split = split_total = link = link_total = 0
    wrong: list[tuple[Repair, str]] = []
    for path in paths:
        text, splits, links = damage(path.read_text(encoding="utf-8"), rng)
        repairs = [r for r in repair_text(text).repairs if r.kind in WORD_KINDS]
        matched: set[int] = set()
        for offset in splits:
            hits = [
                i
                for i, r in enumerate(repairs)
                if r.kind == "split" and r.start + r.replacement.find(" ") == offset
            ]
            split += bool(hits)
            matched.update(hits)
        for offset in links:
            hits = [i for i, r in enumerate(repairs) if _is_link_hit(r, offset)]
            link += bool(hits)
            matched.update(hits)
        split_total += len(splits)
        link_total += len(links)
        for i, r in enumerate(repairs):
            if i not in matched:
                wrong.append((r, text[max(0, r.start - CONTEXT) : r.end + CONTEXT]))
    return SyntheticFigures(len(paths), split, split_total, link, link_total, tuple(wrong))


def _print_seed(f: SeedFigures) -> None:
    """Print the seed figures."""
    print(f"seed: {SEED_TEXT.name}")
    print(f"  link artifacts removed   {f.link}/{f.link_total}")
    print(f"  glued words split        {f.split}/{f.split_total}")
    print(f"  punctuation spaces       {f.punct}/{f.punct_total}")
    print(f"  wrong deletions/splits   {len(f.wrong)}")
    for r in f.wrong:
        print(f"    {r.kind} {r.start}-{r.end} {r.original!r} -> {r.replacement!r}")
    print(f"  risky words changed      {len(f.risky_changed)}")
    for w in f.risky_changed:
        print(f"    {w}")
    print(f"  headings marked          {f.headings}/{f.headings_total}")
    print(f"  credits marked           {f.credits}/{f.credits_total}")
    print(f"  report offset errors     {f.bad_offsets}")


def _print_clean(f: CleanFigures) -> None:
    """Print the clean-text figures and every change."""
    print(f"clean news: PolNeAR train+dev, {f.documents} texts, {f.words} words")
    print(
        f"  word-level changes       {len(f.word_changes)} ({f.rate:.2f} per {PER_WORDS:,} words)"
    )
    for name, r, context in f.word_changes:
        print(f"    {name}: {r.kind} {r.original!r} -> {r.replacement!r} in {context!r}")
    print(f"  character fixes          {sum(f.char_changes.values())} {dict(f.char_changes)}")
    for name, r in f.char_examples:
        print(f"    {name}: {r.original!r} -> {r.replacement!r}")
    print(f"  texts with non-identity offset map  {f.changed_maps}")
    print(f"  report offset errors     {f.bad_offsets}")


def _print_synthetic(f: SyntheticFigures) -> None:
    """Print the figures on synthetic damage and every wrong change."""
    print(f"unseen damage: PolNeAR dev, {f.documents} texts, lines joined and links left")
    print(f"  glued words split        {f.split}/{f.split_total} ({_pct(f.split, f.split_total)})")
    print(f"  link artifacts removed   {f.link}/{f.link_total} ({_pct(f.link, f.link_total)})")
    changes = f.split + f.link + len(f.wrong)
    print(f"  wrong changes            {len(f.wrong)} of {changes}")
    for r, context in f.wrong:
        print(f"    {r.kind} {r.original!r} -> {r.replacement!r} in {context!r}")


def _pct(part: int, whole: int) -> str:
    """Format ``part / whole`` as a percentage."""
    return f"{100 * part / max(whole, 1):.1f}%"


def figures(
    seed: SeedFigures, clean: CleanFigures, synthetic: SyntheticFigures
) -> dict[str, float]:
    """Return the gated figures by name (see ``evaluation/floors/repair.json``)."""
    return {
        "unseen_split_pct": round(100 * synthetic.split / max(synthetic.split_total, 1), 1),
        "unseen_link_pct": round(100 * synthetic.link / max(synthetic.link_total, 1), 1),
        "unseen_wrong_max": len(synthetic.wrong),
        "seed_link": seed.link,
        "seed_split": seed.split,
        "seed_punct": seed.punct,
        "seed_wrong_max": len(seed.wrong),
        "seed_risky_changed_max": len(seed.risky_changed),
        "seed_offset_errors_max": seed.bad_offsets,
        "seed_headings": seed.headings,
        "seed_credits": seed.credits,
        "clean_word_changes_per_100k_max": round(clean.rate, 3),
        "clean_offset_errors_max": clean.bad_offsets,
    }


def failures(values: dict[str, float], floors: dict[str, float]) -> list[str]:
    """Return the figures below their floor (or above their ceiling, for ``*_max``)."""
    out = []
    for name, floor in floors.items():
        value = values.get(name)
        if value is None:
            out.append(f"{name}: missing")
        elif name.endswith("_max") and value > floor:
            out.append(f"{name}: {value} > {floor}")
        elif not name.endswith("_max") and value < floor:
            out.append(f"{name}: {value} < {floor}")
    return out


def run(shared: Path | None = None) -> tuple[dict[str, float], list[str]]:
    """Evaluate on the seed and PolNeAR under ``shared`` (default: :func:`shared_dir`); print;
    return figures and failures."""
    shared = shared_dir() if shared is None else shared
    gold = json.loads((shared / "examples/repair/gantz-morocco.repair.json").read_text("utf-8"))
    seed = evaluate_seed((shared / "examples/gantz-morocco.txt").read_text("utf-8"), gold)
    clean = evaluate_clean(sorted(shared.glob(POLNEAR_GLOB)))
    synthetic = evaluate_synthetic(sorted(shared.glob(SYNTHETIC_GLOB)))
    _print_seed(seed)
    _print_clean(clean)
    _print_synthetic(synthetic)
    values = figures(seed, clean, synthetic)
    floors = json.loads(FLOORS.read_text("utf-8"))
    return values, failures(values, floors)


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; return 1 if a figure misses its floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=shared_dir(), help="the shared data folder")
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"no shared data at {args.shared}", file=sys.stderr)
        return 2
    values, failed = run(args.shared)
    print("figures: " + json.dumps(values))
    for line in failed:
        print(f"BELOW FLOOR {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
