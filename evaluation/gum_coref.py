"""Evaluate the coreference passes on GUM's chains (Zeldes 2017).

``python -m evaluation.gum_coref [--split dev|test] [--no-floors]`` runs
:func:`attribution.coref.resolve_all` over the gold mentions of every GUM
document of the split (licence-filtered, :func:`evaluation.gum.read_gum`), on
GUM's gold parses, in text order (an enclosing mention before the ones it
contains), and prints:

- **antecedent accuracy** per anaphor class. An anaphor is a gold mention
  that is not the first of its gold chain; its predicted antecedent is the
  latest earlier mention of the entity the passes put it in, right when that
  mention is in the anaphor's gold chain; an anaphor left as a new entity is
  wrong. Classes, by the head word: ``personal`` (he, it, them, themselves),
  ``possessive`` pronouns (his, its, their), ``definite`` descriptions (the
  or a demonstrative on a noun), ``possessive_np`` ("his office", "the
  company's plan"), ``name`` (a proper-name head: repeated names, surnames,
  partial names), and ``other`` (indefinites, demonstrative pronouns, bare
  nouns); each line also gives how many anaphors were linked at all.
- **relative** pronouns: GUM does not mark them as mentions, so each relative
  pronoun (``PronType=Rel``) whose clause (``acl:relcl``) sits inside a gold
  mention is scored on its own: right when the word
  :func:`attribution.coref.relative_antecedent` picks is a head of the
  smallest gold mention around the pronoun.
- **MUC** (Vilain et al. 1995), **B3** (Bagga and Baldwin 1998) and
  **CEAF-e** (Luo 2005) recall, precision and F1, and their mean F1, the
  **CoNLL** score (Pradhan et al. 2012, 2014), summed over documents as the
  reference scorer does. Singleton entities are removed from key and
  response before scoring (as in the CoNLL-2012 and CorefUD evaluations); the
  mentions are the gold ones, so the scores measure linking alone.

Floors live in ``evaluation/floors/gum_coref.json`` per split; the command
exits 1 under a floor (``--limit`` skips the check). ``--ranker learned`` ranks
the passes' candidates with :class:`attribution.coref.LearnedRanker` (trained
by ``python -m training.coref_ranker``) instead of the ordered sieve; it is
reported, not gated.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from attribution.coref import (
    PRONOUN_LEMMAS,
    LearnedRanker,
    Ranker,
    relative_antecedent,
    resolve_all,
)
from attribution.cues import RELATIVE_PRONOUNS
from attribution.extract.common import Mention
from attribution.records import TextSpan
from attribution.types import Sentence
from evaluation.common import load_floors, report_floors, shared_dir
from evaluation.gum import GumDocument, GumMention, read_gum

FLOORS_NAME = "gum_coref"
SPLITS = ("dev", "test")
CLASSES = ("personal", "possessive", "relative", "definite", "possessive_np", "name", "other")
PERCENT = 100.0

Cluster = frozenset[int]


# Metrics (Pradhan et al. 2014, "Scoring coreference partitions of predicted mentions") --


@dataclass(slots=True)
class Score:
    """Recall and precision as summed numerators and denominators."""

    r_num: float = 0.0
    r_den: float = 0.0
    p_num: float = 0.0
    p_den: float = 0.0

    def add(self, other: Score) -> None:
        self.r_num += other.r_num
        self.r_den += other.r_den
        self.p_num += other.p_num
        self.p_den += other.p_den

    @property
    def recall(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def precision(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 2 * r * p / (r + p) if r + p else 0.0


def _muc_side(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float]:
    """MUC recall of ``response`` against ``key``: sum of |K| - |p(K)| over sum of |K| - 1,
    where p(K) partitions K by the response (mentions in no response entity alone)."""
    where = {m: n for n, r in enumerate(response) for m in r}
    num = den = 0.0
    for k in key:
        parts = {where.get(m, -1 - m) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num, den


def muc(key: Sequence[Cluster], response: Sequence[Cluster]) -> Score:
    """MUC (Vilain et al. 1995): links kept, recall over the key, precision over the response."""
    r = _muc_side(key, response)
    p = _muc_side(response, key)
    return Score(r[0], r[1], p[0], p[1])


def _b3_side(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float]:
    where = {m: r for r in response for m in r}
    num = 0.0
    for k in key:
        for m in k:
            r = where.get(m)
            if r is not None:
                num += len(k & r) / len(k)
    return num, float(sum(len(k) for k in key))


def b_cubed(key: Sequence[Cluster], response: Sequence[Cluster]) -> Score:
    """B3 (Bagga and Baldwin 1998): per-mention overlap of its key and response entities."""
    r = _b3_side(key, response)
    p = _b3_side(response, key)
    return Score(r[0], r[1], p[0], p[1])


def assignment(weights: np.ndarray) -> float:
    """Return the largest total weight of a one-to-one matching of rows to columns.

    The Hungarian method (Kuhn 1955, Munkres 1957) on the cost ``-weights``,
    in its O(n^3) shortest-augmenting-path form.
    """
    rows, cols = weights.shape
    if rows == 0 or cols == 0:
        return 0.0
    transpose = rows > cols
    w = weights.T if transpose else weights
    n, m = w.shape
    cost = -w
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    match = np.zeros(m + 1, dtype=int)  # match[j]: the row (1-based) on column j
    way = np.zeros(m + 1, dtype=int)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = match[j0]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[match[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    total = 0.0
    for j in range(1, m + 1):
        if match[j]:
            total += float(w[match[j] - 1, j - 1])
    return total


def ceaf_e(key: Sequence[Cluster], response: Sequence[Cluster]) -> Score:
    """Entity-based CEAF (Luo 2005): the best one-to-one entity alignment under
    phi4(K, R) = 2|K & R| / (|K| + |R|); recall over key entities, precision over
    response entities. Entities that share no mention are aligned separately."""
    phi = 0.0
    # Connected components of the overlap graph keep the assignment problems small.
    where = {m: n for n, r in enumerate(response) for m in r}
    seen_k: set[int] = set()
    for start in range(len(key)):
        if start in seen_k:
            continue
        comp_k, comp_r = {start}, set()
        todo = [start]
        while todo:
            k = todo.pop()
            for m in key[k]:
                r = where.get(m)
                if r is not None and r not in comp_r:
                    comp_r.add(r)
                    for m2 in response[r]:
                        for k2, kk in enumerate(key):
                            if m2 in kk and k2 not in comp_k:
                                comp_k.add(k2)
                                todo.append(k2)
        seen_k |= comp_k
        ks, rs = sorted(comp_k), sorted(comp_r)
        w = np.array(
            [
                [2 * len(key[k] & response[r]) / (len(key[k]) + len(response[r])) for r in rs]
                for k in ks
            ]
        ).reshape(len(ks), len(rs))
        phi += assignment(w)
    return Score(phi, float(len(key)), phi, float(len(response)))


@dataclass(slots=True)
class Scores:
    """MUC, B3 and CEAF-e summed over documents."""

    muc: Score = field(default_factory=Score)
    b3: Score = field(default_factory=Score)
    ceafe: Score = field(default_factory=Score)

    def add(self, key: Sequence[Cluster], response: Sequence[Cluster]) -> None:
        """Score one document (singletons dropped from both sides)."""
        key = [k for k in key if len(k) > 1]
        response = [r for r in response if len(r) > 1]
        self.muc.add(muc(key, response))
        self.b3.add(b_cubed(key, response))
        self.ceafe.add(ceaf_e(key, response))

    @property
    def conll(self) -> float:
        return (self.muc.f1 + self.b3.f1 + self.ceafe.f1) / 3


# Anaphor classes and the run -------------------------------------------------------


def anaphor_class(sent: Sentence, m: GumMention) -> str:
    """Class a mention by its head word (see the module docstring)."""
    tok = sent.tokens[syntactic_head(sent, m)]
    low = tok.text.lower()
    if tok.upos == "PRON" and low in PRONOUN_LEMMAS:
        return "possessive" if "Poss=Yes" in tok.feats else "personal"
    if tok.upos == "PROPN":
        return "name"
    if tok.upos == "NOUN":
        kids = [c for c in sent.children(tok.index) if m.start <= c.index <= m.end]
        if any(c.deprel == "nmod:poss" for c in kids):
            return "possessive_np"
        if any(
            c.deprel == "det" and c.text.lower() in ("the", "this", "that", "these", "those")
            for c in kids
        ):
            return "definite"
    return "other"


@dataclass(slots=True)
class Accuracy:
    """Antecedent accuracy of one anaphor class."""

    right: int = 0
    linked: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return PERCENT * self.right / self.total if self.total else 0.0


@dataclass(slots=True)
class Report:
    """What one split measures."""

    documents: int = 0
    mentions: int = 0
    classes: dict[str, Accuracy] = field(default_factory=lambda: {c: Accuracy() for c in CLASSES})
    scores: Scores = field(default_factory=Scores)
    passes: dict[str, list[int]] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        acc = {c: round(a.value, 1) for c, a in self.classes.items() if a.total}
        pronouns = [self.classes[c] for c in ("personal", "possessive")]
        right, total = sum(a.right for a in pronouns), sum(a.total for a in pronouns)
        acc["pronoun"] = round(PERCENT * right / total, 1) if total else 0.0
        s = self.scores
        return {
            "antecedent_accuracy": acc,
            "muc_f1": round(PERCENT * s.muc.f1, 1),
            "b3_f1": round(PERCENT * s.b3.f1, 1),
            "ceafe_f1": round(PERCENT * s.ceafe.f1, 1),
            "conll_f1": round(PERCENT * s.conll, 1),
        }


def syntactic_head(sent: Sentence, m: GumMention) -> int:
    """The mention's head word: of GUM's head words (all the words of a name,
    "Durham University"), the one governed from outside the mention."""
    outside = [h for h in m.heads if not m.start <= sent.tokens[h].head <= m.end]
    return outside[0] if outside else m.heads[0]


def gum_mention(doc: GumDocument, m: GumMention) -> Mention:
    """Turn a gold mention into the resolver's :class:`Mention`."""
    sent = doc.doc.sentences[m.sentence]
    a, b = sent.tokens[m.start], sent.tokens[m.end]
    span = TextSpan(a.start, b.end, doc.doc.text[a.start : b.end])
    return Mention(span, m.sentence, syntactic_head(sent, m))


def relative_pronouns(doc: GumDocument) -> Iterable[tuple[bool, bool]]:
    """Yield (evaluable, right) for every relative pronoun heading a relative clause."""
    for sent in doc.doc.sentences:
        around = [m for m in doc.mentions if m.sentence == sent.index]
        for tok in sent.tokens:
            if tok.upos != "PRON" or tok.text.lower() not in RELATIVE_PRONOUNS:
                continue
            clause = sent.tokens[tok.head] if tok.head >= 0 else None
            if clause is None or not clause.deprel.startswith("acl"):
                continue
            inside = [m for m in around if m.start <= tok.index <= m.end and m.heads[0] < tok.index]
            if not inside:
                continue
            smallest = min(inside, key=lambda m: m.end - m.start)
            head, _ = relative_antecedent(sent, tok.index, (tok.start, tok.end), source=False)
            yield True, head in smallest.heads


def evaluate_document(doc: GumDocument, report: Report, ranker: Ranker | None = None) -> None:
    """Resolve one document's gold mentions and add what it scores to ``report``."""
    table = resolve_all(doc.doc, (gum_mention(doc, m) for m in doc.mentions), ranker)
    assert len(table.resolutions) == len(doc.mentions)
    entity_of = [r.entity for r in table.resolutions]
    report.documents += 1
    report.mentions += len(doc.mentions)
    last_of: dict[int, int] = {}
    first_of_chain: set[str] = set()
    for i, (m, res) in enumerate(zip(doc.mentions, table.resolutions, strict=True)):
        counts = report.passes.setdefault(res.pass_name, [0, 0])
        ante = last_of.get(entity_of[i])
        last_of[entity_of[i]] = i
        anaphor = m.entity in first_of_chain
        first_of_chain.add(m.entity)
        counts[0] += 1
        if ante is not None and doc.mentions[ante].entity == m.entity:
            counts[1] += 1
        if not anaphor:
            continue
        acc = report.classes[anaphor_class(doc.doc.sentences[m.sentence], m)]
        acc.total += 1
        if ante is not None:
            acc.linked += 1
            acc.right += doc.mentions[ante].entity == m.entity
    for _, right in relative_pronouns(doc):
        rel = report.classes["relative"]
        rel.total += 1
        rel.linked += 1
        rel.right += right
    key: dict[str, set[int]] = {}
    response: dict[int, set[int]] = {}
    for i, m in enumerate(doc.mentions):
        key.setdefault(m.entity, set()).add(i)
        response.setdefault(entity_of[i], set()).add(i)
    report.scores.add(
        [frozenset(k) for k in key.values()], [frozenset(r) for r in response.values()]
    )


def evaluate(docs: Iterable[GumDocument], ranker: Ranker | None = None) -> Report:
    """Score the passes (ranked by ``ranker``, default the ordered sieve) on ``docs``."""
    report = Report()
    for doc in docs:
        evaluate_document(doc, report, ranker)
    return report


def format_report(report: Report, title: str) -> str:
    lines = [f"{title}: {report.documents} documents, {report.mentions} gold mentions"]
    lines.append("antecedent accuracy   anaphors  linked   right  accuracy")
    for name, a in report.classes.items():
        lines.append(f"  {name:<18} {a.total:>9} {a.linked:>7} {a.right:>7} {a.value:>8.1f}")
    lines.append("              recall  precision     F1")
    s = report.scores
    for name, sc in (("MUC", s.muc), ("B3", s.b3), ("CEAF-e", s.ceafe)):
        lines.append(
            f"  {name:<10} {PERCENT * sc.recall:>7.1f} {PERCENT * sc.precision:>10.1f}"
            f" {PERCENT * sc.f1:>6.1f}"
        )
    lines.append(f"  CoNLL F1 {PERCENT * s.conll:.1f}")
    lines.append(
        "passes (mentions resolved; of those, joined to a mention of the same gold entity): "
        + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in report.passes.items())
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.gum_coref", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument(
        "--ranker",
        choices=("sieve", "learned"),
        default="sieve",
        help="the ordered sieve (the engine's) or the learned ranker (floors: sieve only)",
    )
    args = parser.parse_args(argv)
    docs = list(read_gum(shared_dir(), args.split)) if shared_dir().is_dir() else []
    if not docs:
        print(f"GUM {args.split} not found under {shared_dir()}", file=sys.stderr)
        return 2
    ranker = LearnedRanker.load() if args.ranker == "learned" else None
    report = evaluate(docs[: args.limit] if args.limit else docs, ranker)
    print(format_report(report, f"GUM {args.split} [{args.ranker}]"))
    metrics = report.metrics()
    print(json.dumps(metrics))
    if args.limit or ranker is not None:
        return 0
    return report_floors(metrics, FLOORS_NAME, load_floors(FLOORS_NAME)[args.split])


if __name__ == "__main__":
    sys.exit(main())
