"""Entity types of mentions, learned from GUM (issue 12): person, organization, place, ...

A mention is a set of word ids of one parsed :class:`~attribution.types.Sentence`
(the project's own Stanza parse at run time; GUM's gold parse in training) and
its head word. :func:`mention_features` describes it by strings that survive
parser differences: the name's words, their character n-grams (``-ation``,
"Project", "Bureau", "Inc") and capitalisation pattern, acronyms, the head's
lemma, POS and relation, its determiner, case marker and appositions, the
governing word and relation ("said" as ``nsubj``), and the words either side.
Each string is hashed (CRC-32) into one of :data:`DIMENSIONS` rows of a linear
softmax model over GUM's entity types (:data:`GUM_TYPES`).

The weights (``models/mention_types.npz``, recorded under ``mention_types`` in
``models/manifest.json``) hold one row of scores per hash bucket and no text.
They are trained by ``python -m training mention-types`` on GUM train (the CC
BY genres), selected on dev, and scored on test by ``python -m
evaluation.gum_types``. Inference is NumPy only; the weights load once, on
first use, and a broken file raises :class:`~attribution.errors.ModelLoadError`.

Use :func:`classify` for the GUM type and its probability, and
:func:`speaker_type` to map it to the speaker types of :mod:`attribution.records`
(a place that speaks is its government: ``organization``).
"""

from __future__ import annotations

import pickle
import threading
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from attribution.errors import ModelLoadError
from attribution.nlp.pretrain import word_vectors
from attribution.records import SpeakerType
from attribution.types import Sentence, Token

MODELS_DIR = Path(__file__).resolve().parent / "models"
WEIGHTS_FILE = "mention_types.npz"
#: The bundled GloVe vectors the word-vector branch reads (shared with the parser).
VECTORS_FILE = "pretrain.pt"
#: Hash buckets (rows of the weight matrix); a power of two.
DIMENSIONS = 1 << 18
#: Bumped when :func:`mention_features` changes, so old weights are refused.
FEATURE_VERSION = 1
#: GUM's entity types (MISC ``Entity=(id-TYPE-...``), the classifier's classes.
GUM_TYPES = (
    "abstract",
    "animal",
    "event",
    "object",
    "organization",
    "person",
    "place",
    "plant",
    "substance",
    "time",
)
#: GUM type -> speaker type; types absent here say nothing about a speaker.
SPEAKER_TYPES: dict[str, SpeakerType] = {
    "person": "named_person",
    "organization": "organization",
    "place": "organization",
}
#: Relations of the words that belong to a name or noun phrase's core (the rest
#: of a long mention, e.g. a relative clause, counts as "other" words).
_CORE_RELS = frozenset(
    {"compound", "flat", "amod", "det", "nmod:poss", "nummod", "goeswith", "fixed"}
)
_NGRAMS = (3, 4, 5)
_MAX_CORE = 8


@dataclass(frozen=True, slots=True)
class MentionType:
    """A mention's most likely GUM type, its probability, and every type's probability."""

    type: str
    probability: float
    probabilities: dict[str, float]

    @property
    def speaker_type(self) -> SpeakerType | None:
        return speaker_type(self.type)


def speaker_type(gum_type: str) -> SpeakerType | None:
    """Map a GUM type to a speaker type: person -> named_person, organization and
    place -> organization (a country or city that speaks is its government); else None."""
    return SPEAKER_TYPES.get(gum_type)


def mention_head(sentence: Sentence, ids: Iterable[int]) -> int:
    """Return the mention's syntactic head: its first word whose governor lies outside it
    (a noun or name preferred when there are several)."""
    keep = sorted(set(ids))
    if not keep:
        raise ValueError("a mention needs at least one word")
    inside = set(keep)
    tops = [i for i in keep if sentence.tokens[i].head not in inside]
    nominal = [i for i in tops if sentence.tokens[i].upos in ("PROPN", "NOUN", "PRON", "NUM")]
    return (nominal or tops or keep)[0]


def shape(word: str) -> str:
    """Return the word's capitalisation pattern, runs collapsed: "McCain" -> "XxXx",
    "U.S." -> "X.X.", "HUD" -> "X", "2020" -> "d"."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _ngrams(word: str) -> list[str]:
    low = f"<{word.lower()}>"
    return [low[i : i + n] for n in _NGRAMS for i in range(len(low) - n + 1)]


def _core(sentence: Sentence, keep: set[int], head: int) -> list[int]:
    """Return the head and the words of the mention that hang on it by a core relation."""
    core = {head}
    changed = True
    while changed:
        changed = False
        for t in sentence.tokens:
            if t.index in keep and t.index not in core and t.head in core:
                if t.deprel in _CORE_RELS or t.deprel.startswith(("flat", "compound")):
                    core.add(t.index)
                    changed = True
    return sorted(core)[:_MAX_CORE]


def _word_features(words: Sequence[Token], head: Token) -> list[str]:
    f: list[str] = []
    for t in words:
        low = t.text.lower()
        f.append(f"w={low}")
        if t.text[:1].isupper() or t.index == head.index:
            f.extend(f"c={g}" for g in _ngrams(t.text))
    f.append(f"first={words[0].text.lower()}")
    f.append(f"last={words[-1].text.lower()}")
    f.append("shape=" + " ".join(shape(t.text) for t in words))
    f.append("upos=" + " ".join(t.upos for t in words))
    f.append(f"len={min(len(words), 5)}")
    if len(words) > 1:
        f.append(f"first_shape={shape(words[0].text)}")
        f.append(f"last_shape={shape(words[-1].text)}")
        for a, b in zip(words, words[1:], strict=False):
            f.append(f"bi={a.text.lower()}_{b.text.lower()}")
    return f


def _head_features(sentence: Sentence, head: Token) -> list[str]:
    toks = sentence.tokens
    hs = shape(head.text)
    f = [
        f"hw={head.text.lower()}",
        f"hl={head.lemma.lower()}",
        f"hu={head.upos}",
        f"hd={head.deprel}",
        f"hs={hs}",
        f"hu_hd={head.upos}_{head.deprel}",
    ]
    letters = head.text.replace(".", "").replace("&", "")
    if len(letters) >= 2 and letters.isalpha() and letters.isupper():
        f.append(f"acronym={min(len(letters), 5)}")
    if "Number=Plur" in head.feats:
        f.append("plural")
    for t in toks:
        if t.head != head.index:
            continue
        rel = t.deprel
        if rel in ("det", "case", "nmod:poss", "appos", "amod", "acl", "acl:relcl", "cop"):
            f.append(f"ch_{rel}={t.lemma.lower()}")
        elif rel.startswith(("nmod", "compound", "flat")):
            f.append(f"ch_{rel}")
    if head.head >= 0:
        gov = toks[head.head]
        f.append(f"gov={gov.lemma.lower()}")
        f.append(f"gov_rel={gov.lemma.lower()}_{head.deprel}")
        f.append(f"gov_upos={gov.upos}_{head.deprel}")
        f.append(f"hu_gov={head.upos}_{gov.lemma.lower()}")
        if gov.head >= 0 and head.deprel in ("nmod", "obl", "conj", "appos"):
            f.append(f"gov2={toks[gov.head].lemma.lower()}_{head.deprel}")
    else:
        f.append("gov=ROOT")
    return f


def _resolve(sentence: Sentence, ids: Iterable[int], head: int | None) -> tuple[set[int], int]:
    keep = set(ids)
    if head is None:
        head = mention_head(sentence, keep)
    keep.add(head)
    return keep, head


def mention_features(sentence: Sentence, ids: Iterable[int], head: int | None = None) -> list[str]:
    """Return the feature strings of the mention made of words ``ids`` with head ``head``
    (found by :func:`mention_head` when not given)."""
    keep, head = _resolve(sentence, ids, head)
    toks = sentence.tokens
    head_tok = toks[head]
    core_ids = _core(sentence, keep, head)
    core = [toks[i] for i in core_ids]
    f = ["bias", *_word_features(core, head_tok), *_head_features(sentence, head_tok)]
    f.extend(f"ow={toks[i].lemma.lower()}" for i in sorted(keep - set(core_ids)))
    lo, hi = min(keep), max(keep)
    f.append(f"prev={toks[lo - 1].text.lower()}" if lo > 0 else "prev=<s>")
    f.append(f"prev2={toks[lo - 2].text.lower()}" if lo > 1 else "prev2=<s>")
    f.append(f"next={toks[hi + 1].text.lower()}" if hi + 1 < len(toks) else "next=</s>")
    f.append(f"next2={toks[hi + 2].text.lower()}" if hi + 2 < len(toks) else "next2=</s>")
    return f


def hash_features(features: Iterable[str], dimensions: int = DIMENSIONS) -> NDArray[np.int64]:
    """Return the hash bucket of each feature string (CRC-32, stable across runs)."""
    mask = dimensions - 1
    return np.fromiter((zlib.crc32(s.encode("utf-8")) & mask for s in features), dtype=np.int64)


class Vectors:
    """Lower-cased word vectors (the bundled GloVe ``pretrain.pt``), looked up by word."""

    def __init__(
        self,
        words: Sequence[str],
        matrix: NDArray[np.floating],
        index: Mapping[str, int] | None = None,
    ) -> None:
        if matrix.ndim != 2 or matrix.shape[0] != len(words):
            raise ValueError(f"{len(words)} words but vectors of shape {matrix.shape}")
        self.index = index if index is not None else {w: i for i, w in enumerate(words)}
        # No copy when the vectors are float32 already (the shared ones are).
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self.zero = np.zeros(matrix.shape[1], dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    @classmethod
    def load(cls, path: Path) -> Vectors:
        """Read a Stanza pretrain file, shared with the parser and the learned model
        (:func:`attribution.nlp.pretrain.word_vectors`); raise :class:`ModelLoadError`."""
        try:
            shared = word_vectors(path)
            return cls(shared.words, shared.matrix.numpy(), shared.index)
        except (
            OSError,
            RuntimeError,
            KeyError,
            TypeError,
            ValueError,
            ImportError,
            AttributeError,
            pickle.UnpicklingError,
        ) as exc:
            raise ModelLoadError(
                f"The word vectors {path} could not be loaded ({exc}). Reinstall the package."
            ) from exc

    def get(self, word: str) -> NDArray[np.float32]:
        """Return the vector of ``word`` lower-cased (a hyphenated word: the mean of its
        known parts), or zeros."""
        low = word.lower()
        i = self.index.get(low)
        if i is not None:
            row: NDArray[np.float32] = self.matrix[i]
            return row
        parts = [self.index[p] for p in low.split("-") if p in self.index]
        if len(parts) > 1 or (parts and "-" in low):
            out: NDArray[np.float32] = self.matrix[parts].mean(axis=0)
            return out
        return self.zero


#: The dense input's parts, each one word vector: the head, the name's first and last
#: core words, the mean of its core words, and the governing word's lemma.
DENSE_PARTS = ("head", "first", "last", "mean", "governor")


def dense_input(
    vectors: Vectors, sentence: Sentence, ids: Iterable[int], head: int | None = None
) -> NDArray[np.float32]:
    """Return the mention's word-vector input: the vectors of :data:`DENSE_PARTS`, then
    one flag per part that is 1 when its word has no vector (an unknown name)."""
    keep, head = _resolve(sentence, ids, head)
    toks = sentence.tokens
    core = [toks[i] for i in _core(sentence, keep, head)]
    words = [vectors.get(t.text) for t in core if t.upos != "PUNCT"] or [vectors.zero]
    gov = toks[toks[head].head].lemma if toks[head].head >= 0 else ""
    parts = [
        vectors.get(toks[head].text),
        vectors.get(core[0].text),
        vectors.get(core[-1].text),
        np.mean(words, axis=0),
        vectors.get(gov) if gov else vectors.zero,
    ]
    unknown = [float(not v.any()) for v in parts]
    return np.concatenate([*parts, np.asarray(unknown, dtype=np.float32)]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Dense:
    """The word-vector branch: ``w2 @ tanh(w1 @ x + b1)`` added to the hashed scores."""

    w1: NDArray[np.float32]
    b1: NDArray[np.float32]
    w2: NDArray[np.float32]

    def scores(self, x: NDArray[np.float32]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = (self.w2 @ np.tanh(self.w1 @ x + self.b1)).astype(np.float64)
        return out


class MentionTyper:
    """The model: hashed feature scores per type, a bias, and the word-vector branch."""

    def __init__(
        self,
        weights: NDArray[np.floating],
        bias: NDArray[np.floating],
        classes: Sequence[str],
        dense: Dense | None = None,
        vectors: Vectors | None = None,
    ) -> None:
        n = len(classes)
        if weights.ndim != 2 or weights.shape[1] != n or bias.shape != (n,):
            raise ValueError(f"weights {weights.shape} / bias {bias.shape} do not fit {n} types")
        if weights.shape[0] & (weights.shape[0] - 1):
            raise ValueError(f"{weights.shape[0]} hash buckets is not a power of two")
        if (dense is None) != (vectors is None):
            raise ValueError("the word-vector branch needs both its weights and the vectors")
        if dense is not None and vectors is not None:
            want = (n, len(DENSE_PARTS) * (vectors.dim + 1))
            if (dense.w2.shape[0], dense.w1.shape[1]) != want:
                raise ValueError(f"word-vector branch {dense.w1.shape} does not fit {want}")
        # Half-precision weights stay half (5 MB, not 10): scores() sums the rows it
        # takes in float64, so the result is the same as from a float32 copy.
        self.weights = (
            weights if weights.dtype in (np.float16, np.float32) else weights.astype(np.float32)
        )
        self.bias = bias.astype(np.float32)
        self.classes = tuple(str(c) for c in classes)
        self.dense = dense
        self.vectors = vectors

    @property
    def dimensions(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def load(cls, path: Path, vectors: Path | None = None) -> MentionTyper:
        """Load weights saved by :meth:`save` (and, if they have a word-vector branch, the
        vectors, by default ``pretrain.pt`` beside them); raise :class:`ModelLoadError`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["feature_version"])
                if version != FEATURE_VERSION:
                    raise ValueError(
                        f"feature version {version}, this code computes version {FEATURE_VERSION}"
                    )
                dense = None
                if "dense_w1" in data:
                    dense = Dense(
                        data["dense_w1"].astype(np.float32),
                        data["dense_b1"].astype(np.float32),
                        data["dense_w2"].astype(np.float32),
                    )
                arrays = (data["weights"], data["bias"], [str(c) for c in data["classes"]])
        except (OSError, ValueError, KeyError, EOFError, zlib.error) as exc:
            raise ModelLoadError(
                f"The mention-type weights {path} could not be loaded ({exc}). Reinstall the "
                "package, or retrain them with `python -m training mention-types`."
            ) from exc
        vecs = None
        if dense is not None:
            vecs = Vectors.load(vectors or path.parent / VECTORS_FILE)
        try:
            return cls(*arrays, dense=dense, vectors=vecs)
        except ValueError as exc:
            raise ModelLoadError(f"The mention-type weights {path} do not fit: {exc}") from exc

    def save(self, path: Path) -> None:
        """Write the weights (float16) compressed; unused buckets are zero and cost little."""
        arrays: dict[str, Any] = {
            "weights": self.weights.astype(np.float16),
            "bias": self.bias,
            "classes": np.array(self.classes),
            "feature_version": np.array(FEATURE_VERSION),
        }
        if self.dense is not None:
            arrays |= {
                "dense_w1": self.dense.w1.astype(np.float16),
                "dense_b1": self.dense.b1,
                "dense_w2": self.dense.w2.astype(np.float16),
            }
        with path.open("wb") as fh:
            np.savez_compressed(fh, **arrays)

    def scores(
        self, rows: NDArray[np.int64], x: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """Return the unnormalised type scores of hash rows ``rows`` and dense input ``x``."""
        out: NDArray[np.float64] = self.weights[rows].sum(axis=0, dtype=np.float64) + self.bias
        if self.dense is not None and x is not None:
            out = out + self.dense.scores(x)
        return out

    def classify(
        self, sentence: Sentence, ids: Iterable[int], head: int | None = None
    ) -> MentionType:
        """Return the most likely type of the mention ``ids`` (head ``head``) of ``sentence``."""
        ids = tuple(ids)
        rows = hash_features(mention_features(sentence, ids, head), self.dimensions)
        x = None
        if self.vectors is not None:
            x = dense_input(self.vectors, sentence, ids, head)
        scores = self.scores(rows, x)
        p = np.exp(scores - scores.max())
        p /= p.sum()
        best = int(p.argmax())
        probs = {c: float(v) for c, v in zip(self.classes, p, strict=True)}
        return MentionType(self.classes[best], float(p[best]), probs)


def speaker_choice(result: MentionType) -> tuple[SpeakerType, float]:
    """Return the speaker type of a mention known to be a speaker: the likeliest of
    person, organization and place (renormalised over the three), mapped by
    :func:`speaker_type`. A speaker is an agent, so GUM's other types ("the
    Sentencing Project" read as an abstract project) are set aside."""
    agents = {t: result.probabilities.get(t, 0.0) for t in SPEAKER_TYPES}
    best = max(agents, key=lambda t: agents[t])
    total = sum(agents.values())
    return SPEAKER_TYPES[best], (agents[best] / total if total > 0 else 0.0)


_LOCK = threading.Lock()
_LOADED: dict[Path, MentionTyper] = {}


def load_typer(models_dir: Path = MODELS_DIR) -> MentionTyper:
    """Return the mention typer of ``models_dir``, loaded once per process."""
    path = models_dir / WEIGHTS_FILE
    with _LOCK:
        typer = _LOADED.get(path)
        if typer is None:
            typer = _LOADED[path] = MentionTyper.load(path)
    return typer


def classify(sentence: Sentence, ids: Iterable[int], head: int | None = None) -> MentionType:
    """Return the GUM type of the mention made of words ``ids`` of ``sentence`` (0-based
    ``Token.index`` values), with the bundled weights. ``head`` is the mention's head word;
    by default the word of ``ids`` whose governor lies outside them."""
    return load_typer().classify(sentence, ids, head)


def classify_speaker(
    sentence: Sentence, ids: Iterable[int], head: int | None = None
) -> tuple[SpeakerType, float]:
    """Return the speaker type (``named_person`` or ``organization``) of a named speaker
    mention and its probability among person, organization and place
    (:func:`speaker_choice` of :func:`classify`)."""
    return speaker_choice(classify(sentence, ids, head))
