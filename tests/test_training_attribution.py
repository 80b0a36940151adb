"""The learned-attribution training recipe (``training/attribution``) on hand-built parses.

No Stanza and no ``../shared``: the parses come from ``_engine_conllu``, the gold
is written here as PolNeAR records, the word vectors are a tiny random table
(``load_vectors`` patched) and the networks are shrunk (``CONFIG`` patched), so
every stage runs in well under a second: examples, cue tagger, argument head,
resume, bundle, and the command line's help.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from _engine_conllu import HE_SAID, MADDY, doc

import evaluation.polnear as P
from attribution.extract.common import build_context
from attribution.learned.features import DOC_CHANNELS, WINDOW_CHANNELS, Vocab
from attribution.learned.model import LearnedAttribution
from attribution.pipeline import RULES, run_stages
from attribution.quotes import find_quotes
from attribution.repair import repair_text
from evaluation.polnear import Article, Relation, Span
from training.attribution import dataset as D
from training.attribution import train as T
from training.attribution.dataset import B_C, B_S, I_C, I_S, OUTSIDE, DocExample

REPO = Path(__file__).resolve().parent.parent

TEXT = (
    "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence.\n"
    "“It’s possible that they were keen on this,” he said."
)
#: Sentence 0 (MADDY): source words 0..7, "," 8, cue "said" 9, content 10..15, "." 16.
#: Sentence 1 (HE_SAID) starts at global word 17: the quotation is words 1..10, "he" 12,
#: "said" 13.
SECOND = 17
WORDS_IN_DOC = SECOND + 15
ROW_WIDTH = len(DOC_CHANNELS) + len(WINDOW_CHANNELS)

#: A 50-word vocabulary (ids 0 and 1: padding and unknown) with the words of :data:`TEXT`.
WORDS = ["<pad>", "<unk>", "said", "he", "the", "timing", "it", "possible", ",", "."]
WORDS += [f"w{i}" for i in range(50 - len(WORDS))]
LEMMAS = ["<unk>", "say", "he", "the", "timing", "be"]
DEPRELS = ["<unk>", "nsubj", "ccomp", "punct", "root", "det", "flat", "cop"]
VOCAB = Vocab.of(WORDS, LEMMAS, DEPRELS)
TINY = {"cue": {"hidden": 4, "layers": 1}, "head": {"hidden": 4}}


@pytest.fixture(autouse=True, scope="module")
def _one_thread(one_torch_thread: None) -> None:
    """Tiny tensors: one intra-op thread (``conftest.one_torch_thread``)."""


def _span(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(((start, start + len(piece)),))


def _maddy_relation(text: str) -> Relation:
    """The gold of sentence 0: source, cue "said" and content, by offsets in ``text``."""
    said = text.index(" said ") + 1
    return Relation(
        content=_span(text, "the timing was not a coincidence"),
        cue=Span(((said, said + 4),)),
        source=Span(((0, text.index(", said")),)),
    )


def _record(text: str) -> dict[str, Any]:
    repaired = repair_text(text)
    return {"name": "a", "repaired": repaired, "doc": doc(MADDY, HE_SAID, text=repaired.text)}


def _example(text: str = TEXT, *relations: Relation, name: str = "a") -> DocExample:
    rels = relations or (_maddy_relation(text),)
    return D.build_example(Article(name, text, rels), _record(text), VOCAB)


def _arg_tags_of_maddy() -> list[int]:
    tags = [B_S] + [I_S] * 7 + [OUTSIDE, OUTSIDE] + [B_C] + [I_C] * 5
    return tags + [OUTSIDE] * (WORDS_IN_DOC - len(tags))


# -- examples ------------------------------------------------------------------------------


def test_build_example_tags_a_gold_attribution() -> None:
    record = _record(TEXT)
    assert not record["repaired"].changed  # clean text: the identity map
    ex = D.build_example(Article("a", TEXT, (_maddy_relation(TEXT),)), record, VOCAB)
    assert ex.name == "a"
    # Cue examples: one per sentence, the gold cue "said" tagged B, nothing else.
    assert [len(tags) for _, tags in ex.cue_rows] == [SECOND, 15]
    assert ex.cue_rows[0][1] == [1 if i == 9 else 0 for i in range(SECOND)]
    assert ex.cue_rows[1][1] == [0] * 15
    for rows, tags in ex.cue_rows:
        assert len(rows) == len(tags)
        assert all(len(r) == len(DOC_CHANNELS) for r in rows)
    # Argument examples: the gold cue, then the rule cue "said" of sentence 1 (no gold).
    # The rule cue of sentence 0 is the gold cue: it gives no second example.
    assert len(ex.arg_rows) == 2
    (rows, tags, first), (rule_rows, rule_tags, rule_first) = ex.arg_rows
    assert first == 0 and rule_first == 0  # three sentences either side: the whole article
    assert len(rows) == len(tags) == WORDS_IN_DOC
    assert all(len(r) == ROW_WIDTH for r in rows)
    assert tags == _arg_tags_of_maddy()
    assert tags[9] == OUTSIDE  # the cue word
    assert len(rule_rows) == len(rule_tags) == WORDS_IN_DOC
    assert all(len(r) == ROW_WIDTH for r in rule_rows)
    assert rule_tags == [OUTSIDE] * WORDS_IN_DOC
    # The window rows start with the word's document row (the cue example's row).
    in_cue = ROW_WIDTH - len(WINDOW_CHANNELS) + WINDOW_CHANNELS.index("in_cue")
    assert rows[9][: len(DOC_CHANNELS)] == ex.cue_rows[0][0][9]
    assert [r[in_cue] for r in rows] == [int(g == 9) for g in range(WORDS_IN_DOC)]
    assert [r[in_cue] for r in rule_rows] == [int(g == SECOND + 13) for g in range(WORDS_IN_DOC)]


def test_a_two_word_gold_cue_is_tagged_b_i_and_kept_out_of_the_arguments() -> None:
    said = TEXT.rindex("he said")
    quote = TEXT.index("It’s")
    rel = Relation(
        content=Span(((quote, TEXT.index("this,") + 5),)),
        cue=Span(((said, said + len("he said")),)),
    )
    ex = _example(TEXT, rel)
    assert ex.cue_rows[0][1] == [0] * SECOND  # the rule cue of sentence 0 is no gold cue
    assert ex.cue_rows[1][1] == [0] * 12 + [1, 2, 0]
    # The gold cue's example, then the rule cue "said" of sentence 0 (no gold): all O.
    # The rule cue "said" of sentence 1 lies in the gold cue: no example of its own.
    assert len(ex.arg_rows) == 2
    (rows, tags, first), (_, rule_tags, rule_first) = ex.arg_rows
    assert first == 0 and rule_first == 0 and len(tags) == len(rows) == WORDS_IN_DOC
    # Content "It’s ... this," (not the opening quote mark), no source, cue words O.
    want = [OUTSIDE] * WORDS_IN_DOC
    want[SECOND + 1] = B_C
    for g in range(SECOND + 2, SECOND + 11):
        want[g] = I_C
    assert tags == want
    assert rule_tags == [OUTSIDE] * WORDS_IN_DOC


def test_a_source_inside_the_content_splits_it_and_wins_the_overlap() -> None:
    """A word in both gold source and content is source; the content restarts after it."""
    said = TEXT.rindex("said")
    rel = Relation(
        content=Span(((TEXT.index("“"), len(TEXT)),)),
        cue=Span(((said, said + 4),)),
        source=_span(TEXT, "he", TEXT.index("”")),
    )
    (rows, tags, first), _ = _example(TEXT, rel).arg_rows
    assert first == 0
    want = [OUTSIDE] * SECOND + [B_C] + [I_C] * 11 + [B_S, OUTSIDE, B_C]
    assert tags == want


#: :data:`TEXT` with zero-width spaces and soft hyphens in the source's words: the
#: repair stage always removes them, so every offset after them moves (by 5 at "said").
DIRTY = (
    TEXT.replace("Israeli", "Is\u200bra\u200beli")
    .replace("expert", "ex\u00adpert")
    .replace("Morocco", "Mo\u00adroc\u00adco")
)


def test_gold_is_mapped_through_the_repair_offset_map() -> None:
    repaired = repair_text(DIRTY)
    assert repaired.text == TEXT and repaired.changed
    shift = DIRTY.index(" said ") - TEXT.index(" said ")
    assert shift == 5  # more than "the": unmapped, the labels would land on other words
    ex = _example(DIRTY)
    clean = _example(TEXT)
    assert [t for _, t in ex.cue_rows] == [t for _, t in clean.cue_rows]
    assert ex.cue_rows[0][1][9] == 1
    assert [(t, f) for _, t, f in ex.arg_rows] == [(t, f) for _, t, f in clean.arg_rows]
    assert ex.arg_rows[0][1] == _arg_tags_of_maddy()


def test_covers_takes_a_word_with_at_least_half_of_it() -> None:
    span = Span(((10, 14), (20, 22)))
    assert D._covers(span, 10, 14)
    assert D._covers(span, 12, 16)  # 2 of 4 characters
    assert not D._covers(span, 13, 17)  # 1 of 4
    assert not D._covers(span, 13, 21)  # 1 + 1 of 8
    assert D._covers(span, 10, 22)  # 4 + 2 of 12: both ranges count
    assert not D._covers(span, 13, 23)  # 1 + 2 of 10
    assert D._covers(span, 19, 23)  # 2 of 4, in the second range
    assert not D._covers(None, 10, 14)
    assert not D._covers(span, 12, 12)  # an empty word


def test_gold_half_a_word_short_still_labels_the_word() -> None:
    """A gold content that starts in the middle of "timing" (half of it) still takes it."""
    rel = _maddy_relation(TEXT)
    timing = TEXT.index("timing")
    half = Relation(
        content=Span(((timing + 3, rel.content.end),)),
        cue=rel.cue,
        source=rel.source,
    )
    less = Relation(
        content=Span(((timing + 4, rel.content.end),)),
        cue=rel.cue,
        source=rel.source,
    )
    tags = _example(TEXT, half).arg_rows[0][1]
    assert tags[10] == OUTSIDE and tags[11] == B_C and tags[12] == I_C
    tags = _example(TEXT, less).arg_rows[0][1]
    assert tags[11] == OUTSIDE and tags[12] == B_C


# -- vocabulary -------------------------------------------------------------------------------


def test_vocab_from_keeps_frequent_lemmas_and_every_relation() -> None:
    parsed = doc(MADDY, HE_SAID, text=TEXT)
    records = [{"doc": parsed}, {"doc": doc(HE_SAID)}]
    vocab = D.vocab_from(records, WORDS, min_count=2)
    counts: dict[str, int] = {}
    for r in records:
        for t in r["doc"].tokens:
            counts[t.lemma.lower()] = counts.get(t.lemma.lower(), 0) + 1
    assert counts["say"] == 3 and counts["bruce"] == 1 and counts["he"] == 2
    assert vocab.lemmas["<unk>"] == 0
    assert set(vocab.lemmas) == {"<unk>"} | {w for w, c in counts.items() if c >= 2}
    assert sorted(vocab.lemmas.values()) == list(range(len(vocab.lemmas)))
    # The most frequent first (ids by count).
    ranked = sorted(vocab.lemmas, key=vocab.lemmas.__getitem__)[1:]
    assert [counts[w] for w in ranked] == sorted((counts[w] for w in ranked), reverse=True)
    deprels = {t.deprel for r in records for t in r["doc"].tokens}
    assert vocab.deprels == {w: i for i, w in enumerate(["<unk>", *sorted(deprels)])}
    assert vocab.words == {w: i for i, w in enumerate(WORDS)}
    # The default keeps lemmas seen three times; ``size`` caps the list.
    assert set(D.vocab_from(records, WORDS).lemmas) == {"<unk>"} | {
        w for w, c in counts.items() if c >= 3
    }
    assert len(D.vocab_from(records, WORDS, min_count=1, size=2).lemmas) == 3


# -- build_examples: the held-out sample never trains ---------------------------------------


def test_build_examples_uses_the_evaluations_heldout_sample_and_never_trains_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert T.heldout_names is P.heldout_names
    train_names = [f"article{i:03d}" for i in range(70)]
    dev_names = ["dev0", "dev1", "dev2"]
    splits = {"train": train_names, "dev": dev_names}
    read: list[Path] = []
    cached: list[tuple[str, str]] = []

    def read_split(path: Path) -> list[Article]:
        read.append(path)
        return [Article(n, "", ()) for n in splits[path.name]]

    def load_cached(out: Path, split: str, name: str) -> dict[str, Any]:
        assert out == tmp_path
        cached.append((split, name))
        # Each article's own lemma, seen three times: the vocabulary keeps it.
        token = SimpleNamespace(lemma=name, deprel=f"rel_{name}")
        return {"name": name, "split": split, "doc": SimpleNamespace(tokens=[token] * 3)}

    def build_example(a: Article, record: dict[str, Any], vocab: Vocab) -> tuple[str, str]:
        assert record["name"] == a.name
        return (a.name, record["split"])

    monkeypatch.setattr(T, "read_split", read_split)
    monkeypatch.setattr(T, "load_cached", load_cached)
    monkeypatch.setattr(T, "load_vectors", lambda path: (WORDS, torch.zeros(len(WORDS), 4)))
    monkeypatch.setattr(T, "build_example", build_example)
    shared = tmp_path / "shared"
    assert T.build_examples(shared, tmp_path) == 0
    assert read == [shared / "data" / "polnear" / "train", shared / "data" / "polnear" / "dev"]
    held = P.heldout_names(train_names)
    assert len(held) == P.HELDOUT == 60
    fit = [n for n in train_names if n not in held]
    assert len(fit) == 10
    with (tmp_path / "examples.pkl").open("rb") as fh:
        data = pickle.load(fh)
    assert data["heldout"] == sorted(held)
    assert data["train"] == [(n, "train") for n in fit]
    assert data["dev"] == [(n, "dev") for n in dev_names]
    # The vocabulary comes from the training articles only.
    assert set(data["lemmas"]) == {"<unk>", *fit}
    assert set(data["deprels"]) == {"<unk>", *(f"rel_{n}" for n in fit)}
    assert not held & {n for s, n in cached if s == "train"}
    assert {n for s, n in cached if s == "train"} == set(fit)


# -- training, resume, bundle ------------------------------------------------------------------


def _write_examples(out: Path) -> dict[str, Any]:
    said = TEXT.rindex("said")
    quote = Relation(
        content=Span(((TEXT.index("It’s"), TEXT.index("this,") + 5),)),
        cue=Span(((said, said + 4),)),
        source=_span(TEXT, "he", TEXT.index("”")),
    )
    both = _example(TEXT, _maddy_relation(TEXT), quote, name="both")
    data = {
        "lemmas": LEMMAS,
        "deprels": DEPRELS,
        "heldout": [],
        "train": [_example(TEXT, name="one"), both],
        "dev": [both, _example(DIRTY, name="dirty")],
    }
    out.mkdir(parents=True, exist_ok=True)
    with (out / "examples.pkl").open("wb") as fh:
        pickle.dump(data, fh)
    return data


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run folder with tiny examples; tiny vectors and networks."""
    vectors = torch.randn(len(WORDS), 4, generator=torch.Generator().manual_seed(0))
    monkeypatch.setattr(T, "load_vectors", lambda path: (list(WORDS), vectors.clone()))
    monkeypatch.setattr(T, "CONFIG", TINY)
    folder = tmp_path / "run"
    _write_examples(folder)
    return folder


def _log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _ckpt(path: Path) -> dict[str, Any]:
    state: dict[str, Any] = torch.load(path, weights_only=False)
    return state


def test_train_the_cue_tagger_and_resume(out: Path) -> None:
    assert T.train(out, "cue", epochs=1, resume=False, budget=1e9) == 0
    best = torch.load(out / "cue_best.pt", weights_only=True)
    assert "words.weight" not in best  # the frozen vectors ship apart
    assert best["lstm.weight_hh_l0"].shape == (4 * 4, 4)  # hidden 4
    assert "lstm.weight_hh_l1" not in best  # one layer
    log = out / "logs" / "train_cue.jsonl"
    (rec,) = _log(log)
    assert rec["epoch"] == 0 and set(rec["dev"]) == {"cue"}
    assert 0.0 <= rec["dev"]["cue"] <= 100.0 and rec["loss"] > 0
    assert _ckpt(out / "cue_checkpoint.pt")["epoch"] == 0
    # --resume: epochs=2 after one runs the second epoch only.
    assert T.train(out, "cue", epochs=2, resume=True, budget=1e9) == 0
    assert [r["epoch"] for r in _log(log)] == [0, 1]
    state = _ckpt(out / "cue_checkpoint.pt")
    assert state["epoch"] == 1 and state["best"] == max(
        sum(r["dev"].values()) / len(r["dev"]) for r in _log(log)
    )
    # Nothing left to run: no epoch, no log line.
    assert T.train(out, "cue", epochs=2, resume=True, budget=1e9) == 0
    assert len(_log(log)) == 2


def test_train_the_argument_head_resume_and_learning_rate(out: Path) -> None:
    assert T.train(out, "cue", epochs=1, resume=False, budget=1e9) == 0
    assert T.train_head(out, epochs=1, resume=False, budget=1e9) == 0
    assert (out / "head_best.pt").is_file()
    log = out / "logs" / "train_head.jsonl"
    (rec,) = _log(log)
    assert rec["epoch"] == 0 and set(rec["dev"]) == {"source", "content"}
    state = _ckpt(out / "head_checkpoint.pt")
    assert state["epoch"] == 0
    assert [g["lr"] for g in state["opt"]["param_groups"]] == [1e-3]
    best = torch.load(out / "head_best.pt", weights_only=True)
    assert best["lstm.weight_hh_l0"].shape == (4 * 4, 4)  # head hidden 4
    assert best["lstm.weight_ih_l0"].shape[1] > 2 * 4  # the cue tagger's states and more
    # --resume with --lr: one more epoch at the new rate.
    assert T.train_head(out, epochs=2, resume=True, budget=1e9, lr=2e-4) == 0
    assert [r["epoch"] for r in _log(log)] == [0, 1]
    state = _ckpt(out / "head_checkpoint.pt")
    assert state["epoch"] == 1
    assert [g["lr"] for g in state["opt"]["param_groups"]] == [2e-4]
    # A fresh run at a given rate.
    assert T.train_head(out, epochs=1, resume=False, budget=1e9, lr=5e-3) == 0
    assert [g["lr"] for g in _ckpt(out / "head_checkpoint.pt")["opt"]["param_groups"]] == [5e-3]


def test_bundle_writes_weights_the_library_loads_and_a_manifest_entry(
    out: Path, tmp_path: Path
) -> None:
    assert T.train(out, "cue", epochs=1, resume=False, budget=1e9) == 0
    assert T.train_head(out, epochs=1, resume=False, budget=1e9) == 0
    models = tmp_path / "models"
    models.mkdir()
    (models / "manifest.json").write_text(json.dumps({"files": {}}), encoding="utf-8")
    dest = models / "attribution.pt"
    assert T.bundle(out, dest, "test") == 0
    state = torch.load(dest, map_location="cpu", weights_only=True)
    assert state["version"] == "test" and state["config"] == TINY
    assert state["lemmas"] == LEMMAS and state["deprels"] == DEPRELS
    assert all(v.dtype == torch.float16 for v in state["cue"].values())
    assert all(v.dtype == torch.float16 for v in state["head"].values())
    words, vectors = T.load_vectors(Path("unused"))
    model = LearnedAttribution(state, words, vectors)
    assert model.version == "test"
    best = torch.load(out / "cue_best.pt", weights_only=True)
    loaded = model.cue.state_dict()
    for k, v in best.items():
        assert torch.allclose(loaded[k], v.half().float()), k
    assert torch.equal(loaded["words.weight"], vectors)
    # It runs on a parse.
    parsed = doc(MADDY, HE_SAID, text=TEXT)
    ctx = build_context(parsed, find_quotes(parsed.text))
    assert isinstance(model.find(ctx, run_stages(parsed, RULES).drafts), list)
    manifest = json.loads((models / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == {}
    entry = manifest[T.MANIFEST_KEY]
    assert T.MANIFEST_KEY == "attribution_model"
    assert entry["file"] == "attribution.pt" and entry["version"] == "test"
    assert entry["bytes"] == dest.stat().st_size
    assert entry["sha256"] == hashlib.sha256(dest.read_bytes()).hexdigest()
    assert entry["config"] == TINY
    assert entry["training_data"]["PolNeAR train"]["articles"] == 2
    assert entry["training_data"]["PolNeAR train"]["held_out"].startswith("0 train articles")
    selected = entry["dev_when_selected"]
    assert selected["cue"]["epoch"] == 0 and selected["cue"]["epochs_run"] == 1
    assert set(selected["head"]["dev_span_f1"]) == {"source", "content"}


# -- the command line ------------------------------------------------------------------------------


def test_the_attribution_command_lists_its_stages() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "training", "attribution", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "{parse,examples,train,bundle,all}" in proc.stdout
    for option in ("--resume", "--net", "--lr", "--epochs", "--head-epochs", "--dest"):
        assert option in proc.stdout
