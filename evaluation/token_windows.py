"""Check the tokenizer's windowed reading of long paragraphs against Stanza's own.

``python -m evaluation.token_windows [--split dev,train] [--limit N]`` tokenizes
the seed article and the PolNeAR texts of the splits twice, with
:mod:`attribution.nlp.token_windows` (the default) and with Stanza's window
after window, and prints how many paragraphs were longer than the tokenizer's
window, how many tokens and sentences there were, and how many differ (a token
or a sentence start found by one reading and not by the other). It reads
``../shared`` (or ``$ATTRIBUTION_SHARED``) and exits 1 when more than
``--max-share`` of the tokens differ.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from attribution.nlp.stanza_parser import ParserConfig, StanzaParser
from evaluation.common import shared_dir
from evaluation.polnear import article_files

#: Stanza's paragraph break (two newlines, spaces between allowed).
PARAGRAPH = re.compile(r"\n\s*\n")


def texts(shared: Path, splits: Sequence[str], limit: int | None) -> list[tuple[str, str]]:
    """Return ``(name, text)`` for the seed article and the PolNeAR texts of ``splits``."""
    out = [("seed", (shared / "examples" / "gantz-morocco.txt").read_text(encoding="utf-8"))]
    for split in splits:
        folder = shared / "data" / "polnear" / split
        for name, _ in article_files(folder)[:limit]:
            path = folder / "text" / f"{name}.txt"
            out.append((f"{split}/{name}", path.read_text(encoding="utf-8")))
    return out


def compare(
    windowed: StanzaParser, stanza: StanzaParser, corpus: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """Tokenize every text both ways; count what differs."""
    counts = dict.fromkeys(("texts", "long_paragraphs", "tokens", "sentences"), 0)
    counts |= {"token_diffs": 0, "sentence_diffs": 0, "texts_differing": 0}
    for name, text in corpus:
        counts["texts"] += 1
        counts["long_paragraphs"] += sum(len(p) > 1000 for p in PARAGRAPH.split(text))
        a, b = windowed.tokens(text), stanza.tokens(text)
        tokens_a = {t for s in a for t in s}
        tokens_b = {t for s in b for t in s}
        starts_a = {s[0][1] for s in a if s}
        starts_b = {s[0][1] for s in b if s}
        counts["tokens"] += len(tokens_b)
        counts["sentences"] += len(b)
        counts["token_diffs"] += len(tokens_a ^ tokens_b)
        counts["sentence_diffs"] += len(starts_a ^ starts_b)
        if a != b:
            counts["texts_differing"] += 1
            print(f"differs: {name}", file=sys.stderr)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev,train", help="PolNeAR splits, comma-separated")
    ap.add_argument("--limit", type=int, help="articles per split")
    ap.add_argument("--max-share", type=float, default=0.001, help="most tokens that may differ")
    args = ap.parse_args(argv)
    corpus = texts(shared_dir(), [s for s in args.split.split(",") if s], args.limit)
    windowed = StanzaParser(ParserConfig(threads=1))
    stanza = StanzaParser(ParserConfig(threads=1, token_windows=False))
    counts = compare(windowed, stanza, corpus)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    share = counts["token_diffs"] / max(1, counts["tokens"])
    print(f"tokens differing: {100 * share:.4f}% (at most {100 * args.max_share:.2f}%)")
    return 0 if share <= args.max_share else 1


if __name__ == "__main__":
    sys.exit(main())
