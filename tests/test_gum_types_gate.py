"""GUM mention-type gate: the shipped model stays at or above its floors on GUM dev and test.

Needs the shared data (``../shared`` or ``$ATTRIBUTION_SHARED``); the model is the
bundled ``mention_types.npz`` over GUM's gold parses and mentions. Skipped on a
clone without the data.
"""

from __future__ import annotations

import pytest

from attribution.entities import load_typer
from evaluation import gum_types
from evaluation.common import check_floors, load_floors, shared_dir
from evaluation.gum import gum_path, read_gum

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("split", ["dev", "test"])
def test_gum_type_floors(split: str) -> None:
    if not gum_path(shared_dir(), split).is_file():
        pytest.skip(f"GUM {split} not found under {shared_dir()}")
    metrics = gum_types.score(load_typer(), gum_types.mention_items(read_gum(shared_dir(), split)))
    failures = check_floors(metrics, load_floors(gum_types.FLOORS_NAME)[split])
    assert not failures, "\n".join(failures)
