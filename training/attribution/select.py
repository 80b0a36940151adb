"""Choose how rules and model combine: score each :class:`Policy` on PolNeAR dev (cached parses).

``python -m training.attribution.select [--split dev|heldout]`` runs the rules
and the model once per article, then every policy below through the later
stages, and prints exact F1 per role, quote recall and speaker accuracy. The
policy is chosen on dev; ``--split heldout`` confirms it on the 60 train
articles the model never saw.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from attribution.extract.learned import TRUSTED_SIEVES, Policy, combine, to_draft
from attribution.learned.model import LearnedAttribution
from attribution.pipeline import RULES, STAGES, run_stages, to_analysis
from evaluation.polnear import Report, predicted_relations, score_article, select, split_folder
from training.attribution.parse import load_cached

POLICIES: dict[str, Policy | None] = {
    "rules only": None,
    "shipped (Policy())": Policy(),
    "keep every rule draft": Policy(keep_unmatched=None),
    "keep every rule draft, dedupe 0.5": Policy(keep_unmatched=None, overlap=0.5),
    "drop every unmatched rule cue": Policy(keep_unmatched=frozenset()),
    "trust no sieve": Policy(trusted=frozenset()),
    "trust all but dependency": Policy(trusted=TRUSTED_SIEVES - {"dependency"}),
    "trusted keep their sources": Policy(model_sources=False),
    "trust every kind": Policy(trusted_kinds=None),
    "trust trigram too": Policy(trusted=TRUSTED_SIEVES | {"trigram"}),
    "keep nested quotations": Policy(nested=frozenset()),
    "previous default": Policy(
        trusted=TRUSTED_SIEVES | {"trigram"}, trusted_kinds=None, nested=frozenset()
    ),
    "drop unresolved": Policy(drop=frozenset({"unresolved"})),
    "drop distant sieves": Policy(
        drop=frozenset({"unresolved", "previous_speaker", "previous_sentence", "same_paragraph"})
    ),
    "trust speaker labels only": Policy(trusted=frozenset({"speaker_label"})),
    "trust more sieves": Policy(trusted=TRUSTED_SIEVES | {"colon", "dash", "adjacent_sentence"}),
    "dedupe 0.8": Policy(overlap=0.8),
    "dedupe 0.5": Policy(overlap=0.5),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.attribution.select")
    p.add_argument("--split", default="dev", choices=("dev", "heldout"))
    p.add_argument("--out", type=Path, default=Path("work/attribution"))
    p.add_argument("--models", type=Path, default=None)
    p.add_argument(
        "--window", default=None, help="sentences,words either side of a cue (default: run window)"
    )
    a = p.parse_args(argv)
    model = LearnedAttribution.load(a.models) if a.models else LearnedAttribution.load()
    if a.window:
        sentences, words = (int(x) for x in a.window.split(","))
        model.window = (sentences, words)
    _, articles = select(a.split, None)
    folder = split_folder(a.split)
    reports = {name: Report() for name in POLICIES}
    later = STAGES[len(RULES) + 1 :]
    for article in articles:
        record = load_cached(a.out, folder, article.name)
        work = run_stages(record["doc"], RULES)
        model.policy = Policy(trusted=frozenset())  # find every cue's arguments
        found = model.find(work.ctx, work.drafts)
        drafts = [to_draft(work.ctx, f, n + 1, model.stances) for n, f in enumerate(found)]
        for name, policy in POLICIES.items():
            merged = work.drafts if policy is None else combine(work.drafts, drafts, policy)
            w = replace(work, drafts=tuple(merged))
            for stage in later:
                w = stage.run(w)
            rels = predicted_relations(to_analysis(record["repaired"], w))
            score_article(reports[name], article.text, article.relations, rels)
    print(
        f"{'policy':26}{'source':>8}{'cue':>8}{'content':>8}{'q.rec':>8}{'spk':>8}"
        f"   (exact F1; {a.split})"
    )
    for name, rep in reports.items():
        m = rep.metrics()
        e = m["exact"]
        print(
            f"{name:26}{e['source']['f1']:8.1f}{e['cue']['f1']:8.1f}{e['content']['f1']:8.1f}"
            f"{m['quotes']['recall']:8.1f}{m['quotes']['speaker_accuracy']:8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
