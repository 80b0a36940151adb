"""Text repair, the first pipeline stage (issue 3).

``repair_text(text)`` returns a :class:`RepairResult`: the repaired text the
parser reads, an :class:`OffsetMap` back to the submitted text, the repair
report and the :class:`Segment` s (running text, headings, credits).
"""

from attribution.repair.offsets import OffsetMap
from attribution.repair.pipeline import repair_text
from attribution.repair.result import RepairResult, Segment

__all__ = ["OffsetMap", "RepairResult", "Segment", "repair_text"]
