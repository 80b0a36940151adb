"""Train the cue tagger, then the argument head, on PolNeAR train (held-out sample excluded).

``python -m training attribution examples`` builds the examples once (pickled);
``python -m training attribution train [--net cue|head]`` trains on one thread,
checkpointing after every epoch (``--resume`` continues from it) and keeping
the epoch with the best dev F1 (word spans matched exactly). The head reads
the frozen states of the best cue tagger. A resumed run continues from the
checkpoint's weights, optimizer and Python random state; torch's dropout
masks are not replayed, so it is not bit-identical to a run straight through.
"""

from __future__ import annotations

import json
import pickle
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from attribution.learned.features import (
    DOC_CHANNELS,
    HEAD_CHANNELS,
    HEAD_COLUMNS,
    Vocab,
    channel_sizes,
)
from attribution.learned.model import MODELS_DIR, VECTORS_FILE, load_vectors, tag_sentences
from attribution.learned.network import ArgHead, Tagger, batch
from attribution.learned.producer import _segments
from evaluation.polnear import heldout_names, read_split
from training.attribution.dataset import build_example, vocab_from
from training.attribution.parse import load_cached

Rows = Any


def build_examples(shared: Path, out: Path) -> int:
    """Build and pickle the vocabulary and the train / held-out / dev examples."""
    torch.set_num_threads(1)
    words, _ = load_vectors(MODELS_DIR / VECTORS_FILE)
    train = read_split(shared / "data" / "polnear" / "train")
    held = heldout_names(a.name for a in train)
    fit = [a for a in train if a.name not in held]
    vocab = vocab_from((load_cached(out, "train", a.name) for a in fit), words)
    data: dict[str, Any] = {
        "lemmas": sorted(vocab.lemmas, key=vocab.lemmas.__getitem__),
        "deprels": sorted(vocab.deprels, key=vocab.deprels.__getitem__),
        "heldout": sorted(held),
    }
    started = time.monotonic()
    for split, arts, key in (
        ("train", fit, "train"),
        ("dev", read_split(shared / "data" / "polnear" / "dev"), "dev"),
    ):
        examples = []
        for i, a in enumerate(arts):
            examples.append(build_example(a, load_cached(out, split, a.name), vocab))
            if i % 100 == 0:
                print(f"{key}: {i}/{len(arts)} {time.monotonic() - started:.0f}s", flush=True)
        data[key] = examples
    with (out / "examples.pkl").open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"examples written: {len(data['train'])} train, {len(data['dev'])} dev articles")
    return 0


def _pairs(examples: Sequence[Any]) -> list[tuple[Rows, list[int]]]:
    return [p for e in examples for p in e.cue_rows if len(p[1]) > 0]


Predict = Callable[[Sequence[Any]], list[list[int]]]


def _dev_f1(
    pairs: Sequence[Any], predict: Predict, roles: dict[str, tuple[int, int]]
) -> dict[str, float]:
    """Score ``predict`` on dev sequences (gold tags last in each pair): exact span F1 per role."""
    counts = {r: [0, 0, 0] for r in roles}
    with torch.inference_mode():
        for i in range(0, len(pairs), 64):
            chunk = pairs[i : i + 64]
            for pred, pair in zip(predict(chunk), chunk, strict=True):
                for role, (b, inside) in roles.items():
                    g = {tuple(s) for s in _segments(pair[-1], b, inside)}
                    q = {tuple(s) for s in _segments(pred, b, inside)}
                    counts[role][0] += len(g & q)
                    counts[role][1] += len(q)
                    counts[role][2] += len(g)
    out = {}
    for role, (tp, np_, ng) in counts.items():
        prec, rec = (tp / np_ if np_ else 0.0), (tp / ng if ng else 0.0)
        out[role] = round(200 * prec * rec / (prec + rec), 2) if prec + rec else 0.0
    return out


ROLES = {"cue": {"cue": (1, 2)}, "head": {"source": (1, 2), "content": (3, 4)}}
CONFIG = {"cue": {"hidden": 128, "layers": 2}, "head": {"hidden": 96}}


@dataclass
class Fit:
    """One network's training run: what changes between the cue tagger and the head."""

    name: str
    net: torch.nn.Module
    opt: torch.optim.Optimizer
    #: The epoch's batches (lists of training-pair indices), drawn with ``random``.
    batches: Callable[[], list[list[int]]]
    #: The summed loss of one batch.
    loss: Callable[[list[int]], torch.Tensor]
    #: Exact span F1 on dev, by role.
    evaluate: Callable[[], dict[str, float]]
    #: What ``<name>_best.pt`` keeps of the network.
    best_state: Callable[[], dict[str, torch.Tensor]]


def _fit(
    fit: Fit,
    out: Path,
    epochs: int,
    resume: bool,
    budget: float,
    lr: float | None = None,
    started: float | None = None,
) -> int:
    """Train ``fit.net``: checkpoint every epoch, log it, keep the best dev epoch, resume.

    ``started``: when the run's clock (log seconds, ``budget``) started; default now.
    """
    ckpt, best_path = out / f"{fit.name}_checkpoint.pt", out / f"{fit.name}_best.pt"
    log = out / "logs" / f"train_{fit.name}.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    start_epoch, best = 0, -1.0
    if resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        fit.net.load_state_dict(state["net"])
        fit.opt.load_state_dict(state["opt"])
        start_epoch, best = state["epoch"] + 1, state["best"]
        random.setstate(state["random"])
    if lr is not None:  # a lower rate for the last epochs (--lr)
        for group in fit.opt.param_groups:
            group["lr"] = lr
    started = time.monotonic() if started is None else started
    for epoch in range(start_epoch, epochs):
        batches = fit.batches()
        total = 0.0
        fit.net.train()
        for b in batches:
            loss = fit.loss(b) / len(b)
            fit.opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(fit.net.parameters(), 5.0)
            fit.opt.step()
            total += float(loss.detach())
        fit.net.eval()
        scores = fit.evaluate()
        score = sum(scores.values()) / len(scores)
        record = {
            "epoch": epoch,
            "loss": round(total / len(batches), 4),
            "dev": scores,
            "seconds": round(time.monotonic() - started),
        }
        print(json.dumps(record), flush=True)
        with log.open("a") as fh:
            fh.write(json.dumps(record) + "\n")
        torch.save(fit.best_state(), out / f"{fit.name}_epoch{epoch}.pt")
        if score > best:
            best = score
            torch.save(fit.best_state(), best_path)
        state = {"net": fit.net.state_dict(), "opt": fit.opt.state_dict(), "epoch": epoch}
        torch.save({**state, "best": best, "random": random.getstate()}, ckpt)
        if time.monotonic() - started > budget:
            print("time budget spent; resume with --resume", flush=True)
            break
    return 0


def _length_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Batches of indices with similar lengths together (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i] + random.random() * 8)
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    random.shuffle(batches)
    return batches


def _tags(pairs: Sequence[Any], width: int) -> torch.Tensor:
    """Pad the gold tags (last in each pair) to ``width``."""
    y = torch.zeros(len(pairs), width, dtype=torch.long)
    for r, p in enumerate(pairs):
        y[r, : len(p[-1])] = torch.tensor(p[-1])
    return y


def _start(out: Path, seed: int) -> tuple[dict[str, Any], list[str], torch.Tensor, Vocab]:
    """Seed the run on one thread; return the examples, the word vectors and the vocabulary."""
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    random.seed(seed)
    with (out / "examples.pkl").open("rb") as fh:
        data = pickle.load(fh)
    words, vectors = load_vectors(MODELS_DIR / VECTORS_FILE)
    return data, words, vectors, Vocab.of(words, data["lemmas"], data["deprels"])


def train(
    out: Path, net_name: str, epochs: int, resume: bool, budget: float, seed: int = 13
) -> int:
    """Train the cue tagger (``net_name`` "cue") on the pickled examples."""
    if net_name != "cue":
        raise ValueError(f"train() trains the cue tagger, not {net_name!r} (see train_head)")
    data, words, vectors, vocab = _start(out, seed)
    net = Tagger(DOC_CHANNELS, channel_sizes(vocab, len(words)), vectors, 3, **CONFIG["cue"])
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3)
    train_pairs, dev_pairs = _pairs(data["train"]), _pairs(data["dev"])
    print(f"cue: {len(train_pairs)} train, {len(dev_pairs)} dev sequences", flush=True)

    def batches() -> list[list[int]]:
        random.shuffle(train_pairs)
        return _length_batches([len(p[1]) for p in train_pairs], 32)

    def loss(b: list[int]) -> torch.Tensor:
        chosen = [train_pairs[i] for i in b]
        x, lengths = batch([p[0] for p in chosen])
        return net.loss(x, lengths, _tags(chosen, x.size(1)))

    def predict(chunk: Sequence[Any]) -> list[list[int]]:
        return net.predict(*batch([p[0] for p in chunk]))

    def best_state() -> dict[str, torch.Tensor]:
        return {k: v for k, v in net.state_dict().items() if k != "words.weight"}

    fit = Fit(
        "cue",
        net,
        opt,
        batches,
        loss,
        lambda: _dev_f1(dev_pairs, predict, ROLES["cue"]),
        best_state,
    )
    return _fit(fit, out, epochs, resume, budget)


MANIFEST_KEY = "attribution_model"
TERMS = (
    "PolNeAR (Newell, Margolin and Ruths, LREC 2018), a research corpus of news articles "
    "annotated with attributions; the weights hold tagger parameters and a vocabulary of "
    "lemmas and relation names, no article text"
)


def cue_tagger(out: Path, vocab: Vocab, vectors: torch.Tensor) -> Tagger:
    """Load the best cue tagger of a run (frozen, for the argument head)."""
    sizes = channel_sizes(vocab, vectors.size(0))
    net = Tagger(DOC_CHANNELS, sizes, vectors, 3, **CONFIG["cue"])
    weights = torch.load(out / "cue_best.pt")
    weights["words.weight"] = vectors
    net.load_state_dict(weights)
    net.eval()
    return net


def states_of(net: Tagger, example: Any) -> torch.Tensor:
    """Return the cue tagger's states of every word of an article, in document order."""
    _, states = tag_sentences(net, [r for r, _ in example.cue_rows])
    return states.half()


def _head_pairs(net: Tagger, examples: Sequence[Any]) -> list[tuple[torch.Tensor, Rows, list[int]]]:
    pairs = []
    for e in examples:
        states = states_of(net, e)
        for rows, tags, first in e.arg_rows:
            if tags:
                cols = [tuple(r[c] for c in HEAD_COLUMNS) for r in rows]
                pairs.append((states[first : first + len(tags)], cols, tags))
    return pairs


def _head_batch(
    pairs: Sequence[Any],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x, lengths = batch([p[1] for p in pairs])
    h = torch.zeros(x.size(0), x.size(1), pairs[0][0].size(1))
    for r, p in enumerate(pairs):
        h[r, : len(p[2])] = p[0].float()
    return h, x, lengths


def train_head(
    out: Path, epochs: int, resume: bool, budget: float, seed: int = 13, lr: float | None = None
) -> int:
    """Train the argument head on the frozen cue tagger's states (checkpoint every epoch)."""
    data, words, vectors, vocab = _start(out, seed)
    net = cue_tagger(out, vocab, vectors)
    started = time.monotonic()
    train_pairs, dev_pairs = _head_pairs(net, data["train"]), _head_pairs(net, data["dev"])
    del data
    print(
        f"head: {len(train_pairs)} train, {len(dev_pairs)} dev windows; "
        f"states in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    head = ArgHead(
        HEAD_CHANNELS,
        channel_sizes(vocab, len(words)),
        2 * CONFIG["cue"]["hidden"],
        **CONFIG["head"],
    )
    opt = torch.optim.Adam(head.parameters(), lr=1e-3)

    def loss(b: list[int]) -> torch.Tensor:
        chosen = [train_pairs[i] for i in b]
        h, x, lengths = _head_batch(chosen)
        return head.loss(h, x, lengths, _tags(chosen, x.size(1)))

    def predict(chunk: Sequence[Any]) -> list[list[int]]:
        return head.predict(*_head_batch(chunk))

    fit = Fit(
        "head",
        head,
        opt,
        lambda: _length_batches([len(p[2]) for p in train_pairs], 32),
        loss,
        lambda: _dev_f1(dev_pairs, predict, ROLES["head"]),
        head.state_dict,
    )
    return _fit(fit, out, epochs, resume, budget, lr, started)


def averaged(paths: Sequence[Path]) -> dict[str, torch.Tensor]:
    """Return the mean of saved weights (checkpoint averaging, as in Vaswani et al. 2017 and
    stochastic weight averaging: the epochs of one run lie in one basin, and their mean
    generalises a little better than any one of them)."""
    states = [torch.load(p, weights_only=True) for p in paths]
    return {k: sum(s[k].float() for s in states) / len(states) for k in states[0]}


def bundle(out: Path, dest: Path, version: str, head_epochs: Sequence[int] = ()) -> int:
    """Write the shipped weights file (both taggers in half precision, vocabularies, config)
    and record it in the bundle's ``manifest.json`` under ``attribution_model``.

    ``head_epochs``: average the argument head's weights over these epochs
    (``head_epoch<N>.pt``) instead of taking its best epoch.
    """
    import hashlib

    with (out / "examples.pkl").open("rb") as fh:
        data = pickle.load(fh)
    head = (
        averaged([out / f"head_epoch{n}.pt" for n in head_epochs])
        if head_epochs
        else torch.load(out / "head_best.pt", weights_only=True)
    )
    state = {
        "version": version,
        "lemmas": data["lemmas"],
        "deprels": data["deprels"],
        "config": CONFIG,
        "cue": {k: v.half() for k, v in torch.load(out / "cue_best.pt").items()},
        "head": {k: v.half() for k, v in head.items()},
    }
    torch.save(state, dest)
    manifest_path = dest.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    logs = {n: _best_epoch(out / "logs" / f"train_{n}.jsonl") for n in ("cue", "head")}
    manifest[MANIFEST_KEY] = {
        "file": dest.name,
        "version": version,
        "bytes": dest.stat().st_size,
        "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
        "training_data": {
            "PolNeAR train": {
                "articles": len(data["train"]),
                "held_out": f"{len(data['heldout'])} train articles (evaluation split 'heldout')",
                "dev": "model selection (best epoch) and the rules/model combination",
                "terms": TERMS,
            }
        },
        "word_vectors": "pretrain.pt of this bundle (GloVe 6B 50d), frozen",
        "recipe": "python -m training attribution all --shared ../shared (2 CPU cores)",
        "config": CONFIG,
        "dev_when_selected": logs,
        "head_weights": (
            f"mean of epochs {', '.join(map(str, head_epochs))}" if head_epochs else "best epoch"
        ),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB) and its manifest entry")
    return 0


def _best_epoch(log: Path) -> dict[str, Any]:
    if not log.exists():
        return {}
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    if not records:
        return {}
    best = max(records, key=lambda r: sum(r["dev"].values()) / len(r["dev"]))
    return {"epoch": best["epoch"], "epochs_run": len(records), "dev_span_f1": best["dev"]}


if __name__ == "__main__":
    sys.exit(0)
