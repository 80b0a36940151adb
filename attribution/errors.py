"""Exceptions the library raises; each message says what to do about it."""

from __future__ import annotations


class AttributionError(Exception):
    """Base class of every error this library raises on purpose."""


class InputError(AttributionError, ValueError):
    """The submitted text cannot be analysed (empty, too long, not text)."""


class ModelNotFoundError(AttributionError):
    """The Stanza models are missing or unreadable at the configured path."""


class ModelLoadError(AttributionError):
    """The Stanza models were found but could not be loaded."""


class BudgetExceeded(AttributionError):
    """The analysis ran past its time budget; retry later or send a shorter text."""

    def __init__(self, budget: float, stage: str) -> None:
        super().__init__(
            f"the analysis ran past its time budget of {budget:g} s (during {stage}); "
            "retry later or send a shorter text"
        )
        self.budget = budget
        self.stage = stage
