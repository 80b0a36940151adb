"""Measure who is speaking on our own hand-labelled sourcing benchmark (issue 12).

``python -m evaluation.sourcing [--engine model|rules|both] [--verbose]`` runs the
engine on every article of ``evaluation/data/sourcing`` (``<name>.txt`` with its
labels ``<name>.json``; the labelling rules are in that folder's README) and
prints the figures the outside sourcing benchmark reports:

- **statements found**: a gold statement is found when a predicted content
  covers at least half of its gold snippet;
- **speaker type accuracy** over found statements (the predicted speaker's
  type equals the gold type; a source never resolved counts as ``unresolved``);
- **speaker name accuracy** over found statements (:func:`name_matches`: the
  gold canonical name and the resolved speaker's name, or a co-speaker's,
  contain one another word for word, case-insensitive; for a person the
  surnames may match instead);
- **anonymous flags**: of the gold anonymous statements, how many were found
  and how many of those the engine flagged anonymous; and how many identified
  statements it flagged anonymous (``false_anonymous``);
- at the article level, the summary's ``anonymous_share`` against the gold
  share (anonymous statements / all sourced statements): mean absolute error
  and Spearman rank correlation (:func:`spearman`, average ranks for ties);
- a per-article table and a confusion table of types (gold rows, predicted
  columns); ``--verbose`` lists every statement missed or mistyped.

When several predictions cover a gold statement, the one whose speaker name
matches is taken, then one whose type matches, then the one covering most.

``--engine model`` (the default) is the engine's default (rules plus the
learned model), ``rules`` the rules alone (``Analyzer(model=False)``), ``both``
parses each article once and assembles it both ways. Floors are in
``evaluation/floors/sourcing.json`` per engine; the command exits 1 when one is
missed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attribution.records import Analysis, Attribution, Speaker
from evaluation.common import load_floors, report_floors

DATA_DIR = Path(__file__).resolve().parent / "data" / "sourcing"
FLOORS_NAME = "sourcing"
FOUND_SHARE = 0.5
ENGINES = ("model", "rules")
#: The gold's speaker types (``docs/scoring.md``, "Who is speaking").
GOLD_TYPES = (
    "named_person",
    "organization",
    "anonymous_person",
    "anonymous_group",
    "document",
    "media",
)
ANONYMOUS_TYPES = frozenset({"anonymous_person", "anonymous_group"})
#: Predicted "types" for a found statement with no usable speaker.
UNRESOLVED = "unresolved"
UNATTRIBUTED = "unattributed"
MISSED = "missed"
DECLINED_HEDGE = "declined_to_comment"
#: Words dropped from the front of a name before comparing ("the city" ~ "city of Phoenix").
LEADING_DETERMINERS = frozenset({"a", "an", "the"})
_WORD = re.compile(r"\w+")
DIGITS = 3
PERCENT = 100.0


# ------------------------------------------------------------------ gold


@dataclass(frozen=True, slots=True)
class Statement:
    """One sourced statement of the gold: its content snippet and its source."""

    content: str
    speaker_name: str
    speaker_type: str
    anonymous: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """One benchmark article with its labels."""

    name: str
    text: str
    statements: tuple[Statement, ...]
    declined: tuple[tuple[int, int], ...] = ()
    unattributed: tuple[tuple[int, int], ...] = ()

    @property
    def gold_share(self) -> float:
        """Anonymous statements / all sourced statements (0.0 without statements)."""
        if not self.statements:
            return 0.0
        return sum(s.anonymous for s in self.statements) / len(self.statements)


def _locate(text: str, snippet: str, where: str) -> tuple[int, int]:
    start = text.find(snippet)
    if start < 0:
        raise ValueError(f"{where}: snippet not in the text: {snippet[:60]!r}")
    if text.find(snippet, start + 1) >= 0:
        raise ValueError(f"{where}: snippet occurs more than once: {snippet[:60]!r}")
    return start, start + len(snippet)


def read_article(text_path: Path) -> Article:
    """Read ``<name>.txt`` and its labels ``<name>.json``; check every snippet and type."""
    name = text_path.stem
    text = text_path.read_text(encoding="utf-8")
    labels = json.loads(text_path.with_suffix(".json").read_text(encoding="utf-8"))
    statements = []
    for item in labels["statements"]:
        kind = item["speaker_type"]
        if kind not in GOLD_TYPES:
            raise ValueError(f"{name}: unknown speaker_type {kind!r}")
        if bool(item["anonymous"]) != (kind in ANONYMOUS_TYPES):
            raise ValueError(f"{name}: anonymous flag disagrees with type {kind!r}")
        start, end = _locate(text, item["content"], name)
        statements.append(
            Statement(item["content"], item["speaker_name"], kind, item["anonymous"], start, end)
        )
    return Article(
        name=name,
        text=text,
        statements=tuple(statements),
        declined=tuple(_locate(text, s, name) for s in labels.get("declined", ())),
        unattributed=tuple(_locate(text, s, name) for s in labels.get("unattributed", ())),
    )


def load_articles(folder: Path = DATA_DIR) -> list[Article]:
    """Read every labelled article of ``folder``, in name order."""
    return [read_article(p) for p in sorted(folder.glob("*.txt"))]


# ------------------------------------------------------------------ metrics


def average_ranks(values: Sequence[float]) -> list[float]:
    """Rank ``values`` from 1; tied values share the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; 0.0 when either side is constant (no order to agree with)."""
    if len(xs) != len(ys):
        raise ValueError("pearson: sequences of different lengths")
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's on average ranks (ties handled)."""
    return pearson(average_ranks(xs), average_ranks(ys))


def mean_absolute_error(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Mean of ``|x - y|`` (0.0 for empty sequences)."""
    if len(xs) != len(ys):
        raise ValueError("mean_absolute_error: sequences of different lengths")
    if not xs:
        return 0.0
    return sum(abs(x - y) for x, y in zip(xs, ys, strict=True)) / len(xs)


def _words(name: str) -> list[str]:
    words = _WORD.findall(name.lower().replace("’", "'"))
    while words and words[0] in LEADING_DETERMINERS:
        words = words[1:]
    return words


def _contains(outer: Sequence[str], inner: Sequence[str]) -> bool:
    if not inner or len(inner) > len(outer):
        return False
    return any(
        list(outer[i : i + len(inner)]) == list(inner) for i in range(len(outer) - len(inner) + 1)
    )


def name_matches(gold: str, gold_type: str, predicted: Iterable[str]) -> bool:
    """Tell whether one predicted name names the gold source.

    Names are compared as lower-case words, leading articles dropped: one
    contains the other as a run of words ("Love's lawyers" ~ "Love's lawyers
    for the appeal", "city" ~ "city of Phoenix"); for a person (``named_person``)
    equal last words (surnames) also match ("Judge Aleta Trauger" ~ "Ms. Trauger").
    """
    want = _words(gold)
    for name in predicted:
        got = _words(name)
        if not got or not want:
            continue
        if _contains(got, want) or _contains(want, got):
            return True
        if gold_type == "named_person" and got[-1] == want[-1]:
            return True
    return False


# ------------------------------------------------------------------ scoring one article


@dataclass(frozen=True, slots=True)
class StatementResult:
    """How the engine did on one gold statement."""

    gold: Statement
    found: bool
    got_type: str = MISSED
    got_names: tuple[str, ...] = ()
    flagged_anonymous: bool = False
    content: str = ""

    @property
    def type_right(self) -> bool:
        return self.found and self.got_type == self.gold.speaker_type

    @property
    def name_right(self) -> bool:
        return self.found and name_matches(
            self.gold.speaker_name, self.gold.speaker_type, self.got_names
        )


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """How the engine did on one article."""

    name: str
    gold_share: float
    predicted_share: float
    statements: tuple[StatementResult, ...]
    declined_found: int = 0
    unattributed_found: int = 0
    extra: tuple[str, ...] = field(default=())


def _covered(span: tuple[int, int], start: int, end: int) -> float:
    shared = max(0, min(span[1], end) - max(span[0], start))
    return shared / max(1, span[1] - span[0])


def _is_declined(att: Attribution) -> bool:
    return any(h.kind == DECLINED_HEDGE for h in att.hedges)


def _speakers(att: Attribution, by_id: Mapping[str, Speaker]) -> list[Speaker]:
    ids = (att.speaker_id, *att.co_speaker_ids)
    return [by_id[i] for i in ids if i is not None and i in by_id]


def _names(att: Attribution, by_id: Mapping[str, Speaker]) -> str:
    return ", ".join(s.name for s in _speakers(att, by_id))


def _type_of(att: Attribution, by_id: Mapping[str, Speaker]) -> str:
    speaker = by_id.get(att.speaker_id or "")
    if speaker is None:
        return UNATTRIBUTED if att.source is None else UNRESOLVED
    return speaker.type


def _flagged(att: Attribution, by_id: Mapping[str, Speaker]) -> bool:
    """Tell whether the summary counts ``att`` anonymous: a sourced, unidentifiable speaker."""
    speaker = by_id.get(att.speaker_id or "")
    if speaker is None or speaker.type == UNATTRIBUTED:
        return False
    return speaker.anonymous or speaker.type in ANONYMOUS_TYPES


def score_article(article: Article, analysis: Analysis) -> ArticleResult:
    """Compare one analysis with the article's labels."""
    by_id = {s.id: s for s in analysis.speakers}
    claims = [a for a in analysis.attributions if not _is_declined(a)]
    used: set[str] = set()
    results: list[StatementResult] = []
    for gold in article.statements:
        span = (gold.start, gold.end)
        cands = [a for a in claims if _covered(span, a.content.start, a.content.end) >= FOUND_SHARE]
        used.update(a.id for a in cands)
        if not cands:
            results.append(StatementResult(gold, found=False))
            continue

        def rank(
            a: Attribution, gold: Statement = gold, span: tuple[int, int] = span
        ) -> tuple[bool, bool, float]:
            names = [s.name for s in _speakers(a, by_id)]
            return (
                name_matches(gold.speaker_name, gold.speaker_type, names),
                _type_of(a, by_id) == gold.speaker_type,
                _covered(span, a.content.start, a.content.end),
            )

        pick = max(cands, key=rank)
        results.append(
            StatementResult(
                gold,
                found=True,
                got_type=_type_of(pick, by_id),
                got_names=tuple(s.name for s in _speakers(pick, by_id)),
                flagged_anonymous=_flagged(pick, by_id),
                content=pick.content.text,
            )
        )
    unattributed = 0
    for span in article.unattributed:
        hits = [a for a in claims if _covered(span, a.content.start, a.content.end) >= FOUND_SHARE]
        used.update(a.id for a in hits)
        unattributed += any(_type_of(a, by_id) == UNATTRIBUTED for a in hits)
    declined = 0
    for span in article.declined:
        hits = [
            a
            for a in analysis.attributions
            if _is_declined(a)
            and any(
                _covered(span, s.start, s.end) > 0
                for s in (a.content, a.source, a.cue.span if a.cue else None)
                if s is not None
            )
        ]
        used.update(a.id for a in hits)
        declined += bool(hits)
    extra = tuple(
        f"{a.content.text[:70]!r} ({_type_of(a, by_id)}: {_names(a, by_id)})"
        for a in claims
        if a.id not in used
    )
    return ArticleResult(
        name=article.name,
        gold_share=round(article.gold_share, DIGITS),
        predicted_share=analysis.summary.anonymous_share,
        statements=tuple(results),
        declined_found=declined,
        unattributed_found=unattributed,
        extra=extra,
    )


# ------------------------------------------------------------------ totals and report


def _pct(num: int, den: int) -> float:
    return round(PERCENT * num / den, 1) if den else 0.0


def metrics(results: Sequence[ArticleResult]) -> dict[str, Any]:
    """Totals over the articles: the figures the floors are set on."""
    items = [r for a in results for r in a.statements]
    found = [r for r in items if r.found]
    anon = [r for r in items if r.gold.anonymous]
    anon_found = [r for r in anon if r.found]
    gold_shares = [a.gold_share for a in results]
    got_shares = [a.predicted_share for a in results]
    n = len(results)
    return {
        "articles": n,
        "statements": len(items),
        "found": len(found),
        "found_pct": _pct(len(found), len(items)),
        "type_right": sum(r.type_right for r in found),
        "type_accuracy": _pct(sum(r.type_right for r in found), len(found)),
        "name_right": sum(r.name_right for r in found),
        "name_accuracy": _pct(sum(r.name_right for r in found), len(found)),
        "anonymous_statements": len(anon),
        "anonymous_found": len(anon_found),
        "anonymous_flagged": sum(r.flagged_anonymous for r in anon_found),
        "false_anonymous_max": sum(r.flagged_anonymous for r in found if not r.gold.anonymous),
        "declined_found": sum(a.declined_found for a in results),
        "unattributed_found": sum(a.unattributed_found for a in results),
        "extra_max": sum(len(a.extra) for a in results),
        "share_mae_max": round(mean_absolute_error(gold_shares, got_shares), DIGITS),
        "share_spearman": round(spearman(gold_shares, got_shares), DIGITS),
        "mean_gold_share": round(sum(gold_shares) / n, DIGITS) if n else 0.0,
        "mean_predicted_share": round(sum(got_shares) / n, DIGITS) if n else 0.0,
    }


def confusion(results: Sequence[ArticleResult]) -> Counter[tuple[str, str]]:
    """Count (gold type, predicted type) over every statement; a missed one is ``missed``."""
    return Counter((r.gold.speaker_type, r.got_type) for a in results for r in a.statements)


def format_report(
    results: Sequence[ArticleResult], figures: Mapping[str, Any], title: str, verbose: bool = False
) -> str:
    """Render the per-article table, the confusion table and the totals."""
    lines = [title, ""]
    head = f"{'article':22} {'stmts':>5} {'found':>5} {'type':>5} {'name':>5}"
    lines.append(f"{head} {'gold':>6} {'pred':>6} {'diff':>6}")
    for a in results:
        found = [r for r in a.statements if r.found]
        diff = a.predicted_share - a.gold_share
        lines.append(
            f"{a.name:22} {len(a.statements):5} {len(found):5}"
            f" {sum(r.type_right for r in found):5} {sum(r.name_right for r in found):5}"
            f" {a.gold_share:6.3f} {a.predicted_share:6.3f} {diff:+6.3f}"
        )
    table = confusion(results)
    got_types = [*GOLD_TYPES, UNRESOLVED, UNATTRIBUTED, MISSED]
    short = {
        t: t.replace("anonymous_", "anon_").replace("organization", "org")[:10] for t in got_types
    }
    lines += ["", "types (rows gold, columns predicted)"]
    lines.append(f"{'':16}" + "".join(f"{short[t]:>11}" for t in got_types))
    for gold in GOLD_TYPES:
        row = "".join(f"{table[(gold, t)]:11}" for t in got_types)
        lines.append(f"{gold:16}{row}")
    f = figures
    lines += [
        "",
        f"statements found   {f['found']}/{f['statements']} ({f['found_pct']}%)",
        f"type right         {f['type_right']}/{f['found']} ({f['type_accuracy']}%)",
        f"name right         {f['name_right']}/{f['found']} ({f['name_accuracy']}%)",
        f"anonymous          {f['anonymous_statements']} gold, {f['anonymous_found']} found,"
        f" {f['anonymous_flagged']} flagged anonymous; {f['false_anonymous_max']} identified"
        " statements flagged anonymous",
        f"declined found     {f['declined_found']}; unattributed found {f['unattributed_found']};"
        f" predictions matching no label {f['extra_max']}",
        f"anonymous share    MAE {f['share_mae_max']}, Spearman {f['share_spearman']}"
        f" over {f['articles']} articles (mean gold {f['mean_gold_share']},"
        f" mean predicted {f['mean_predicted_share']})",
    ]
    if verbose:
        lines += ["", "errors"]
        for a in results:
            for r in a.statements:
                if r.type_right and r.name_right:
                    continue
                g = r.gold
                what = "MISSED" if not r.found else "WRONG "
                got = "" if not r.found else f" -> {r.got_type} {list(r.got_names)}"
                lines.append(
                    f"{what} {a.name}: {g.content[:55]!r} gold {g.speaker_type}"
                    f" {g.speaker_name!r}{got}"
                )
            lines += [f"EXTRA  {a.name}: {e}" for e in a.extra]
    return "\n".join(lines)


# ------------------------------------------------------------------ running the engine

Predict = Callable[[Article], dict[str, Analysis]]


def predictor(engines: Sequence[str]) -> Predict:
    """Return article -> {engine: analysis}: each article parsed once, then assembled by
    the rules alone (``rules``) and by the rules with the learned model (``model``)."""
    from attribution.pipeline import Analyzer, assemble

    analyzer = Analyzer(model="model" in engines)
    model = analyzer.model()

    def predict(article: Article) -> dict[str, Analysis]:
        repaired, doc, cuts = analyzer.parse(article.text)
        return {
            e: assemble(repaired, doc, model=model if e == "model" else None, cuts=cuts)
            for e in engines
        }

    return predict


def evaluate(articles: Sequence[Article], predict: Predict) -> dict[str, list[ArticleResult]]:
    """Score every engine ``predict`` returns on every article."""
    out: dict[str, list[ArticleResult]] = {}
    for article in articles:
        for engine, analysis in predict(article).items():
            out.setdefault(engine, []).append(score_article(article, analysis))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.sourcing", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="model")
    parser.add_argument("--verbose", action="store_true", help="list every statement gone wrong")
    args = parser.parse_args(argv)
    engines = ENGINES if args.engine == "both" else (args.engine,)
    articles = load_articles()
    by_engine = evaluate(articles, predictor(engines))
    measured: dict[str, Any] = {}
    for engine in engines:
        measured[engine] = metrics(by_engine[engine])
        title = f"Sourcing benchmark [{engine}]: {len(articles)} articles"
        print(format_report(by_engine[engine], measured[engine], title, args.verbose))
        print()
    print(json.dumps(measured))
    floors = load_floors(FLOORS_NAME)
    return report_floors(measured, FLOORS_NAME, {e: floors[e] for e in engines})


if __name__ == "__main__":
    sys.exit(main())
