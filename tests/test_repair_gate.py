"""Gate: the repair evaluation meets its floors on the seed and on clean PolNeAR (issue 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.repair import FLOORS, SHARED, failures, run

pytestmark = pytest.mark.shared


@pytest.mark.skipif(not (SHARED / "examples" / "repair").is_dir(), reason="no ../shared data")
def test_repair_evaluation_meets_its_floors(capsys: pytest.CaptureFixture[str]) -> None:
    values, failed = run(SHARED)
    capsys.readouterr()
    assert failed == []
    floors = json.loads(Path(FLOORS).read_text("utf-8"))
    assert failures(values, floors) == []
