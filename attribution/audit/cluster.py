"""The Dask cluster of a run: a local one (one worker process per core), or an existing one.

A local cluster's workers are processes with one thread each (the analysis is
CPU-bound Python and torch: threads would share one GIL); Dask's nanny starts
them with ``OMP_NUM_THREADS=1`` and the analyzer plugin sets torch to one
thread, so N workers use N cores. A worker that dies with an article is not
retried more than once (``allowed-failures``): the runner then retries its
partition's articles one by one.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["connect"]

#: Seconds to wait for an existing scheduler and its first worker.
CONNECT_TIMEOUT = 60


@contextmanager
def connect(address: str | None, workers: int, *, quiet: bool = False) -> Iterator[Any]:
    """Yield a ``distributed.Client``: of a new local cluster of ``workers`` processes when
    ``address`` is ``None``, else of the scheduler at ``address``; close what was opened."""
    import dask
    from distributed import Client, LocalCluster

    if address is not None:
        with Client(address, timeout=CONNECT_TIMEOUT) as client:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            yield client
        return
    dashboard = ":0" if importlib.util.find_spec("bokeh") is not None else None
    # One task per worker thread at a time (no task waits on a worker that may die with
    # another's article), and a task whose worker died is retried once.
    config = {
        "distributed.scheduler.allowed-failures": 1,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(config):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=dashboard,
            silence_logs=logging.ERROR if quiet else logging.WARNING,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
