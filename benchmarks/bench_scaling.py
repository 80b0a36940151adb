"""Time and peak memory of a whole analysis against the text's length, for hostile texts too.

Usage: ``python benchmarks/bench_scaling.py [--sizes 1000,5000,10000,30000,100000]
[--kinds prose,unpunctuated,quote_run,quote_mix] [--threads 1] [--timeout 300]``

Each kind of text runs in a fresh interpreter (models loaded once, sizes in
increasing order, so peak RSS is that of the largest size so far). A size that
takes longer than ``--timeout`` seconds stops its kind. Kinds:

* ``prose``: the PolNeAR dev texts (``../shared``) joined by blank lines, else a
  bundled news paragraph repeated;
* ``unpunctuated``: the prose's words in lower case on one line, no punctuation at all
  (with capitals, the tokenizer still finds sentences);
* ``quote_run``: nothing but ``"`` marks;
* ``quote_mix``: the prose's words, one unbalanced quote mark (``"``, ``“``, ``”``)
  next to every other word on average.

Goal (issue 10): time roughly linear in length (100k no more than ~15x 10k),
and hostile texts no worse than 2-3x prose of the same length.

Measured on the shared 2-core development machine (load 2-5 from other work,
so compare columns rather than seconds), one torch thread, ``Analyzer.analyze``
seconds and, in brackets, times prose of the same length:

Before (e11dea5, sentences parsed whole; "killed": over 120 s)::

    kind            1k           5k            10k             30k     100k
    prose           0.4          0.9           1.6             5.5     16.7
    unpunctuated    0.2 (0.6x)   1.5 (1.7x)    13.3 (8.5x)     killed  killed
    quote_run       3.2 (8.2x)   killed        killed          killed  killed
    quote_mix       0.4 (1.0x)   4.2 (4.7x)    116.9 (75x)     killed  killed

After (sentences cut at 200 words, runs of marks flat, stretches and chunks)::

    kind            1k           5k            10k             30k           100k
    prose           0.4          0.9           1.9             5.8           20.2
    unpunctuated    0.5 (1.3x)   1.3 (1.4x)    2.1 (1.1x)      6.5 (1.1x)    23.6 (1.2x)
    quote_run       0.1 (0.3x)   0.4 (0.5x)    1.0 (0.5x)      3.0 (0.5x)    10.6 (0.5x)
    quote_mix       0.4 (1.2x)   1.3 (1.4x)    3.1 (1.6x)      11.3 (2.0x)   32.9 (1.6x)

    100k / 10k: prose 10.4x, unpunctuated 11.2x, quote_run 10.7x, quote_mix 10.7x
    peak RSS at 100k: 571-735 MB (before: 888 MB at 10k quote_mix)
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KINDS = ("prose", "unpunctuated", "quote_run", "quote_mix")
SIZES = (1_000, 5_000, 10_000, 30_000, 100_000)
PARAGRAPH = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a "
    "coincidence. “It’s possible that they were keen on this,” he said, adding that the "
    "talks had been planned for months. The ministry declined to comment on the report, "
    "which cited two officials familiar with the matter. According to the officials, the "
    "agreement would be signed next week in Rabat."
)


def prose(size: int) -> str:
    """Return ``size`` characters of news text (PolNeAR dev when present)."""
    from attribution.settings import shared_dir

    files = sorted((shared_dir() / "data" / "polnear" / "dev" / "text").glob("*.txt"))
    parts = [p.read_text(encoding="utf-8").strip() for p in files] or [PARAGRAPH]
    text = ""
    while len(text) < size:
        text += "\n\n".join(parts) + "\n\n"
    return text[:size]


def make_text(kind: str, size: int) -> str:
    """Return ``size`` characters of text of ``kind``."""
    if kind == "prose":
        return prose(size)
    if kind == "quote_run":
        return '"' * size
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", prose(size * 2))]
    if kind == "unpunctuated":
        return " ".join(words)[:size]
    if kind == "quote_mix":
        rng = random.Random(10)
        marks = ('"', "“", "”")
        out = []
        for w in words:
            if rng.random() < 0.5:
                m = rng.choice(marks)
                w = m + w if rng.random() < 0.5 else w + m
            out.append(w)
        return " ".join(out)[:size]
    raise ValueError(f"unknown kind {kind!r}")


def worker(kind: str, sizes: list[int], threads: int) -> None:
    """Analyse each size of ``kind`` once; print one JSON line per size."""
    from attribution.nlp.stanza_parser import get_parser
    from attribution.pipeline import Analyzer
    from attribution.types import ParsedDocument

    parser = get_parser(threads=threads)
    parser.load()
    spent = [0.0, 0]

    class Timed:
        """The shared parser, timing each parse."""

        def __call__(self, text: str) -> ParsedDocument:
            t = time.perf_counter()
            doc = parser(text)
            spent[0] = time.perf_counter() - t
            spent[1] = sum(len(s.tokens) for s in doc.sentences)
            return doc

    analyzer = Analyzer(Timed())
    analyzer.analyze("Warm up the pipeline with one sentence, he said.")
    for size in sizes:
        text = make_text(kind, size)
        wall, cpu = time.perf_counter(), time.process_time()
        result = analyzer.analyze(text)
        row = {
            "kind": kind,
            "chars": len(text),
            "seconds": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "parse": spent[0],
            "words": spent[1],
            "cuts": sum(w.code == "long_sentence" for w in result.warnings),
            "attributions": len(result.attributions),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        print(json.dumps(row), flush=True)


def run_kind(kind: str, sizes: list[int], threads: int, timeout: float) -> list[dict[str, object]]:
    """Run one kind in a fresh interpreter; stop it when a size runs past ``timeout``."""
    cmd = [sys.executable, __file__, "--worker", kind, "--sizes", ",".join(map(str, sizes))]
    cmd += ["--threads", str(threads)]
    rows: list[dict[str, object]] = []
    lines: queue.Queue[str | None] = queue.Queue()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        stdout = proc.stdout
        assert stdout is not None

        def pump() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        wait = timeout + 120.0  # the first size also waits for the models to load
        while True:
            try:
                line = lines.get(timeout=wait)
            except queue.Empty:
                proc.kill()
                done = len(rows)
                rows += [{"kind": kind, "chars": size, "killed": True} for size in sizes[done:]]
                print(f"{kind:>13} {sizes[done]:>7}  killed after {timeout:.0f} s", flush=True)
                break
            if line is None:
                break
            if line.startswith("{"):
                rows.append(json.loads(line))
                print(_format(rows[-1]), flush=True)
                wait = timeout
    return rows


def _format(r: dict[str, object]) -> str:
    return (
        f"{r['kind']:>13} {r['chars']:>7} {r['seconds']:>8.2f} {r['parse']:>8.2f}"
        f" {r['cpu']:>8.2f} {r['words']:>7} {r['cuts']:>5} {r['attributions']:>5}"
        f" {r['rss_mb']:>7.0f}"
    )


def summary(rows: list[dict[str, object]], sizes: list[int]) -> None:
    """Print growth (largest over 10k) and each kind over prose, size by size."""
    times = {(r["kind"], r["chars"]): r.get("seconds") for r in rows}
    kinds = list(dict.fromkeys(str(r["kind"]) for r in rows))
    print("\nseconds by kind and size (x prose)")
    print(f"{'kind':>13} " + " ".join(f"{s:>13}" for s in sizes))
    for kind in kinds:
        cells = []
        for size in sizes:
            t, base = times.get((kind, size)), times.get(("prose", size))
            if not isinstance(t, float):
                cells.append(f"{'killed':>13}")
            elif isinstance(base, float) and kind != "prose":
                cells.append(f"{t:>6.1f} ({t / base:>4.1f}x)")
            else:
                cells.append(f"{t:>13.1f}")
        print(f"{kind:>13} " + " ".join(cells))
    if 10_000 in sizes and max(sizes) > 10_000:
        top = max(sizes)
        print(f"\ngrowth {top // 1000}k / 10k (linear: {top / 10_000:.0f}x)")
        for kind in kinds:
            a, b = times.get((kind, 10_000)), times.get((kind, top))
            if isinstance(a, float) and isinstance(b, float):
                print(f"{kind:>13} {b / a:>6.1f}x")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds one size may take")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.worker:
        worker(args.worker, sizes, args.threads)
        return 0
    print(
        f"{'kind':>13} {'chars':>7} {'total s':>8} {'parse s':>8} {'cpu s':>8} {'words':>7}"
        f" {'cuts':>5} {'atts':>5} {'RSS MB':>7}"
    )
    rows: list[dict[str, object]] = []
    for kind in args.kinds.split(","):
        rows += run_kind(kind, sizes, args.threads, args.timeout)
    summary(rows, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
