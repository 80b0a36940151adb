"""The learned coreference ranker: features, scoring, loading and its NumPy trainer
(a hand-made GUM document; no shared data)."""

from __future__ import annotations

import json
from pathlib import Path

from test_coref_metrics import GUM_DOC

from attribution import coref
from attribution.nlp.conllu import parse_conllu
from evaluation.gum import GumDocument, mentions_of
from evaluation.gum_coref import Report, evaluate_document, gum_mention
from training import coref_ranker


def gum_doc() -> GumDocument:
    return GumDocument("GUM_news_x", parse_conllu(GUM_DOC), tuple(mentions_of(GUM_DOC)))


def test_pair_features_are_conjoined_with_the_mention_kind() -> None:
    doc = gum_doc()
    mentions = [gum_mention(doc, m) for m in doc.mentions]
    table = coref.EntityTable(doc.doc)
    coref.resolve_mention(table, coref.mention_context(doc.doc, mentions[0], source=False))
    it = coref.mention_context(doc.doc, mentions[1], source=False)
    assert coref.mention_kind(it) == "pron_3"
    cands = coref.candidates(table, it)
    assert [c.pass_name for c in cands] == ["pronoun", "new"]
    feats = coref.pair_features(table, it, cands[0])
    assert feats["pass=pronoun"] == feats["pron_3|pass=pronoun"] == 1.0
    assert feats["dist=0"] == 1.0 and feats["subject"] == 1.0 and feats["has_name"] == 1.0
    assert "dist=0" not in coref.pair_features(table, it, cands[1])


def test_learned_ranker_takes_the_best_scoring_candidate(tmp_path: Path) -> None:
    doc = gum_doc()
    mentions = [gum_mention(doc, m) for m in doc.mentions]
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps({"weights": {"pass=new": 5.0}}), encoding="utf-8")
    loners = coref.resolve_all(doc.doc, mentions, coref.LearnedRanker.load(path))
    assert {r.pass_name for r in loners.resolutions} == {"new"}
    linker = coref.LearnedRanker({"pass=new": -5.0})
    linked = coref.resolve_all(doc.doc, mentions, linker)
    assert [r.pass_name for r in linked.resolutions][:2] == ["new", "pronoun"]


def test_trainer_learns_to_prefer_the_right_candidates() -> None:
    doc = gum_doc()
    index: dict[str, int] = {}
    ex = coref_ranker.collect([doc], index, grow=True)
    groups = set(ex.group)
    assert len(groups) == len(doc.mentions)
    assert all(any(r for g, r in zip(ex.group, ex.right, strict=True) if g == k) for k in groups)
    w = coref_ranker.fit(ex, len(index), penalty=1e-3, steps=100)
    ranker = coref.LearnedRanker(coref_ranker.weights_of(w, index))
    assert ranker.weights["pass=pronoun"] > ranker.weights.get("pron_3|pass=new", 0.0)
    report = Report()
    evaluate_document(doc, report, ranker)
    assert report.metrics()["conll_f1"] == 100.0


def test_shipped_weights_load_and_match_the_manifest() -> None:
    import hashlib

    manifest = json.loads((coref.RANKER_FILE.parent / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest[coref_ranker.MANIFEST_KEY]
    data = coref.RANKER_FILE.read_bytes()
    assert entry["file"] == coref.RANKER_FILE.name
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["bytes"] == len(data)
    ranker = coref.LearnedRanker.load()
    assert ranker.weights and all(isinstance(v, float) for v in ranker.weights.values())
