"""The engine's facade: submitted text in, :class:`~attribution.records.Analysis` out.

Stages, each returning new frozen records: repair the scraped text -> parse ->
find quotations -> link quotations to cues and speakers (sieves) -> indirect
speech -> speaker coreference -> hedges -> scores -> summary -> map every span
back to the submitted text with the repair stage's offset map.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from attribution import coref, hedges, scoring, summary
from attribution.errors import InputError
from attribution.nlp import Parser
from attribution.quotes import find_quotes
from attribution.records import Analysis, Attribution, Cue, Hedge, Speaker, TextSpan
from attribution.repair import RepairResult, repair_text
from attribution.sieves import Draft, Mention, attribute, build_context, run_sieves
from attribution.types import ParsedDocument

__all__ = ["Analyzer", "analyze"]


class Analyzer:
    """Run the whole engine on one article at a time; load the parser once.

    With ``parser=None`` the bundled Stanza models are loaded on first use (or
    by :meth:`load`) through :func:`attribution.nlp.stanza_parser.get_parser`.
    """

    def __init__(
        self,
        parser: Parser | None = None,
        *,
        stanza_dir: str | None = None,
        threads: int | None = None,
    ) -> None:
        self._parser = parser
        self._stanza_dir = stanza_dir
        self._threads = threads
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the models now (service start, readiness probe)."""
        parser = self._get_parser()
        load = getattr(parser, "load", None)
        if callable(load):
            load()

    @property
    def is_loaded(self) -> bool:
        """Tell whether the parser and its models are loaded."""
        if self._parser is None:
            return False
        return bool(getattr(self._parser, "is_loaded", True))

    def _get_parser(self) -> Parser:
        if self._parser is None:
            with self._lock:
                if self._parser is None:
                    from attribution.nlp.stanza_parser import get_parser

                    self._parser = get_parser(stanza_dir=self._stanza_dir, threads=self._threads)
        return self._parser

    def analyze(self, text: str, *, options: Mapping[str, Any] | None = None) -> Analysis:
        """Analyse ``text``; spans in the result index ``text`` itself.

        ``options``: ``repair`` (default true) runs the scraping-damage repair
        before parsing. Raises :class:`~attribution.errors.InputError` on
        empty or non-text input.
        """
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}")
        if not text.strip():
            raise InputError("text is empty: submit the article's text")
        opts = dict(options or {})
        repaired = repair_text(text) if opts.get("repair", True) else _identity(text)
        # Headings and credits are blanked (same offsets) so they open no quotation.
        doc = self._get_parser()(getattr(repaired, "nlp_text", repaired.text))
        atts, speakers, warnings = extract(doc)
        atts = hedges.detect(doc, atts, speakers)
        atts = scoring.score(atts, speakers)
        summ = summary.summarize(atts, speakers)
        return Analysis(
            text=text,
            attributions=tuple(_map_attribution(a, repaired) for a in atts),
            speakers=tuple(_map_speaker(s, repaired) for s in speakers),
            summary=summ,
            repairs=repaired.repairs,
            warnings=tuple(_map_warning(w, repaired) for w in warnings),
        )

    def versions(self) -> dict[str, str]:
        """Return the versions of the library, Stanza, torch and the models in use."""
        out = versions()
        own = getattr(self._parser, "versions", None)
        if callable(own):
            out.update({k: str(v) for k, v in own().items()})
        return out


def extract(
    doc: ParsedDocument,
) -> tuple[tuple[Attribution, ...], tuple[Speaker, ...], tuple[str, ...]]:
    """Find attributions and speakers in a parse (offsets of the parsed text).

    Quotations -> sieves -> indirect speech -> declined comments -> speaker
    coreference -> unattributed hedged claims.
    """
    scan = find_quotes(doc.text)
    ctx = build_context(doc, scan.quotes)
    links = run_sieves(ctx)
    drafts = list(attribute(ctx, links))
    taken = [(d.attribution.content.start, d.attribution.content.end) for d in drafts]
    for n, att in enumerate(hedges.declined_to_comment(doc)):
        if any(s < att.content.end and att.content.start < e for s, e in taken):
            continue
        drafts.append(Draft(replace(att, id=f"d{n + 1}"), _mention_of(doc, att.source)))
    atts, speakers = coref.resolve(doc, tuple(drafts))
    atts = tuple(sorted(atts, key=lambda a: (a.content.start, a.content.end)))
    ids = {a.id: f"a{k}" for k, a in enumerate(atts, 1)}
    atts = tuple(replace(a, id=ids[a.id]) for a in atts)
    extra = hedges.unattributed_claims(doc, atts)
    if extra:
        start = len(atts)
        extra = tuple(replace(a, id=f"a{start + k}") for k, a in enumerate(extra, 1))
        atts = tuple(sorted(atts + extra, key=lambda a: (a.content.start, a.content.end)))
        atts = tuple(replace(a, id=f"a{k}") for k, a in enumerate(atts, 1))
        speakers = speakers + (hedges.UNATTRIBUTED_SPEAKER,)
    return atts, speakers, scan.warnings


def _mention_of(doc: ParsedDocument, span: TextSpan | None) -> Mention | None:
    """Find the sentence and head word of a source span given by characters."""
    if span is None:
        return None
    for s in doc.sentences:
        if s.start <= span.start < s.end:
            ids = {t.index for t in s.tokens if t.start >= span.start and t.end <= span.end}
            heads = [i for i in sorted(ids) if s.tokens[i].head not in ids]
            if heads:
                return Mention(span, s.index, heads[0])
    return None


def _identity(text: str) -> RepairResult:
    from attribution.repair import OffsetMap

    return RepairResult(original=text, text=text, offsets=OffsetMap.identity(len(text)))


# -- mapping spans back to the submitted text ----------------------------------


def _map_span(span: TextSpan, rep: RepairResult) -> TextSpan:
    s, e, text = rep.original_span(span.start, span.end)
    return TextSpan(s, e, text)


def _map_opt(span: TextSpan | None, rep: RepairResult) -> TextSpan | None:
    return None if span is None else _map_span(span, rep)


def _map_attribution(att: Attribution, rep: RepairResult) -> Attribution:
    cue = att.cue
    return replace(
        att,
        content=_map_span(att.content, rep),
        quotes=tuple(_map_span(q, rep) for q in att.quotes),
        cue=None if cue is None else Cue(_map_span(cue.span, rep), cue.lemma, cue.stance),
        source=_map_opt(att.source, rep),
        hedges=tuple(Hedge(_map_span(h.span, rep), h.kind) for h in att.hedges),
        justification=_map_opt(att.justification, rep),
    )


def _map_speaker(sp: Speaker, rep: RepairResult) -> Speaker:
    return replace(sp, mentions=tuple(_map_span(m, rep) for m in sp.mentions))


def _map_warning(warning: str, rep: RepairResult) -> str:
    """Rewrite "at offset N" in a warning to the submitted text's offset."""
    head, sep, tail = warning.partition(" at offset ")
    if not sep:
        return warning
    digits = tail.split(";")[0].split()[0] if tail.split() else ""
    if not digits.isdigit():
        return warning
    pos = rep.offsets.to_original(int(digits), int(digits) + 1)[0]
    return f"{head}{sep}{pos}{tail[len(digits) :]}"


# -- versions -----------------------------------------------------------------


def versions() -> dict[str, str]:
    """Return library, stanza, torch and models versions ("unknown" when absent)."""
    import json
    from importlib import metadata
    from pathlib import Path

    out: dict[str, str] = {}
    try:
        out["library"] = metadata.version("attribution")
    except metadata.PackageNotFoundError:
        out["library"] = "unknown"
    for mod in ("stanza", "torch"):
        try:
            out[mod] = str(__import__(mod).__version__)
        except Exception:  # pragma: no cover - optional at import time
            out[mod] = "unknown"
    manifest = Path(__file__).parent / "models" / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        out["models"] = str(data.get("version", "unknown"))
    except (OSError, ValueError):
        out["models"] = "unknown"
    return out


_shared: Analyzer | None = None
_shared_lock = threading.Lock()


def analyze(text: str, *, parser: Parser | None = None) -> Analysis:
    """Analyse ``text`` with one process-wide :class:`Analyzer` (or with ``parser``)."""
    global _shared
    if parser is not None:
        return Analyzer(parser).analyze(text)
    with _shared_lock:
        if _shared is None:
            _shared = Analyzer()
    return _shared.analyze(text)
