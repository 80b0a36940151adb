"""Prepare UD English training data for Stanza.

EWT and GUM are merged. GUM's non-commercial genres (wikiHow ``GUM_whow_*`` and
fiction ``GUM_fiction_*``, CC BY-NC-SA) are dropped by their ``# newdoc id``
line so that the shipped models are trained on commercially usable data only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

EXCLUDED_GUM_GENRES = ("GUM_whow_", "GUM_fiction_")
TREEBANKS = {
    "ewt": "UD_English-EWT/en_ewt-ud-{split}.conllu",
    "gum": "UD_English-GUM/en_gum-ud-{split}.conllu",
}


def iter_documents(path: Path) -> Iterator[tuple[str, str]]:
    """Yield ``(doc_id, conllu_text)`` for each ``# newdoc`` document in ``path``."""
    doc_id = ""
    buf: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("# newdoc"):
                if buf:
                    yield doc_id, "".join(buf)
                buf = []
                doc_id = line.split("=", 1)[1].strip() if "=" in line else ""
            buf.append(line)
    if buf:
        yield doc_id, "".join(buf)


def keep_document(doc_id: str) -> bool:
    """Return False for GUM documents under a non-commercial licence."""
    return not doc_id.startswith(EXCLUDED_GUM_GENRES)


def merged_conllu(ud: Path, split: str, treebanks: Iterable[str] = ("ewt", "gum")) -> str:
    """Return the licence-filtered CoNLL-U of ``split`` over ``treebanks``."""
    parts = []
    for tb in treebanks:
        for doc_id, text in iter_documents(ud / TREEBANKS[tb].format(split=split)):
            if keep_document(doc_id):
                parts.append(text.rstrip("\n") + "\n\n")
    return "".join(parts)


def count_sentences(conllu: str) -> int:
    return sum(1 for block in conllu.split("\n\n") if block.strip())


def prepare(ud: Path, out: Path) -> dict[str, object]:
    """Write train/dev CoNLL-U plus the tokenizer's text and character labels."""
    out.mkdir(parents=True, exist_ok=True)
    stats: dict[str, object] = {}
    for split in ("train", "dev"):
        conllu = merged_conllu(ud, split)
        (out / f"{split}.conllu").write_text(conllu, encoding="utf-8")
        stats[f"{split}_sentences"] = count_sentences(conllu)
        txt = out / f"{split}.txt"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "stanza.utils.datasets.conllu_to_text",
                str(out / f"{split}.conllu"),
                str(txt),
            ],
            check=True,
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "stanza.utils.datasets.prepare_tokenizer_data",
                str(txt),
                str(out / f"{split}.conllu"),
                "-o",
                str(out / f"{split}.toklabels"),
                "-m",
                str(out / f"{split}-mwt.json"),
            ],
            check=True,
        )
        print(f"[prepare] {split}: {stats[f'{split}_sentences']} sentences", flush=True)
    (out / "data.json").write_text(json.dumps(stats, indent=2))
    return stats
