"""Gate: our hand-labelled sourcing benchmark stays at or above its floors, both engines.

Needs the bundled models (marked ``model``); the articles and labels are in the
repository (``evaluation/data/sourcing``), not in ``../shared``.
"""

from __future__ import annotations

import pytest

from evaluation import sourcing
from evaluation.common import check_floors, load_floors

pytestmark = [pytest.mark.model]


def test_sourcing_benchmark_gate() -> None:
    from attribution.errors import ModelLoadError, ModelNotFoundError

    articles = sourcing.load_articles()
    try:
        results = sourcing.evaluate(articles, sourcing.predictor(sourcing.ENGINES))
    except (ModelNotFoundError, ModelLoadError) as exc:
        pytest.skip(f"bundled models unavailable: {exc}")
    measured = {e: sourcing.metrics(r) for e, r in results.items()}
    failures = check_floors(measured, load_floors(sourcing.FLOORS_NAME))
    reports = [
        sourcing.format_report(results[e], measured[e], f"sourcing [{e}]", verbose=True)
        for e in results
    ]
    assert not failures, "\n".join(failures + reports)
