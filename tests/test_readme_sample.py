"""The README's sample answer is the real answer for the seed article."""

from __future__ import annotations

import pytest

from attribution.settings import shared_dir
from evaluation import readme_sample

SEED = shared_dir() / "examples" / "gantz-morocco.txt"


def test_abridge_keeps_the_first_attribution_and_counts_the_rest() -> None:
    att = {"speaker": {"name": "Gantz"}, "score": {"value": 80, "grade": "A"}}
    document = {
        "attributions": [{"id": "a1"}, att, {**att, "score": None}],
        "summary": dict.fromkeys(readme_sample.SUMMARY_KEYS, 0),
        "repairs": [1, 2, 3, 4],
        "warnings": [],
        "document": {"format": "text", "length": 3},
        "meta": {"versions": {}, "elapsed_ms": 1.0},
    }
    out = readme_sample.abridge(document)
    assert out["attributions"] == [{"id": "a1"}, "... 2 more: Gantz (80, A) ..."]
    assert out["repairs"] == [1, 2, "... 2 more"]
    changed = {**out, "meta": {"versions": {}, "elapsed_ms": 9.0}}
    assert readme_sample.differences(out, changed) == []
    assert readme_sample.differences(out, {**out, "warnings": ["x"]}) == ["warnings"]


def test_the_readme_has_a_sample_block() -> None:
    sample = readme_sample.readme_sample()
    assert sample["attributions"][0]["id"] == "a1"


@pytest.mark.model
@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_file(), reason="no ../shared seed article")
def test_readme_sample_is_the_real_answer() -> None:
    real = readme_sample.real_sample()
    diff = readme_sample.differences(real, readme_sample.readme_sample())
    assert diff == [], "run: python -m evaluation.readme_sample --write"
