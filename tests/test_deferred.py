"""Modules deferred until first use (``attribution.nlp.deferred``)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from attribution.nlp import deferred
from attribution.nlp.deferred import DeferredModule, defer_unused_imports, is_deferred

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package that counts its imports in ``sys``; removed from ``sys.modules`` after."""
    package = tmp_path / "deferred_probe"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            import sys
            sys.deferred_probe_runs = getattr(sys, "deferred_probe_runs", 0) + 1
            VALUE = 42

            def double(x):
                return 2 * x
            """
        ),
        encoding="utf-8",
    )
    (package / "sub.py").write_text("NAME = 'sub'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "deferred_probe_runs", 0, raising=False)
    yield "deferred_probe"
    for name in ("deferred_probe", "deferred_probe.sub"):
        sys.modules.pop(name, None)
    deferred._loaded.discard("deferred_probe")


def test_a_deferred_module_runs_on_first_use_of_a_name(probe: str) -> None:
    assert defer_unused_imports((probe,)) == [probe]
    import deferred_probe  # type: ignore[import-not-found]

    assert isinstance(deferred_probe, DeferredModule) and is_deferred(probe)
    # What the import system and inspect read does not load it.
    assert deferred_probe.__file__ is not None and deferred_probe.__file__.endswith("__init__.py")
    assert deferred_probe.__spec__ is not None and deferred_probe.__path__
    inspect.getmodule(test_a_deferred_module_runs_on_first_use_of_a_name)
    import deferred_probe as again  # type: ignore[import-not-found]

    assert again is deferred_probe
    assert sys.deferred_probe_runs == 0  # type: ignore[attr-defined]
    assert deferred_probe.double(deferred_probe.VALUE) == 84
    assert sys.deferred_probe_runs == 1 and not is_deferred(probe)  # type: ignore[attr-defined]
    assert deferred_probe.VALUE == 42 and sys.deferred_probe_runs == 1  # type: ignore[attr-defined]
    from deferred_probe import sub  # type: ignore[import-not-found]

    assert sub.NAME == "sub"


def test_from_import_loads_the_module(probe: str) -> None:
    defer_unused_imports((probe,))
    from deferred_probe import VALUE  # type: ignore[import-not-found]

    assert VALUE == 42 and not is_deferred(probe)


def test_imported_or_missing_modules_are_left_alone(probe: str) -> None:
    import json

    assert defer_unused_imports(("json", "no_such_module_here", probe)) == [probe]
    assert sys.modules["json"] is json and "no_such_module_here" not in sys.modules
    assert defer_unused_imports((probe,)) == []  # already a placeholder


def test_a_module_that_fails_to_import_stays_a_placeholder(
    probe: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / probe / "__init__.py").write_text("raise ImportError('broken')\n", encoding="utf-8")
    defer_unused_imports((probe,))
    import deferred_probe  # type: ignore[import-not-found]

    with pytest.raises(ImportError, match="broken"):
        deferred_probe.VALUE  # noqa: B018
    assert sys.modules[probe] is deferred_probe and is_deferred(probe)


@pytest.mark.model
def test_the_loaded_engine_has_not_imported_what_stanza_never_calls() -> None:
    code = textwrap.dedent(
        """
        from attribution.pipeline import Analyzer
        from attribution.nlp.deferred import DEFERRED, is_deferred
        analyzer = Analyzer()
        analyzer.load()
        result = analyzer.analyze("The minister said the talks would resume on Monday.")
        assert result.attributions
        assert all(is_deferred(name) for name in DEFERRED), DEFERRED
        import stanza.models.common.doc as doc
        assert doc.nx.DiGraph().number_of_nodes() == 0  # Stanza's own use still works
        assert not is_deferred("networkx")
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
