"""Run the repair stages in order (issue 3): chars, links, glue, spacing, segments."""

from __future__ import annotations

from attribution.repair.offsets import OffsetMap
from attribution.repair.result import RepairResult


def repair_text(text: str) -> RepairResult:
    """Repair scraped ``text``; return repaired text, offset map, report and segments."""
    return RepairResult(original=text, text=text, offsets=OffsetMap.identity(len(text)))
