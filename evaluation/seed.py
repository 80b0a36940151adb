"""Check the engine on the seed article against its hand-made gold.

``python -m evaluation.seed`` runs :func:`attribution.pipeline.analyze` on
``../shared/examples/gantz-morocco.txt`` and prints, for every gold
attribution, whether it was found (a predicted content covers at least half of
the gold content snippet) and whether its resolved speaker is right (the
speaker's name contains one of the gold ``speaker_aliases``); then the gold
hedges, unattributed claims and declined comments found; the predicted
attributions that match nothing in the gold (invented); the
``not_attributions`` given a speaker they must not have; each found
attribution's speaker type against the gold ``speaker_type``; that a
coordinated source ("Amnesty International and ... Forbidden Stories") keeps
every conjunct as a speaker; speakers named by
a bare relative pronoun ("which"); and the expected score order. It exits 1
when a floor of ``evaluation/floors/seed.json`` is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common import report_floors, shared_dir

SEED_NAME = "gantz-morocco"
FLOORS_NAME = "seed"
FOUND_SHARE = 0.5
#: Speakers acceptable on a ``not_attributions`` stretch, by its text; the gold
#: gives these in its "why" notes. Types listed under ``None`` are always fine.
NOT_ATTRIBUTION_ALLOWED: dict[str | None, tuple[str, ...]] = {
    None: ("unattributed", "anonymous_group"),
    "not coincidental": ("Maddy-Weitzman",),
}
#: Speaker names that are a relative pronoun left unresolved.
RELATIVE_PRONOUN_NAMES = frozenset({"which", "who", "that", "whom", "whose"})
#: A not_attribution stretch may be covered by a content at most this much longer.
SWALLOW_SLACK = 40
COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True, slots=True)
class Located:
    """A gold snippet located in the text."""

    start: int
    end: int

    def covered_by(self, start: int, end: int) -> float:
        """Return the share of this snippet inside ``[start, end)``."""
        shared = max(0, min(self.end, end) - max(self.start, start))
        return shared / max(1, self.end - self.start)


def locate(text: str, snippet: str) -> Located:
    """Find ``snippet`` in ``text`` (it must be there: the gold names content by snippet)."""
    start = text.find(snippet)
    if start < 0:
        raise ValueError(f"gold snippet not in the seed text: {snippet[:60]!r}")
    return Located(start, start + len(snippet))


def _speaker(analysis: Any, att: Any) -> Any | None:
    return next((s for s in analysis.speakers if s.id == att.speaker_id), None)


def _name(analysis: Any, att: Any) -> str:
    speaker = _speaker(analysis, att)
    return speaker.name if speaker is not None else ""


def _alias_hit(name: str, aliases: Sequence[str]) -> bool:
    return any(a.lower() in name.lower() for a in aliases)


def _matches(analysis: Any, where: Located) -> list[Any]:
    return [
        a
        for a in analysis.attributions
        if where.covered_by(a.content.start, a.content.end) >= FOUND_SHARE
    ]


def evaluate(gold: dict[str, Any], text: str, analysis: Any) -> tuple[dict[str, Any], list[str]]:
    """Compare ``analysis`` with the seed gold; return the metrics and the report lines."""
    lines: list[str] = []
    used: set[str] = set()
    found = right = required = req_found = req_right = typed = coordinated = 0
    matched: list[tuple[dict[str, Any], Any | None]] = []
    for item in gold["attributions"]:
        where = locate(text, item["content"])
        cands = _matches(analysis, where)
        best = next(
            (a for a in cands if _alias_hit(_name(analysis, a), item["speaker_aliases"])), None
        )
        pick = best or (cands[0] if cands else None)
        used.update(a.id for a in cands)
        matched.append((item, pick))
        ok_speaker = best is not None
        speaker = _speaker(analysis, pick) if pick is not None else None
        got_type = speaker.type if speaker is not None else None
        ok_type = got_type == item["speaker_type"]
        found += pick is not None
        right += ok_speaker
        typed += ok_type
        if " and " in item["source_text"]:
            coordinated += _all_speakers_kept(analysis, pick, item, lines)
        if item.get("required", True):
            required += 1
            req_found += pick is not None
            req_right += ok_speaker
        status = "found" if pick is not None else "MISSED"
        who = f"speaker {_name(analysis, pick)!r}" if pick is not None else ""
        verdict = "" if pick is None else (" right" if ok_speaker else " WRONG")
        score = f" score {pick.score.value}{pick.score.grade}" if pick and pick.score else ""
        flag = "" if item.get("required", True) else " (optional)"
        kind = "" if pick is None else f" {got_type}" + ("" if ok_type else " WRONG TYPE")
        lines.append(
            f"{status:6} {item['content'][:50]!r}{flag}: {who}{verdict}{kind}"
            f" (gold {item['speaker_aliases'][0]}, {item['speaker_type']}){score}"
        )

    hedges_found = 0
    for hedge in gold.get("hedges", []):
        where = locate(text, hedge["text"])
        hit = any(
            h.kind == hedge["kind"] and where.covered_by(h.span.start, h.span.end) > 0
            for a in analysis.attributions
            for h in a.hedges
        )
        hedges_found += hit
        lines.append(f"{'found' if hit else 'MISSED':6} hedge {hedge['kind']} {hedge['text']!r}")

    unattributed_found = 0
    for claim in gold.get("unattributed_claims", []):
        where = locate(text, claim["content"])
        hits = [
            a
            for a in _matches(analysis, where)
            if (s := _speaker(analysis, a)) is not None and s.type == "unattributed"
        ]
        used.update(a.id for a in _matches(analysis, where))
        unattributed_found += bool(hits)
        lines.append(
            f"{'found' if hits else 'MISSED':6} unattributed claim {claim['content'][:50]!r}"
        )

    declined_found = 0
    for item in gold.get("declined_to_comment", []):
        where = locate(text, item["source_text"])
        hits = [
            a
            for a in analysis.attributions
            if a.source is not None
            and where.covered_by(a.source.start, a.source.end) > 0
            and any(h.kind == "declined_to_comment" for h in a.hedges)
        ]
        used.update(a.id for a in hits)
        declined_found += bool(hits)
        lines.append(
            f"{'found' if hits else 'MISSED':6} declined to comment {item['source_text']!r}"
        )

    violations = _not_attribution_violations(gold, text, analysis, used, lines)
    invented = [a for a in analysis.attributions if a.id not in used]
    for a in invented:
        sieve = a.sieve or "no sieve"
        lines.append(f"INVENTED {a.content.text[:60]!r} speaker {_name(analysis, a)!r} ({sieve})")
    order_ok = _score_order(gold, matched, lines)
    metrics = {
        "required": required,
        "required_found": req_found,
        "required_speaker_right": req_right,
        "found": found,
        "speaker_right": right,
        "type_right": typed,
        "coordinated_sources_kept": coordinated,
        "relative_pronoun_speakers_max": _relative_speakers(analysis, lines),
        "hedges_found": hedges_found,
        "unattributed_found": unattributed_found,
        "declined_found": declined_found,
        "invented_max": len(invented),
        "not_attribution_violations_max": violations,
        "score_order": order_ok,
    }
    return metrics, lines


def _all_speakers_kept(
    analysis: Any, pick: Any | None, item: dict[str, Any], lines: list[str]
) -> int:
    """Tell (0/1) whether a coordinated gold source keeps every conjunct as a speaker."""
    if pick is None:
        return 0
    ids = (pick.speaker_id, *getattr(pick, "co_speaker_ids", ()))
    names = " | ".join(s.name for s in analysis.speakers if s.id in ids)
    kept = all(_alias_hit(names, [alias]) for alias in item["speaker_aliases"])
    verdict = "ok    " if kept else "WRONG "
    lines.append(f"{verdict} coordinated source {item['source_text']!r}: speakers {names!r}")
    return int(kept)


def _relative_speakers(analysis: Any, lines: list[str]) -> int:
    """Count speakers named by a bare relative pronoun ("which said" must be Morocco)."""
    bad = [s for s in analysis.speakers if s.name.lower() in RELATIVE_PRONOUN_NAMES]
    for s in bad:
        lines.append(f"WRONG  speaker named {s.name!r}: a relative pronoun, not its antecedent")
    return len(bad)


def _not_attribution_violations(
    gold: dict[str, Any], text: str, analysis: Any, used: set[str], lines: list[str]
) -> int:
    """Count predictions on a not_attribution stretch with a speaker it must not have."""
    bad = 0
    for item in gold.get("not_attributions", []):
        where = locate(text, item["text"])
        allowed = NOT_ATTRIBUTION_ALLOWED.get(item["text"], ())
        for a in analysis.attributions:
            if where.covered_by(a.content.start, a.content.end) == 0:
                continue
            used.add(a.id)
            speaker = _speaker(analysis, a)
            kind_ok = speaker is not None and speaker.type in NOT_ATTRIBUTION_ALLOWED[None]
            swallows = (a.content.end - a.content.start) > (where.end - where.start) + SWALLOW_SLACK
            if swallows or not (kind_ok or _alias_hit(_name(analysis, a), allowed)):
                bad += 1
                lines.append(
                    f"VIOLATION not an attribution {item['text']!r}: speaker "
                    f"{_name(analysis, a)!r}, content {a.content.text[:60]!r}"
                )
    return bad


def _score_order(
    gold: dict[str, Any], matched: list[tuple[dict[str, Any], Any | None]], lines: list[str]
) -> bool:
    """Check ``expected_score_order``: mean score of the matched items of each alias."""
    ok = True
    for left, op, right in gold.get("expected_score_order", []):
        a, b = _alias_score(left, matched), _alias_score(right, matched)
        holds = a is not None and b is not None and COMPARATORS[op](a, b)
        ok &= holds
        lines.append(f"{'ok' if holds else 'WRONG':6} score order {left} ({a}) {op} {right} ({b})")
    return ok


def _alias_score(alias: str, matched: list[tuple[dict[str, Any], Any | None]]) -> float | None:
    scores = [
        pick.score.value
        for item, pick in matched
        if pick is not None
        and pick.score is not None
        and alias.lower() in (x.lower() for x in item["speaker_aliases"])
    ]
    return round(sum(scores) / len(scores), 1) if scores else None


def load_seed(root: Path | None = None) -> tuple[dict[str, Any], str]:
    """Return the seed gold and text from ``../shared/examples``."""
    folder = (root or shared_dir()) / "examples"
    gold = json.loads((folder / f"{SEED_NAME}.gold.json").read_text(encoding="utf-8"))
    text = (folder / gold["text_file"]).read_text(encoding="utf-8")
    return gold, text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the seed check; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.seed", description=__doc__.split("\n")[0]
    )
    parser.parse_args(argv)
    try:
        gold, text = load_seed()
    except OSError as exc:
        print(f"seed data not found: {exc}", file=sys.stderr)
        return 2
    from attribution.pipeline import analyze

    metrics, lines = evaluate(gold, text, analyze(text))
    print("\n".join(lines))
    print(json.dumps(metrics))
    return report_floors(metrics, FLOORS_NAME)


if __name__ == "__main__":
    sys.exit(main())
