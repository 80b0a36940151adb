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
worker_class = "sync"  # analysis is CPU-bound: one request per worker at a time
threads = 1
preload_app = False  # never import torch in the master: see the docstring
timeout = _settings.timeout  # a long batch on CPU
graceful_timeout = 30
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
    """Cap native thread pools in the worker before anything imports torch."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, _threads_per_worker)
