"""What gunicorn answers itself, as problem documents; hooks for ``service/gunicorn.conf.py``.

The app answers every request that reaches it with problem+json and an
``X-Request-ID``. Two kinds of answer come from gunicorn instead:

* a request too broken to reach the app (a malformed request line or header,
  an oversized header): gunicorn writes an HTML page through
  ``gunicorn.util.write_error``; :func:`install` (the ``post_worker_init``
  hook) replaces that function in the worker with :func:`write_error`, which
  writes a problem document with a fresh request id;
* a worker stopped while requests are in flight (gunicorn's ``timeout``
  backstop sends SIGABRT, or the worker exits at shutdown): the app keeps a
  registry of the requests whose response has not started (:func:`track`,
  :func:`untrack`) and :func:`answer_in_flight` (the ``worker_abort`` and
  ``worker_exit`` hooks) answers each of them before the process goes.

Only a worker killed outright (SIGKILL, a crash in native code) closes its
connections with no answer at all.

This module imports neither Flask nor gunicorn at import time: the master
reads the config file, and the app imports :func:`track` under any server.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import uuid
from http import HTTPStatus
from typing import Any

__all__ = [
    "answer_in_flight",
    "exit_now",
    "install",
    "limit_malloc_arenas",
    "problem_bytes",
    "track",
    "untrack",
    "write_error",
]

_lock = threading.Lock()
_in_flight: dict[int, tuple[socket.socket, str, str]] = {}


def track(environ: dict[str, Any], request_id: str) -> None:
    """Remember a request served over a gunicorn socket until its response starts."""
    sock = environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        with _lock:
            _in_flight[id(environ)] = (sock, request_id, str(environ.get("PATH_INFO", "")))


def untrack(environ: dict[str, Any]) -> None:
    """Forget the request: its response is being sent (or it is over)."""
    with _lock:
        _in_flight.pop(id(environ), None)


def problem_bytes(
    status: int,
    detail: str,
    *,
    request_id: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """Return a whole HTTP/1.1 response carrying an ``about:blank`` problem document."""
    rid = request_id or uuid.uuid4().hex
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": reason, "status": status,
                            "detail": detail}  # fmt: skip
    if instance:
        body["instance"] = instance
    body["request_id"] = rid
    payload = json.dumps(body).encode("ascii")
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: application/problem+json",
        f"Content-Length: {len(payload)}",
        f"X-Request-ID: {rid}",
        *(f"{key}: {value}" for key, value in (headers or {}).items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload


def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Stand-in for ``gunicorn.util.write_error``: the same error, as problem+json."""
    from gunicorn import util

    detail = mesg or reason or "the request could not be read"
    if status_int >= 500 and not mesg:
        detail = "an unexpected error happened before the request reached the service"
    util.write_nonblock(sock, problem_bytes(status_int, detail))


def install(worker: Any = None) -> None:
    """Make gunicorn's own error pages problem documents (call in the worker)."""
    from gunicorn import util

    util.write_error = write_error


def answer_in_flight(status: int, detail: str, headers: dict[str, str] | None = None) -> int:
    """Answer every tracked request with a problem document and close it; return how many."""
    with _lock:
        pending = list(_in_flight.values())
        _in_flight.clear()
    for sock, rid, path in pending:
        try:
            sock.settimeout(1.0)
            sock.sendall(
                problem_bytes(
                    status,
                    f"{detail}; quote request id {rid} when reporting it",
                    request_id=rid,
                    instance=path,
                    headers=headers,
                )
            )
            sock.shutdown(socket.SHUT_RDWR)  # a late write by the request's thread fails
        except OSError:
            pass
    return len(pending)


def exit_now(code: int) -> None:
    """Leave the process at once, without waiting for request threads (after an abort)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(count: int = 2) -> bool:
    """Cap glibc's malloc arenas in this process (call in the worker, before its threads).

    glibc gives each thread that allocates its own arena, up to 8 per core, and
    keeps what each one grew to: with analyses taking turns on the worker's
    request threads, a worker held 150-200 MiB more after a load test than with
    two arenas. ``MALLOC_ARENA_MAX`` in the environment wins; elsewhere than
    glibc this does nothing. Return whether the cap was set.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    from attribution.nlp.levers import glibc_mallopt

    mallopt = glibc_mallopt()
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, count))
