"""The gunicorn worker class: ``gthread``, where the least busy worker takes a new connection.

With sync workers only an idle worker accepts, so requests queue in the
listen backlog and go to whichever worker frees first. A ``gthread`` worker
accepts while its threads are busy, so without help requests pile up behind a
long analysis in one worker while another sits idle. Every worker is woken
for a new connection; this one waits ``ACCEPT_DELAY`` seconds per request it
is already handling before accepting, so an idle worker, or the less busy
one, wins the connection (a worker that loses gets EAGAIN, which gunicorn
ignores). A probe pays at most a few milliseconds for it.

Named by ``worker_class`` in ``service/gunicorn.conf.py``; the master imports
this module (gunicorn and :mod:`service.config` only: no app, no torch).
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers import gthread

__all__ = ["ACCEPT_DELAY", "ThreadWorker"]

#: Seconds of delay per request in flight before this worker accepts a connection.
ACCEPT_DELAY = 0.002
_MOST_DELAYED = 16  # requests counted at most: the delay stays under 35 ms


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    """gunicorn's ``gthread`` worker, accepting later the busier it is."""

    def in_flight(self) -> int:
        """Return the connections this worker is serving now (not idle keep-alive ones)."""
        idle = len(getattr(self, "keepalived_conns", ())) + len(getattr(self, "pending_conns", ()))
        return max(0, int(getattr(self, "nr_conns", 0)) - idle)

    def accept(self, *args: Any) -> None:
        busy = min(self.in_flight(), _MOST_DELAYED)
        if busy:
            time.sleep(busy * ACCEPT_DELAY)
        super().accept(*args)
