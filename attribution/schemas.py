"""Marshmallow schemas that dump :mod:`attribution.records` into the public JSON.

The CLI and the HTTP API both call :func:`dump_analysis`, so they return the
same document. Use the module-level schema instances; they hold no state.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from attribution.records import Analysis, AnalysisWarning, Attribution, Speaker

__all__ = [
    "ANALYSIS_SCHEMA",
    "ATTRIBUTION_SCHEMA",
    "SPEAKER_REF_SCHEMA",
    "SPEAKER_SCHEMA",
    "NO_SPEAKER",
    "dump_analysis",
]

#: What ``attribution.speaker`` holds when no source was linked (a quotation no sieve resolved).
#: Claims the text gives to nobody have a speaker of their own:
#: :data:`attribution.records.UNATTRIBUTED_SPEAKER`.
NO_SPEAKER: dict[str, Any] = {
    "id": None,
    "name": None,
    "type": "unattributed",
    "role": None,
    "anonymous": True,
}


class TextSpanSchema(Schema):
    """Dump a :class:`~attribution.records.TextSpan` as ``{text, start, end}``."""

    text = fields.String()
    start = fields.Integer()
    end = fields.Integer()


class CueSchema(Schema):
    """Dump a :class:`~attribution.records.Cue`; its span is flattened in."""

    text = fields.String(attribute="span.text")
    start = fields.Integer(attribute="span.start")
    end = fields.Integer(attribute="span.end")
    lemma = fields.String()
    stance = fields.String()


class HedgeSchema(Schema):
    """Dump a :class:`~attribution.records.Hedge`; its span is flattened in."""

    text = fields.String(attribute="span.text")
    start = fields.Integer(attribute="span.start")
    end = fields.Integer(attribute="span.end")
    kind = fields.String()


class ScoreReasonSchema(Schema):
    """Dump one rubric rule that fired."""

    rule = fields.String()
    points = fields.Float()
    text = fields.String()


class ScoreSchema(Schema):
    """Dump a :class:`~attribution.records.Score`."""

    value = fields.Integer()
    grade = fields.String()
    reasons = fields.List(fields.Nested(ScoreReasonSchema))


class SpeakerRefSchema(Schema):
    """Dump the speaker an attribution points to, without its mentions."""

    id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    type = fields.String()
    role = fields.String(allow_none=True)
    anonymous = fields.Boolean()


class SpeakerSchema(SpeakerRefSchema):
    """Dump a :class:`~attribution.records.Speaker` with all its mentions."""

    mentions = fields.List(fields.Nested(TextSpanSchema))


class AttributionSchema(Schema):
    """Dump an :class:`~attribution.records.Attribution` (``speaker`` is added by the caller)."""

    id = fields.String()
    kind = fields.String()
    content = fields.Nested(TextSpanSchema)
    quotes = fields.List(fields.Nested(TextSpanSchema))
    cue = fields.Nested(CueSchema, allow_none=True)
    source = fields.Nested(TextSpanSchema, allow_none=True)
    hedges = fields.List(fields.Nested(HedgeSchema))
    justification = fields.Nested(TextSpanSchema, allow_none=True)
    score = fields.Nested(ScoreSchema, allow_none=True)
    sieve = fields.String()
    speaker_inferred = fields.Boolean()
    in_headline = fields.Boolean()


class RepairSchema(Schema):
    """Dump a :class:`~attribution.records.Repair`."""

    kind = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    original = fields.String()
    replacement = fields.String()


class SummarySchema(Schema):
    """Dump a :class:`~attribution.records.Summary`."""

    attributions = fields.Integer()
    declined_to_comment = fields.Integer()
    headline_attributions = fields.Integer()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_speaker_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_grade = fields.Dict(keys=fields.String(), values=fields.Integer())
    anonymous = fields.Integer()
    sourced = fields.Integer()
    anonymous_share = fields.Float()
    named_sources = fields.Integer()
    named_source_names = fields.List(fields.String())
    anonymous_sources = fields.Integer()
    anonymous_without_justification = fields.List(fields.String())
    unattributed_claims = fields.Integer()
    first_attribution_anonymous = fields.Boolean(allow_none=True)
    score = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True)


class WarningSchema(Schema):
    """Dump an :class:`~attribution.records.AnalysisWarning`; its span (if any) is flattened in."""

    code = fields.String()
    message = fields.String()
    start = fields.Method("_start")
    end = fields.Method("_end")

    def _start(self, warning: AnalysisWarning) -> int | None:
        return None if warning.span is None else warning.span.start

    def _end(self, warning: AnalysisWarning) -> int | None:
        return None if warning.span is None else warning.span.end


SPEAKER_REF_SCHEMA = SpeakerRefSchema()
SPEAKER_SCHEMA = SpeakerSchema()
ATTRIBUTION_SCHEMA = AttributionSchema()


class AnalysisSchema(Schema):
    """Dump an :class:`~attribution.records.Analysis` into the public result document."""

    attributions = fields.Method("_dump_attributions")
    speakers = fields.List(fields.Nested(SpeakerSchema))
    summary = fields.Nested(SummarySchema)
    repairs = fields.List(fields.Nested(RepairSchema))
    warnings = fields.List(fields.Nested(WarningSchema))

    def _dump_attributions(self, analysis: Analysis) -> list[dict[str, Any]]:
        by_id = {speaker.id: speaker for speaker in analysis.speakers}
        return [_dump_attribution(a, by_id) for a in analysis.attributions]


def _dump_attribution(attribution: Attribution, speakers: dict[str, Speaker]) -> dict[str, Any]:
    dumped: dict[str, Any] = ATTRIBUTION_SCHEMA.dump(attribution)
    speaker_id = attribution.speaker_id
    if speaker_id is None:
        ref = dict(NO_SPEAKER)
    elif speaker_id in speakers:
        ref = SPEAKER_REF_SCHEMA.dump(speakers[speaker_id])
    else:  # a dangling id is an engine bug; say so rather than invent a speaker
        ref = {**NO_SPEAKER, "id": speaker_id}
    co = [
        SPEAKER_REF_SCHEMA.dump(speakers[i]) if i in speakers else {**NO_SPEAKER, "id": i}
        for i in attribution.co_speaker_ids
    ]
    ordered: dict[str, Any] = {}
    for key, value in dumped.items():
        ordered[key] = value
        if key == "source":
            ordered["speaker"] = ref
            ordered["co_speakers"] = co
    return ordered


ANALYSIS_SCHEMA = AnalysisSchema()


def dump_analysis(analysis: Analysis) -> dict[str, Any]:
    """Return the public JSON-ready dict for ``analysis``."""
    result: dict[str, Any] = ANALYSIS_SCHEMA.dump(analysis)
    return result
