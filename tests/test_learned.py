"""The learned attribution producer without trained weights: CRF, decoding, merging, features.

Every test here but the last runs on tiny random tensors or hand-written parses
(``_engine_conllu``); the loading tests save a random cue tagger and argument head
next to the bundled word vectors (``pretrain.pt``). The last one (``model`` marker) loads the
shipped weights and the Stanza models.
"""

from __future__ import annotations

import inspect
import itertools
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import pytest
import torch
from _engine_conllu import HE_SAID, MADDY, doc

from attribution.errors import ModelLoadError
from attribution.extract.common import Context, Draft, Mention, build_context
from attribution.extract.learned import (
    MODEL_SIEVE,
    QUOTATION_SIEVES,
    TRUSTED_SIEVES,
    Found,
    Policy,
    combine,
    cue_head,
    cue_makes_claim,
    makes_claim,
    replace_source,
    replace_spans,
    to_draft,
)
from attribution.learned import features as F
from attribution.learned import model as M
from attribution.learned.features import (
    DOC_CHANNELS,
    HEAD_CHANNELS,
    HEAD_COLUMNS,
    HEAD_DOC_COLUMNS,
    WINDOW_CHANNELS,
    CueSite,
    DocFeatures,
    Vocab,
    channel_sizes,
    document_features,
    window_bounds,
    window_features,
)
from attribution.learned.model import (
    MODELS_DIR,
    VECTORS_FILE,
    WEIGHTS_FILE,
    LearnedAttribution,
    load_vectors,
)
from attribution.learned.network import (
    CRF,
    ArgHead,
    Tagger,
    _run_lstm,
    batch,
    packed_order,
    pad_windows,
)
from attribution.learned.producer import (
    B_C,
    B_S,
    I_C,
    I_S,
    OUTSIDE,
    cue_sites,
    decode_arguments,
    rule_links,
)
from attribution.nlp.dense_lstm import run_directions
from attribution.pipeline import RULES, Analyzer, assemble, run_stages
from attribution.quotes import find_quotes
from attribution.records import Attribution, Cue, SieveName, TextSpan
from attribution.settings import reset_settings
from attribution.types import ParsedDocument, Sentence, Token

TEXT = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence.\n"
    "“It’s possible that they were keen on this,” he said."
)
#: Sentence 0 (MADDY): "said" is word 9, its content words 10..15, its source words 0..7.
#: Sentence 1 (HE_SAID) starts at global word 17: "he" is word 12, "said" word 13.
SECOND = 17


@pytest.fixture(autouse=True, scope="module")
def _one_thread(one_torch_thread: None) -> None:
    """Tiny tensors: one intra-op thread (``conftest.one_torch_thread``)."""


# -- the CRF against brute force ---------------------------------------------------------


def _sequence_score(crf: CRF, em: torch.Tensor, seq: tuple[int, ...]) -> float:
    """Score one tag sequence of one row by hand (``em``: time x tags, cut to its length)."""
    start, trans, end = crf.start.detach(), crf.trans.detach(), crf.end.detach()
    s = start[seq[0]] + em[0, seq[0]]
    for t in range(1, len(seq)):
        s = s + trans[seq[t - 1], seq[t]] + em[t, seq[t]]
    return float(s + end[seq[-1]])


def _random_crf(seed: int, tags: int = 3) -> CRF:
    torch.manual_seed(seed)
    crf = CRF(tags)
    with torch.no_grad():
        for p in (crf.trans, crf.start, crf.end):
            p.normal_(0.0, 1.5)
    return crf


#: Unequal lengths in one batch; the longest first, last and in the middle in turn.
LENGTHS = [(4, 1, 3, 2), (1, 2, 4), (2, 4, 4, 1, 3), (3, 3)]


@pytest.mark.parametrize("seed", range(4))
def test_crf_decode_is_the_brute_force_argmax(seed: int) -> None:
    crf = _random_crf(seed)
    lengths = torch.tensor(LENGTHS[seed])
    em = torch.randn(len(lengths), int(lengths.max()), 3) * 2
    mask = (torch.arange(em.size(1)).unsqueeze(0) < lengths.unsqueeze(1)).float()
    with torch.no_grad():
        paths = crf.decode(em, mask)
    for row, n in enumerate(lengths.tolist()):
        best = max(
            itertools.product(range(3), repeat=n),
            key=lambda seq, row=row, n=n: _sequence_score(crf, em[row, :n], seq),
        )
        assert paths[row] == list(best), (row, n)


@pytest.mark.parametrize("seed", range(4))
def test_crf_nll_is_log_partition_minus_gold_score(seed: int) -> None:
    crf = _random_crf(seed + 10)
    lengths = torch.tensor(LENGTHS[seed])
    em = torch.randn(len(lengths), int(lengths.max()), 3) * 2
    mask = (torch.arange(em.size(1)).unsqueeze(0) < lengths.unsqueeze(1)).float()
    # Padding holds arbitrary tags: the mask must keep them out of the score.
    gold = torch.randint(0, 3, (len(lengths), em.size(1)))
    total = 0.0
    with torch.no_grad():
        for row, n in enumerate(lengths.tolist()):
            every = torch.tensor(
                [
                    _sequence_score(crf, em[row, :n], s)
                    for s in itertools.product(range(3), repeat=n)
                ]
            )
            want = float(torch.logsumexp(every, 0)) - _sequence_score(
                crf, em[row, :n], tuple(gold[row, :n].tolist())
            )
            got = float(crf.nll(em[row : row + 1], gold[row : row + 1], mask[row : row + 1]))
            assert got == pytest.approx(want, abs=1e-4)
            assert got >= -1e-5
            total += want
        assert float(crf.nll(em, gold, mask)) == pytest.approx(total, abs=1e-3)


def test_crf_nll_is_zero_for_a_certain_sequence() -> None:
    crf = CRF(3)
    em = torch.full((1, 3, 3), -50.0)
    em[0, [0, 1, 2], [2, 0, 1]] = 50.0
    with torch.no_grad():
        assert float(crf.nll(em, torch.tensor([[2, 0, 1]]), torch.ones(1, 3))) == pytest.approx(
            0.0, abs=1e-4
        )
        assert float(crf.nll(em, torch.tensor([[2, 0, 0]]), torch.ones(1, 3))) > 50


@pytest.mark.parametrize(("layers", "bidirectional"), [(1, True), (2, True), (1, False)])
def test_lstm_run_direction_by_direction_equals_the_packed_run(
    layers: int, bidirectional: bool
) -> None:
    torch.manual_seed(layers)
    lstm = torch.nn.LSTM(5, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    lstm.eval()
    lengths = torch.tensor([3, 7, 1, 7, 5])
    inputs = torch.randn(5, 7, 5)
    with torch.no_grad():
        packed = _run_lstm(lstm, inputs, lengths)
        split = run_directions(lstm, inputs, lengths)
        # A row alone, unpadded, reads the same.
        alone, _ = lstm(inputs[1:2, :7])
    assert split.shape == packed.shape
    assert torch.allclose(split, packed, atol=1e-6)
    assert torch.allclose(split[1], alone[0], atol=1e-6)
    assert not split[2, 1:].any()  # padding stays zero
    # Rows longest first are packed as they stand, to the same states.
    order = torch.argsort(lengths, descending=True, stable=True)
    with torch.no_grad():
        assert torch.equal(_run_lstm(lstm, inputs[order], lengths[order]), packed[order])


def test_batch_pads_rows_and_reports_lengths() -> None:
    x, lengths = batch([[(1, 2), (3, 4), (5, 6)], [(7, 8)]])
    assert lengths.tolist() == [3, 1]
    assert x.shape == (2, 3, 2)
    assert x[1].tolist() == [[7, 8], [0, 0], [0, 0]]
    assert x.dtype == lengths.dtype == torch.long
    x, lengths = batch([[(1, 2)], []])  # an empty row is all padding
    assert lengths.tolist() == [1, 0] and x[1].tolist() == [[0, 0]]


@pytest.mark.parametrize("bidirectional", [True, False])
def test_an_int8_lstm_runs_packed_as_its_module_does(bidirectional: bool) -> None:
    torch.manual_seed(4)
    net = torch.nn.Sequential(torch.nn.LSTM(6, 5, 2, bidirectional=bidirectional, batch_first=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated (torchao)
        lstm = torch.ao.quantization.quantize_dynamic(net, {torch.nn.LSTM}, torch.qint8)[0]
    inputs, lengths = torch.randn(4, 9, 6), torch.tensor([4, 9, 2, 9])
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        inputs, lengths, batch_first=True, enforce_sorted=False
    )
    with torch.inference_mode():
        want, _ = torch.nn.utils.rnn.pad_packed_sequence(lstm(packed)[0], batch_first=True)
        got = _run_lstm(lstm, inputs, lengths)
    assert torch.equal(got, want)


# -- a tiny tagger learns a toy pattern ----------------------------------------------------

MARKER = 2


def _toy(n: int, gen: torch.Generator) -> tuple[list[list[tuple[int]]], list[list[int]]]:
    """Word sequences; tag 1 on the marker word, 2 on the word after it, 0 elsewhere."""
    rows, tags = [], []
    for _ in range(n):
        length = int(torch.randint(2, 7, (1,), generator=gen))
        words = torch.randint(2, 20, (length,), generator=gen).tolist()
        words[int(torch.randint(0, length, (1,), generator=gen))] = MARKER
        row_tags = [
            1 if w == MARKER else 2 if i and words[i - 1] == MARKER else 0
            for i, w in enumerate(words)
        ]
        rows.append([(w,) for w in words])
        tags.append(row_tags)
    return rows, tags


def _adam(
    net: torch.nn.Module, loss_fn: Callable[[], torch.Tensor], steps: int, lr: float
) -> list[float]:
    """Adam by hand: building a ``torch.optim`` optimizer imports ``torch._dynamo`` (seconds)."""
    params = [p for p in net.parameters() if p.requires_grad]
    first = [torch.zeros_like(p) for p in params]
    second = [torch.zeros_like(p) for p in params]
    losses = []
    for step in range(1, steps + 1):
        for p in params:
            p.grad = None
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for p, m, v in zip(params, first, second, strict=True):
                assert p.grad is not None
                m.mul_(0.9).add_(p.grad, alpha=0.1)
                v.mul_(0.999).addcmul_(p.grad, p.grad, value=0.001)
                m_hat = m / (1 - 0.9**step)
                v_hat = v / (1 - 0.999**step)
                p.sub_(lr * m_hat / (v_hat.sqrt() + 1e-8))
    return losses


def test_tiny_tagger_learns_a_contextual_pattern() -> None:
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    vectors = torch.randn(20, 4)
    net = Tagger(("word",), {"word": 20}, vectors, 3, hidden=16, layers=1, dropout=0.0)
    rows, tags = _toy(16, gen)
    x, lengths = batch(rows)
    gold = torch.zeros(x.shape[:2], dtype=torch.long)
    for i, t in enumerate(tags):
        gold[i, : len(t)] = torch.tensor(t)
    losses = _adam(net, lambda: net.loss(x, lengths, gold), steps=80, lr=0.1)
    assert losses[-1] < losses[0] / 20
    net.eval()
    with torch.no_grad():
        assert net.predict(x, lengths) == tags
        held_rows, held_tags = _toy(16, gen)
        held = net.predict(*batch(held_rows))
    right = sum(
        p == t for ps, ts in zip(held, held_tags, strict=True) for p, t in zip(ps, ts, strict=True)
    )
    assert right >= 0.8 * sum(map(len, held_tags))
    # The word vectors are frozen: only the other layers learn.
    assert torch.equal(net.words.weight, vectors)


def _toy_head(
    bottleneck: int,
) -> tuple[ArgHead, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """An argument head over toy states (a random vector per word) and one id channel."""
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    rows, tags = _toy(16, gen)
    x, lengths = batch([[(min(w, 9),) for (w,) in r] for r in rows])
    table = torch.randn(20, 8, generator=gen)
    h = table[batch(rows)[0][:, :, 0]]
    gold = torch.zeros(x.shape[:2], dtype=torch.long)
    for i, t in enumerate(tags):
        gold[i, : len(t)] = torch.tensor(t)
    head = ArgHead(
        ("in_cue",), {"in_cue": 10}, 8, tags=3, hidden=16, dropout=0.0, bottleneck=bottleneck
    )
    return head, h, x, lengths, gold


@pytest.mark.parametrize("bottleneck", [0, 6])
def test_the_head_predicts_the_same_from_states_prepared_once(bottleneck: int) -> None:
    head, h, x, lengths, _ = _toy_head(bottleneck)
    head.eval()
    with torch.no_grad():
        prepared = head.prepare(h)
        assert prepared.size(-1) == (bottleneck or 8)
        assert head.lstm.input_size == (bottleneck or 8 + 6)
        assert head.predict_prepared(prepared, x, lengths) == head.predict(h, x, lengths)
        assert torch.equal(head.scores(prepared, x, lengths), head.emissions(h, x, lengths))


def test_packed_order_is_pytorch_s_packing() -> None:
    rows, steps, batch_sizes = packed_order([3, 2, 2, 1])
    assert rows.tolist() == [0, 1, 2, 3, 0, 1, 2, 0]
    assert steps.tolist() == [0, 0, 0, 0, 1, 1, 1, 2]
    assert batch_sizes.tolist() == [4, 3, 1]
    padded = torch.arange(12).reshape(4, 3)
    packed = torch.nn.utils.rnn.pack_padded_sequence(padded, torch.tensor([3, 2, 2, 1]), True)
    assert packed.data.tolist() == padded[rows, steps].tolist()
    assert torch.equal(packed.batch_sizes, batch_sizes)


def _random_windows(seed: int) -> tuple[torch.Tensor, list[tuple[int, torch.Tensor]]]:
    """Document states (40 words) and windows of unequal (and some equal) lengths."""
    gen = torch.Generator().manual_seed(seed)
    states = torch.randn(40, 8, generator=gen)
    windows = []
    for size in (5, 12, 1, 12, 7, 30, 5):
        first = int(torch.randint(0, 40 - size + 1, (1,), generator=gen))
        rows = torch.randint(0, 10, (size, 2), generator=gen)
        windows.append((first, rows))
    return states, windows


@pytest.mark.parametrize("int8", [False, True], ids=["float", "int8"])
@pytest.mark.parametrize("seed", range(3))
def test_the_head_tags_windows_packed_as_it_tags_them_padded(seed: int, int8: bool) -> None:
    torch.manual_seed(seed)
    head = ArgHead(("in_cue", "rel_pos"), {"in_cue": 10, "rel_pos": 10}, 8, hidden=6)
    with torch.no_grad():
        head.out.weight.mul_(10.0)  # tags that vary along the windows
    head.eval()
    if int8:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated (torchao)
            torch.ao.quantization.quantize_dynamic(head, {torch.nn.LSTM}, torch.qint8, inplace=True)
    states, windows = _random_windows(seed)
    with torch.inference_mode():
        got = head.predict_windows(states, windows)
        x, h, lengths = pad_windows(windows, states)
        want = head.predict_prepared(h, x, lengths)
    assert got == want
    assert [len(t) for t in got] == [len(rows) for _, rows in windows]
    assert len({tuple(t) for t in got}) > 2


def test_tag_sentences_gives_each_sentence_s_own_tags_and_states() -> None:
    torch.manual_seed(5)
    vectors = torch.randn(10, 4)
    cue = Tagger(("word", "upos"), {"word": 10, "upos": 6}, vectors, 3, hidden=5, layers=2)
    with torch.no_grad():
        cue.out.weight.mul_(10.0)
    cue.eval()
    gen = torch.Generator().manual_seed(5)
    sentences = [
        [tuple(int(v) for v in row) for row in torch.randint(0, 6, (n, 2), generator=gen)]
        for n in (4, 9, 0, 1, 9, 3)
    ]
    with torch.inference_mode():
        tags, states = M.tag_sentences(cue, sentences)
        want_tags, want_states = [], []
        for rows in sentences:
            if not rows:
                want_tags.append([])
                continue
            x, lengths = batch([rows])
            want_tags.append(cue.predict(x, lengths)[0])
            want_states.append(cue.encode(x, lengths)[0])
    assert tags == want_tags
    assert states.shape == (sum(len(r) for r in sentences), 10)
    assert torch.allclose(states, torch.cat(want_states), atol=1e-6)


def test_a_bottlenecked_head_learns_a_contextual_pattern() -> None:
    head, h, x, lengths, gold = _toy_head(6)
    losses = _adam(head, lambda: head.loss(h, x, lengths, gold), steps=80, lr=0.05)
    assert losses[-1] < losses[0] / 10
    head.eval()
    with torch.no_grad():
        predicted = head.predict(h, x, lengths)
    assert predicted == [g[:n] for g, n in zip(gold.tolist(), lengths.tolist(), strict=True)]


# -- cue sites -------------------------------------------------------------------------------

NO_FEATS = DocFeatures((), (0,), (0,), ())


def test_cue_sites_from_bio_tags() -> None:
    tags = [[0, 1, 2, 0, 2, 2, 1, 1], [2], [], [1, 2, 2], [0, 0]]
    assert cue_sites(NO_FEATS, tags) == [
        CueSite(0, (1, 2)),
        CueSite(0, (4, 5)),  # I without B starts a site
        CueSite(0, (6,)),  # two adjacent B's: two sites
        CueSite(0, (7,)),
        CueSite(1, (0,)),
        CueSite(3, (0, 1, 2)),  # a site at the end of its sentence
    ]


def test_cue_sites_never_cross_sentences() -> None:
    assert cue_sites(NO_FEATS, [[0, 1], [2, 0]]) == [CueSite(0, (1,)), CueSite(1, (0,))]


# -- argument decoding ------------------------------------------------------------------------

# A window starting at global word 7: three words of the previous sentence, then a
# sentence starting at global word 10 laid out as "X1 X2 , he said , Y1 Y2 ." (the cue
# "said" is word 4 of its sentence: global 14, window position 7).
FIRST, BASE = 7, 10
SITE = CueSite(3, (4,))
PUNCT = [False, False, True] + [False, False, True, False, False, True, False, False, True]


def _tags(**at: int) -> list[int]:
    """Window tags: OUTSIDE everywhere but the window positions given as ``p<position>=tag``."""
    out = [OUTSIDE] * len(PUNCT)
    for key, tag in at.items():
        out[int(key[1:])] = tag
    return out


def test_content_around_the_cue_and_source_is_joined() -> None:
    tags = _tags(p3=B_C, p4=I_C, p6=B_S, p9=B_C, p10=I_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None
    # The cue's sentence and sentence-local words, then document-wide word indices.
    assert found.sentence == SITE.sentence and found.cue_words == SITE.words
    assert found.cue == (14,)
    assert found.source == (13,)
    # "X1 X2 , Y1 Y2": the commas stay, the source and the cue go.
    assert found.content == (10, 11, 12, 15, 16, 17)
    assert found == Found(3, (4,), (14,), (13,), (10, 11, 12, 15, 16, 17))


def test_a_multi_word_cue_keeps_its_site() -> None:
    # "he said" as one cue (sentence words 3 and 4: global 13 and 14).
    site = CueSite(3, (3, 4))
    found = decode_arguments(site, FIRST, BASE, _tags(p6=B_C, p7=I_C, p9=B_C, p10=I_C), PUNCT)
    assert found == Found(3, (3, 4), (13, 14), (), (15, 16, 17))


def test_content_separated_by_a_word_keeps_the_piece_nearest_the_cue() -> None:
    # "a b" (6 words before the cue) and "Y1" (2 after): "X1" (untagged) parts them.
    tags = _tags(p0=B_C, p1=I_C, p9=B_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.content == (16,)
    # "X1 X2 ," (2 words before the cue) and "Y2" (3 after): "he" (untagged) parts them.
    tags = _tags(p3=B_C, p4=I_C, p5=I_C, p10=B_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.content == (10, 11, 12)


def test_pieces_across_a_content_word_of_another_sentence_are_not_joined() -> None:
    # Window 0..2 is the previous sentence: "a b ." then "X1": a non-punctuation word between.
    tags = _tags(p0=B_C, p3=B_C, p4=I_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.content == (10, 11)


def test_the_source_is_the_piece_nearest_the_cue() -> None:
    tags = _tags(p0=B_S, p1=I_S, p5=B_S, p8=B_C, p9=I_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.source == (12,)
    tags = _tags(p0=B_S, p1=I_S, p8=B_C, p10=B_S, p11=I_S)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.source == (17, 18)


def test_an_inside_tag_after_a_gap_starts_a_new_piece() -> None:
    # I_S with no B_S: a piece of its own; two I_S runs split by OUTSIDE: two pieces.
    tags = _tags(p0=I_S, p2=I_S, p5=I_S, p8=B_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None and found.source == (12,)


def test_no_content_gives_none() -> None:
    assert decode_arguments(SITE, FIRST, BASE, _tags(p6=B_S), PUNCT) is None
    assert decode_arguments(SITE, FIRST, BASE, _tags(), PUNCT) is None
    # Content tagged on the cue alone is no content.
    assert decode_arguments(SITE, FIRST, BASE, _tags(p7=B_C, p6=B_S), PUNCT) is None


def test_cue_and_source_words_are_never_content() -> None:
    # A content piece running over the cue: the cue word is taken out.
    tags = _tags(p6=B_C, p7=I_C, p8=I_C, p9=I_C)
    found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
    assert found is not None
    assert 14 not in found.content and found.content == (13, 15, 16)
    for tags in (
        _tags(p3=B_C, p4=I_C, p5=B_S, p6=I_S, p8=B_C, p9=I_C),
        _tags(p3=B_C, p4=I_C, p5=I_C, p6=B_S, p7=B_C, p8=I_C, p9=I_C, p10=I_C),
    ):
        found = decode_arguments(SITE, FIRST, BASE, tags, PUNCT)
        assert found is not None
        assert not set(found.content) & (set(found.cue) | set(found.source))


def test_a_content_piece_made_of_the_cue_alone_does_not_hide_real_content() -> None:
    # The cue (window 7) tagged content, then OUTSIDE, then real content at window 9..10
    # ("Y1 Y2") after a non-glue word at window 8 (not punctuation here).
    punct = list(PUNCT)
    punct[8] = False
    tags = _tags(p7=B_C, p9=B_C, p10=I_C)
    tags[8] = OUTSIDE
    found = decode_arguments(SITE, FIRST, BASE, tags, punct)
    assert found is not None and found.content == (16, 17)


# -- combining rule and model drafts ---------------------------------------------------------


def _draft(
    id: str,
    sieve: SieveName,
    cue: tuple[int, int] | None,
    content: tuple[int, int],
    source: tuple[int, int] | None = None,
    kind: str = "indirect",
) -> Draft:
    def span(se: tuple[int, int]) -> TextSpan:
        return TextSpan(se[0], se[1], f"{id}:{se[0]}-{se[1]}")

    src = span(source) if source else None
    att = Attribution(
        id=id,
        kind=kind,
        content=span(content),
        quotes=(span(content),) if kind == "direct" else (),
        cue=Cue(span(cue), "say") if cue else None,
        source=src,
        sieve=sieve,
    )
    return Draft(att, Mention(src, 0, 0) if src else None)


def test_combine_keeps_trusted_rules_redraws_weak_ones_and_adds_the_rest() -> None:
    trusted = _draft("q1", "dependency", (10, 14), (0, 9), (15, 17), kind="direct")
    weak = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    label = _draft("l1", "speaker_label", None, (60, 70), (55, 58), kind="direct")
    alone = _draft("i2", "indirect_speech", (80, 84), (85, 90), (75, 79))
    m_trusted = _draft("m1", MODEL_SIEVE, (11, 13), (0, 12), (15, 17))
    m_weak = _draft("m2", MODEL_SIEVE, (33, 38), (39, 52), (18, 29), kind="partial")
    m_new = _draft("m3", MODEL_SIEVE, (100, 104), (105, 120), (95, 99))
    m_touch = _draft("m4", MODEL_SIEVE, (84, 86), (130, 140))  # touches "i2"'s cue: no overlap
    rules, model = [trusted, weak, label, alone], [m_trusted, m_weak, m_new, m_touch]
    out = combine(rules, model)
    # "i2" (indirect speech the model did not confirm) goes by default.
    assert [d.attribution.id for d in out] == ["q1", "i1", "l1", "m3", "m4"]
    # The trusted "q1" keeps its record but takes the model's source mention.
    assert out[0] == replace_source(trusted, m_trusted) and out[2] == label
    assert out[0].attribution.content == trusted.attribution.content
    assert out[0].attribution.source == m_trusted.attribution.source
    assert out[3] == m_new and out[4] == m_touch
    # Without model sources its record stands untouched; the rest is the same.
    untouched = combine(rules, model, Policy(model_sources=False))
    assert untouched[0] == trusted and untouched[1:] == out[1:]
    # Keeping every rule draft: "i2" stays as it was ("m4" did not take it).
    kept = combine(rules, model, Policy(keep_unmatched=None))
    assert [d.attribution.id for d in kept] == ["q1", "i1", "l1", "i2", "m3", "m4"]
    assert kept[3] == alone and kept[:3] == out[:3]
    redrawn = out[1].attribution
    assert redrawn.id == "i1" and redrawn.cue == weak.attribution.cue
    assert redrawn.sieve == MODEL_SIEVE
    assert redrawn.content == m_weak.attribution.content
    assert redrawn.source == m_weak.attribution.source
    assert redrawn.kind == "partial"
    assert out[1].mention == m_weak.mention


@pytest.mark.parametrize("sieve", sorted(TRUSTED_SIEVES))
def test_every_trusted_sieve_keeps_its_record(sieve: SieveName) -> None:
    rule = _draft("q1", sieve, (10, 14), (0, 9), kind="direct")
    model = _draft("m1", MODEL_SIEVE, (10, 14), (0, 12))
    assert combine([rule], [model]) == (rule,)
    # With no sieve trusted the same rule takes the model's spans.
    (redrawn,) = combine([rule], [model], Policy(trusted=frozenset()))
    assert redrawn.attribution.id == "q1" and redrawn.attribution.content.end == 12


def test_a_model_draft_is_matched_once() -> None:
    a = _draft("i1", "indirect_speech", (10, 14), (20, 30))
    b = _draft("i2", "indirect_speech", (12, 16), (40, 50))
    m = _draft("m1", MODEL_SIEVE, (11, 15), (60, 70))
    out = combine([a, b], [m], Policy(keep_unmatched=None))
    assert len(out) == 2
    assert out[0].attribution.content == m.attribution.content and out[1] == b
    # By default "i2", left unmatched, goes: the model draft redraws "i1" alone.
    assert combine([a, b], [m]) == out[:1]


#: The merge before the defaults were chosen on dev: every rule draft kept, model
#: drafts dropped at half a kept content, trusted records untouched.
OLD_POLICY = Policy(keep_unmatched=None, overlap=0.5, model_sources=False)


def test_a_model_content_the_rules_already_hold_is_dropped() -> None:
    rule = _draft("i1", "indirect_speech", (80, 84), (85, 95))
    same = _draft("m1", MODEL_SIEVE, (200, 204), (86, 94))  # 8 of 10 characters shared
    nested = _draft("m2", MODEL_SIEVE, (210, 214), (85, 88))  # 3 of the longer's 10
    wider = _draft("m3", MODEL_SIEVE, (220, 224), (60, 96))  # holds it: 10 of 36
    out = combine([rule], [same, nested, wider], OLD_POLICY)
    assert [d.attribution.id for d in out] == ["i1", "m2", "m3"]
    policy = Policy(keep_unmatched=None, overlap=0.9)
    assert [d.attribution.id for d in combine([rule], [same], policy)] == ["i1", "m1"]


def test_a_model_content_a_redrawn_draft_holds_is_dropped() -> None:
    weak = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    redraw = _draft("m1", MODEL_SIEVE, (30, 34), (100, 120), (20, 29))
    held = _draft("m2", MODEL_SIEVE, (200, 204), (102, 118))  # 16 of the redrawn 20
    old = _draft("m3", MODEL_SIEVE, (210, 214), (35, 50))  # the rule's old content: not kept
    out = combine([weak], [redraw, held, old], OLD_POLICY)
    assert [d.attribution.id for d in out] == ["i1", "m3"]
    assert out[0].attribution.content == redraw.attribution.content
    assert out[1] == old
    # A trusted rule keeps its own content, and that content is what is held.
    trusted = _draft("q1", "dependency", (30, 34), (35, 50), kind="direct")
    out = combine([trusted], [redraw, held, old], OLD_POLICY)
    assert [d.attribution.id for d in out] == ["q1", "m2"]
    assert out[0] == trusted
    # Taking the model's source changes no content: the same model draft is held.
    sourced = combine([trusted], [redraw, held, old], replace(OLD_POLICY, model_sources=True))
    assert [d.attribution.id for d in sourced] == ["q1", "m2"]
    assert sourced[0] == replace_source(trusted, redraw)
    assert sourced[0].attribution.content == trusted.attribution.content


def test_a_rule_draft_the_policy_drops_holds_no_content() -> None:
    dropped = _draft("i1", "indirect_speech", (30, 34), (35, 50))
    same = _draft("m1", MODEL_SIEVE, (200, 204), (35, 50))
    policy = Policy(keep_unmatched=frozenset({"dependency"}), overlap=0.5)
    assert combine([dropped], [same], policy) == (same,)
    assert combine([dropped], [same], OLD_POLICY) == (dropped,)


def test_policy_can_drop_unmatched_rule_drafts_by_sieve() -> None:
    kept = _draft("q1", "dependency", (10, 14), (0, 9), kind="direct")
    dropped = _draft("i1", "indirect_speech", (30, 34), (35, 50))
    cueless = _draft("l1", "speaker_label", None, (60, 70), kind="direct")
    policy = Policy(keep_unmatched=frozenset({"dependency"}))
    assert combine([kept, dropped, cueless], [], policy) == (kept, cueless)
    every = Policy(keep_unmatched=None)
    assert combine([kept, dropped, cueless], [], every) == (kept, dropped, cueless)
    # The default keeps the quotation sieves' drafts, not indirect speech.
    assert combine([kept, dropped, cueless], []) == (kept, cueless)


def test_replace_spans_keeps_the_rule_source_when_the_model_has_none() -> None:
    rule = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    model = _draft("m1", MODEL_SIEVE, (30, 34), (36, 48))
    out = replace_spans(rule, model)
    assert out.attribution.source == rule.attribution.source
    assert out.mention == rule.mention
    assert out.attribution.content == model.attribution.content
    assert combine([], [model]) == (model,)
    assert combine([rule], [], Policy(keep_unmatched=None)) == (rule,)
    assert combine([rule], []) == ()  # unmatched indirect speech goes by default


# -- the default merge (chosen on PolNeAR dev) ----------------------------------------------


def test_the_default_policy() -> None:
    assert Policy() == Policy(
        TRUSTED_SIEVES,
        QUOTATION_SIEVES,
        None,
        True,
        trusted_kinds=frozenset({"direct"}),
        nested=QUOTATION_SIEVES,
    )
    # Trigram quotations the model also found take its spans (chosen on dev, held out).
    assert TRUSTED_SIEVES == {"speaker_label", "dependency", "bare_cue"}
    # Trusted records take the model's source by default (dev speaker accuracy 92.2 -> 94.4).
    assert Policy().model_sources is True
    # Every quotation sieve (the trusted ones too) and declined comments; no indirect speech.
    assert TRUSTED_SIEVES <= QUOTATION_SIEVES <= SIEVES
    assert "declined_comment" in QUOTATION_SIEVES
    assert not {"indirect_speech", "according_to", MODEL_SIEVE} & QUOTATION_SIEVES


@pytest.mark.parametrize("sieve", ["indirect_speech", "according_to"])
def test_unmatched_indirect_rule_drafts_go_by_default(sieve: SieveName) -> None:
    unmatched = _draft("i1", sieve, (30, 34), (35, 50), (20, 29))
    confirmed = _draft("i2", sieve, (60, 64), (65, 80), (55, 59))
    cueless = _draft("i3", sieve, None, (90, 99), (85, 89))
    model = _draft("m1", MODEL_SIEVE, (61, 63), (66, 78), (55, 59))
    out = combine([unmatched, confirmed, cueless], [model])
    # The one the model confirmed is redrawn; a draft without a cue always stays.
    assert [d.attribution.id for d in out] == ["i2", "i3"]
    assert out[0] == replace_spans(confirmed, model) and out[1] == cueless
    assert combine([unmatched], []) == ()
    # Kept when the policy keeps every rule draft (or this sieve's).
    assert combine([unmatched], [], Policy(keep_unmatched=None)) == (unmatched,)
    assert combine([unmatched], [], Policy(keep_unmatched=frozenset({sieve}))) == (unmatched,)


def test_an_unmatched_draft_a_continued_quotation_inherits_from_stays() -> None:
    source = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    other = _draft("i2", "indirect_speech", (130, 134), (135, 150), (120, 129))
    continued = replace(
        _draft("q1", "previous_speaker", None, (60, 80), kind="direct"), inherit="i1"
    )
    assert combine([source, other, continued], []) == (source, continued)
    # Whatever the policy keeps unmatched.
    policy = Policy(keep_unmatched=frozenset())
    assert combine([source, other, continued], [], policy) == (source, continued)
    # A draft the model matched is redrawn as usual (same id: the inheritance holds).
    model = _draft("m1", MODEL_SIEVE, (30, 34), (36, 48))
    out = combine([source, other, continued], [model])
    assert out == (replace_spans(source, model), continued)


def test_policy_drop_removes_the_rule_drafts_of_its_sieves() -> None:
    lone = _draft("q1", "unresolved", None, (0, 9), kind="direct")
    parent = _draft("q2", "unresolved", None, (20, 29), kind="direct")
    continued = replace(_draft("q3", "same_paragraph", None, (40, 49), kind="direct"), inherit="q2")
    indirect = _draft("i1", "indirect_speech", (60, 64), (65, 80), (55, 59))
    colon = _draft("q4", "colon", (90, 94), (95, 110), kind="direct")
    elsewhere = _draft("m1", MODEL_SIEVE, (200, 204), (205, 220))
    rules = [lone, parent, continued, indirect, colon]
    assert Policy().drop == frozenset()  # measured on dev and left off
    assert [d.attribution.id for d in combine(rules, [elsewhere])] == [
        "q1",
        "q2",
        "q3",
        "q4",
        "m1",
    ]
    drop = frozenset({"unresolved"})
    # "q1" goes; "q2" stays: the kept continued quotation "q3" inherits its speaker.
    out = combine(rules, [elsewhere], Policy(drop=drop))
    assert out == (parent, continued, colon, elsewhere)
    # Whatever keep_unmatched says (every rule draft kept, or none).
    every = combine(rules, [elsewhere], Policy(keep_unmatched=None, drop=drop))
    assert every == (parent, continued, indirect, colon, elsewhere)
    none_kept = combine(rules, [elsewhere], Policy(keep_unmatched=frozenset(), drop=drop))
    assert none_kept == (parent, continued, elsewhere)
    # Without the continued quotation, its parent goes too.
    assert combine([lone, parent, colon], [], Policy(drop=drop)) == (colon,)


def test_policy_drop_removes_a_draft_the_model_matched_and_keeps_the_model_draft() -> None:
    indirect = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    model = _draft("m1", MODEL_SIEVE, (31, 33), (36, 48), (20, 29))
    assert combine([indirect], [model]) == (replace_spans(indirect, model),)
    # The dropped draft is no rule draft any more: the model draft stands on its own.
    assert combine([indirect], [model], Policy(drop=frozenset({"indirect_speech"}))) == (model,)


def test_policy_drop_keeps_every_draft_of_a_kept_continuation_chain() -> None:
    # "q3" (kept) continues "q2", which continues "q1": both sieves dropped, both stay.
    first = _draft("q1", "unresolved", None, (0, 9), kind="direct")
    middle = replace(_draft("q2", "previous_speaker", None, (20, 29), kind="direct"), inherit="q1")
    last = replace(_draft("q3", "same_paragraph", None, (40, 49), kind="direct"), inherit="q2")
    other = _draft("q4", "previous_speaker", None, (60, 69), kind="direct")
    policy = Policy(drop=frozenset({"unresolved", "previous_speaker"}))
    assert combine([first, middle, last, other], [], policy) == (first, middle, last)


def test_policy_drop_removes_the_parent_of_a_dropped_continued_quotation() -> None:
    # "q2" continues "q1"; both sieves are dropped: no kept draft inherits from "q1".
    parent = _draft("q1", "unresolved", None, (0, 9), kind="direct")
    continued = replace(
        _draft("q2", "previous_speaker", None, (20, 29), kind="direct"), inherit="q1"
    )
    colon = _draft("q3", "colon", (50, 54), (55, 70), kind="direct")
    policy = Policy(drop=frozenset({"unresolved", "previous_speaker"}))
    assert combine([parent, continued, colon], [], policy) == (colon,)


@pytest.mark.parametrize("sieve", sorted(QUOTATION_SIEVES))
def test_unmatched_quotation_sieve_drafts_stay_by_default(sieve: SieveName) -> None:
    quote = _draft("q1", sieve, (10, 14), (0, 9), (15, 17), kind="direct")
    indirect = _draft("i1", "indirect_speech", (30, 34), (35, 50))
    elsewhere = _draft("m1", MODEL_SIEVE, (100, 104), (105, 120))
    assert combine([quote, indirect], [elsewhere]) == (quote, elsewhere)
    # Dropped only by a policy that keeps no unmatched sieve's drafts, and then only
    # when the sieve is not trusted: a trusted draft always stays.
    none_kept = Policy(keep_unmatched=frozenset())
    want = (quote,) if sieve in TRUSTED_SIEVES else ()
    assert combine([quote], [], none_kept) == want
    assert combine([quote], [], replace(none_kept, trusted=frozenset())) == ()


def test_no_overlap_threshold_keeps_overlapping_model_drafts() -> None:
    rule = _draft("q1", "colon", (80, 84), (85, 95), kind="direct")
    same = _draft("m1", MODEL_SIEVE, (200, 204), (85, 95))  # the rule's very content
    most = _draft("m2", MODEL_SIEVE, (210, 214), (86, 94))
    again = _draft("m3", MODEL_SIEVE, (220, 224), (85, 95))  # a model draft's content too
    out = combine([rule], [same, most, again])
    assert out == (rule, same, most, again)
    assert combine([rule], [same, most, again], Policy(overlap=None)) == out
    # A threshold drops them as before.
    assert combine([rule], [same, most, again], Policy(overlap=0.5)) == (rule,)


# -- trusted rule drafts: always kept, their source from the model ----------------------------


@pytest.mark.parametrize("model_sources", [True, False])
@pytest.mark.parametrize("sieve", sorted(TRUSTED_SIEVES))
def test_trusted_drafts_stay_unmatched_whatever_keep_unmatched_says(
    sieve: SieveName, model_sources: bool
) -> None:
    trusted = _draft("q1", sieve, (10, 14), (0, 9), (15, 17), kind="direct")
    other = _draft("q2", "colon", (30, 34), (20, 29), kind="direct")
    indirect = _draft("i1", "indirect_speech", (50, 54), (55, 70))
    elsewhere = _draft("m1", MODEL_SIEVE, (100, 104), (105, 120), (95, 99))
    rules = [trusted, other, indirect]
    for keep, ids in [
        (frozenset(), ["q1", "m1"]),
        (frozenset({"indirect_speech"}), ["q1", "i1", "m1"]),
    ]:
        policy = Policy(keep_unmatched=keep, model_sources=model_sources)
        out = combine(rules, [elsewhere], policy)
        assert [d.attribution.id for d in out] == ids
        # Unmatched, the trusted draft stands untouched (no model source to take).
        assert out[0] == trusted and out[-1] == elsewhere
    # Trusting no sieve, the same draft goes with the others.
    policy = Policy(trusted=frozenset(), keep_unmatched=frozenset(), model_sources=model_sources)
    assert combine(rules, [elsewhere], policy) == (elsewhere,)


@pytest.mark.parametrize("sieve", sorted(TRUSTED_SIEVES))
def test_model_sources_swap_the_source_and_mention_of_a_trusted_draft(sieve: SieveName) -> None:
    rule = replace(
        _draft("q1", sieve, (10, 14), (0, 9), (15, 17), kind="direct"),
        inherit="q0",  # continues an earlier quotation's speaker
        cue_key=(0, (3,)),
    )
    model = replace(
        _draft("m1", MODEL_SIEVE, (11, 13), (2, 30), (40, 48), kind="partial"),
        mention=Mention(TextSpan(40, 48, "m1:40-48"), 2, 5),
    )
    (out,) = combine([rule], [model])
    att, was = out.attribution, rule.attribution
    # The model's source and its mention ...
    assert att.source == model.attribution.source and out.mention == model.mention
    # ... and everything else the rule's: id, content, quotes, cue, kind, sieve.
    assert (att.id, att.content, att.quotes, att.cue, att.kind, att.sieve) == (
        was.id,
        was.content,
        was.quotes,
        was.cue,
        was.kind,
        was.sieve,
    )
    assert att == replace(was, source=model.attribution.source)
    assert (out.inherit, out.cue_key) == (rule.inherit, rule.cue_key)
    assert out == replace_source(rule, model)
    # The model draft is spent on the rule: no second attribution for the cue.
    assert combine([rule], [model], Policy(keep_unmatched=frozenset())) == (out,)
    # Without model sources the trusted record stands untouched.
    assert combine([rule], [model], Policy(model_sources=False)) == (rule,)


def test_a_trusted_draft_without_a_source_takes_the_model_source() -> None:
    rule = _draft("q1", "dependency", (10, 14), (0, 9), kind="direct")
    model = _draft("m1", MODEL_SIEVE, (10, 14), (0, 12), (15, 17))
    assert rule.attribution.source is None and rule.mention is None
    (out,) = combine([rule], [model])
    assert out.attribution.source == model.attribution.source and out.mention == model.mention
    assert out.attribution.content == rule.attribution.content
    assert combine([rule], [model], Policy(model_sources=False)) == (rule,)


@pytest.mark.parametrize("model_sources", [True, False])
def test_a_model_draft_without_a_source_leaves_the_trusted_draft_unchanged(
    model_sources: bool,
) -> None:
    rule = _draft("q1", "bare_cue", (10, 14), (0, 9), (15, 17), kind="direct")
    model = _draft("m1", MODEL_SIEVE, (10, 14), (0, 12))
    assert model.attribution.source is None and model.mention is None
    assert combine([rule], [model], Policy(model_sources=model_sources)) == (rule,)
    # Nor does a model mention without a source (not something to_draft makes) change it.
    stray = replace(model, mention=Mention(TextSpan(40, 48, "m1:40-48"), 2, 5))
    assert combine([rule], [stray], Policy(model_sources=model_sources)) == (rule,)


def test_replace_source_gives_the_rule_the_model_source_and_mention() -> None:
    rule = _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    model = _draft("m1", MODEL_SIEVE, (31, 33), (36, 48), (52, 58), kind="partial")
    out = replace_source(rule, model)
    assert out.attribution == replace(rule.attribution, source=model.attribution.source)
    assert out.mention == model.mention
    assert out.attribution.sieve == "indirect_speech"  # unlike replace_spans: not the model's
    # No model source: the rule comes back as it is.
    sourceless = _draft("m2", MODEL_SIEVE, (31, 33), (36, 48))
    assert replace_source(rule, sourceless) is rule
    # A model source without a mention keeps the rule's mention beside the new source.
    bare = replace(model, mention=None)
    out = replace_source(rule, bare)
    assert out.attribution.source == model.attribution.source and out.mention == rule.mention
    # Neither draft is changed.
    assert rule == _draft("i1", "indirect_speech", (30, 34), (35, 50), (20, 29))
    assert model == _draft("m1", MODEL_SIEVE, (31, 33), (36, 48), (52, 58), kind="partial")


def test_redrawn_content_keeps_the_quotations_it_holds() -> None:
    """A partial quote redrawn by the model as indirect speech stays partial, with its
    quotation, when the model's content still holds it."""
    rule = _draft("q1", "dependency", (50, 54), (20, 30), (40, 48), kind="partial")
    quote = TextSpan(22, 28, "formalise")
    rule = replace(rule, attribution=replace(rule.attribution, quotes=(quote,)))
    model = _draft("m1", MODEL_SIEVE, (50, 54), (0, 35), (40, 48))
    out = replace_spans(rule, model).attribution
    assert out.quotes == (quote,) and out.kind == "partial"
    # A content that no longer holds the quotation leaves it out.
    short = _draft("m2", MODEL_SIEVE, (50, 54), (30, 35), (40, 48))
    out = replace_spans(rule, short).attribution
    assert out.quotes == () and out.kind == "indirect"


def test_a_model_cue_states_an_inferred_speaker() -> None:
    """A cueless quotation whose speaker a sieve inferred takes the model's source with its
    cue: the speaker is then stated, not inferred."""
    inferred = _draft("q1", "neighbour_sentence", None, (0, 9), (20, 25), kind="direct")
    inferred = replace(inferred, attribution=replace(inferred.attribution, speaker_inferred=True))
    model = _draft("m1", MODEL_SIEVE, (11, 15), (0, 9), (16, 19))
    out = replace_source(inferred, model)
    assert out.attribution.source == model.attribution.source
    assert out.attribution.cue == model.attribution.cue
    assert out.attribution.speaker_inferred is False
    assert replace_spans(inferred, model).attribution.speaker_inferred is False
    # A model source with no cue of its own leaves the speaker inferred.
    cueless = _draft("m2", MODEL_SIEVE, None, (0, 9), (16, 19))
    assert replace_source(inferred, cueless).attribution.speaker_inferred is True


def test_trusted_kinds_narrow_which_trusted_drafts_stand() -> None:
    direct = _draft("q1", "dependency", (10, 14), (0, 9), (15, 17), kind="direct")
    partial = _draft("q2", "dependency", (30, 34), (20, 29), (35, 37), kind="partial")
    m_direct = _draft("m1", MODEL_SIEVE, (10, 14), (0, 12), (15, 17))
    m_partial = _draft("m2", MODEL_SIEVE, (30, 34), (18, 29), (35, 37))
    policy = Policy(trusted_kinds=frozenset({"direct"}), model_sources=False)
    assert policy.trusts(direct) and not policy.trusts(partial)
    assert Policy(trusted_kinds=None).trusts(partial)  # every kind of a trusted sieve
    assert not Policy().trusts(partial)  # by default direct quotes alone
    out = combine([direct, partial], [m_direct, m_partial], policy)
    assert out == (direct, replace_spans(partial, m_partial))


def test_a_trigram_quote_the_model_found_takes_its_spans() -> None:
    rule = _draft("q1", "trigram", (10, 14), (0, 9), (15, 17), kind="direct")
    model = _draft("m1", MODEL_SIEVE, (10, 14), (0, 12), (15, 17))
    (out,) = combine([rule], [model])
    assert out == replace_spans(rule, model)
    trusting = Policy(trusted=TRUSTED_SIEVES | {"trigram"}, model_sources=False)
    assert combine([rule], [model], trusting) == (rule,)


def test_cueless_quotes_inside_a_kept_content_go() -> None:
    outer = _draft("m1", MODEL_SIEVE, (10, 14), (20, 80), (0, 9))
    inside = _draft("q1", "unresolved", None, (30, 40), kind="direct")
    same = _draft("q2", "unresolved", None, (20, 80), kind="direct")
    apart = _draft("q3", "same_paragraph", None, (90, 99), kind="direct")
    cued = _draft("q4", "colon", (41, 42), (43, 60), kind="direct")
    labelled = _draft("l1", "speaker_label", None, (50, 60), (45, 48), kind="direct")
    rules = [inside, same, apart, cued, labelled]
    out = combine(rules, [outer])
    # A cueless quotation inside another kept content goes (the one with the very
    # same span does not lie inside it); one with a cue, or elsewhere, stays.
    assert [d.attribution.id for d in out] == ["q2", "q3", "q4", "m1"]
    # Not when nesting is off, nor for sieves it does not name.
    assert len(combine(rules, [outer], Policy(nested=frozenset()))) == 6
    only = combine(rules, [outer], Policy(nested=frozenset({"speaker_label"})))
    assert [d.attribution.id for d in only] == ["q1", "q2", "q3", "q4", "m1"]
    # A quotation a kept continued quotation inherits its speaker from stays.
    continued = replace(_draft("q5", "previous_speaker", None, (90, 99), kind="direct"))
    continued = replace(continued, inherit="q1")
    kept = combine([inside, continued], [outer])
    assert [d.attribution.id for d in kept] == ["q1", "q5", "m1"]


def test_a_cue_makes_a_claim_unless_the_lexicon_says_not() -> None:
    _, ctx, _, _ = _sample()
    said = Found(0, (9,), (9,), tuple(range(8)), tuple(range(10, 16)))
    assert cue_makes_claim(ctx, 0, (9,)) and makes_claim(ctx, said)
    # "Bruce" (word 0) read as a cue: a proper noun, not in ``not_cue_verbs``.
    assert cue_makes_claim(ctx, 0, (0,))
    head = ctx.doc.sentences[0].tokens[9]
    assert head.lemma == "say"
    assert not cue_makes_claim(ctx_with_lemma(ctx, 9, "recognise"), 0, (9,))


def ctx_with_lemma(ctx: Context, index: int, lemma: str) -> Context:
    """Return ``ctx`` with word ``index`` of the first sentence given ``lemma``."""
    sent = ctx.doc.sentences[0]
    tokens = list(sent.tokens)
    tokens[index] = replace(tokens[index], lemma=lemma)
    doc = replace(ctx.doc, sentences=(replace(sent, tokens=tuple(tokens)), *ctx.doc.sentences[1:]))
    return replace(ctx, doc=doc)


def test_to_draft_builds_a_model_record_from_a_finding() -> None:
    parsed, ctx, _, _ = _sample()
    text = parsed.text
    said = text.index("said")
    found = Found(0, (9,), (9,), tuple(range(8)), tuple(range(10, 16)))
    draft = to_draft(ctx, found, 3, {"say": "distancing"})
    att = draft.attribution
    assert att.id == "m3" and att.sieve == MODEL_SIEVE
    assert att.cue == Cue(TextSpan(said, said + 4, "said"), "say", "distancing")
    assert att.content.text == "the timing was not a coincidence"
    assert att.kind == "indirect" and att.quotes == ()
    assert att.source is not None
    assert att.source.text == "Bruce Maddy-Weitzman, an Israeli expert on Morocco"
    assert draft.mention == Mention(att.source, 0, 0)  # "Bruce": its governor is "said"
    for span in (att.content, att.source, att.cue.span):
        _check_span(text, span)


def test_to_draft_takes_the_lemma_of_the_cue_head_and_widens_to_the_quotation() -> None:
    parsed, ctx, _, _ = _sample()
    text = parsed.text
    # "he said" as the cue: its head is "said" (sentence word 13), not the first word.
    found = Found(
        1, (12, 13), (SECOND + 12, SECOND + 13), (), tuple(range(SECOND + 1, SECOND + 10))
    )
    draft = to_draft(ctx, found, 1, {})
    att = draft.attribution
    assert att.cue is not None and att.cue.lemma == "say" and att.cue.stance == "neutral"
    assert att.cue.span.text == "he said"
    # Every content word lies inside the quotation: direct, widened to its marks.
    assert att.kind == "direct"
    assert att.content.text == "“It’s possible that they were keen on this,”"
    assert att.quotes == (att.content,)
    assert att.source is None and draft.mention is None
    # Content across the closing mark: partial, not widened.
    found = Found(1, (13,), (SECOND + 13,), (), tuple(range(SECOND + 8, SECOND + 13)))
    att = to_draft(ctx, found, 2, {}).attribution
    assert att.kind == "partial" and att.quotes == ()
    assert att.content.text == "on this,” he"
    _check_span(text, att.content)


# -- features ---------------------------------------------------------------------------------

DEPRELS = ["<unk>", "nsubj", "ccomp", "punct", "det", "root", "parataxis", "obj"]
DEPREL_ID = {d: i for i, d in enumerate(DEPRELS)}
SIZE = len(DEPRELS)

PLAN = """
He he PRON 2 nsubj
said say VERB 0 root
the the DET 4 det
plan plan NOUN 5 nsubj
failed fail VERB 2 ccomp nsp
. . PUNCT 2 punct
"""

# "said" hangs from "failed" (its governor), which hangs from "fear" (an ancestor).
FEAR = """
Officials official NOUN 2 nsubj
fear fear VERB 0 root
the the DET 4 det
plan plan NOUN 5 nsubj
failed fail VERB 2 ccomp nsp
, , PUNCT 8 punct
he he PRON 8 nsubj
said say VERB 5 parataxis nsp
. . PUNCT 2 punct
"""


def test_tree_codes_under_the_cue() -> None:
    (sent,) = doc(PLAN).sentences
    ccomp, nsubj, punct = (4 + DEPREL_ID[d] for d in ("ccomp", "nsubj", "punct"))
    assert F._tree_codes(sent, 1, DEPREL_ID) == [nsubj, 1, ccomp, ccomp, ccomp, punct]


def test_tree_codes_above_the_cue() -> None:
    (sent,) = doc(FEAR).sentences
    under = [4 + DEPREL_ID[d] for d in ("punct", "nsubj")]
    beside = 4 + SIZE + DEPREL_ID["nsubj"]
    codes = F._tree_codes(sent, 7, DEPREL_ID)
    # Officials: under the root only (0); fear: an ancestor (2); failed: the governor (3).
    assert codes == [0, 2, beside, beside, 3, *under, 1, 0]
    assert max(codes) < channel_sizes(Vocab.of([], [], DEPRELS), 1)["tree"]


def _tree_codes_by_paths(sent: Sentence, head: int, deprels: dict[str, int]) -> list[int]:
    """The tree codes walked word by word to the root (the definition)."""
    size = max(deprels.values(), default=0) + 1
    governor = sent.tokens[head].head
    ancestors = set(F._path_up(sent, head)[1:])
    codes = []
    for tok in sent.tokens:
        path = F._path_up(sent, tok.index)
        if tok.index == head:
            codes.append(1)
        elif tok.index in ancestors and tok.index != governor:
            codes.append(2)
        elif tok.index == governor:
            codes.append(3)
        elif head in path:
            codes.append(4 + deprels.get(sent.tokens[path[path.index(head) - 1]].deprel, 0))
        elif governor >= 0 and governor in path:
            branch = sent.tokens[path[path.index(governor) - 1]]
            codes.append(4 + size + deprels.get(branch.deprel, 0))
        else:
            codes.append(0)
    return codes


@pytest.mark.parametrize("seed", range(40))
def test_tree_codes_are_the_paths_to_the_root(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    n = int(torch.randint(1, 25, (1,), generator=gen))
    heads = []
    for i in range(n):
        # Mostly trees (a head before the word, or the root); every fourth seed has loops.
        pick = int(torch.randint(-1, n if seed % 4 == 3 else max(i, 1), (1,), generator=gen))
        heads.append(-1 if i == 0 or pick == i else pick)
    relations = list(DEPREL_ID)
    tokens = tuple(
        Token(i, "w", "w", "X", "_", "_", h, relations[(i * 7 + seed) % len(relations)], i, i + 1)
        for i, h in enumerate(heads)
    )
    sent = Sentence(0, tokens, 0, n)
    for head in range(n):
        assert F._tree_codes(sent, head, DEPREL_ID) == _tree_codes_by_paths(sent, head, DEPREL_ID)


def test_unknown_relations_fall_back_to_id_zero() -> None:
    (sent,) = doc(PLAN).sentences
    assert F._tree_codes(sent, 1, {"<unk>": 0}) == [4, 1, 4, 4, 4, 4]


def test_signed_distance_buckets_are_symmetric() -> None:
    edges = F._REL_EDGES
    assert F._signed(0, edges) == 0
    seen = set()
    for n in range(1, 60):
        left, right = F._signed(-n, edges), F._signed(n, edges)
        assert right - left == len(edges) + 1
        assert left == F._bucket(n, edges) + 1
        assert 1 <= left <= len(edges) + 1 < right <= 2 * len(edges) + 2
        seen.update((left, right))
    assert seen == set(range(1, 2 * len(edges) + 3))
    assert [F._bucket(n, (1, 2, 4, 8)) for n in (1, 2, 3, 4, 5, 8, 9, 100)] == [
        0,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


WORDS = ["<pad>", "<unk>", "said", "he", "the", "timing", "it", "possible", ",", "."]
LEMMAS = ["<unk>", "say", "he", "the", "timing", "be"]
DOC_DEPRELS = ["<unk>", "nsubj", "ccomp", "punct", "root", "det", "flat", "cop"]


def _sample() -> tuple[ParsedDocument, Context, tuple[Draft, ...], Vocab]:
    parsed = doc(MADDY, HE_SAID, text=TEXT)
    ctx = build_context(parsed, find_quotes(parsed.text))
    drafts = run_stages(parsed, RULES).drafts
    return parsed, ctx, drafts, Vocab.of(WORDS, LEMMAS, DOC_DEPRELS)


def _check_ids(rows: tuple[tuple[int, ...], ...], channels: tuple[str, ...], vocab: Vocab) -> None:
    sizes = channel_sizes(vocab, len(WORDS))
    for row in rows:
        assert len(row) == len(channels)
        for channel, value in zip(channels, row, strict=True):
            assert 0 <= value < sizes[channel], (channel, value, row)


def test_document_features_on_a_parse_with_rule_drafts() -> None:
    parsed, ctx, drafts, vocab = _sample()
    assert {d.attribution.sieve for d in drafts} == {"dependency", "indirect_speech"}
    feats = document_features(ctx, drafts, vocab)
    assert len(feats.rows) == len(parsed.tokens) == SECOND + 15
    assert feats.sentence_offsets == (0, SECOND)
    assert feats.paragraph_of_sentence == (0, 1)
    assert feats.sentence_of_word == (0,) * SECOND + (1,) * 15
    _check_ids(feats.rows, DOC_CHANNELS, vocab)
    col = {c: i for i, c in enumerate(DOC_CHANNELS)}

    def at(g: int, channel: str) -> int:
        return feats.rows[g][col[channel]]

    assert at(9, "word") == WORDS.index("said") and at(9, "lemma") == LEMMAS.index("say")
    assert at(0, "word") == 1 and at(0, "lemma") == 0  # unknown word, unknown lemma
    assert at(9, "deprel") == DOC_DEPRELS.index("root") and at(9, "upos") == 1 + F.UPOS.index(
        "VERB"
    )
    assert at(9, "lex") == 1 + F.VERB_KINDS.index("speech")  # "say": a speech verb
    assert at(11, "head_lex") == 0 and at(15, "head_lex") == at(9, "lex")  # head "said"
    # The rule channels: cue B on "said", source and content of each rule attribution.
    assert [at(g, "rule_cue") for g in (8, 9, 10)] == [0, 1, 0]
    # "Bruce Maddy-Weitzman, an Israeli expert on Morocco": words 0..7, not the comma.
    assert [at(g, "rule_source") for g in range(11)] == [1] * 8 + [0, 0, 0]
    assert [at(g, "rule_content") for g in range(9, 17)] == [0] + [3] * 6 + [0]
    assert at(SECOND + 13, "rule_cue") == 1 and at(SECOND + 12, "rule_source") == 1
    assert at(SECOND + 2, "rule_content") == 1  # direct
    # Quotation state and shape: the opening mark, a word inside, a word outside.
    assert at(SECOND, "quote") == 2 and at(SECOND, "shape") == 6
    assert at(SECOND + 1, "quote") == 1 and at(SECOND + 1, "shape") == 2
    assert at(SECOND + 12, "quote") == 0 and at(SECOND + 12, "shape") == 1
    # Paragraph codes: the first sentence of the article, then a new paragraph's first.
    assert at(0, "para") == 4 and at(SECOND, "para") == 0
    assert at(9, "head") == 0  # the root
    assert at(8, "head") == F._head_code(parsed.sentences[0].tokens[8])


def test_window_features_around_a_rule_cue() -> None:
    parsed, ctx, drafts, vocab = _sample()
    feats = document_features(ctx, drafts, vocab)
    site = CueSite(1, (13,))
    links = rule_links(ctx, drafts, feats, site)
    cue_g = SECOND + 13
    # The quotation "It’s possible ... this," is content, "he" the source.
    assert links[SECOND + 12] == 2 and links[SECOND + 1] == 1
    assert all(g >= SECOND for g in links) and cue_g not in links
    win = window_features(feats, ctx, site, vocab, links)
    assert (win.first, win.first + len(win.rows)) == window_bounds(feats, ctx, site)
    assert win.first == 0 and len(win.rows) == len(feats.rows)
    channels = DOC_CHANNELS + WINDOW_CHANNELS
    _check_ids(win.rows, channels, vocab)
    col = {c: i for i, c in enumerate(channels)}

    def at(g: int, channel: str) -> int:
        return win.rows[g - win.first][col[channel]]

    for g in range(len(feats.rows)):
        assert win.rows[g][: len(DOC_CHANNELS)] == feats.rows[g]
        assert at(g, "in_cue") == (g == cue_g)
        assert at(g, "rel_sent") == (F.WINDOW_SENTENCES if g >= SECOND else F.WINDOW_SENTENCES - 1)
        assert at(g, "same_para") == (g >= SECOND)
        assert at(g, "rule_link") == links.get(g, 0)
        assert at(g, "cue_deprel") == DOC_DEPRELS.index("root")
        if g < SECOND:
            assert at(g, "tree") == 0  # another sentence
    assert at(cue_g, "rel_pos") == 0 and at(cue_g, "tree") == 1
    assert at(cue_g - 1, "rel_pos") == F._signed(-1, F._REL_EDGES)
    assert at(cue_g + 1, "rel_pos") == F._signed(1, F._REL_EDGES)
    assert at(SECOND + 12, "tree") == 4 + DOC_DEPRELS.index("nsubj")
    assert at(SECOND + 5, "tree") == 4 + DOC_DEPRELS.index("ccomp")  # "that ...": under ccomp


def test_window_rows_of_a_cue_in_the_first_sentence() -> None:
    _, ctx, drafts, vocab = _sample()
    feats = document_features(ctx, drafts, vocab)
    site = CueSite(0, (9,))
    links = rule_links(ctx, drafts, feats, site)
    assert links == {**dict.fromkeys(range(8), 2), **dict.fromkeys(range(10, 16), 1)}
    win = window_features(feats, ctx, site, vocab, links)
    _check_ids(win.rows, DOC_CHANNELS + WINDOW_CHANNELS, vocab)
    rel_sent = (DOC_CHANNELS + WINDOW_CHANNELS).index("rel_sent")
    assert {r[rel_sent] for r in win.rows} == {F.WINDOW_SENTENCES, F.WINDOW_SENTENCES + 1}


def test_the_head_columns_pick_the_head_channels_out_of_a_window_row() -> None:
    channels = DOC_CHANNELS + WINDOW_CHANNELS
    assert len(HEAD_COLUMNS) == len(HEAD_CHANNELS) == len(set(HEAD_CHANNELS))
    assert tuple(channels[c] for c in HEAD_COLUMNS) == HEAD_CHANNELS
    # Every window channel; never the word (the cue tagger's states carry it).
    assert set(WINDOW_CHANNELS) <= set(HEAD_CHANNELS) and "word" not in HEAD_CHANNELS
    _, ctx, drafts, vocab = _sample()
    feats = document_features(ctx, drafts, vocab)
    site = CueSite(1, (13,))
    win = window_features(feats, ctx, site, vocab, {})
    sizes = channel_sizes(vocab, len(WORDS))
    for row in win.rows:
        picked = [row[c] for c in HEAD_COLUMNS]
        assert all(0 <= v < sizes[c] for c, v in zip(HEAD_CHANNELS, picked, strict=True))
    # The head's document columns: a window of them holds the same rows, picked.
    assert HEAD_COLUMNS[: len(HEAD_DOC_COLUMNS)] == HEAD_DOC_COLUMNS
    assert tuple(DOC_CHANNELS[c] for c in HEAD_DOC_COLUMNS) == F.HEAD_DOC_CHANNELS
    links = rule_links(ctx, drafts, feats, site)
    full = window_features(feats, ctx, site, vocab, links)
    assert window_features(feats, ctx, site, vocab, links, None) == full
    head = window_features(feats, ctx, site, vocab, links, HEAD_DOC_COLUMNS)
    assert head.first == full.first
    assert head.rows == tuple(tuple(r[c] for c in HEAD_COLUMNS) for r in full.rows)
    _check_ids(head.rows, HEAD_CHANNELS, vocab)


def test_cue_head_is_the_first_cue_word_governed_from_outside() -> None:
    parsed = doc(MADDY, HE_SAID, text=TEXT)
    maddy, he_said = parsed.sentences
    assert cue_head(he_said, (13,)) == 13
    assert cue_head(he_said, (12, 13)) == 13  # "he" hangs from "said", inside the cue
    assert cue_head(maddy, (9, 10)) == 9  # "said" (the root), before "the"
    assert cue_head(maddy, (8, 9)) == 8  # "," hangs from "expert", outside: the first such
    assert cue_head(maddy, (10, 11)) == 11  # "the" hangs from "timing", inside the cue


# -- windows as tensors (the run-time path) ---------------------------------------------------

#: Five sentences in three paragraphs (sentences 0 | 1 2 | 3 4).
PARAGRAPHS = (MADDY, HE_SAID, MADDY, HE_SAID, MADDY)
#: The windows the run-time path must build as the training path does.
WINDOW_SIZES = {"run": F.RUN_WINDOW, "train": F.TRAIN_WINDOW, "tiny": (1, 3)}


def _paragraph_sample() -> tuple[ParsedDocument, Context, tuple[Draft, ...], DocFeatures]:
    """:data:`PARAGRAPHS` with paragraph breaks before sentences 1 and 3, its rule drafts
    and document features (the random model's vocabulary)."""
    flat = doc(*PARAGRAPHS)
    text = list(flat.text)
    for k in (1, 3):
        assert text[flat.sentences[k].start - 1] == " "
        text[flat.sentences[k].start - 1] = "\n"
    parsed = doc(*PARAGRAPHS, text="".join(text))
    ctx = build_context(parsed, find_quotes(parsed.text))
    rules = run_stages(parsed, RULES).drafts
    feats = document_features(ctx, rules, Vocab.of(WORDS, LEMMAS, DOC_DEPRELS))
    assert feats.paragraph_of_sentence == (0, 1, 1, 2, 2)
    return parsed, ctx, rules, feats


def _contiguous_sites(parsed: ParsedDocument) -> list[CueSite]:
    """Every run of consecutive words of a sentence (what ``cue_sites`` can give)."""
    return [
        CueSite(k, tuple(range(i, j)))
        for k, sent in enumerate(parsed.sentences)
        for i in range(len(sent.tokens))
        for j in range(i + 1, len(sent.tokens) + 1)
    ]


@pytest.mark.parametrize("size", WINDOW_SIZES.values(), ids=WINDOW_SIZES.keys())
def test_window_tensor_gives_the_window_features_ids_at_every_cue_site(
    size: tuple[int, int],
) -> None:
    parsed, ctx, rules, feats = _paragraph_sample()
    vocab = Vocab.of(WORDS, LEMMAS, DOC_DEPRELS)
    tensors = F.DocTensors.of(feats)
    link_col = HEAD_CHANNELS.index("rule_link")
    cue_col = HEAD_CHANNELS.index("in_cue")
    linked = linked_rows = 0
    firsts, lengths = set(), set()
    for site in _contiguous_sites(parsed):
        links = rule_links(ctx, rules, feats, site)
        linked += bool(links)
        want = window_features(feats, ctx, site, vocab, links, HEAD_DOC_COLUMNS, size)
        first, rows = F.window_tensor(feats, tensors, ctx, site, vocab, links, size)
        assert rows.dtype == torch.long
        assert tuple(rows.shape) == (len(want.rows), len(HEAD_CHANNELS)), site
        assert first == want.first, site
        assert rows.tolist() == [list(r) for r in want.rows], site
        # The whole cue lies in its window.
        assert int(rows[:, cue_col].sum()) == len(site.words)
        linked_rows += int((rows[:, link_col] > 0).sum())
        firsts.add(first)
        lengths.add(len(want.rows))
    # Rule links were given (and fell inside windows); windows differ in start and length.
    assert linked and linked_rows
    assert len(firsts) > 1 and len(lengths) > 1


@pytest.mark.parametrize(
    "size", [(0, 0), (0, 2), (1, 3), (1, 100), (3, 5), F.RUN_WINDOW, F.TRAIN_WINDOW, (9, 999)]
)
def test_window_bounds_keep_the_words_within_both_limits(size: tuple[int, int]) -> None:
    parsed, ctx, _, feats = _paragraph_sample()
    sentences, words = size
    every = range(len(feats.rows))
    for site in _contiguous_sites(parsed):
        base = feats.sentence_offsets[site.sentence]
        lo, hi = base + site.words[0], base + site.words[-1]
        # The words at most ``sentences`` sentences and ``words`` words from the cue.
        near = [
            g
            for g in every
            if abs(feats.sentence_of_word[g] - site.sentence) <= sentences
            and (lo - g if g < lo else max(0, g - hi)) <= words
        ]
        assert near == list(range(*window_bounds(feats, ctx, site, size))), site
    # The default window is the run-time one.
    site = CueSite(2, (9,))
    assert window_bounds(feats, ctx, site) == window_bounds(feats, ctx, site, F.RUN_WINDOW)
    win = window_features(feats, ctx, site, Vocab.of(WORDS, LEMMAS, DOC_DEPRELS), {})
    assert (win.first, win.first + len(win.rows)) == window_bounds(feats, ctx, site, F.RUN_WINDOW)


def test_window_bounds_on_the_sample_document() -> None:
    _, ctx, _, feats = _paragraph_sample()
    offsets = feats.sentence_offsets
    n = len(feats.rows)
    site = CueSite(2, (9,))  # the middle sentence's "said"
    cue = offsets[2] + 9
    assert window_bounds(feats, ctx, site, (0, 999)) == (offsets[2], offsets[3])
    assert window_bounds(feats, ctx, site, (1, 999)) == (offsets[1], offsets[4])
    assert window_bounds(feats, ctx, site, (2, 999)) == (0, n)
    assert window_bounds(feats, ctx, site, (2, 3)) == (cue - 3, cue + 4)
    assert window_bounds(feats, ctx, site, (0, 0)) == (cue, cue + 1)
    # A two-word cue: the word limit counts from either end.
    assert window_bounds(feats, ctx, CueSite(2, (9, 10)), (9, 2)) == (cue - 2, cue + 4)
    # The first sentence's last word: its window stops at the sentence's end.
    last = CueSite(0, (16,))
    assert window_bounds(feats, ctx, last, (0, 5)) == (offsets[1] - 6, offsets[1])


def test_doc_tensors_hold_the_head_columns_and_each_word_s_sentence_and_paragraph() -> None:
    parsed, _, _, feats = _paragraph_sample()
    t = F.DocTensors.of(feats)
    n = len(parsed.tokens)
    assert t.head_rows.dtype == t.sentence_of_word.dtype == t.paragraph_of_word.dtype
    assert t.head_rows.dtype == torch.long
    assert tuple(t.head_rows.shape) == (n, len(HEAD_DOC_COLUMNS))
    assert t.head_rows.tolist() == [[r[c] for c in HEAD_DOC_COLUMNS] for r in feats.rows]
    assert t.sentence_of_word.tolist() == list(feats.sentence_of_word)
    assert t.paragraph_of_word.tolist() == [
        feats.paragraph_of_sentence[k] for k in feats.sentence_of_word
    ]
    assert set(t.paragraph_of_word.tolist()) == {0, 1, 2}
    empty = F.DocTensors.of(NO_FEATS)
    assert tuple(empty.head_rows.shape) == (0, len(HEAD_DOC_COLUMNS))
    assert empty.sentence_of_word.numel() == empty.paragraph_of_word.numel() == 0


# -- the whole producer with random weights ---------------------------------------------------

#: The sizes of the tiny random networks: the head's hidden differs from the cue tagger's, so
#: a head built with the wrong width of cue states (or the wrong config) fails to load.
CUE_CONFIG = {"hidden": 8, "layers": 1}
HEAD_CONFIG = {"hidden": 6}


def _random_state(
    head_bias: list[float], seed: int, words: list[str], vectors: torch.Tensor
) -> dict[str, Any]:
    """The saved state of a tiny random cue tagger and argument head; every word is a cue B."""
    torch.manual_seed(seed)
    sizes = channel_sizes(Vocab.of(words, LEMMAS, DOC_DEPRELS), len(words))
    cue = Tagger(DOC_CHANNELS, sizes, vectors, 3, **CUE_CONFIG)
    head = ArgHead(HEAD_CHANNELS, sizes, 2 * CUE_CONFIG["hidden"], **HEAD_CONFIG)
    with torch.no_grad():
        cue.out.weight.zero_()
        cue.out.bias.copy_(torch.tensor([0.0, 20.0, 0.0]))
        head.out.weight.mul_(8.0)
        head.out.bias.copy_(torch.tensor(head_bias))
    return {
        "lemmas": LEMMAS,
        "deprels": DOC_DEPRELS,
        "config": {"cue": dict(CUE_CONFIG), "head": dict(HEAD_CONFIG)},
        "cue": {k: v for k, v in cue.state_dict().items() if k != "words.weight"},
        "head": head.state_dict(),
        "version": "test",
    }


def _random_model(head_bias: list[float], seed: int = 0) -> LearnedAttribution:
    """A LearnedAttribution with a tiny random cue tagger, head and word vectors; a trusted
    cue's window is the run window (so any site finds the same whatever the policy; the
    narrower source window has its own test)."""
    vectors = torch.randn(len(WORDS), 4, generator=torch.Generator().manual_seed(seed))
    model = LearnedAttribution(_random_state(head_bias, seed, WORDS, vectors), WORDS, vectors)
    model.source_window = model.window
    return model


def _in_site_order(lengths: Sequence[int], shrink: float = 0.0) -> list[list[int]]:
    """The head's batches in site order, :data:`M.ARG_BATCH` at a time (no length sort)."""
    n = len(lengths)
    return [list(range(i, min(i + M.ARG_BATCH, n))) for i in range(0, n, M.ARG_BATCH)]


def test_length_batches_go_longest_first_and_close_on_size_or_shrink(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(M, "ARG_BATCH", 3)
    lengths = [10, 200, 150, 90, 180, 40, 120, 170]
    batches = M._length_batches(lengths, 0.5)
    assert batches == [[1, 4, 7], [2, 6, 3], [5], [0]]
    assert M._length_batches(lengths, 0.0) == [[1, 4, 7], [2, 6, 3], [5, 0]]
    assert sorted(k for b in batches for k in b) == list(range(len(lengths)))
    assert M._length_batches([]) == []


def test_find_finds_the_same_in_any_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, rules, _ = _long_sample()
    model = _random_model([0.0] * 5, seed=3)
    model.policy = Policy(trusted=frozenset())
    sorted_batches = model.find(ctx, rules)
    assert sorted_batches
    monkeypatch.setattr(M, "_length_batches", _in_site_order)
    assert model.find(ctx, rules) == sorted_batches


def test_a_trusted_cue_is_read_in_the_source_window(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, rules, trusted = _long_sample()
    model = _random_model([0.0] * 5, seed=3)
    model.source_window = (0, 3)
    sizes: dict[tuple[int, tuple[int, ...]], tuple[int, int]] = {}
    build = F.window_tensor

    def spy(*args: Any, **kwargs: Any) -> tuple[int, torch.Tensor]:
        bound = inspect.signature(build).bind(*args, **kwargs).arguments
        site = bound["site"]
        sizes[(site.sentence, site.words)] = bound["size"]
        return build(*args, **kwargs)

    monkeypatch.setattr(M, "window_tensor", spy)
    model.find(ctx, rules)  # the default policy: trusted cues are run for their sources
    assert trusted & set(sizes)
    for key, size in sizes.items():
        assert size == ((0, 3) if key in trusted else F.RUN_WINDOW), key


class _TextParser:
    """Lay the hand-written parse of :data:`TEXT` over the text it is given."""

    def __call__(self, text: str) -> ParsedDocument:
        return doc(MADDY, HE_SAID, text=text)


def _check_span(text: str, span: TextSpan | None) -> None:
    if span is not None:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text


def test_the_networks_follow_the_saved_config() -> None:
    model = _random_model([0.0] * 5)
    assert model.cue.lstm.hidden_size == CUE_CONFIG["hidden"]
    assert model.cue.lstm.num_layers == CUE_CONFIG["layers"]
    assert model.head.lstm.hidden_size == HEAD_CONFIG["hidden"]
    # The head reads the cue tagger's BiLSTM states (both directions) beside its channels.
    assert model.head.channels == HEAD_CHANNELS
    assert model.head.lstm.input_size == 2 * CUE_CONFIG["hidden"] + sum(
        t.embedding_dim for t in model.head.tables.values()
    )
    assert not model.cue.training and not model.head.training


@pytest.mark.parametrize("seed", range(3))
def test_random_weights_give_well_formed_drafts(seed: int) -> None:
    parsed, ctx, rules, _ = _sample()
    model = _random_model([0.0, 0.0, 0.0, 0.0, 0.0], seed)
    out = model.drafts(ctx, rules)
    ids = [d.attribution.id for d in out]
    assert len(ids) == len(set(ids))
    # Every rule draft is still there (by id), in its order, first.
    assert ids[: len(rules)] == [d.attribution.id for d in rules]
    for d in out:
        att = d.attribution
        for span in (att.content, att.source, att.cue.span if att.cue else None, *att.quotes):
            _check_span(parsed.text, span)
        if d.mention is not None:
            _check_span(parsed.text, d.mention.span)
            sent = parsed.sentences[d.mention.sentence]
            tok = sent.tokens[d.mention.head]
            assert d.mention.span.start <= tok.start and tok.end <= d.mention.span.end
        if att.id.startswith("m"):
            assert att.sieve == MODEL_SIEVE and att.cue is not None
            assert att.cue.stance in ("neutral", "distancing", "concessive", "endorsing", "other")
    work = run_stages(parsed, model=model)
    for a in work.attributions:
        _check_span(parsed.text, a.content)
        _check_span(parsed.text, a.source)


def test_every_word_a_cue_and_all_else_content() -> None:
    parsed, ctx, rules, _ = _sample()
    model = _random_model([0.0, -50.0, -50.0, 50.0, -50.0])
    model.policy = Policy(trusted=frozenset())
    found = model.find(ctx, rules)
    assert all(isinstance(f, Found) for f in found)
    # Every word is a cue site; its content is every other word of its window.
    assert len(found) == len(parsed.tokens)
    offsets = (0, SECOND)
    every = [(k, (i,)) for k, sent in enumerate(parsed.sentences) for i in range(len(sent.tokens))]
    assert [(f.sentence, f.cue_words) for f in found] == every
    for f in found:
        assert f.source == () and f.cue == (offsets[f.sentence] + f.cue_words[0],)
        assert set(f.content) == set(range(len(parsed.tokens))) - set(f.cue)
    # Without model sources the cue of "q1" (dependency, trusted) is skipped: its record stands.
    model.policy = Policy(model_sources=False)
    assert rules[0].attribution.sieve == "dependency" and rules[0].cue_key == (1, (13,))
    assert model.find(ctx, rules) == [f for f in found if (f.sentence, f.cue_words) != (1, (13,))]
    untouched = model.drafts(ctx, rules)
    # By default it is not skipped (the model is run for its source) ...
    model.policy = Policy()
    assert model.find(ctx, rules) == found
    out = model.drafts(ctx, rules)
    # ... but finds none here, so the merge is the same.
    assert _blank_model_ids(out) == _blank_model_ids(untouched)
    assert [d.attribution.id for d in out[:2]] == ["q1", "i1"]
    # "q1" (dependency) keeps its record; "i1" (indirect speech) takes the model's spans.
    assert out[0] == rules[0]
    i1 = out[1].attribution
    assert i1.sieve == MODEL_SIEVE and i1.cue == rules[1].attribution.cue
    assert i1.content.start == 0 and i1.content.end == len(parsed.text)
    assert i1.kind == "partial"  # some content words lie within the quotation
    # Every other site adds a draft, however much its content overlaps the rest.
    assert len(out) == 2 + len(parsed.tokens) - 2
    assert all(d.attribution.sieve == MODEL_SIEVE for d in out[2:])


def test_every_word_a_cue_with_a_source_before_it() -> None:
    # Source on every word, content on none: no content, nothing found, the rules stand.
    parsed, ctx, rules, _ = _sample()
    model = _random_model([-50.0, 50.0, -50.0, -50.0, -50.0])
    assert model.find(ctx, rules) == []
    # By default the unconfirmed indirect speech "i1" goes and the quotation "q1" stays.
    assert [d.attribution.sieve for d in rules] == ["dependency", "indirect_speech"]
    assert model.drafts(ctx, rules) == tuple(rules[:1])
    model.policy = Policy(trusted=frozenset(), keep_unmatched=None)
    assert model.find(ctx, rules) == []
    assert model.drafts(ctx, rules) == tuple(rules)


#: Five sentences: the windows (three sentences each side) differ in start and length.
LONG = (MADDY, HE_SAID, MADDY, HE_SAID, MADDY)


def test_the_head_reads_the_cue_states_and_the_window_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = doc(*LONG)
    ctx = build_context(parsed, find_quotes(parsed.text))
    rules = run_stages(parsed, RULES).drafts
    model = _random_model([0.0] * 5, seed=3)
    model.policy = Policy(trusted=frozenset())  # every site's arguments
    want = model.find(ctx, rules)
    assert want  # random weights: some content somewhere
    calls: list[tuple[torch.Tensor, list[tuple[int, torch.Tensor]]]] = []
    predict = model.head.predict_windows  # the states prepared once (no bottleneck: as they are)

    def record(p: torch.Tensor, windows: Sequence[tuple[int, torch.Tensor]]) -> list[list[int]]:
        calls.append((p.detach().clone(), [(first, rows.clone()) for first, rows in windows]))
        return predict(p, windows)

    monkeypatch.setattr(model.head, "predict_windows", record)
    # Other batch sizes give the same findings (sentences one by one, windows five by five).
    monkeypatch.setattr(M, "SENTENCE_BATCH", 1)
    monkeypatch.setattr(M, "ARG_BATCH", 5)
    monkeypatch.setattr(M, "_length_batches", _in_site_order)
    assert model.find(ctx, rules) == want
    feats = document_features(ctx, rules, model.vocab)
    with torch.no_grad():
        states = torch.cat(
            [
                model.cue.encode(*batch([feats.rows[o : o + len(s.tokens)]]))[0]
                for o, s in zip(feats.sentence_offsets, parsed.sentences, strict=True)
            ]
        )
    sites = [CueSite(k, (i,)) for k, s in enumerate(parsed.sentences) for i in range(len(s.tokens))]
    assert len(calls) == -(-len(sites) // 5)
    firsts, sizes = set(), set()
    for n, site in enumerate(sites):
        p, windows = calls[n // 5]
        first, x = windows[n % 5]
        assert torch.allclose(p, states, atol=1e-5)  # every word's cue-tagger states
        links = rule_links(ctx, rules, feats, site)
        win = window_features(feats, ctx, site, model.vocab, links)
        size = len(win.rows)
        firsts.add(win.first)
        sizes.add(size)
        assert first == win.first and len(x) == size
        assert x.tolist() == [[r[c] for c in HEAD_COLUMNS] for r in win.rows]
        # The rows inference builds: only the head's document channels, then the window's.
        head_win = window_features(feats, ctx, site, model.vocab, links, HEAD_DOC_COLUMNS)
        assert head_win.first == win.first
        assert x.tolist() == [list(r) for r in head_win.rows]
    assert len(firsts) > 1 and len(sizes) > 1


@pytest.mark.parametrize("window", [None, (0, 2), F.TRAIN_WINDOW], ids=["default", "0-2", "train"])
def test_find_reads_windows_of_the_model_s_size(
    monkeypatch: pytest.MonkeyPatch, window: tuple[int, int] | None
) -> None:
    parsed, ctx, rules, _ = _paragraph_sample()
    model = _random_model([0.0] * 5, seed=3)
    model.policy = Policy(trusted=frozenset())  # every site's arguments
    assert model.window == F.RUN_WINDOW
    if window is not None:
        model.window = window
    size = model.window
    calls: list[tuple[torch.Tensor, list[tuple[int, torch.Tensor]]]] = []
    sizes: list[tuple[int, int]] = []
    predict, build = model.head.predict_windows, F.window_tensor

    def record(p: torch.Tensor, windows: Sequence[tuple[int, torch.Tensor]]) -> list[list[int]]:
        calls.append((p.detach().clone(), [(first, rows.clone()) for first, rows in windows]))
        return predict(p, windows)

    def spy(*args: Any, **kwargs: Any) -> tuple[int, torch.Tensor]:
        sizes.append(inspect.signature(build).bind(*args, **kwargs).arguments["size"])
        return build(*args, **kwargs)

    monkeypatch.setattr(model.head, "predict_windows", record)
    monkeypatch.setattr(M, "window_tensor", spy)
    monkeypatch.setattr(M, "SENTENCE_BATCH", 1)
    monkeypatch.setattr(M, "ARG_BATCH", 7)  # batches of unequal windows
    monkeypatch.setattr(M, "_length_batches", _in_site_order)
    found = model.find(ctx, rules)
    feats = document_features(ctx, rules, model.vocab)
    with torch.no_grad():
        states = torch.cat(
            [
                model.cue.encode(*batch([feats.rows[o : o + len(s.tokens)]]))[0]
                for o, s in zip(feats.sentence_offsets, parsed.sentences, strict=True)
            ]
        )
    # Every word is a cue site (the random cue tagger's bias), windowed at the model's size.
    sites = [CueSite(k, (i,)) for k, s in enumerate(parsed.sentences) for i in range(len(s.tokens))]
    assert sizes == [size] * len(sites)
    assert len(calls) == -(-len(sites) // 7)
    bounds: dict[tuple[int, tuple[int, ...]], tuple[int, int]] = {}
    for n, site in enumerate(sites):
        p, windows = calls[n // 7]
        first, x = windows[n % 7]
        assert torch.allclose(p, states, atol=1e-5)
        links = rule_links(ctx, rules, feats, site)
        win = window_features(feats, ctx, site, model.vocab, links, HEAD_DOC_COLUMNS, size)
        length = len(win.rows)
        assert (win.first, win.first + length) == window_bounds(feats, ctx, site, size)
        assert first == win.first and len(x) == length
        assert x.tolist() == [list(r) for r in win.rows]
        bounds[site.sentence, site.words] = (win.first, win.first + length)
        if window == (0, 2):
            # Never past the cue's sentence, nor more than 2 words either side.
            cue = feats.sentence_offsets[site.sentence] + site.head
            assert length <= 5
            assert set(feats.sentence_of_word[win.first : win.first + length]) == {site.sentence}
            assert win.first >= cue - 2 and win.first + length <= cue + 3
            rel_sent = x[:, HEAD_CHANNELS.index("rel_sent")]
            assert set(rel_sent.tolist()) == {F.WINDOW_SENTENCES}
    # What the model found lies in the window of its cue.
    assert found
    for f in found:
        first, last = bounds[f.sentence, f.cue_words]
        assert all(first <= g < last for g in f.content + f.source)


def test_pad_pads_window_rows_and_their_states() -> None:
    states = torch.arange(30, dtype=torch.float).reshape(10, 3)
    windows = [
        (2, torch.tensor([[1, 2], [3, 4], [5, 6]])),
        (0, torch.tensor([[7, 8]])),
        (7, torch.tensor([[9, 10], [11, 12]])),
    ]
    x, h, lengths = pad_windows(windows, states)
    assert lengths.dtype == torch.long and lengths.tolist() == [3, 1, 2]
    assert x.dtype == torch.long and tuple(x.shape) == (3, 3, 2)
    assert tuple(h.shape) == (3, 3, 3)
    for k, (first, rows) in enumerate(windows):
        n = len(rows)
        assert torch.equal(x[k, :n], rows) and not x[k, n:].any()
        assert torch.equal(h[k, :n], states[first : first + n]) and not h[k, n:].any()
    # One window: no padding.
    x, h, lengths = pad_windows(windows[2:], states)
    assert lengths.tolist() == [2] and torch.equal(x[0], windows[2][1])
    assert torch.equal(h[0], states[7:9])


def _blank_model_ids(drafts: Sequence[Draft]) -> list[Draft]:
    """The drafts with the model's temporary ids (``m<n>``, numbered over its findings) blanked."""
    return [
        replace(d, attribution=replace(d.attribution, id="m"))
        if d.attribution.id.startswith("m")
        else d
        for d in drafts
    ]


def _every_site_combined(
    model: LearnedAttribution, ctx: Context, rules: Sequence[Draft], policy: Policy
) -> tuple[list[Found], tuple[Draft, ...]]:
    """Every cue site's findings (no site skipped), and those merged under ``policy``."""
    model.policy = Policy(trusted=frozenset())
    found = model.find(ctx, rules)
    drafts = [to_draft(ctx, f, n + 1, model.stances) for n, f in enumerate(found)]
    return found, combine(rules, drafts, policy)


def _long_sample() -> tuple[Context, tuple[Draft, ...], set[Any]]:
    parsed = doc(*LONG)
    ctx = build_context(parsed, find_quotes(parsed.text))
    rules = run_stages(parsed, RULES).drafts
    trusted = {d.cue_key for d in rules if d.attribution.sieve in TRUSTED_SIEVES}
    assert trusted == {(1, (13,)), (3, (13,))}  # the two quotations' "said"
    return ctx, rules, trusted


@pytest.mark.parametrize(
    "bias", [[0.0] * 5, [0.0, -50.0, -50.0, 50.0, -50.0]], ids=["random", "all content"]
)
def test_find_skips_trusted_cues_and_the_merge_is_the_same(bias: list[float]) -> None:
    ctx, rules, trusted = _long_sample()
    model = _random_model(bias, seed=3)
    untouched = Policy(model_sources=False)  # the trusted records stand: nothing to find
    every, want = _every_site_combined(model, ctx, rules, untouched)
    # The model finds arguments for a trusted cue: its draft overlaps the rule draft's cue.
    assert trusted & {(f.sentence, f.cue_words) for f in every}
    model.policy = untouched
    found = model.find(ctx, rules)
    assert found == [f for f in every if (f.sentence, f.cue_words) not in trusted]
    got = model.drafts(ctx, rules)
    assert _blank_model_ids(got) == _blank_model_ids(want)
    for d in rules:
        if d.cue_key in trusted:
            assert d in got  # the trusted rule records stand
    # By default a trusted cue may take the model's source: no site is skipped.
    _, want = _every_site_combined(model, ctx, rules, Policy())
    model.policy = Policy()
    assert model.find(ctx, rules) == every
    assert model.drafts(ctx, rules) == want


@pytest.mark.parametrize("model_sources", [False, True])
def test_a_skipped_trusted_cue_keeps_its_rule_record_under_any_policy(
    model_sources: bool,
) -> None:
    # Without model sources find() skips the trusted cues, and combine() keeps their drafts
    # unmatched even where keep_unmatched lacks their sieve; with them the model (finding
    # no source here: all content) leaves the records as they are.
    ctx, rules, trusted = _long_sample()
    model = _random_model([0.0, -50.0, -50.0, 50.0, -50.0], seed=3)
    # "drop every unmatched rule cue" in select.py
    policy = Policy(keep_unmatched=frozenset(), model_sources=model_sources)
    _, want = _every_site_combined(model, ctx, rules, policy)
    assert all(d in want for d in rules if d.cue_key in trusted)
    model.policy = policy
    got = model.drafts(ctx, rules)
    assert all(d in got for d in rules if d.cue_key in trusted)
    assert _blank_model_ids(got) == _blank_model_ids(want)


def test_an_empty_document_gives_the_rules_back() -> None:
    empty = ParsedDocument("")
    ctx = build_context(empty, find_quotes(""))
    model = _random_model([0.0] * 5)
    assert model.drafts(ctx, ()) == ()


def test_load_reads_a_saved_state_with_the_bundled_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / VECTORS_FILE).symlink_to(MODELS_DIR / VECTORS_FILE)
    words, vectors = load_vectors(tmp_path / VECTORS_FILE)
    state = _random_state([0.0] * 5, 1, words, vectors)
    torch.save(state, tmp_path / WEIGHTS_FILE)
    assert LearnedAttribution.load(tmp_path).is_quantized  # as shipped: int8 LSTMs
    loaded = LearnedAttribution.load(tmp_path, int8=False)
    assert loaded.version == "test" and not loaded.is_quantized
    assert torch.equal(loaded.cue.words.weight, vectors)
    cue = loaded.cue.state_dict()
    assert set(cue) == set(state["cue"]) | {"words.weight"}
    assert all(torch.equal(cue[k], v) for k, v in state["cue"].items())
    head = loaded.head.state_dict()
    assert set(head) == set(state["head"])
    assert all(torch.equal(head[k], v) for k, v in state["head"].items())
    # Through the analyzer: ATTRIBUTION_MODELS_DIR says where the weights are.
    monkeypatch.setenv("ATTRIBUTION_MODELS_DIR", str(tmp_path))
    reset_settings()
    analyzer = Analyzer(_TextParser(), model=True)
    producer = analyzer.model()
    assert isinstance(producer, LearnedAttribution) and producer.version == "test"
    result = analyzer.analyze(TEXT)
    assert result.text == TEXT
    for a in result.attributions:
        for span in (a.content, a.source, a.cue.span if a.cue else None, *a.quotes):
            _check_span(TEXT, span)


def test_quantize_runs_both_lstms_in_int8_and_keeps_the_drafts_well_formed() -> None:
    parsed, ctx, rules, _ = _sample()
    model = _random_model([0.0] * 5)
    cue_words = [(f.sentence, f.cue_words) for f in model.find(ctx, rules)]
    assert model.quantize() is model and model.is_quantized
    for net in (model.cue, model.head):
        assert type(net.lstm).__module__.startswith("torch.ao.nn.quantized.dynamic")
    model.quantize()  # twice is once
    # Every word is a cue B (its output bias): the int8 tagger finds the same sites.
    assert [(f.sentence, f.cue_words) for f in model.find(ctx, rules)] == cue_words
    for d in model.drafts(ctx, rules):
        att = d.attribution
        for span in (att.content, att.source, att.cue.span if att.cue else None, *att.quotes):
            _check_span(parsed.text, span)


def test_load_without_weights_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="ATTRIBUTION_MODEL=0"):
        LearnedAttribution.load(tmp_path)


def test_a_corrupt_weights_file_is_a_model_load_error(tmp_path: Path) -> None:
    (tmp_path / VECTORS_FILE).symlink_to(MODELS_DIR / VECTORS_FILE)
    (tmp_path / WEIGHTS_FILE).write_bytes(b"not a model")
    with pytest.raises(ModelLoadError, match=WEIGHTS_FILE):
        LearnedAttribution.load(tmp_path)


def test_missing_word_vectors_are_a_model_load_error(tmp_path: Path) -> None:
    words, vectors = load_vectors(MODELS_DIR / VECTORS_FILE)
    torch.save(_random_state([0.0] * 5, 1, words, vectors), tmp_path / WEIGHTS_FILE)
    with pytest.raises(ModelLoadError, match=WEIGHTS_FILE):
        LearnedAttribution.load(tmp_path)


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        *path, last = keys
        for k in path:
            state = state[k]
        del state[last]

    return change


def _resize(section: str, key: str) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        state[section][key] = torch.zeros(3, 3)

    return change


def _config(section: str, **values: int) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        state["config"][section].update(values)

    return change


def _old_format(state: dict[str, Any]) -> None:
    """The first cut's layout: a whole argument tagger under "arg", no head."""
    state["arg"] = state.pop("head")
    state["config"]["arg"] = state["config"].pop("head")


INCOMPLETE = {
    "no lemmas": _drop("lemmas"),
    "no cue": _drop("cue"),
    "no head": _drop("head"),
    "old arg tagger": _old_format,
    "a cue weight missing": _drop("cue", "out.bias"),
    "a head weight missing": _drop("head", "crf.trans"),
    "a cue weight resized": _resize("cue", "lstm.weight_ih_l0"),
    "a head weight resized": _resize("head", "out.weight"),
    "cue hidden mismatch": _config("cue", hidden=10),
    "head hidden mismatch": _config("head", hidden=10),
    "unknown config key": _config("head", width=3),
}


@pytest.mark.parametrize("change", INCOMPLETE.values(), ids=INCOMPLETE.keys())
def test_an_incomplete_weights_file_is_a_model_load_error(
    tmp_path: Path, change: Callable[[dict[str, Any]], None]
) -> None:
    (tmp_path / VECTORS_FILE).symlink_to(MODELS_DIR / VECTORS_FILE)
    words, vectors = load_vectors(tmp_path / VECTORS_FILE)
    state = _random_state([0.0] * 5, 1, words, vectors)
    change(state)
    torch.save(state, tmp_path / WEIGHTS_FILE)
    with pytest.raises(ModelLoadError, match=WEIGHTS_FILE):
        LearnedAttribution.load(tmp_path)


# -- the pipeline switch ---------------------------------------------------------------------


class StubProducer:
    """Return the rule drafts, plus ``extra`` when given; record what it was handed."""

    def __init__(self, extra: Draft | None = None) -> None:
        self.extra = extra
        self.seen: list[tuple[Context, tuple[Draft, ...]]] = []

    def drafts(self, ctx: Context, rules: tuple[Draft, ...]) -> tuple[Draft, ...]:
        self.seen.append((ctx, tuple(rules)))
        return tuple(rules) + ((self.extra,) if self.extra else ())


def _parse() -> ParsedDocument:
    return doc(MADDY, HE_SAID, text=TEXT)


def test_no_model_leaves_the_rule_output_unchanged() -> None:
    parsed = _parse()
    plain = run_stages(parsed)
    assert run_stages(parsed, model=None) == plain
    stub = StubProducer()
    assert run_stages(parsed, model=stub).attributions == plain.attributions
    ((ctx, handed),) = stub.seen
    assert handed == run_stages(parsed, RULES).drafts
    assert ctx.doc is parsed
    assert [a.sieve for a in plain.attributions] == ["indirect_speech", "dependency"]


def test_a_producer_draft_comes_out_with_sieve_model() -> None:
    parsed = _parse()
    text = parsed.text
    start = text.index("they were keen")
    end = start + len("they were keen on this")
    said = text.rindex("said")
    he = text.rindex("he said")
    source = TextSpan(he, he + 2, "he")
    extra = Draft(
        Attribution(
            id="m1",
            kind="indirect",
            content=TextSpan(start, end, text[start:end]),
            cue=Cue(TextSpan(said, said + 4, "said"), "say"),
            source=source,
            sieve="model",
        ),
        Mention(source, 1, 12),
    )
    work = run_stages(parsed, model=StubProducer(extra))
    assert len(work.attributions) == 3
    (got,) = [a for a in work.attributions if a.sieve == "model"]
    assert got.content.text == "they were keen on this" and got.id.startswith("a")
    rule = next(a for a in work.attributions if a.sieve == "dependency")
    assert got.speaker_id == rule.speaker_id is not None
    assert work.summary is not None and work.summary.attributions == 3


def test_analyzer_option_switches_the_model_off() -> None:
    stub = StubProducer()
    analyzer = Analyzer(_TextParser(), model=stub)
    assert analyzer.model() is stub
    analyzer.analyze(TEXT, options={"model": False})
    assert stub.seen == []
    analyzer.analyze(TEXT)
    assert len(stub.seen) == 1
    assert Analyzer(_TextParser(), model=False).model() is None


# -- the shipped weights ---------------------------------------------------------------------

WEIGHTS = MODELS_DIR / WEIGHTS_FILE
#: The rules miss the landlords' claim (they read "raise" as a cue with "rents" its content).
PARAGRAPH = (
    "The city council approved the new budget on Tuesday. The spending plan will raise rents "
    "across the city, several landlords warned at the hearing.\n"
    "The mayor defended the vote. “This budget protects the services people rely on,” "
    "she said."
)
SIEVES = set(get_args(SieveName))
#: More reported speech of every kind, for the int8 model against the float one.
LONG_NEWS = (
    "Officials familiar with the talks said the two sides were close to a deal, though "
    "neither government would confirm it. According to a draft seen by reporters, the "
    "agreement would cut tariffs on steel.",
    "The trade minister, Ana Ruiz, told lawmakers on Monday that she expected a vote "
    "within weeks. “We are not there yet,” she cautioned. Critics accused the government "
    "of hiding the terms, and a union leader warned that jobs would be lost.",
    "A spokesman declined to comment. The ministry's report shows exports fell by a "
    "tenth last year, and economists believe the deal could reverse that.",
)


@pytest.mark.model
def test_shipped_weights_on_a_news_paragraph() -> None:
    if not Path(WEIGHTS).exists():
        pytest.skip(f"the learned model's weights are not shipped yet: {WEIGHTS} is missing")
    loaded = LearnedAttribution.load()
    assert loaded.version
    analyzer = Analyzer(model=True)
    assert isinstance(analyzer.model(), LearnedAttribution)
    with_model = analyzer.analyze(PARAGRAPH)
    rules_only = analyzer.analyze(PARAGRAPH, options={"model": False})
    for result in (with_model, rules_only):
        assert result.text == PARAGRAPH
        assert result.attributions
        for a in result.attributions:
            assert a.sieve in SIEVES
            for span in (a.content, a.source, a.cue.span if a.cue else None, *a.quotes):
                _check_span(PARAGRAPH, span)
        for sp in result.speakers:
            for m in sp.mentions:
                _check_span(PARAGRAPH, m)
    assert all(a.sieve != MODEL_SIEVE for a in rules_only.attributions)


@pytest.mark.model
def test_shipped_weights_in_int8_find_what_the_float_ones_find() -> None:
    if not Path(WEIGHTS).exists():
        pytest.skip(f"the learned model's weights are not shipped yet: {WEIGHTS} is missing")
    text = "\n".join([PARAGRAPH, *LONG_NEWS])
    repaired, parsed, _ = Analyzer(model=False).parse(text)
    int8, floats = LearnedAttribution.load(), LearnedAttribution.load(int8=False)
    assert int8.is_quantized and not floats.is_quantized
    got = assemble(repaired, parsed, model=int8).attributions
    want = assemble(repaired, parsed, model=floats).attributions
    assert any(a.sieve == MODEL_SIEVE for a in want)
    assert got == want


def test_quantize_keeps_the_float_model_under_a_torch_without_quantization(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch.ao.quantization", None)  # import fails
    model = _random_model([0.0] * 5)
    assert model.quantize() is model and not model.is_quantized
