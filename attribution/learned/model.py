"""Load the learned attribution model once and run it on a document.

The weights (``attribution/models/attribution.pt``) hold the cue tagger's and
the argument head's state
and the model's vocabularies, no article text; the word vectors are the
bundled ``pretrain.pt`` (GloVe), shared with the parser's bundle. Loading is
offline and ``weights_only``.
"""

from __future__ import annotations

import pickle
import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from attribution.errors import ModelLoadError
from attribution.extract.common import Context, Draft
from attribution.extract.learned import Found, Policy, combine, cue_makes_claim, to_draft
from attribution.learned.features import (
    DOC_CHANNELS,
    HEAD_CHANNELS,
    RUN_WINDOW,
    CueSite,
    DocFeatures,
    DocTensors,
    Vocab,
    channel_sizes,
    document_features,
    window_tensor,
)
from attribution.learned.network import ArgHead, Packing, Tagger, starts
from attribution.learned.producer import cue_sites, decode_arguments, rule_links
from attribution.lexicon import lexicon
from attribution.nlp.levers import is_quantized
from attribution.nlp.pretrain import word_vectors

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
WEIGHTS_FILE = "attribution.pt"
VECTORS_FILE = "pretrain.pt"
#: Windows scored together by the argument head.
ARG_BATCH = 32
#: A window shorter than this share of its batch's longest starts another batch (for a
#: head whose LSTM reads padded rows: :func:`attribution.nlp.dense_lstm.run_directions`).
BATCH_SHRINK = 0.5
#: The window of a cue whose content a trusted rule draft holds: only its source is
#: read from the head, and a direct quotation's speaker stands beside its cue.
SOURCE_WINDOW = (0, 40)
#: Sentences tagged together by the cue tagger.
SENTENCE_BATCH = 64


def load_vectors(path: Path) -> tuple[Sequence[str], torch.Tensor]:
    """Return the vocabulary and vectors of a Stanza pretrain file, shared with the parser
    (:func:`attribution.nlp.pretrain.word_vectors`: loaded once per process, read-only)."""
    vectors = word_vectors(path)
    return vectors.words, vectors.matrix


class LearnedAttribution:
    """The cue tagger and the argument head, ready to run (see :mod:`.producer`)."""

    def __init__(
        self,
        state: dict[str, Any],
        words: Sequence[str],
        vectors: torch.Tensor,
        index: Mapping[str, int] | None = None,
    ) -> None:
        self.vocab = Vocab.of(words, state["lemmas"], state["deprels"], index)
        sizes = channel_sizes(self.vocab, len(words))
        cfg = state.get("config", {})
        self.cue = Tagger(DOC_CHANNELS, sizes, vectors, 3, **cfg.get("cue", {}))
        hidden = int(cfg.get("cue", {}).get("hidden", 128))
        self.head = ArgHead(HEAD_CHANNELS, sizes, 2 * hidden, **cfg.get("head", {}))
        cue = {k: v.float() for k, v in state["cue"].items()}
        cue["words.weight"] = vectors
        self.cue.load_state_dict(cue)
        self.head.load_state_dict({k: v.float() for k, v in state["head"].items()})
        self.cue.eval()
        self.head.eval()
        self.stances = {w: e.stance for w, e in lexicon().reporting_verbs.items()}
        self.stances.update({w: e.stance for w, e in lexicon().reporting_nouns.items()})
        self.version = str(state.get("version", "unknown"))
        self.policy = Policy()
        #: Sentences and words either side of a cue the head reads.
        self.window = RUN_WINDOW
        #: The window of a cue a trusted rule draft holds, whose content stands and
        #: whose source alone is taken from the model (``Policy.model_sources``).
        self.source_window = SOURCE_WINDOW
        self._lock = threading.Lock()

    @classmethod
    def load(cls, models_dir: Path = MODELS_DIR, int8: bool = True) -> LearnedAttribution:
        """Load the weights and vectors from ``models_dir``; raise :class:`ModelLoadError`.

        ``int8``: run the LSTMs with int8 weights (:meth:`quantize`), as shipped.
        """
        path = models_dir / WEIGHTS_FILE
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            shared = word_vectors(models_dir / VECTORS_FILE)
            model = cls(state, shared.words, shared.matrix, shared.index)
            return model.quantize() if int8 else model
        except (
            OSError,
            RuntimeError,
            KeyError,
            ValueError,
            TypeError,
            AttributeError,
            pickle.UnpicklingError,
        ) as exc:
            raise ModelLoadError(
                f"the learned attribution model could not be loaded from {path}: {exc}. "
                "Run the rules alone (ATTRIBUTION_MODEL=0) or restore the bundled file."
            ) from exc

    @classmethod
    def configured(cls, int8: bool = True) -> LearnedAttribution:
        """:meth:`load` from the folder the settings name (``ATTRIBUTION_MODELS_DIR``),
        else the bundled one."""
        from attribution.settings import settings

        folder = settings().models_dir
        return cls.load(Path(folder), int8=int8) if folder else cls.load(int8=int8)

    def quantize(self) -> LearnedAttribution:
        """Run the cue tagger's and the argument head's LSTMs with int8 weights; return self.

        PyTorch's dynamic quantization (Jacob et al. 2018): weights stored as int8,
        each step's inputs scaled to int8 by their own range, products summed in
        int32 (fbgemm). Their arithmetic was about 70% of the model's time and runs
        about 2x faster so. The attributions are those of the float model to
        within rounding: over PolNeAR dev and the held-out train articles the F1 of
        every role and the direct-quote figures moved by at most 0.1
        (``python -m evaluation.polnear --engine float`` scores the float model).
        A step's scale is its batch's, so a window's scores depend slightly on the
        windows batched with it (the same for the same document). A head reading
        through a bottleneck runs its own padded kernel and stays float, and so does
        every LSTM under a torch without ``torch.ao.quantization``.
        """
        try:
            import torch.ao.quantization as quantization
        except ImportError:  # a torch without eager-mode quantization: the float model
            return self
        quantize_dynamic: Any = quantization.quantize_dynamic  # untyped in torch
        with warnings.catch_warnings():
            # Deprecated in favour of torchao, which is not a dependency.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            for net in (self.cue, self.head) if not self.head.bottleneck else (self.cue,):
                if not is_quantized(net):
                    quantize_dynamic(net, {torch.nn.LSTM}, torch.qint8, inplace=True)
        return self

    @property
    def is_quantized(self) -> bool:
        """Tell whether the cue tagger's LSTM runs with int8 weights."""
        return is_quantized(self.cue)

    def drafts(self, ctx: Context, rules: Sequence[Draft]) -> tuple[Draft, ...]:
        """Return the rule drafts combined with what the model finds."""
        if not ctx.doc.sentences:
            return tuple(rules)
        with self._lock, torch.inference_mode():
            found = self.find(ctx, rules)
        model = [to_draft(ctx, f, n + 1, self.stances) for n, f in enumerate(found)]
        return combine(rules, model, self.policy)

    def _cues(self, feats: DocFeatures, ctx: Context) -> tuple[list[list[int]], torch.Tensor]:
        """Tag cues sentence by sentence; return the tags and every word's states."""
        rows = [
            feats.rows[feats.sentence_offsets[k] : feats.sentence_offsets[k] + len(s.tokens)]
            for k, s in enumerate(ctx.doc.sentences)
        ]
        return tag_sentences(self.cue, rows)

    def _settled(self, ctx: Context, site: CueSite, rules: Sequence[Draft]) -> bool:
        """Tell whether a trusted rule draft holds this cue (its record stands, or only its
        source can change: the model is still run for a source when ``model_sources``)."""
        if self.policy.model_sources:
            return False
        return self._trusted(ctx, site, rules)

    def _trusted(self, ctx: Context, site: CueSite, rules: Sequence[Draft]) -> bool:
        """Tell whether a trusted rule draft holds this cue."""
        if not self.policy.trusted:
            return False
        sent = ctx.doc.sentences[site.sentence]
        lo, hi = sent.tokens[site.words[0]].start, sent.tokens[site.words[-1]].end
        return any(
            self.policy.trusts(d)
            and d.attribution.cue is not None
            and d.attribution.cue.span.start < hi
            and lo < d.attribution.cue.span.end
            for d in rules
        )

    def find(self, ctx: Context, rules: Sequence[Draft]) -> list[Found]:
        """Return the attributions the model finds (cue sites with their arguments)."""
        feats = document_features(ctx, rules, self.vocab)
        tags, states = self._cues(feats, ctx)
        sites = [
            s
            for s in cue_sites(feats, tags)
            if cue_makes_claim(ctx, s.sentence, s.words) and not self._settled(ctx, s, rules)
        ]
        if not sites:
            return []
        tensors, size = DocTensors.of(feats), self.window
        prepared = self.head.prepare(states)
        punct = [t.upos == "PUNCT" for t in ctx.where.words]
        windows = [
            window_tensor(
                feats,
                tensors,
                ctx,
                s,
                self.vocab,
                rule_links(ctx, rules, feats, s),
                self.source_window if self._trusted(ctx, s, rules) else size,
            )
            for s in sites
        ]
        found: list[Found | None] = [None] * len(sites)
        # Packed rows cost nothing for padding; padded ones (a bottleneck head's fused
        # kernel) do, so those go in batches of similar length.
        shrink = BATCH_SHRINK if self.head.bottleneck else 0.0
        for chunk in _length_batches([len(rows) for _, rows in windows], shrink):
            tagged = self.head.predict_windows(prepared, [windows[k] for k in chunk])
            for k, t in zip(chunk, tagged, strict=True):
                site, (first, rows) = sites[k], windows[k]
                found[k] = decode_arguments(
                    site,
                    first,
                    feats.sentence_offsets[site.sentence],
                    t,
                    punct[first : first + len(rows)],
                )
        return [f for f in found if f is not None]


def _length_batches(lengths: Sequence[int], shrink: float = BATCH_SHRINK) -> list[list[int]]:
    """Group window indices into batches for the head: longest first, a batch closed at
    :data:`ARG_BATCH` windows or when a window is shorter than ``shrink`` of the batch's
    first (its padding would cost more than another batch's steps)."""
    order = sorted(range(len(lengths)), key=lambda k: -lengths[k])
    batches: list[list[int]] = []
    for k in order:
        if (
            not batches
            or len(batches[-1]) >= ARG_BATCH
            or lengths[k] < shrink * lengths[batches[-1][0]]
        ):
            batches.append([])
        batches[-1].append(k)
    return batches


def tag_sentences(
    cue: Tagger, rows: Sequence[Sequence[Sequence[int]]]
) -> tuple[list[list[int]], torch.Tensor]:
    """Run the cue tagger over sentences' rows; return each sentence's tags and every
    word's BiLSTM states, in document order (the argument head reads them; so does its
    training, :func:`training.attribution.train.states_of`).

    The sentences of a batch go packed, longest first, built straight from their
    rows (:meth:`Tagger.encode_packed`): no padded batch, and the states go to their
    words' places in one copy. An empty sentence is read as one blank word.
    """
    width = len(cue.channels)
    tags: list[list[int]] = []
    done = 0
    with torch.inference_mode():
        states = torch.empty(sum(len(r) for r in rows), 2 * cue.lstm.hidden_size)
        for i in range(0, len(rows), SENTENCE_BATCH):
            chunk = [r or ((0,) * width,) for r in rows[i : i + SENTENCE_BATCH]]
            real = np.array([len(r) for r in rows[i : i + SENTENCE_BATCH]], dtype=np.int64)
            lengths = [len(r) for r in chunk]
            pack = Packing.of(lengths)
            ids = np.array([word for r in chunk for word in r], dtype=np.int64)
            h = cue.encode_packed(torch.from_numpy(ids)[pack.at(starts(lengths))], pack.batch_sizes)
            best = pack.unsort(cue.crf.decode(*pack.pad(cue.out(h))))
            tags.extend(t[:n] for t, n in zip(best, real.tolist(), strict=True))
            # Each packed position's word in the document (a blank word has none).
            keep = torch.from_numpy(pack.steps < real[pack.order[pack.rows]])
            states[pack.at(done + starts(real.tolist()))[keep]] = h[keep]
            done += int(real.sum())
    return tags, states
