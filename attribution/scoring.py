"""Score how well each attribution is sourced: 0-100, a grade A-E and every rule that fired.

The rubric follows published newsroom standards on sourcing (AP News Values
and Principles, Reuters Handbook of Journalism, NYT Confidential News Sources
policy, BBC Editorial Guidelines, NPR Ethics Handbook; see docs/scoring.md):
a base by who stands behind the claim, bonuses when an anonymous source meets
the conditions those standards set (knowledge basis, reason for anonymity,
affiliation, several sources, corroboration), penalties for what they forbid
(anonymous opinion or attack, anonymous direct quotes, hedged attributions)
and a cap that keeps any anonymous source below every named one.

Weights live in ``attribution/data/rubric.yaml``; set the environment variable
``ATTRIBUTION_RUBRIC`` to the path of another file to override them. The cue's
stance ("claimed", "admitted") is reported in ``Cue.stance``, not scored here.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, get_args

import yaml

from attribution import hedges as hk
from attribution.errors import AttributionError
from attribution.records import (
    UNATTRIBUTED_ID,
    UNATTRIBUTED_SPEAKER,
    Attribution,
    Grade,
    Hedge,
    Score,
    ScoreReason,
    Speaker,
)
from attribution.resources import data_path
from attribution.settings import settings

RUBRIC_ENV = "ATTRIBUTION_RUBRIC"
RUBRIC_FILE = "rubric.yaml"
MIN_SCORE = 0
MAX_SCORE = 100
GRADES: tuple[Grade, ...] = get_args(Grade)
LOWEST_GRADE: Grade = "E"

NAMED_WITH_ROLE = "named_person_with_role"
UNRESOLVED_BASE = "anonymous_person"
UNATTRIBUTED_BASE = "unattributed"
REQUIRED_SECTIONS = ("base", "modifiers", "penalties", "caps", "grades")

#: Hedge kinds that earn a bonus for an anonymous source, by modifier name.
MODIFIER_HEDGES: Mapping[str, str] = {
    "knowledge_basis": hk.KNOWLEDGE_BASIS,
    "anonymity_reason": hk.ANONYMITY_REASON,
    "affiliation": hk.AFFILIATION,
    "several_sources": hk.SEVERAL_SOURCES,
    "corroboration": hk.CORROBORATION,
}
#: Hedge kinds that cost points for an anonymous source only, by penalty name.
ANONYMOUS_PENALTY_HEDGES: Mapping[str, str] = {
    "anonymous_opinion": hk.OPINION,
    "anonymous_attack": hk.ATTACK,
    "vague_group": hk.VAGUE_GROUP,
}
#: Hedge kinds that cost points whoever the source is, by penalty name.
PENALTY_HEDGES: Mapping[str, str] = {
    "hedge_on_attribution": hk.HEDGED_CUE,
    "other_outlet": hk.OTHER_OUTLET,
}
ANONYMOUS_DIRECT_QUOTE = "anonymous_direct_quote"
#: Kinds that put the source's exact words in quote marks (a partial quote too).
QUOTED_KINDS = frozenset({"direct", "partial", "mixed"})


class RubricError(AttributionError, ValueError):
    """The rubric file is missing a section or breaks the anonymous cap rule."""


@dataclass(frozen=True, slots=True)
class Rubric:
    """The rules and weights in force."""

    base: Mapping[str, float]
    modifiers: Mapping[str, float]
    penalties: Mapping[str, float]
    anonymous_max: float
    grades: tuple[tuple[Grade, float], ...]
    named_types: frozenset[str]
    anonymous_types: frozenset[str]
    raw: Mapping[str, Any]
    origin: str


def rubric_path() -> tuple[Path, str]:
    """Return the rubric file in force and where it came from (env override or bundled)."""
    override = settings().rubric_path
    if override:
        return Path(override), RUBRIC_ENV
    return data_path(RUBRIC_FILE), "bundled"


def _letter(raw: object) -> Grade:
    """Return ``raw`` as a grade letter, or raise ``ValueError``."""
    for letter in GRADES:
        if raw == letter:
            return letter
    raise ValueError(f"grade {raw!r} is not one of {', '.join(GRADES)}")


def parse_rubric(raw: Mapping[str, Any], origin: str = "bundled") -> Rubric:
    """Check and freeze a rubric mapping; raise :class:`RubricError` if it is unusable."""
    missing = [k for k in REQUIRED_SECTIONS if not isinstance(raw.get(k), Mapping)]
    if missing:
        raise RubricError(f"rubric ({origin}) lacks section(s) {', '.join(missing)}")
    try:
        base = {str(k): float(v) for k, v in raw["base"].items()}
        modifiers = {str(k): float(v) for k, v in raw["modifiers"].items()}
        penalties = {str(k): float(v) for k, v in raw["penalties"].items()}
        cap = float(raw["caps"]["anonymous_max"])
        grades = tuple(
            sorted(((_letter(g), float(v)) for g, v in raw["grades"].items()), key=lambda x: -x[1])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RubricError(f"rubric ({origin}) has a malformed entry: {exc}") from exc
    named = frozenset(raw.get("named_types") or ())
    anonymous = frozenset(raw.get("anonymous_types") or ())
    named_bases = [v for k, v in base.items() if k in named or k == NAMED_WITH_ROLE]
    if named_bases and cap >= min(named_bases):
        raise RubricError(
            f"rubric ({origin}): caps.anonymous_max {cap:g} must stay below every named "
            f"source's base (lowest {min(named_bases):g}); lower the cap or raise the bases"
        )
    for needed in (UNRESOLVED_BASE, UNATTRIBUTED_BASE):
        if needed not in base:
            raise RubricError(f"rubric ({origin}) has no base for {needed!r}")
    return Rubric(base, modifiers, penalties, cap, grades, named, anonymous, raw, origin)


@cache
def _load(path: str, mtime: float, origin: str) -> Rubric:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
    except OSError as exc:
        raise RubricError(f"cannot read the rubric at {path} ({origin}): {exc.strerror}") from exc
    if not isinstance(raw, Mapping):
        raise RubricError(f"rubric at {path} ({origin}) is not a YAML mapping")
    return parse_rubric(raw, origin)


def current_rubric() -> Rubric:
    """Return the rubric in force, re-read when the file or ``ATTRIBUTION_RUBRIC`` changes."""
    path, origin = rubric_path()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise RubricError(f"cannot read the rubric at {path} ({origin}): {exc.strerror}") from exc
    return _load(str(path), mtime, origin)


def rubric() -> dict[str, Any]:
    """Return the rules and weights in force (served at ``GET /v1/rubric``)."""
    current = current_rubric()
    out = copy.deepcopy(dict(current.raw))
    out["origin"] = current.origin
    return out


def grade(value: float, rules: Rubric | None = None) -> Grade:
    """Return the letter grade of ``value`` under the rubric's bands."""
    for letter, floor in (rules or current_rubric()).grades:
        if value >= floor:
            return letter
    return LOWEST_GRADE


def _is_anonymous(speaker: Speaker | None, rules: Rubric) -> bool:
    return speaker is None or speaker.anonymous or speaker.type in rules.anonymous_types


def _base(att: Attribution, speaker: Speaker | None, rules: Rubric) -> ScoreReason:
    if speaker is None:
        key = UNATTRIBUTED_BASE if att.source is None else UNRESOLVED_BASE
        text = att.source.text if att.source is not None else ""
    else:
        key = speaker.type
        if key == "named_person" and speaker.role and NAMED_WITH_ROLE in rules.base:
            key = NAMED_WITH_ROLE
        text = speaker.name if not speaker.role else f"{speaker.name} ({speaker.role})"
    points = rules.base.get(key, rules.base[UNRESOLVED_BASE])
    return ScoreReason(f"base.{key}", points, text)


def _first(hedges: tuple[Hedge, ...], kind: str) -> Hedge | None:
    return next((h for h in hedges if h.kind == kind), None)


def score_one(att: Attribution, speaker: Speaker | None, rules: Rubric) -> Score:
    """Score one attribution: base, modifiers, penalties, then the anonymous cap."""
    reasons = [_base(att, speaker, rules)]
    anonymous = _is_anonymous(speaker, rules)
    if anonymous:
        for rule, kind in MODIFIER_HEDGES.items():
            hit = _first(att.hedges, kind)
            if hit is not None and rule in rules.modifiers:
                reasons.append(
                    ScoreReason(f"modifier.{rule}", rules.modifiers[rule], hit.span.text)
                )
        for rule, kind in ANONYMOUS_PENALTY_HEDGES.items():
            hit = _first(att.hedges, kind)
            if hit is not None and rule in rules.penalties:
                reasons.append(ScoreReason(f"penalty.{rule}", rules.penalties[rule], hit.span.text))
        if att.kind in QUOTED_KINDS and ANONYMOUS_DIRECT_QUOTE in rules.penalties:
            quote = att.quotes[0].text if att.quotes else att.content.text
            points = rules.penalties[ANONYMOUS_DIRECT_QUOTE]
            reasons.append(ScoreReason(f"penalty.{ANONYMOUS_DIRECT_QUOTE}", points, quote))
    for rule, kind in PENALTY_HEDGES.items():
        hit = _first(att.hedges, kind)
        if hit is not None and rule in rules.penalties:
            reasons.append(ScoreReason(f"penalty.{rule}", rules.penalties[rule], hit.span.text))
    total = sum(r.points for r in reasons)
    if anonymous and total > rules.anonymous_max:
        cap_text = speaker.name if speaker is not None else ""
        reasons.append(ScoreReason("cap.anonymous_max", rules.anonymous_max - total, cap_text))
        total = rules.anonymous_max
    value = int(round(min(MAX_SCORE, max(MIN_SCORE, total))))
    return Score(value, grade(value, rules), tuple(reasons))


def score(
    attributions: tuple[Attribution, ...], speakers: tuple[Speaker, ...]
) -> tuple[Attribution, ...]:
    """Return ``attributions`` with ``score`` filled under the rubric in force."""
    rules = current_rubric()
    by_id = {UNATTRIBUTED_ID: UNATTRIBUTED_SPEAKER, **{s.id: s for s in speakers}}
    return tuple(
        replace(att, score=score_one(att, by_id.get(att.speaker_id or ""), rules))
        for att in attributions
    )
