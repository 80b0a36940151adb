"""The three output tables: their Arrow schemas, and the rows of one analysed article.

An analysed article is the JSON document the command line and the HTTP API
return (:func:`attribution.document.analyze_document`); :func:`article_rows`
flattens it into one ``articles`` row (its summary) and one ``attributions``
row per attribution. A failed article is one ``errors`` row
(:func:`error_row`). ``docs/audit.md`` describes every column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from attribution.audit.inputs import METADATA

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ANONYMOUS_SPEAKER_TYPES",
    "TABLES",
    "article_rows",
    "error_row",
    "parse_published",
    "schema",
    "to_table",
]

TABLES = ("attributions", "articles", "errors")
#: The speaker types a reader cannot identify, as ``summary.anonymous`` counts them.
ANONYMOUS_SPEAKER_TYPES = frozenset({"anonymous_person", "anonymous_group"})
UNATTRIBUTED_ID = "unattributed"
DECLINED = "declined_to_comment"

_STR, _INT, _FLOAT, _BOOL, _STRS, _TIME = "str", "int", "float", "bool", "strs", "time"

_KEY = [("article_id", _STR), *((name, _STR) for name in METADATA), ("published_at", _TIME)]

_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "attributions": [
        *_KEY,
        ("attribution_id", _STR),
        ("kind", _STR),
        ("content", _STR),
        ("content_start", _INT),
        ("content_end", _INT),
        ("cue", _STR),
        ("cue_start", _INT),
        ("cue_end", _INT),
        ("cue_lemma", _STR),
        ("cue_stance", _STR),
        ("source", _STR),
        ("source_start", _INT),
        ("source_end", _INT),
        ("speaker_id", _STR),
        ("speaker_name", _STR),
        ("speaker_type", _STR),
        ("speaker_role", _STR),
        ("speaker_anonymous", _BOOL),
        ("speaker_inferred", _BOOL),
        ("co_speakers", _STRS),
        ("hedge_kinds", _STRS),
        ("hedge_texts", _STRS),
        ("justification", _STR),
        ("score", _INT),
        ("grade", _STR),
        ("score_rules", _STRS),
        ("sieve", _STR),
        ("declined", _BOOL),
        ("sourced", _BOOL),
        ("anonymous", _BOOL),
    ],
    "articles": [
        *_KEY,
        ("format", _STR),
        ("chars", _INT),
        ("words", _INT),
        ("attributions", _INT),
        ("declined_to_comment", _INT),
        ("sourced", _INT),
        ("anonymous", _INT),
        ("anonymous_share", _FLOAT),
        ("named_sources", _INT),
        ("named_source_names", _STRS),
        ("anonymous_sources", _INT),
        ("anonymous_without_justification", _STRS),
        ("unattributed_claims", _INT),
        ("first_attribution_anonymous", _BOOL),
        ("score", _INT),
        ("grade", _STR),
        ("by_kind", _STR),
        ("by_speaker_type", _STR),
        ("by_grade", _STR),
        ("repairs", _INT),
        ("warnings", _STRS),
        ("elapsed_ms", _FLOAT),
        ("worker", _STR),
    ],
    "errors": [
        *_KEY,
        ("origin", _STR),
        ("error_type", _STR),
        ("error", _STR),
        ("stage", _STR),
        ("worker", _STR),
    ],
}


def _arrow_type(kind: str) -> pa.DataType:
    import pyarrow as pa

    return {
        _STR: pa.string(),
        _INT: pa.int64(),
        _FLOAT: pa.float64(),
        _BOOL: pa.bool_(),
        _STRS: pa.list_(pa.string()),
        _TIME: pa.timestamp("us", tz="UTC"),
    }[kind]


def schema(table: str) -> pa.Schema:
    """Return the Arrow schema of ``table`` (one of :data:`TABLES`)."""
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(kind)) for name, kind in _COLUMNS[table]])


def to_table(table: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Return ``rows`` as an Arrow table of ``table``'s schema (missing keys are null)."""
    import pyarrow as pa

    names = [name for name, _ in _COLUMNS[table]]
    listed = list(rows)
    data = {name: [row.get(name) for row in listed] for name in names}
    return pa.Table.from_pydict(data, schema=schema(table))


def parse_published(value: str | None) -> datetime | None:
    """Return the publication time in UTC: ISO 8601 or RFC 2822, else ``None``.

    A date without a time zone is taken as UTC.
    """
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def key_columns(item_id: str, meta: Mapping[str, str | None]) -> dict[str, Any]:
    """Return the columns every table starts with: the id and the article's metadata."""
    out: dict[str, Any] = {"article_id": item_id}
    out.update({name: meta.get(name) for name in METADATA})
    out["published_at"] = parse_published(meta.get("published"))
    return out


def article_rows(
    key: Mapping[str, Any], document: Mapping[str, Any], text: str, worker: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the ``articles`` row and the ``attributions`` rows of one analysed article.

    ``document`` is the JSON document of the article; ``text`` the text analysed
    (for HTML: the extracted text), whose words are counted.
    """
    summary = document["summary"]
    info = document.get("document", {})
    article = {
        **key,
        "format": info.get("format"),
        "chars": info.get("length", len(text)),
        "words": len(text.split()),
        **{name: summary.get(name) for name in SUMMARY_FIELDS},
        "named_source_names": list(summary.get("named_source_names", [])),
        "anonymous_without_justification": list(summary.get("anonymous_without_justification", [])),
        "by_kind": json.dumps(summary.get("by_kind", {}), sort_keys=True),
        "by_speaker_type": json.dumps(summary.get("by_speaker_type", {}), sort_keys=True),
        "by_grade": json.dumps(summary.get("by_grade", {}), sort_keys=True),
        "repairs": len(document.get("repairs", [])),
        "warnings": [w.get("code") for w in document.get("warnings", [])],
        "elapsed_ms": document.get("meta", {}).get("elapsed_ms"),
        "worker": worker,
    }
    return article, [attribution_row(key, a) for a in document.get("attributions", [])]


#: The summary's figures copied into each article row as they are.
SUMMARY_FIELDS = (
    "attributions",
    "declined_to_comment",
    "sourced",
    "anonymous",
    "anonymous_share",
    "named_sources",
    "anonymous_sources",
    "unattributed_claims",
    "first_attribution_anonymous",
    "score",
    "grade",
)


def _span(prefix: str, span: Mapping[str, Any] | None) -> dict[str, Any]:
    if span is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {
        prefix: span.get("text"),
        f"{prefix}_start": span["start"],
        f"{prefix}_end": span["end"],
    }


def attribution_row(key: Mapping[str, Any], att: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``attributions`` row of one attribution of the JSON document."""
    speaker = att.get("speaker") or {}
    hedges = att.get("hedges") or []
    score = att.get("score") or {}
    cue = att.get("cue")
    kinds = [h.get("kind") for h in hedges]
    declined = DECLINED in kinds
    sourced = not declined and speaker.get("id") not in (None, UNATTRIBUTED_ID)
    anonymous = sourced and (
        bool(speaker.get("anonymous")) or speaker.get("type") in ANONYMOUS_SPEAKER_TYPES
    )
    justification = att.get("justification")
    return {
        **key,
        "attribution_id": att.get("id"),
        "kind": att.get("kind"),
        **_span("content", att.get("content")),
        **_span("cue", cue),
        "cue_lemma": cue.get("lemma") if cue else None,
        "cue_stance": cue.get("stance") if cue else None,
        **_span("source", att.get("source")),
        "speaker_id": speaker.get("id"),
        "speaker_name": speaker.get("name"),
        "speaker_type": speaker.get("type"),
        "speaker_role": speaker.get("role"),
        "speaker_anonymous": speaker.get("anonymous"),
        "speaker_inferred": att.get("speaker_inferred"),
        "co_speakers": [c.get("name") for c in att.get("co_speakers") or []],
        "hedge_kinds": kinds,
        "hedge_texts": [h.get("text") for h in hedges],
        "justification": justification.get("text") if justification else None,
        "score": score.get("value"),
        "grade": score.get("grade"),
        "score_rules": [r.get("rule") for r in score.get("reasons", [])],
        "sieve": att.get("sieve"),
        "declined": declined,
        "sourced": sourced,
        "anonymous": anonymous,
    }


def error_row(
    key: Mapping[str, Any], origin: str, exc: BaseException | str, stage: str, worker: str
) -> dict[str, Any]:
    """Return the ``errors`` row of an article that could not be analysed."""
    if isinstance(exc, BaseException):
        error_type, message = type(exc).__name__, str(exc) or type(exc).__name__
    else:
        error_type, message = "InputError", exc
    return {
        **key,
        "origin": origin,
        "error_type": error_type,
        "error": message,
        "stage": stage,
        "worker": worker,
    }
