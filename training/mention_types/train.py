"""Train, select and bundle the mention-type model (see the package docstring)."""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from attribution.entities import (
    DIMENSIONS,
    FEATURE_VERSION,
    GUM_TYPES,
    MODELS_DIR,
    VECTORS_FILE,
    WEIGHTS_FILE,
    Dense,
    MentionTyper,
    Vectors,
    dense_input,
    hash_features,
    mention_features,
)
from evaluation.gum_types import SPEAKER_GUM_TYPES, Item, mention_items, score

MANIFEST_KEY = "mention_types"
LOG_FILE = Path("training/logs/mention_types.jsonl")
SELECT_METRIC = "named_pop"


@dataclass(frozen=True, slots=True)
class Config:
    """Hyperparameters of one run (recorded in the manifest).

    ``lr`` is Adagrad's on the hashed scores, ``dense_lr`` Adam's on the word-vector
    branch (``hidden`` units, ``dropout``); ``feature_dropout`` drops each hashed
    feature of a training example at random, so that no single cue (a name seen in
    training) carries the decision and the word vectors learn too.
    """

    epochs: int = 6
    lr: float = 0.01
    batch: int = 32
    seed: int = 12
    dimensions: int = DIMENSIONS
    hidden: int = 128
    dense_lr: float = 0.003
    dropout: float = 0.2
    feature_dropout: float = 0.5
    vectors: bool = True


DEFAULTS = Config()


def encode(
    items: Iterable[Item], dimensions: int, vectors: Vectors | None
) -> tuple[list[NDArray[np.int64]], NDArray[np.float32], NDArray[np.int64]]:
    """Return each item's hash rows, its word-vector input and the id of its gold type."""
    rows: list[NDArray[np.int64]] = []
    dense: list[NDArray[np.float32]] = []
    labels: list[int] = []
    for item in items:
        rows.append(hash_features(mention_features(item.sentence, item.ids, item.head), dimensions))
        if vectors is not None:
            dense.append(dense_input(vectors, item.sentence, item.ids, item.head))
        labels.append(GUM_TYPES.index(item.type))
    x = np.stack(dense) if dense else np.zeros((len(rows), 0), dtype=np.float32)
    return rows, x, np.asarray(labels, dtype=np.int64)


def _batch(
    rows: Sequence[NDArray[np.int64]], order: NDArray[np.int64]
) -> tuple[torch.Tensor, torch.Tensor]:
    chosen = [rows[i] for i in order]
    offsets = np.cumsum([0] + [len(r) for r in chosen[:-1]])
    return torch.from_numpy(np.concatenate(chosen)), torch.from_numpy(offsets)


class Net(torch.nn.Module):
    """The training twin of :class:`attribution.entities.MentionTyper`."""

    def __init__(self, config: Config, dense_dim: int) -> None:
        super().__init__()
        types = len(GUM_TYPES)
        self.emb = torch.nn.EmbeddingBag(config.dimensions, types, mode="sum", sparse=True)
        torch.nn.init.zeros_(self.emb.weight)
        self.bias = torch.nn.Parameter(torch.zeros(types))
        self.dense_dim = dense_dim
        self.w1 = torch.nn.Linear(max(1, dense_dim), config.hidden)
        self.w2 = torch.nn.Linear(config.hidden, types, bias=False)
        self.drop = torch.nn.Dropout(config.dropout)

    def forward(
        self,
        flat: torch.Tensor,
        offsets: torch.Tensor,
        x: torch.Tensor,
        keep: torch.Tensor | None = None,
    ) -> torch.Tensor:
        logits: torch.Tensor = self.emb(flat, offsets, per_sample_weights=keep) + self.bias
        if self.dense_dim:
            logits = logits + self.w2(self.drop(torch.tanh(self.w1(self.drop(x)))))
        return logits

    def typer(self, vectors: Vectors | None) -> MentionTyper:
        """Return the NumPy model of the current weights, rounded to float16 as shipped."""

        def arr(t: torch.Tensor) -> NDArray[np.float32]:
            out: NDArray[np.float32] = t.detach().numpy().astype(np.float16).astype(np.float32)
            return out

        dense = None
        if self.dense_dim and vectors is not None:
            b1 = self.w1.bias.detach().numpy().copy()
            dense = Dense(arr(self.w1.weight), b1, arr(self.w2.weight))
        bias = self.bias.detach().numpy().copy()
        return MentionTyper(arr(self.emb.weight), bias, GUM_TYPES, dense, vectors)


def fit(
    train: Sequence[Item],
    dev: Sequence[Item],
    config: Config,
    vectors: Vectors | None = None,
    log: Path | None = None,
) -> tuple[MentionTyper, dict[str, Any]]:
    """Train on ``train``; return the model of the epoch with the best dev
    ``named_pop`` accuracy (ties: named accuracy) and that epoch's record."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    rows, x_all, labels = encode(train, config.dimensions, vectors)
    target, x_t = torch.from_numpy(labels), torch.from_numpy(x_all)
    net = Net(config, x_all.shape[1])
    sparse = torch.optim.Adagrad([net.emb.weight, net.bias], lr=config.lr)
    dense = torch.optim.Adam([*net.w1.parameters(), *net.w2.parameters()], lr=config.dense_lr)
    best: tuple[tuple[float, float], MentionTyper, dict[str, Any]] | None = None
    # Adagrad builds sparse gradients torch would otherwise warn about checking.
    torch.sparse.check_sparse_tensor_invariants.disable()
    for epoch in range(1, config.epochs + 1):
        start, total = time.monotonic(), 0.0
        order = rng.permutation(len(rows))
        net.train()
        for lo in range(0, len(order), config.batch):
            idx = order[lo : lo + config.batch]
            flat, offsets = _batch(rows, idx)
            pick = torch.from_numpy(idx)
            keep = None
            if config.feature_dropout:
                p = config.feature_dropout
                keep = (torch.rand(len(flat)) >= p).float() / (1.0 - p)
            logits = net(flat, offsets, x_t[pick], keep)
            loss = torch.nn.functional.cross_entropy(logits, target[pick])
            sparse.zero_grad()
            dense.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            sparse.step()
            dense.step()
            total += float(loss.detach()) * len(idx)
        net.eval()
        typer = net.typer(vectors)
        metrics = score(typer, dev)
        record = {
            "epoch": epoch,
            "loss": round(total / max(1, len(rows)), 4),
            "seconds": round(time.monotonic() - start, 1),
            "dev": {k: v for k, v in metrics.items() if k != "confusion"},
        }
        _log(record, log)
        key = (metrics[SELECT_METRIC]["accuracy"], metrics["named"]["accuracy"])
        if best is None or key > best[0]:
            best = (key, typer, record)
    if best is None:
        raise ValueError("no epoch was run")
    return best[1], best[2]


def _log(record: dict[str, Any], log: Path | None) -> None:
    print(json.dumps(record), flush=True)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


def _public(metrics: dict[str, Any]) -> dict[str, Any]:
    keys = ("named", "named_pop", "speaker_type", "speaker_choice", "all", *SPEAKER_GUM_TYPES)
    return {k: metrics[k] for k in keys}


def bundle(
    typer: MentionTyper,
    models: Path,
    config: Config,
    selected: dict[str, Any],
    test: dict[str, Any] | None,
    counts: dict[str, int],
) -> Path:
    """Write the weights into ``models`` and their entry into its manifest."""
    dest = models / WEIGHTS_FILE
    typer.save(dest)
    manifest_path = models / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[MANIFEST_KEY] = {
        "file": WEIGHTS_FILE,
        "bytes": dest.stat().st_size,
        "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "feature_version": FEATURE_VERSION,
        "classes": list(GUM_TYPES),
        "training_data": {
            "UD_English-GUM": {
                "version": "UD 2.18",
                "licence": "CC BY 4.0 genres only (GUM_whow_* and GUM_fiction_*, CC BY-NC-SA, "
                "excluded)",
                "splits": "train (dev for epoch selection, test for the scores below)",
                "examples": counts,
                "terms": "entity mentions (Entity= in MISC) over the gold parse; the weights "
                "hold hashed feature scores, no text",
            }
        },
        "recipe": "python -m training mention-types --shared ../shared",
        "config": asdict(config),
        "selected_epoch": selected["epoch"],
        "scores": {
            "measured_with": "python -m evaluation.gum_types --split dev|test (gold parse; "
            "named = a PROPN head word or a Wikipedia link)",
            "dev": selected["dev"],
            **({"test": test} if test is not None else {}),
        },
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    from evaluation.common import shared_dir
    from evaluation.gum import read_gum

    p = argparse.ArgumentParser(prog="python -m training mention-types", description=__doc__)
    p.add_argument("--shared", type=Path, default=None, help="default: $ATTRIBUTION_SHARED")
    p.add_argument("--models", type=Path, default=MODELS_DIR, help="where the weights go")
    p.add_argument("--log", type=Path, default=LOG_FILE)
    p.add_argument("--epochs", type=int, default=DEFAULTS.epochs)
    p.add_argument("--lr", type=float, default=DEFAULTS.lr)
    p.add_argument("--seed", type=int, default=DEFAULTS.seed)
    p.add_argument("--no-bundle", action="store_true", help="train and score only")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    shared = args.shared or shared_dir()
    config = Config(epochs=args.epochs, lr=args.lr, seed=args.seed)
    train = list(mention_items(read_gum(shared, "train"), name_variants=True))
    dev = list(mention_items(read_gum(shared, "dev")))
    test = list(mention_items(read_gum(shared, "test")))
    run = {"run": datetime.now(UTC).isoformat(), "config": asdict(config), "train": len(train)}
    _log(run, args.log)
    vectors = Vectors.load(args.models / VECTORS_FILE) if config.vectors else None
    typer, selected = fit(train, dev, config, vectors, args.log)
    test_metrics = _public(score(typer, test))
    _log({"selected_epoch": selected["epoch"], "test": test_metrics}, args.log)
    if args.no_bundle:
        return 0
    dest = bundle(typer, args.models, config, selected, test_metrics, {"train": len(train)})
    print(f"wrote {dest} ({dest.stat().st_size} bytes) and its manifest entry")
    return 0
