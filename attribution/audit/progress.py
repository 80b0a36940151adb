"""The run's progress: a bar with rate and ETA on a terminal, a line now and then in logs.

On a terminal (or with ``enabled=True``) a tqdm bar shows articles done, the
rate and the time left; elsewhere (a log file, CI) one line every
:data:`LOG_EVERY` seconds says the same. ``quiet`` shows nothing.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

__all__ = ["Progress"]

#: Seconds between two progress lines when the output is not a terminal.
LOG_EVERY = 30.0


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Count articles done (and failed) against ``total``."""

    def __init__(
        self, total: int, stream: TextIO, *, enabled: bool | None = None, quiet: bool = False
    ) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.errors = 0
        self.workers = 0
        self.started = time.perf_counter()
        self.last_line = self.started
        self.mode = (
            "off" if quiet else ("bar" if (enabled is None and _tty(stream)) or enabled else "log")
        )
        self.bar: Any = None
        if self.mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit="article", file=stream, dynamic_ncols=True, desc="audit"
            )

    def set_workers(self, workers: int) -> None:
        self.workers = workers
        if self.bar is not None:
            self.bar.set_postfix(workers=workers, errors=self.errors)

    def update(self, articles: int, errors: int = 0) -> None:
        """Count ``articles`` more done, ``errors`` of them failed."""
        self.done += articles
        self.errors += errors
        if self.bar is not None:
            self.bar.set_postfix(workers=self.workers, errors=self.errors, refresh=False)
            self.bar.update(articles)
        elif self.mode == "log" and time.perf_counter() - self.last_line >= LOG_EVERY:
            self._line()

    def line(self) -> str:
        """Return the progress as one line: done, share, rate, time left."""
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        share = 100 * self.done / self.total if self.total else 100.0
        eta = _duration(left) if left == left else "?"
        return (
            f"{self.done}/{self.total} articles ({share:.0f}%), {self.errors} errors, "
            f"{rate:.2f} articles/s, {_duration(elapsed)} elapsed, ETA {eta}"
        )

    def _line(self) -> None:
        self.last_line = time.perf_counter()
        self.stream.write(f"attribution audit: {self.line()}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.mode == "log":
            self._line()


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
