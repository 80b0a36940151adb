"""Benchmark what the engine adds to the parse: repair, sieves, coref, hedges, score, summary.

Usage: ``python benchmarks/bench_engine.py [--polnear-limit N] [--repeat R]``

Each article is parsed once; then the whole :class:`Analyzer` runs on it with
a parser that replays the stored parse, so the time measured is the engine's
own: the rules alone, then the rules with the learned model. Prints parse
time, both engine times and their shares of the parse time. Goals: the rule
engine adds at most 15% to the parse time (issue 4); the learned model at most
10% more (issue 11).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attribution.settings import shared_dir  # noqa: E402

SHARED = shared_dir()

from attribution.nlp.stanza_parser import get_parser  # noqa: E402
from attribution.pipeline import Analyzer  # noqa: E402
from attribution.types import ParsedDocument  # noqa: E402


class Replay:
    """A parser that returns parses computed beforehand."""

    def __init__(self, parses: dict[str, ParsedDocument]) -> None:
        self.parses = parses

    def __call__(self, text: str) -> ParsedDocument:
        return self.parses[text]


def articles(limit: int | None) -> dict[str, str]:
    out = {"seed": (SHARED / "examples" / "gantz-morocco.txt").read_text(encoding="utf-8")}
    for p in sorted((SHARED / "data" / "polnear" / "dev" / "text").glob("*.txt"))[:limit]:
        out[p.stem] = p.read_text(encoding="utf-8")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--polnear-limit", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"error: {SHARED} not found (needs the seed and PolNeAR dev texts)", file=sys.stderr)
        return 2
    parser = get_parser()
    parser.load()
    recorder: dict[str, ParsedDocument] = {}

    class Recorder:
        def __call__(self, text: str) -> ParsedDocument:
            recorder[text] = parser(text)
            return recorder[text]

    parse_s = 0.0
    texts = articles(args.polnear_limit)
    recording = Analyzer(Recorder(), model=False)
    for text in texts.values():
        t0 = time.perf_counter()
        recording.analyze(text)
        parse_s += time.perf_counter() - t0
    rules = _best(Analyzer(Replay(recorder), model=False), texts.values(), args.repeat)
    with_model = Analyzer(Replay(recorder), model=True)
    with_model.model()  # loaded before timing
    learned = _best(with_model, texts.values(), args.repeat)
    # parse_s included one engine run; take it out to get the parse alone.
    parse_only = parse_s - rules
    tokens = sum(len(d.tokens) for d in recorder.values())
    print(f"articles {len(texts)}, tokens {tokens}")
    print(f"parse      {parse_only:8.2f} s  ({tokens / parse_only:,.0f} tokens/s)")
    print(f"rules      {rules:8.2f} s  (repair + quotes + sieves + coref + hedges + score)")
    print(f"+ model    {learned:8.2f} s  (the same with the learned attribution model)")
    print(f"rules / parse = {100 * rules / parse_only:.1f}%  (goal <= 15%)")
    added = learned - rules
    print(f"model adds {added:.2f} s = {100 * added / parse_only:.1f}% of the parse  (goal <= 10%)")
    return 0


def _best(analyzer: Analyzer, texts: Iterable[str], repeat: int) -> float:
    """Return the best of ``repeat`` timed runs of ``analyzer`` over ``texts``."""
    texts = list(texts)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            analyzer.analyze(text)
        best = min(best, time.perf_counter() - t0)
    return best


if __name__ == "__main__":
    sys.exit(main())
