"""The structure stays plain: short functions, one stage list, one place making attributions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from attribution.pipeline import STAGES, Work

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("attribution", "service")
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_function_is_longer_than_the_limit() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({fn.end_lineno - fn.lineno + 1} lines)"
        for path in _modules()
        for fn in _functions(path)
        if fn.end_lineno is not None and fn.end_lineno - fn.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_attributions_are_made_only_in_extract() -> None:
    makers = []
    for path in _modules():
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("attribution", "extract"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Attribution":
                makers.append(f"{rel}:{node.lineno}")
    assert makers == []


def test_every_stage_needs_only_what_earlier_stages_provide() -> None:
    fields = set(Work.__dataclass_fields__)
    have = {"doc", "model"}
    for stage in STAGES:
        assert stage.needs <= have, f"{stage.name} needs {sorted(stage.needs - have)}"
        assert stage.provides <= fields, f"{stage.name} provides unknown {stage.provides - fields}"
        have |= stage.provides
    assert [s.name for s in STAGES].count("ids") == 1
    assert len({s.name for s in STAGES}) == len(STAGES)


def test_the_library_never_imports_flask() -> None:
    code = "import attribution.pipeline, attribution.cli, sys; assert 'flask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
