"""Helpers the HTTP benchmarks share: a free loopback port and nearest-rank percentiles."""

from __future__ import annotations

import socket


def percentile(values: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) by nearest rank (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
