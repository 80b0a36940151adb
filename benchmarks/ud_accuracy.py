"""Score the bundled pipeline end to end from raw text with the CoNLL 2018 UD scorer.

Usage: ``python benchmarks/ud_accuracy.py [--ud ../shared/data/ud-english] [--json out.json]``

For each test set the raw text (paragraph breaks kept) is rebuilt from the
gold CoNLL-U, parsed with predicted tokens, tags, lemmas and trees, and scored
against the gold file: EWT test, GUM test (and its news documents alone) and
PUD (news and Wikipedia sentences, the closest to our inputs).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attribution.nlp.convert import UNKNOWN_FORM  # noqa: E402
from attribution.settings import shared_dir  # noqa: E402
from training.data import iter_documents  # noqa: E402

METRICS = ("Tokens", "Sentences", "Words", "UPOS", "XPOS", "UFeats", "Lemmas", "UAS", "LAS")
SETS = {
    "EWT test": ("UD_English-EWT/en_ewt-ud-test.conllu", None),
    "GUM test": ("UD_English-GUM/en_gum-ud-test.conllu", None),
    "GUM test news": ("UD_English-GUM/en_gum-ud-test.conllu", "GUM_news_"),
    "PUD test": ("UD_English-PUD/en_pud-ud-test.conllu", None),
}


def gold_conllu(path: Path, prefix: str | None) -> str:
    if prefix is None:
        return path.read_text(encoding="utf-8")
    return "".join(text for doc_id, text in iter_documents(path) if doc_id.startswith(prefix))


def raw_text(conllu_file: Path) -> str:
    from stanza.utils.datasets.conllu_to_text import main as to_text

    out = conllu_file.with_suffix(".txt")
    to_text([str(conllu_file), str(out)])
    return out.read_text(encoding="utf-8")


def restore_unknown_forms(doc: object, text: str) -> None:
    """Put back the surface form of tokens Stanza's tokenizer emits as ``<UNK>`` (long URLs)."""
    for sent in doc.sentences:  # type: ignore[attr-defined]
        for tok in sent.tokens:
            if tok.text == UNKNOWN_FORM:
                form = text[tok.start_char : tok.end_char]
                tok.text = form
                for word in tok.words:
                    if word.text == UNKNOWN_FORM:
                        word.text = form


def score(pipeline: object, gold_file: Path) -> tuple[dict[str, float], int, float]:
    from stanza.utils.conll import CoNLL
    from udtools.udeval import evaluate, load_conllu_file  # the CoNLL 2018 UD scorer

    text = raw_text(gold_file)
    t0 = time.perf_counter()
    doc = pipeline(text)  # type: ignore[operator]
    elapsed = time.perf_counter() - t0
    restore_unknown_forms(doc, text)
    pred_file = gold_file.with_suffix(".pred.conllu")
    CoNLL.write_doc2conll(doc, str(pred_file))
    result = evaluate(load_conllu_file(str(gold_file)), load_conllu_file(str(pred_file)))
    n_words = sum(len(s.words) for s in doc.sentences)
    return {m: 100 * result[m].f1 for m in METRICS}, n_words, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--ud", type=Path, default=shared_dir() / "data" / "ud-english")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    ap.add_argument("--stanza-dir", help="score official models in this stanza_resources folder")
    ap.add_argument("--models", help="score this bundle-format models folder instead")
    ap.add_argument("--sets", help="comma-separated set names, e.g. 'EWT test' (default: all)")
    args = ap.parse_args()
    wanted = [n.strip() for n in args.sets.split(",")] if args.sets else list(SETS)
    unknown = [n for n in wanted if n not in SETS]
    if unknown:
        print(f"error: unknown set {unknown[0]!r}; choose from {', '.join(SETS)}", file=sys.stderr)
        return 2
    if not args.ud.is_dir():
        print(f"error: UD data not found at {args.ud}", file=sys.stderr)
        return 2
    from attribution.nlp.stanza_parser import get_parser

    parser = get_parser(stanza_dir=args.stanza_dir, models_dir=args.models)
    parser.load()
    results = {}
    print(f"{'set':<15}" + "".join(f"{m:>10}" for m in METRICS) + f"{'words/s':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            rel, prefix = SETS[name]
            gold = Path(tmp) / (name.replace(" ", "_") + ".conllu")
            gold.write_text(gold_conllu(args.ud / rel, prefix), encoding="utf-8")
            scores, n_words, elapsed = score(parser.pipeline, gold)
            results[name] = {**scores, "words": n_words, "seconds": round(elapsed, 2)}
            row = "".join(f"{scores[m]:>10.2f}" for m in METRICS)
            print(f"{name:<15}{row}{n_words / elapsed:>10.0f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
