"""Train the coreference passes' learned ranker on GUM (``attribution.coref.LearnedRanker``).

``python -m training.coref_ranker [--shared ../shared] [--out attribution/models]``

A mention-ranking model (Denis and Baldridge 2008; Durrett and Klein 2013):
for each gold mention of GUM train, in text order, the passes propose their
candidates (earlier entities, or a new one) and a log-linear model over
:func:`attribution.coref.pair_features` is trained to put its probability on
the right ones: a candidate is right when the latest earlier mention of its
entity is in the mention's gold chain, and the new entity is right when no
candidate is (the mention starts its chain, or the passes cannot reach it).
The table is built by following the first right candidate (teacher forcing).
The objective is the negative log of the probability of the right candidates
plus an L2 penalty, minimized by full-batch Adam in NumPy. The penalty and the
number of steps are chosen by GUM dev's CoNLL F1 (``evaluation.gum_coref``);
the weights, the dev and test scores and the recipe go into
``<out>/coref_ranker.json`` and the manifest's ``coref_ranker`` entry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from attribution.coref import (
    EntityTable,
    LearnedRanker,
    candidates,
    mention_context,
    pair_features,
)
from evaluation.common import shared_dir
from evaluation.gum import GumDocument, read_gum
from evaluation.gum_coref import evaluate, gum_mention

MANIFEST_KEY = "coref_ranker"
FILE_NAME = "coref_ranker.json"
PENALTIES = (1e-3, 1e-2, 3e-2, 1e-1)
STEPS = (150,)
LEARNING_RATE = 0.05


@dataclass
class Examples:
    """Candidate rows in sparse form: row ``r`` of group ``g`` has features ``cols``."""

    rows: list[int]
    cols: list[int]
    vals: list[float]
    group: list[int]
    right: list[float]


def collect(docs: Iterable[GumDocument], index: dict[str, int], grow: bool) -> Examples:
    """Run the passes over ``docs`` with teacher forcing; return the candidate rows."""
    ex = Examples([], [], [], [], [])
    n_rows = n_groups = 0
    for doc in docs:
        table = EntityTable(doc.doc)
        gold_of: list[list[tuple[int, str]]] = []  # per entity: (start, gold entity)
        for m in doc.mentions:
            mc = mention_context(doc.doc, gum_mention(doc, m), source=False)
            cands = candidates(table, mc)
            labels: list[bool] = []
            for c in cands:
                if c.entity is None:
                    labels.append(False)
                    continue
                earlier = [g for s, g in gold_of[c.entity] if s < mc.pos]
                labels.append(bool(earlier) and earlier[-1] == m.entity)
            if not any(labels):
                labels = [c.entity is None for c in cands]
            if not any(labels):
                continue
            for c, ok in zip(cands, labels, strict=True):
                for name, value in pair_features(table, mc, c).items():
                    col = index.get(name)
                    if col is None and grow:
                        col = index[name] = len(index)
                    if col is not None:
                        ex.rows.append(n_rows)
                        ex.cols.append(col)
                        ex.vals.append(value)
                ex.group.append(n_groups)
                ex.right.append(float(ok))
                n_rows += 1
            n_groups += 1
            chosen = cands[labels.index(True)]
            target = table.join(chosen, mc)
            if target == len(gold_of):
                gold_of.append([])
            gold_of[target].append((mc.pos, m.entity))
    return ex


def fit(ex: Examples, n_features: int, penalty: float, steps: int) -> NDArray[np.float64]:
    """Minimize -log P(right candidates) + penalty * |w|^2 by full-batch Adam."""
    rows = np.asarray(ex.rows)
    cols = np.asarray(ex.cols)
    vals = np.asarray(ex.vals, dtype=np.float64)
    group = np.asarray(ex.group)
    right = np.asarray(ex.right, dtype=np.float64)
    n_rows, n_groups = len(ex.group), int(group[-1]) + 1
    w = np.zeros(n_features)
    m1 = np.zeros(n_features)
    m2 = np.zeros(n_features)
    for t in range(1, steps + 1):
        scores = np.bincount(rows, weights=w[cols] * vals, minlength=n_rows)
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, group, scores)
        e = np.exp(scores - top[group])
        z = np.bincount(group, weights=e, minlength=n_groups)
        zr = np.bincount(group, weights=e * right, minlength=n_groups)
        p_all = e / z[group]
        p_right = e * right / zr[group]
        d_scores = p_all - p_right  # gradient of -log(zr / z) per row
        counts = np.bincount(cols, weights=d_scores[rows] * vals, minlength=n_features)
        grad = counts.astype(np.float64) / n_groups + 2 * penalty * w
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad**2
        w -= LEARNING_RATE * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-8)
    return w


def weights_of(w: NDArray[np.float64], index: dict[str, int]) -> dict[str, float]:
    return {name: round(float(w[col]), 5) for name, col in index.items() if abs(w[col]) >= 1e-5}


def conll(docs: Sequence[GumDocument], ranker: LearnedRanker | None) -> dict[str, Any]:
    return evaluate(docs, ranker).metrics()


def bundle(out: Path, weights: dict[str, float], meta: dict[str, Any]) -> Path:
    """Write the weights into ``out`` and their entry into its manifest."""
    dest = out / FILE_NAME
    dest.write_text(
        json.dumps({"weights": weights, **meta}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    data = dest.read_bytes()
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[MANIFEST_KEY] = {
        "file": FILE_NAME,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {
            "UD_English-GUM": "train (dev for the penalty and the number of steps); "
            "CC BY 4.0 genres only; the weights hold feature names and numbers, no text"
        },
        "recipe": "python -m training.coref_ranker --shared ../shared (about 2 CPU minutes)",
        **meta,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return dest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.coref_ranker", description=__doc__)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("attribution/models"))
    args = parser.parse_args(argv)
    shared = args.shared or shared_dir()
    train = list(read_gum(shared, "train"))
    dev = list(read_gum(shared, "dev"))
    test = list(read_gum(shared, "test"))
    index: dict[str, int] = {}
    ex = collect(train, index, grow=True)
    print(f"train: {len(train)} documents, {ex.group[-1] + 1} mentions, {len(ex.group)} candidates")
    sieve_dev = conll(dev, None)
    print(f"dev, ordered sieve: {json.dumps(sieve_dev)}")
    best: tuple[float, float, int, dict[str, float]] | None = None
    for penalty in PENALTIES:
        for steps in STEPS:
            weights = weights_of(fit(ex, len(index), penalty, steps), index)
            score = conll(dev, LearnedRanker(weights))
            print(f"penalty {penalty} steps {steps}: dev {json.dumps(score)}")
            if best is None or score["conll_f1"] > best[0]:
                best = (score["conll_f1"], penalty, steps, weights)
    assert best is not None
    _, penalty, steps, weights = best
    ranker = LearnedRanker(weights)
    meta = {
        "selected": {"penalty": penalty, "steps": steps, "learning_rate": LEARNING_RATE},
        "dev": conll(dev, ranker),
        "test": conll(test, ranker),
        "sieve": {"dev": sieve_dev, "test": conll(test, None)},
    }
    print(f"selected penalty {penalty}, {steps} steps: {json.dumps(meta)}")
    dest = bundle(args.out, weights, meta)
    print(f"wrote {dest} and its manifest entry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
