"""Gunicorn settings: ``gunicorn -c service/gunicorn.conf.py service.wsgi:app``.

Fork safety (stanza#570): PyTorch started in a parent process can deadlock in
forked children (its OpenMP/MKL thread pools do not survive ``fork``). So:

* ``preload_app = False``: the master never imports the app, torch or Stanza;
  each worker imports them itself, after the fork;
* each worker loads its own models once (``ATTRIBUTION_PRELOAD=1``: in a
  background thread at worker start, so ``/healthz`` answers at once and
  ``/readyz`` turns 200 when the models are in);
* torch gets ``ATTRIBUTION_THREADS`` threads per worker (default 1 here), so
  ``workers x threads`` stays within the CPU cores and workers do not fight.

Tune with ``ATTRIBUTION_*`` variables (below) or ``GUNICORN_CMD_ARGS``.
Memory: every worker holds its own copy of the models.
"""

from __future__ import annotations

import os

bind = os.environ.get("ATTRIBUTION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ATTRIBUTION_WORKERS", "2"))
worker_class = "sync"  # analysis is CPU-bound: one request per worker at a time
threads = 1
preload_app = False  # never import torch in the master: see the docstring
timeout = int(os.environ.get("ATTRIBUTION_TIMEOUT", "120"))  # a long batch on CPU
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("ATTRIBUTION_MAX_REQUESTS", "0"))  # 0: never recycle
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ATTRIBUTION_LOG_LEVEL", "info")
# No headers in the access log: API keys travel in headers and are never logged.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# gunicorn >= 24 opens a control socket under $HOME; a service needs none, and a
# read-only or home-less container user cannot create it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Models load in the workers (eager by default under gunicorn), one torch thread each.
raw_env = [
    f"ATTRIBUTION_PRELOAD={os.environ.get('ATTRIBUTION_PRELOAD', '1')}",
    f"ATTRIBUTION_THREADS={os.environ.get('ATTRIBUTION_THREADS', '1')}",
]


def post_fork(server: object, worker: object) -> None:
    """Cap native thread pools in the worker before anything imports torch."""
    threads_per_worker = os.environ.get("ATTRIBUTION_THREADS", "1")
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, threads_per_worker)
