"""What runs on a worker: the analyzer, loaded once, and the analysis of one partition.

:class:`AnalyzerPlugin` is a Dask ``WorkerPlugin``: when a worker starts (or
joins later) it builds the analyzer with one torch thread and loads the models,
once; tasks find it there. :func:`analyze_partition` analyses a partition's
articles one by one and catches every failure per article, so a bad article
becomes an ``errors`` row and never takes its partition down. Only a problem
with the engine itself (models missing or broken) fails the task, as
:class:`EngineUnavailable`: the run stops rather than record every article as
failed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from distributed import WorkerPlugin, get_worker

from attribution.audit.inputs import Item
from attribution.audit.rows import article_rows, error_row, key_columns, to_table
from attribution.document import (
    TextTooLong,
    analyze_document,
    analyzer_versions,
    extracted_text,
    merged_versions,
)
from attribution.errors import InputError
from attribution.records import Analysis
from attribution.settings import Settings

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "PLUGIN_NAME",
    "AnalyzerPlugin",
    "Engine",
    "EngineConfig",
    "EngineUnavailable",
    "analyze_partition",
    "library_analyzer",
    "load_text",
]

PLUGIN_NAME = "attribution-analyzer"
#: Undecodable bytes kept by Python's ``surrogateescape`` (U+DC80-U+DCFF).
_ESCAPED = re.compile("[\udc80-\udcff]")
log = logging.getLogger(__name__)


#: Articles of a partition whose texts are parsed together before their analyses
#: (:meth:`Engine._prepare`), as the command line does with 16 files.
PREPARE_ITEMS = 16


class AuditAnalyzer(Protocol):
    """What the audit needs of an analyzer (:class:`attribution.pipeline.Analyzer` has it)."""

    def load(self) -> None: ...

    def analyze(self, text: str, *, options: Any = None) -> Analysis: ...

    def versions(self) -> dict[str, str]: ...


#: Builds the analyzer from the settings; it is pickled to the workers, so it must be
#: importable there (a module-level function or class).
AnalyzerFactory = Callable[[Settings], AuditAnalyzer]


class EngineUnavailable(RuntimeError):
    """The analyzer could not be built or loaded on a worker (models missing or broken)."""


def library_analyzer(config: Settings) -> AuditAnalyzer:
    """Return the library's analyzer for ``config`` (the default factory)."""
    from attribution.pipeline import Analyzer

    analyzer: AuditAnalyzer = Analyzer(
        stanza_dir=config.stanza_dir, threads=config.threads, model=config.model
    )
    return analyzer


@dataclass(frozen=True)
class EngineConfig:
    """How every worker analyses: the same for the whole run."""

    settings: Settings = field(default_factory=lambda: Settings(threads=1))
    factory: AnalyzerFactory = library_analyzer
    #: Engine options for every article (``{"model": false}`` for the rules alone).
    options: Mapping[str, Any] | None = None
    #: Longest text analysed, in characters (for HTML: the extracted text).
    max_chars: int = 100_000
    #: Largest article read, in bytes (files) or characters (table cells), before extraction.
    max_bytes: int = 4 * 1024 * 1024
    #: Seconds one article may take; ``None``: no limit.
    budget: float | None = None


def load_text(item: Item, max_bytes: int) -> str:
    """Return the article's content as text, or raise :class:`InputError`: unreadable,
    too large, not UTF-8, binary (NUL bytes) or empty."""
    if item.problem is not None:
        raise InputError(item.problem)
    if item.size is not None:
        raise InputError(f"the file has {item.size} bytes; the limit is {max_bytes} bytes")
    data = item.data
    if data is None:
        raise InputError("the article has no content")
    if len(data) > max_bytes:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        raise InputError(f"the article has {len(data)} {unit}; the limit is {max_bytes} {unit}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    escaped = _ESCAPED.search(data)  # bytes a CSV or JSON line could not decode
    if escaped is not None:
        raise InputError(f"not UTF-8 text (bad byte at offset {escaped.start()})")
    if "\x00" in data:
        raise InputError(f"binary data, not text (a NUL at offset {data.index(chr(0))})")
    if not data.strip():
        raise InputError("the article is empty")
    return data


class Engine:
    """The analyzer of one worker (or of the client, with the synchronous scheduler)."""

    def __init__(self, config: EngineConfig, worker: str) -> None:
        self.config = config
        self.worker = worker
        self.analyzer: AuditAnalyzer | None = None
        self.error: str | None = None
        self.versions: dict[str, str] = {}
        self.load_seconds = 0.0

    def load(self) -> None:
        """Build and load the analyzer; a failure is kept and reported by :meth:`get`."""
        started = time.perf_counter()
        try:
            analyzer = self.config.factory(self.config.settings)
            analyzer.load()
            self.versions = merged_versions(analyzer_versions(analyzer))
            self.analyzer = analyzer
        except Exception as exc:  # reported to the client by every task
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("attribution audit: the analyzer did not load: %s", self.error)
        self.load_seconds = time.perf_counter() - started

    def get(self) -> AuditAnalyzer:
        if self.analyzer is None:
            raise EngineUnavailable(self.error or "the analyzer is not loaded")
        return self.analyzer

    def _options(self) -> dict[str, Any] | None:
        """Return a copy of the engine options every article is analysed with."""
        return dict(self.config.options) if self.config.options is not None else None

    def _analyze(self, text: str) -> Analysis:
        options = self._options()
        analyzer = self.get()
        if self.config.budget is None:
            return analyzer.analyze(text, options=options)
        analyze: Any = analyzer.analyze  # the library's takes a budget; the protocol need not
        result: Analysis = analyze(text, options=options, budget=self.config.budget)
        return result

    def process(self, items: Sequence[Item]) -> dict[str, Any]:
        """Analyse ``items``; return the three tables and this worker's figures.

        The items go by windows of :data:`PREPARE_ITEMS`: each window's texts are
        parsed together first (:meth:`_prepare`), then analysed one by one.
        """
        self.get()
        articles: list[dict[str, Any]] = []
        attributions: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for start in range(0, len(items), PREPARE_ITEMS):
            window = items[start : start + PREPARE_ITEMS]
            loaded: list[str | InputError] = []
            for item in window:
                try:
                    loaded.append(load_text(item, self.config.max_bytes))
                except InputError as exc:
                    loaded.append(exc)
            pairs = zip(window, loaded, strict=True)
            self._prepare([(t, item.fmt) for item, t in pairs if isinstance(t, str)])
            for item, text in zip(window, loaded, strict=True):
                key = key_columns(item.id, item.meta)
                if isinstance(text, InputError):
                    errors.append(error_row(key, item.origin, text, "input", self.worker))
                    continue
                try:
                    document = analyze_document(
                        self._analyze, text, fmt=item.fmt, max_chars=self.config.max_chars
                    )
                except TextTooLong as exc:
                    errors.append(error_row(key, item.origin, exc, "input", self.worker))
                except EngineUnavailable:
                    raise
                except Exception as exc:  # one article never takes the rest of its partition down
                    errors.append(error_row(key, item.origin, exc, "analysis", self.worker))
                else:
                    analysed = document.get("document", {}).get("text", text)
                    article, rows = article_rows(key, document, analysed, self.worker)
                    articles.append(article)
                    attributions.extend(rows)
        return tables(articles, attributions, errors) | {"versions": self.versions}

    def _prepare(self, sources: Sequence[tuple[str, str]]) -> None:
        """Parse the texts of a window's ``(content, format)`` together ahead of their
        analyses, when the analyzer can (:meth:`attribution.pipeline.Analyzer.prepare`:
        one Stanza pass for their sentences, the same parses; issue 13).

        Every analysis, and every error it reports, is as without it: a text that
        cannot be read or is over the limit is left out, and a failure here is
        dropped (each article's own analysis meets it again).
        """
        prepare = getattr(self.get(), "prepare", None)
        if prepare is None:
            return
        texts = []
        for content, fmt in sources:
            try:
                text = extracted_text(content, fmt)
            except Exception:  # the article's own analysis reports it
                continue
            if len(text) <= self.config.max_chars:
                texts.append(text)
        if len(texts) < 2:
            return
        budget = None if self.config.budget is None else self.config.budget * len(texts)
        try:
            prepare(texts, options=self._options(), budget=budget)
        except Exception:  # each article's own analysis meets it again
            log.debug("attribution audit: parsing a window together failed", exc_info=True)


def tables(
    articles: list[dict[str, Any]], attributions: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> dict[str, pa.Table]:
    """Return the rows as the three Arrow tables."""
    return {
        "articles": to_table("articles", articles),
        "attributions": to_table("attributions", attributions),
        "errors": to_table("errors", errors),
    }


#: The engine of this process when no Dask worker runs it (the synchronous scheduler).
_LOCAL: dict[str, Engine] = {}


def local_engine(config: EngineConfig) -> Engine:
    """Return this process's engine for ``config``, built and loaded on first use."""
    engine = _LOCAL.get("engine")
    if engine is None or engine.config != config:
        engine = Engine(config, f"local:{socket.gethostname()}:{os.getpid()}")
        engine.load()
        _LOCAL["engine"] = engine
    return engine


def analyze_partition(items: Sequence[Item]) -> dict[str, Any]:
    """The Dask task: analyse one partition with the worker's engine (its plugin's)."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, AnalyzerPlugin) or plugin.engine is None:
        raise EngineUnavailable("the worker has no analyzer plugin")
    return plugin.engine.process(items)


def engine_status(dask_worker: Any = None) -> dict[str, Any]:
    """Return whether this worker's analyzer loaded, and its peak memory (``client.run``
    passes the worker as ``dask_worker``)."""
    import resource

    worker = dask_worker if dask_worker is not None else get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    engine = plugin.engine if isinstance(plugin, AnalyzerPlugin) else None
    return {
        "worker": str(worker.name),
        "error": "no analyzer plugin" if engine is None else engine.error,
        "load_seconds": 0.0 if engine is None else engine.load_seconds,
        "pid": os.getpid(),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


class AnalyzerPlugin(WorkerPlugin):
    """Build and load the analyzer once when a worker starts; tasks use it from there."""

    name = PLUGIN_NAME

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.engine: Engine | None = None

    async def setup(self, worker: Any) -> None:
        """Load in a thread: the worker's event loop keeps answering the scheduler meanwhile."""
        _one_torch_thread(self.config.settings.threads or 1)
        engine = Engine(self.config, str(worker.name))
        await asyncio.get_running_loop().run_in_executor(None, engine.load)
        self.engine = engine

    def teardown(self, worker: Any) -> None:
        self.engine = None


def _one_torch_thread(threads: int) -> None:
    try:
        import torch
    except ImportError:  # a fake analyzer in tests may run without torch
        return
    torch.set_num_threads(threads)
