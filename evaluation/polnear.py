"""Evaluate the engine on PolNeAR (Newell, Margolin and Ruths, LREC 2018).

``python -m evaluation.polnear [--split dev|heldout|train] [--engine both|rules|model|float]
[--limit N] [--dump PATH] [--cache work/attribution]`` reads the brat standoff of
``../shared/data/polnear/<split>`` (one annotator file per article: the first in
sorted order; discontinuous spans kept as ranges), parses each text once and
assembles it twice, by the rules alone (``rules``) and by the rules with the
learned model (``model``, the default engine), and prints for each
(``--engine float``: the learned model with float LSTMs instead of the shipped
int8 ones):

- for source, cue and content spans, precision/recall/F1 under **exact match**
  (both spans equal after trimming whitespace, quote marks and punctuation at
  the edges of every range) and under **50% overlap** (the characters the two
  trimmed spans share are at least half of the longer one). Each gold span is
  matched to at most one predicted span of the same article (greedy, in order).
- for **direct quotes**, the gold attributions whose content holds a double
  quote mark: recall (a predicted content matches at 50% overlap) and, among
  those found that have a gold source, **speaker accuracy**: the matched
  prediction's source span matches the gold source at 50% overlap, or one of
  the mentions of the speaker it was resolved to overlaps the gold source;
  and **speaker accuracy on mentions** (issue 12), counted on the resolved
  speaker alone: right when the gold source matches, at 50% overlap, one of
  the mentions of the speaker record the quote was resolved to (a quote with
  no speaker is wrong), whatever its own source span says.

A predicted content is the attribution's content minus its own cue and source
when they fall inside it (PolNeAR annotates "X, he said, Y" as two ranges).

Split ``heldout`` is the 60 train articles the learned model never trained on
(:func:`heldout_names`): a gain that holds there is not tuned on dev.
``--cache`` reads the training recipe's cached parses instead of parsing (the
same parse; seconds instead of minutes).

Floors live in ``evaluation/floors/polnear.json``, per split and engine, and are
checked on a full split only (no ``--limit``); the command exits 1 when one is
missed. The test split is held back by the corpus owners and is never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.common import load_floors, report_floors, shared_dir

Range = tuple[int, int]
_SPAN_LINE = re.compile(r"^(?P<id>T\d+)\t\S+ (?P<offsets>\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_EVENT_LINE = re.compile(r"^E\d+\t(?P<args>.*)$")
#: Quote marks whose presence makes a gold content a direct quote.
DOUBLE_QUOTES = frozenset('"“”„‟«»')
#: Characters trimmed from both ends of every range before comparing.
WHITESPACE = " \t\r\n\u00a0"
TRIM_CHARS = WHITESPACE + "\"'“”‘’„‟‚‛«»‹›`" + ".,;:!?-–—()[]{}…*"
OVERLAP_THRESHOLD = 0.5
ROLES = ("source", "cue", "content")
ALLOWED_SPLITS = ("train", "dev", "heldout")
#: Train articles held out of the learned model's training (split ``heldout``).
HELDOUT = 60
FLOORS_NAME = "polnear"
PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class Span:
    """A possibly discontinuous span: sorted, non-empty character ranges."""

    ranges: tuple[Range, ...]

    @property
    def start(self) -> int:
        return self.ranges[0][0]

    @property
    def end(self) -> int:
        return self.ranges[-1][1]


@dataclass(frozen=True, slots=True)
class Relation:
    """One attribution: gold from brat, or predicted by the engine."""

    content: Span
    cue: Span | None = None
    source: Span | None = None
    speaker_mentions: tuple[Span, ...] = ()
    label: str = ""  # predicted: "kind/sieve", for --dump


@dataclass(frozen=True, slots=True)
class Article:
    name: str
    text: str
    relations: tuple[Relation, ...]


# ------------------------------------------------------------------------ brat reader


def parse_span(offsets: str) -> Span:
    """Parse brat offsets ``"752 760;769 800"`` into a :class:`Span`."""
    ranges = []
    for part in offsets.split(";"):
        start, end = part.split()
        ranges.append((int(start), int(end)))
    return Span(tuple(sorted(ranges)))


def parse_ann(data: str) -> tuple[Relation, ...]:
    """Read the attributions of one ``.ann`` file.

    ``T`` lines give typed spans; ``E`` lines (``Attribution`` or
    ``Attribution-no-source``) tie Content, Cue and Source together. Events
    without a Content are skipped, and so are the continuation lines of a
    span text that holds a newline.
    """
    spans: dict[str, Span] = {}
    events: list[dict[str, str]] = []
    for line in data.splitlines():
        if m := _SPAN_LINE.match(line):
            spans[m["id"]] = parse_span(m["offsets"])
        elif m := _EVENT_LINE.match(line):
            events.append(dict(a.split(":", 1) for a in m["args"].split() if ":" in a))
    out: list[Relation] = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if content is None:
            continue
        out.append(
            Relation(
                content=content,
                cue=spans.get(roles.get("Cue", "")),
                source=spans.get(roles.get("Source", "")),
            )
        )
    return tuple(sorted(out, key=lambda r: r.content.ranges))


def article_files(split_dir: Path) -> list[tuple[str, Path]]:
    """Return (article name, .ann path) pairs: one annotator per article, first in sorted order."""
    chosen: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        name = path.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, path)
    return sorted(chosen.items())


def heldout_names(names: Iterable[str], n: int = HELDOUT) -> frozenset[str]:
    """Return the ``n`` train articles held out of training (smallest SHA-256 of the name).

    The learned model never trains on them (``training/attribution``); split
    ``heldout`` evaluates on them, the check that a gain on dev carries over.
    """
    ranked = sorted(names, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return frozenset(ranked[:n])


def read_split(
    split_dir: Path, limit: int | None = None, names: Collection[str] | None = None
) -> list[Article]:
    """Read the articles of one split directory (``text/`` + ``attributions/``).

    ``names``: only these articles (before ``limit``).
    """
    out: list[Article] = []
    files = [(n, p) for n, p in article_files(split_dir) if names is None or n in names]
    for name, ann in files[:limit]:
        text = (split_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        out.append(Article(name, text, parse_ann(ann.read_text(encoding="utf-8"))))
    return out


# ------------------------------------------------------------------------------ metrics


def _trim_ranges(text: str, span: Span, chars: str) -> tuple[Range, ...]:
    out: list[Range] = []
    for start, end in span.ranges:
        while start < end and text[start] in chars:
            start += 1
        while end > start and text[end - 1] in chars:
            end -= 1
        if start < end:
            out.append((start, end))
    return tuple(out)


def trim(text: str, span: Span) -> tuple[Range, ...]:
    """Trim whitespace, quote marks and edge punctuation from every range; drop empty ones.

    A span of punctuation only (the cue ":" of a headline "Trump: ...") keeps
    its punctuation and loses only the whitespace around it.
    """
    return _trim_ranges(text, span, TRIM_CHARS) or _trim_ranges(text, span, WHITESPACE)


def _length(ranges: Iterable[Range]) -> int:
    return sum(e - s for s, e in ranges)


def _shared(a: Sequence[Range], b: Sequence[Range]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def exact_match(text: str, gold: Span, pred: Span) -> bool:
    """Return whether the spans are equal after :func:`trim` (and not empty)."""
    g = trim(text, gold)
    return bool(g) and g == trim(text, pred)


def overlap_match(text: str, gold: Span, pred: Span, threshold: float = OVERLAP_THRESHOLD) -> bool:
    """Return whether the trimmed spans share at least ``threshold`` of the longer one."""
    g, p = trim(text, gold), trim(text, pred)
    longest = max(_length(g), _length(p))
    return longest > 0 and _shared(g, p) >= threshold * longest


def touches(gold: Span, pred: Span) -> bool:
    """Return whether the spans share at least one character."""
    return _shared(gold.ranges, pred.ranges) > 0


Matcher = Callable[[str, Span, Span], bool]


def align(
    text: str, gold: Sequence[Span], pred: Sequence[Span], match: Matcher
) -> list[int | None]:
    """Match each gold span to one unused predicted span (greedy, in order); return indices."""
    used: set[int] = set()
    out: list[int | None] = []
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and match(text, g, p)), None)
        if hit is not None:
            used.add(hit)
        out.append(hit)
    return out


@dataclass(slots=True)
class Counts:
    """True positives, predicted and gold totals for one role under one matcher."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def scores(self) -> dict[str, float]:
        """Return precision, recall and F1 in percent, rounded to one decimal."""
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p * PERCENT, 1), "r": round(r * PERCENT, 1), "f1": round(f * PERCENT, 1)}


@dataclass(slots=True)
class Report:
    """Counts accumulated over articles."""

    exact: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    overlap: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    quotes: int = 0
    quotes_found: int = 0
    quotes_with_source: int = 0
    speaker_right: int = 0
    speaker_mention_right: int = 0
    articles: int = 0

    def metrics(self) -> dict[str, Any]:
        """Return the metrics as nested dicts (the shape of the floors file)."""
        return {
            "exact": {r: c.scores() for r, c in self.exact.items()},
            "overlap": {r: c.scores() for r, c in self.overlap.items()},
            "quotes": {
                "gold": self.quotes,
                "recall": _percent(self.quotes_found, self.quotes),
                "speaker_accuracy": _percent(self.speaker_right, self.quotes_with_source),
                "speaker_mentions": _percent(self.speaker_mention_right, self.quotes_with_source),
            },
            "articles": self.articles,
        }


def _percent(num: int, den: int) -> float:
    return round(num / den * PERCENT, 1) if den else 0.0


def _role(rel: Relation, role: str) -> Span | None:
    span: Span | None = getattr(rel, role)
    return span


def is_direct_quote(text: str, rel: Relation) -> bool:
    """Return whether a gold content holds a double quote mark."""
    return any(ch in DOUBLE_QUOTES for s, e in rel.content.ranges for ch in text[s:e])


def speaker_correct(text: str, gold: Relation, pred: Relation) -> bool:
    """Return whether ``pred`` names the gold source (span match or a resolved mention)."""
    if gold.source is None:
        return pred.source is None
    if pred.source is not None and overlap_match(text, gold.source, pred.source):
        return True
    return any(touches(gold.source, m) for m in pred.speaker_mentions)


def speaker_mention_correct(text: str, gold: Relation, pred: Relation) -> bool:
    """Return whether one mention of ``pred``'s resolved speaker matches the gold source
    (50% overlap); a gold quote without a source is right when ``pred`` has no speaker."""
    if gold.source is None:
        return not pred.speaker_mentions
    return any(overlap_match(text, gold.source, m) for m in pred.speaker_mentions)


def score_article(
    report: Report, text: str, gold: Sequence[Relation], pred: Sequence[Relation]
) -> None:
    """Add one article's comparison to ``report``."""
    report.articles += 1
    for role in ROLES:
        g = [s for s in (_role(r, role) for r in gold) if s is not None]
        p = [s for s in (_role(r, role) for r in pred) if s is not None]
        for counts, match in (
            (report.exact[role], exact_match),
            (report.overlap[role], overlap_match),
        ):
            hits = align(text, g, p, match)
            counts.add(sum(h is not None for h in hits), len(p), len(g))
    quotes = [r for r in gold if is_direct_quote(text, r)]
    hits = align(text, [r.content for r in quotes], [r.content for r in pred], overlap_match)
    for rel, hit in zip(quotes, hits, strict=True):
        report.quotes += 1
        if hit is None:
            continue
        report.quotes_found += 1
        if rel.source is not None:
            report.quotes_with_source += 1
            report.speaker_right += speaker_correct(text, rel, pred[hit])
            report.speaker_mention_right += speaker_mention_correct(text, rel, pred[hit])


# ------------------------------------------------------------------ engine predictions


def _subtract(content: Range, holes: Iterable[Range]) -> tuple[Range, ...]:
    """Return ``content`` minus the ``holes`` inside it, as ranges."""
    pieces = [content]
    for hs, he in sorted(holes):
        nxt: list[Range] = []
        for s, e in pieces:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        pieces = nxt
    return tuple(p for p in pieces if p[0] < p[1])


def _interruptions(analysis: Any, att: Any) -> list[Range]:
    """Return the cue clause between a direct quotation's quoted pieces ("“A,” she said
    on Monday. “B.”"): the engine reports the pieces in ``quotes``, and PolNeAR's
    content, like a reader's, is the quoted words alone, without the clause's adjuncts.
    Only a stretch that holds the cue or the source is cut: words between two quoted
    fragments of one claim ("“Trump exaggerates” the level of ...") stay content."""
    if att.kind != "direct" or len(att.quotes) < 2:
        return []
    marks = [(x.start, x.end) for x in (att.source, att.cue.span if att.cue else None) if x]
    pieces = sorted((q.start, q.end) for q in att.quotes)
    return [
        (a_end, b_start)
        for (_, a_end), (b_start, _) in zip(pieces, pieces[1:], strict=False)
        if att.content.start <= a_end < b_start <= att.content.end
        and any(a_end <= s and e <= b_start for s, e in marks)
    ]


def predicted_relations(analysis: Any) -> tuple[Relation, ...]:
    """Turn an :class:`attribution.records.Analysis` into relations to compare."""
    mentions = {
        s.id: tuple(Span(((m.start, m.end),)) for m in s.mentions) for s in analysis.speakers
    }
    out: list[Relation] = []
    for att in analysis.attributions:
        holes = [(x.start, x.end) for x in (att.source, att.cue.span if att.cue else None) if x]
        holes += _interruptions(analysis, att)
        ranges = _subtract((att.content.start, att.content.end), holes) or (
            (att.content.start, att.content.end),
        )
        out.append(
            Relation(
                content=Span(ranges),
                cue=Span(((att.cue.span.start, att.cue.span.end),)) if att.cue else None,
                source=Span(((att.source.start, att.source.end),)) if att.source else None,
                speaker_mentions=mentions.get(att.speaker_id or "", ()),
                label=f"{att.kind}/{att.sieve}",
            )
        )
    return tuple(out)


def _dump_record(article: Article, rels: Sequence[Relation]) -> dict[str, Any]:
    def show(span: Span | None) -> list[Any] | None:
        if span is None:
            return None
        return [[s, e, article.text[s:e]] for s, e in span.ranges]

    return {
        "article": article.name,
        "predicted": [
            {
                "label": r.label,
                "source": show(r.source),
                "cue": show(r.cue),
                "content": show(r.content),
            }
            for r in rels
        ],
    }


def evaluate(
    articles: Sequence[Article],
    predict: Callable[[str], Sequence[Relation]],
    dump: list[dict[str, Any]] | None = None,
) -> Report:
    """Run ``predict`` on every article and accumulate the report."""
    report = Report()
    for article in articles:
        rels = predict(article.text)
        if dump is not None:
            dump.append(_dump_record(article, rels))
        score_article(report, article.text, article.relations, rels)
    return report


def format_report(metrics: dict[str, Any], header: str) -> str:
    """Render the metrics table."""
    lines = [header, f"{'':10}{'exact P':>9}{'R':>7}{'F1':>7}   {'50% P':>7}{'R':>7}{'F1':>7}"]
    for role in ROLES:
        e, o = metrics["exact"][role], metrics["overlap"][role]
        exact = f"{e['p']:9.1f}{e['r']:7.1f}{e['f1']:7.1f}"
        lines.append(f"{role:10}{exact}   {o['p']:7.1f}{o['r']:7.1f}{o['f1']:7.1f}")
    q = metrics["quotes"]
    lines.append(
        f"direct quotes (gold content with a double quote mark): n={q['gold']}  "
        f"recall={q['recall']:.1f}  speaker accuracy={q['speaker_accuracy']:.1f}  "
        f"on the speaker's mentions={q['speaker_mentions']:.1f}"
    )
    return "\n".join(lines)


ENGINES = ("rules", "model")
#: An engine shown on demand only: the learned model with its float LSTMs (the
#: shipped model runs them with int8 weights, :meth:`LearnedAttribution.quantize`).
FLOAT_ENGINE = "float"
Predict = Callable[[Article], dict[str, Sequence[Relation]]]


def predictor(engines: Sequence[str], split: str, cache: Path | None = None) -> Predict:
    """Return article -> {engine: relations}: each article parsed once, then assembled by the
    rules alone (``rules``) and by the rules with the learned model (``model``).

    ``cache``: read the recipe's cached repair and parse (``work/attribution``)
    instead of parsing.
    """
    from attribution.pipeline import Analyzer, assemble

    analyzer = Analyzer(model="model" in engines)
    models = {"rules": None, "model": analyzer.model()}
    if FLOAT_ENGINE in engines:
        from attribution.learned import LearnedAttribution

        models[FLOAT_ENGINE] = LearnedAttribution.configured(int8=False)
    folder = split_folder(split)
    if cache is not None:
        # The parser, which sets torch's threads when it loads, is not loaded here:
        # set them the same way (ATTRIBUTION_THREADS), or a loaded machine crawls.
        import torch

        from attribution.nlp.stanza_parser import available_cores
        from attribution.settings import settings

        torch.set_num_threads(settings().threads or available_cores())

    def predict(article: Article) -> dict[str, Sequence[Relation]]:
        if cache is not None:
            from training.attribution.parse import load_cached

            record = load_cached(cache, folder, article.name)
            repaired, doc = record["repaired"], record["doc"]
        else:
            repaired, doc, _ = analyzer.parse(article.text)
        return {e: predicted_relations(assemble(repaired, doc, model=models[e])) for e in engines}

    return predict


def evaluate_engines(
    articles: Sequence[Article], predict: Predict, dumps: dict[str, list[dict[str, Any]]] | None
) -> dict[str, Report]:
    """Score every engine ``predict`` returns on every article."""
    reports: dict[str, Report] = {}
    for article in articles:
        for engine, rels in predict(article).items():
            if dumps is not None:
                dumps.setdefault(engine, []).append(_dump_record(article, rels))
            score_article(
                reports.setdefault(engine, Report()), article.text, article.relations, rels
            )
    return reports


def split_folder(split: str) -> str:
    """Return the PolNeAR folder a split reads (``heldout``: a sample of ``train``)."""
    return "train" if split == "heldout" else split


def select(split: str, limit: int | None) -> tuple[Path, list[Article]]:
    """Return the split's folder and its articles (``heldout``: the held-out train sample)."""
    folder = split_folder(split)
    split_dir = shared_dir() / "data" / "polnear" / folder
    if not split_dir.is_dir():
        return split_dir, []
    if split != "heldout":
        return split_dir, read_split(split_dir, limit)
    held = heldout_names(name for name, _ in article_files(split_dir))
    return split_dir, read_split(split_dir, limit, held)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation command; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.polnear", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", default="dev", choices=ALLOWED_SPLITS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument(
        "--engine",
        default="both",
        choices=("both", *ENGINES, FLOAT_ENGINE),
        help="both: rules and model; float: the model with its float LSTMs (not int8)",
    )
    parser.add_argument("--dump", type=Path, default=None, help="write predictions as JSON here")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="read the recipe's cached parses (work/attribution) instead of parsing",
    )
    args = parser.parse_args(argv)
    split_dir, articles = select(args.split, args.limit)
    if not articles:
        print(f"PolNeAR {args.split} split not found at {split_dir}", file=sys.stderr)
        return 2
    if args.cache is not None:
        from training.attribution.parse import cache_path

        folder = split_folder(args.split)
        missing = [a.name for a in articles if not cache_path(args.cache, folder, a.name).exists()]
        if missing:
            print(
                f"error: {len(missing)} of {len(articles)} {args.split} articles have no cached "
                f"parse under {args.cache} (first: {missing[0]}); run "
                f"`python -m training attribution parse --out {args.cache}` or drop --cache",
                file=sys.stderr,
            )
            return 2
    engines = ENGINES if args.engine == "both" else (args.engine,)
    gold = sum(len(a.relations) for a in articles)
    dumps: dict[str, list[dict[str, Any]]] | None = {} if args.dump else None
    started = time.monotonic()
    reports = evaluate_engines(articles, predictor(engines, args.split, args.cache), dumps)
    measured = {engine: reports[engine].metrics() for engine in engines}
    for engine in engines:
        header = (
            f"PolNeAR {args.split} [{engine}]: {len(articles)} articles, {gold} gold "
            f"attributions, {reports[engine].exact['content'].pred} predicted"
        )
        print(format_report(measured[engine], header))
    print(f"({time.monotonic() - started:.0f}s)")
    if args.dump and dumps is not None:
        for engine, dump in dumps.items():
            path = args.dump if len(engines) == 1 else args.dump.with_suffix(f".{engine}.json")
            path.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.limit is not None:
        print("floors not checked (--limit)")
        return 0
    floors = load_floors(FLOORS_NAME).get(args.split)
    if floors is None:
        print(f"no floors for split {args.split}")
        return 0
    return report_floors(measured, FLOORS_NAME, {e: floors[e] for e in engines if e in floors})


if __name__ == "__main__":
    sys.exit(main())
