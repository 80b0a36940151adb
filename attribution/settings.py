"""The library's settings, read once from ``ATTRIBUTION_*`` environment variables.

This is the one place the library reads the environment:

- ``ATTRIBUTION_STANZA_DIR``: a ``stanza_resources`` folder of official English
  Stanza models, used instead of the bundled ones.
- ``ATTRIBUTION_MODELS_DIR``: a folder laid out like ``attribution/models``
  (its own ``manifest.json``), used instead of the bundle.
- ``ATTRIBUTION_THREADS``: torch threads (default: the cores available).
- ``ATTRIBUTION_RUBRIC``: a rubric file replacing ``attribution/data/rubric.yaml``.
- ``ATTRIBUTION_MODEL``: run the learned attribution model with the rules
  (default 1; 0 runs the rules alone).
- ``ATTRIBUTION_PROFILE``: ``default``, or ``fast`` for the opt-in speed
  profile (the tagger's and parser's main LSTMs with int8 weights: faster,
  the parse slightly changed; ``benchmarks/bench_throughput.py`` prints both).
- ``ATTRIBUTION_SHARED``: the evaluation data folder (default: ``../shared``
  beside the repository), for the tests, ``evaluation/`` and ``benchmarks/``.

:func:`settings` returns the settings of this process, read on first use and
then kept; :func:`reset_settings` forgets them (tests). Code that needs other
values builds a :class:`Settings` itself (``Settings(threads=2)``, or
``Settings.from_env(mapping)``) and passes it on. The HTTP service extends this
class with its own variables (``service.config.ServiceSettings``).
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

PREFIX = "ATTRIBUTION_"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED_DIR = REPO_ROOT.parent / "shared"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


def env_name(name: str) -> str:
    """Return the environment variable of setting ``name`` (``threads``: ATTRIBUTION_THREADS)."""
    return PREFIX + name.upper()


def parse_int(name: str, raw: str, *, minimum: int = 1) -> int:
    """Return ``raw`` as a whole number of at least ``minimum``, or raise :class:`ConfigError`."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{env_name(name)} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{env_name(name)} must be at least {minimum}, not {value}")
    return value


def parse_bool(name: str, raw: str) -> bool:
    """Return ``raw`` as a flag (1/0, true/false, yes/no, on/off), or raise :class:`ConfigError`."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{env_name(name)} must be 1 or 0, not {raw!r}")


PROFILES = ("default", "fast")


def parse_profile(name: str, raw: str) -> str:
    """Return ``raw`` as one of :data:`PROFILES`, or raise :class:`ConfigError`."""
    value = raw.strip().lower()
    if value not in PROFILES:
        raise ConfigError(f"{env_name(name)} must be one of {', '.join(PROFILES)}, not {raw!r}")
    return value


def parse_text(name: str, raw: str) -> str | None:
    """Return ``raw`` stripped, or None when it is empty (an empty variable means "unset")."""
    return raw.strip() or None


@dataclass(frozen=True)
class Settings:
    """Where the models and data are, and how many threads torch may use.

    ``None`` means "not set": the library's default applies.
    """

    stanza_dir: str | None = None
    models_dir: str | None = None
    threads: int | None = None
    rubric_path: str | None = None
    shared_dir: Path = field(default=DEFAULT_SHARED_DIR)
    #: Run the learned attribution model with the rules (``ATTRIBUTION_MODEL``, default on).
    model: bool = True
    #: ``default``, or ``fast``: the opt-in speed profile (``ATTRIBUTION_PROFILE``).
    profile: str = "default"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Return the settings from ``environ`` (default: ``os.environ``), defaults elsewhere.

        Every field ``name`` is read from ``ATTRIBUTION_<NAME>``, except
        ``rubric_path`` (``ATTRIBUTION_RUBRIC``) and ``shared_dir``
        (``ATTRIBUTION_SHARED``). An empty variable counts as unset.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, variable in cls.variables().items():
            raw = env.get(variable)
            if raw is None or not raw.strip():
                continue
            values[name] = cls._parse(name, raw)
        return cls(**values)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Return the environment variable of every field, by field name."""
        out = {f.name: env_name(f.name) for f in dataclasses.fields(cls)}
        out["rubric_path"] = env_name("rubric")
        out["shared_dir"] = env_name("shared")
        return out

    @classmethod
    def _parse(cls, name: str, raw: str) -> Any:
        """Turn the raw value of field ``name`` into its type; subclasses add their fields."""
        if name == "threads":
            return parse_int(name, raw)
        if name == "model":
            return parse_bool(name, raw)
        if name == "shared_dir":
            return Path(raw.strip())
        if name == "profile":
            return parse_profile(name, raw)
        return parse_text(name, raw)

    def replace(self, **changes: Any) -> Self:
        """Return a copy with ``changes``."""
        return dataclasses.replace(self, **changes)


_cached: Settings | None = None
_lock = threading.Lock()


def settings() -> Settings:
    """Return this process's settings, read from the environment on first use."""
    global _cached
    current = _cached
    if current is None:
        with _lock:
            if _cached is None:
                _cached = Settings.from_env()
            current = _cached
    return current


def reset_settings() -> None:
    """Forget the settings read so far: the next :func:`settings` reads the environment again."""
    global _cached
    with _lock:
        _cached = None


def shared_dir() -> Path:
    """Return the evaluation data folder: ``$ATTRIBUTION_SHARED``, else ``../shared``."""
    return settings().shared_dir
