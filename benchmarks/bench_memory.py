"""Peak memory of one process running the whole engine on a stream of articles (issue 13).

Usage::

    python benchmarks/bench_memory.py [--articles 30] [--rounds 2]
        [--configs default,untrimmed,untuned,jemalloc]
        [--no-record]

Each configuration runs in a fresh process with one torch thread: it loads
everything a service worker loads (:meth:`Analyzer.load`: the parser, the
learned attribution model, the mention typer, the word lists), analyses the
seed article once, then the first ``--articles`` PolNeAR dev texts, then the
seed article 7 times (warm latency, median). The peak RSS reported is the
kernel's high-water mark (``VmHWM``) at the end, with what loading took
apart. The configurations take turns, ``--rounds`` times, and the peak is
the largest a round saw:

- ``default``: as shipped;
- ``untrimmed``: without :func:`attribution.nlp.levers.trim_heap` (the heap's
  free pages kept between articles);
- ``untuned``: without :func:`attribution.nlp.levers.tune_malloc` (glibc's
  own thresholds);
- ``jemalloc``: as shipped, with jemalloc preloaded (``LD_PRELOAD``) instead of
  glibc's malloc, as the ``Dockerfile`` runs the service; left out where no
  ``libjemalloc.so.2`` is installed (Debian: ``apt-get install libjemalloc2``).

The issue's target is a peak of 500 MB at most. The figures before issue 13's
memory work (each component's own copy of the word vectors, Stanza's training
optimizers importing ``torch._dynamo``, wordfreq's dict) are in the README
and the CHANGELOG; that code is gone, so it is not rerun here. A JSON record
goes to ``benchmarks/results/memory-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONFIGS = ("default", "untrimmed", "untuned", "jemalloc")
#: Where Debian and Ubuntu put jemalloc (``libjemalloc2``), by architecture.
JEMALLOC = (
    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
    "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
)


def worker(config: str, limit: int) -> dict[str, Any]:
    """Load the engine, analyse the stream and the seed; report times and memory."""
    import torch

    from attribution.nlp.stanza_parser import ParserConfig, StanzaParser
    from attribution.pipeline import Analyzer
    from benchmarks.bench_throughput import articles, median_ms, peak_rss_mb, proc_status_mb

    torch.set_num_threads(1)
    seed, texts = articles(limit)
    parser = StanzaParser(
        ParserConfig(threads=1, tune_malloc=config != "untuned", trim_heap=config != "untrimmed")
    )
    analyzer = Analyzer(parser)
    t0 = time.perf_counter()
    analyzer.load()
    load_s = time.perf_counter() - t0
    loaded = round(peak_rss_mb())
    analyzer.analyze(seed)
    w0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        analyzer.analyze(text)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    seed_ms = median_ms(analyzer.analyze, seed, 7)
    return {
        "load_s": round(load_s, 2),
        "peak_after_load_mb": loaded,
        "peak_mb": round(peak_rss_mb()),
        "rss_end_mb": round(proc_status_mb("VmRSS") or 0),
        "stream_wall_s": round(wall, 2),
        "stream_cpu_s": round(cpu, 2),
        "seed_p50_ms": round(seed_ms),
        "heap_trims": parser.trims,
    }


def jemalloc() -> str | None:
    """Return the path of an installed jemalloc, or ``None``."""
    return next((p for p in JEMALLOC if Path(p).is_file()), None)


def run_one(config: str, limit: int) -> dict[str, Any]:
    env = {**os.environ, "ATTRIBUTION_THREADS": "1"}
    if config == "jemalloc":
        env["LD_PRELOAD"] = " ".join(filter(None, [env.get("LD_PRELOAD"), jemalloc()]))
    cmd = [sys.executable, __file__, "--worker", config, "--articles", str(limit)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{config} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--articles", type=int, default=30)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--configs", default=",".join(CONFIGS))
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-record", action="store_true")
    a = p.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.articles)))
        return 0
    configs = [c for c in a.configs.split(",") if c]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        p.error(f"unknown configurations: {', '.join(sorted(unknown))}")
    if "jemalloc" in configs and jemalloc() is None:
        print("jemalloc left out: no libjemalloc.so.2 installed (apt-get install libjemalloc2)")
        configs.remove("jemalloc")
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in configs}
    for r in range(a.rounds):
        for c in configs if r % 2 == 0 else reversed(configs):
            runs[c].append(run_one(c, a.articles))
            print(f"round {r + 1}/{a.rounds} {c}: {runs[c][-1]}", flush=True)
    summary = {
        c: {
            "peak_mb": max(x["peak_mb"] for x in rs),
            "peak_after_load_mb": max(x["peak_after_load_mb"] for x in rs),
            "stream_cpu_s": statistics.median(x["stream_cpu_s"] for x in rs),
            "seed_p50_ms": statistics.median(x["seed_p50_ms"] for x in rs),
            "load_s": statistics.median(x["load_s"] for x in rs),
        }
        for c, rs in runs.items()
    }
    print(f"\n{a.articles} PolNeAR dev articles + the seed article, whole engine, 1 thread")
    print(f"{'config':10}{'peak MB':>9}{'after load':>12}{'stream CPU s':>14}{'seed p50 ms':>13}")
    for c, v in summary.items():
        print(
            f"{c:10}{v['peak_mb']:>9}{v['peak_after_load_mb']:>12}"
            f"{v['stream_cpu_s']:>14.1f}{v['seed_p50_ms']:>13.0f}"
        )
    print("target: peak <= 500 MB")
    if not a.no_record:
        from benchmarks.bench_throughput import write_record

        record = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
            "command": " ".join(["benchmarks/bench_memory.py", *sys.argv[1:]]),
            "summary": summary,
            "runs": runs,
        }
        print(f"record: {write_record('memory', record)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
