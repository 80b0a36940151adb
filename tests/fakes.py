"""Stand-in analyzers with the library's interface, for tests without models.

``FakeAnalyzer`` finds quoted stretches and the word "said"; it is not an NLP
engine. With ``model=True`` it has a stand-in learned model (:data:`FAKE_MODEL`)
that claims every other attribution (``sieve: "model"``) unless the call's
options say ``"model": false``, as the library's does. Tests hand it to
``service.create_app(analyzer=...)`` or to
``attribution.cli.main(..., analyzer_factory=...)``; the gunicorn tests serve
it through ``tests/fake_wsgi.py``. Production code never imports this module.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from attribution.errors import BudgetExceeded, InputError
from attribution.records import (
    Analysis,
    Attribution,
    Cue,
    Score,
    ScoreReason,
    Speaker,
    Summary,
    TextSpan,
)

_QUOTE = re.compile(r"[\"“]([^\"”]{1,500})[\"”]")
_SAID = re.compile(r"\b(said|says|told)\b")


@dataclass(frozen=True)
class FakeModel:
    """Stands in for the learned producer: only its version is read (``meta.versions``)."""

    version: str = "fake-learned"


FAKE_MODEL = FakeModel()


class FakeAnalyzer:
    """Mimic ``attribution.pipeline.Analyzer`` with canned, cheap results.

    ``options`` holds the options of every :meth:`analyze` call, in order.
    """

    def __init__(
        self,
        parser: Any = None,
        *,
        stanza_dir: str | None = None,
        threads: int | None = None,
        load_seconds: float = 0.0,
        fail_on: str | None = None,
        slow_on: str | None = None,
        slow_seconds: float = 0.0,
        slow_cpu: bool = False,
        honour_budget: bool = True,
        model: bool = False,
    ) -> None:
        self.stanza_dir = stanza_dir
        self.use_model = model
        self.threads = threads
        self.load_seconds = load_seconds
        self.fail_on = fail_on
        self.slow_on = slow_on
        self.slow_seconds = slow_seconds
        self.slow_cpu = slow_cpu
        self.honour_budget = honour_budget
        self.load_calls = 0
        self.analyze_calls = 0
        self.budgets: list[float | None] = []
        self.options: list[Any] = []
        self.running = 0
        self.most_running = 0
        self._loaded = False

    @property
    def is_loaded(self) -> bool:
        """Say whether :meth:`load` has finished."""
        return self._loaded

    def load(self) -> None:
        """Pretend to load models, taking ``load_seconds``."""
        self.load_calls += 1
        if self.load_seconds:
            time.sleep(self.load_seconds)
        self._loaded = True

    def versions(self) -> dict[str, str]:
        """Return fixed version strings."""
        return {"attribution": "0.0.0-fake", "models": "fake"}

    def model(self) -> FakeModel | None:
        """Return the stand-in learned model, or None when the fake runs "the rules alone"."""
        return FAKE_MODEL if self.use_model else None

    def analyze(self, text: str, *, options: Any = None, budget: float | None = None) -> Analysis:
        """Return one attribution per quoted stretch; raise InputError on blank text.

        A text containing ``slow_on`` takes ``slow_seconds`` ("parsing": asleep, or
        busy in Python holding the GIL like the real engine with ``slow_cpu``),
        checking ``budget`` like the library and raising BudgetExceeded past it.
        """
        if not isinstance(text, str) or not text.strip():
            raise InputError("the text is empty: send an article with some words in it")
        if self.fail_on is not None and self.fail_on in text:
            raise RuntimeError("injected failure")
        if not self._loaded:
            self.load()
        self.analyze_calls += 1
        self.budgets.append(budget)
        self.options.append(options)
        learned = self.model() is not None and (options or {}).get("model", True)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if self.slow_on is not None and self.slow_on in text:
                limit = budget if self.honour_budget else None
                _work(self.slow_seconds, limit, cpu=self.slow_cpu)
        finally:
            self.running -= 1
        said = _SAID.search(text)
        speaker = Speaker(
            id="s1",
            name="officials",
            type="anonymous_group",
            anonymous=True,
            mentions=(TextSpan(0, min(5, len(text)), text[: min(5, len(text))]),),
        )
        attributions = []
        for i, m in enumerate(_QUOTE.finditer(text)):
            span = TextSpan(m.start(1), m.end(1), m.group(1))
            attributions.append(
                Attribution(
                    id=f"a{i + 1}",
                    kind="direct",
                    content=span,
                    quotes=(span,),
                    cue=None
                    if said is None
                    else Cue(TextSpan(said.start(), said.end(), said.group()), "say"),
                    speaker_id="s1" if i % 2 == 0 else None,
                    score=Score(40, "C", (ScoreReason("anonymous_source", -20.0, "officials"),)),
                    sieve="model" if learned and i % 2 == 1 else "dependency",
                )
            )
        return Analysis(
            text=text,
            attributions=tuple(attributions),
            speakers=(speaker,),
            summary=Summary(attributions=len(attributions)),
            warnings=(),
        )


def _work(seconds: float, budget: float | None, *, cpu: bool = False) -> None:
    """Take ``seconds`` (asleep, or computing with ``cpu``); raise BudgetExceeded past budget."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        if budget is not None and elapsed > budget:
            raise BudgetExceeded(budget, "parse")
        if cpu:
            sum(i * i for i in range(20_000))  # a few ms of pure Python
        else:
            time.sleep(min(0.01, seconds - elapsed))


def fake_rubric() -> dict[str, Any]:
    """Return a small rubric shaped like ``attribution.scoring.rubric()``."""
    return {"version": "fake", "rules": [{"rule": "anonymous_source", "points": -20}]}


class TorchAnalyzer(FakeAnalyzer):
    """A fake that loads and runs a small torch model, to exercise torch in workers.

    Used to show the gunicorn scheme is fork-safe with torch's thread pools in
    play, without needing the Stanza models.
    """

    def load(self) -> None:
        """Import torch, set its threads and build a small model."""
        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        torch.manual_seed(0)
        self._torch = torch
        self._model = torch.nn.Sequential(
            torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.Linear(512, 8)
        )
        self._model.eval()
        super().load()

    def analyze(self, text: str, *, options: Any = None, budget: float | None = None) -> Analysis:
        """Run the model once (real intra-op work), then answer like the fake."""
        result = super().analyze(text, options=options, budget=budget)
        with self._torch.no_grad():
            self._model(self._torch.randn(256, 256)).sum().item()
        return result

    def versions(self) -> dict[str, str]:
        """Report the torch version and its intra-op thread count too."""
        return {
            **super().versions(),
            "torch": str(self._torch.__version__),
            "torch_threads": str(self._torch.get_num_threads()),
        }
