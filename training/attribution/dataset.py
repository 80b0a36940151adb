"""Training examples for the learned attribution model, from cached parses and PolNeAR gold.

Gold spans are in the text as written; the parse is of the repaired text. Each
word is mapped back to the text as written with the repair stage's offset map
and takes a gold role when a gold range covers at least half of it.

- Cue examples: one per sentence, B/I/O over its words (any gold cue).
- Argument examples: one per gold attribution with a cue (the window around
  its cue: source B/I, content B/I, the rest O), plus every rule cue that
  matches no gold cue (all O: the model learns to give bogus cues nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attribution.learned.features import (
    TRAIN_WINDOW,
    CueSite,
    DocFeatures,
    Vocab,
    document_features,
    window_bounds,
    window_features,
)
from attribution.learned.producer import rule_links
from attribution.pipeline import RULES, run_stages
from evaluation.polnear import Article, Span
from training.attribution.parse import load_cached

#: Argument tags: outside, source begin/inside, content begin/inside.
OUTSIDE, B_S, I_S, B_C, I_C = range(5)


@dataclass
class DocExample:
    name: str
    cue_rows: list[tuple[tuple[tuple[int, ...], ...], list[int]]]
    arg_rows: list[tuple[tuple[tuple[int, ...], ...], list[int], int]]


def _covers(span: Span | None, start: int, end: int) -> bool:
    if span is None or end <= start:
        return False
    shared = sum(max(0, min(e, end) - max(s, start)) for s, e in span.ranges)
    return shared * 2 >= end - start


def _original(repaired: Any, tok: Any) -> tuple[int, int]:
    s, e, _ = repaired.original_span(tok.start, tok.end)
    return s, e


def _bio(flags: Sequence[bool], begin: int, inside: int, out: list[int]) -> None:
    for i, f in enumerate(flags):
        if f:
            out[i] = inside if i > 0 and flags[i - 1] else begin


def _sites_of(doc: Any, offsets: list[tuple[int, int]], span: Span) -> CueSite | None:
    """Return the cue site of a gold cue span: its first sentence's covered words."""
    g = 0
    for k, sent in enumerate(doc.sentences):
        words = [t.index for t in sent.tokens if _covers(span, *offsets[g + t.index])]
        g += len(sent.tokens)
        if words:
            return CueSite(k, tuple(words))
    return None


def build_example(article: Article, record: dict[str, Any], vocab: Vocab) -> DocExample:
    """Turn one cached article and its gold into cue and argument examples."""
    repaired, doc = record["repaired"], record["doc"]
    work = run_stages(doc, RULES)
    ctx, drafts = work.ctx, work.drafts
    feats = document_features(ctx, drafts, vocab)
    offsets = [_original(repaired, t) for t in doc.tokens]
    cue_rows = []
    for k, sent in enumerate(doc.sentences):
        base = feats.sentence_offsets[k]
        flags = [
            any(_covers(r.cue, *offsets[base + t.index]) for r in article.relations)
            for t in sent.tokens
        ]
        tags = [0] * len(flags)
        _bio(flags, 1, 2, tags)
        cue_rows.append((feats.rows[base : base + len(sent.tokens)], tags))
    arg_rows = []
    gold_cue_words: set[int] = set()
    for rel in article.relations:
        if rel.cue is None:
            continue
        site = _sites_of(doc, offsets, rel.cue)
        if site is None:
            continue
        base = feats.sentence_offsets[site.sentence]
        gold_cue_words.update(base + i for i in site.words)
        arg_rows.append(_arg_example(ctx, drafts, feats, vocab, site, offsets, rel))
    for d in drafts:
        cue = d.attribution.cue
        if cue is None:
            continue
        site = _rule_site(doc, feats, cue.span.start, cue.span.end)
        if site is None:
            continue
        base = feats.sentence_offsets[site.sentence]
        if any(base + i in gold_cue_words for i in site.words):
            continue
        arg_rows.append(_arg_example(ctx, drafts, feats, vocab, site, offsets, None))
    return DocExample(article.name, cue_rows, arg_rows)


def _rule_site(doc: Any, feats: DocFeatures, start: int, end: int) -> CueSite | None:
    for k, sent in enumerate(doc.sentences):
        words = tuple(t.index for t in sent.tokens if t.start >= start and t.end <= end)
        if words:
            return CueSite(k, words)
    return None


def _arg_example(ctx, drafts, feats, vocab, site, offsets, rel):  # type: ignore[no-untyped-def]
    links = rule_links(ctx, drafts, feats, site)
    window = window_features(feats, ctx, site, vocab, links, size=TRAIN_WINDOW)
    first, last = window_bounds(feats, ctx, site, TRAIN_WINDOW)
    base = feats.sentence_offsets[site.sentence]
    cue = {base + i for i in site.words}
    tags = [OUTSIDE] * (last - first)
    if rel is not None:
        src = [g not in cue and _covers(rel.source, *offsets[g]) for g in range(first, last)]
        con = [
            g not in cue and not src[g - first] and _covers(rel.content, *offsets[g])
            for g in range(first, last)
        ]
        _bio(src, B_S, I_S, tags)
        _bio(con, B_C, I_C, tags)
    return window.rows, tags, first


def vocab_from(
    records: Iterable[dict[str, Any]], words: Sequence[str], min_count: int = 3, size: int = 6000
) -> Vocab:
    """Build the lemma and relation vocabularies from training parses (id 0: unknown)."""
    lemmas: Counter[str] = Counter()
    deprels: Counter[str] = Counter()
    for record in records:
        for t in record["doc"].tokens:
            lemmas[t.lemma.lower()] += 1
            deprels[t.deprel] += 1
    lemma_list = ["<unk>"] + [w for w, c in lemmas.most_common(size) if c >= min_count]
    deprel_list = ["<unk>"] + sorted(deprels)
    return Vocab.of(list(words), lemma_list, deprel_list)


def cached_records(out: Path, split: str, articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [load_cached(out, split, a.name) for a in articles]
