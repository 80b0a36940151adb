"""The tagger network: channel embeddings, a BiLSTM and a linear-chain CRF.

The CRF (Lafferty et al. 2001; BiLSTM-CRF of Huang et al. 2015 and Lample et
al. 2016) scores whole tag sequences, so a span's B and I tags agree and its
boundaries are decided jointly. The word channel embeds with the bundled GloVe
vectors, frozen; every other channel has a small trained table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from attribution.nlp.dense_lstm import run_directions
from attribution.nlp.int8_lstm import int8_lstm_packed

#: Embedding width of each channel other than the word vectors.
WIDTHS = {"lemma": 32, "deprel": 16, "upos": 12, "tree": 24, "cue_deprel": 12}
DEFAULT_WIDTH = 6
NEG = -1e4


class CRF(nn.Module):
    """A linear-chain CRF over ``tags`` labels with start and end transitions."""

    def __init__(self, tags: int) -> None:
        super().__init__()
        self.trans = nn.Parameter(torch.zeros(tags, tags))
        self.start = nn.Parameter(torch.zeros(tags))
        self.end = nn.Parameter(torch.zeros(tags))

    def nll(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        """Return the summed negative log-likelihood of ``tags`` (batch, time)."""
        return (self._partition(emissions, mask) - self._score(emissions, tags, mask)).sum()

    def _score(self, em: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        emit = em.gather(2, tags.unsqueeze(2)).squeeze(2)
        trans = self.trans[tags[:, :-1], tags[:, 1:]]
        score = self.start[tags[:, 0]] + emit[:, 0]
        score = score + ((emit[:, 1:] + trans) * mask[:, 1:]).sum(1)
        last = mask.long().sum(1) - 1
        return score + self.end[tags.gather(1, last.unsqueeze(1)).squeeze(1)]

    def _partition(self, em: Tensor, mask: Tensor) -> Tensor:
        alpha = self.start + em[:, 0]
        for t in range(1, em.size(1)):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans + em[:, t].unsqueeze(1), dim=1)
            m = mask[:, t].unsqueeze(1)
            alpha = nxt * m + alpha * (1 - m)
        return torch.logsumexp(alpha + self.end, dim=1)

    def decode(self, em: Tensor, mask: Tensor) -> list[list[int]]:
        """Return the best tag sequence of each row (Viterbi), cut to its length.

        Run in NumPy: a step is a handful of small array operations, which cost
        less there than as torch calls. Rows go longest first, so the rows still
        running at a step are a prefix and the others are left as they are.
        """
        lengths = mask.long().sum(1).numpy()
        order = np.argsort(-lengths, kind="stable")
        scores = em.detach().float().numpy()[order]
        ordered = lengths[order]
        trans = self.trans.detach().float().numpy()
        rows, steps, tags = scores.shape
        score = self.start.detach().float().numpy() + scores[:, 0]
        back = np.empty((rows, steps, tags), dtype=np.int64)
        back[:] = np.arange(tags)  # a finished row's tag points at itself
        live = rows
        for t in range(1, steps):
            while live and ordered[live - 1] <= t:
                live -= 1
            total = score[:live, :, None] + trans
            back[:live, t] = total.argmax(axis=1)
            score[:live] = np.maximum.reduce(total, axis=1) + scores[:live, t]
        tag = (score + self.end.detach().float().numpy()).argmax(axis=1)
        path = np.zeros((rows, steps), dtype=np.int64)
        path[:, -1] = tag
        every = np.arange(rows)
        for t in range(steps - 1, 0, -1):
            tag = back[every, t, tag]
            path[:, t - 1] = tag
        best = np.empty_like(path)
        best[order] = path
        paths: list[list[int]] = best.tolist()
        return [p[:n] for p, n in zip(paths, lengths.tolist(), strict=True)]


class Tagger(nn.Module):
    """Embed every channel, run a BiLSTM over the sequence, score tags with a CRF."""

    def __init__(
        self,
        channels: Sequence[str],
        sizes: Mapping[str, int],
        vectors: Tensor,
        tags: int,
        hidden: int = 128,
        layers: int = 2,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.channels = tuple(channels)
        self.words = nn.Embedding(vectors.size(0), vectors.size(1), padding_idx=0)
        self.words.weight = nn.Parameter(vectors, requires_grad=False)
        self.tables = nn.ModuleDict(
            {
                c: nn.Embedding(sizes[c], WIDTHS.get(c, DEFAULT_WIDTH))
                for c in self.channels
                if c != "word"
            }
        )
        width = vectors.size(1) + sum(WIDTHS.get(c, DEFAULT_WIDTH) for c in self.tables)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(
            width,
            hidden,
            num_layers=layers,
            bidirectional=True,
            batch_first=True,
            dropout=dropout if layers > 1 else 0.0,
        )
        self.out = nn.Linear(2 * hidden, tags)
        self.crf = CRF(tags)

    def emissions(self, x: Tensor, lengths: Tensor) -> Tensor:
        """Return tag scores (batch, time, tags) for ids ``x`` (batch, time, channels)."""
        scores: Tensor = self.out(self.drop(self.encode(x, lengths)))
        return scores

    def encode(self, x: Tensor, lengths: Tensor) -> Tensor:
        """Return the BiLSTM states (batch, time, 2 * hidden) for ids ``x``."""
        return _run_lstm(self.lstm, self.drop(self.embed(x)), lengths)

    def embed(self, x: Tensor) -> Tensor:
        """Return every channel's embedding side by side for ids ``x`` (..., channels)."""
        parts = [self.words(x[..., 0])]
        for k, c in enumerate(self.channels):
            if c != "word":
                parts.append(self.tables[c](x[..., k]))
        return torch.cat(parts, dim=-1)

    def encode_packed(self, ids: Tensor, batch_sizes: Tensor) -> Tensor:
        """Return the BiLSTM states (positions, 2 * hidden) of a packed batch: ``ids``
        (positions, channels) in the time-major order of rows longest first
        (:class:`Packing`), ``batch_sizes`` the rows alive at each step. The same
        states as :meth:`encode` without its padded copies."""
        return run_packed(self.lstm, self.drop(self.embed(ids)), batch_sizes)

    def loss(self, x: Tensor, lengths: Tensor, tags: Tensor) -> Tensor:
        mask = length_mask(lengths, x.size(1))
        return self.crf.nll(self.emissions(x, lengths), tags, mask)

    def predict(self, x: Tensor, lengths: Tensor) -> list[list[int]]:
        return self.crf.decode(self.emissions(x, lengths), length_mask(lengths, x.size(1)))


class ArgHead(nn.Module):
    """The argument tagger: a small BiLSTM-CRF over the cue tagger's states plus window ids.

    The cue tagger's BiLSTM has read every sentence once (frozen here); the head
    adds what depends on the cue (distance, tree relation, the rules' link) and
    reads the window again, cheaply, once per cue.

    ``bottleneck``: when set (``d``), the LSTM reads ``d`` numbers a word instead
    of the states and embeddings side by side: a linear map of the states plus
    one ``d``-wide embedding per channel, summed (a rank-``d`` factor of the
    input weights). The map is applied once per document word
    (:meth:`prepare`), not once per window word, so a window word costs the
    recurrence and a few table lookups.
    """

    def __init__(
        self,
        channels: Sequence[str],
        sizes: Mapping[str, int],
        states: int,
        tags: int = 5,
        hidden: int = 96,
        dropout: float = 0.3,
        bottleneck: int = 0,
    ) -> None:
        super().__init__()
        self.channels = tuple(channels)
        self.bottleneck = bottleneck
        self.tables = nn.ModuleDict(
            {
                c: nn.Embedding(sizes[c], bottleneck or WIDTHS.get(c, DEFAULT_WIDTH))
                for c in self.channels
            }
        )
        if bottleneck:
            self.project = nn.Linear(states, bottleneck)
            width = bottleneck
            starts = [0]
            for c in self.channels[:-1]:
                starts.append(starts[-1] + sizes[c])
            self.register_buffer("starts", torch.tensor(starts), persistent=False)
        else:
            width = states + sum(WIDTHS.get(c, DEFAULT_WIDTH) for c in self.channels)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(width, hidden, num_layers=1, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, tags)
        self.crf = CRF(tags)

    def prepare(self, states: Tensor) -> Tensor:
        """Return what the head reads of the cue tagger's ``states`` (the bottleneck's map,
        or the states themselves): computed once for a document's words."""
        if not self.bottleneck:
            return states
        projected: Tensor = self.project(states)
        return projected

    def emissions(self, h: Tensor, x: Tensor, lengths: Tensor) -> Tensor:
        """Return tag scores for states ``h`` (batch, time, states) and ids ``x``."""
        return self.scores(self.prepare(h), x, lengths)

    def scores(self, p: Tensor, x: Tensor, lengths: Tensor) -> Tensor:
        """Return tag scores for prepared states ``p`` (:meth:`prepare`) and ids ``x``."""
        if self.bottleneck:
            # One summed lookup in the tables stacked (no per-channel tensors).
            table = torch.cat([self.tables[c].get_parameter("weight") for c in self.channels])
            ids = (x + self.get_buffer("starts")).reshape(-1, len(self.channels))
            summed = nn.functional.embedding_bag(ids, table, mode="sum")
            inputs = p + summed.view(x.size(0), x.size(1), -1)
        else:
            inputs = torch.cat([p, *self._embedded(x)], dim=-1)
        # The fused kernel pays off for a narrow input (a bottleneck); a wide one is as
        # fast packed, with less memory.
        run = run_directions if self.bottleneck and not self.training else _run_lstm
        out = run(self.lstm, self.drop(inputs), lengths)
        scores: Tensor = self.out(self.drop(out))
        return scores

    def loss(self, h: Tensor, x: Tensor, lengths: Tensor, tags: Tensor) -> Tensor:
        mask = length_mask(lengths, x.size(1))
        return self.crf.nll(self.emissions(h, x, lengths), tags, mask)

    def predict(self, h: Tensor, x: Tensor, lengths: Tensor) -> list[list[int]]:
        return self.crf.decode(self.emissions(h, x, lengths), length_mask(lengths, x.size(1)))

    def predict_prepared(self, p: Tensor, x: Tensor, lengths: Tensor) -> list[list[int]]:
        """:meth:`predict` for states already :meth:`prepare`-d."""
        return self.crf.decode(self.scores(p, x, lengths), length_mask(lengths, x.size(1)))

    def predict_windows(self, p: Tensor, windows: Sequence[tuple[int, Tensor]]) -> list[list[int]]:
        """Tag windows, each its first document word and its id rows (words, channels),
        over the document's prepared states ``p`` (:meth:`prepare`); return each
        window's tags. The same as :meth:`predict_prepared` over the windows padded
        (:func:`pad_windows`). A head without a bottleneck reads them packed,
        longest first, built straight from the windows: no padded batch of states
        and embeddings is made, then copied into a packed one, and no padded
        outputs (the model alone over 21 articles peaked 20-30 MB lower).
        """
        if self.bottleneck:
            x, h, lengths = pad_windows(windows, p)
            return self.predict_prepared(h, x, lengths)
        sizes = [len(rows) for _, rows in windows]
        pack = Packing.of(sizes)
        x = torch.cat([rows for _, rows in windows])[pack.at(starts(sizes))]
        states = p[pack.at(np.array([first for first, _ in windows]))]
        inputs = self.drop(torch.cat([states, *self._embedded(x)], dim=-1))
        out = self.out(self.drop(run_packed(self.lstm, inputs, pack.batch_sizes)))
        return pack.unsort(self.crf.decode(*pack.pad(out)))

    def _embedded(self, x: Tensor) -> list[Tensor]:
        """Return each channel's embedding of ids ``x`` (..., channels)."""
        return [self.tables[c](x[..., k]) for k, c in enumerate(self.channels)]


@dataclass(frozen=True)
class Packing:
    """Rows of unequal lengths laid out as one packed batch: longest first (a stable
    order), time-major (step 0 of every row, then step 1 of the rows that long, ...),
    as PyTorch packs them."""

    #: The rows, longest first.
    order: np.ndarray
    #: Their lengths, in that order.
    sizes: list[int]
    #: The row (its place in ``order``) and step of every packed position.
    rows: np.ndarray
    steps: np.ndarray
    #: The rows alive at each step.
    batch_sizes: Tensor

    @classmethod
    def of(cls, lengths: Sequence[int]) -> Packing:
        """Lay out rows of ``lengths`` (at least one row, the longest not empty)."""
        order = sorted(range(len(lengths)), key=lambda k: -lengths[k])
        sizes = [lengths[k] for k in order]
        rows, steps, batch_sizes = packed_order(sizes)
        return cls(np.array(order, dtype=np.int64), sizes, rows, steps, batch_sizes)

    def at(self, firsts: np.ndarray) -> Tensor:
        """Return, for every packed position, ``firsts`` of its row (by the rows' own
        numbering) plus its step: where it lies in the rows laid end to end, or in the
        document when ``firsts`` are the rows' first words."""
        return torch.from_numpy(firsts[self.order[self.rows]] + self.steps)

    def pad(self, scores: Tensor) -> tuple[Tensor, Tensor]:
        """Return packed ``scores`` (positions, tags) padded to (rows longest first,
        steps, tags) and the mask of the steps within each row (for :meth:`CRF.decode`)."""
        longest = int(self.sizes[0])
        padded = scores.new_zeros(len(self.sizes), longest, scores.size(1))
        padded[torch.from_numpy(self.rows), torch.from_numpy(self.steps)] = scores
        return padded, length_mask(torch.tensor(self.sizes, dtype=torch.long), longest)

    def unsort(self, items: Sequence[list[int]]) -> list[list[int]]:
        """Return ``items`` given longest first in the rows' own order."""
        out: list[list[int]] = [[] for _ in items]
        for k, item in zip(self.order.tolist(), items, strict=True):
            out[k] = item
        return out


def starts(lengths: Sequence[int]) -> np.ndarray:
    """Return where each of rows of ``lengths`` starts when they are laid end to end."""
    return np.cumsum([0, *lengths[:-1]], dtype=np.int64)


def _run_lstm(lstm: nn.Module, inputs: Tensor, lengths: Tensor) -> Tensor:
    """Run ``lstm`` over padded ``inputs`` (batch, time, width) of the given lengths, packed.

    Rows already longest first are packed as they stand, without the sort and
    its copy. The LSTM runs through :func:`run_packed`.
    """
    ordered = bool((lengths[:-1] >= lengths[1:]).all())
    packed = nn.utils.rnn.pack_padded_sequence(
        inputs, lengths, batch_first=True, enforce_sorted=ordered
    )
    out = nn.utils.rnn.PackedSequence(
        run_packed(lstm, packed.data, packed.batch_sizes),
        packed.batch_sizes,
        packed.sorted_indices,
        packed.unsorted_indices,
    )
    padded, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=inputs.size(1))
    states: Tensor = padded
    return states


def run_packed(lstm: nn.Module, data: Tensor, batch_sizes: Tensor) -> Tensor:
    """Run ``lstm`` over packed ``data`` (positions, width) with its ``batch_sizes``
    (rows longest first, no initial states); return the packed outputs. An int8
    LSTM (:meth:`attribution.learned.model.LearnedAttribution.quantize`) runs
    through :func:`~attribution.nlp.int8_lstm.int8_lstm_packed`."""
    if _QUANTIZED_LSTM is not None and isinstance(lstm, _QUANTIZED_LSTM):
        return int8_lstm_packed(lstm, data, batch_sizes)[0]
    out: Tensor = lstm(nn.utils.rnn.PackedSequence(data, batch_sizes))[0].data
    return out


def packed_order(sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray, Tensor]:
    """For rows of ``sizes`` longest first, return the row and step of every position of
    their packed batch (time-major: step 0 of every row, then step 1 of the rows that
    long, ...) and the rows alive at each step (PyTorch's ``batch_sizes``)."""
    lengths = np.asarray(sizes, dtype=np.int64)
    alive = np.arange(int(lengths[0]))[:, None] < lengths[None, :]
    steps, rows = np.nonzero(alive)
    return rows, steps, torch.from_numpy(alive.sum(1))


def pad_windows(
    windows: Sequence[tuple[int, Tensor]], states: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """Pad window rows and their cue-tagger states into batches; return them and the lengths."""
    lengths = torch.tensor([len(rows) for _, rows in windows], dtype=torch.long)
    width = int(lengths.max())
    x = torch.zeros(len(windows), width, windows[0][1].size(1), dtype=torch.long)
    h = torch.zeros(len(windows), width, states.size(1))
    for k, (first, rows) in enumerate(windows):
        x[k, : len(rows)] = rows
        h[k, : len(rows)] = states[first : first + len(rows)]
    return x, h, lengths


def _quantized_lstm_type() -> type | None:
    try:
        from torch.ao.nn.quantized.dynamic import LSTM
    except ImportError:  # a torch without eager-mode quantization: no model is quantized
        return None
    return LSTM


_QUANTIZED_LSTM = _quantized_lstm_type()


def length_mask(lengths: Tensor, size: int) -> Tensor:
    """Return 1.0 where a step is within its row's length, 0.0 on padding (batch, size)."""
    return (torch.arange(size).unsqueeze(0) < lengths.unsqueeze(1)).float()


def batch(rows: Sequence[Sequence[Sequence[int]]]) -> tuple[Tensor, Tensor]:
    """Pad sequences of id rows into (batch, time, channels) and their lengths (filled in
    NumPy: a row of tuples converts there in a third of ``torch.tensor``'s time)."""
    sizes = [len(r) for r in rows]
    x = np.zeros((len(rows), max(sizes), len(rows[0][0])), dtype=np.int64)
    for i, r in enumerate(rows):
        if sizes[i]:
            x[i, : sizes[i]] = r
    return torch.from_numpy(x), torch.tensor(sizes, dtype=torch.long)
