"""Gate: the repair evaluation meets its floors on the seed and on clean PolNeAR (issue 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution.settings import shared_dir
from evaluation.repair import FLOORS, failures, run

pytestmark = pytest.mark.shared


def test_repair_evaluation_meets_its_floors(capsys: pytest.CaptureFixture[str]) -> None:
    if not (shared_dir() / "examples" / "repair").is_dir():
        pytest.skip(f"no shared data at {shared_dir()}")
    values, failed = run(shared_dir())
    capsys.readouterr()
    assert failed == []
    floors = json.loads(Path(FLOORS).read_text("utf-8"))
    assert failures(values, floors) == []
