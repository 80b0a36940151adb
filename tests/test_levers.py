"""The parser's speed levers (issue 13) keep the parse: parse_many, the lemma cache,
inference mode; the fast profile's quantization; Analyzer.prepare and the CLI's use of it.

Speed itself is measured by ``benchmarks/bench_throughput.py``, never here.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeAnalyzer, fake_rubric

from attribution import cli
from attribution.errors import BudgetExceeded
from attribution.nlp import fast_tagger, guard, levers
from attribution.nlp import stanza_parser as sp
from attribution.nlp.char_cache import CachedChars, install_char_cache
from attribution.nlp.dense_lstm import DenseLSTM, install_dense_lstm
from attribution.nlp.int8_lstm import Int8PackedLSTM
from attribution.pipeline import Analyzer
from attribution.settings import ConfigError, Settings
from attribution.types import ParsedDocument, Sentence, Token
from service import create_app

TEXTS = [
    "Officials said the talks would resume. “We don't know,” Ms. Grünewald told AFP.",
    "",
    "A zyxquorbs flimbered, said Mr. Okonkwo-Vadeboncoeur; the zyxquorbs denied it.",
    '" ' * 30 + "\n\nThe minister said nothing.",
    "He said " + ", and then ".join(["the committee met again"] * 60) + ".",
    "   ",
    "Officials said the talks would resume. “We don't know,” Ms. Grünewald told AFP.",
]


@pytest.fixture(scope="module")
def parser(one_torch_thread: None) -> sp.StanzaParser:
    loaded = sp.StanzaParser(sp.ParserConfig(threads=1))
    loaded.load()
    return loaded


@pytest.fixture(scope="module")
def plain(one_torch_thread: None) -> sp.StanzaParser:
    """The parser as before issue 13: no lemma cache, no inference mode, no factored
    scores."""
    loaded = sp.StanzaParser(
        sp.ParserConfig(
            threads=1,
            inference_mode=False,
            lemma_cache=False,
            factored_scores=False,
            fast_glue=False,
            char_cache=False,
            dense_lstm=False,
            token_windows=False,
        )
    )
    loaded.load()
    return loaded


def test_without_levers_is_the_plain_parser(plain: sp.StanzaParser) -> None:
    assert sp.ParserConfig.without_levers(threads=1) == plain.config
    assert sp.ParserConfig.without_levers(threads=1, fast_glue=True).fast_glue


def test_profile_setting() -> None:
    assert Settings.from_env({}).profile == "default"
    assert Settings.from_env({"ATTRIBUTION_PROFILE": " Fast "}).profile == "fast"
    with pytest.raises(ConfigError, match="ATTRIBUTION_PROFILE must be one of default, fast"):
        Settings.from_env({"ATTRIBUTION_PROFILE": "turbo"})
    assert not sp.ParserConfig.from_env(settings=Settings()).quantize
    assert sp.ParserConfig.from_env(settings=Settings(profile="fast")).quantize
    assert sp.ParserConfig().replace(batch_words=10).batch_words == 10


@pytest.mark.model
def test_parse_many_equals_one_by_one(
    parser: sp.StanzaParser, plain: sp.StanzaParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = [plain(text) for text in TEXTS]
    with guard.watch() as watch:
        batch = parser.parse_batch(TEXTS)
    assert [doc for doc, _ in batch] == one_by_one
    assert [len(cuts) for _, cuts in batch] == [0, 0, 0, 0, 1, 0, 0]
    assert watch.cuts == batch[4][1]
    # Small passes (every piece its own Stanza document) give the same parses too.
    monkeypatch.setattr(parser, "config", parser.config.replace(batch_words=1))
    assert parser.parse_many(TEXTS) == one_by_one
    assert parser.parse_many([]) == []


@pytest.mark.model
def test_lemma_cache_answers_as_the_model_did(
    parser: sp.StanzaParser, plain: sp.StanzaParser
) -> None:
    text = TEXTS[2]
    first = parser(text)
    cache = parser.pipeline.processors["lemma"].trainer.cached_lemmas
    assert ("zyxquorbs", "NOUN") in cache or ("flimbered", "VERB") in cache
    assert parser(text) == first == plain(text)  # the second time from the cache
    assert not levers.install_lemma_cache(parser.pipeline)  # installed once


@pytest.mark.model
def test_factored_scores_tag_and_parse_as_stanza_does(
    parser: sp.StanzaParser, plain: sp.StanzaParser
) -> None:
    tagger = parser.pipeline.processors["pos"].trainer.model
    assert isinstance(tagger.tag_clf["xpos"], fast_tagger.FactoredBilinear)
    assert all(isinstance(c, fast_tagger.FactoredBilinear) for c in tagger.tag_clf["feats"])
    assert fast_tagger.install(parser.pipeline) == []  # installed once
    assert vars(parser.pipeline.processors["depparse"].trainer.model)["grouped_labels"]
    assert not vars(plain.pipeline.processors["depparse"].trainer.model)["grouped_labels"]
    text = " ".join(TEXTS) + " Asked whether the deal was dead, the spokesman declined to comment."
    assert parser(text) == plain(text)


def test_a_factored_column_scores_as_its_biaffine_classifiers() -> None:
    import torch
    from stanza.models.common.biaffine import BiaffineScorer

    torch.manual_seed(0)
    table = torch.nn.Embedding(6, 4)
    scorers = [BiaffineScorer(5, 4, n) for n in (3, 2)]
    for s in scorers:
        torch.nn.init.normal_(s.W_bilin.weight)
        torch.nn.init.normal_(s.W_bilin.bias)
    column = fast_tagger.FactoredColumn(scorers, table)
    modules = [fast_tagger.FactoredBilinear(s, column, k) for k, s in enumerate(scorers)]
    hid = torch.randn(9, 5)
    with torch.no_grad():
        parent = table(torch.tensor([0, 3, 3, 5, 1, 0, 3, 2, 5]))
        for scorer, module in zip(scorers, modules, strict=True):
            assert torch.allclose(module(hid, parent), scorer(hid, parent), atol=1e-5)
        # A parent that is no row of the table: the classifiers run as written.
        other = parent + 0.5
        assert column.scores(hid, other) is None
        assert torch.equal(modules[1](hid, other), scorers[1](hid, other))


@pytest.mark.model
def test_lemma_cache_starts_again_when_full(one_torch_thread: None) -> None:
    small = sp.StanzaParser(sp.ParserConfig(threads=1, lemma_cache=False))
    small.load()
    assert levers.install_lemma_cache(small.pipeline, size=1)
    small(TEXTS[2])
    assert len(small.pipeline.processors["lemma"].trainer.cached_lemmas) <= 1


@pytest.mark.model
def test_fast_profile_quantizes_and_parses(one_torch_thread: None) -> None:
    fast = sp.StanzaParser(sp.ParserConfig.from_env(settings=Settings(threads=1, profile="fast")))
    fast.load()  # quantized on load, without a warning escaping (filterwarnings=error)
    assert levers.quantize(fast.pipeline) == []  # already quantized
    for name, attr in levers.QUANTIZED.items():
        highway = getattr(fast.pipeline.processors[name].trainer.model, attr)
        assert all(isinstance(layer.lstm, Int8PackedLSTM) for layer in highway.lstm)
    # The character models stay float, so their vectors are still remembered.
    assert isinstance(fast.pipeline.processors["pos"].trainer.model.charmodel.forward, CachedChars)
    doc = fast(TEXTS[0])
    said = next(t for s in doc.sentences for t in s.tokens if t.text == "said")
    assert said.upos == "VERB" and said.lemma == "say"
    assert fast.parse_many(TEXTS[:3]) == [fast(t) for t in TEXTS[:3]]


@pytest.mark.model
def test_fast_glue_parses_as_stanza_does(parser: sp.StanzaParser, plain: sp.StanzaParser) -> None:
    vocab = parser.pipeline.processors["pos"].trainer.vocab
    assert "map" in vars(vocab["char"]) and "id2unit" in vars(vocab["feats"])
    assert "map" not in vars(plain.pipeline.processors["pos"].trainer.vocab["char"])
    assert levers.install_fast_glue(parser.pipeline) == 0  # installed once
    text = " ".join(TEXTS) + " Ms. Grünewald's 3 zyxquorbs weren't there, AFP reported."
    glued = parser.parse_many([text, TEXTS[2]])
    changed = levers.install_fast_long_tensor(False)
    try:
        assert plain.parse_many([text, TEXTS[2]]) == glued
    finally:
        if changed:
            levers.install_fast_long_tensor(True)


@pytest.mark.model
def test_char_cache_and_dense_lstm_parse_as_stanza_does(
    parser: sp.StanzaParser, plain: sp.StanzaParser
) -> None:
    assert install_char_cache(parser.pipeline) == []  # installed once
    assert install_dense_lstm(parser.pipeline) == []
    cached = parser.pipeline.processors["pos"].trainer.model.charmodel.forward
    assert isinstance(cached, CachedChars)
    tokenizer = parser.pipeline.processors["tokenize"].trainer.model
    assert isinstance(vars(tokenizer.rnn)["forward"], DenseLSTM)
    # Paragraphs of unequal lengths (padded together), words seen again (from the cache).
    text = "\n\n".join([*TEXTS, TEXTS[0] * 3, "Short one.", TEXTS[2] + " " + TEXTS[4]])
    twice = parser.parse_many([text, text, TEXTS[2]])
    assert twice[0] == twice[1]
    assert plain.parse_many([text, TEXTS[2]]) == [twice[0], twice[2]]
    assert cached.index  # words kept


def _char_model(width: int = 6) -> Any:
    import torch
    from stanza.models.common.char_model import CharacterModel

    torch.manual_seed(3)
    args = {
        "char_emb_dim": 5,
        "char_hidden_dim": width,
        "char_num_layers": 1,
        "dropout": 0.0,
        "char_rec_dropout": 0,
    }
    model = CharacterModel(args, {"char": list(range(12))})
    model.char_attn.weight.data.normal_()  # Stanza starts it at zero
    return model.eval()


def _char_batch(sentences: list[list[list[int]]]) -> tuple[Any, ...]:
    """Stanza's character-model inputs for ``sentences`` of words of char ids."""
    import torch

    words = [w for s in sentences for w in s]
    order = sorted(range(len(words)), key=lambda i: -len(words[i]))
    longest = len(words[order[0]])
    chars = torch.tensor([words[i] + [0] * (longest - len(words[i])) for i in order])
    wordlens = [len(words[i]) for i in order]
    return chars, chars == 0, order, [len(s) for s in sentences], wordlens


def test_char_cache_answers_as_the_character_model_and_stays_bounded() -> None:
    import torch

    model = _char_model()
    cached = CachedChars(model, size=5)
    # Sentences longest first, words in any order: as Stanza's batches come.
    first = [[[6], [1, 2, 3], [7, 8, 9, 10]], [[1, 2, 3], [4, 5]]]
    again = [[[4, 5], [11, 3, 2, 1, 9]], [[1, 2, 3]]]
    with torch.inference_mode():
        for sentences in (first, again, first):
            batch = _char_batch(sentences)
            got, want = cached(*batch), model(*batch)
            assert torch.equal(got.batch_sizes, want.batch_sizes)
            assert torch.allclose(got.data, want.data, atol=1e-6)
        assert len(cached.index) <= 5
        # A batch read twice: the second answer comes from the cache, exactly.
        batch = _char_batch(again)
        assert torch.equal(cached(*batch).data, cached(*batch).data)
    # Outside inference mode (and with autograd on) the cache answers as well.
    batch = _char_batch(first)
    with torch.no_grad():
        assert torch.allclose(cached(*batch).data, model(*batch).data, atol=1e-6)
    assert torch.allclose(cached(*batch).data, model(*batch).data, atol=1e-6)
    model.train()  # training goes to Stanza's own forward (dropout 0 here)
    batch = _char_batch(again)
    with torch.no_grad():
        assert torch.equal(cached(*batch).data, type(model).forward(model, *batch).data)


@pytest.mark.parametrize("bidirectional", [True, False])
def test_dense_lstm_answers_as_the_packed_lstm(bidirectional: bool) -> None:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    torch.manual_seed(5)
    lstm = torch.nn.LSTM(7, 5, bidirectional=bidirectional, batch_first=True).eval()
    lengths = [23, 4, 19, 23, 1, 11, 30, 2, 16, 30, 8, 17, 3, 29, 21, 6, 25, 12, 9, 5]
    inputs = torch.randn(len(lengths), max(lengths), 7)
    packed = pack_padded_sequence(inputs, torch.tensor(lengths), True, enforce_sorted=False)
    dense = DenseLSTM(lstm)
    with torch.inference_mode():
        got, states = dense(packed)
        want, _ = lstm(packed)
    assert states is None
    assert torch.equal(got.batch_sizes, want.batch_sizes)
    assert torch.equal(got.unsorted_indices, want.unsorted_indices)
    assert torch.allclose(got.data, want.data, atol=1e-5)
    h0 = torch.zeros(2 if bidirectional else 1, len(lengths), 5)
    assert dense(packed, (h0, h0))[1] is not None  # initial states: the LSTM's own forward


def test_dense_lstm_groups_rows_within_their_padding() -> None:
    from attribution.nlp import dense_lstm

    assert dense_lstm.row_lengths([3, 3, 2, 1]) == [4, 3, 2]
    assert dense_lstm.row_lengths([]) == []
    lengths = [5000, 4990, 100, 95, 90, 40, 39, 38, 37, 5, 1] + [1] * 40
    runs = list(dense_lstm.groups(lengths))
    assert [end for _, end in runs[:-1]] == [first for first, _ in runs[1:]]
    assert runs[0][0] == 0 and runs[-1][1] == len(lengths)
    assert runs[0] == (0, 1)  # two rows of 5,000 steps would pass MAX_POSITIONS
    for first, end in runs:
        size = end - first
        assert size in (1, 2, 4, 8, 16) and size <= dense_lstm.MAX_ROWS
        assert size == 1 or lengths[first] * size <= dense_lstm.MAX_POSITIONS
        assert lengths[first] * size <= (1 + dense_lstm.PAD_SHARE) * sum(lengths[first:end])


def test_dense_lstm_runs_few_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    """oneDNN keeps a compiled kernel per shape: a serving process must not see one per
    paragraph length."""
    import random

    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    from attribution.nlp import dense_lstm

    shapes: set[tuple[int, ...]] = set()
    lstm_call = torch.lstm

    def spy(inputs: Any, *args: Any) -> Any:
        shapes.add(tuple(inputs.shape))
        return lstm_call(inputs, *args)

    monkeypatch.setattr(torch, "lstm", spy)
    lstm = torch.nn.LSTM(3, 4, bidirectional=True, batch_first=True).eval()
    dense = DenseLSTM(lstm)
    rng = random.Random(7)
    with torch.inference_mode():
        for _ in range(30):
            lengths = [rng.randint(1, 700) for _ in range(rng.randint(1, 40))]
            inputs = torch.randn(len(lengths), max(lengths), 3)
            packed = pack_padded_sequence(inputs, torch.tensor(lengths), True, False)
            got, _ = dense(packed)
            assert torch.allclose(got.data, lstm(packed)[0].data, atol=1e-5)
    steps = dense_lstm.WINDOW // dense_lstm.TAIL_STEP
    assert len(shapes) <= steps * dense_lstm.MAX_ROWS.bit_length()
    assert all(rows <= dense_lstm.MAX_ROWS and n <= dense_lstm.WINDOW for rows, n, _ in shapes)


def test_fast_long_tensor_pads_as_stanza_does() -> None:
    import random

    import torch

    stanza_own = levers.stanza_long_tensor()
    rng = random.Random(7)
    cases: list[tuple[Any, int]] = []
    for _ in range(50):
        rows = [[rng.randrange(50) for _ in range(rng.randrange(0, 9))] for _ in range(1, 6)]
        rows[0].append(rng.randrange(50))  # Stanza's own needs one row that is not empty
        cases.append((rows, len(rows) + rng.randrange(0, 3)))
        width = rng.randrange(1, 4)
        nested = [
            [[rng.randrange(50) for _ in range(width)] for _ in range(rng.randrange(1, 5))]
            for _ in range(rng.randrange(1, 5))
        ]
        cases.append((nested, len(nested)))
    for rows, batch_size in cases:
        for pad in (0, 3):
            expected = stanza_own(rows, batch_size, pad)
            got = levers.fast_long_tensor(rows, batch_size, pad)
            assert got.dtype == expected.dtype == torch.long
            assert torch.equal(got, expected), (rows, batch_size, pad)
    # Shapes the fast path does not take go to Stanza's own, errors included.
    ragged = [[[1, 2], [3]], [[4, 5]]]
    with pytest.raises((RuntimeError, ValueError)):
        stanza_own(ragged, 2)
    with pytest.raises((RuntimeError, ValueError)):
        levers.fast_long_tensor(ragged, 2)
    with pytest.raises(IndexError):
        levers.fast_long_tensor([[], []], 2)
    assert torch.equal(levers.fast_long_tensor(([1, 2], [3]), 2), stanza_own(([1, 2], [3]), 2))


def test_vocabulary_memos_answer_as_the_vocabulary_and_stay_bounded() -> None:
    calls: list[str] = []

    def unit2id(unit: str) -> int:
        calls.append(unit)
        return {"a": 4, "b": 5}.get(unit.lower(), 1)

    mapped = levers._memo_map(unit2id, size=3)
    assert mapped(list("abAx")) == [4, 5, 4, 1]
    assert mapped(list("ba")) == [5, 4] and calls == list("abAx")  # remembered
    assert mapped(list("yz")) == [1, 1] and len(mapped.memo) <= 3 + 2  # started again
    assert mapped([]) == []

    def id2unit(ids: Any) -> str:
        calls.append(repr(ids))
        return "|".join(map(str, ids)) if isinstance(ids, list) else str(ids)

    calls.clear()
    unmapped = levers._memo_rows(id2unit, size=2)
    assert unmapped([1, 2]) == "1|2" and unmapped([1, 2]) == "1|2" and len(calls) == 1
    assert unmapped(7) == "7"  # a single id is answered, not remembered
    unmapped([3]), unmapped([4])
    assert len(unmapped.memo) <= 2


def _doc(text: str) -> ParsedDocument:
    word = text.split()[0]
    token = Token(0, word, word, "NOUN", "NN", "_", -1, "root", 0, len(word))
    return ParsedDocument(text, (Sentence(0, (token,), 0, len(word)),))


class CountingParser:
    """A parser without models that counts its calls and batches."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.batches: list[list[str]] = []

    def __call__(self, text: str) -> ParsedDocument:
        self.calls.append(text)
        return _doc(text)

    def parse_batch(self, texts: Sequence[str]) -> list[tuple[ParsedDocument, list[Any]]]:
        self.batches.append(list(texts))
        return [(_doc(t), []) for t in texts]


def test_prepare_parses_ahead_and_analyze_takes_the_parse() -> None:
    counting = CountingParser()
    analyzer = Analyzer(counting, model=False)
    texts = ["Alpha said so.", "Beta said so.", "Alpha said so.", "", "Gamma \ud800 said."]
    assert analyzer.prepare(texts) == 2
    assert counting.batches == [["Alpha said so.", "Beta said so."]]
    first = analyzer.analyze("Alpha said so.")
    assert counting.calls == []  # parsed ahead
    analyzer.analyze("Alpha said so.")  # taken once: parsed again
    assert counting.calls == ["Alpha said so."]
    assert first == Analyzer(CountingParser(), model=False).analyze("Alpha said so.")
    analyzer.analyze("Beta said so.", options={"repair": False})  # another repair option
    assert counting.calls[-1] == "Beta said so."
    assert analyzer.prepare(["Delta said so."]) == 0  # one text: nothing to batch
    assert Analyzer(lambda text: _doc(text), model=False).prepare(texts) == 0  # no parse_batch


class PreparingAnalyzer:
    """The CLI's fake analyzer: records what it prepared and analysed."""

    def __init__(self) -> None:
        self.prepared: list[list[str]] = []
        self.analyzed: list[str] = []
        self.inner = Analyzer(CountingParser(), model=False)

    def load(self) -> None:
        pass

    def prepare(self, texts: Sequence[str], *, options: Any = None) -> int:
        self.prepared.append(list(texts))
        return self.inner.prepare(texts, options=options)

    def analyze(self, text: str, *, options: Any = None) -> Any:
        self.analyzed.append(text)
        return self.inner.analyze(text, options=options)

    def versions(self) -> dict[str, str]:
        return {}


@pytest.fixture
def files(tmp_path: Path) -> Iterator[list[str]]:
    names = []
    for i in range(cli.PREPARE_FILES + 2):
        path = tmp_path / f"a{i}.txt"
        path.write_text(f"Person{i} said so.", encoding="utf-8")
        names.append(str(path))
    (tmp_path / "page.html").write_text("<p>Html said so.</p>", encoding="utf-8")
    names.insert(1, str(tmp_path / "page.html"))
    names.insert(2, str(tmp_path / "missing.txt"))
    yield names


def test_cli_prepares_windows_of_files(
    files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = PreparingAnalyzer()
    args = cli.build_parser().parse_args(["analyze", *files])
    status = cli.run_analyze(args, fake)
    assert status == cli.EXIT_INPUT  # the missing file
    assert [len(p) for p in fake.prepared] == [
        cli.PREPARE_FILES - 1,
        len(files) - cli.PREPARE_FILES,
    ]
    assert "Html said so." in [t.strip() for t in fake.prepared[0]]
    assert len(fake.analyzed) == len(files) - 1
    assert len(capsys.readouterr().out.splitlines()) == len(files) - 1


def test_cli_prepares_nothing_for_one_file(files: list[str]) -> None:
    fake = PreparingAnalyzer()
    cli.run_analyze(cli.build_parser().parse_args(["analyze", files[0]]), fake)
    assert fake.prepared == []


class PreparingFake(FakeAnalyzer):
    """The service's fake analyzer, with ``prepare`` recorded (or running out of time)."""

    def __init__(self, *, exhaust: bool = False) -> None:
        super().__init__()
        self.prepared: list[tuple[list[str], Any, Any]] = []
        self.exhaust = exhaust

    def prepare(self, texts: Sequence[str], *, options: Any = None, budget: Any = None) -> int:
        self.prepared.append((list(texts), options, budget))
        if self.exhaust:
            raise BudgetExceeded(1.0, "parse")
        return len(texts)


def _batch(fake: FakeAnalyzer, items: list[dict[str, Any]]) -> dict[str, Any]:
    app = create_app({"TESTING": True, "RUBRIC_PROVIDER": fake_rubric}, analyzer=fake)
    response = app.test_client().post("/v1/attributions:batch", json={"items": items})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


@pytest.mark.parametrize("exhaust", [False, True])
def test_batch_endpoint_prepares_windows_of_items(exhaust: bool) -> None:
    from service.api import PREPARE_ITEMS

    items: list[dict[str, Any]] = [{"text": f"Person{i} said so."} for i in range(PREPARE_ITEMS)]
    items += [
        {"text": "<p>Html said so.</p>", "format": "html"},
        {"text": "Plain said so.", "options": {"repair": False}},
        {"text": 5},
        {"text": "Last said so."},
    ]
    fake = PreparingFake(exhaust=exhaust)
    got = _batch(fake, items)
    assert [len(texts) for texts, _, _ in fake.prepared] == [PREPARE_ITEMS, 2]
    assert fake.prepared[1][0] == ["Html said so.", "Last said so."]
    assert all(options == {"repair": True} and budget > 0 for _, options, budget in fake.prepared)
    plain = _batch(FakeAnalyzer(), items)
    assert [r["status"] for r in got["items"]] == [r["status"] for r in plain["items"]]
    assert [r.get("result", {}).get("summary") for r in got["items"]] == [
        r.get("result", {}).get("summary") for r in plain["items"]
    ]


# -- memory (issue 13): what a predicting process no longer holds -----------------------------


@pytest.mark.model
def test_a_loaded_analyzer_never_imports_the_optimizers_machinery() -> None:
    """Stanza's tokenizer, tagger and parser build training optimizers, which import
    torch._dynamo (sympy, torch.fx, torch.distributed: about 70 MB); the pipeline is
    built without them, and analysing still works. A fresh process: other tests may
    import torch._dynamo themselves."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from attribution.pipeline import Analyzer\n"
        "a = Analyzer(threads=1)\n"
        "a.load()\n"
        "r = a.analyze('The minister said on Monday that the talks would resume.')\n"
        "print(len(r.attributions), 'torch._dynamo' in sys.modules, 'sympy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()
    assert out == ["1", "False", "False"]


def test_no_optimizers_is_undone_on_leaving() -> None:
    from stanza.models.common import utils

    single, split = utils.get_optimizer, utils.get_split_optimizer
    with levers.no_optimizers():
        assert utils.get_optimizer("adam", None) is None
        assert utils.get_split_optimizer("adam", None) == {}
    assert (utils.get_optimizer, utils.get_split_optimizer) == (single, split)
    with pytest.raises(RuntimeError), levers.no_optimizers():
        raise RuntimeError("a model that fails to load")
    assert (utils.get_optimizer, utils.get_split_optimizer) == (single, split)


@pytest.mark.model
def test_the_word_vectors_exist_once(one_torch_thread: None) -> None:
    """The parser, the learned attribution model and the mention typer read one copy."""
    import numpy as np

    from attribution.entities import load_typer
    from attribution.learned import LearnedAttribution

    loaded = sp.StanzaParser(sp.ParserConfig(threads=1))
    loaded.load()
    tagger = loaded.pipeline.processors["pos"].trainer.model.pretrained_emb.weight
    parser = loaded.pipeline.processors["depparse"].trainer.model.pretrained_emb.weight
    model = LearnedAttribution.load()
    typer = load_typer()
    assert typer.vectors is not None
    pointer = tagger.data_ptr()
    assert parser.data_ptr() == pointer
    assert model.cue.words.weight.data_ptr() == pointer
    assert typer.vectors.matrix.__array_interface__["data"][0] == pointer
    assert np.shares_memory(typer.vectors.matrix, model.cue.words.weight.numpy())
    assert model.vocab.words is typer.vectors.index


def test_tune_malloc_leaves_an_operators_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1000000")
    assert levers.tune_malloc() is False


def test_tune_malloc_sets_glibcs_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    for name in levers.MALLOC_ENV:
        monkeypatch.delenv(name, raising=False)
    try:
        ctypes.CDLL(None).mallopt  # noqa: B018
    except (OSError, AttributeError):
        pytest.skip("mallopt is glibc's")
    assert levers.tune_malloc() is True


def test_trim_heap_trims_once_the_process_has_grown_past_the_slack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(levers, "glibc_malloc_trim", lambda: calls.append)
    monkeypatch.setattr(levers, "resident_mb", lambda: 450.0)
    assert levers.trim_heap(400.0, slack_mb=60) is False and calls == []
    assert levers.trim_heap(400.0, slack_mb=40) is True and calls == [0]
    monkeypatch.setattr(levers, "glibc_malloc_trim", lambda: None)  # off glibc
    assert levers.trim_heap(400.0, slack_mb=40) is False
    monkeypatch.setattr(levers, "resident_mb", lambda: None)  # no /proc
    assert levers.trim_heap(0.0) is False


def test_resident_size_and_malloc_trim_on_this_machine() -> None:
    size = levers.resident_mb()
    if size is None or levers.glibc_malloc_trim() is None:
        pytest.skip("needs /proc and glibc")
    assert 10 < size < 100_000
    assert levers.trim_heap(0.0, slack_mb=0.0) is True  # trimming is safe at any time


@pytest.mark.parametrize("enabled", [True, False])
def test_the_parser_trims_over_its_size_at_its_first_parse(
    monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    slack = levers.TRIM_SLACK_MB
    sizes = iter([300.0, 300.0 + slack - 10, 300.0 + slack + 20])
    trims: list[int] = []
    monkeypatch.setattr(levers, "resident_mb", lambda: next(sizes))
    monkeypatch.setattr(levers, "glibc_malloc_trim", lambda: trims.append)
    parser = sp.StanzaParser(sp.ParserConfig(trim_heap=enabled))
    for _ in range(3):
        parser._trim_heap()
    # The floor is the first size: the second is within the slack, the third past it.
    assert (parser.trims, trims) == ((1, [0]) if enabled else (0, []))


@pytest.mark.parametrize("states", [False, True])
def test_int8_packed_lstm_answers_as_the_int8_module(states: bool) -> None:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    torch.manual_seed(3)
    lstm = torch.nn.LSTM(12, 8, bidirectional=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        int8 = torch.ao.quantization.quantize_dynamic(
            torch.nn.Sequential(lstm), {torch.nn.LSTM}, torch.qint8
        )[0]
        packed = pack_padded_sequence(torch.randn(7, 3, 12), torch.tensor([7, 5, 2]))
        hx = (torch.randn(2, 3, 8), torch.randn(2, 3, 8)) if states else None
        want, (h, c) = int8(packed, hx)
    got, (h2, c2) = Int8PackedLSTM(int8)(packed, hx)
    assert torch.equal(got.data, want.data) and torch.equal(got.batch_sizes, want.batch_sizes)
    assert torch.equal(h, h2) and torch.equal(c, c2)
    padded = torch.randn(4, 2, 12)
    assert torch.equal(Int8PackedLSTM(int8)(padded)[0], int8(padded)[0])
