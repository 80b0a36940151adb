"""The engine's results: attributions, speakers, hedges and scores.

Every span here is a :class:`TextSpan` in the coordinates of the text that was
parsed (the repaired text). The final stage maps each span back to the text
the user submitted, with the repair stage's offset map, before dumping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

AttributionKind = Literal["direct", "partial", "indirect", "according_to", "mixed"]
SpeakerType = Literal[
    "named_person",
    "organization",
    "anonymous_person",
    "anonymous_group",
    "document",
    "media",
    "unattributed",
]
Stance = Literal["neutral", "distancing", "concessive", "endorsing", "other"]


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A stretch of text: ``text == document[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Cue:
    """The reporting verb or phrase ("said", "told AFP", "according to")."""

    span: TextSpan
    lemma: str
    stance: Stance = "neutral"


@dataclass(frozen=True, slots=True)
class Hedge:
    """A hedge or anonymity signal ("reportedly", "a source familiar with")."""

    span: TextSpan
    kind: str


@dataclass(frozen=True, slots=True)
class ScoreReason:
    """One rubric rule that fired: its name, points and the text that fired it."""

    rule: str
    points: float
    text: str


@dataclass(frozen=True, slots=True)
class Score:
    """Sourcing score 0-100 with grade A-E and every rule that fired."""

    value: int
    grade: str
    reasons: tuple[ScoreReason, ...] = ()


@dataclass(frozen=True, slots=True)
class Speaker:
    """One real source with all its mentions, after coreference."""

    id: str
    name: str
    type: SpeakerType
    role: str | None = None
    anonymous: bool = False
    mentions: tuple[TextSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribution:
    """One quote or reported claim and who stands behind it."""

    id: str
    kind: AttributionKind
    content: TextSpan
    quotes: tuple[TextSpan, ...] = ()
    cue: Cue | None = None
    source: TextSpan | None = None
    speaker_id: str | None = None
    hedges: tuple[Hedge, ...] = ()
    justification: TextSpan | None = None
    score: Score | None = None
    sieve: str = ""


@dataclass(frozen=True, slots=True)
class Repair:
    """One change the repair stage made, with offsets into the submitted text."""

    kind: Literal["link", "split", "space", "char", "segment"]
    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the engine returns for one article."""

    text: str
    attributions: tuple[Attribution, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[str, ...] = ()
