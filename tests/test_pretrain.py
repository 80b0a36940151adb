"""The shared word vectors (:mod:`attribution.nlp.pretrain`): loaded once, failures not kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from attribution.nlp import pretrain


def _save(path: Path, words: list[str], dim: int = 3) -> torch.Tensor:
    emb = torch.arange(len(words) * dim, dtype=torch.float32).reshape(len(words), dim)
    torch.save({"vocab": {"_id2unit": words}, "emb": emb}, path)
    return emb


def test_one_load_per_file(tmp_path: Path) -> None:
    path = tmp_path / "pretrain.pt"
    emb = _save(path, ["<PAD>", "<UNK>", "said", "told"])
    first = pretrain.word_vectors(path)
    again = pretrain.word_vectors(tmp_path / "." / "pretrain.pt")
    assert again is first
    assert list(first.words) == ["<PAD>", "<UNK>", "said", "told"]
    assert first.index == {"<PAD>": 0, "<UNK>": 1, "said": 2, "told": 3}
    assert torch.equal(first.matrix, emb) and first.matrix.dtype == torch.float32


def test_a_failed_load_is_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "late.pt"
    with pytest.raises(FileNotFoundError):
        pretrain.word_vectors(path)
    _save(path, ["<PAD>", "word"])
    assert pretrain.word_vectors(path).index["word"] == 1


def test_vectors_that_do_not_fit_their_words_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.pt"
    torch.save({"vocab": {"_id2unit": ["a", "b", "c"]}, "emb": torch.zeros(2, 3)}, path)
    with pytest.raises(ValueError, match="3 words but vectors of shape"):
        pretrain.word_vectors(path)
