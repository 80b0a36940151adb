"""Parsing: the Stanza pipeline and its conversion into :mod:`attribution.types`."""

from __future__ import annotations

from typing import Protocol

from attribution.types import ParsedDocument


class Parser(Protocol):
    """Anything that turns text into a :class:`ParsedDocument`.

    The engine takes one of these so tests can inject hand-built parses and
    services can share one loaded Stanza pipeline.
    """

    def __call__(self, text: str) -> ParsedDocument: ...


__all__ = ["Parser"]
