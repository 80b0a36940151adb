"""The Analyzer facade: input checks, stages, offsets into the submitted text."""

from __future__ import annotations

import time

import pytest
from _engine_conllu import HE_SAID, MADDY, doc

from attribution.errors import BudgetExceeded, InputError
from attribution.nlp import guard
from attribution.nlp.guard import SentenceCut
from attribution.pipeline import Analyzer, Deadline, analyze, assemble
from attribution.records import Analysis
from attribution.repair import RepairResult
from attribution.settings import shared_dir
from attribution.types import ParsedDocument

TEXT = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence.\n"
    "“It’s possible that they were keen on this,” he said."
)


class FakeParser:
    """Return a hand-written parse laid over the text it is given."""

    def __init__(self, *sentences: str) -> None:
        self.sentences = sentences
        self.calls = 0

    def __call__(self, text: str) -> ParsedDocument:
        self.calls += 1
        return doc(*self.sentences, text=text)


def spans(result: Analysis) -> list[tuple[int, int, str]]:
    out = []
    for a in result.attributions:
        for s in (a.content, a.source, a.cue.span if a.cue else None, *a.quotes):
            if s is not None:
                out.append((s.start, s.end, s.text))
    for sp in result.speakers:
        out.extend((m.start, m.end, m.text) for m in sp.mentions)
    return out


def test_analyze_with_injected_parser() -> None:
    parser = FakeParser(MADDY, HE_SAID)
    analyzer = Analyzer(parser)
    assert analyzer.is_loaded
    result = analyzer.analyze(TEXT)
    assert result.text == TEXT
    assert len(result.attributions) == 2
    assert len(result.speakers) == 1
    assert result.speakers[0].name == "Bruce Maddy-Weitzman"
    for start, end, text in spans(result):
        assert TEXT[start:end] == text
    assert all(a.score is not None for a in result.attributions)
    assert result.summary.attributions == 2 and result.summary.grade == "A"
    assert parser.calls == 1


def test_module_level_analyze_takes_a_parser() -> None:
    result = analyze(TEXT, parser=FakeParser(MADDY, HE_SAID))
    assert [a.kind for a in result.attributions] == ["indirect", "direct"]


@pytest.mark.parametrize("bad", ["", "   \n\t", None, 42, b"bytes"])
def test_bad_input_raises_input_error(bad: object) -> None:
    with pytest.raises(InputError):
        Analyzer(FakeParser()).analyze(bad)  # type: ignore[arg-type]


def test_unbalanced_quote_is_a_warning() -> None:
    text = (
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence."
    )
    # An unclosed mark in a separate heading line, which the fake parse does not cover.
    result = Analyzer(FakeParser(MADDY)).analyze(text + "\n*- ‘Benefits")
    (warning,) = [w for w in result.warnings if w.code == "unclosed_quote"]
    assert warning.span is not None and warning.span.text == "‘"
    assert result.text[warning.span.start : warning.span.end] == "‘"


def test_versions_lists_components() -> None:
    v = Analyzer(FakeParser()).versions()
    assert set(v) >= {"attribution", "stanza", "torch", "models"} and "library" not in v


@pytest.mark.model
@pytest.mark.shared
def test_real_models_on_the_seed() -> None:
    seed = shared_dir() / "examples" / "gantz-morocco.txt"
    if not seed.exists():
        pytest.skip(f"needs {seed}")
    text = seed.read_text(encoding="utf-8")
    analyzer = Analyzer()
    analyzer.load()
    result = analyzer.analyze(text)
    assert len(result.attributions) >= 10
    for start, end, t in spans(result):
        assert text[start:end] == t
    names = " | ".join(s.name for s in result.speakers)
    for alias in ("Maddy-Weitzman", "Ghali", "Ratio Petroleum"):
        assert alias in names


class SlowParser(FakeParser):
    """A parser that takes longer than the budget allows."""

    def __call__(self, text: str) -> ParsedDocument:
        time.sleep(0.05)
        return super().__call__(text)


def test_budget_is_enforced_after_parsing() -> None:
    text = (
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence."
    )
    with pytest.raises(BudgetExceeded, match="parse") as err:
        Analyzer(SlowParser(MADDY)).analyze(text, budget=0.01)
    assert err.value.budget == 0.01
    assert Analyzer(SlowParser(MADDY)).analyze(text, budget=30).attributions


# ---------------------------------------------------------------- parse, then assemble

#: :data:`TEXT` with scraping damage the repair removes: a no-break space, a soft
#: hyphen and a zero-width space (the repaired text is :data:`TEXT`, offsets shifted).
DAMAGED = TEXT.replace("Israeli expert", "Israeli\u00a0expert").replace(
    "coincidence", "co\u00adinci\u200bdence"
)


class RecordingParser(FakeParser):
    """Keep every text it is given."""

    def __init__(self, *sentences: str) -> None:
        super().__init__(*sentences)
        self.texts: list[str] = []

    def __call__(self, text: str) -> ParsedDocument:
        self.texts.append(text)
        return super().__call__(text)


def test_parse_repairs_then_parses_and_assemble_is_analyze() -> None:
    parser = RecordingParser(MADDY, HE_SAID)
    analyzer = Analyzer(parser, model=False)
    repaired, parsed, cuts = analyzer.parse(DAMAGED)
    assert isinstance(repaired, RepairResult) and isinstance(parsed, ParsedDocument)
    assert repaired.original == DAMAGED and repaired.text == TEXT and repaired.changed
    assert {r.kind for r in repaired.repairs} == {"char"}
    # The parser read the repaired text (headings blanked: none here).
    assert parser.texts == [repaired.nlp_text] and parsed.text == TEXT
    assert cuts == ()
    result = assemble(repaired, parsed, model=None)
    assert result == analyzer.analyze(DAMAGED)
    assert result.text == DAMAGED and len(result.attributions) == 2
    for start, end, text in spans(result):
        assert DAMAGED[start:end] == text


def test_parse_without_repair_reads_the_text_as_it_is() -> None:
    parser = RecordingParser(MADDY, HE_SAID)
    analyzer = Analyzer(parser, model=False)
    repaired, parsed, cuts = analyzer.parse(TEXT, repair=False, deadline=Deadline(30))
    assert repaired.original == repaired.text == TEXT
    assert repaired.repairs == () and repaired.offsets.is_identity
    assert parser.texts == [TEXT] and cuts == ()
    result = assemble(repaired, parsed, model=None)
    assert result == analyzer.analyze(TEXT, options={"repair": False})
    assert result == analyzer.analyze(TEXT)  # nothing to repair: the same analysis


class CuttingParser(FakeParser):
    """Report the first sentence as cut, as the Stanza parser does for a long one."""

    def __call__(self, text: str) -> ParsedDocument:
        parsed = super().__call__(text)
        first = parsed.sentences[0]
        watch = guard.current()
        assert watch is not None
        watch.cuts.append(SentenceCut(first.start, first.end, len(first.tokens), 2))
        return parsed


def test_parse_returns_the_sentences_the_parser_cut() -> None:
    analyzer = Analyzer(CuttingParser(MADDY, HE_SAID), model=False)
    repaired, parsed, cuts = analyzer.parse(TEXT)
    first = parsed.sentences[0]
    assert cuts == (SentenceCut(first.start, first.end, 17, 2),)
    result = assemble(repaired, parsed, cuts=cuts)
    assert result == analyzer.analyze(TEXT)
    (warning,) = [w for w in result.warnings if w.code == "long_sentence"]
    assert warning.span is not None and warning.span.start == first.start
    # Without the cuts the same analysis has no such warning.
    plain = assemble(repaired, parsed)
    assert not [w for w in plain.warnings if w.code == "long_sentence"]
    assert plain.attributions == result.attributions


def test_parse_with_a_spent_budget_names_the_repair() -> None:
    parser = RecordingParser(MADDY, HE_SAID)
    with pytest.raises(BudgetExceeded, match="repair") as err:
        Analyzer(parser).parse(TEXT, deadline=Deadline(-1.0))
    assert err.value.stage == "repair" and err.value.budget == -1.0
    assert parser.texts == []  # never parsed


class SpendingParser(FakeParser):
    """Spend the budget of ``clock`` while parsing."""

    def __init__(self, clock: Deadline, *sentences: str) -> None:
        super().__init__(*sentences)
        self.clock = clock

    def __call__(self, text: str) -> ParsedDocument:
        self.clock.end = time.monotonic() - 1.0
        return super().__call__(text)


@pytest.mark.parametrize("repair", [True, False])
def test_parse_with_the_budget_spent_while_parsing_names_the_parse(repair: bool) -> None:
    clock = Deadline(30.0)
    parser = SpendingParser(clock, MADDY, HE_SAID)
    with pytest.raises(BudgetExceeded, match="parse") as err:
        Analyzer(parser).parse(TEXT, repair=repair, deadline=clock)
    assert err.value.stage == "parse" and err.value.budget == 30.0
    assert parser.calls == 1
