"""Load the bundled data files (lexicons, rubric) once per process."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DATA_PACKAGE = "attribution.data"


def data_path(name: str) -> Path:
    """Return the path of bundled data file ``name`` (``attribution/data/<name>``)."""
    return Path(str(resources.files(DATA_PACKAGE).joinpath(name)))


@cache
def load_yaml(name: str) -> Any:
    """Parse bundled YAML file ``name``; cached, so treat the result as read-only."""
    with data_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def load_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Read bundled TSV file ``name``, skipping blank lines and ``#`` comments."""
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(
            (ln for ln in fh if ln.strip() and not ln.startswith("#")), delimiter="\t"
        )
        return tuple(tuple(cell.strip() for cell in row) for row in rows)
