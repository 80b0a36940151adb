"""Speed levers on a loaded Stanza pipeline (issue 13), each measured by
``benchmarks/bench_throughput.py``.

* :func:`install_lemma_cache`: Stanza's lemmatizer already answers the words
  of its dictionary without the seq2seq model (``ensemble_dict``); this keeps
  the seq2seq model's answers too, by (word, UPOS), so a name or rare word
  seen in an earlier sentence or article is not decoded again. The lemmatizer
  reads one word at a time, so the answer is the same (checked on PolNeAR
  by ``tests/test_levers.py``). The cache is bounded (:data:`LEMMA_CACHE_SIZE`).
* :func:`no_optimizers`: Stanza's tokenizer builds an Adam optimizer even to
  predict, and building one imports ``torch._dynamo`` (with sympy, torch.fx,
  torch.distributed and torch.onnx): about 70 MB of modules a process that
  only predicts never uses. The pipeline is built without it.
* :func:`tune_malloc`: glibc's malloc lets its heap grow with the large,
  short-lived tensors of a long article, and keeps what it grew to. Blocks
  of 4 MB and more are mapped apart and given back when freed; the heap's
  top is trimmed only past 64 MB (``benchmarks/bench_memory.py`` measures
  it against glibc's own thresholds; 1 MB cost 10-15% more CPU).
* :func:`install_fast_glue`: the Python that turns Stanza's words into tensors
  and its tags back into strings, done with the same results in less time:
  the character and tag vocabularies remember the id of each unit they map,
  the feature vocabulary the string of each feature-id row it unmaps, and
  ``get_long_tensor`` pads rows in one tensor call instead of one per row.
  Measured by ``benchmarks/bench_throughput.py`` (lever ``fast_glue``).
* :func:`quantize`: int8 dynamic quantization (PyTorch's ``quantize_dynamic``)
  of the tagger's and the parser's main BiLSTMs, the bulk of their arithmetic.
  Faster on CPU, but the tags and trees change a little, so it only runs in the
  opt-in ``fast`` profile (``ATTRIBUTION_PROFILE=fast``).
"""

from __future__ import annotations

import ctypes
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Most (word, UPOS) answers of the seq2seq lemmatizer kept; the cache starts again when full.
LEMMA_CACHE_SIZE = 50_000
#: Most entries a vocabulary's memo (:func:`install_fast_glue`) keeps; it starts again when full.
GLUE_CACHE_SIZE = 10_000
#: Vocabularies of at most this many entries get a memo (characters, tags, relations);
#: the word and lemma vocabularies map a sentence's words once, where a memo saves
#: little and would hold on to many strings.
GLUE_VOCAB_MAX = 1_000
#: The processors whose main BiLSTM (``HighwayLSTM``) :func:`quantize` runs in int8,
#: with the attribute that holds it.
QUANTIZED = {"pos": "taggerlstm", "depparse": "parserlstm"}


_OPTIMIZER_LOCK = threading.Lock()

#: glibc's mallopt parameters and the values :func:`tune_malloc` sets.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MALLOC_SETTINGS = {
    M_MMAP_THRESHOLD: 4 << 20,  # blocks from 4 MB: mapped apart, unmapped when freed
    M_TRIM_THRESHOLD: 64 << 20,  # give the heap's top back past 64 MB free
    M_TOP_PAD: 16 << 20,  # grow the heap 16 MB at a time (fewer system calls)
}
#: Set in the environment, these say the operator tuned malloc: leave it alone.
MALLOC_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def tune_malloc() -> bool:
    """Set glibc malloc's thresholds for a process that analyses articles one after
    another (:data:`MALLOC_SETTINGS`); return whether they were set.

    Nothing is done where an operator set ``MALLOC_*_`` thresholds, or off glibc.
    The settings are the process's: they change no result, only where freed
    memory goes.
    """
    if any(os.environ.get(name) for name in MALLOC_ENV):
        return False
    mallopt = glibc_mallopt()
    if mallopt is None:
        return False
    return all(bool(mallopt(param, value)) for param, value in MALLOC_SETTINGS.items())


#: Memory (MB) a process may hold above its resident size at its first parse before
#: :func:`trim_heap` hands the heap's free pages back between articles.
TRIM_SLACK_MB = 100


def trim_heap(floor_mb: float, slack_mb: float = TRIM_SLACK_MB) -> bool:
    """Give the heap's free pages back to the system when the process's resident size
    is more than ``slack_mb`` above ``floor_mb``; return whether it did.

    glibc keeps what an article freed inside its heap, and small blocks still in
    use pin pages between the free ones, so a process that analyses article after
    article grows by each long article's leftovers (381 MB loaded, 493 MB resident
    after 31 articles, 83 MB of it free heap; ``malloc_trim`` gave 82 MB back).
    Trimming before a parse once the process has grown keeps the next article's
    peak on a lower floor; it costs a few milliseconds, and the pages the next
    article touches again. Nothing is done off glibc or when ``/proc`` cannot tell
    the size.
    """
    size = resident_mb()
    if size is None or size <= floor_mb + slack_mb:
        return False
    trim = glibc_malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def resident_mb() -> float | None:
    """Return this process's resident memory in MB (``/proc/self/statm``), or ``None``."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def glibc_malloc_trim() -> Any | None:
    """Return glibc's ``malloc_trim(pad)`` ready to call, or ``None`` off glibc."""
    return _glibc_function("malloc_trim", ctypes.c_size_t)


def glibc_mallopt() -> Any | None:
    """Return glibc's ``mallopt(param, value)`` ready to call, or ``None`` off glibc."""
    return _glibc_function("mallopt", ctypes.c_int, ctypes.c_int)


def _glibc_function(name: str, *argtypes: Any) -> Any | None:
    """Return the C library's function ``name`` taking ``argtypes``, or ``None`` if it has
    none (another libc)."""
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = list(argtypes)
    return function


@contextmanager
def no_optimizers() -> Iterator[None]:
    """Build Stanza models inside this block without their training optimizers.

    ``stanza.models.common.utils.get_optimizer`` answers ``None`` meanwhile (and
    ``get_split_optimizer``, the tagger's and parser's, no optimizers); a
    loaded model's ``optimizer`` is only read by ``update`` and ``save``, which
    inference never calls. The function is put back on leaving, so training
    (``training/``) in the same process is unaffected.
    """
    from stanza.models.common import utils

    with _OPTIMIZER_LOCK:
        single, split = utils.get_optimizer, utils.get_split_optimizer
        utils.get_optimizer = _no_optimizer
        utils.get_split_optimizer = _no_optimizers
        try:
            yield
        finally:
            utils.get_optimizer, utils.get_split_optimizer = single, split


def _no_optimizer(*args: Any, **kwargs: Any) -> None:
    return None


def _no_optimizers(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def install_lemma_cache(pipeline: Any, size: int = LEMMA_CACHE_SIZE) -> bool:
    """Make ``pipeline``'s lemmatizer remember its seq2seq answers; return whether it applies.

    Only a lemmatizer that ensembles its dictionary with the seq2seq model, and
    has no contextual lemmatizer, is handled.
    """
    processor = pipeline.processors.get("lemma")
    trainer: Any = getattr(processor, "trainer", None)
    if trainer is None or getattr(trainer, "cached_lemmas", None) is not None:
        return False
    config = processor.config
    if not config.get("ensemble_dict") or config.get("dict_only"):
        return False
    if trainer.has_contextual_lemmatizers():
        return False
    lookup = trainer._lookup
    ensemble = trainer.ensemble
    caseless = bool(trainer.caseless)
    cache: dict[tuple[str, str], str] = {}

    def cached_lookup(word: str, pos: str) -> Any:
        found = lookup(word, pos)
        return found if found is not None else cache.get((word, pos))

    def ensemble_and_keep(pairs: list[Any], preds: list[Any]) -> list[Any]:
        # What neither the dictionary nor the cache knew was decoded by the model.
        keys = [(w.lower() if caseless else w, pos) for w, pos in pairs]
        new = [cached_lookup(*key) is None for key in keys]
        lemmas: list[Any] = ensemble(pairs, preds)
        if len(cache) + sum(new) > size:
            cache.clear()
        for key, fresh, lemma in zip(keys, new, lemmas, strict=True):
            if fresh and lemma is not None and len(cache) < size:
                cache[key] = lemma
        return lemmas

    # Instance attributes: Stanza's skip_seq2seq and ensemble call self._lookup.
    trainer._lookup = cached_lookup
    trainer.ensemble = ensemble_and_keep
    trainer.cached_lemmas = cache
    return True


def install_fast_glue(pipeline: Any, size: int = GLUE_CACHE_SIZE) -> int:
    """Give ``pipeline``'s vocabularies memos and Stanza's padding its fast path
    (:func:`fast_long_tensor`); return how many vocabularies were given a memo.

    A vocabulary maps a unit to the same id every time (its tables are fixed
    once loaded), so a memo answers as the vocabulary did. The feature
    vocabulary's ``unit2id`` returns a list each caller owns, so its ``map`` is
    left alone; its ``id2unit`` returns a string, which is remembered.
    """
    from stanza.models.common.vocab import CompositeVocab

    install_fast_long_tensor()
    vocabs: list[Any] = []
    for processor in pipeline.processors.values():
        multi = getattr(getattr(processor, "trainer", None), "vocab", None)
        # The word vectors' vocabulary is left alone: it is shared by every pipeline
        # of the process (and maps a sentence's words once, not its characters).
        vocabs += list(getattr(multi, "_vocabs", {"": multi} if multi else {}).values())
    done = 0
    for vocab in {id(v): v for v in vocabs}.values():
        if "map" in vars(vocab) or "id2unit" in vars(vocab):
            continue  # installed before (a vocabulary shared by two processors)
        if isinstance(vocab, CompositeVocab):
            if vocab.sep is None:
                continue  # id2unit returns a list: not shared
            vocab.id2unit = _memo_rows(vocab.id2unit, size)
        elif len(vocab) <= GLUE_VOCAB_MAX:
            vocab.map = _memo_map(vocab.unit2id, size)
        else:
            continue
        done += 1
    return done


def _memo_map(unit2id: Any, size: int) -> Any:
    """Return a vocabulary ``map`` (units -> ids) that remembers ``unit2id``'s answers."""
    memo: dict[Any, Any] = {}

    def map_units(units: Any) -> list[Any]:
        try:
            return [memo[u] for u in units]
        except KeyError:
            if len(memo) >= size:
                memo.clear()
            for u in units:
                if u not in memo:
                    memo[u] = unit2id(u)
            return [memo[u] for u in units]

    map_units.memo = memo  # type: ignore[attr-defined]
    return map_units


def _memo_rows(id2unit: Any, size: int) -> Any:
    """Return a feature vocabulary's ``id2unit`` (a row of ids -> its string), remembered."""
    memo: dict[tuple[Any, ...], Any] = {}

    def row_to_unit(ids: Any) -> Any:
        try:
            key = tuple(ids)
        except TypeError:  # a single id (a one-feature vocabulary)
            return id2unit(ids)
        found = memo.get(key)
        if found is None:
            if len(memo) >= size:
                memo.clear()
            found = memo[key] = id2unit(ids)
        return found

    row_to_unit.memo = memo  # type: ignore[attr-defined]
    return row_to_unit


#: Stanza's modules that call ``get_long_tensor`` by the name they imported.
LONG_TENSOR_USERS = (
    "stanza.models.common.data",
    "stanza.models.pos.data",
    "stanza.models.depparse.data",
    "stanza.models.lemma.data",
    "stanza.models.mwt.data",
)
_ORIGINAL_LONG_TENSOR: list[Any] = []


def install_fast_long_tensor(on: bool = True) -> bool:
    """Point Stanza's modules at :func:`fast_long_tensor` (``on``) or back at Stanza's
    own; return whether anything changed.

    Process-wide: the function is Stanza's own result by another route
    (``benchmarks/bench_throughput.py`` turns it off for the variants without the lever).
    """
    import importlib

    data = importlib.import_module("stanza.models.common.data")
    if not _ORIGINAL_LONG_TENSOR:
        _ORIGINAL_LONG_TENSOR.append(data.get_long_tensor)
    wanted = fast_long_tensor if on else _ORIGINAL_LONG_TENSOR[0]
    if data.get_long_tensor is wanted:
        return False
    for name in LONG_TENSOR_USERS:
        module = importlib.import_module(name)
        if getattr(module, "get_long_tensor", None) is not None:
            setattr(module, "get_long_tensor", wanted)  # noqa: B010 (a module's global)
    return True


def stanza_long_tensor() -> Any:
    """Return Stanza's own ``get_long_tensor`` (before :func:`install_fast_long_tensor`)."""
    if _ORIGINAL_LONG_TENSOR:
        return _ORIGINAL_LONG_TENSOR[0]
    import importlib

    return importlib.import_module("stanza.models.common.data").get_long_tensor


def fast_long_tensor(tokens_list: Any, batch_size: int, pad_id: int = 0) -> Any:
    """Stanza's ``get_long_tensor``: rows of ids (or of equal-length id rows) padded
    with ``pad_id`` into a ``(batch_size, longest[, width])`` LongTensor, built from
    padded lists in one call instead of a tensor per row. Other shapes go to Stanza's.
    """
    import torch

    padded = _padded_rows(tokens_list, batch_size, pad_id)
    if padded is not None:
        try:
            return torch.tensor(padded, dtype=torch.long)
        except (TypeError, ValueError, RuntimeError, OverflowError):
            pass
    return stanza_long_tensor()(tokens_list, batch_size, pad_id)


def _padded_rows(rows: Any, batch_size: int, pad_id: int) -> list[Any] | None:
    """Return ``rows`` padded to ``batch_size`` rows of the longest's length, or ``None``
    for a shape :func:`fast_long_tensor` leaves to Stanza: not a list of lists, more
    rows than the batch, no id at all, or id rows of unequal widths."""
    if type(rows) is not list or not rows or len(rows) > batch_size:
        return None
    if not all(type(r) is list for r in rows):
        return None
    longest = max(len(r) for r in rows)
    first = next((r[0] for r in rows if r), None)
    pad: Any = pad_id
    if type(first) is list:
        width = len(first)
        if width == 0 or not all(type(w) is list and len(w) == width for r in rows for w in r):
            return None
        pad = [pad_id] * width
    elif type(first) is not int:
        return None  # also every row empty (first is None)
    padded = [r + [pad] * (longest - len(r)) for r in rows]
    return padded + [[pad] * longest] * (batch_size - len(rows))


def quantize(pipeline: Any, processors: tuple[str, ...] = tuple(QUANTIZED)) -> list[str]:
    """Run the main BiLSTMs of ``pipeline``'s tagger and parser with int8 weights
    (:class:`~attribution.nlp.int8_lstm.Int8PackedLSTM`); return the processors changed.

    These LSTMs are most of the two models' arithmetic: over 30 PolNeAR articles
    the parse took 1.16-1.3x less CPU than the default's. The character models, the tokenizer, the
    lemmatizer and every linear layer stay float, so the other levers (the
    character-vector cache among them) still apply. Each step's inputs are scaled
    to int8 by their batch's range, so a sentence's tags depend slightly on the
    sentences batched with it. Under a torch without ``torch.ao.quantization``
    nothing changes.
    """
    try:
        from torch.ao import quantization
    except ImportError:  # pragma: no cover - a torch without eager-mode quantization
        return []
    import torch

    from attribution.nlp.int8_lstm import Int8PackedLSTM

    quantize_dynamic: Any = quantization.quantize_dynamic  # untyped in torch
    done = []
    with warnings.catch_warnings():
        # quantize_dynamic is deprecated in favour of torchao, which is not a dependency.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        for name in processors:
            model = getattr(getattr(pipeline.processors.get(name), "trainer", None), "model", None)
            highway = getattr(model, QUANTIZED[name], None)
            layers = getattr(highway, "lstm", None)
            if layers is None or is_quantized(highway):
                continue
            for layer in layers:  # Stanza's PackedLSTM around an nn.LSTM
                wrapped = torch.nn.Sequential(layer.lstm)
                int8 = quantize_dynamic(wrapped, {torch.nn.LSTM}, torch.qint8)[0]
                layer.lstm = Int8PackedLSTM(int8)
            done.append(name)
    return done


def is_quantized(model: Any) -> bool:
    """Tell whether any layer of ``model`` (a torch module) is a quantized one."""
    return any(type(m).__module__.startswith("torch.ao.nn.quantized") for m in model.modules())
