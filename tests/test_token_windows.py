"""The tokenizer's windowed reading of long paragraphs (:mod:`attribution.nlp.token_windows`).

Model-free tests use a fake trainer whose labels depend on each character alone,
so windows must give the labels of the whole paragraph; the model tests compare
the bundled tokenizer with Stanza's own window-after-window reading.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from attribution.nlp import stanza_parser as sp
from attribution.nlp import token_windows
from attribution.nlp.token_windows import MARGIN, label_batch, windows


@pytest.mark.parametrize("length", [1001, 1600, 1799, 1800, 1801, 4065, 10_000])
def test_windows_keep_every_character_once_inside_their_margins(length: int) -> None:
    size = 1000
    got = windows(length, size)
    assert got[0][:2] == (0, 0) and got[-1][2] == length
    for (start, keep_from, keep_to), nxt in zip(got, [*got[1:], None], strict=True):
        assert 0 <= start and start + size <= length
        assert start <= keep_from < keep_to <= start + size
        if keep_from > 0:
            assert keep_from - start >= MARGIN
        if keep_to < length:
            assert start + size - keep_to >= MARGIN
        if nxt is not None:
            assert nxt[1] == keep_to  # the kept stretches follow one another
    assert len(got) == max(1, -(-(length - 2 * MARGIN) // (size - 2 * MARGIN)))


def test_windows_refuse_what_needs_no_window() -> None:
    with pytest.raises(ValueError):
        windows(1000, 1000)
    with pytest.raises(ValueError):
        windows(5000, 200)


class CharTrainer:
    """Labels each character by itself: '.' ends a sentence, ' ' ends a token."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def predict(self, inputs: Any) -> Any:
        units, _, _, text = inputs
        self.calls.append(tuple(units.shape))
        out = np.zeros((len(text), len(text[0]), 5), dtype=np.float32)
        for i, row in enumerate(text):
            for j, ch in enumerate(row):
                out[i, j, {".": 2, " ": 1}.get(ch, 0)] = 1
        return out


def _batch(rows: list[str]) -> tuple[Any, Any, Any, list[list[str]]]:
    import torch

    width = max(len(r) for r in rows) + 1  # every row ends with a pad, as Stanza collates
    units = torch.zeros(len(rows), width, dtype=torch.int64)
    labels = torch.full((len(rows), width), -1, dtype=torch.int32)
    features = torch.zeros(len(rows), width, 2)
    chars = [list(r) + ["<PAD>"] * (width - len(r)) for r in rows]
    for i, row in enumerate(rows):
        units[i, : len(row)] = torch.tensor([ord(c) for c in row])
    return units, labels, features, chars


def test_label_batch_gives_each_character_its_label() -> None:
    words = "The minister said the talks would resume. "
    rows = [words * 100, words * 40, words * 20, "Short one."]
    trainer = CharTrainer()
    got = label_batch(trainer, _batch(rows), 1000)
    for row, labels in zip(rows, got, strict=True):
        expected = [{".": 2, " ": 1}.get(ch, 0) for ch in row]
        assert list(labels[: len(row)]) == expected
    # The short rows in one call of 1,000 steps, the long ones' windows in batches.
    assert trainer.calls[0] == (2, 1000)  # 840 and 10 characters
    long_windows = len(windows(len(rows[0]), 1000)) + len(windows(len(rows[1]), 1000))
    assert sum(rows for rows, _ in trainer.calls[1:]) == long_windows
    assert all(rows <= token_windows.ROWS and steps == 1000 for rows, steps in trainer.calls[1:])


def test_label_batch_of_short_rows_is_one_call() -> None:
    trainer = CharTrainer()
    got = label_batch(trainer, _batch(["A b.", "C."]), 1000)
    assert trainer.calls == [(2, 5)]
    assert list(got[1][:2]) == [0, 2]


def test_unmarked_tokenizers_keep_stanzas_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(
        token_windows, "_STANZA_PREDICT", lambda *args: seen.append(args) or ([], [])
    )
    trainer = CharTrainer()
    assert token_windows.predict(trainer, "data", 32, 1000, True, 0) == ([], [])
    assert seen == [(trainer, "data", 32, 1000, True, 0)]


def test_install_replaces_stanzas_predict_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from stanza.models.tokenization import utils

    # Stanza's own, whether or not a parser loaded earlier in this process installed ours.
    stanza_predict = (
        token_windows._STANZA_PREDICT if utils.predict is token_windows.predict else utils.predict
    )
    assert stanza_predict is not token_windows.predict
    monkeypatch.setattr(utils, "predict", stanza_predict)
    monkeypatch.setattr(token_windows, "_STANZA_PREDICT", None)
    pipelines = [
        SimpleNamespace(processors={"tokenize": SimpleNamespace(trainer=CharTrainer())})
        for _ in range(2)
    ]
    assert all(token_windows.install(p) for p in pipelines)
    assert utils.predict is token_windows.predict
    assert token_windows._STANZA_PREDICT is stanza_predict  # never our own: no recursion
    assert all(vars(p.processors["tokenize"].trainer)[token_windows.MARK] for p in pipelines)
    assert not token_windows.install(SimpleNamespace(processors={}))


@pytest.fixture(scope="module")
def parsers(one_torch_thread: None) -> tuple[sp.StanzaParser, sp.StanzaParser]:
    windowed = sp.StanzaParser(sp.ParserConfig(threads=1))
    stanza = sp.StanzaParser(sp.ParserConfig(threads=1, token_windows=False))
    return windowed, stanza


@pytest.mark.model
def test_long_paragraphs_tokenize_as_stanza_does(
    parsers: tuple[sp.StanzaParser, sp.StanzaParser],
) -> None:
    windowed, stanza = parsers

    def sentence(n: int) -> str:
        return [
            "Officials said the talks would resume on Monday, according to a source familiar "
            f"with the visit, who spoke on condition of anonymity (case {n}).",
            f"“We don't know yet,” Ms. Grünewald told AFP in Rabat on May {n % 28 + 1}.",
            "The U.S. embassy declined to comment; a spokesman said it was “premature”.",
        ][n % 3]

    text = " ".join(sentence(n) for n in range(60))
    assert len(text) > 5000  # one paragraph: six windows or more
    got = windowed.tokens(text)
    assert got == stanza.tokens(text)
    assert vars(windowed.pipeline.processors["tokenize"].trainer)[token_windows.MARK]
    assert not vars(stanza.pipeline.processors["tokenize"].trainer).get(token_windows.MARK)
    assert len(got) == 60


@pytest.mark.model
@pytest.mark.shared
def test_seed_article_tokenizes_as_stanza_does(
    parsers: tuple[sp.StanzaParser, sp.StanzaParser],
) -> None:
    from evaluation.common import shared_dir

    seed = shared_dir() / "examples" / "gantz-morocco.txt"
    if not seed.exists():
        pytest.skip("no ../shared/examples (a user's clone)")
    text = seed.read_text(encoding="utf-8")
    windowed, stanza = parsers
    assert windowed.tokens(text) == stanza.tokens(text)
    assert windowed(text) == stanza(text)
