"""The tagger's and parser's character vectors, remembered by word (issue 13).

Stanza's tagger and parser each read every word's characters with an LSTM and
pool its states into one vector (``CharacterModel``; the character-level word
representation of Ling et al. 2015 and Dozat et al. 2017). In eval mode that
vector depends only on the word's characters, and news repeats its words: over
PolNeAR's dev articles 87% of the words a batch reads were read before. This
cache keeps each word's vector by its character ids and runs the LSTM only on
the words it has not seen, the same computation Stanza's ``forward`` does.

The cache is bounded (:data:`CHAR_CACHE_SIZE` words per model, one preallocated
matrix); when full it starts again. Training mode goes to Stanza's own forward.
Measured by ``benchmarks/bench_throughput.py`` (lever ``char_cache``); that
the parses stay the same is checked there and by ``tests/test_levers.py``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

#: Most words whose character vector one model keeps.
CHAR_CACHE_SIZE = 10_000
#: The processors whose models read characters with Stanza's ``CharacterModel``.
CHAR_PROCESSORS = ("pos", "depparse")


def install_char_cache(pipeline: Any, size: int = CHAR_CACHE_SIZE) -> list[str]:
    """Give the character models of ``pipeline``'s tagger and parser a cache; return
    the processors that got one."""
    from stanza.models.common.char_model import CharacterModel

    done = []
    for name in CHAR_PROCESSORS:
        model = getattr(getattr(pipeline.processors.get(name), "trainer", None), "model", None)
        chars = getattr(model, "charmodel", None)
        if isinstance(chars, CharacterModel) and not isinstance(
            vars(chars).get("forward"), CachedChars
        ):
            chars.forward = CachedChars(chars, size)
            done.append(name)
    return done


class CachedChars:
    """``CharacterModel.forward`` with each word's vector remembered by its characters.

    The vectors are kept in a NumPy array, outside autograd and inference mode:
    the same pipeline may run under ``torch.inference_mode`` (the parser's
    default) and without it.
    """

    def __init__(self, model: Any, size: int) -> None:
        self.model = model
        self.size = size
        self.store = np.empty((0, 0), dtype=np.float32)  # (size, width) from the first vectors
        self.index: dict[tuple[int, ...], int] = {}
        # One parse at a time reads and fills the cache (a pipeline shared by threads).
        self.lock = threading.Lock()

    def __call__(
        self, chars: Any, chars_mask: Any, word_orig_idx: Any, sentlens: Any, wordlens: Any
    ) -> Any:
        import torch
        from stanza.models.common.utils import tensor_unsort
        from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

        model = self.model
        if model.training or not wordlens:
            return type(model).forward(model, chars, chars_mask, word_orig_idx, sentlens, wordlens)
        keys = [tuple(row[:n]) for row, n in zip(chars.tolist(), wordlens, strict=True)]
        with self.lock:
            rows = [self.index.get(key) for key in keys]
            seen = [i for i, row in enumerate(rows) if row is not None]
            new = [i for i, row in enumerate(rows) if row is None]
            kept = [row for row in rows if row is not None]
            old = torch.from_numpy(self.store[kept]) if kept else None
            fresh = None
            if new:
                # Still sorted longest first, as packing needs.
                picked = chars.index_select(0, torch.tensor(new))
                fresh = word_vectors(model, picked, [wordlens[i] for i in new])
                self._keep([keys[i] for i in new], fresh.detach().numpy())
        like: Any = fresh if fresh is not None else old
        vectors = like.new_empty(len(keys), like.size(1))
        if fresh is not None:
            vectors[torch.tensor(new)] = fresh
        if old is not None:
            vectors[torch.tensor(seen)] = old
        # The rest of Stanza's forward: back to the words' order, one row per sentence.
        res = pack_sequence(tensor_unsort(vectors, word_orig_idx).split(sentlens))
        return pad_packed_sequence(res, batch_first=True)[0] if model.pad else res

    def _keep(self, keys: list[tuple[int, ...]], vectors: np.ndarray[Any, Any]) -> None:
        if self.store.shape[1] != vectors.shape[1]:
            self.store = np.empty((self.size, vectors.shape[1]), dtype=vectors.dtype)
            self.index.clear()
        if len(self.index) + len(keys) > self.size:
            self.index.clear()
        taken, rows = [], []
        for k, key in enumerate(keys):
            if key not in self.index and len(self.index) < self.size:
                rows.append(len(self.index))
                self.index[key] = rows[-1]
                taken.append(k)
        if taken:
            self.store[rows] = vectors[taken]


def word_vectors(model: Any, chars: Any, wordlens: list[int]) -> Any:
    """Return the vectors ``CharacterModel.forward`` pools for words ``chars`` (sorted
    longest first, as Stanza sends them), in that order: its own steps up to the
    unsorting."""
    import torch
    from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

    embs = model.dropout(model.char_emb(chars))
    n = embs.size(0)
    layers = model.num_dir * model.args["char_num_layers"]
    hidden = model.args["char_hidden_dim"]
    output = model.charlstm(
        pack_padded_sequence(embs, wordlens, batch_first=True),
        wordlens,
        hx=(
            model.charlstm_h_init.expand(layers, n, hidden).contiguous(),
            model.charlstm_c_init.expand(layers, n, hidden).contiguous(),
        ),
    )
    if model.attn:
        states = output[0]
        weights = torch.sigmoid(model.char_attn(model.dropout(states.data)))
        weighted = PackedSequence(states.data * weights, states.batch_sizes)
        return pad_packed_sequence(weighted, batch_first=True)[0].sum(1)
    h = output[1][0]
    return h[-2:].transpose(0, 1).contiguous().view(n, -1)
