"""``python -m training attribution {parse,examples,train,bundle,all}``: the recipe, stage by stage.

``all`` runs every stage in order: parse (two processes, about 6 minutes),
examples (2 minutes), the cue tagger, then the argument head on the frozen cue
tagger's states (one thread each, each resumable with ``--resume``), then
``bundle`` into ``attribution/models/attribution.pt`` and its manifest entry.
Logs go to ``<out>/logs``. On 2 cores the whole recipe takes about 80 minutes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from attribution.learned.model import MODELS_DIR, WEIGHTS_FILE


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as fh:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=fh, stderr=subprocess.STDOUT)


def _parallel(jobs: list[tuple[list[str], Path]]) -> int:
    procs = [_spawn(a, log) for a, log in jobs]
    return max(p.wait() for p in procs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training attribution", description=__doc__)
    p.add_argument("stage", choices=["parse", "examples", "train", "bundle", "all"])
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, default=Path("work/attribution"))
    p.add_argument("--net", choices=["cue", "head"], default=None, help="train: one net only")
    p.add_argument("--epochs", type=int, default=8, help="cue tagger epochs (best: 5)")
    p.add_argument("--head-epochs", type=int, default=4, help="argument head epochs (best: 3)")
    p.add_argument("--budget", type=float, default=3600.0, help="seconds per net")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--lr", type=float, default=None, help="head: learning rate from now on")
    p.add_argument("--version", default="2026.12.02.2")
    p.add_argument("--cue-hidden", type=int, default=None, help="cue tagger LSTM width (128)")
    p.add_argument("--head-hidden", type=int, default=None, help="argument head LSTM width (96)")
    p.add_argument(
        "--head-bottleneck",
        type=int,
        default=None,
        help="argument head: read a d-wide sum of projected states and embeddings (off: 0)",
    )
    p.add_argument(
        "--average-head",
        default="",
        help="bundle: average the head over these epochs, e.g. 3,4,5 (default: best epoch)",
    )
    p.add_argument("--dest", type=Path, default=MODELS_DIR / WEIGHTS_FILE)
    a = p.parse_args(argv)
    from training.attribution import train as T

    if a.cue_hidden:
        T.CONFIG["cue"]["hidden"] = a.cue_hidden
    if a.head_hidden:
        T.CONFIG["head"]["hidden"] = a.head_hidden
    if a.head_bottleneck:
        T.CONFIG["head"]["bottleneck"] = a.head_bottleneck

    logs = a.out / "logs"
    common = ["--shared", str(a.shared), "--out", str(a.out)]
    rc = 0
    if a.stage in ("parse", "all"):
        jobs = [
            (
                ["training.attribution.parse", *common, "--shard", str(k), "--shards", "2"],
                logs / f"parse{k}.log",
            )
            for k in range(2)
        ]
        rc = rc or _parallel(jobs)
    if a.stage in ("examples", "all") and rc == 0:
        rc = T.build_examples(a.shared, a.out)
    if a.stage in ("train", "all") and rc == 0:
        if a.net in (None, "cue"):
            rc = T.train(a.out, "cue", a.epochs, a.resume, a.budget)
        if a.net in (None, "head") and rc == 0:
            rc = T.train_head(a.out, a.head_epochs, a.resume, a.budget, lr=a.lr)
    if a.stage in ("bundle", "all") and rc == 0:
        epochs = [int(n) for n in a.average_head.split(",") if n.strip()]
        rc = T.bundle(a.out, a.dest, a.version, epochs)
    return rc
