"""Gunicorn settings: ``gunicorn -c service/gunicorn.conf.py service.wsgi:app``.

Fork safety (stanza#570): PyTorch started in a parent process can deadlock in
forked children (its OpenMP/MKL thread pools do not survive ``fork``). So:

* ``preload_app = False``: the master never imports the app, torch or Stanza
  (it reads only :mod:`service.config`); each worker imports them itself,
  after the fork;
* each worker loads its own models once (``ATTRIBUTION_PRELOAD=1``: in a
  background thread at worker start, so ``/healthz`` answers at once and
  ``/readyz`` turns 200 when the models are in);
* torch gets ``ATTRIBUTION_THREADS`` threads per worker (default 1 here), so
  ``workers x threads`` stays within the CPU cores and workers do not fight.

Worker model: ``gthread`` workers with ``ATTRIBUTION_WORKER_THREADS`` threads
(8), the least busy accepting new connections first (``service/gworker.py``).
One analysis runs at a time per worker (a lock in ``service.engine``); at most
threads - 1 analysis requests are admitted (the rest get a 503 ``busy``), so
a thread is always free for ``/healthz`` and ``/readyz`` however busy the
worker is. The main thread only accepts connections and tells the
master it is alive, so a long analysis never looks like a hung worker:
``timeout`` (``ATTRIBUTION_TIMEOUT``) is only a backstop for a worker that
stops answering; every request is bounded first by its body deadline
(``ATTRIBUTION_BODY_TIMEOUT``, 408) and its time budget
(``ATTRIBUTION_REQUEST_BUDGET``, 503), which must be below the timeout.

Errors gunicorn answers itself (a malformed request, a worker stopped with
requests in flight) are problem documents with an ``X-Request-ID`` too: see
:mod:`service.worker` and the hooks below.

Every value comes from the service settings (``service.config.ServiceSettings``:
``ATTRIBUTION_BIND``, ``ATTRIBUTION_WORKERS``, ``ATTRIBUTION_TIMEOUT``,
``ATTRIBUTION_MAX_REQUESTS``, ``ATTRIBUTION_LOG_LEVEL``, ...); gunicorn's own
command-line options and ``GUNICORN_CMD_ARGS`` override them.
Memory: every worker holds its own copy of the models.
"""

from __future__ import annotations

import os

from service.config import ServiceSettings

_settings = ServiceSettings.from_env()

bind = _settings.bind
workers = _settings.workers
# gthread, where the least busy worker accepts first (service/gworker.py): one analysis
# at a time per worker, probes on the other threads.
worker_class = "service.gworker.ThreadWorker"
threads = _settings.worker_threads
preload_app = False  # never import torch in the master: see the docstring
timeout = _settings.timeout  # backstop only: the request budget answers first
# On shutdown, a request in flight may use its whole budget before the worker goes.
graceful_timeout = int(_settings.budget) + 5
keepalive = 5
max_requests = _settings.max_requests  # 0: never recycle
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level
# No headers in the access log: API keys travel in headers and are never logged.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# gunicorn >= 24 opens a control socket under $HOME; a service needs none, and a
# read-only or home-less container user cannot create it.
control_socket_disable = True
forwarded_allow_ips = _settings.forwarded_allow_ips

# Models load in the workers (eager by default under gunicorn), one torch thread each.
raw_env = _settings.worker_env()
_threads_per_worker = str(_settings.threads or 1)


def post_fork(server: object, worker: object) -> None:
    """Cap native thread pools in the worker before anything imports torch, and malloc's
    arenas before the request threads start (see ``service.worker.limit_malloc_arenas``)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, _threads_per_worker)
    from service import worker as hooks

    hooks.limit_malloc_arenas(2)


def post_worker_init(worker: object) -> None:
    """Make gunicorn's own error answers problem documents in this worker."""
    from service import worker as hooks

    hooks.install(worker)


def worker_abort(worker: object) -> None:
    """SIGABRT (gunicorn's timeout backstop): answer the requests in flight, then exit at once
    (a normal exit would wait for the stuck request's thread)."""
    from service import worker as hooks

    hooks.answer_in_flight(500, "the worker serving this request stopped answering and was stopped")
    hooks.exit_now(1)


def worker_exit(server: object, worker: object) -> None:
    """The worker is going (shutdown, restart): answer what is still in flight."""
    from service import worker as hooks

    hooks.answer_in_flight(
        503, "the worker serving this request shut down; retry", headers={"Retry-After": "5"}
    )
