"""Helpers shared by the evaluation commands: where ``../shared`` is, and the floors.

Floors are the lowest scores the engine may reach on an evaluation; they live
in ``evaluation/floors/<name>.json`` and only ever go up. A key ending in
``_max`` is a ceiling instead (e.g. invented attributions); a boolean ``true`` must
hold (``false`` asks nothing).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attribution.settings import env_name, shared_dir

__all__ = ["SHARED_ENV", "check_floors", "load_floors", "report_floors", "shared_dir"]

#: ``shared_dir()`` (from :mod:`attribution.settings`) honours this variable.
SHARED_ENV = env_name("shared")
REPO_ROOT = Path(__file__).resolve().parent.parent
FLOORS_DIR = Path(__file__).resolve().parent / "floors"
CEILING_SUFFIX = "_max"


def load_floors(name: str) -> dict[str, Any]:
    """Read ``evaluation/floors/<name>.json``."""
    with (FLOORS_DIR / f"{name}.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def check_floors(measured: Mapping[str, Any], floors: Mapping[str, Any]) -> list[str]:
    """Return one line per floor that ``measured`` misses (nested keys joined by dots).

    Keys starting with ``_`` (comments) are ignored; a floor with no measured
    value counts as missed.
    """
    got = _flatten(measured)
    failures: list[str] = []
    for key, floor in _flatten(floors).items():
        if key.split(".")[-1].startswith("_"):
            continue
        value = got.get(key)
        if value is None:
            failures.append(f"{key}: not measured (floor {floor})")
        elif isinstance(floor, bool):
            if floor and not value:
                failures.append(f"{key}: {value} (must hold)")
        elif key.endswith(CEILING_SUFFIX):
            if value > floor:
                failures.append(f"{key}: {value} above ceiling {floor}")
        elif value < floor:
            failures.append(f"{key}: {value} below floor {floor}")
    return failures


def report_floors(
    metrics: Mapping[str, Any], name: str, floors: Mapping[str, Any] | None = None
) -> int:
    """Print every floor ``metrics`` misses (``floors``, or ``floors/<name>.json``'s
    ``metrics``); return the exit code."""
    if floors is None:
        floors = load_floors(name)["metrics"]
    failures = check_floors(metrics, floors)
    for line in failures:
        print(f"UNDER FLOOR {line}")
    print("floors: ok" if not failures else "floors: FAILED")
    return 1 if failures else 0
