"""Sourcing score: rubric loading, rule firing, caps and the seed's expected order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution import hedges as hk
from attribution import scoring
from attribution.records import Attribution, Cue, Hedge, Speaker, TextSpan
from attribution.resources import data_path


def ts(text: str, start: int = 0) -> TextSpan:
    return TextSpan(start, start + len(text), text)


def att(
    speaker_id: str | None,
    kind: str = "indirect",
    hedges: tuple[tuple[str, str], ...] = (),
    source: str | None = "x",
) -> Attribution:
    return Attribution(
        id=f"a-{speaker_id}",
        kind=kind,  # type: ignore[arg-type]
        content=ts("content"),
        cue=Cue(ts("said"), "say"),
        source=ts(source) if source else None,
        speaker_id=speaker_id,
        hedges=tuple(Hedge(ts(text), k) for k, text in hedges),
    )


EXPERT = Speaker("mw", "Bruce Maddy-Weitzman", "named_person", role="professor")
GHALI = Speaker("gh", "Brahim Ghali", "named_person")
OFFICE = Speaker("of", "Gantz's office", "organization")
SOURCE = Speaker("so", "a source", "anonymous_person", anonymous=True)
OFFICIALS = Speaker("ol", "officials", "anonymous_group", anonymous=True)
SPEAKERS = (EXPERT, GHALI, OFFICE, SOURCE, OFFICIALS)


def scored(*atts: Attribution) -> dict[str, Attribution]:
    return {a.speaker_id or "": a for a in scoring.score(atts, SPEAKERS)}


def value(a: Attribution) -> int:
    assert a.score is not None
    return a.score.value


def rules(a: Attribution) -> dict[str, float]:
    assert a.score is not None
    return {r.rule: r.points for r in a.score.reasons}


def test_seed_order_named_expert_office_source_officials() -> None:
    out = scored(
        att("mw", "direct"),
        att("of", "direct"),
        att("so", "direct", (("anonymous_formula", "a source familiar"), ("knowledge_basis", "f"))),
        att("ol", "direct", (("vague_group", "officials say"),)),
    )
    assert value(out["mw"]) > value(out["of"]) > value(out["so"]) >= value(out["ol"])


def test_every_rule_reports_points_and_text() -> None:
    a = att("so", "direct", (("knowledge_basis", "familiar with the visit"),))
    (out,) = scoring.score((a,), SPEAKERS)
    assert out.score is not None
    reasons = {r.rule: r for r in out.score.reasons}
    assert reasons["base.anonymous_person"].text == "a source"
    assert reasons["modifier.knowledge_basis"].text == "familiar with the visit"
    assert reasons["modifier.knowledge_basis"].points > 0
    assert reasons["penalty.anonymous_direct_quote"].points < 0
    assert out.score.value == round(sum(r.points for r in out.score.reasons))


def test_named_person_with_role_outranks_bare_name() -> None:
    out = scored(att("mw"), att("gh"))
    assert "base.named_person_with_role" in rules(out["mw"])
    assert value(out["mw"]) > value(out["gh"])


def test_anonymous_modifiers_never_lift_above_cap() -> None:
    every = tuple((k, k) for k in scoring.MODIFIER_HEDGES.values())
    out = scored(att("so", hedges=every))
    cap = scoring.current_rubric().anonymous_max
    assert value(out["so"]) == cap
    assert rules(out["so"])["cap.anonymous_max"] < 0
    assert value(out["so"]) < min(value(a) for a in scored(att("of"), att("gh")).values())


def test_anonymous_penalties_only_hit_anonymous_sources() -> None:
    signals = (("opinion", "believes"), ("attack", "incompetent"))
    out = scored(att("gh", hedges=signals), att("so", hedges=signals))
    assert "penalty.anonymous_opinion" not in rules(out["gh"])
    assert rules(out["so"])["penalty.anonymous_opinion"] < 0
    assert rules(out["so"])["penalty.anonymous_attack"] < 0


def test_hedge_on_attribution_costs_named_sources_too() -> None:
    hedged = att("gh", hedges=(("hedged_cue", "reportedly"),))
    plain_out, hedged_out = scoring.score((att("gh"), hedged), SPEAKERS)
    assert rules(hedged_out)["penalty.hedge_on_attribution"] < 0
    assert value(hedged_out) < value(plain_out)


def test_unattributed_claim_scores_lowest() -> None:
    claim = att(hk.UNATTRIBUTED_ID, hedges=(("bare_hedge", "reportedly"),), source=None)
    (out,) = scoring.score((claim,), ())
    assert "base.unattributed" in rules(out)
    assert out.score is not None and out.score.grade == "E"


def test_unresolved_source_is_treated_as_anonymous() -> None:
    (out,) = scoring.score((att(None),), ())
    assert "base.anonymous_person" in rules(out)


@pytest.mark.parametrize(
    ("points", "letter"), [(100, "A"), (80, "A"), (79, "B"), (50, "C"), (0, "E")]
)
def test_grade_bands(points: int, letter: str) -> None:
    assert scoring.grade(points) == letter


def test_rubric_lists_rules_in_force() -> None:
    data = scoring.rubric()
    assert data["origin"] == "bundled"
    assert set(scoring.REQUIRED_SECTIONS) <= set(data)
    data["base"]["named_person"] = -1  # a copy: the rubric in force is untouched
    assert scoring.current_rubric().base["named_person"] != -1


def _write(tmp_path: Path, change: dict) -> Path:
    raw = yaml.safe_load(data_path(scoring.RUBRIC_FILE).read_text(encoding="utf-8"))
    for section, values in change.items():
        raw[section].update(values)
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_env_var_overrides_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, {"base": {"organization": 70}})
    monkeypatch.setenv(scoring.RUBRIC_ENV, str(path))
    assert scoring.rubric()["origin"] == scoring.RUBRIC_ENV
    assert value(scored(att("of"))["of"]) == 70


def test_cap_above_a_named_base_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, {"caps": {"anonymous_max": 90}})
    monkeypatch.setenv(scoring.RUBRIC_ENV, str(path))
    with pytest.raises(scoring.RubricError, match="anonymous_max"):
        scoring.score((att("so"),), SPEAKERS)


def test_missing_rubric_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scoring.RUBRIC_ENV, "/nonexistent/rubric.yaml")
    with pytest.raises(scoring.RubricError, match="cannot read"):
        scoring.rubric()


def test_missing_section_is_refused() -> None:
    with pytest.raises(scoring.RubricError, match="penalties"):
        scoring.parse_rubric({"base": {}, "modifiers": {}, "caps": {}, "grades": {}})


def test_unknown_grade_letter_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, {"grades": {"A": 85, "F": 0}})
    monkeypatch.setenv(scoring.RUBRIC_ENV, str(path))
    with pytest.raises(scoring.RubricError, match="'F' is not one of A, B, C, D, E"):
        scoring.rubric()


HEDGE_KINDS = sorted(
    {*scoring.MODIFIER_HEDGES.values(), *scoring.ANONYMOUS_PENALTY_HEDGES.values()}
    | {*scoring.PENALTY_HEDGES.values()}
)


@settings(max_examples=200, deadline=None)
@given(
    speaker=st.sampled_from(SPEAKERS),
    kind=st.sampled_from(["direct", "partial", "indirect", "according_to", "mixed"]),
    kinds=st.lists(st.sampled_from(HEDGE_KINDS), max_size=8),
)
def test_score_is_bounded_graded_and_capped(speaker: Speaker, kind: str, kinds: list[str]) -> None:
    a = att(speaker.id, kind, tuple((k, k) for k in kinds))
    (out,) = scoring.score((a,), SPEAKERS)
    assert out.score is not None
    in_force = scoring.current_rubric()
    assert scoring.MIN_SCORE <= out.score.value <= scoring.MAX_SCORE
    assert out.score.grade == scoring.grade(out.score.value)
    if speaker.anonymous:
        assert out.score.value <= in_force.anonymous_max
    assert out.score.reasons[0].rule.startswith("base.")


def test_partial_quote_from_anonymous_source_is_penalised() -> None:
    out = scored(att("ol", "partial"))
    assert rules(out["ol"])["penalty.anonymous_direct_quote"] < 0
