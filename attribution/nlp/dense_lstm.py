"""The tokenizer's LSTMs run over padded rows, one direction at a time (issue 13).

Stanza's tokenizer reads each paragraph's characters with two narrow
bidirectional LSTMs (64 units) over a packed batch of paragraphs of unequal
lengths. PyTorch runs a packed sequence step by step in its own loop, and for
such narrow layers that loop, not the arithmetic, is most of the time. A dense
batch goes instead through oneDNN's fused LSTM kernel. A row padded at its end
gives the forward direction's states unchanged up to its length; the backward
direction reads each row reversed within its length, so its padding also comes
after its words. Rows are taken longest first in groups whose padding stays
under :data:`PAD_SHARE` of their characters, and read :data:`WINDOW` steps a
call: oneDNN compiles and keeps a kernel for every shape it runs, so the shapes
are few (a length per call made a process's peak RSS grow by about 50 MB over
30 articles).

Measured over 40 PolNeAR articles: tokenization 1.12x less CPU (the states
differ from the packed ones by about 1e-6, rounding; the tokens are compared in
``tests/test_levers.py`` and ``benchmarks/bench_throughput.py``, lever
``dense_lstm``). The tokenizer discards the LSTMs' final states, so the
replacement returns the outputs and ``None`` for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Padding a group of rows may add, as a share of its characters.
PAD_SHARE = 0.3
#: Most rows in one dense call.
MAX_ROWS = 8
#: Most padded positions (rows x steps) in one dense call: the calls' temporaries stay
#: a few MB each (a long article's paragraphs are thousands of characters).
MAX_POSITIONS = 8_192
#: Steps the fused kernel reads a call (:func:`run_directions`); a sequence's last,
#: partial window is padded to a multiple of :data:`TAIL_STEP` steps. With groups of
#: 1, 2, 4 or 8 rows the kernel sees at most 16 shapes per LSTM (about 0.3 MB each).
WINDOW = 128
TAIL_STEP = 32
#: The tokenizer's LSTMs this lever runs (``Tokenizer.rnn`` and, when hierarchical, ``rnn2``).
TOKENIZER_LSTMS = ("rnn", "rnn2")


def install_dense_lstm(pipeline: Any) -> list[str]:
    """Run the tokenizer's LSTMs through :class:`DenseLSTM`; return which."""
    import torch

    model = getattr(getattr(pipeline.processors.get("tokenize"), "trainer", None), "model", None)
    done = []
    for name in TOKENIZER_LSTMS:
        lstm = getattr(model, name, None)
        if (
            isinstance(lstm, torch.nn.LSTM)
            and lstm.batch_first
            and lstm.bias
            and not lstm.proj_size
            and not isinstance(vars(lstm).get("forward"), DenseLSTM)
        ):
            lstm.forward = DenseLSTM(lstm)  # type: ignore[method-assign,assignment]
            done.append(name)
    return done


class DenseLSTM:
    """An ``nn.LSTM``'s forward on a packed batch without initial states, by dense
    calls per direction; anything else goes to the LSTM's own forward."""

    def __init__(self, lstm: Any) -> None:
        self.lstm = lstm

    def __call__(self, inputs: Any, hx: Any = None) -> tuple[Any, Any]:
        from torch.nn.utils.rnn import PackedSequence

        lstm = self.lstm
        if hx is not None or lstm.training or not isinstance(inputs, PackedSequence):
            result: tuple[Any, Any] = type(lstm).forward(lstm, inputs, hx)
            return result
        return dense_directions(lstm, inputs), None


def dense_directions(lstm: Any, inputs: Any) -> Any:
    """Return ``lstm``'s output for the packed ``inputs`` (a ``PackedSequence`` laid out
    as the packed one's), computed over padded groups of rows by :func:`run_directions`."""
    import torch
    from torch.nn.utils.rnn import PackedSequence

    data, sizes = inputs.data, inputs.batch_sizes
    lengths = row_lengths(sizes.tolist())
    # Packed position of (row r, step t) is starts[t] + r; rows go longest first.
    starts = torch.zeros(len(sizes), dtype=torch.long)
    starts[1:] = torch.cumsum(sizes, 0)[:-1]
    pad = data.size(0)  # the index of an all-zero row appended to the data
    padded = torch.cat([data, data.new_zeros(1, data.size(1))])
    out = data.new_empty(data.size(0), (2 if lstm.bidirectional else 1) * lstm.hidden_size)
    for first, end in groups(lengths):
        size = torch.tensor(lengths[first:end])
        steps = torch.arange(lengths[first]).unsqueeze(0)
        valid = steps < size.unsqueeze(1)
        index = torch.where(valid, starts[steps] + torch.arange(first, end).unsqueeze(1), pad)
        out[index[valid]] = run_directions(lstm, padded[index], size, WINDOW)[valid]
    return PackedSequence(out, sizes, inputs.sorted_indices, inputs.unsorted_indices)


def run_directions(lstm: Any, inputs: Any, lengths: Any, window: int = 0) -> Any:
    """Run ``lstm`` (``batch_first``, with biases) over padded ``inputs`` (batch, time,
    width) of the given ``lengths``, one direction at a time; return its outputs.

    Each direction reads its rows with their padding at the end (the backward
    one reads every row reversed within its length), so the padding never
    reaches a real word's state, and the whole sequence goes to the fused CPU
    kernel (oneDNN) at once instead of step by step as packed sequences do:
    the same states to rounding, much less time per step for a small network.
    Padding positions come back as zeros, as from a packed run padded again.

    ``window``: read the steps ``window`` at a time, carrying the states across
    (the last, partial window padded to a multiple of :data:`TAIL_STEP`), so the
    kernel sees a few sequence lengths.
    oneDNN keeps a compiled kernel for every shape it has run (up to 1,024 by
    default, each a fraction of a MB); a length per call would make a serving
    process grow.
    """
    import torch

    steps = inputs.size(1)
    if window:
        # Whole windows, then the rest padded to a multiple of TAIL_STEP.
        padded = steps + (-(steps % window) % TAIL_STEP if steps % window else 0)
        inputs = torch.nn.functional.pad(inputs, (0, 0, 0, padded - steps))
    at = torch.arange(inputs.size(1)).unsqueeze(0)
    ends = lengths.unsqueeze(1)
    flip = torch.where(at < ends, ends - 1 - at, at).unsqueeze(2)
    x = inputs
    for layer in range(lstm.num_layers):
        outs = []
        for suffix in ("", "_reverse") if lstm.bidirectional else ("",):
            params = [
                lstm.get_parameter(f"{name}_l{layer}{suffix}")
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            src = x.gather(1, flip.expand(-1, -1, x.size(2))) if suffix else x
            out = _run_windows(src, params, lstm.hidden_size, window or src.size(1))
            outs.append(out.gather(1, flip.expand(-1, -1, out.size(2))) if suffix else out)
        x = torch.cat(outs, 2) if len(outs) > 1 else outs[0]
    return (x * (at < ends).unsqueeze(2).to(x.dtype))[:, :steps]


def _run_windows(inputs: Any, params: list[Any], hidden: int, window: int) -> Any:
    """Run one direction's weights ``params`` over ``inputs``, ``window`` steps a call."""
    import torch

    state = inputs.new_zeros(1, inputs.size(0), hidden)
    h, c = state, state
    outs = []
    for first in range(0, inputs.size(1), window):
        piece = inputs[:, first : first + window].contiguous()
        out, h, c = torch.lstm(piece, (h, c), params, True, 1, 0.0, False, False, True)
        outs.append(out)
    return torch.cat(outs, 1) if len(outs) > 1 else outs[0]


def row_lengths(sizes: list[int]) -> list[int]:
    """Return each row's length (longest first) from a packed batch's per-step sizes."""
    lengths = [0] * (sizes[0] if sizes else 0)
    previous = 0
    for step in range(len(sizes) - 1, -1, -1):
        for row in range(previous, sizes[step]):
            lengths[row] = step + 1
        previous = max(previous, sizes[step])
    return lengths


def groups(lengths: list[int]) -> Iterator[tuple[int, int]]:
    """Yield ``(first, end)`` runs of rows (lengths longest first) to pad together: at
    most :data:`MAX_ROWS` and :data:`MAX_POSITIONS`, padding within :data:`PAD_SHARE`
    of their length, cut into runs of a power of two rows (few shapes)."""
    first = 0
    while first < len(lengths):
        end, total = first + 1, lengths[first]
        while (
            end < len(lengths)
            and end - first < MAX_ROWS
            and lengths[first] * (end + 1 - first) <= MAX_POSITIONS
            and lengths[first] * (end + 1 - first) <= (1 + PAD_SHARE) * (total + lengths[end])
        ):
            total += lengths[end]
            end += 1
        while first < end:
            size = 1 << ((end - first).bit_length() - 1)
            yield first, first + size
            first += size
