"""The bundled word vectors (GloVe 6B 50-d, ``pretrain.pt``), loaded once per process.

Three components read the same file: Stanza's tagger and parser, the learned
attribution model (:mod:`attribution.learned`) and the mention typer
(:mod:`attribution.entities`). Each used to load its own copy, about 30 MB of
vectors and vocabulary apiece (issue 13's memory target). Now all of them go
through one Stanza ``FoundationCache``, which the bundled pipeline is built
with, so the vectors, the word list and the word -> id map exist once.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attribution.nlp.deferred import defer_unused_imports

if TYPE_CHECKING:
    import torch

_LOCK = threading.Lock()
_LOADED: dict[str, WordVectors] = {}


@dataclass(frozen=True, slots=True)
class WordVectors:
    """A vocabulary (position = id), its word -> id map and the vectors (float32, one row
    per word). Shared: never modify them in place."""

    words: Sequence[str]
    index: Mapping[str, int]
    matrix: torch.Tensor


@cache
def foundation_cache() -> Any:
    """Return the process's Stanza ``FoundationCache`` (offline: ``local_files_only``)."""
    defer_unused_imports()
    from stanza.models.common.foundation_cache import FoundationCache

    return FoundationCache(local_files_only=True)


def cache_key(path: Path) -> str:
    """Return the name a pretrain file is cached under (its resolved path)."""
    return str(Path(path).resolve())


def word_vectors(path: Path) -> WordVectors:
    """Return the vectors of the Stanza pretrain file ``path``, loaded once per process.

    Raises what loading raises (``FileNotFoundError``, ``RuntimeError``, an unpickling
    error ...); callers turn it into :class:`attribution.errors.ModelLoadError`.
    """
    import torch

    key = cache_key(path)
    with _LOCK:
        found = _LOADED.get(key)
        if found is not None:
            return found
        try:
            pretrain = foundation_cache().load_pretrain(key)
            vocab, emb = pretrain.vocab, pretrain.emb
        except BaseException:
            # A failed load must not stay cached: the next call tries the file again.
            foundation_cache().pretrains.pop(key, None)
            raise
        words: Sequence[str] = vocab._id2unit
        index = getattr(vocab, "_unit2id", None)
        if not isinstance(index, dict) or len(index) != len(words):
            index = {w: i for i, w in enumerate(words)}
            vocab._unit2id = index
        matrix = emb.float() if isinstance(emb, torch.Tensor) else torch.as_tensor(emb).float()
        if matrix.dim() != 2 or matrix.size(0) != len(words):
            raise ValueError(f"{len(words)} words but vectors of shape {tuple(matrix.shape)}")
        found = _LOADED[key] = WordVectors(words, index, matrix)
        return found


__all__ = ["WordVectors", "cache_key", "foundation_cache", "word_vectors"]
