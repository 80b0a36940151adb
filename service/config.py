"""Read the service's settings from ``ATTRIBUTION_*`` environment variables.

- ``ATTRIBUTION_STANZA_DIR``: folder of the Stanza models (default: the library's).
- ``ATTRIBUTION_THREADS``: torch threads per worker (default: the library's).
- ``ATTRIBUTION_MAX_CHARS``: longest article accepted, in characters (100000).
- ``ATTRIBUTION_MAX_BODY_BYTES``: largest request body, in bytes (4194304).
- ``ATTRIBUTION_BATCH_MAX``: most articles in one batch request (16).
- ``ATTRIBUTION_API_KEYS``: comma-separated API keys; empty means no auth (empty).
- ``ATTRIBUTION_PRELOAD``: 1 loads the models when a worker starts (eager),
  0 on the first analysis (lazy) (0).
- ``ATTRIBUTION_ANALYZER``: ``module:callable`` building the analyzer
  (``attribution.pipeline:Analyzer``).

``ATTRIBUTION_RUBRIC`` (a rubric file) is read by :mod:`attribution.scoring`
itself. ``RUBRIC_PROVIDER`` (``module:callable`` returning the rubric, default
``attribution.scoring:rubric``) is a setting for tests, not read from the
environment.
- ``ATTRIBUTION_OPENAPI_PATH``: the file served at /openapi.yaml (the repo's, or the
  copy a wheel installs in ``<prefix>/share/attribution``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PREFIX = "ATTRIBUTION_"


def default_openapi_path() -> str:
    """Return the repo's ``openapi.yaml``, or the copy a wheel installs under ``share/``."""
    candidates = (
        Path(__file__).resolve().parent.parent / "openapi.yaml",
        Path(sys.prefix) / "share" / "attribution" / "openapi.yaml",
    )
    return str(next((p for p in candidates if p.is_file()), candidates[0]))


DEFAULTS: dict[str, Any] = {
    "STANZA_DIR": None,
    "THREADS": None,
    "MAX_CHARS": 100_000,
    "MAX_BODY_BYTES": 4 * 1024 * 1024,
    "BATCH_MAX": 16,
    "API_KEYS": (),
    "PRELOAD": False,
    "ANALYZER": "attribution.pipeline:Analyzer",
    "RUBRIC_PROVIDER": "attribution.scoring:rubric",
    "OPENAPI_PATH": default_openapi_path(),
}

_NOT_FROM_ENV = {"RUBRIC_PROVIDER"}
_INTS = {"THREADS", "MAX_CHARS", "MAX_BODY_BYTES", "BATCH_MAX"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting has a value the service cannot use."""


def _parse(name: str, raw: str) -> Any:
    if name in _INTS:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name} must be a whole number, not {raw!r}") from None
        if value < 1:
            raise ConfigError(f"{PREFIX}{name} must be at least 1, not {value}")
        return value
    if name == "PRELOAD":
        if raw.strip().lower() in _TRUE:
            return True
        if raw.strip().lower() in _FALSE:
            return False
        raise ConfigError(f"{PREFIX}PRELOAD must be 1 or 0, not {raw!r}")
    if name == "API_KEYS":
        return tuple(key.strip() for key in raw.split(",") if key.strip())
    return raw or None


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings, defaults overridden by ``ATTRIBUTION_*`` variables."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name in DEFAULTS.keys() - _NOT_FROM_ENV:
        raw = environ.get(PREFIX + name)
        if raw is not None:
            value = _parse(name, raw)
            settings[name] = DEFAULTS[name] if value is None else value
    return settings
