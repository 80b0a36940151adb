"""Build the Stanza pipeline once per process, with no network access.

By default the models bundled in ``attribution/models`` (trained by the recipe
in ``training/``) are loaded from explicit paths. When ``stanza_dir`` (or the
``ATTRIBUTION_STANZA_DIR`` setting, :mod:`attribution.settings`) names a
``stanza_resources`` folder that holds official English models, those are used
instead; ``models_dir`` (or ``ATTRIBUTION_MODELS_DIR``) points at another folder
laid out like the bundle, with its own ``manifest.json`` (a newly trained
candidate, say). Stanza is always
called with ``download_method=None``: nothing is ever fetched.

A parse is bounded (:mod:`attribution.nlp.guard`): the tokenizer runs first,
on a defanged view of the text; overlong sentences are cut and runs of marks
set aside before the tagger, lemmatizer and parser run, by chunks of
:data:`CHUNK_WORDS` words; and the deadline of the running
:func:`~attribution.nlp.guard.watch` is checked before every batch of every
processor and between chunks.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from attribution.errors import ModelLoadError, ModelNotFoundError
from attribution.nlp import fast_decode, fast_tagger, guard, levers, token_windows
from attribution.nlp.char_cache import install_char_cache
from attribution.nlp.convert import mark_sentence, to_document, to_sentence
from attribution.nlp.deferred import defer_unused_imports
from attribution.nlp.dense_lstm import install_dense_lstm
from attribution.nlp.pretrain import cache_key, foundation_cache
from attribution.settings import Settings, env_name
from attribution.settings import settings as current_settings
from attribution.types import ParsedDocument, Sentence

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "models"
PROCESSORS = "tokenize,mwt,pos,lemma,depparse"
#: The processors that run on the tokenizer's sentences, once they are cut.
TAGGERS = "pos,lemma,depparse"
#: Words tagged and parsed as one Stanza document. The deadline is checked between
#: chunks too, so Stanza's steps over a whole document (building its batches,
#: storing results) stay short; the parse is the same as the whole document's
#: (checked on 100,000 characters of PolNeAR, 944 sentences).
CHUNK_WORDS = 1000
#: Words tagged and parsed as one Stanza document by :meth:`StanzaParser.parse_many`,
#: which puts the sentences of several texts together (benchmarks/bench_throughput.py).
#: On 30 PolNeAR articles, 3,000 words raised peak RSS from 563 to 630 MB and was no faster.
BATCH_WORDS = CHUNK_WORDS
ENV_STANZA_DIR = env_name("stanza_dir")
ENV_THREADS = env_name("threads")
ENV_MODELS_DIR = env_name("models_dir")
# Words per tagger/lemmatizer/parser batch. Stanza's defaults batch a whole long
# article at once: on a 22k-character article peak RSS fell from 1.5 GB to 0.53 GB
# with 500, and parsing got faster (benchmarks/bench_parser.py).
BATCH_SIZES = {"pos_batch_size": 500, "lemma_batch_size": 500, "depparse_batch_size": 500}
FIX_HINT = (
    "Reinstall the package from a full clone (the models are committed under attribution/models), "
    "or set ATTRIBUTION_STANZA_DIR to a stanza_resources folder holding official English models."
)


def available_cores() -> int:
    """Return the cores this process may run on (respects CPU affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def load_manifest(models_dir: Path = BUNDLED_DIR) -> dict[str, Any]:
    """Read the bundled models' manifest, or raise :class:`ModelNotFoundError`."""
    path = models_dir / "manifest.json"
    if not path.is_file():
        raise ModelNotFoundError(f"No model manifest at {path}. {FIX_HINT}")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"Model manifest {path} is unreadable ({exc}). {FIX_HINT}") from exc
    return data


def verify_bundle(models_dir: Path = BUNDLED_DIR, *, check_hashes: bool = False) -> dict[str, Path]:
    """Return the bundled model files by role; raise if one is missing or (optionally) corrupt."""
    manifest = load_manifest(models_dir)
    paths: dict[str, Path] = {}
    for role, entry in manifest["files"].items():
        path = models_dir / entry["file"]
        if not path.is_file():
            raise ModelNotFoundError(f"Model file for {role} is missing: {path}. {FIX_HINT}")
        if check_hashes:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != entry["sha256"]:
                raise ModelLoadError(
                    f"Model file {path} is corrupt (sha256 {digest[:12]}... does not match the "
                    f"manifest). {FIX_HINT}"
                )
        paths[role] = path
    return paths


def _bundled_kwargs(models_dir: Path) -> dict[str, Any]:
    p = verify_bundle(models_dir)
    return {
        "dir": str(models_dir),
        "allow_unknown_language": True,
        "tokenize_model_path": str(p["tokenize"]),
        "mwt_model_path": str(p["mwt"]),
        "pos_model_path": str(p["pos"]),
        "pos_pretrain_path": cache_key(p["pretrain"]),
        "lemma_model_path": str(p["lemma"]),
        "depparse_model_path": str(p["depparse"]),
        "depparse_pretrain_path": cache_key(p["pretrain"]),
        "pos_forward_charlm_path": None,
        "pos_backward_charlm_path": None,
        "depparse_forward_charlm_path": None,
        "depparse_backward_charlm_path": None,
        "lemma_forward_charlm_path": None,
        "lemma_backward_charlm_path": None,
    }


def _official_kwargs(stanza_dir: Path) -> dict[str, Any]:
    if not (stanza_dir / "resources.json").is_file() or not (stanza_dir / "en").is_dir():
        raise ModelNotFoundError(
            f"{stanza_dir} is not a stanza_resources folder with English models (expected "
            f"resources.json and en/). Download them on a machine with network access with "
            f"stanza.download('en', model_dir=...) and copy the folder, or unset {ENV_STANZA_DIR} "
            "to use the bundled models."
        )
    return {"dir": str(stanza_dir)}


def install_checks(pipeline: Any) -> None:
    """Make every processor of ``pipeline`` check the running watch's deadline per batch."""
    for processor in pipeline.processors.values():
        trainer: Any = getattr(processor, "trainer", None)
        predict = getattr(trainer, "predict", None)
        if callable(predict) and not getattr(predict, "checks_deadline", False):
            trainer.predict = _checked(predict)


def _checked(predict: Any) -> Any:
    def checked(*args: Any, **kwargs: Any) -> Any:
        guard.check()
        return predict(*args, **kwargs)

    checked.checks_deadline = True  # type: ignore[attr-defined]
    return checked


Entry = dict[str, Any]
#: One token as Stanza's dicts: a plain word, or a contraction followed by its words.
TokenEntries = tuple[Entry, ...]


def sentence_entries(doc: Any, shift: int = 0) -> list[list[Entry]]:
    """Return a Stanza document's sentences as dicts, offsets moved by ``shift``."""
    out: list[list[Entry]] = doc.to_dict()
    if shift:
        for sent in out:
            for entry in sent:
                for key in ("start_char", "end_char"):
                    if entry.get(key) is not None:
                        entry[key] += shift
    return out


def _tokens(entries: list[Entry]) -> list[TokenEntries]:
    """Group a sentence's dicts by token."""
    out: list[TokenEntries] = []
    i = 0
    while i < len(entries):
        ident = entries[i]["id"]
        n = ident[-1] - ident[0] + 2 if isinstance(ident, tuple) and len(ident) > 1 else 1
        out.append(tuple(entries[i : i + n]))
        i += n
    return out


def _words(tok: TokenEntries) -> TokenEntries:
    return tok[1:] if len(tok) > 1 else tok


@dataclass(frozen=True, slots=True)
class Piece:
    """Consecutive tokens of one sentence that are parsed as a sentence.

    ``marks``: a run of punctuation and symbols that skips the tagger and parser.
    """

    tokens: tuple[TokenEntries, ...]
    marks: bool

    @property
    def words(self) -> int:
        return sum(len(_words(t)) for t in self.tokens)

    def entries(self) -> list[Entry]:
        """Return the tokens as one Stanza sentence, words numbered from 1."""
        first = self.tokens[0][0]["id"]
        offset = (first[0] if isinstance(first, tuple) else first) - 1
        out = []
        for tok in self.tokens:
            for entry in tok:
                ident = entry["id"]
                if isinstance(ident, tuple):
                    out.append({**entry, "id": tuple(i - offset for i in ident)})
                else:
                    out.append({**entry, "id": ident - offset})
        return out

    def spans(self) -> list[tuple[str, int, int]]:
        """Return each word's form and offsets."""
        return [
            (w["text"], tok[0]["start_char"], tok[0]["end_char"])
            for tok in self.tokens
            for w in _words(tok)
        ]


def split_sentences(
    sentences: list[list[Entry]], text: str, max_words: int = guard.MAX_SENTENCE_WORDS
) -> tuple[list[Piece], list[guard.SentenceCut]]:
    """Cut the tokenizer's sentences of more than ``max_words`` words; mark the runs of marks."""
    pieces: list[Piece] = []
    cuts: list[guard.SentenceCut] = []
    for sent in sentences:
        guard.check()
        toks = _tokens(sent)
        if not toks:
            continue
        words = [len(_words(t)) for t in toks]
        points: list[int] = []
        if sum(words) > max_words:
            ranks = [
                guard.break_rank(a[0]["text"], text[a[0]["end_char"] : b[0]["start_char"]])
                for a, b in zip(toks, toks[1:], strict=False)
            ]
            points = guard.cut_points(words, [*ranks, 4], max_words)
            start, end = toks[0][0]["start_char"], toks[-1][0]["end_char"]
            cuts.append(guard.SentenceCut(start, end, sum(words), len(points) + 1))
        bounds = [0, *points, len(toks)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            group = tuple(toks[a:b])
            forms = [w["text"] for t in group for w in _words(t)]
            pieces.append(Piece(group, guard.is_mark_run(forms)))
    return pieces, cuts


def _ordinary(doc: Any) -> bool:
    """Tell whether a tokenized document needs no cut, no mark run and no chunks."""
    if doc.num_words > CHUNK_WORDS:
        return False
    for sent in doc.sentences:
        forms = [w.text for w in sent.words]
        if len(forms) > guard.MAX_SENTENCE_WORDS or guard.is_mark_run(forms):
            return False
    return True


@dataclass(frozen=True)
class ParserConfig:
    """Where the models come from, how many threads torch may use, and the speed levers.

    ``quantize`` (the tagger's and parser's main BiLSTMs in int8,
    :func:`.levers.quantize`) changes the parse a little and is on only in the
    ``fast`` profile; the other levers keep the parse the same (``token_windows``
    to within 3 of 805,751 tokens, ``python -m evaluation.token_windows``) and are
    on by default (``benchmarks/bench_throughput.py`` turns them off one by one).
    """

    stanza_dir: str | None = None
    threads: int | None = None
    models_dir: str | None = None
    quantize: bool = False
    #: Run the models under ``torch.inference_mode`` (no autograd bookkeeping).
    inference_mode: bool = True
    #: Keep the seq2seq lemmatizer's answers (:func:`.levers.install_lemma_cache`).
    lemma_cache: bool = True
    #: Score the tagger's UPOS-conditioned columns per tag (:mod:`.fast_tagger`) and the
    #: parser's labels per head (:func:`.fast_decode._arc_label_scores`).
    factored_scores: bool = True
    #: Vocabulary memos and one-call padding in Stanza's data steps
    #: (:func:`.levers.install_fast_glue`).
    fast_glue: bool = True
    #: Remember the tagger's and parser's character vectors by word
    #: (:func:`.char_cache.install_char_cache`).
    char_cache: bool = True
    #: Run the tokenizer's LSTMs over padded rows, a direction at a time
    #: (:func:`.dense_lstm.install_dense_lstm`).
    dense_lstm: bool = True
    #: Read paragraphs longer than the tokenizer's window in overlapping windows, all
    #: at once (:func:`.token_windows.install`).
    token_windows: bool = True
    #: Words per Stanza pass in :meth:`StanzaParser.parse_many`.
    batch_words: int = BATCH_WORDS
    #: Once loaded, move the objects alive (the models) out of the GC's sight (:func:`gc.freeze`).
    freeze_heap: bool = True
    #: Set glibc malloc's thresholds for a stream of articles (:func:`.levers.tune_malloc`).
    tune_malloc: bool = True
    #: Before a parse, give the heap's free pages back once the process has grown
    #: (:func:`.levers.trim_heap`, over its size at its first parse).
    trim_heap: bool = True

    @classmethod
    def from_env(
        cls,
        stanza_dir: str | None = None,
        threads: int | None = None,
        models_dir: str | None = None,
        *,
        settings: Settings | None = None,
    ) -> ParserConfig:
        """Return the values given, the rest from ``settings`` (default: the process's)."""
        env = settings or current_settings()
        return cls(
            stanza_dir=stanza_dir or env.stanza_dir,
            threads=threads or env.threads,
            models_dir=models_dir or env.models_dir,
            quantize=env.profile == "fast",
        )

    def replace(self, **changes: Any) -> ParserConfig:
        """Return a copy with ``changes``."""
        return replace(self, **changes)

    @classmethod
    def without_levers(cls, **values: Any) -> ParserConfig:
        """Return the parser as released before issue 13: every lever that changes how
        Stanza runs (not what it returns) off; ``values`` set the rest."""
        return cls(
            **{
                "inference_mode": False,
                "lemma_cache": False,
                "factored_scores": False,
                "fast_glue": False,
                "char_cache": False,
                "dense_lstm": False,
                "token_windows": False,
                **values,
            }
        )

    @property
    def bundle(self) -> Path:
        """Return the folder of project-format models this configuration loads."""
        return Path(self.models_dir) if self.models_dir else BUNDLED_DIR


class StanzaParser:
    """A loaded Stanza pipeline that returns :class:`ParsedDocument` values."""

    def __init__(self, config: ParserConfig | None = None) -> None:
        self.config = config or ParserConfig.from_env()
        self._lock = threading.Lock()
        #: The process's resident MB at the first parse (:meth:`_trim_heap`).
        self._floor_mb: float | None = None
        #: Heap trims so far.
        self.trims = 0

    @property
    def source(self) -> str:
        return self.config.stanza_dir or str(self.config.bundle)

    @cached_property
    def pipeline(self) -> Any:
        """Load the pipeline (once); raise a specific error saying what failed."""
        import torch

        defer_unused_imports()
        import stanza

        torch.set_num_threads(self.config.threads or available_cores())
        if self.config.tune_malloc:
            levers.tune_malloc()
        if self.config.stanza_dir:
            kwargs = _official_kwargs(Path(self.config.stanza_dir))
        else:
            kwargs = _bundled_kwargs(self.config.bundle)
        try:
            with levers.no_optimizers():
                pipeline = stanza.Pipeline(
                    lang="en",
                    processors=PROCESSORS,
                    download_method=None,
                    use_gpu=False,
                    logging_level="ERROR",
                    # One cache for the process: the vectors are shared with the learned
                    # model and the mention typer (attribution.nlp.pretrain).
                    foundation_cache=foundation_cache(),
                    **BATCH_SIZES,
                    **kwargs,
                )
        except KeyError as exc:
            # Stanza reports a processor that failed to load as KeyError: 'en'.
            raise ModelLoadError(
                f"Stanza could not load the English models from {self.source} "
                f"(KeyError {exc}): a model file is missing or was trained for another "
                f"Stanza version. {FIX_HINT}"
            ) from exc
        except (FileNotFoundError, RuntimeError, OSError, ValueError) as exc:
            raise ModelLoadError(
                f"Stanza could not load the models from {self.source}: {exc}. {FIX_HINT}"
            ) from exc
        self._install_levers(pipeline)
        install_checks(pipeline)
        if self.config.freeze_heap:
            # Stanza's hundreds of thousands of model objects live as long as the
            # process; frozen, the GC's full collections no longer scan them.
            gc.collect()
            gc.freeze()
        return pipeline

    def _install_levers(self, pipeline: Any) -> None:
        """Install the speed levers the configuration asks for (:mod:`.levers`)."""
        fast_decode.install(pipeline, grouped_labels=self.config.factored_scores)
        if self.config.factored_scores:
            fast_tagger.install(pipeline)
        if self.config.lemma_cache:
            levers.install_lemma_cache(pipeline)
        if self.config.fast_glue:
            levers.install_fast_glue(pipeline)
        if self.config.token_windows:
            token_windows.install(pipeline)
        if self.config.quantize:
            # The main BiLSTMs only: the character models stay float, so their cache holds.
            levers.quantize(pipeline)
        if self.config.char_cache:
            install_char_cache(pipeline)
        if self.config.dense_lstm:
            install_dense_lstm(pipeline)

    def _run(self, doc: Any, processors: str) -> Any:
        """Run ``processors`` of the pipeline on ``doc`` (under inference mode unless off)."""
        if not self.config.inference_mode:
            return self.pipeline(doc, processors=processors)
        import torch

        with torch.inference_mode():
            return self.pipeline(doc, processors=processors)

    @property
    def is_loaded(self) -> bool:
        return "pipeline" in self.__dict__

    def load(self) -> None:
        """Load the models now rather than on the first parse."""
        with self._lock:
            _ = self.pipeline

    def __call__(self, text: str) -> ParsedDocument:
        """Tokenize, tag, lemmatize and parse ``text``, within the bounds of :mod:`.guard`.

        Raises the running watch's :class:`~attribution.errors.BudgetExceeded`
        between batches once its deadline has passed; sentences cut are
        reported to the watch.
        """
        if not self.is_loaded:
            self.load()
        if not text.strip():
            return ParsedDocument(text, ())
        guard.check()
        self._trim_heap()
        view = guard.tokenizer_view(text)
        tokenized, sentences = self._tokenize(view)
        if tokenized is not None:
            # An ordinary text: the tokenizer's own document goes on, untouched.
            if not tokenized.sentences:
                return ParsedDocument(text, ())
            return to_document(self._run(tokenized, TAGGERS), text)
        pieces, cuts = split_sentences(sentences, text)
        watch = guard.current()
        if watch is not None:
            watch.cuts.extend(cuts)
        return self._parse_pieces(pieces, view, text)

    def tokens(self, text: str) -> list[list[tuple[str, int, int]]]:
        """Return the tokenizer's sentences of ``text`` alone: each token's text, start
        and end (characters of ``text``), for checks of the tokenizer
        (``python -m evaluation.token_windows``). No bounds or repairs are applied."""
        if not text.strip():
            return []
        doc = self._run(text, "tokenize")
        return [[(t.text, t.start_char, t.end_char) for t in s.tokens] for s in doc.sentences]

    def _trim_heap(self) -> None:
        """Trim the heap before a parse once the process has grown (``trim_heap``)."""
        if not self.config.trim_heap:
            return
        if self._floor_mb is None:
            self._floor_mb = levers.resident_mb()
        elif levers.trim_heap(self._floor_mb):
            self.trims += 1

    def _tokenize(self, view: str) -> tuple[Any, list[list[Entry]]]:
        """Tokenize ``view``: the tokenizer's document if it is ordinary, else its sentences."""
        stretches = guard.segments(view)
        if len(stretches) == 1:
            tokenized = self._run(view, "tokenize,mwt")
            guard.check()
            if _ordinary(tokenized):
                return tokenized, []
            return None, sentence_entries(tokenized)
        sentences: list[list[Entry]] = []
        for start, end in stretches:
            part = self._run(view[start:end], "tokenize,mwt")
            sentences += sentence_entries(part, start)
            guard.check()
        return None, sentences

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        """Parse several texts, their sentences tagged and parsed together: the same parses.

        Each text is tokenized alone (and bounded as in :meth:`__call__`); then the
        sentences of consecutive texts go to the tagger, lemmatizer and parser as
        one Stanza document of up to ``batch_words`` words, which saves Stanza's
        per-call work and fills its batches. Sentences cut are reported to the
        running watch, as one parse's would be; :meth:`parse_batch` returns them
        by text.
        """
        return [doc for doc, _ in self.parse_batch(texts)]

    def parse_batch(
        self, texts: Sequence[str]
    ) -> list[tuple[ParsedDocument, list[guard.SentenceCut]]]:
        """Return each text's parse and the sentences cut in it (see :meth:`parse_many`)."""
        if not self.is_loaded:
            self.load()
        self._trim_heap()
        jobs: list[_Job] = []
        for text in texts:
            if not text.strip():
                jobs.append(_Job(text, text, [], []))
                continue
            guard.check()
            view = guard.tokenizer_view(text)
            tokenized, sentences = self._tokenize(view)
            if tokenized is not None:
                sentences = sentence_entries(tokenized)
            pieces, cuts = split_sentences(sentences, text)
            jobs.append(_Job(text, view, pieces, cuts))
        watch = guard.current()
        if watch is not None:
            watch.cuts.extend(cut for job in jobs for cut in job.cuts)
        docs = self._parse_jobs(jobs, self.config.batch_words)
        return [(doc, job.cuts) for doc, job in zip(docs, jobs, strict=True)]

    def _parse_jobs(self, jobs: list[_Job], limit: int) -> list[ParsedDocument]:
        """Tag and parse the pieces of several texts by chunks of up to ``limit`` words."""
        slots: list[list[Sentence | None]] = [[None] * len(job.pieces) for job in jobs]
        chunk: list[tuple[int, int]] = []
        size = 0
        for d, job in enumerate(jobs):
            for i, piece in enumerate(job.pieces):
                if piece.marks:
                    if i % 64 == 0:
                        guard.check()
                    slots[d][i] = mark_sentence(i, piece.spans(), job.text)
                    continue
                if chunk and size + piece.words > limit:
                    self._tag_many(chunk, jobs, slots)
                    chunk, size = [], 0
                chunk.append((d, i))
                size += piece.words
        if chunk:
            self._tag_many(chunk, jobs, slots)
        out = []
        for job, filled in zip(jobs, slots, strict=True):
            kept = [s for s in filled if s is not None]
            sentences = tuple(Sentence(k, s.tokens, s.start, s.end) for k, s in enumerate(kept))
            out.append(ParsedDocument(job.text, sentences))
        return out

    def _tag_many(
        self,
        chunk: list[tuple[int, int]],
        jobs: list[_Job],
        slots: list[list[Sentence | None]],
    ) -> None:
        """Tag, lemmatize and parse the pieces ``chunk`` names as one Stanza document."""
        from stanza.models.common.doc import Document

        guard.check()
        texts = {jobs[d].view for d, _ in chunk}
        view = texts.pop() if len(texts) == 1 else None
        doc = Document([jobs[d].pieces[i].entries() for d, i in chunk], text=view)
        parsed = self._run(doc, TAGGERS).sentences
        for (d, i), sent in zip(chunk, parsed, strict=True):
            slots[d][i] = to_sentence(sent, i, jobs[d].text)

    def _parse_pieces(self, pieces: list[Piece], view: str, text: str) -> ParsedDocument:
        """Tag and parse the pieces of words by chunks; lay the runs of marks out flat."""
        slots: list[Sentence | None] = [None] * len(pieces)
        chunk: list[int] = []
        size = 0
        for i, piece in enumerate(pieces):
            if piece.marks:
                if i % 64 == 0:
                    guard.check()
                slots[i] = mark_sentence(i, piece.spans(), text)
                continue
            if chunk and size + piece.words > CHUNK_WORDS:
                self._tag([pieces[k] for k in chunk], chunk, slots, view, text)
                chunk, size = [], 0
            chunk.append(i)
            size += piece.words
        if chunk:
            self._tag([pieces[k] for k in chunk], chunk, slots, view, text)
        filled = [s for s in slots if s is not None]
        out = tuple(Sentence(k, s.tokens, s.start, s.end) for k, s in enumerate(filled))
        return ParsedDocument(text, out)

    def _tag(
        self,
        chunk: list[Piece],
        where: list[int],
        slots: list[Sentence | None],
        view: str,
        text: str,
    ) -> None:
        """Tag, lemmatize and parse ``chunk`` as one Stanza document; fill ``slots[where]``."""
        from stanza.models.common.doc import Document

        guard.check()
        doc = Document([p.entries() for p in chunk], text=view)
        parsed = to_document(self._run(doc, TAGGERS), text).sentences
        for k, sent in zip(where, parsed, strict=True):
            slots[k] = sent

    def versions(self) -> dict[str, str]:
        import stanza
        import torch

        out = {"stanza": stanza.__version__, "torch": torch.__version__}
        if self.config.stanza_dir:
            out["models"] = f"official:{self.config.stanza_dir}"
        else:
            out["models"] = str(load_manifest(self.config.bundle).get("version", "unknown"))
        return out


@dataclass(frozen=True, slots=True)
class _Job:
    """One text of :meth:`StanzaParser.parse_batch`: its tokenizer view, pieces and cuts."""

    text: str
    view: str
    pieces: list[Piece]
    cuts: list[guard.SentenceCut]


_SHARED: dict[ParserConfig, StanzaParser] = {}
_SHARED_LOCK = threading.Lock()


def get_parser(
    stanza_dir: str | None = None, threads: int | None = None, models_dir: str | None = None
) -> StanzaParser:
    """Return the process-wide parser for this configuration (models load on first use)."""
    config = ParserConfig.from_env(stanza_dir, threads, models_dir)
    with _SHARED_LOCK:
        if config not in _SHARED:
            _SHARED[config] = StanzaParser(config)
        return _SHARED[config]
