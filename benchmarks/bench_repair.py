"""Benchmark the repair stage (issues 3 and 10): warm throughput, cold start, worst cases.

Run: ``python benchmarks/bench_repair.py``. Uses the seed article and the
PolNeAR texts when ``../shared`` (or ``$ATTRIBUTION_SHARED``) exists, otherwise a built-in
damaged sample. The worst cases (issue 10) are 100,000-character inputs built to
make the splitter work hardest: one 5,000-letter token, thousands of distinct
unknown 40-letter tokens, thousands of distinct runs of glued common words
(every one segmented by dynamic programming), no space at all. Each is timed
cold (per-token caches cleared).
Targets: at least 200,000 characters per second warm, under 1 s cold start,
every worst case of 100,000 characters under 1 s.
"""

from __future__ import annotations

import random
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from attribution.settings import shared_dir  # noqa: E402

SHARED = shared_dir()
SEED = SHARED / "examples" / "gantz-morocco.txt"
POLNEAR_GLOB = "data/polnear/*/text/*.txt"
SAMPLE = (
    "Israel link Defence Ministerlink Benny Gantz heads Tuesday to Moroccolink on a visitlink "
    "that will formalise cooperationbetween the two countries, officials say.\n"
    "The USpresident said theMoroccans were keen onshowing everybody,and the West.\n"
)
REPEATS = 5
TARGET_CHARS_PER_S = 200_000
TARGET_COLD_S = 1.0
TARGET_WORST_S = 1.0
WORST_CHARS = 100_000
RUN_WORDS = ("the", "company", "had", "regards", "as", "an", "central", "bank", "said", "there")
COLD_RUNS = 3
COLD_CODE = (
    "import sys, time; t = time.perf_counter(); "
    "from attribution.repair import repair_text; "
    "repair_text(open(sys.argv[1], encoding='utf-8').read()); "
    "print(time.perf_counter() - t)"
)


def _throughput(texts: list[str], repair: Callable[[str], object]) -> float:
    """Return the best characters per second of ``repair`` over ``texts`` in ``REPEATS`` runs."""
    chars = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for text in texts:
            repair(text)
        best = min(best, time.perf_counter() - start)
    return chars / best


def _cold_start(path: Path) -> tuple[float, float]:
    """Return (process wall time, import + first repair time) for a fresh interpreter."""
    walls, inner = [], []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_CODE, str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        walls.append(time.perf_counter() - start)
        inner.append(float(out.stdout.strip()))
    return min(walls), min(inner)


def _worst_cases() -> dict[str, str]:
    """Return the pathological inputs of about ``WORST_CHARS`` characters, by name."""
    rng = random.Random(0)
    letters = string.ascii_lowercase
    unknown = " ".join("".join(rng.choices(letters, k=40)) for _ in range(WORST_CHARS // 41))
    runs = " ".join("".join(rng.choices(RUN_WORDS, k=4)) for _ in range(WORST_CHARS // 15))
    return {
        "one 5,000-letter token": ("The firm said " + "thecompanyhadlink" * 300)[:5_000] + ".",
        "unknown 40-letter tokens": unknown[:WORST_CHARS],
        "distinct glued runs + link": runs.replace("bank ", "banklink ")[:WORST_CHARS],
        "no space at all": "".join(rng.choices(letters, k=WORST_CHARS)),
    }


def _worst(repair: Callable[[str], object]) -> None:
    """Print the cold wall and CPU time of each worst case (the splitter's caches cleared)."""
    from attribution.repair.glue import propose_splits, segment

    for name, text in _worst_cases().items():
        segment.cache_clear()
        propose_splits.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        repair(text)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"worst {name:<28} {len(text):>9} chars  {took:>10.3f} s  (CPU {cpu:.3f} s)")


def main() -> int:
    """Print warm throughput and cold-start time; return 0."""
    sys.path.insert(0, str(REPO))
    from attribution.repair import repair_text

    seed = SEED.read_text("utf-8") if SEED.is_file() else SAMPLE
    repair_text(seed)  # warm up: load the word list and compile the patterns
    cases = {"damaged seed, per article": [seed] * 20, "damaged seed x50, one text": [seed * 50]}
    clean = sorted(SHARED.glob(POLNEAR_GLOB)) if SHARED.is_dir() else []
    if clean:
        cases["clean PolNeAR train+dev"] = [p.read_text("utf-8") for p in clean]
    for name, texts in cases.items():
        rate = _throughput(texts, repair_text)
        chars = sum(len(t) for t in texts)
        print(f"warm  {name:<28} {chars:>9} chars  {rate:>12,.0f} chars/s")
    _worst(repair_text)
    with tempfile.TemporaryDirectory() as tmp:
        seed_path = Path(tmp) / "seed.txt"
        seed_path.write_text(seed, encoding="utf-8")
        wall, inner = _cold_start(seed_path)
    print(f"cold  interpreter + import + first repair   {wall:.3f} s (best of {COLD_RUNS})")
    print(f"cold  import + first repair (in process)     {inner:.3f} s")
    print(
        f"targets: >= {TARGET_CHARS_PER_S:,} chars/s warm, < {TARGET_COLD_S} s cold start, "
        f"< {TARGET_WORST_S} s per worst case"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
