"""Benchmark the bundled Stanza pipeline: load time, tokens per second, peak RSS.

Usage: ``python benchmarks/bench_parser.py [--threads 1,2] [--polnear-limit N] [--models DIR]``

Each thread count runs in a fresh interpreter so load time and peak RSS are
those of a cold process. Texts: the seed article and the PolNeAR dev texts
(when ``../shared`` is present). Run on a quiet machine: concurrent training
or tests on the same cores slow parsing many times over.
Goals (issue 2): >= 2,000 tokens/s at 2 threads, load < 3 s, RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from attribution.settings import shared_dir  # noqa: E402

SHARED = shared_dir()


def texts(limit: int | None) -> dict[str, list[str]]:
    out = {}
    seed = SHARED / "examples" / "gantz-morocco.txt"
    if seed.exists():
        out["seed"] = [seed.read_text(encoding="utf-8")]
    dev = sorted((SHARED / "data" / "polnear" / "dev" / "text").glob("*.txt"))
    if dev:
        out["polnear-dev"] = [p.read_text(encoding="utf-8") for p in dev[:limit]]
    return out


def worker(threads: int, limit: int | None) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    from attribution.nlp.stanza_parser import ParserConfig, StanzaParser

    parser = StanzaParser(ParserConfig.from_env(threads=threads))
    parser.load()
    result: dict[str, object] = {"threads": threads, "load_s": time.perf_counter() - t0}
    parser("Warm up the pipeline with one sentence.")
    for name, docs in texts(limit).items():
        tokens = 0
        t1 = time.perf_counter()
        for doc in docs:
            tokens += sum(len(s.tokens) for s in parser(doc).sentences)
        elapsed = time.perf_counter() - t1
        result[name] = {
            "docs": len(docs),
            "tokens": tokens,
            "seconds": elapsed,
            "tok_per_s": tokens / elapsed,
        }
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--threads", default="1,2")
    ap.add_argument(
        "--polnear-limit", type=int, default=None, help="parse only the first N dev texts"
    )
    ap.add_argument("--models", help="benchmark a bundle-format models folder instead")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.polnear_limit)))
        return 0
    header = ("threads", "load s", "seed tok/s", "polnear tok/s", "tokens", "RSS MB")
    widths = (7, 7, 11, 14, 8, 7)
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for n in (int(x) for x in args.threads.split(",")):
        cmd = [sys.executable, __file__, "--worker", str(n)]
        if args.polnear_limit:
            cmd += ["--polnear-limit", str(args.polnear_limit)]
        env = {**os.environ, **({"ATTRIBUTION_MODELS_DIR": args.models} if args.models else {})}
        run = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        r = json.loads(run.stdout)
        seed = r.get("seed", {}).get("tok_per_s", float("nan"))
        pol = r.get("polnear-dev", {})
        print(
            f"{n:>7} {r['load_s']:>7.2f} {seed:>11.0f} {pol.get('tok_per_s', float('nan')):>14.0f}"
            f" {pol.get('tokens', 0):>8} {r['peak_rss_mb']:>7.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
