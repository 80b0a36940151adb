"""Evaluation metrics on small synthetic brat data (no ../shared, no model)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from attribution.settings import reset_settings
from evaluation import polnear as pn
from evaluation import seed
from evaluation.common import SHARED_ENV, check_floors, load_floors, shared_dir

TEXT = '"We will win," Smith said. Jones argued that taxes were too high. Noise here.'
#       0123456789012345678901234567890123456789012345678901234567890123456789
ANN = """T1\tContent 0 14\t"We will win,"
T2\tSource 15 20\tSmith
T3\tCue 21 25\tsaid
T4\tAttribution 21 25\tsaid
E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2
T5\tSource 27 32\tJones
T6\tCue 33 39\targued
T7\tContent 40 65\tthat taxes were too high
T8\tAttribution 33 39\targued
E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5
T9\tDiscard 67 72\tNoise
"""


def span(*ranges: tuple[int, int]) -> pn.Span:
    return pn.Span(tuple(ranges))


def test_parse_span_keeps_discontinuous_ranges() -> None:
    assert pn.parse_span("752 760;769 800").ranges == ((752, 760), (769, 800))


def test_parse_ann_ties_roles_and_skips_other_types() -> None:
    rels = pn.parse_ann(ANN)
    assert len(rels) == 2
    first = rels[0]
    assert first.content.ranges == ((0, 14),)
    assert first.source is not None and first.source.ranges == ((15, 20),)
    assert first.cue is not None and first.cue.ranges == ((21, 25),)


def test_attribution_without_source() -> None:
    ann = (
        "T1\tCue 0 10\treportedly\nT2\tContent 11 20;25 30\tx\nT3\tAttribution-no-source 0 10\tr\n"
    )
    ann += "E1\tAttribution-no-source:T3 Cue:T1 Content:T2\n"
    (rel,) = pn.parse_ann(ann)
    assert rel.source is None
    assert rel.content.ranges == ((11, 20), (25, 30))


def test_read_split_takes_first_annotator(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art_one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "art_one_aaaa.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "art_one_bbbb.ann").write_text("", encoding="utf-8")
    (article,) = pn.read_split(tmp_path)
    assert article.name == "art_one"
    assert len(article.relations) == 2


def test_trim_removes_quotes_space_and_edge_punctuation() -> None:
    assert pn.trim(TEXT, span((0, 14))) == ((1, 12),)
    assert pn.exact_match(TEXT, span((0, 14)), span((1, 12)))
    assert pn.exact_match(TEXT, span((40, 65)), span((39, 66)))


def test_punctuation_only_cue_survives_trimming() -> None:
    text = "Trump: no deal"
    assert pn.trim(text, span((5, 7))) == ((5, 6),)
    assert pn.exact_match(text, span((5, 6)), span((5, 7)))


def test_overlap_is_half_of_the_longer_span() -> None:
    gold = span((40, 65))  # "that taxes were too high"
    assert pn.overlap_match(TEXT, gold, span((45, 65)))  # "taxes were too high": 19 of 24
    assert not pn.overlap_match(TEXT, gold, span((56, 65)))  # "too high": 8 of 24
    assert not pn.exact_match(TEXT, gold, span((45, 65)))


def test_align_is_one_to_one() -> None:
    gold = [span((15, 20)), span((15, 20))]
    assert pn.align(TEXT, gold, [span((15, 20))], pn.exact_match) == [0, None]


def test_counts_scores() -> None:
    counts = pn.Counts(tp=1, pred=2, gold=4)
    assert counts.scores() == {"p": 50.0, "r": 25.0, "f1": 33.3}
    assert pn.Counts().scores() == {"p": 0.0, "r": 0.0, "f1": 0.0}


def rel(content: pn.Span, cue: pn.Span | None, source: pn.Span | None, mentions=()) -> pn.Relation:
    return pn.Relation(content, cue, source, tuple(mentions))


def test_score_article_exact_overlap_and_quotes() -> None:
    gold = pn.parse_ann(ANN)
    pred = [
        rel(span((1, 12)), span((21, 25)), span((15, 20))),  # perfect quote
        rel(span((45, 65)), span((33, 39)), span((0, 5))),  # overlap content, wrong source
    ]
    report = pn.Report()
    pn.score_article(report, TEXT, gold, pred)
    m = report.metrics()
    assert m["exact"]["cue"] == {"p": 100.0, "r": 100.0, "f1": 100.0}
    assert m["exact"]["source"]["r"] == 50.0
    assert m["exact"]["content"]["r"] == 50.0
    assert m["overlap"]["content"]["r"] == 100.0
    # The source span is right, but no speaker was resolved: wrong on mentions.
    assert m["quotes"] == {
        "gold": 1,
        "recall": 100.0,
        "speaker_accuracy": 100.0,
        "speaker_mentions": 0.0,
    }


def test_speaker_right_through_resolved_mention() -> None:
    gold = rel(span((0, 14)), span((21, 25)), span((15, 20)))
    by_pronoun = rel(span((1, 12)), None, span((27, 32)), [span((15, 20))])
    wrong = rel(span((1, 12)), None, span((27, 32)), [span((27, 32))])
    assert pn.speaker_correct(TEXT, gold, by_pronoun)
    assert not pn.speaker_correct(TEXT, gold, wrong)


def test_speaker_accuracy_on_mentions() -> None:
    gold = rel(span((0, 14)), span((21, 25)), span((15, 20)))
    by_mention = rel(span((1, 12)), None, span((27, 32)), [span((27, 32)), span((15, 20))])
    span_only = rel(span((1, 12)), None, span((15, 20)))
    touching = rel(span((1, 12)), None, None, [span((19, 26))])
    assert pn.speaker_mention_correct(TEXT, gold, by_mention)
    assert not pn.speaker_mention_correct(TEXT, gold, span_only)
    assert not pn.speaker_mention_correct(TEXT, gold, touching)  # one shared character
    assert pn.speaker_correct(TEXT, gold, touching)
    no_source = rel(span((0, 14)), None, None)
    assert pn.speaker_mention_correct(TEXT, no_source, span_only)
    assert not pn.speaker_mention_correct(TEXT, no_source, by_mention)
    report = pn.Report()
    pn.score_article(report, TEXT, [gold], [by_mention])
    assert report.metrics()["quotes"]["speaker_mentions"] == 100.0
    assert "on the speaker's mentions=100.0" in pn.format_report(report.metrics(), "h")


def test_direct_quote_detection() -> None:
    gold = pn.parse_ann(ANN)
    assert [pn.is_direct_quote(TEXT, r) for r in gold] == [True, False]


def test_predicted_content_excludes_inner_cue_and_source() -> None:
    text = '"Yes," he said, "we will."'
    ts = SimpleNamespace
    att = ts(
        content=ts(start=0, end=26),
        cue=ts(span=ts(start=10, end=14)),
        source=ts(start=7, end=9),
        speaker_id="s1",
        kind="mixed",
        sieve="trigram",
    )
    speaker = ts(id="s1", mentions=(ts(start=7, end=9),))
    (out,) = pn.predicted_relations(ts(attributions=(att,), speakers=(speaker,)))
    assert out.content.ranges == ((0, 7), (9, 10), (14, 26))
    assert pn.trim(text, out.content) == ((1, 4), (17, 24))
    assert out.speaker_mentions == (span((7, 9)),)
    assert out.label == "mixed/trigram"


def test_direct_content_is_its_quoted_pieces() -> None:
    """The cue clause between a direct quotation's pieces is no content, its adjuncts
    included ("she said on Monday"); a partial quotation keeps it, and so does a
    direct one whose cue and source lie elsewhere."""
    text = '"Yes," she said on Monday. "We will."'
    ts = SimpleNamespace
    pieces = (ts(start=0, end=6), ts(start=27, end=37))
    att = ts(
        content=ts(start=0, end=37),
        cue=ts(span=ts(start=11, end=15)),
        source=ts(start=7, end=10),
        quotes=pieces,
        speaker_id=None,
        kind="direct",
        sieve="dependency",
    )
    analysis = ts(text=text, attributions=(att,), speakers=())
    (out,) = pn.predicted_relations(analysis)
    assert pn.trim(text, out.content) == ((1, 4), (28, 35))
    (partial,) = pn.predicted_relations(
        ts(text=text, attributions=(ts(**{**vars(att), "kind": "partial"}),), speakers=())
    )
    assert pn.trim(text, partial.content) == ((1, 4), (16, 35))
    # Two quoted fragments with words of the claim between them, the cue elsewhere.
    fragments = ts(**{**vars(att), "cue": None, "source": None})
    (joined,) = pn.predicted_relations(ts(text=text, attributions=(fragments,), speakers=()))
    assert pn.trim(text, joined.content) == ((1, 35),)


def test_evaluate_and_format() -> None:
    article = pn.Article("a", TEXT, pn.parse_ann(ANN))
    dump: list = []
    report = pn.evaluate([article], lambda text: list(article.relations), dump)
    table = pn.format_report(report.metrics(), "header")
    assert "content" in table and "100.0" in table
    assert dump[0]["article"] == "a"


@pytest.mark.parametrize(
    ("measured", "failures"),
    [
        ({"a": {"f1": 60}, "invented_max": 0, "order": True}, 0),
        ({"a": {"f1": 40}, "invented_max": 0, "order": True}, 1),
        ({"a": {"f1": 60}, "invented_max": 2, "order": False}, 2),
        ({"invented_max": 0, "order": True}, 1),
    ],
)
def test_check_floors(measured: dict, failures: int) -> None:
    floors = {"_comment": "x", "a": {"f1": 50}, "invented_max": 0, "order": True}
    assert len(check_floors(measured, floors)) == failures


def test_main_refuses_test_split() -> None:
    with pytest.raises(SystemExit):
        pn.main(["--split", "test"])


# ---------------------------------------------------------------- seed harness


SEED_TEXT = "Officials say it will “formalise” ties. Rabat allegedly used it. “Not coincidental”"


def _seed_gold() -> dict:
    return {
        "attributions": [
            {
                "content": "formalise",
                "speaker_aliases": ["officials"],
                "speaker_type": "anonymous_group",
                "source_text": "Officials",
                "required": True,
            },
            {
                "content": "ties",
                "speaker_aliases": ["Gantz"],
                "speaker_type": "named_person",
                "source_text": "Gantz",
                "required": True,
            },
        ],
        "hedges": [{"text": "Officials say", "kind": "vague_group"}],
        "unattributed_claims": [{"content": "Rabat allegedly used it", "hedge": "allegedly"}],
        "declined_to_comment": [],
        "not_attributions": [{"text": "Not coincidental", "why": "heading"}],
        "expected_score_order": [["officials", ">", "Gantz"]],
    }


def _seed_analysis(extra_speaker_type: str) -> SimpleNamespace:
    ns = SimpleNamespace

    def tspan(snippet: str) -> SimpleNamespace:
        start = SEED_TEXT.index(snippet)
        return ns(start=start, end=start + len(snippet), text=snippet)

    def att(ident, content, speaker, value, hedges=()):
        return ns(
            id=ident,
            content=tspan(content),
            source=None,
            speaker_id=speaker,
            hedges=tuple(ns(kind=k, span=tspan(t)) for k, t in hedges),
            score=ns(value=value, grade="C"),
            sieve="test",
        )

    return ns(
        attributions=(
            att("a1", "formalise", "s1", 20, (("vague_group", "Officials say"),)),
            att("a2", "Rabat allegedly used it", "u", 10),
            att("a3", "Not coincidental", "s2", 50),
        ),
        speakers=(
            ns(id="s1", name="officials", type="anonymous_group"),
            ns(id="u", name="(unattributed)", type="unattributed"),
            ns(id="s2", name="Brahim Ghali", type=extra_speaker_type),
        ),
    )


def test_seed_evaluate_counts_found_missed_and_violations() -> None:
    metrics, lines = seed.evaluate(_seed_gold(), SEED_TEXT, _seed_analysis("named_person"))
    assert metrics["required"] == 2
    assert metrics["required_found"] == 1
    assert metrics["required_speaker_right"] == 1
    assert metrics["hedges_found"] == 1
    assert metrics["unattributed_found"] == 1
    assert metrics["not_attribution_violations_max"] == 1
    assert metrics["invented_max"] == 0
    assert metrics["score_order"] is False  # "ties" was missed: no score for Gantz
    assert metrics["type_right"] == 1  # officials typed anonymous_group; "ties" missed
    assert metrics["relative_pronoun_speakers_max"] == 0
    assert any(line.startswith("MISSED") for line in lines)


def test_seed_group_speaker_on_not_attribution_is_fine() -> None:
    metrics, _ = seed.evaluate(_seed_gold(), SEED_TEXT, _seed_analysis("anonymous_group"))
    assert metrics["not_attribution_violations_max"] == 0


def test_seed_floors_file_is_well_formed() -> None:
    assert isinstance(load_floors("seed")["metrics"], dict)


def test_polnear_floors_file_has_floors_per_split_and_engine() -> None:
    polnear_floors = load_floors("polnear")
    for split in ("dev", "heldout"):
        assert set(polnear_floors[split]) == set(pn.ENGINES)
        for engine in pn.ENGINES:
            floors = polnear_floors[split][engine]
            assert {"source", "cue", "content"} <= set(floors["exact"])
            assert {"recall", "speaker_accuracy"} <= set(floors["quotes"])


def test_span_text_with_a_newline_does_not_break_the_reader() -> None:
    ann = "T1\tContent 0 20\tfirst line\nsecond line\nT2\tCue 21 25\tsaid\n"
    ann += "E1\tAttribution-no-source:T2 Cue:T2 Content:T1\n"
    (rel,) = pn.parse_ann(ann)
    assert rel.content.ranges == ((0, 20),)


def test_seed_main_has_help() -> None:
    with pytest.raises(SystemExit) as exc:
        seed.main(["--help"])
    assert exc.value.code == 0


# ------------------------------------------------ held-out split, engines, floors

#: Article names shaped like PolNeAR's, more than the held-out sample.
NAMES = [f"{outlet}_{n:03d}" for outlet in ("breitbart", "nyt", "wsj") for n in range(40)]


def test_heldout_names_are_a_fixed_sample_whatever_the_order() -> None:
    held = pn.heldout_names(NAMES)
    assert isinstance(held, frozenset)
    assert len(held) == pn.HELDOUT == 60 and held <= set(NAMES)
    assert pn.heldout_names(NAMES) == held
    assert pn.heldout_names(reversed(NAMES)) == held
    shuffled = list(NAMES)
    random.Random(7).shuffle(shuffled)
    assert pn.heldout_names(iter(shuffled)) == held
    # The names of smallest SHA-256 (fixed across processes, unlike the salted hash()).
    ranked = sorted(NAMES, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    assert held == frozenset(ranked[:60])
    assert pn.heldout_names(["a", "b", "c", "d", "e"], 2) == {"c", "d"}
    # n names, the smaller samples inside the larger; fewer names than n: all of them.
    for n in (0, 1, 5, 59):
        assert len(pn.heldout_names(NAMES, n)) == n
        assert pn.heldout_names(NAMES, n) <= held
    assert pn.heldout_names(NAMES[:10]) == frozenset(NAMES[:10])


def _write_split(root: Path, folder: str, names: list[str]) -> Path:
    split = root / "data" / "polnear" / folder
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    for name in names:
        (split / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8")
        (split / "attributions" / f"{name}_aaaa.ann").write_text(ANN, encoding="utf-8")
    return split


def test_select_heldout_reads_the_held_out_train_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    reset_settings()
    # No data: the folder it looked in, and no articles.
    assert pn.select("heldout", None) == (tmp_path / "data" / "polnear" / "train", [])
    assert pn.main(["--split", "heldout"]) == 2
    train = _write_split(tmp_path, "train", NAMES)
    split_dir, articles = pn.select("heldout", None)
    assert split_dir == train
    names = [a.name for a in articles]
    assert set(names) == pn.heldout_names(NAMES) and names == sorted(names)
    assert articles[0] == pn.Article(names[0], TEXT, pn.parse_ann(ANN))
    assert pn.select("heldout", 3) == (train, articles[:3])
    # The train split itself: every article, in order.
    _, every = pn.select("train", None)
    assert [a.name for a in every] == sorted(NAMES)


def test_main_with_a_missing_parse_cache_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    reset_settings()
    _write_split(tmp_path, "dev", NAMES[:2])
    assert pn.main(["--split", "dev", "--cache", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2 of 2 dev articles have no cached parse" in err
    assert "python -m training attribution parse" in err


@pytest.mark.shared
def test_select_heldout_on_the_shared_train_split() -> None:
    train = shared_dir() / "data" / "polnear" / "train"
    if not train.is_dir():
        pytest.skip(f"needs the PolNeAR train split at {train}")
    names = [n for n, _ in pn.article_files(train)]
    split_dir, articles = pn.select("heldout", None)
    assert split_dir == train
    got = [a.name for a in articles]
    assert len(got) == pn.HELDOUT and set(got) == pn.heldout_names(names)
    for a in articles:
        assert a.text == (train / "text" / f"{a.name}.txt").read_text(encoding="utf-8")
        assert a.relations
    assert pn.select("heldout", 5) == (train, articles[:5])


def _engine_predictions(article: pn.Article) -> dict[str, Sequence[pn.Relation]]:
    """Rules: the first gold attribution of article "a", none of "b"; model: every one."""
    gold = list(article.relations)
    return {"rules": gold[:1] if article.name == "a" else [], "model": gold}


def test_evaluate_engines_keeps_one_report_and_one_dump_per_engine() -> None:
    a = pn.Article("a", TEXT, pn.parse_ann(ANN))
    b = pn.Article("b", TEXT, pn.parse_ann(ANN)[1:])
    seen: list[str] = []

    def predict(article: pn.Article) -> dict[str, Sequence[pn.Relation]]:
        seen.append(article.name)
        return _engine_predictions(article)

    dumps: dict[str, list[dict[str, Any]]] = {}
    reports = pn.evaluate_engines([a, b], predict, dumps)
    assert seen == ["a", "b"]  # one prediction (one parse) an article for every engine
    assert set(reports) == set(dumps) == {"rules", "model"}
    for engine in ("rules", "model"):
        want = pn.Report()
        for article in (a, b):
            pn.score_article(
                want, article.text, article.relations, _engine_predictions(article)[engine]
            )
        assert reports[engine] == want and want.articles == 2
        assert [d["article"] for d in dumps[engine]] == ["a", "b"]
        assert [len(d["predicted"]) for d in dumps[engine]] == [
            len(_engine_predictions(x)[engine]) for x in (a, b)
        ]
    model, rules = reports["model"].metrics(), reports["rules"].metrics()
    assert model["exact"]["content"] == {"p": 100.0, "r": 100.0, "f1": 100.0}
    assert rules["exact"]["content"] == {"p": 100.0, "r": 33.3, "f1": 50.0}
    assert model["quotes"]["recall"] == rules["quotes"]["recall"] == 100.0
    # Without dumps: the same reports.
    assert pn.evaluate_engines([a, b], _engine_predictions, None) == reports


def _per_engine_floors() -> dict[str, Any]:
    engine = {
        "exact": {"source": {"f1": 50}, "cue": {"f1": 50}, "content": {"f1": 40}},
        "quotes": {"recall": 85, "speaker_accuracy": 80},
    }
    return {"_comment": "x", "dev": {"rules": engine, "model": engine}}


def test_check_floors_names_each_missed_floor_by_engine() -> None:
    floors = _per_engine_floors()["dev"]
    measured = {engine: pn.Report().metrics() for engine in pn.ENGINES}
    failures = check_floors(measured, floors)
    keys = {line.split(":")[0] for line in failures}
    assert "model.exact.content.f1" in keys and "rules.quotes.speaker_accuracy" in keys
    assert len(failures) == 2 * 5
    assert "model.exact.content.f1: 0.0 below floor 40" in failures
    # A perfect model misses only the rules' floors; an engine not measured misses them all.
    a = pn.Article("a", TEXT, pn.parse_ann(ANN))
    reports = pn.evaluate_engines([a], lambda art: {"model": list(art.relations)}, None)
    failures = check_floors({"model": reports["model"].metrics()}, floors)
    assert len(failures) == 5 and all(f.startswith("rules.") for f in failures)
    assert all("not measured" in f for f in failures)


def test_the_polnear_floors_are_checked_per_split_and_engine() -> None:
    measured = {engine: pn.Report().metrics() for engine in pn.ENGINES}
    floors = load_floors("polnear")
    for split in ("dev", "heldout"):
        failures = check_floors(measured, floors[split])
        keys = {line.split(":")[0] for line in failures}
        assert {f"{e}.exact.{r}.f1" for e in pn.ENGINES for r in pn.ROLES} <= keys


class _Stubs:
    """Stand-ins for :func:`polnear.select` and :func:`polnear.predictor` (no parser)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        self.engines: list[tuple[str, ...]] = []
        articles = [pn.Article("a", TEXT, pn.parse_ann(ANN))]
        monkeypatch.setattr(pn, "select", lambda split, limit: (tmp_path, articles[:limit]))
        monkeypatch.setattr(pn, "predictor", self.predictor)

    def predictor(self, engines: tuple[str, ...], split: str, cache: Path | None) -> pn.Predict:
        self.engines.append(tuple(engines))

        def predict(article: pn.Article) -> dict[str, Sequence[pn.Relation]]:
            # The rules find everything, the model nothing.
            return {e: list(article.relations) if e == "rules" else [] for e in engines}

        return predict


def test_main_checks_the_floors_of_the_engines_it_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stubs = _Stubs(monkeypatch, tmp_path)
    monkeypatch.setattr(pn, "load_floors", lambda name: _per_engine_floors())
    assert pn.main(["--split", "dev"]) == 1
    out = capsys.readouterr().out
    assert stubs.engines == [pn.ENGINES]
    assert "UNDER FLOOR model.exact.content.f1: 0.0 below floor 40" in out
    assert "UNDER FLOOR rules." not in out and "floors: FAILED" in out
    # The rules alone meet their floors; floors of a split without any are not checked.
    assert pn.main(["--split", "dev", "--engine", "rules"]) == 0
    assert "floors: ok" in capsys.readouterr().out
    assert pn.main(["--split", "train"]) == 0
    assert "no floors for split train" in capsys.readouterr().out
    # --limit: not checked.
    assert pn.main(["--split", "dev", "--limit", "1"]) == 0
    assert "floors not checked" in capsys.readouterr().out


def test_main_dumps_each_engine_to_its_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _Stubs(monkeypatch, tmp_path)
    dump = tmp_path / "pred.json"
    assert pn.main(["--split", "dev", "--limit", "1", "--dump", str(dump)]) == 0
    rules = json.loads(dump.with_suffix(".rules.json").read_text(encoding="utf-8"))
    model = json.loads(dump.with_suffix(".model.json").read_text(encoding="utf-8"))
    assert [len(r["predicted"]) for r in rules] == [2] and model[0]["predicted"] == []
    assert not dump.exists()
    # One engine: the path itself.
    argv = ["--split", "dev", "--limit", "1", "--engine", "model", "--dump", str(dump)]
    assert pn.main(argv) == 0
    assert json.loads(dump.read_text(encoding="utf-8"))[0]["article"] == "a"


def test_main_fails_a_dev_run_under_the_shipped_floors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _Stubs(monkeypatch, tmp_path)  # the model finds nothing
    assert pn.main(["--split", "dev"]) == 1
    assert "UNDER FLOOR model.exact.content.f1" in capsys.readouterr().out
