"""Train the cue tagger or the argument tagger on PolNeAR train (held-out sample excluded).

``python -m training attribution examples`` builds the examples once (pickled);
``python -m training attribution train --net cue|arg`` trains one tagger on one
thread, checkpointing after every epoch (``--resume`` continues from it) and
keeping the epoch with the best dev F1 (spans matched exactly, words).
"""

from __future__ import annotations

import json
import pickle
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from attribution.learned.features import DOC_CHANNELS, WINDOW_CHANNELS, Vocab, channel_sizes
from attribution.learned.model import MODELS_DIR, VECTORS_FILE, load_vectors
from attribution.learned.network import Tagger, batch
from attribution.learned.producer import _segments
from evaluation.polnear import read_split
from evaluation.polnear import heldout_names
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
    for split, arts, key in (("train", fit, "train"), ("dev", read_split(shared / "data" / "polnear" / "dev"), "dev")):
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


def _pairs(examples: Sequence[Any], net: str) -> list[tuple[Rows, list[int]]]:
    key = "cue_rows" if net == "cue" else "arg_rows"
    return [p for e in examples for p in getattr(e, key) if len(p[1]) > 0]


def _span_f1(net: Tagger, pairs: Sequence[tuple[Rows, list[int]]], roles: dict[str, tuple[int, int]]) -> dict[str, float]:
    net.eval()
    counts = {r: [0, 0, 0] for r in roles}
    with torch.inference_mode():
        for i in range(0, len(pairs), 64):
            chunk = pairs[i : i + 64]
            x, lengths = batch([p[0] for p in chunk])
            for pred, (_, gold) in zip(net.predict(x, lengths), chunk, strict=True):
                for role, (b, inside) in roles.items():
                    g = {tuple(s) for s in _segments(gold, b, inside)}
                    p = {tuple(s) for s in _segments(pred, b, inside)}
                    c = counts[role]
                    c[0] += len(g & p)
                    c[1] += len(p)
                    c[2] += len(g)
    out = {}
    for role, (tp, np_, ng) in counts.items():
        prec = tp / np_ if np_ else 0.0
        rec = tp / ng if ng else 0.0
        out[role] = round(200 * prec * rec / (prec + rec), 2) if prec + rec else 0.0
    net.train()
    return out


ROLES = {"cue": {"cue": (1, 2)}, "arg": {"source": (1, 2), "content": (3, 4)}}
CONFIG = {"cue": {"hidden": 128, "layers": 2}, "arg": {"hidden": 160, "layers": 2}}


def train(out: Path, net_name: str, epochs: int, resume: bool, budget: float, seed: int = 13) -> int:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    random.seed(seed)
    with (out / "examples.pkl").open("rb") as fh:
        data = pickle.load(fh)
    words, vectors = load_vectors(MODELS_DIR / VECTORS_FILE)
    vocab = Vocab.of(words, data["lemmas"], data["deprels"])
    sizes = channel_sizes(vocab, len(words))
    channels = DOC_CHANNELS if net_name == "cue" else DOC_CHANNELS + WINDOW_CHANNELS
    tags = 3 if net_name == "cue" else 5
    net = Tagger(channels, sizes, vectors, tags, **CONFIG[net_name])
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3)
    train_pairs, dev_pairs = _pairs(data["train"], net_name), _pairs(data["dev"], net_name)
    ckpt = out / f"{net_name}_checkpoint.pt"
    best_path = out / f"{net_name}_best.pt"
    log = out / "logs" / f"train_{net_name}.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    start_epoch, best = 0, -1.0
    if resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        start_epoch, best = state["epoch"] + 1, state["best"]
        random.setstate(state["random"])
    size = 32 if net_name == "cue" else 16
    started = time.monotonic()
    print(f"{net_name}: {len(train_pairs)} train, {len(dev_pairs)} dev sequences", flush=True)
    for epoch in range(start_epoch, epochs):
        random.shuffle(train_pairs)
        # Similar lengths together: less padding.
        order = sorted(range(len(train_pairs)), key=lambda i: len(train_pairs[i][1]) + random.random() * 8)
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        random.shuffle(batches)
        total = 0.0
        net.train()
        for b in batches:
            x, lengths = batch([train_pairs[i][0] for i in b])
            y = torch.zeros(x.size(0), x.size(1), dtype=torch.long)
            for r, i in enumerate(b):
                y[r, : len(train_pairs[i][1])] = torch.tensor(train_pairs[i][1])
            loss = net.loss(x, lengths, y) / len(b)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += float(loss)
        scores = _span_f1(net, dev_pairs, ROLES[net_name])
        score = sum(scores.values()) / len(scores)
        record = {"epoch": epoch, "loss": round(total / len(batches), 4), "dev": scores, "seconds": round(time.monotonic() - started)}
        print(json.dumps(record), flush=True)
        with log.open("a") as fh:
            fh.write(json.dumps(record) + "\n")
        if score > best:
            best = score
            torch.save({k: v for k, v in net.state_dict().items() if k != "words.weight"}, best_path)
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "epoch": epoch, "best": best, "random": random.getstate()}, ckpt)
        if time.monotonic() - started > budget:
            print("time budget spent; resume with --resume", flush=True)
            break
    return 0


def bundle(out: Path, dest: Path, version: str) -> int:
    """Write the shipped weights file: both taggers (half precision), vocabularies, config."""
    with (out / "examples.pkl").open("rb") as fh:
        data = pickle.load(fh)
    state = {
        "version": version,
        "lemmas": data["lemmas"],
        "deprels": data["deprels"],
        "config": CONFIG,
        "cue": {k: v.half() for k, v in torch.load(out / "cue_best.pt").items()},
        "arg": {k: v.half() for k, v in torch.load(out / "arg_best.pt").items()},
    }
    torch.save(state, dest)
    print(f"wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(0)
