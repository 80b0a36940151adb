"""The engine's facade: submitted text in, :class:`~attribution.records.Analysis` out.

Repair the scraped text, parse it, run :data:`STAGES` (the one ordered list of
the engine's stages, each declaring what it needs and provides; see
``docs/architecture.md``), then map every span back to the submitted text
with the repair stage's offset map.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from attribution import coref, hedges, scoring, summary
from attribution.coordination import add_co_speakers
from attribution.entities import load_typer
from attribution.errors import BudgetExceeded, InputError
from attribution.extract import Context, Draft, build_context, number
from attribution.extract.claims import check_claims
from attribution.extract.common import unlink_foreign_sources
from attribution.extract.declined import declined_drafts
from attribution.extract.indirect import indirect_drafts
from attribution.extract.labels import label_drafts
from attribution.extract.quotations import quotation_drafts
from attribution.extract.sieves import Link, run_sieves
from attribution.extract.unattributed import unattributed_claims
from attribution.language import language_warnings, unpaired_surrogate
from attribution.nlp import Parser
from attribution.nlp.guard import MAX_SENTENCE_WORDS, SentenceCut
from attribution.nlp.guard import watch as parse_watch
from attribution.quotes import find_quotes, headline
from attribution.records import (
    UNATTRIBUTED_SPEAKER,
    Analysis,
    AnalysisWarning,
    Attribution,
    Cue,
    Hedge,
    Speaker,
    Summary,
    TextSpan,
)
from attribution.repair import RepairResult, repair_text
from attribution.repair.lexicon import frequency_table
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
        model: Producer | bool | None = None,
    ) -> None:
        self._parser = parser
        self._stanza_dir = stanza_dir
        self._threads = threads
        self._lock = threading.Lock()
        #: Parses made ahead by :meth:`prepare`, by (text, repair); taken by :meth:`parse`.
        self._prepared: dict[tuple[str, bool], Parsed] = {}
        if model is None:
            from attribution.settings import settings

            model = settings().model
        self._model: Producer | None = None if isinstance(model, bool) else model
        self._use_model = model is not False

    def load(self) -> None:
        """Load the models now (service start, readiness probe)."""
        # First the word frequencies: the memory their loading frees is taken up
        # by the models, not added to the process's peak.
        frequency_table()
        parser = self._get_parser()
        load = getattr(parser, "load", None)
        if callable(load):
            load()
        self.model()
        load_typer()  # the mention-type model speaker typing asks (attribution.entities)

    def model(self) -> Producer | None:
        """Return the learned producer (loaded once), or ``None`` when it is switched off."""
        if not self._use_model:
            return None
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from attribution.learned import LearnedAttribution

                    self._model = LearnedAttribution.configured()
        return self._model

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

    def analyze(
        self,
        text: str,
        *,
        options: Mapping[str, Any] | None = None,
        budget: float | None = None,
    ) -> Analysis:
        """Analyse ``text``; spans in the result index ``text`` itself.

        ``options``: ``repair`` (default true) runs the scraping-damage repair
        before parsing; ``model`` (default: the analyzer's setting) runs the
        learned attribution model with the rules, ``false`` the rules alone.
        ``budget``: seconds the analysis may take; past it,
        :class:`~attribution.errors.BudgetExceeded` is raised at the next
        check (after repair, between the parser's batches, after parsing,
        between stages). Raises :class:`~attribution.errors.InputError` on
        empty or non-text input, or text with an unpaired surrogate. Sentences
        too long to parse are cut, each with a ``long_sentence`` warning
        (:mod:`attribution.nlp.guard`).
        """
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}")
        if not text.strip():
            raise InputError("text is empty: submit the article's text")
        _check_unicode(text)
        opts = dict(options or {})
        clock = Deadline(budget)
        repaired, doc, cuts = self.parse(text, repair=opts.get("repair", True), deadline=clock)
        model = self.model() if opts.get("model", True) else None
        return assemble(repaired, doc, model=model, deadline=clock, cuts=cuts)

    def parse(
        self, text: str, *, repair: bool = True, deadline: Deadline | None = None
    ) -> tuple[RepairResult, ParsedDocument, tuple[SentenceCut, ...]]:
        """Repair and parse ``text``: the repair result, the parse and the sentences cut.

        :meth:`analyze` is this plus :func:`assemble`; the evaluation parses once
        and assembles with and without the learned model.
        """
        clock = deadline or Deadline(None)
        with self._lock:
            ready = self._prepared.pop((text, repair), None)
        if ready is not None:
            clock.check("parse")
            return ready
        repaired = repair_text(text) if repair else _identity(text)
        clock.check("repair")
        # Headings and credits are blanked (same offsets) so they open no quotation.
        # The parser checks the clock between batches and reports the sentences it cut.
        with parse_watch(clock) as watch:
            doc = self._get_parser()(getattr(repaired, "nlp_text", repaired.text))
        clock.check("parse")
        return repaired, doc, tuple(watch.cuts)

    def prepare(
        self,
        texts: Sequence[str],
        *,
        options: Mapping[str, Any] | None = None,
        budget: float | None = None,
    ) -> int:
        """Repair and parse ``texts`` together, so that :meth:`analyze` of each is quicker.

        With a parser that has ``parse_batch`` (the Stanza parser), the texts'
        sentences go through the tagger and parser in one pass
        (:meth:`~attribution.nlp.stanza_parser.StanzaParser.parse_many`: the same
        parses). :meth:`analyze` of one of these texts, with the same ``repair``
        option, then takes its parse instead of parsing again; every other
        step, error and warning is as before. Only the last call's parses are
        kept. Texts that :meth:`analyze` would refuse are left out. Returns
        how many texts were parsed ahead. ``budget``: seconds the batch's parse
        may take (:class:`~attribution.errors.BudgetExceeded` past it, and
        nothing is kept).
        """
        repair = bool(dict(options or {}).get("repair", True))
        parse_batch = getattr(self._get_parser(), "parse_batch", None)
        todo = list(
            dict.fromkeys(
                t for t in texts if isinstance(t, str) and t.strip() and not unpaired_surrogate(t)
            )
        )
        with self._lock:
            self._prepared = {}
        if parse_batch is None or len(todo) < 2:
            return 0
        clock = Deadline(budget)
        repaired = [repair_text(t) if repair else _identity(t) for t in todo]
        with parse_watch(clock):
            parsed = parse_batch([getattr(r, "nlp_text", r.text) for r in repaired])
        ready = {
            (text, repair): (rep, doc, tuple(cuts))
            for text, rep, (doc, cuts) in zip(todo, repaired, parsed, strict=True)
        }
        with self._lock:
            self._prepared = ready
        return len(ready)

    def versions(self) -> dict[str, str]:
        """Return the versions of the library, Stanza, torch and the models in use."""
        out = versions()
        own = getattr(self._parser, "versions", None)
        if callable(own):
            out.update({k: str(v) for k, v in own().items()})
        return out


#: A repaired text, its parse and the sentences the parser cut.
Parsed = tuple[RepairResult, ParsedDocument, tuple[SentenceCut, ...]]


def assemble(
    repaired: RepairResult,
    doc: ParsedDocument,
    *,
    model: Producer | None = None,
    deadline: Deadline | None = None,
    cuts: Iterable[SentenceCut] = (),
) -> Analysis:
    """Run the stages on the parse of a repaired text; map the result to the submitted text."""
    return to_analysis(repaired, run_stages(doc, deadline=deadline, model=model), cuts)


def to_analysis(repaired: RepairResult, work: Work, cuts: Iterable[SentenceCut] = ()) -> Analysis:
    """Return the analysis of a finished :class:`Work`, spans mapped to the submitted text."""
    assert work.summary is not None
    warnings = long_sentence_warnings(work.doc, cuts) + work.warnings
    return Analysis(
        text=repaired.original,
        attributions=tuple(_map_attribution(a, repaired) for a in work.attributions),
        speakers=tuple(_map_speaker(s, repaired) for s in work.speakers),
        summary=work.summary,
        repairs=repaired.repairs,
        warnings=tuple(_map_warning(w, repaired) for w in warnings),
    )


def _check_unicode(text: str) -> None:
    """Refuse text that is not valid Unicode (an unpaired surrogate, U+D800-U+DFFF)."""
    problem = unpaired_surrogate(text)
    if problem is not None:
        raise InputError(f"text {problem}")


def long_sentence_warnings(
    doc: ParsedDocument, cuts: Iterable[SentenceCut]
) -> tuple[AnalysisWarning, ...]:
    """Return a ``long_sentence`` warning for each sentence the parser cut, spanning it."""
    return tuple(
        AnalysisWarning(
            "long_sentence",
            f"a sentence of {c.words} words was cut into {c.pieces} pieces of at most "
            f"{MAX_SENTENCE_WORDS} words before parsing; its analysis may be incomplete",
            TextSpan(c.start, c.end, doc.text[c.start : c.end]),
        )
        for c in cuts
    )


class Producer(Protocol):
    """A learned producer of attributions (:class:`attribution.learned.LearnedAttribution`)."""

    def drafts(self, ctx: Context, rules: Sequence[Draft]) -> tuple[Draft, ...]: ...


@dataclass(frozen=True, slots=True)
class Work:
    """What the stages hand on: each stage returns a copy with the fields it provides.

    ``model`` is the learned producer, set with the parse (``None``: rules alone).
    """

    doc: ParsedDocument
    model: Producer | None = None
    context: Context | None = None
    links: Mapping[int, Link] = field(default_factory=dict)
    drafts: tuple[Draft, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    warnings: tuple[AnalysisWarning, ...] = ()
    summary: Summary | None = None

    @property
    def ctx(self) -> Context:
        assert self.context is not None, "the 'context' stage has not run"
        return self.context


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the engine: its name, what it reads and writes on :class:`Work`, and itself."""

    name: str
    needs: frozenset[str]
    provides: frozenset[str]
    run: Callable[[Work], Work]


def _stage(name: str, needs: str, provides: str) -> Callable[[Callable[[Work], Work]], Stage]:
    def wrap(fn: Callable[[Work], Work]) -> Stage:
        return Stage(name, frozenset(needs.split()), frozenset(provides.split()), fn)

    return wrap


@_stage("context", "doc", "context warnings")
def _context(w: Work) -> Work:
    """Find the quotations (with warnings on unbalanced marks) and every sentence's cues."""
    scan = find_quotes(w.doc.text)
    return replace(w, context=build_context(w.doc, scan), warnings=scan.warnings)


@_stage("language", "doc warnings", "warnings")
def _language(w: Work) -> Work:
    """Warn when the text does not look like English."""
    return replace(w, warnings=w.warnings + language_warnings(w.doc.text))


@_stage("speaker_labels", "context", "drafts")
def _labels(w: Work) -> Work:
    return replace(w, drafts=w.drafts + label_drafts(w.ctx))


@_stage("quotations", "context drafts", "links drafts")
def _quotations(w: Work) -> Work:
    """Link quotations by the ordered sieves; lines a label holds are skipped."""
    links = run_sieves(w.ctx)
    taken = [(d.attribution.content.start, d.attribution.content.end) for d in w.drafts]
    return replace(w, links=links, drafts=w.drafts + quotation_drafts(w.ctx, links, taken))


@_stage("indirect_speech", "context drafts", "drafts")
def _indirect(w: Work) -> Work:
    return replace(w, drafts=w.drafts + indirect_drafts(w.ctx, w.drafts))


@_stage("declined_comments", "doc drafts", "drafts")
def _declined(w: Work) -> Work:
    """Declined comments run before coreference: their source is resolved like any other."""
    return replace(w, drafts=w.drafts + declined_drafts(w.doc, w.drafts))


@_stage("foreign_sources", "drafts", "drafts")
def _foreign_sources(w: Work) -> Work:
    return replace(w, drafts=unlink_foreign_sources(w.drafts))


@_stage("model", "context drafts model", "drafts")
def _model(w: Work) -> Work:
    """The learned producer adds what the rules missed and redraws the spans of weak rules."""
    if w.model is None:
        return w
    return replace(w, drafts=w.model.drafts(w.ctx, w.drafts))


@_stage("claims", "doc drafts", "drafts")
def _claims(w: Work) -> Work:
    """Check every producer's drafts, rules and model alike (``extract/claims.py``)."""
    return replace(w, drafts=check_claims(w.doc, w.drafts))


@_stage("coreference", "doc drafts", "attributions speakers")
def _coreference(w: Work) -> Work:
    drafts = sorted(
        w.drafts, key=lambda d: (d.attribution.content.start, d.attribution.content.end)
    )
    atts, speakers = coref.resolve(w.doc, tuple(drafts))
    atts, speakers = add_co_speakers(w.doc, atts, speakers)
    return replace(w, attributions=atts, speakers=speakers)


@_stage("unattributed_claims", "doc attributions speakers", "attributions speakers")
def _unattributed(w: Work) -> Work:
    """Bare hedges outside every attribution found so far become claims of nobody."""
    extra = unattributed_claims(w.doc, w.attributions)
    if not extra:
        return w
    return replace(
        w, attributions=w.attributions + extra, speakers=w.speakers + (UNATTRIBUTED_SPEAKER,)
    )


@_stage("ids", "attributions", "attributions")
def _ids(w: Work) -> Work:
    return replace(w, attributions=number(w.attributions))


@_stage("headline", "doc attributions", "attributions")
def _headline(w: Work) -> Work:
    """Mark attributions in the headline: the summary counts the story's own sourcing."""
    span = headline(w.doc.text)
    if span is None:
        return w
    marked = tuple(
        replace(a, in_headline=True) if span[0] <= a.content.start < span[1] else a
        for a in w.attributions
    )
    return replace(w, attributions=marked)


@_stage("hedges", "doc attributions speakers", "attributions")
def _hedges(w: Work) -> Work:
    return replace(w, attributions=hedges.detect(w.doc, w.attributions, w.speakers))


@_stage("scores", "attributions speakers", "attributions")
def _scores(w: Work) -> Work:
    return replace(w, attributions=scoring.score(w.attributions, w.speakers))


@_stage("summary", "attributions speakers", "summary")
def _summary(w: Work) -> Work:
    return replace(w, summary=summary.summarize(w.attributions, w.speakers))


#: The engine's stages in the order they run, from a parse to a summary.
STAGES: tuple[Stage, ...] = (
    _context,
    _language,
    _labels,
    _quotations,
    _indirect,
    _declined,
    _foreign_sources,
    _model,
    _claims,
    _coreference,
    _unattributed,
    _ids,
    _headline,
    _hedges,
    _scores,
    _summary,
)

#: The rule stages: what the learned producer reads (its input features).
RULES: tuple[Stage, ...] = STAGES[: STAGES.index(_model)]

#: The stages up to final ids: attributions and speakers, before hedges and scores.
EXTRACTION: tuple[Stage, ...] = STAGES[: STAGES.index(_ids) + 1]


def _position(att: Attribution) -> tuple[int, int]:
    return att.content.start, att.content.end


class Deadline:
    """A time budget started now; ``check`` raises once it is spent (``None``: no budget)."""

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.end = None if budget is None else time.monotonic() + budget

    def check(self, stage: str) -> None:
        """Raise :class:`BudgetExceeded` naming ``stage`` when the budget is spent."""
        if self.end is not None and time.monotonic() > self.end:
            assert self.budget is not None
            raise BudgetExceeded(self.budget, stage)


def run_stages(
    doc: ParsedDocument,
    stages: tuple[Stage, ...] = STAGES,
    deadline: Deadline | None = None,
    model: Producer | None = None,
) -> Work:
    """Run ``stages`` in order on a parse, checking ``deadline`` after each."""
    work = Work(doc, model)
    for stage in stages:
        work = stage.run(work)
        if deadline is not None:
            deadline.check(stage.name)
    return work


def extract(
    doc: ParsedDocument,
) -> tuple[tuple[Attribution, ...], tuple[Speaker, ...], tuple[AnalysisWarning, ...]]:
    """Find attributions and speakers in a parse (offsets of the parsed text), with ids."""
    work = run_stages(doc, EXTRACTION)
    return work.attributions, work.speakers, work.warnings


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


def _map_warning(warning: AnalysisWarning, rep: RepairResult) -> AnalysisWarning:
    return replace(warning, span=_map_opt(warning.span, rep))


# -- versions -----------------------------------------------------------------


def versions() -> dict[str, str]:
    """Return the attribution, stanza, torch and models versions ("unknown" when absent)."""
    import json
    from pathlib import Path

    from attribution.document import library_version

    out = {"attribution": library_version()}
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
