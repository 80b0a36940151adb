"""Hold one analyzer per worker process and load its models once.

``ATTRIBUTION_PRELOAD=1`` (eager) starts loading in a background thread as soon
as the app is created, so ``/healthz`` answers at once and ``/readyz`` turns
200 when the models are in. ``ATTRIBUTION_PRELOAD=0`` (lazy) loads on the first
analysis request. Loading ends with one tiny warm-up analysis, so "ready"
means the next request will not wait. Either way this happens in the process
that serves requests:
under gunicorn, in each worker after the fork, never in the master (see
``service/gunicorn.conf.py`` for why).

Concurrency (gunicorn ``gthread`` workers, ``WORKER_THREADS`` threads each):
one analysis runs at a time per worker (a lock: torch keeps its configured
thread count and the analyses do not fight for the cores); at most
``WORKER_THREADS - 1`` analysis requests are admitted at once (one running,
the others waiting for the lock), so at least one thread is always free for
``/healthz`` and ``/readyz``; one more gets a 503 ``busy`` at once. Waiting
for the lock (or for the models) counts against the request's time budget
(:class:`Clock`).
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from flask import Flask, current_app, g

from attribution.document import (
    LEARNED_MODEL,
    MODEL_OFF,
    analyzer_versions,
    library_version,
    merged_versions,
)
from attribution.errors import BudgetExceeded, ModelLoadError, ModelNotFoundError
from attribution.records import Analysis
from service.errors import ModelsUnavailable, Overloaded

__all__ = [
    "AnalyzerLike",
    "Clock",
    "Engine",
    "get_engine",
    "library_version",
    "request_clock",
    "rubric_provider",
]

log = logging.getLogger("service")

WARMUP_TEXT = 'The minister said "we will cooperate," according to officials.'


class AnalyzerLike(Protocol):
    """The part of ``attribution.pipeline.Analyzer`` the service uses."""

    @property
    def is_loaded(self) -> bool: ...

    def load(self) -> None: ...

    def analyze(
        self, text: str, *, options: Any = None, budget: float | None = None
    ) -> Analysis: ...

    def versions(self) -> dict[str, str]: ...


class Clock:
    """A request's time budget: ``budget`` seconds from ``start`` (``time.monotonic()``)."""

    def __init__(self, budget: float, start: float | None = None) -> None:
        self.budget = budget
        self.end = (time.monotonic() if start is None else start) + budget

    def remaining(self) -> float:
        """Return the seconds left (negative once spent)."""
        return self.end - time.monotonic()

    def check(self, stage: str) -> float:
        """Return the seconds left; raise :class:`BudgetExceeded` naming ``stage`` if none."""
        left = self.remaining()
        if left <= 0:
            raise BudgetExceeded(self.budget, stage)
        return left


def request_clock() -> Clock:
    """Return the current request's clock, started when the request came in."""
    clock: Clock | None = g.get("clock")
    if clock is None:
        clock = g.clock = Clock(current_app.config["REQUEST_BUDGET"], g.get("started"))
    return clock


def import_string(spec: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"expected 'module:attribute', got {spec!r}")
    return getattr(importlib.import_module(module_name), attr)


def rubric_provider(provider: str | Callable[[], Any]) -> Callable[[], Any]:
    """Return the rubric callable: ``provider`` itself, or the one ``module:callable`` names."""
    if callable(provider):
        return provider
    found: Callable[[], Any] = import_string(provider)
    return found


def default_analyzer(
    stanza_dir: str | None, threads: int | None, model: bool = True
) -> AnalyzerLike:
    """Build the library's analyzer (imported here, in the worker: never in the master);
    ``model`` false runs the rules alone, without loading the learned model."""
    from attribution.pipeline import Analyzer

    analyzer: AnalyzerLike = Analyzer(stanza_dir=stanza_dir, threads=threads, model=model)
    return analyzer


class Engine:
    """Flask extension that owns the analyzer; attach it with :meth:`init_app`."""

    def __init__(self, analyzer: AnalyzerLike | None = None) -> None:
        self._given = analyzer
        self.analyzer: AnalyzerLike | None = analyzer
        self.preload = False
        self.state = "not_loaded"  # not_loaded | loading | ready | failed
        self.error: str | None = None
        self._versions: dict[str, str] | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(1)
        self.max_admitted = 1
        self._factory: Callable[[], AnalyzerLike] | None = None

    def init_app(self, app: Flask) -> None:
        """Attach to ``app``; start loading now when ``PRELOAD`` is set."""
        cfg = app.config
        self.preload = bool(cfg["PRELOAD"])
        self.max_admitted = max(1, int(cfg["WORKER_THREADS"]) - 1)
        self._slots = threading.BoundedSemaphore(self.max_admitted)
        if self._given is None:
            stanza_dir, threads = cfg["STANZA_DIR"], cfg["THREADS"]
            model = bool(cfg.get("MODEL", True))
            self._factory = lambda: default_analyzer(stanza_dir, threads, model)
        app.extensions["attribution"] = self
        if self.preload:
            threading.Thread(target=self._load_quietly, name="model-loader", daemon=True).start()

    @property
    def mode(self) -> str:
        """Return ``"eager"`` or ``"lazy"``."""
        return "eager" if self.preload else "lazy"

    @property
    def ready(self) -> bool:
        """Say whether the models are loaded."""
        return self.state == "ready"

    def _load_quietly(self) -> None:
        try:
            self.ensure_loaded()
        except Exception:  # recorded in self.error and shown by /readyz
            pass

    def admit(self) -> None:
        """Take one of the ``WORKER_THREADS - 1`` admission slots, or raise :class:`Overloaded`."""
        if not self._slots.acquire(blocking=False):
            raise Overloaded(
                f"this worker is already handling {self.max_admitted} analysis requests; "
                "retry shortly",
                limit=self.max_admitted,
            )

    def leave(self) -> None:
        """Give back the slot :meth:`admit` took."""
        self._slots.release()

    def ensure_loaded(self, clock: Clock | None = None) -> AnalyzerLike:
        """Load the models once; raise :class:`ModelsUnavailable` if that failed.

        With a ``clock``, wait for a load in progress only while its budget
        lasts, then raise :class:`ModelsUnavailable` (still loading).
        """
        if self.state == "ready" and self.analyzer is not None:
            return self.analyzer
        timeout = -1.0 if clock is None else max(0.0, clock.remaining())
        if not self._load_lock.acquire(timeout=timeout):
            raise ModelsUnavailable(
                "the models are still loading; retry shortly", load=self.mode, state=self.state
            )
        try:
            return self._load_locked()
        finally:
            self._load_lock.release()

    def _load_locked(self) -> AnalyzerLike:
        """Load the models (the caller holds the load lock)."""
        if self.state == "ready" and self.analyzer is not None:
            return self.analyzer
        if self.state == "failed":
            raise ModelsUnavailable(self.error or "the models could not be loaded")
        self.state = "loading"
        try:
            if self.analyzer is None:
                assert self._factory is not None
                self.analyzer = self._factory()
            if not self.analyzer.is_loaded:
                self.analyzer.load()
            # One tiny analysis: loads whatever the library still loads lazily
            # and warms caches, so "ready" means a request will not wait.
            self.analyzer.analyze(WARMUP_TEXT)
            self._versions = analyzer_versions(self.analyzer)
        except (ModelNotFoundError, ModelLoadError) as exc:
            self._fail(str(exc))
            raise ModelsUnavailable(str(exc)) from exc
        except Exception as exc:  # any failure: say so in /readyz, never stay "loading"
            self._fail(f"the models could not be loaded: {type(exc).__name__}: {exc}")
            log.exception("model load failed")
            raise ModelsUnavailable(self.error or "") from exc
        if self._given is None:
            _freeze_heap()
        self.state = "ready"
        log.info("models loaded (%s)", self.mode)
        return self.analyzer

    def _fail(self, message: str) -> None:
        self.state = "failed"
        self.error = message

    def analyze(self, text: str, options: Any = None, clock: Clock | None = None) -> Analysis:
        """Run the analyzer on ``text``, one at a time per worker, within ``clock``'s budget.

        Waiting for the models or for the analysis running before this one
        counts against the budget; what is left goes to the library as its
        ``budget``. Raise :class:`BudgetExceeded` when it is spent.
        """
        analyzer = self.ensure_loaded(clock)
        if clock is None:
            with self._run_lock:
                return analyzer.analyze(text, options=options)
        waiting = "waiting for the analysis before it"
        if not self._run_lock.acquire(timeout=max(0.0, clock.check(waiting))):
            raise BudgetExceeded(clock.budget, waiting)
        try:
            return analyzer.analyze(text, options=options, budget=clock.check(waiting))
        finally:
            self._run_lock.release()

    def prepare(
        self, texts: Sequence[str], options: Any = None, clock: Clock | None = None
    ) -> None:
        """Parse ``texts`` together ahead of their analyses, when the analyzer can.

        ``Analyzer.prepare``: one Stanza pass for the sentences of many texts,
        the same parses; each :meth:`analyze` then takes its text's parse. Best
        effort: with the budget spent, or spent here, nothing is prepared and
        each analysis finds the budget as it is.
        """
        analyzer = self.ensure_loaded(clock)
        prepare = getattr(analyzer, "prepare", None)
        if prepare is None or len(texts) < 2:
            return
        timeout = -1.0 if clock is None else clock.remaining()
        if clock is not None and timeout <= 0:
            return
        if not self._run_lock.acquire(timeout=timeout):
            return
        try:
            budget = None if clock is None else clock.remaining()
            prepare(texts, options=options, budget=budget)
        except BudgetExceeded:
            pass
        finally:
            self._run_lock.release()

    def versions(self) -> dict[str, str]:
        """Return the library and model versions (library only until loaded).

        ``learned_model``: the learned attribution model's version, or ``"off"``
        when this worker runs the rules alone.
        """
        return merged_versions(self._versions)

    @property
    def model(self) -> bool:
        """Tell whether the learned attribution model runs with the rules (once loaded)."""
        return (self._versions or {}).get(LEARNED_MODEL, MODEL_OFF) != MODEL_OFF


def _freeze_heap() -> None:
    """Move every object alive now (the models, the library's tables) out of the GC's sight.

    They live as long as the worker; scanning their several hundred thousand
    Python objects made every full collection take 0.4-0.6 s of held
    interpreter lock (over a second on a loaded machine), stalling probes and
    requests alike. Frozen, a full collection takes a few milliseconds.
    """
    gc.collect()
    gc.freeze()


def get_engine() -> Engine:
    """Return the current app's :class:`Engine`."""
    engine: Engine = current_app.extensions["attribution"]
    return engine
