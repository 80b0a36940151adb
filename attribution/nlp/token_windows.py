"""The tokenizer reads a long paragraph in overlapping windows, all at once (issue 13).

Stanza's tokenizer labels every character of a paragraph (token end, sentence
end, multi-word token) with a character BiLSTM. A paragraph longer than
``max_seqlen`` characters (1,000) is read a window at a time: a window is
labelled, the next one starts after the last sentence end found in it, and so
on, one window after the other and one row each. A scraped article often comes
as one paragraph (the seed article: 4,065 characters, five windows), and that
loop is then most of the tokenizer's time: the LSTM steps through every
character of every window in turn, and the text after each window's last
sentence end is read twice.

Here a long paragraph is cut beforehand into windows of ``max_seqlen``
characters that overlap by ``2 * MARGIN`` (:func:`windows`), and the windows go
through the network together as rows of one batch (:data:`ROWS` a call). Each
character takes its label from the window where it lies at least
:data:`MARGIN` characters from both edges (the paragraph's own start and end
excepted), so every label is read with 100 characters of context on each side.
Stanza's windows start at a sentence start but stop anywhere, and the labels
just before a window's end are kept with almost no right context. The labels
can therefore differ from Stanza's where a window edge falls; on the seed article
and 100 PolNeAR dev articles (78,960 tokens) the tokens and sentences are the
same (``tests/test_token_windows.py``; the UD and PolNeAR gates measure the rest).
Paragraphs of at most ``max_seqlen`` characters are labelled as Stanza does.

:func:`install` marks a pipeline's tokenizer; Stanza's ``predict`` is replaced
once for the process and keeps its own behaviour for tokenizers not marked.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

#: Characters a label is read from a window's edge, each side (except at the paragraph's ends).
MARGIN = 100
#: Most windows labelled in one call of the network.
ROWS = 16
#: The attribute that marks a tokenizer trainer for windowed reading.
MARK = "read_in_windows"

_STANZA_PREDICT: Any = None
_INSTALL_LOCK = threading.Lock()


def windows(length: int, size: int, margin: int = MARGIN) -> list[tuple[int, int, int]]:
    """Return ``(start, keep_from, keep_to)`` for windows of ``size`` characters over a
    paragraph of ``length > size``: each window is ``[start, start + size)``, and the
    kept stretches ``[keep_from, keep_to)`` follow one another from 0 to ``length``.

    Consecutive windows overlap by ``2 * margin``; the last one ends at the paragraph's
    end (it may overlap its neighbour more). A kept stretch stays ``margin`` characters
    inside its window, except at the paragraph's start and end.
    """
    if length <= size or size <= 2 * margin:
        raise ValueError(f"windows of {size} with margins of {margin} for {length} characters")
    out = []
    start = kept = 0
    while start + size < length:
        out.append((start, kept, start + size - margin))
        kept = start + size - margin
        start += size - 2 * margin
    out.append((length - size, kept, length))
    return out


def label_batch(trainer: Any, batch: Any, max_seqlen: int) -> list[Any]:
    """Return each row's argmax labels for a collated tokenizer ``batch`` (units,
    labels, features, characters; rows longest first, padded with ``<PAD>``).

    Rows of at most ``max_seqlen`` characters are labelled as Stanza's first window
    labels them; longer rows by :func:`windows`, whose kept labels are put together.
    A row's labels cover at least its characters.
    """
    units, labels, features, chars = batch
    if len(chars[0]) <= max_seqlen:
        return list(np.argmax(trainer.predict(batch), axis=2))
    lengths = [row.index("<PAD>") for row in chars]
    out: list[Any] = [None] * len(chars)
    short = [j for j, n in enumerate(lengths) if n <= max_seqlen]
    if short:
        piece = (
            units[short, :max_seqlen],
            labels[short, :max_seqlen],
            features[short, :max_seqlen],
            [chars[j][:max_seqlen] for j in short],
        )
        for j, row in zip(short, np.argmax(trainer.predict(piece), axis=2), strict=True):
            out[j] = row
    jobs = [
        (j, *window)
        for j, n in enumerate(lengths)
        if n > max_seqlen
        for window in windows(n, max_seqlen)
    ]
    kept: dict[int, list[Any]] = {}
    for first in range(0, len(jobs), ROWS):
        part = jobs[first : first + ROWS]
        piece = (
            _stack(units, part, max_seqlen),
            _stack(labels, part, max_seqlen),
            _stack(features, part, max_seqlen),
            [chars[j][s : s + max_seqlen] for j, s, _, _ in part],
        )
        found = np.argmax(trainer.predict(piece), axis=2)
        for row, (j, s, keep_from, keep_to) in zip(found, part, strict=True):
            kept.setdefault(j, []).append(row[keep_from - s : keep_to - s])
    for j, rows in kept.items():
        out[j] = np.concatenate(rows)
    return out


def _stack(tensor: Any, part: list[tuple[int, int, int, int]], size: int) -> Any:
    import torch

    return torch.stack([tensor[j, s : s + size] for j, s, _, _ in part])


def predict(
    trainer: Any,
    data_generator: Any,
    batch_size: int,
    max_seqlen: int,
    use_regex_tokens: bool,
    num_workers: int,
) -> tuple[list[Any], list[Any]]:
    """Stanza's ``tokenization.utils.predict`` with :func:`label_batch` for a marked
    trainer (same arguments, same results' form); Stanza's own otherwise."""
    if not vars(trainer).get(MARK):
        result: tuple[list[Any], list[Any]] = _STANZA_PREDICT(
            trainer, data_generator, batch_size, max_seqlen, use_regex_tokens, num_workers
        )
        return result
    from stanza.models.tokenization.data import SortedDataset
    from stanza.models.tokenization.utils import update_pred_regex
    from torch.utils.data import DataLoader

    sorted_data = SortedDataset(data_generator)
    loader = DataLoader(
        sorted_data,
        batch_size=batch_size,
        collate_fn=sorted_data.collate,
        num_workers=num_workers,
    )
    all_preds, all_raw = [], []
    for batch in loader:
        for raw, pred in zip(batch[3], label_batch(trainer, batch, max_seqlen), strict=True):
            length = raw.index("<PAD>")
            raw = raw[:length]
            # A paragraph ends a sentence (Stanza's rule): 0/1 become 2, 3 becomes 4.
            if pred[length - 1] < 2:
                pred[length - 1] = 2
            elif pred[length - 1] > 2:
                pred[length - 1] = 4
            pred = pred[:length]
            all_raw.append(raw)
            all_preds.append(update_pred_regex(raw, pred) if use_regex_tokens else pred)
    return sorted_data.unsort(all_preds), sorted_data.unsort(all_raw)


def install(pipeline: Any) -> bool:
    """Read long paragraphs in windows in ``pipeline``'s tokenizer; return whether it
    applies (a Stanza neural tokenizer)."""
    global _STANZA_PREDICT
    from stanza.models.tokenization import utils

    trainer = getattr(pipeline.processors.get("tokenize"), "trainer", None)
    if trainer is None or not hasattr(trainer, "predict"):
        return False
    with _INSTALL_LOCK:  # pipelines may load in several threads at once
        if utils.predict is not predict:
            _STANZA_PREDICT = utils.predict
            utils.predict = predict
    vars(trainer)[MARK] = True
    return True
