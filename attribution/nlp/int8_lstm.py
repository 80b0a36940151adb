"""Int8 LSTMs called on packed sequences through the operator's packed overload.

PyTorch's dynamic int8 LSTM module (``torch.ao.nn.quantized.dynamic.LSTM``)
calls ``quantized_lstm``, which tries its unpacked overload first; on a packed
batch that attempt fails, and its error message prints the batch sizes: half a
millisecond a call. :func:`int8_lstm_packed` calls the packed overload by name.
Used by the learned model (:mod:`attribution.learned.network`) and by the
``fast`` profile's tagger and parser (:func:`attribution.nlp.levers.quantize`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence


def int8_lstm_packed(
    lstm: Any, data: Tensor, batch_sizes: Tensor, hx: tuple[Tensor, Tensor] | None = None
) -> tuple[Tensor, Tensor, Tensor]:
    """Run the int8 LSTM ``lstm`` over packed ``data`` with its ``batch_sizes`` and
    initial states ``hx`` (zeros when ``None``); return the packed outputs and the
    final hidden and cell states."""
    if hx is None:
        layers = lstm.num_layers * (2 if lstm.bidirectional else 1)
        zeros = data.new_zeros(layers, int(batch_sizes[0]), lstm.hidden_size)
        hx = (zeros, zeros)
    out, h, c = torch.ops.aten.quantized_lstm.data(
        data,
        batch_sizes,
        list(hx),
        [m.param for m in lstm._all_weight_values],
        lstm.bias,
        lstm.num_layers,
        0.0,
        False,
        lstm.bidirectional,
        dtype=lstm.dtype,
        use_dynamic=True,
    )
    return out, h, c


class Int8PackedLSTM(nn.Module):
    """An int8 LSTM in place of an ``nn.LSTM``: packed sequences go through
    :func:`int8_lstm_packed`, anything else through the module."""

    def __init__(self, lstm: nn.Module) -> None:
        super().__init__()
        self.lstm = lstm

    def forward(
        self, inputs: Any, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Any, tuple[Tensor, Tensor]]:
        if not isinstance(inputs, PackedSequence):
            result: tuple[Any, tuple[Tensor, Tensor]] = self.lstm(inputs, hx)
            return result
        out, h, c = int8_lstm_packed(self.lstm, inputs.data, inputs.batch_sizes, hx)
        sizes, order, unorder = inputs.batch_sizes, inputs.sorted_indices, inputs.unsorted_indices
        return PackedSequence(out, sizes, order, unorder), (h, c)
