"""The producers of attributions, one module each, run in the order of :data:`PRODUCERS`.

1. :mod:`~attribution.extract.labels`: transcript labels ("PENCE: ...").
2. :mod:`~attribution.extract.sieves` + :mod:`~attribution.extract.quotations`:
   quotations linked to cues and speakers by the ordered sieves.
3. :mod:`~attribution.extract.indirect`: indirect speech and "according to".
4. :mod:`~attribution.extract.declined`: declined requests for comment.
5. (after coreference) :mod:`~attribution.extract.unattributed`: claims carried
   by a bare hedge with no source.

Each producer stamps its name on the ``sieve`` field of what it returns and
gives it a temporary id; :func:`number` assigns the final ids once, in text
order. The pipeline's stage list (:data:`attribution.pipeline.STAGES`) says
what each stage needs and provides.
"""

from __future__ import annotations

from dataclasses import replace

from attribution.extract.common import Context, Draft, Mention, build_context
from attribution.records import Attribution

__all__ = ["Context", "Draft", "Mention", "build_context", "number"]


def number(attributions: tuple[Attribution, ...]) -> tuple[Attribution, ...]:
    """Sort attributions by position in the text and give them their final ids a1, a2, ..."""
    ordered = sorted(attributions, key=lambda a: (a.content.start, a.content.end))
    return tuple(replace(a, id=f"a{k}") for k, a in enumerate(ordered, 1))
