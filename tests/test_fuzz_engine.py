"""Hypothesis over ``Analyzer.analyze`` with hostile text: no crash, every span valid.

Texts: unbalanced and flooded quote marks, one very long line with no
punctuation, right-to-left text and direction overrides, emoji sequences, NUL
and other controls, lone surrogates, and deeply nested HTML through
:func:`attribution.html.html_to_text`. The only error allowed is
:class:`~attribution.errors.InputError` (blank text, or an unpaired surrogate:
the library refuses text that is not valid Unicode, as the HTTP API does), and
every span of the result must satisfy ``span.text == submitted[start:end]``.

The default run uses a flat model-free parser (``tests/_flat_parser.py``); the
``model`` variant runs the bundled models on a few dozen texts with a time
budget and checks each call ends within the budget plus one second.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest
from _flat_parser import FlatParser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from attribution.errors import BudgetExceeded, InputError
from attribution.html import html_to_text
from attribution.pipeline import Analyzer
from attribution.records import Analysis, TextSpan

QUOTES = "\"'“”„‟«»‹›‘’‚‛「」『』＂`"
RTL = ["שלום", "אמר", "مرحبا بالعالم", "قال", "\u202e", "\u202d", "\u202b", "\u200f", "\u2067"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "\ufe0f", "\u200d"]
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff"]
WORDS = [
    "the", "minister", "said", "told", "reporters", "according to", "officials", "Gantz",
    "Smith", "SMITH:", "allegedly", "declined to comment", "would not", "it is understood",
]  # fmt: skip
SEPARATORS = [" ", "", "\n", "\n\n", ". ", ", ", ": ", " — ", "?", "\t", "\r\n"]
SURROGATES = ["\ud800", "\udfff", "\udc80"]


def _flood(mark: str, n: int) -> str:
    return mark * n


def _line(words: list[str]) -> str:
    return " ".join(words)


pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(list(QUOTES)),
    st.builds(_flood, st.sampled_from(list(QUOTES)), st.integers(1, 600)),
    st.lists(st.sampled_from(WORDS[:6]), min_size=50, max_size=450).map(_line),
    st.sampled_from(RTL + EMOJI + CONTROLS),
    st.sampled_from(SEPARATORS),
    st.text(max_size=20),
)
#: Hostile text: pieces glued together, now and then a lone surrogate.
hostile = st.lists(pieces, max_size=40).map("".join)
with_surrogate = st.tuples(hostile, st.sampled_from(SURROGATES), hostile).map("".join)


def _nest(depth: int, tags: list[str], body: str, close: bool) -> str:
    opened = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closed = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if close else ""
    return opened + body + closed


#: Deeply nested (and unclosed) HTML around hostile text.
nested_html = st.builds(
    _nest,
    st.integers(1, 3000),
    st.lists(st.sampled_from(["div", "p", "b", "q", "blockquote", "span", "li"]), min_size=1),
    hostile,
    st.booleans(),
)


def spans(value: Any) -> Iterator[TextSpan]:
    """Yield every :class:`TextSpan` inside a result record, however deep."""
    if isinstance(value, TextSpan):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from spans(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from spans(item)


def check(result: Analysis, submitted: str) -> None:
    """Every span indexes the submitted text; repairs too."""
    assert result.text == submitted
    for s in spans(result):
        assert 0 <= s.start <= s.end <= len(submitted), s
        assert submitted[s.start : s.end] == s.text, s
    for r in result.repairs:
        assert 0 <= r.start <= r.end <= len(submitted)
        assert submitted[r.start : r.end] == r.original


def run(analyzer: Analyzer, text: str, **kwargs: Any) -> Analysis | None:
    """Analyse ``text``; return ``None`` for the one error allowed, an InputError on bad text."""
    try:
        result = analyzer.analyze(text, **kwargs)
    except InputError:
        bad = not text.strip() or any("\ud800" <= ch <= "\udfff" for ch in text)
        assert bad, f"InputError on acceptable text {text[:80]!r}"
        return None
    check(result, text)
    return result


FAST = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(hostile)
@example('"' * 5_000)
@example(" ".join(["the minister said"] * 1_500))
@example("“" * 3_000 + "said Smith." + "”" * 10)
@example("\x00" * 50 + "said" + "\u202e" * 20)
def test_hostile_text_never_crashes_the_engine(text: str) -> None:
    run(Analyzer(FlatParser()), text)


@FAST
@given(with_surrogate)
def test_lone_surrogates_are_refused_clearly(text: str) -> None:
    with pytest.raises(InputError, match="unpaired surrogate"):
        Analyzer(FlatParser()).analyze(text)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(nested_html)
def test_nested_html_never_crashes_the_engine(html: str) -> None:
    mapping = html_to_text(html)
    result = run(Analyzer(FlatParser()), mapping.text)
    if result is not None:
        for s in spans(result):
            hs, he = mapping.to_html(s.start, s.end)
            assert 0 <= hs <= he <= len(html)


@FAST
@given(hostile)
def test_a_budget_is_never_overrun_by_more_than_a_second(text: str) -> None:
    started = time.perf_counter()
    try:
        run(Analyzer(FlatParser(delay=0.01)), text, budget=0.5)
    except BudgetExceeded:
        pass
    assert time.perf_counter() - started < 0.5 + 1.0


# -- the real models ---------------------------------------------------------------------

BUDGET = 8.0


@pytest.fixture(scope="module")
def real() -> Analyzer:
    analyzer = Analyzer(threads=1)  # two threads on a busy two-core machine: many times slower
    analyzer.load()
    return analyzer


@pytest.mark.model
@settings(
    max_examples=30,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.one_of(hostile, nested_html.map(lambda h: html_to_text(h).text)))
@example('"' * 20_000)
@example(" ".join(["the minister said that rules would change"] * 400))
@example("« " * 3_000 + "he said")
@example("the minister said " * 5_500)  # 99,000 characters, no punctuation: past the budget
def test_real_models_on_hostile_text_within_budget(real: Analyzer, text: str) -> None:
    started = time.perf_counter()
    try:
        run(real, text, budget=BUDGET)
    except BudgetExceeded:
        pass
    assert time.perf_counter() - started < BUDGET + 1.0
