"""Evaluation gates: the seed article, PolNeAR dev and UD EWT test stay at or above their floors.

They need the shared data (``../shared`` or ``$ATTRIBUTION_SHARED``) and the
bundled Stanza models; on a clone without either they are skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation import polnear, seed
from evaluation.common import check_floors, load_floors, shared_dir

pytestmark = [pytest.mark.shared, pytest.mark.model]

if not shared_dir().is_dir():
    pytest.skip(f"shared evaluation data not found at {shared_dir()}", allow_module_level=True)


def _need(path_parts: tuple[str, ...]) -> None:
    path = shared_dir().joinpath(*path_parts)
    if not path.exists():
        pytest.skip(f"shared evaluation data not found at {path}")


@pytest.fixture(scope="module")
def analyze():
    from attribution.errors import ModelLoadError, ModelNotFoundError
    from attribution.pipeline import Analyzer

    analyzer = Analyzer(model=True)
    try:
        analyzer.load()
    except (ModelNotFoundError, ModelLoadError) as exc:
        pytest.skip(f"bundled models unavailable: {exc}")
    return analyzer.analyze


def test_seed_gate(analyze) -> None:
    _need(("examples", f"{seed.SEED_NAME}.gold.json"))
    gold, text = seed.load_seed()
    metrics, lines = seed.evaluate(gold, text, analyze(text))
    failures = check_floors(metrics, load_floors(seed.FLOORS_NAME)["metrics"])
    assert not failures, "\n".join(failures + lines)


def test_polnear_dev_gate(analyze) -> None:
    """Dev, parsed once, scored for the rules alone and for the rules with the learned model."""
    _need(("data", "polnear", "dev"))
    articles = polnear.read_split(shared_dir() / "data" / "polnear" / "dev")
    reports = polnear.evaluate_engines(articles, polnear.predictor(polnear.ENGINES, "dev"), None)
    metrics = {engine: report.metrics() for engine, report in reports.items()}
    failures = check_floors(metrics, load_floors(polnear.FLOORS_NAME)["dev"])
    tables = [polnear.format_report(m, f"PolNeAR dev [{e}]") for e, m in metrics.items()]
    assert not failures, "\n".join(failures + tables)


def test_ud_ewt_test_gate(tmp_path: Path) -> None:
    """Parse EWT test from raw text with the bundled models; score it with the CoNLL 2018 scorer."""
    _need(("data", "ud-english", "UD_English-EWT", "en_ewt-ud-test.conllu"))
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "ud_accuracy.py"
    out = tmp_path / "ud.json"
    ud = shared_dir() / "data" / "ud-english"
    cmd = [sys.executable, str(script), "--ud", str(ud), "--sets", "EWT test", "--json", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    metrics = json.loads(out.read_text())
    failures = check_floors(metrics, load_floors("ud")["metrics"])
    assert not failures, "\n".join(failures) + "\n" + run.stdout
