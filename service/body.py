"""Read a request body whole, within a size limit and a deadline, or refuse it.

* A declared ``Content-Length`` over the limit is refused before reading (413);
  a chunked body (no ``Content-Length``) is read up to the limit and refused
  past it (413): Werkzeug would silently truncate it.
* A body that ends before its declared ``Content-Length`` (the client closed
  the connection, or sent a malformed chunk) is a 400: it is never analysed.
* A body not received within ``BODY_TIMEOUT`` seconds (a stalled or trickling
  client) is a 408. Under gunicorn the deadline is absolute: a timer shuts the
  socket's read side when it passes, which ends any ``recv`` at once, however
  the client trickles; elsewhere (the development server) it is checked
  between reads.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from flask import current_app, g, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestTimeout

__all__ = ["read_body"]

_STEP = 64 * 1024


class _Deadline:
    """Shut the read side of ``sock`` when ``seconds`` have passed (if a socket is given)."""

    def __init__(self, sock: Any, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.fired = False
        self._sock = sock
        self._timer: threading.Timer | None = None
        if isinstance(sock, socket.socket):
            self._timer = threading.Timer(seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            self._sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass

    @property
    def passed(self) -> bool:
        return self.fired or time.monotonic() > self.end

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def read_body() -> bytes:
    """Return the whole request body: 413 over the limit, 400 if incomplete, 408 if too slow."""
    environ = request.environ
    limit: int | None = current_app.config["MAX_CONTENT_LENGTH"]
    declared = request.content_length
    if declared is not None and limit is not None and declared > limit:
        raise RequestEntityTooLarge()
    chunked = declared is None and bool(environ.get("wsgi.input_terminated"))
    if declared is None and not chunked:
        return b""  # WSGI: no length and no terminated stream means no body
    # Read past the limit by one byte to tell "at the limit" from "over it".
    wanted = declared if declared is not None else (None if limit is None else limit + 1)
    stream = environ["wsgi.input"]
    deadline = _Deadline(environ.get("gunicorn.socket"), current_app.config["BODY_TIMEOUT"])
    chunks: list[bytes] = []
    size = 0
    ended = False  # the stream said the body is over
    try:
        while (wanted is None or size < wanted) and not deadline.passed:
            chunk = stream.read(_STEP if wanted is None else min(_STEP, wanted - size))
            if not chunk:
                ended = True
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception as exc:  # a malformed chunk, a reset connection, a socket error
        if deadline.passed:
            raise _too_slow() from None
        raise BadRequest(
            f"the request body could not be read ({type(exc).__name__}); send it again"
        ) from None
    finally:
        deadline.cancel()
    if limit is not None and size > limit:
        raise RequestEntityTooLarge()
    complete = size == declared if declared is not None else ended
    if not complete:
        if deadline.passed:
            raise _too_slow()
        raise BadRequest(
            f"the request body ended after {size} of the {declared} bytes its "
            "Content-Length declared; send the whole body"
        )
    g.body_read = True
    return b"".join(chunks)


def _too_slow() -> RequestTimeout:
    seconds = current_app.config["BODY_TIMEOUT"]
    return RequestTimeout(
        f"the request body was not received within {seconds:g} s; send it again, faster"
    )
