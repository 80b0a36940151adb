"""The engine's results: attributions, speakers, hedges and scores.

Every span here is a :class:`TextSpan` in the coordinates of the text that was
parsed (the repaired text). The final stage maps each span back to the text
the user submitted, with the repair stage's offset map, before dumping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

AttributionKind = Literal["direct", "partial", "indirect", "according_to"]
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
Grade = Literal["A", "B", "C", "D", "E"]
HedgeKind = Literal[
    "vague_group",
    "anonymous_formula",
    "knowledge_basis",
    "anonymity_reason",
    "affiliation",
    "several_sources",
    "corroboration",
    "other_outlet",
    "hedged_cue",
    "bare_hedge",
    "opinion",
    "attack",
    "declined_to_comment",
]
#: Who found an attribution: a quotation sieve or another producer of ``attribution.extract``.
SieveName = Literal[
    "speaker_label",
    "dependency",
    "bare_cue",
    "trigram",
    "colon",
    "dash",
    "adjacent_sentence",
    "previous_sentence",
    "neighbour_sentence",
    "same_paragraph",
    "previous_speaker",
    "paragraph_lead",
    "unresolved",
    "indirect_speech",
    "according_to",
    "declined_comment",
    "unattributed_claim",
    "model",
]
RepairKind = Literal["link", "split", "space", "char", "segment"]
WarningCode = Literal["unclosed_quote", "unclosed_inner_quote", "not_english", "long_sentence"]
#: Speaker types a reader cannot identify.
ANONYMOUS_TYPES: frozenset[SpeakerType] = frozenset(
    {"anonymous_person", "anonymous_group", "unattributed"}
)
#: Speaker types a reader can identify (the rubric's ``named_types``).
NAMED_TYPES: frozenset[SpeakerType] = frozenset(get_args(SpeakerType)) - ANONYMOUS_TYPES


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
    kind: HedgeKind


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
    grade: Grade
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


#: Speaker id and record for claims nobody in the text stands behind.
UNATTRIBUTED_ID = "unattributed"
UNATTRIBUTED_SPEAKER = Speaker(
    id=UNATTRIBUTED_ID, name="(unattributed)", type="unattributed", anonymous=True
)


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
    #: Further speakers of a coordinated source ("Amnesty International and
    #: Forbidden Stories"): the claim is theirs jointly (``attribution.coordination``).
    co_speaker_ids: tuple[str, ...] = ()
    hedges: tuple[Hedge, ...] = ()
    justification: TextSpan | None = None
    score: Score | None = None
    sieve: SieveName = "unresolved"
    #: The speaker was inferred from the text around a quotation (a neighbouring
    #: sentence, the paragraph's lead, an earlier quotation), not stated by a cue.
    speaker_inferred: bool = False
    #: The content lies in the article's headline (``quotes.headline``): shown and
    #: scored, but left out of the summary, which counts the story's own sourcing.
    in_headline: bool = False


@dataclass(frozen=True, slots=True)
class Repair:
    """One change the repair stage made, with offsets into the submitted text."""

    kind: RepairKind
    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class AnalysisWarning:
    """Something the engine could not take at face value, and where (``span``, if anywhere)."""

    code: WarningCode
    message: str
    span: TextSpan | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """The article's sourcing at a glance (see :func:`attribution.summary.summarize`).

    Declined-to-comment records are counted apart and left out of every share.
    """

    attributions: int = 0
    declined_to_comment: int = 0
    headline_attributions: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_speaker_type: dict[str, int] = field(default_factory=dict)
    by_grade: dict[str, int] = field(default_factory=dict)
    sourced: int = 0
    anonymous: int = 0
    anonymous_share: float = 0.0
    named_sources: int = 0
    named_source_names: tuple[str, ...] = ()
    anonymous_sources: int = 0
    anonymous_without_justification: tuple[str, ...] = ()
    unattributed_claims: int = 0
    first_attribution_anonymous: bool | None = None
    score: int | None = None
    grade: Grade | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the engine returns for one article."""

    text: str
    attributions: tuple[Attribution, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    summary: Summary = field(default_factory=Summary)
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[AnalysisWarning, ...] = ()
