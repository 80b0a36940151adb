"""GUM coreference gate: the passes stay at or above their floors on GUM dev and test.

Needs the shared data (``../shared`` or ``$ATTRIBUTION_SHARED``); no model (GUM's
gold parses and mentions). Skipped on a clone without it.
"""

from __future__ import annotations

import pytest

from evaluation import gum_coref
from evaluation.common import check_floors, load_floors, shared_dir
from evaluation.gum import gum_path, read_gum

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("split", gum_coref.SPLITS)
def test_gum_coref_floors(split: str) -> None:
    if not gum_path(shared_dir(), split).is_file():
        pytest.skip(f"GUM {split} not found under {shared_dir()}")
    report = gum_coref.evaluate(read_gum(shared_dir(), split))
    metrics = report.metrics()
    failures = check_floors(metrics, load_floors(gum_coref.FLOORS_NAME)[split])
    assert not failures, "\n".join([*failures, gum_coref.format_report(report, split)])
