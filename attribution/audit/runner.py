"""Run an audit: stream the inputs in partitions to Dask workers, write what comes back.

The client (this process) reads the inputs, skips ids already written
(``--resume``) and repeated ids, and cuts the rest into partitions of at most
``partition_size`` articles and ``partition_chars`` characters, so a
partition's texts and results fit a worker's memory whatever the archive's
size. It keeps a few partitions per worker in flight (the archive is never
all in memory), writes each finished partition as one Parquet part per table
(:class:`~attribution.audit.store.AuditStore`), and draws the progress bar.
Workers need the ``attribution`` package and its models, not the inputs: the
texts travel with the tasks.

A partition whose task fails as a whole (its worker died: a crash, the memory
limit) is split and each article retried alone; an article that fails alone
again is recorded in ``errors`` (stage ``worker``). Only a broken engine
(:class:`~attribution.audit.worker.EngineUnavailable`) stops the run.

Schedulers: the default is a ``LocalCluster`` with one worker process per core,
one thread each (one torch thread: ``Settings.threads``); ``tcp://host:8786``
joins an existing cluster; ``synchronous`` runs everything in this process
(no Dask; tests and debugging).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from attribution.audit.inputs import Columns, Item, Source, open_inputs
from attribution.audit.progress import Progress
from attribution.audit.report import build_report
from attribution.audit.rows import error_row, key_columns
from attribution.audit.store import AuditStore
from attribution.audit.worker import (
    PLUGIN_NAME,
    AnalyzerPlugin,
    EngineConfig,
    EngineUnavailable,
    analyze_partition,
    engine_status,
    local_engine,
    tables,
)

__all__ = [
    "SYNCHRONOUS",
    "AuditOptions",
    "AuditResult",
    "NoWorkers",
    "default_workers",
    "run_audit",
]

SYNCHRONOUS = "synchronous"
#: Partitions kept in flight per worker: one running, one waiting.
IN_FLIGHT_PER_WORKER = 2
#: Seconds between two checks that the cluster still has workers, and how long it may have none.
WAIT_SECONDS = 10.0
NO_WORKER_SECONDS = 300.0
#: Times an article may fail alone (its worker dying) before it is recorded as failed.
ALONE_ATTEMPTS = 2
log = logging.getLogger(__name__)


def default_workers() -> int:
    """Return the cores this process may use: one worker process each."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class AuditOptions:
    """Everything one audit run is asked to do."""

    inputs: Sequence[str]
    out: Path
    engine: EngineConfig = field(default_factory=EngineConfig)
    columns: Columns = field(default_factory=Columns)
    #: Worker processes of the local cluster (default: one per core).
    workers: int | None = None
    #: ``None``: a local cluster; ``tcp://...``: an existing one; ``synchronous``: no Dask.
    scheduler: str | None = None
    resume: bool = False
    #: Draw a progress bar (``None``: when ``stream`` is a terminal; log lines otherwise).
    progress: bool | None = None
    quiet: bool = False
    #: Most articles in one partition (smaller ones when the archive is small).
    partition_size: int = 64
    #: Most characters of content in one partition.
    partition_chars: int = 2_000_000


@dataclass
class AuditResult:
    """What a run did."""

    analysed: int = 0
    errors: int = 0
    skipped: int = 0
    duplicates: int = 0
    words: int = 0
    seconds: float = 0.0
    #: Seconds from the start of the run until the workers had loaded the models.
    startup_seconds: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    workers: int = 0
    scheduler: str = ""
    nothing_to_do: bool = False
    interrupted: bool = False
    worker_figures: list[dict[str, Any]] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def _partitions(
    sources: Sequence[Source], done: set[str], size: int, max_chars: int, result: AuditResult
) -> Iterator[list[Item]]:
    """Yield the articles still to do in partitions; skip written and repeated ids."""
    seen: set[str] = set()
    batch: list[Item] = []
    chars = 0
    for source in sources:
        source.done = done
        for item in source.items():
            if item.id in done:
                result.skipped += 1
                continue
            if item.id in seen:
                result.duplicates += 1
                log.warning(
                    "attribution audit: id %r repeated at %s; skipped", item.id, item.origin
                )
                continue
            seen.add(item.id)
            batch.append(item)
            chars += item.chars
            if len(batch) >= size or chars >= max_chars:
                yield batch
                batch, chars = [], 0
    if batch:
        yield batch


def _partition_size(options: AuditOptions, todo: int, workers: int) -> int:
    """Return the partition size: at most the option, small enough for every worker to
    get several partitions of a small archive (so the last ones end together)."""
    share = -(-todo // max(1, workers * 4))
    return max(1, min(options.partition_size, share))


def run_audit(options: AuditOptions, stream: TextIO | None = None) -> AuditResult:
    """Run the audit described by ``options``; return what this run did.

    Raises :class:`~attribution.audit.store.StoreError` (output folder),
    :class:`~attribution.audit.inputs.InputSpecError` (an input cannot be opened) and
    :class:`~attribution.audit.worker.EngineUnavailable` (models missing or broken).
    """
    out = stream or sys.stderr
    store = AuditStore(options.out)
    sources = open_inputs(
        options.inputs, options.columns, max_bytes=options.engine.max_bytes
    )  # before the folder is created: a typo leaves nothing behind
    store.open(resume=options.resume)
    done = store.written_ids() if options.resume else set()
    total = sum(source.count() for source in sources)
    todo = max(0, total - len(done))
    result = AuditResult(scheduler=options.scheduler or "local")
    workers = options.workers or default_workers()
    size = _partition_size(options, todo, workers)
    batches = _partitions(sources, done, size, options.partition_chars, result)
    first = next(batches, None)
    if first is None:
        result.nothing_to_do = True
        if not store.report_html.exists() or not store.report_json.exists():
            build_report(store)
        _say(out, options, f"nothing to do: every article is already in {options.out}")
        return result
    progress = Progress(todo, out, enabled=options.progress, quiet=options.quiet)
    started = result.started = time.perf_counter()
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        if options.scheduler == SYNCHRONOUS:
            _run_synchronous(options, store, first, batches, progress, result)
        else:
            _run_dask(options, store, first, batches, progress, result, workers)
    except KeyboardInterrupt:
        result.interrupted = True
        raise
    finally:
        progress.close()
        result.seconds = time.perf_counter() - started
        if result.analysed or result.errors or result.interrupted:
            store.add_run(_run_record(result, stamp))
    build_report(store)
    return result


def _run_record(result: AuditResult, started: str) -> dict[str, Any]:
    done = result.analysed + result.errors
    return {
        "started": started,
        "seconds": round(result.seconds, 3),
        "startup_seconds": round(result.startup_seconds, 3),
        "articles": result.analysed,
        "errors": result.errors,
        "skipped": result.skipped,
        "duplicates": result.duplicates,
        "words": result.words,
        "workers": result.workers,
        "scheduler": result.scheduler,
        "articles_per_second": round(done / result.seconds, 3) if result.seconds else None,
        "interrupted": result.interrupted,
        "worker_figures": result.worker_figures,
        "versions": result.versions,
    }


def _commit(
    store: AuditStore, number: int, output: dict[str, Any], result: AuditResult, progress: Progress
) -> None:
    """Write one finished partition and count it."""
    store.write_part(number, output)
    articles, errors = output["articles"], output["errors"]
    result.analysed += articles.num_rows
    result.errors += errors.num_rows
    if articles.num_rows:
        result.words += int(sum(v or 0 for v in articles.column("words").to_pylist()))
    if output.get("versions"):
        result.versions = dict(output["versions"])
    progress.update(articles.num_rows + errors.num_rows, errors.num_rows)


def _crashed(items: Sequence[Item], exc: BaseException, worker: str) -> dict[str, Any]:
    """Return the tables of articles whose worker failed them as a whole."""
    rows = [error_row(key_columns(i.id, i.meta), i.origin, exc, "worker", worker) for i in items]
    return tables([], [], rows)


def _run_synchronous(
    options: AuditOptions,
    store: AuditStore,
    first: list[Item],
    batches: Iterator[list[Item]],
    progress: Progress,
    result: AuditResult,
) -> None:
    engine = local_engine(options.engine)
    engine.get()  # models missing or broken: stop before the first article
    result.startup_seconds = time.perf_counter() - result.started
    result.workers = 1
    number = store.next_part()
    for items in _chain(first, batches):
        _commit(store, number, engine.process(items), result, progress)
        number += 1
    result.worker_figures = [_local_figures(engine.worker, engine.load_seconds)]


def _chain(first: list[Item], rest: Iterator[list[Item]]) -> Iterator[list[Item]]:
    yield first
    yield from rest


def _local_figures(worker: str, load_seconds: float) -> dict[str, Any]:
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"worker": worker, "load_seconds": round(load_seconds, 3), "max_rss_mb": rss // 1024}


def _run_dask(
    options: AuditOptions,
    store: AuditStore,
    first: list[Item],
    batches: Iterator[list[Item]],
    progress: Progress,
    result: AuditResult,
    workers: int,
) -> None:
    from attribution.audit.cluster import connect

    with connect(options.scheduler, workers, quiet=options.quiet) as client:
        link = _dashboard(client)
        if link:
            _say(progress.stream, options, f"Dask dashboard: {link}")
        client.register_plugin(AnalyzerPlugin(options.engine), name=PLUGIN_NAME)
        _check_engines(client)
        result.startup_seconds = time.perf_counter() - result.started
        result.workers = len(client.scheduler_info(n_workers=-1)["workers"])
        progress.set_workers(result.workers)
        _drive(client, store, _chain(first, batches), progress, result)
        result.worker_figures = sorted(
            client.run(engine_status).values(), key=lambda f: str(f["worker"])
        )


def _dashboard(client: Any) -> str | None:
    if importlib.util.find_spec("bokeh") is None:
        return None
    link = getattr(client, "dashboard_link", None)
    return str(link) if link else None


def _check_engines(client: Any) -> None:
    """Raise :class:`EngineUnavailable` when a worker's analyzer did not load."""
    for status in client.run(engine_status).values():
        if status["error"]:
            raise EngineUnavailable(f"worker {status['worker']}: {status['error']}")


class NoWorkers(RuntimeError):
    """The cluster has had no worker for :data:`NO_WORKER_SECONDS`: the run stops (resumable)."""


def _drive(
    client: Any,
    store: AuditStore,
    batches: Iterator[list[Item]],
    progress: Progress,
    result: AuditResult,
) -> None:
    """Keep a few partitions per worker in flight; write each as it finishes."""
    limit = max(2, IN_FLIGHT_PER_WORKER * max(1, result.workers))
    pending: dict[Any, list[Item]] = {}
    retry: list[list[Item]] = []
    attempts: dict[str, int] = {}
    number = store.next_part()
    watch = _Watch(client)

    def fill() -> None:
        while len(pending) < limit:
            items = retry.pop() if retry else next(batches, None)
            if items is None:
                return
            pending[client.submit(analyze_partition, items, pure=False)] = items

    fill()
    while pending:
        for future in watch.finished(list(pending)):
            items = pending.pop(future)
            output = _output(future, items, retry, attempts)
            if output is not None:
                _commit(store, number, output, result, progress)
                number += 1
        fill()


def _output(
    future: Any, items: list[Item], retry: list[list[Item]], attempts: dict[str, int]
) -> dict[str, Any] | None:
    """Return a finished partition's tables; ``None`` when its articles go back to retry.

    A partition whose worker died is split and each article retried alone; an
    article is recorded as failed once it has failed alone :data:`ALONE_ATTEMPTS`
    times (a task waiting on a worker that another article kills fails with it).
    """
    try:
        output: dict[str, Any] = future.result()
    except EngineUnavailable:
        raise
    except Exception as exc:  # the worker died with the partition
        if len(items) > 1:
            log.warning("attribution audit: a partition failed (%s); retrying alone", exc)
            retry.extend([item] for item in items)
            return None
        tries = attempts[items[0].id] = attempts.get(items[0].id, 0) + 1
        if tries < ALONE_ATTEMPTS:
            retry.insert(0, items)
            return None
        return _crashed(items, exc, "worker")
    return output


class _Watch:
    """Wait for finished tasks; stop the run when the cluster has had no worker for long."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.alone_since: float | None = None

    def finished(self, futures: list[Any]) -> list[Any]:
        from distributed import wait

        try:
            done, _ = wait(futures, timeout=WAIT_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:
            self._check()
            return []
        self.alone_since = None
        return list(done)

    def _check(self) -> None:
        if self.client.scheduler_info(n_workers=-1)["workers"]:
            self.alone_since = None
            return
        now = time.perf_counter()
        self.alone_since = self.alone_since or now
        if now - self.alone_since > NO_WORKER_SECONDS:
            raise NoWorkers(
                f"the cluster has had no worker for {NO_WORKER_SECONDS:.0f} s; "
                "what was finished is written: rerun with --resume"
            )


def _say(stream: TextIO, options: AuditOptions, message: str) -> None:
    if not options.quiet:
        stream.write(f"attribution audit: {message}\n")
        stream.flush()
