"""The service's settings: the library's (:mod:`attribution.settings`) plus its own.

Every value comes from an ``ATTRIBUTION_*`` environment variable, read once by
:meth:`ServiceSettings.from_env`; a bad value raises :class:`ConfigError`
naming the variable. An empty variable counts as unset.

Library (see :mod:`attribution.settings`): ``ATTRIBUTION_STANZA_DIR``,
``ATTRIBUTION_MODELS_DIR``, ``ATTRIBUTION_THREADS`` (1 per worker under
gunicorn), ``ATTRIBUTION_RUBRIC``, ``ATTRIBUTION_MODEL`` (1: the rules plus the
learned attribution model, the default; 0: the rules alone; a request's
``options.model`` can only switch it off), ``ATTRIBUTION_SHARED``.

The app:

- ``ATTRIBUTION_MAX_CHARS``: longest article accepted, in characters (100000).
- ``ATTRIBUTION_MAX_BODY_BYTES``: largest request body, in bytes (4194304).
- ``ATTRIBUTION_BATCH_MAX``: most articles in one batch request (16).
- ``ATTRIBUTION_BATCH_MAX_CHARS``: most characters in one batch, all items together
  (HTML: the extracted text), so a batch fits the time budget (200000).
- ``ATTRIBUTION_REQUEST_BUDGET``: seconds one request may take, body reading,
  waiting for the analyzer and analysis included; past it the answer is a 503
  (60, or half ``ATTRIBUTION_TIMEOUT`` when that is under 120; must be below it).
- ``ATTRIBUTION_BODY_TIMEOUT``: seconds a client has to send the whole request
  body; past it the answer is a 408 (15).
- ``ATTRIBUTION_API_KEYS``: comma-separated API keys; empty means no auth (empty).
- ``ATTRIBUTION_PRELOAD``: 1 loads the models when a worker starts (eager),
  0 on the first analysis (lazy) (0 for ``create_app()``, 1 under gunicorn).
- ``ATTRIBUTION_OPENAPI_PATH``: the file served at /openapi.yaml (the repo's, or the
  copy a wheel installs in ``<prefix>/share/attribution``).

Gunicorn (``service/gunicorn.conf.py`` and ``attribution serve``):

- ``ATTRIBUTION_BIND``: address to listen on (``127.0.0.1:8000``).
- ``ATTRIBUTION_WORKERS``: worker processes (2).
- ``ATTRIBUTION_WORKER_THREADS``: threads per worker (8, at least 2): one runs
  an analysis at a time, up to threads - 1 requests are admitted to wait for it,
  and at least one thread is always left for ``/healthz`` and ``/readyz``.
- ``ATTRIBUTION_TIMEOUT``: gunicorn's worker timeout in seconds (120), a backstop
  for a hung worker: the request budget answers long before it.
- ``ATTRIBUTION_MAX_REQUESTS``: recycle a worker after this many requests (0: never).
- ``ATTRIBUTION_LOG_LEVEL``: gunicorn's log level (info).
- ``FORWARDED_ALLOW_IPS`` (gunicorn's own name): proxies trusted for
  ``X-Forwarded-*`` headers (127.0.0.1).

``RUBRIC_PROVIDER`` (the callable, or ``module:callable``, returning the rubric
served at /v1/rubric; default ``attribution.scoring.rubric``) is a Flask
setting for tests, not read from the environment.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attribution.settings import (
    PREFIX,
    ConfigError,
    Settings,
    env_name,
    parse_bool,
    parse_int,
)

__all__ = ["PREFIX", "ConfigError", "ServiceSettings", "default_openapi_path", "from_env"]

DEFAULT_RUBRIC_PROVIDER = "attribution.scoring:rubric"
DEFAULT_REQUEST_BUDGET = 60.0
_INTS = {
    "max_chars": 1,
    "max_body_bytes": 1,
    "batch_max": 1,
    "batch_max_chars": 1,
    "workers": 1,
    "worker_threads": 2,
    "timeout": 1,
}
_SECONDS = ("request_budget", "body_timeout")


def parse_seconds(name: str, raw: str) -> float:
    """Return ``raw`` as a positive, finite number of seconds, or raise :class:`ConfigError`."""
    try:
        value = float(raw.strip())
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{env_name(name)} must be a positive number of seconds, not {raw!r}")
    return value


def default_openapi_path() -> str:
    """Return the repo's ``openapi.yaml``, or the copy a wheel installs under ``share/``."""
    candidates = (
        Path(__file__).resolve().parent.parent / "openapi.yaml",
        Path(sys.prefix) / "share" / "attribution" / "openapi.yaml",
    )
    return str(next((p for p in candidates if p.is_file()), candidates[0]))


@dataclass(frozen=True)
class ServiceSettings(Settings):
    """Everything the app and gunicorn are configured with; ``None``: the context's default."""

    max_chars: int = 100_000
    max_body_bytes: int = 4 * 1024 * 1024
    batch_max: int = 16
    batch_max_chars: int = 200_000
    request_budget: float | None = None
    body_timeout: float = 15.0
    api_keys: tuple[str, ...] = ()
    preload: bool | None = None
    openapi_path: str = field(default_factory=default_openapi_path)
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    worker_threads: int = 8
    timeout: int = 120
    max_requests: int = 0
    log_level: str = "info"
    forwarded_allow_ips: str = "127.0.0.1"

    def __post_init__(self) -> None:
        if self.request_budget is not None and self.request_budget >= self.timeout:
            raise ConfigError(
                f"{env_name('request_budget')} ({self.request_budget:g} s) must be below "
                f"{env_name('timeout')} ({self.timeout} s): the budget answers a long request "
                "with a 503 before gunicorn would stop the worker"
            )

    @property
    def budget(self) -> float:
        """Return the request budget in seconds: the setting, else 60 (at most half the timeout)."""
        if self.request_budget is not None:
            return self.request_budget
        return min(DEFAULT_REQUEST_BUDGET, self.timeout / 2)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Return the environment variable of every field, by field name."""
        out = super().variables()
        out["forwarded_allow_ips"] = "FORWARDED_ALLOW_IPS"
        return out

    @classmethod
    def _parse(cls, name: str, raw: str) -> Any:
        if name in _INTS:
            return parse_int(name, raw, minimum=_INTS[name])
        if name in _SECONDS:
            return parse_seconds(name, raw)
        if name == "max_requests":
            return parse_int(name, raw, minimum=0)
        if name == "preload":
            return parse_bool(name, raw)
        if name == "api_keys":
            return tuple(key.strip() for key in raw.split(",") if key.strip())
        return super()._parse(name, raw)

    def flask_config(self) -> dict[str, Any]:
        """Return the Flask config the app reads (``create_app``'s ``test_config`` wins)."""
        return {
            "SETTINGS": self,
            "STANZA_DIR": self.stanza_dir,
            "MODELS_DIR": self.models_dir,
            "THREADS": self.threads,
            "MODEL": self.model,
            "MAX_CHARS": self.max_chars,
            "MAX_BODY_BYTES": self.max_body_bytes,
            "BATCH_MAX": self.batch_max,
            "BATCH_MAX_CHARS": self.batch_max_chars,
            "REQUEST_BUDGET": self.budget,
            "BODY_TIMEOUT": self.body_timeout,
            "WORKER_THREADS": self.worker_threads,
            "API_KEYS": self.api_keys,
            "PRELOAD": bool(self.preload),  # lazy unless asked: tests and the dev server
            "RUBRIC_PROVIDER": DEFAULT_RUBRIC_PROVIDER,
            "OPENAPI_PATH": self.openapi_path,
        }

    def worker_env(self) -> list[str]:
        """Return gunicorn's ``raw_env`` for the workers: eager loading and one torch thread
        unless set otherwise (see ``service/gunicorn.conf.py``), and the learned model on or
        off (``attribution serve --rules-only``)."""
        preload = "0" if self.preload is False else "1"
        return [
            f"{env_name('preload')}={preload}",
            f"{env_name('threads')}={self.threads or 1}",
            f"{env_name('model')}={int(self.model)}",
        ]


def from_env(environ: Mapping[str, str] | None = None) -> ServiceSettings:
    """Return the service settings from ``environ`` (default: ``os.environ``)."""
    return ServiceSettings.from_env(environ)
