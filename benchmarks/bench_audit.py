"""Throughput of ``attribution audit`` over PolNeAR train texts: local workers and a TCP cluster.

Usage::

    python benchmarks/bench_audit.py [--articles 200] [--workers 1,2] [--no-tcp]
        [--rules-only] [--no-record]

The first ``--articles`` PolNeAR train texts (``$ATTRIBUTION_SHARED/data/polnear``),
with their outlet, date and author from ``metadata.tsv``, go into a JSON Lines
archive, and the same audit runs, each in a fresh output folder:

- ``local-N``: ``attribution audit --workers N`` (a ``LocalCluster`` of N worker
  processes, one torch thread each) for each N of ``--workers``;
- ``tcp-2``: a ``dask scheduler`` and two ``dask worker`` processes (one thread
  each) started as separate processes on loopback TCP, and
  ``attribution audit --scheduler tcp://127.0.0.1:PORT``: the cluster path.

For each run: wall time of the command, the run's own figures from
``_audit/runs.jsonl`` (time until the workers had loaded the models, articles,
words), articles/s over the whole run and after start-up (the rate an archive
of a million articles sees), and each worker's peak RSS. The scaling ratio is
the after-start-up rate of the largest local run over the 1-worker run. A
million articles per worker-core is estimated from the 1-worker rate.

A JSON record goes to ``benchmarks/results/audit-<time>.json`` with the load
average before and after: the figures mean something only on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from attribution.settings import shared_dir  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
MILLION = 1_000_000
QUIET: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def write_archive(limit: int, path: Path) -> int:
    """Write the first ``limit`` PolNeAR train texts as JSON Lines; return how many."""
    polnear = shared_dir() / "data" / "polnear"
    texts = sorted((polnear / "train" / "text").glob("*.txt"))[:limit]
    if not texts:
        raise SystemExit(f"no PolNeAR train texts under {polnear} (set ATTRIBUTION_SHARED)")
    meta: dict[str, dict[str, str]] = {}
    with (polnear / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            meta[row["filename"]] = row
    with path.open("w", encoding="utf-8") as out:
        for text in texts:
            row = meta.get(text.stem, {})
            record = {
                "id": text.stem,
                "text": text.read_text(encoding="utf-8"),
                "outlet": row.get("publisher"),
                "published": row.get("publication_date"),
                "author": row.get("author"),
            }
            out.write(json.dumps(record) + "\n")
    return len(texts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def audit(archive: Path, out: Path, extra: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``attribution audit`` in a fresh process; return its figures."""
    command = [str(BIN / "attribution"), "audit", str(archive), "--out", str(out), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command + extra, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"audit failed ({done.returncode}): {done.stderr[-2000:]}")
    run = [json.loads(line) for line in (out / "_audit" / "runs.jsonl").read_text().splitlines()]
    record = run[-1]
    done_articles = record["articles"] + record["errors"]
    steady = record["seconds"] - record.get("startup_seconds", 0.0)
    return {
        "wall_seconds": round(wall, 2),
        "run_seconds": record["seconds"],
        "startup_seconds": record.get("startup_seconds"),
        "articles": record["articles"],
        "errors": record["errors"],
        "words": record["words"],
        "workers": record["workers"],
        "articles_per_second": round(done_articles / record["seconds"], 3),
        "articles_per_second_after_startup": round(done_articles / steady, 3) if steady else None,
        "peak_rss_mb": {str(f["worker"]): f.get("max_rss_mb") for f in record["worker_figures"]},
    }


def tcp_cluster(env: dict[str, str], workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """Start ``dask scheduler`` and ``workers`` ``dask worker`` processes on loopback TCP."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port)]
    processes = [subprocess.Popen([*scheduler, "--no-dashboard"], env=env, **QUIET)]
    time.sleep(3)
    for index in range(workers):
        worker = [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1"]
        worker += ["--name", f"tcp-{index}", "--no-dashboard", "--host", "127.0.0.1"]
        processes.append(subprocess.Popen(worker, env=env, **QUIET))
    return address, processes


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", default="1,2", help="local worker counts, e.g. 1,2")
    parser.add_argument("--no-tcp", action="store_true", help="skip the scheduler/worker run")
    parser.add_argument("--rules-only", action="store_true", help="without the learned model")
    parser.add_argument("--no-record", action="store_true", help="do not write a JSON record")
    args = parser.parse_args()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "ATTRIBUTION_THREADS": "1"}
    extra = ["--rules-only"] if args.rules_only else []
    load_before = os.getloadavg()
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        archive = Path(tmp) / "polnear.jsonl"
        count = write_archive(args.articles, archive)
        print(f"{count} PolNeAR train texts; load average {load_before[0]:.1f}", flush=True)
        for workers in [int(w) for w in args.workers.split(",") if w]:
            runs[f"local-{workers}"] = audit(
                archive, Path(tmp) / f"local-{workers}", [*extra, "--workers", str(workers)], env
            )
            print(f"local-{workers}: {json.dumps(runs[f'local-{workers}'])}", flush=True)
        if not args.no_tcp:
            address, processes = tcp_cluster(env, 2)
            try:
                runs["tcp-2"] = audit(
                    archive, Path(tmp) / "tcp", [*extra, "--scheduler", address], env
                )
            finally:
                stop(processes)
            print(f"tcp-2: {json.dumps(runs['tcp-2'])}", flush=True)
        shutil.rmtree(Path(tmp) / "local-1", ignore_errors=True)
    summary = summarise(runs)
    for key, value in summary.items():
        print(f"{key}: {value}")
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "articles": count,
        "rules_only": args.rules_only,
        "runs": runs,
        **summary,
    }
    if not args.no_record:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = RESULTS / f"audit-{stamp}.json"
        path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"record: {path.relative_to(ROOT)}")


def summarise(runs: dict[str, Any]) -> dict[str, Any]:
    """Return the scaling ratio and the million-article estimate per worker-core."""
    local = sorted((int(k.split("-")[1]), v) for k, v in runs.items() if k.startswith("local-"))
    out: dict[str, Any] = {}
    if local and local[0][0] == 1:
        one = local[0][1]["articles_per_second_after_startup"]
        out["per_worker_core_articles_per_second"] = one
        if one:
            out["million_articles_hours_per_worker_core"] = round(MILLION / one / 3600, 1)
        if len(local) > 1 and one:
            most, figures = local[-1]
            ratio = figures["articles_per_second_after_startup"] / one
            out[f"scaling_1_to_{most}"] = round(ratio, 2)
    return out


if __name__ == "__main__":
    main()
