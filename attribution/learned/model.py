"""Load the learned attribution model once and run it on a document.

The weights (``attribution/models/attribution.pt``) hold two taggers' state
and the model's vocabularies, no article text; the word vectors are the
bundled ``pretrain.pt`` (GloVe), shared with the parser's bundle. Loading is
offline and ``weights_only``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from attribution.errors import ModelLoadError
from attribution.extract.common import Context, Draft
from attribution.learned.features import (
    DOC_CHANNELS,
    WINDOW_CHANNELS,
    Vocab,
    channel_sizes,
    document_features,
    window_bounds,
    window_features,
)
from attribution.learned.network import Tagger, batch
from attribution.learned.producer import (
    combine,
    cue_sites,
    decode_arguments,
    rule_links,
    to_draft,
)
from attribution.lexicon import lexicon

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
WEIGHTS_FILE = "attribution.pt"
VECTORS_FILE = "pretrain.pt"
#: Windows scored together by the argument tagger.
ARG_BATCH = 32


def load_vectors(path: Path) -> tuple[list[str], torch.Tensor]:
    """Return the vocabulary and vectors of a Stanza pretrain file."""
    data = torch.load(path, map_location="cpu", weights_only=False)
    words: list[str] = list(data["vocab"]["_id2unit"])
    return words, data["emb"].float()


class LearnedAttribution:
    """The cue tagger and the argument tagger, ready to run (see :mod:`.producer`)."""

    def __init__(self, state: dict[str, Any], words: Sequence[str], vectors: torch.Tensor) -> None:
        self.vocab = Vocab.of(words, state["lemmas"], state["deprels"])
        sizes = channel_sizes(self.vocab, len(words))
        cfg = state.get("config", {})
        self.cue = Tagger(DOC_CHANNELS, sizes, vectors, 3, **cfg.get("cue", {}))
        self.arg = Tagger(DOC_CHANNELS + WINDOW_CHANNELS, sizes, vectors, 5, **cfg.get("arg", {}))
        for net, key in ((self.cue, "cue"), (self.arg, "arg")):
            weights = {k: v.float() for k, v in state[key].items()}
            weights["words.weight"] = vectors
            net.load_state_dict(weights)
            net.eval()
        self.stances = {w: e.stance for w, e in lexicon().reporting_verbs.items()}
        self.version = str(state.get("version", "unknown"))
        self._lock = threading.Lock()

    @classmethod
    def load(cls, models_dir: Path = MODELS_DIR) -> LearnedAttribution:
        """Load the weights and vectors from ``models_dir``; raise :class:`ModelLoadError`."""
        path = models_dir / WEIGHTS_FILE
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            words, vectors = load_vectors(models_dir / VECTORS_FILE)
        except (OSError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(
                f"the learned attribution model could not be loaded from {path}: {exc}. "
                "Run the rules alone (ATTRIBUTION_MODEL=false) or restore the bundled file."
            ) from exc
        return cls(state, words, vectors)

    def drafts(self, ctx: Context, rules: Sequence[Draft]) -> tuple[Draft, ...]:
        """Return the rule drafts combined with what the model finds."""
        if not ctx.doc.sentences:
            return tuple(rules)
        with self._lock, torch.inference_mode():
            found = self._find(ctx, rules)
        model = [to_draft(ctx, f, n + 1, self.stances) for n, f in enumerate(found)]
        return combine(rules, model)

    def _find(self, ctx: Context, rules: Sequence[Draft]) -> list[Any]:
        feats = document_features(ctx, rules, self.vocab)
        rows = [
            feats.rows[feats.sentence_offsets[k] : feats.sentence_offsets[k] + len(s.tokens)]
            for k, s in enumerate(ctx.doc.sentences)
        ]
        tags: list[list[int]] = []
        for i in range(0, len(rows), 64):
            chunk = [r for r in rows[i : i + 64]]
            nonempty = [r if r else ((0,) * len(DOC_CHANNELS),) for r in chunk]
            x, lengths = batch(nonempty)
            tags.extend(t[: len(r)] for t, r in zip(self.cue.predict(x, lengths), chunk, strict=True))
        sites = cue_sites(feats, tags)
        punct = [t.upos == "PUNCT" for t in ctx.where.words]
        found = []
        for i in range(0, len(sites), ARG_BATCH):
            chunk = sites[i : i + ARG_BATCH]
            windows = [
                window_features(feats, ctx, s, self.vocab, rule_links(ctx, rules, feats, s))
                for s in chunk
            ]
            x, lengths = batch([w.rows for w in windows])
            for site, w, t in zip(chunk, windows, self.arg.predict(x, lengths), strict=True):
                first, last = window_bounds(feats, ctx, site)
                f = decode_arguments(
                    site, first, feats.sentence_offsets[site.sentence], t, punct[first:last]
                )
                if f is not None:
                    found.append(f)
        return found
