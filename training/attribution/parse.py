"""Cache the engine's view of every PolNeAR article: repair result and Stanza parse.

One pickle per article under ``<out>/parses/<split>/<name>.pkl``, written
atomically, so an interrupted run resumes where it stopped. The parse is the
project's own bundled Stanza pipeline, exactly what the engine sees at run time
(repair first, then the parser on ``nlp_text``).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from evaluation.polnear import Article, read_split


def cache_path(out: Path, split: str, name: str) -> Path:
    return out / "parses" / split / f"{name}.pkl"


def parse_article(parser: Any, article: Article) -> dict[str, Any]:
    """Return the cached record of one article: its repair result and parse."""
    from attribution.repair import repair_text

    repaired = repair_text(article.text)
    doc = parser(getattr(repaired, "nlp_text", repaired.text))
    return {"name": article.name, "repaired": repaired, "doc": doc}


def load_cached(out: Path, split: str, name: str) -> dict[str, Any]:
    with cache_path(out, split, name).open("rb") as fh:
        record: dict[str, Any] = pickle.load(fh)
    return record


def run(shared: Path, out: Path, splits: list[str], shard: int, shards: int) -> int:
    from attribution.nlp.stanza_parser import get_parser

    parser = get_parser(threads=1)
    done = 0
    started = time.monotonic()
    for split in splits:
        articles = read_split(shared / "data" / "polnear" / split)
        for i, article in enumerate(articles):
            if i % shards != shard:
                continue
            path = cache_path(out, split, article.name)
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            record = parse_article(parser, article)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            done += 1
            if done % 20 == 0:
                print(f"{split} {done} parsed, {time.monotonic() - started:.0f}s", flush=True)
    print(f"shard {shard}/{shards}: {done} parsed in {time.monotonic() - started:.0f}s")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.attribution.parse")
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, default=Path("work/attribution"))
    p.add_argument("--splits", default="dev,train")
    p.add_argument("--shard", type=int, default=0)
    p.add_argument("--shards", type=int, default=1)
    a = p.parse_args(argv)
    return run(a.shared, a.out, a.splits.split(","), a.shard, a.shards)


if __name__ == "__main__":
    sys.exit(main())
