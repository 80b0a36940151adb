"""Throughput of the parser on a stream of articles, lever by lever, as ratios (issue 13).

Usage::

    python benchmarks/bench_throughput.py [--articles 30] [--rounds 3] [--quick]
        [--levers all|baseline,inference_mode,...] [--layouts 1x2,2x1]
        [--seed-runs 20] [--seed-threads 1,2] [--no-record]

Every variant parses the same articles (the seed article and the first
``--articles`` PolNeAR dev texts) in one process with one torch thread, and the
variants take turns (A B C ... then B C ... A, ``--rounds`` times), so a busy
machine slows them alike. Each lever's figure is the ratio of the baseline's
time to its own in the same round, median over rounds: ``baseline`` is the
parser as released before issue 13 (per-article calls, no inference mode, no
lemma cache, Stanza's own data steps); each lever is the baseline plus that
lever; ``default`` is the default configuration with
:meth:`~attribution.nlp.stanza_parser.StanzaParser.parse_many` over the stream;
``fast`` adds int8 quantization (the opt-in ``fast`` profile).
Wall time and CPU time are both measured; the CPU-time ratio is the steadier
one on a shared machine.

Then, unless ``--layouts ''``: throughput of the whole stream served by
``P`` processes of ``T`` torch threads each, running a configuration
(``PxT:config``: ``release``, the parser before issue 13 called per article;
``default``; ``fast``), in fresh processes that load the models (their peak RSS
is the RSS reported; the seed article's warm latency is measured in each),
interleaved over rounds; each layout's ratio is to the first one
(``1x2:release``: the release on 2 cores, as deployed). The processes take the
articles from one queue, the next free article each time one is done, as the
service's workers take requests and the audit's Dask workers take tasks; the
stream's time ends when the last article is parsed (the seed article's latency
is measured after it, outside that time). Until the eighth session each process
was dealt every P-th article beforehand, which on the 30 articles gave one of two
processes twice the other's words, and the stream's time ran on through the seed
article's five runs and the processes' exit. The best layout is printed for 2
cores, and estimated for 16 from the words per CPU-second.

Then, unless ``--seed-runs 0``: the seed article's warm latency, alone on the
machine, for each configuration (``release``, ``default``, ``fast``) loaded
side by side in one fresh process of ``T`` torch threads (``--seed-threads``,
default 1 and 2), the configurations taking turns ``--seed-runs`` times; p50
and p90 are reported. Taking turns in one process, they meet the same moments
of a machine whose speed drifts.

A JSON record (words/s, per-article p50/p95, seed p50, peak RSS, the
processors' split, every ratio) is written to ``benchmarks/results/`` and the
previous record's figures are printed beside the new ones.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from attribution.settings import shared_dir  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
LEVERS = (
    "inference_mode",
    "lemma_cache",
    "factored_scores",
    "fast_glue",
    "char_cache",
    "dense_lstm",
    "token_windows",
    "freeze_heap",
    "parse_many",
    "quantize",
)
VARIANTS = ("baseline", *LEVERS, "default", "fast")


def articles(limit: int) -> tuple[str, list[str]]:
    """Return the seed article and the first ``limit`` PolNeAR dev texts."""
    shared = shared_dir()
    seed = (shared / "examples" / "gantz-morocco.txt").read_text(encoding="utf-8")
    dev = sorted((shared / "data" / "polnear" / "dev" / "text").glob("*.txt"))[:limit]
    if not dev:
        raise SystemExit(f"no PolNeAR dev texts under {shared}")
    return seed, [p.read_text(encoding="utf-8") for p in dev]


def words(docs: Sequence[Any]) -> int:
    return sum(len(s.tokens) for d in docs for s in d.sentences)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


class Variant:
    """A parser configuration and how it is called on the stream."""

    def __init__(self, name: str, parser: Any, many: bool) -> None:
        self.name = name
        self.parser = parser
        self.many = many

    def run(self, texts: Sequence[str]) -> tuple[list[Any], list[float]]:
        """Parse ``texts``; return the parses and each article's latency (none when batched)."""
        from attribution.nlp import levers

        # Stanza's padding function is the process's: the fast one for this run only.
        levers.install_fast_long_tensor(self.parser.config.fast_glue)
        if self.parser.config.freeze_heap:  # the heap is the process's: frozen for this run only
            gc.freeze()
        else:
            gc.unfreeze()
        if self.many:
            return self.parser.parse_many(texts), []
        docs, latencies = [], []
        for text in texts:
            t0 = time.perf_counter()
            docs.append(self.parser(text))
            latencies.append(time.perf_counter() - t0)
        return docs, latencies


def build_variants(names: Sequence[str]) -> dict[str, Variant]:
    """Load the pipelines the variants need (one per distinct set of installed levers)."""
    from attribution.nlp.stanza_parser import ParserConfig, StanzaParser

    # tune_malloc is the process's, not a variant's: the layouts' RSS column shows it.
    base = ParserConfig.without_levers(threads=1, freeze_heap=False, tune_malloc=False)
    configs = {
        "baseline": (base, False),
        "inference_mode": (base.replace(inference_mode=True), False),
        "lemma_cache": (base.replace(lemma_cache=True), False),
        "factored_scores": (base.replace(factored_scores=True), False),
        "fast_glue": (base.replace(fast_glue=True), False),
        "char_cache": (base.replace(char_cache=True), False),
        "dense_lstm": (base.replace(dense_lstm=True), False),
        "token_windows": (base.replace(token_windows=True), False),
        "freeze_heap": (base.replace(freeze_heap=True), False),
        "parse_many": (base, True),
        "quantize": (base.replace(quantize=True), False),
        "default": (ParserConfig(threads=1), True),
        "fast": (ParserConfig(threads=1, quantize=True), True),
    }
    pipelines: dict[tuple[bool, ...], Any] = {}
    out = {}
    for name in names:
        config, many = configs[name]
        parser = StanzaParser(config)
        key = (
            config.lemma_cache,
            config.factored_scores,
            config.fast_glue,
            config.char_cache,
            config.dense_lstm,
            config.token_windows,
            config.quantize,
        )
        if key in pipelines:  # the same models with the same levers installed
            parser.__dict__["pipeline"] = pipelines[key]
        else:
            parser.load()
            pipelines[key] = parser.pipeline
        parser("Warm up the pipeline with one sentence.")
        out[name] = Variant(name, parser, many)
    return out


def warm_up(variants: dict[str, Variant], texts: Sequence[str]) -> None:
    """Run every variant once on ``texts`` so the first timed one pays no first-use costs."""
    for variant in variants.values():
        variant.run(texts)


def processor_split(parser: Any, texts: Sequence[str]) -> dict[str, float]:
    """Return each Stanza processor's share of the time ``parser`` takes on ``texts``."""
    spent: dict[str, float] = {}
    pipeline = parser.pipeline
    originals = {}
    for name, processor in pipeline.processors.items():
        originals[name] = processor.process

        def timed(
            doc: Any, _name: str = name, _process: Callable[[Any], Any] = processor.process
        ) -> Any:
            t0 = time.process_time()
            try:
                return _process(doc)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.process_time() - t0

        processor.process = timed
    t0 = time.process_time()
    try:
        parser.parse_many(texts)
    finally:
        for name, processor in pipeline.processors.items():
            processor.process = originals[name]
    total = time.process_time() - t0
    split = {name: round(seconds / total, 3) for name, seconds in spent.items()}
    split["outside stanza"] = round(1 - sum(spent.values()) / total, 3)
    return split


def compare_levers(
    names: Sequence[str], texts: list[str], seed: str, rounds: int
) -> dict[str, Any]:
    variants = build_variants(names)
    warm_up(variants, texts[:2])
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    latencies: dict[str, list[float]] = {n: [] for n in names}
    seed_ms: dict[str, list[float]] = {n: [] for n in names}
    reference = None
    n_words = 0
    for r in range(rounds):
        order = list(names[r % len(names) :]) + list(names[: r % len(names)])
        for name in order:
            variant = variants[name]
            w0, c0 = time.perf_counter(), time.process_time()
            docs, lat = variant.run(texts)
            walls[name].append(time.perf_counter() - w0)
            cpus[name].append(time.process_time() - c0)
            latencies[name] += lat
            for _ in range(3):
                t0 = time.perf_counter()
                variant.parser(seed)
                seed_ms[name].append(1000 * (time.perf_counter() - t0))
            if name != "quantize" and name != "fast":
                if reference is None:
                    reference, n_words = docs, words(docs)
                elif docs != reference:
                    raise SystemExit(f"{name} parsed differently from the baseline")
        print(f"round {r + 1}/{rounds}: " + ", ".join(f"{n} {walls[n][-1]:.1f}s" for n in names))
    out: dict[str, Any] = {"words": n_words, "articles": len(texts), "variants": {}}
    for name in names:
        entry: dict[str, Any] = {
            "words_per_s": n_words / statistics.median(walls[name]),
            "words_per_cpu_s": n_words / statistics.median(cpus[name]),
            "seed_p50_ms": statistics.median(seed_ms[name]),
        }
        if "baseline" in walls:
            pairs = zip(walls["baseline"], walls[name], strict=True)
            entry["ratio_wall"] = statistics.median(b / v for b, v in pairs)
            pairs = zip(cpus["baseline"], cpus[name], strict=True)
            entry["ratio_cpu"] = statistics.median(b / v for b, v in pairs)
        if latencies[name]:
            entry["article_p50_ms"] = 1000 * statistics.median(latencies[name])
            entry["article_p95_ms"] = 1000 * percentile(latencies[name], 0.95)
        out["variants"][name] = entry
    if "default" in variants:
        out["split_default"] = processor_split(variants["default"].parser, texts)
    return out


#: The configurations a layout's processes run: ``release`` is the parser before issue 13
#: (one call per article, no lever); ``default`` and ``fast`` use ``parse_many``.
CONFIGS = ("release", "default", "fast")


def worker(threads: int, queue: Path, limit: int, config: str) -> dict[str, Any]:
    """Load a parser, wait for ``go`` on stdin, parse the articles it claims from
    ``queue`` one by one (:func:`claim`), then the seed article 5 times (warm); report
    words, times (the stream's end as a wall-clock stamp), seed latency and peak RSS."""
    seed, texts = articles(limit)
    variant = configured_variant(config, threads)
    variant.parser.load()
    variant.parser("Warm up the pipeline with one sentence.")
    print("ready", flush=True)
    sys.stdin.readline()
    c0 = time.process_time()
    done, total, after = [], 0, 0
    while (index := claim(queue, len(texts), after)) is not None:
        docs, _ = variant.run([texts[index]])
        total += words(docs)
        done.append(index)
        after = index + 1
    end, cpu = time.time(), time.process_time() - c0
    return {
        "articles": done,
        "words": total,
        "end": end,
        "cpu": cpu,
        "seed_ms": median_ms(variant.parser, seed, 5),
        "rss_mb": peak_rss_mb(),
    }


def configured_variant(config: str, threads: int) -> Variant:
    """Return the parser of a configuration of :data:`CONFIGS` with ``threads`` threads:
    ``release`` called per article, ``default`` and ``fast`` through ``parse_many``."""
    from attribution.nlp.stanza_parser import ParserConfig, StanzaParser

    if config == "release":
        settings = ParserConfig.without_levers(
            threads=threads, freeze_heap=False, tune_malloc=False
        )
    else:
        settings = ParserConfig(threads=threads, quantize=config == "fast")
    return Variant(config, StanzaParser(settings), many=config != "release")


def claim(queue: Path, n: int, after: int = 0) -> int | None:
    """Take the first of articles ``after`` .. ``n - 1`` no process has taken from the
    queue folder ``queue``, or return ``None`` when none is left.

    An article is taken by creating its file with ``O_EXCL``, which one process wins.
    A process's own claims rise, so it starts looking after its last one.
    """
    for index in range(after, n):
        try:
            os.close(os.open(queue / str(index), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        return index
    return None


def median_ms(run: Callable[[str], Any], text: str, times: int) -> float:
    """Run ``run(text)`` ``times`` times; return the median wall time in milliseconds."""
    took = []
    for _ in range(times):
        t0 = time.perf_counter()
        run(text)
        took.append(1000 * (time.perf_counter() - t0))
    return statistics.median(took)


def proc_status_mb(field: str) -> float | None:
    """Return a ``/proc/self/status`` figure (``VmHWM``, ``VmRSS``) in MB, or ``None``
    where there is no such file."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Return this process's peak RSS in MB.

    ``VmHWM`` rather than ``ru_maxrss``, which on Linux keeps the high-water mark of
    the image a child replaced at ``exec`` (here, the benchmark that started it).
    """
    peak = proc_status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_layout(procs: int, threads: int, n: int, limit: int, config: str) -> dict[str, Any]:
    """Serve ``n`` articles from one queue with ``procs`` processes of ``threads``
    threads; time the stream from ``go`` to its last article parsed."""
    with tempfile.TemporaryDirectory(prefix="throughput-queue-") as queue:
        children = []
        for _ in range(procs):
            cmd = [sys.executable, __file__, "--worker", str(threads), "--articles", str(limit)]
            cmd += ["--queue", queue, "--config", config]
            children.append(
                subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            )
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("a worker failed to load")
        t0 = time.time()
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        reports = []
        for child in children:
            out, _ = child.communicate()
            reports.append(json.loads(out.strip().splitlines()[-1]))
    taken = sorted(i for r in reports for i in r["articles"])
    if taken != list(range(n)):
        raise SystemExit(f"the workers parsed articles {taken}, not each of 0..{n - 1} once")
    wall = max(r["end"] for r in reports) - t0
    total = sum(r["words"] for r in reports)
    return {
        "words_per_s": total / wall,
        "words_per_cpu_s": total / sum(r["cpu"] for r in reports),
        "seed_ms": max(r["seed_ms"] for r in reports),
        "rss_mb_per_process": max(r["rss_mb"] for r in reports),
        "words_per_process": [r["words"] for r in reports],
    }


def seed_worker(threads: int, runs: int) -> dict[str, list[float]]:
    """Load the release, default and fast parsers side by side; run the seed article
    through each in turn ``runs`` times (after two warm runs); return the times in ms."""
    seed, _ = articles(1)
    variants = {config: configured_variant(config, threads) for config in CONFIGS}
    for variant in variants.values():
        variant.parser.load()
        for _ in range(2):
            variant.run([seed])
    took: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, variant in variants.items():
            t0 = time.perf_counter()
            variant.run([seed])
            took[name].append(1000 * (time.perf_counter() - t0))
    return took


def compare_seed(threads: Sequence[int], runs: int) -> dict[str, Any]:
    """Run :func:`seed_worker` in a fresh process for each thread count."""
    out: dict[str, Any] = {}
    for n in threads:
        cmd = [sys.executable, __file__, "--seed-worker", str(n), "--seed-runs", str(runs)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the seed worker failed:\n{done.stderr[-3000:]}")
        took = json.loads(done.stdout.strip().splitlines()[-1])
        out[str(n)] = {
            name: {"p50_ms": statistics.median(ms), "p90_ms": percentile(ms, 0.9)}
            for name, ms in took.items()
        }
    return out


def layout_of(spec: str) -> tuple[int, int, str]:
    """Return the processes, threads and configuration of ``PxT:config``."""
    shape, _, config = spec.partition(":")
    procs, threads = (int(x) for x in shape.split("x"))
    if config not in CONFIGS:
        raise SystemExit(f"layout {spec!r}: the configuration is one of {', '.join(CONFIGS)}")
    return procs, threads, config


def compare_layouts(layouts: Sequence[str], n: int, rounds: int) -> dict[str, Any]:
    got: dict[str, list[dict[str, Any]]] = {lay: [] for lay in layouts}
    for r in range(rounds):
        order = list(layouts[r % len(layouts) :]) + list(layouts[: r % len(layouts)])
        for lay in order:
            procs, threads, config = layout_of(lay)
            got[lay].append(run_layout(procs, threads, n, n, config))
        print(f"layouts round {r + 1}/{rounds}: " + ", ".join(
            f"{lay} {got[lay][-1]['words_per_s']:.0f} w/s" for lay in layouts
        ))  # fmt: skip
    out = {}
    first = layouts[0]
    for lay in layouts:
        runs = got[lay]
        out[lay] = {
            "words_per_s": statistics.median(x["words_per_s"] for x in runs),
            "words_per_cpu_s": statistics.median(x["words_per_cpu_s"] for x in runs),
            "seed_p50_ms": statistics.median(x["seed_ms"] for x in runs),
            "rss_mb_per_process": max(x["rss_mb_per_process"] for x in runs),
            "words_per_process": [x["words_per_process"] for x in runs],
            f"ratio_to_{first}": statistics.median(
                x["words_per_s"] / y["words_per_s"] for x, y in zip(runs, got[first], strict=True)
            ),
        }
    return out


def recommend(layouts: dict[str, Any], cores: int, memory_mb: float) -> str:
    """Return the process x thread layout for ``cores``: the most words per CPU-second.

    Parsing one article is sequential work with small matrices, so a process of
    one thread uses its core best; processes cost memory (``rss_mb_per_process``
    each), so the count is capped by ``memory_mb``. Only the ``default``
    configuration's layouts are compared.
    """
    by_threads = {}
    for lay, figures in layouts.items():
        _, threads, config = layout_of(lay)
        if config == "default":
            by_threads[threads] = figures
    best = max(by_threads, key=lambda t: by_threads[t]["words_per_cpu_s"])
    rss = by_threads[best]["rss_mb_per_process"]
    procs = max(1, min(cores // best, int(memory_mb // rss)))
    return f"{procs}x{best}"


def previous_record() -> dict[str, Any] | None:
    records = sorted(RESULTS.glob("throughput-*.json"))
    return json.loads(records[-1].read_text(encoding="utf-8")) if records else None


def report(record: dict[str, Any], before: dict[str, Any] | None) -> None:
    levers = record["levers"]
    print(f"\n{levers['articles']} articles, {levers['words']} words, 1 torch thread per variant")
    head = ("variant", "words/s", "w/CPU-s", "x wall", "x CPU", "p50 ms", "p95 ms", "seed ms")
    print(f"{head[0]:<15}" + "".join(f"{h:>9}" for h in head[1:]))
    old = (before or {}).get("levers", {}).get("variants", {})
    for name, v in levers["variants"].items():
        cells = [
            f"{v['words_per_s']:>9.0f}",
            f"{v['words_per_cpu_s']:>9.0f}",
            f"{v.get('ratio_wall', float('nan')):>9.2f}",
            f"{v.get('ratio_cpu', float('nan')):>9.2f}",
            f"{v.get('article_p50_ms', float('nan')):>9.0f}",
            f"{v.get('article_p95_ms', float('nan')):>9.0f}",
            f"{v['seed_p50_ms']:>9.0f}",
        ]
        was = old.get(name, {}).get("ratio_cpu")
        tail = f"   (last record: x CPU {was:.2f})" if was else ""
        print(f"{name:<15}" + "".join(cells) + tail)
    if "split_default" in levers:
        print("time split (default):", json.dumps(levers["split_default"]))
    if record.get("layouts"):
        first = next(iter(record["layouts"]))
        print(f"\nlayout (PxT:config) words/s  w/CPU-s  seed ms  RSS MB/proc  x {first}")
        for lay, v in record["layouts"].items():
            ratio = next(val for key, val in v.items() if key.startswith("ratio_to_"))
            print(
                f"{lay:<18}{v['words_per_s']:>9.0f}{v['words_per_cpu_s']:>9.0f}"
                f"{v['seed_p50_ms']:>9.0f}{v['rss_mb_per_process']:>13.0f}{ratio:>12.2f}"
            )
        for cores, layout in record.get("recommended", {}).items():
            print(f"best layout for {cores} cores: {layout} (processes x threads)")
    for threads, configs in record.get("seed", {}).items():
        timed = ", ".join(
            f"{name} {v['p50_ms']:.0f} ms (p90 {v['p90_ms']:.0f})" for name, v in configs.items()
        )
        print(f"seed article, warm, {threads} torch thread(s), taking turns: {timed}")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--levers", default="all", help=f"comma-separated among {', '.join(VARIANTS)}")
    ap.add_argument(
        "--layouts",
        default="1x2:release,1x2:default,2x1:default,2x1:fast",
        help="P processes x T threads : configuration (release, default, fast); '' to skip",
    )
    ap.add_argument("--config", default="default", choices=CONFIGS, help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="8 articles, 2 rounds")
    ap.add_argument("--no-record", action="store_true", help="do not write a JSON record")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--queue", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--seed-runs", type=int, default=20, help="seed article runs; 0 to skip")
    ap.add_argument("--seed-threads", default="1,2", help="torch threads of the seed runs")
    ap.add_argument("--seed-worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.seed_worker:
        import torch

        torch.set_num_threads(args.seed_worker)
        print(json.dumps(seed_worker(args.seed_worker, args.seed_runs)))
        return 0
    if args.worker:
        import torch

        torch.set_num_threads(args.worker)
        print(json.dumps(worker(args.worker, args.queue, args.articles, args.config)))
        return 0
    if args.quick:
        args.articles, args.rounds = 8, 2
    import torch

    torch.set_num_threads(1)
    names = list(VARIANTS) if args.levers == "all" else args.levers.split(",")
    seed, texts = articles(args.articles)
    record: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "command": " ".join(sys.argv),
        "levers": compare_levers(names, texts, seed, args.rounds),
    }
    layouts = [x for x in args.layouts.split(",") if x]
    if layouts:
        record["layouts"] = compare_layouts(layouts, len(texts), args.rounds)
        if any(layout_of(lay)[2] == "default" for lay in layouts):  # what recommend compares
            record["recommended"] = {
                str(cores): recommend(record["layouts"], cores, memory_mb=cores * 1024)
                for cores in (2, 16)
            }
    if args.seed_runs:
        threads = [int(x) for x in args.seed_threads.split(",") if x]
        record["seed"] = compare_seed(threads, args.seed_runs)
    before = previous_record()
    report(record, before)
    if not args.no_record:
        print(f"\nrecord: {write_record('throughput', record)}")
    return 0


def write_record(kind: str, record: dict[str, Any]) -> Path:
    """Write ``record`` to ``benchmarks/results/<kind>-<UTC time>.json``; return its path
    relative to the repository."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = RESULTS / f"{kind}-{stamp}.json"
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path.relative_to(ROOT)


if __name__ == "__main__":
    sys.exit(main())
