"""Evaluation metrics on small synthetic brat data (no ../shared, no model)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from evaluation import polnear as pn
from evaluation import seed
from evaluation.common import check_floors, load_floors

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
    assert m["quotes"] == {"gold": 1, "recall": 100.0, "speaker_accuracy": 100.0}


def test_speaker_right_through_resolved_mention() -> None:
    gold = rel(span((0, 14)), span((21, 25)), span((15, 20)))
    by_pronoun = rel(span((1, 12)), None, span((27, 32)), [span((15, 20))])
    wrong = rel(span((1, 12)), None, span((27, 32)), [span((27, 32))])
    assert pn.speaker_correct(TEXT, gold, by_pronoun)
    assert not pn.speaker_correct(TEXT, gold, wrong)


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
            {"content": "formalise", "speaker_aliases": ["officials"], "required": True},
            {"content": "ties", "speaker_aliases": ["Gantz"], "required": True},
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
    assert any(line.startswith("MISSED") for line in lines)


def test_seed_group_speaker_on_not_attribution_is_fine() -> None:
    metrics, _ = seed.evaluate(_seed_gold(), SEED_TEXT, _seed_analysis("anonymous_group"))
    assert metrics["not_attribution_violations_max"] == 0


def test_seed_floors_file_is_well_formed() -> None:
    assert isinstance(load_floors("seed")["metrics"], dict)
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
