"""Load test: `attribution serve` on loopback under N clients posting articles of mixed sizes.

Starts ``attribution serve`` (gunicorn, the repo's config, 2 workers, 127.0.0.1
only) on a free port with the real models, waits until every worker is ready,
then runs ``--clients`` clients (8) for ``--duration`` seconds (60), each
posting one article after another, sizes drawn from a fixed mix built from
the seed article (about 1k, 4k, 12k and 32k characters; ``--max-chars``
bounds them). Meanwhile a prober asks ``/healthz`` and ``/readyz`` every
``--probe-every`` seconds. It prints:

* throughput (answers per second, characters per second), latency p50/p99 of
  the answers, by status, the 5xx count and any other failure;
* the probes' latency p50/p99/max, against the Docker HEALTHCHECK's 4 s;
* each worker's resident memory (VmRSS) before and after the load.

Usage::

    python benchmarks/bench_load.py                          # 8 clients, 60 s, real models
    python benchmarks/bench_load.py --duration 20 --clients 4
    python benchmarks/bench_load.py --fake --duration 10     # no models (tests/fakes.py)

Keep it bounded on shared machines: it runs for --duration seconds after the
models load, and the article sizes are capped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
from _net import free_port, percentile  # noqa: E402

from attribution.settings import shared_dir  # noqa: E402

SEED = shared_dir() / "examples" / "gantz-morocco.txt"
#: (name, repetitions of the seed article, or a fraction of it; weight in the mix)
SIZES = [("1k", 0.25, 40), ("4k", 1, 35), ("12k", 3, 15), ("32k", 8, 10)]


def articles(seed: str, max_chars: int) -> list[tuple[str, str, int]]:
    """Return ``(name, text, weight)`` for the size mix, each text at most ``max_chars``."""
    out = []
    for name, times, weight in SIZES:
        if times < 1:
            cut = seed.rfind("\n", 0, int(len(seed) * times))
            text = seed[: cut if cut > 0 else int(len(seed) * times)]
        else:
            text = "\n\n".join([seed] * int(times))
        out.append((name, text[:max_chars], weight))
    return out


def start_server(port: int, workers: int, threads: int, fake: bool) -> subprocess.Popen[bytes]:
    """Start ``attribution serve`` (or gunicorn over the fake app) on 127.0.0.1:``port``."""
    env = {**os.environ, "ATTRIBUTION_THREADS": str(threads), "ATTRIBUTION_PRELOAD": "1"}
    env.pop("ATTRIBUTION_API_KEYS", None)
    if fake:
        command = [sys.executable, "-m", "gunicorn", "-c", "service/gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                   "--access-logfile", "/dev/null", "tests.fake_wsgi:fake()"]  # fmt: skip
    else:
        command = [sys.executable, "-m", "attribution", "serve", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", str(workers)]  # fmt: skip
        env["GUNICORN_CMD_ARGS"] = "--access-logfile /dev/null"
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, float, str]:
    """Send one request on a new connection; return (status, seconds, why).

    Status 0: no answer. ``why`` is empty for a 200, else the problem type's last
    part and, for a spent budget, where it ran out (``budget-exceeded/parse``).
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        if response.status == 200:
            return 200, seconds, ""
        try:
            problem = json.loads(data)
            why = str(problem.get("type", "?")).rsplit(":", 1)[-1]
            if "stage" in problem:
                why += "/" + str(problem["stage"]).split()[0]
        except ValueError:
            why = "not json"
        return response.status, seconds, why
    except OSError as exc:
        return 0, time.perf_counter() - started, type(exc).__name__
    finally:
        connection.close()


def wait_ready(port: int, proc: subprocess.Popen[bytes], workers: int, timeout: float) -> None:
    """Wait until several /readyz calls in a row answer 200 (every worker loaded)."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 4 * workers:
        if proc.poll() is not None:
            raise SystemExit("the server exited while starting; run it by hand to see why")
        if time.monotonic() > deadline:
            raise SystemExit(f"the server was not ready after {timeout:.0f}s")
        status, _, _ = request(port, "GET", "/readyz")
        streak = streak + 1 if status == 200 else 0
        if status != 200:
            time.sleep(0.5)


def worker_rss(master: int) -> dict[int, float]:
    """Return each gunicorn worker's resident memory in MiB (children of ``master``)."""
    out = {}
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                out[int(pid)] = int(line.split()[1]) / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--duration",
        type=float,
        default=60,
        help="seconds of load (60); then in-flight requests end",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker (1)")
    parser.add_argument("--max-chars", type=int, default=32_000, help="largest article (32000)")
    parser.add_argument("--probe-every", type=float, default=0.25, help="probe interval, s")
    parser.add_argument("--article", type=Path, default=SEED, help="seed article file")
    parser.add_argument("--fake", action="store_true", help="fake analyzer: no models needed")
    parser.add_argument("--seed", type=int, default=10, help="random seed of the size mix")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not args.article.exists():
        raise SystemExit(f"no article at {args.article}; pass --article FILE")
    mix = articles(args.article.read_text(encoding="utf-8"), args.max_chars)
    bodies = [(name, json.dumps({"text": text}).encode(), len(text)) for name, text, _ in mix]
    weights = [weight for _, _, weight in mix]

    port = free_port()
    proc = start_server(port, args.workers, args.threads, args.fake)
    answers: list[tuple[str, int, float, int]] = []  # (size, status, seconds, chars)
    failures: Counter[str] = Counter()  # "503 budget-exceeded/waiting", ...
    probes: dict[str, list[float]] = {"/healthz": [], "/readyz": []}
    probe_failures: Counter[int] = Counter()
    try:
        wait_ready(port, proc, args.workers, timeout=900)
        for _, body, _ in bodies:  # warm every worker on every size
            for _ in range(args.workers):
                request(port, "POST", "/v1/attributions", body)
        rss_before = worker_rss(proc.pid)
        stop = threading.Event()
        lock = threading.Lock()

        def client(number: int) -> None:
            rng = random.Random(args.seed * 1000 + number)
            while not stop.is_set():
                name, body, chars = rng.choices(bodies, weights)[0]
                status, seconds, why = request(port, "POST", "/v1/attributions", body)
                with lock:
                    answers.append((name, status, seconds, chars))
                    if status != 200:
                        failures[f"{status} {why} ({name})"] += 1

        def prober() -> None:
            while not stop.is_set():
                for path in probes:
                    status, seconds, _ = request(port, "GET", path)
                    if status != 200:
                        probe_failures[status] += 1
                    probes[path].append(seconds)
                stop.wait(args.probe_every)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        threads.append(threading.Thread(target=prober))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        rss_after = worker_rss(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()

    statuses = Counter(status for _, status, _, _ in answers)
    ok = [seconds for _, status, seconds, _ in answers if status == 200]
    chars = sum(c for _, status, _, c in answers if status == 200)
    by_size = {
        name: {
            "count": sum(1 for n, s, _, _ in answers if n == name and s == 200),
            "p50_ms": round(
                1000 * percentile([t for n, s, t, _ in answers if n == name and s == 200], 50)
            ),
        }
        for name, _, _ in bodies
    }
    probe_ms = [1000 * t for values in probes.values() for t in values]
    results = {
        "analyzer": "fake" if args.fake else "real",
        "clients": args.clients,
        "workers": args.workers,
        "duration_s": round(wall, 1),
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "sizes": {name: chars for name, _, chars in bodies},
        "answers": len(answers),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "no_answer": statuses.get(0, 0),
        "failures": dict(failures.most_common()),
        "requests_per_second": round(len(ok) / wall, 2),
        "chars_per_second": round(chars / wall),
        "p50_ms": round(1000 * percentile(ok, 50)),
        "p99_ms": round(1000 * percentile(ok, 99)),
        "by_size": by_size,
        "probes": len(probe_ms),
        "probe_failures": dict(probe_failures),
        "probe_p50_ms": round(percentile(probe_ms, 50), 1),
        "probe_p99_ms": round(percentile(probe_ms, 99), 1),
        "probe_max_ms": round(max(probe_ms, default=0), 1),
        "probe_mean_ms": round(statistics.fmean(probe_ms), 1) if probe_ms else 0,
        "rss_before_mib": {str(k): round(v) for k, v in rss_before.items()},
        "rss_after_mib": {str(k): round(v) for k, v in rss_after.items()},
    }
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"{results['analyzer']} analyzer, {args.workers} workers x {args.threads} torch thread, "
          f"{args.clients} clients, {results['duration_s']} s, {os.cpu_count()} CPUs, "
          f"load average at the end {results['load_average']}")  # fmt: skip
    print("sizes (chars):", ", ".join(f"{n} {c}" for n, c in results["sizes"].items()))
    print(f"answers: {len(answers)}  by status: {results['statuses']}  "
          f"5xx: {results['errors_5xx']}  no answer: {results['no_answer']}")  # fmt: skip
    if failures:
        print("  not 200:", ", ".join(f"{k}: {v}" for k, v in failures.most_common()))
    print(f"throughput: {results['requests_per_second']} req/s, "
          f"{results['chars_per_second']} chars/s")  # fmt: skip
    print(
        f"latency of 200s: p50 {results['p50_ms']} ms, p99 {results['p99_ms']} ms; by size: "
        + ", ".join(f"{n} {v['count']}x p50 {v['p50_ms']} ms" for n, v in by_size.items())
    )
    print(f"/healthz + /readyz during the load: {results['probes']} probes, p50 "
          f"{results['probe_p50_ms']} ms, p99 {results['probe_p99_ms']} ms, max "
          f"{results['probe_max_ms']} ms, failures {results['probe_failures'] or 0} "
          "(Docker HEALTHCHECK times out at 4000 ms)")  # fmt: skip
    print(
        f"worker RSS (MiB) before: {results['rss_before_mib']}  after: {results['rss_after_mib']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
