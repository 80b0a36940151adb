"""Benchmark the HTTP service against calling the library directly.

Starts gunicorn (repo config, 2 workers, 127.0.0.1 only) on a free port, sends a
bounded number of requests with the seed article, stops gunicorn, and prints:

* latency p50/p99 of one client, sequential requests;
* requests per second with 4 concurrent clients;
* the overhead of HTTP + validation + serialisation: the HTTP p50 against the
  p50 of ``Analyzer.analyze`` + ``dump_analysis`` called in-process, the two
  measured alternately so both see the same machine load (goal < 5%).

Usage::

    python benchmarks/bench_http.py                      # real models
    python benchmarks/bench_http.py --requests 20 --fake # no models: pure HTTP cost
                                                         # (tests/fakes.py, from a checkout)

Keep it light on shared machines: the defaults send 30 + 30 requests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
from _net import free_port, percentile  # noqa: E402

from attribution.settings import shared_dir  # noqa: E402

SEED = shared_dir() / "examples" / "gantz-morocco.txt"
REAL = "real"
#: analyzer name -> (class for the in-process side, gunicorn app); the fakes are test code.
ANALYZERS = {
    REAL: ("attribution.pipeline:Analyzer", "service.wsgi:app"),
    "fake": ("tests.fakes:FakeAnalyzer", "tests.fake_wsgi:fake()"),
    "torch": ("tests.fakes:TorchAnalyzer", "tests.fake_wsgi:torch()"),
}


def post(url: str, body: bytes) -> float:
    """POST ``body``; return the latency in ms; raise unless 200."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def direct_timer(text: str, spec: str, threads: int) -> Callable[[], float]:
    """Load the library in-process; return a function timing analyze + dump in ms."""
    from attribution.schemas import dump_analysis
    from service.engine import import_string

    analyzer = import_string(ANALYZERS[spec][0])(threads=threads)
    analyzer.load()
    analyzer.analyze(text)  # warm up

    def timed() -> float:
        started = time.perf_counter()
        dump_analysis(analyzer.analyze(text))
        return (time.perf_counter() - started) * 1000

    return timed


def start_gunicorn(port: int, workers: int, spec: str, threads: int) -> subprocess.Popen[bytes]:
    """Start gunicorn on 127.0.0.1:``port``."""
    env = {**os.environ, "ATTRIBUTION_PRELOAD": "1", "ATTRIBUTION_THREADS": str(threads)}
    env.pop("ATTRIBUTION_API_KEYS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "service/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "/dev/null", ANALYZERS[spec][1]],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until several /readyz calls in a row answer 200 (every worker loaded)."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 8:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited while starting; run it by hand to see why")
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn was not ready after {timeout:.0f}s")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                streak = streak + 1 if response.status == 200 else 0
        except OSError:
            streak = 0
            time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", type=Path, default=SEED, help="article file (seed article)")
    parser.add_argument("--requests", type=int, default=30, help="requests per phase (30)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker (1)")
    parser.add_argument("--fake", action="store_true", help="fake analyzer: no models needed")
    parser.add_argument(
        "--analyzer",
        choices=sorted(ANALYZERS),
        help="the analyzer for both sides (default: real; torch: a small torch model)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not args.article.exists():
        raise SystemExit(f"no article at {args.article}; pass --article FILE")
    text = args.article.read_text(encoding="utf-8")
    body = json.dumps({"text": text}).encode()

    spec = args.analyzer or ("fake" if args.fake else REAL)
    timed_direct = direct_timer(text, spec, args.threads)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_gunicorn(port, args.workers, spec, args.threads)
    try:
        wait_ready(base, proc, timeout=600)
        url = base + "/v1/attributions"
        for _ in range(2 * args.workers):
            post(url, body)  # warm every worker
        # Alternate direct and HTTP calls so both see the same machine load.
        lib: list[float] = []
        sequential: list[float] = []
        for _ in range(args.requests):
            lib.append(timed_direct())
            sequential.append(post(url, body))
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            concurrent = list(pool.map(lambda _: post(url, body), range(args.requests)))
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    lib_p50, http_p50 = statistics.median(lib), statistics.median(sequential)
    results = {
        "article_chars": len(text),
        "analyzer": spec,
        "workers": args.workers,
        "library_p50_ms": round(lib_p50, 2),
        "http_p50_ms": round(http_p50, 2),
        "http_p99_ms": round(percentile(sequential, 99), 2),
        "concurrent_clients": args.clients,
        "concurrent_p50_ms": round(statistics.median(concurrent), 2),
        "concurrent_p99_ms": round(percentile(concurrent, 99), 2),
        "requests_per_second": round(len(concurrent) / wall, 2),
        "overhead_ms": round(http_p50 - lib_p50, 2),
        "overhead_pct": round(100 * (http_p50 - lib_p50) / lib_p50, 1) if lib_p50 else None,
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"article: {args.article.name} ({len(text)} chars), analyzer: {results['analyzer']}, "
          f"gunicorn workers: {args.workers}, CPUs: {os.cpu_count()}")  # fmt: skip
    print(f"library direct      p50 {lib_p50:9.2f} ms")
    print(f"HTTP, 1 client      p50 {http_p50:9.2f} ms   p99 {results['http_p99_ms']:9.2f} ms")
    print(
        f"HTTP, {args.clients} clients     p50 {results['concurrent_p50_ms']:9.2f} ms   "
        f"p99 {results['concurrent_p99_ms']:9.2f} ms   {results['requests_per_second']} req/s"
    )
    pct = results["overhead_pct"]
    verdict = ""
    if pct is not None and spec == REAL:
        verdict = "  (goal < 5%: met)" if pct < 5 else "  (goal < 5%: MISSED)"
    print(f"HTTP + serialisation overhead: {results['overhead_ms']} ms = {pct}%{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
