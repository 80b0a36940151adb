"""The output contract: attribution.schemas dumps the frozen records."""

from __future__ import annotations

import json

from attribution.records import (
    Analysis,
    AnalysisWarning,
    Attribution,
    Cue,
    Hedge,
    Repair,
    Score,
    ScoreReason,
    Speaker,
    Summary,
    TextSpan,
)
from attribution.schemas import ANALYSIS_SCHEMA, NO_SPEAKER, dump_analysis

TEXT = 'Officials said "we will" go, reportedly.'


def _analysis() -> Analysis:
    quote = TextSpan(16, 23, "we will")
    speaker = Speaker(
        "s1", "Benny Gantz", "named_person", role="defence minister",
        mentions=(TextSpan(0, 9, "Officials"),),
    )  # fmt: skip
    scored = Attribution(
        id="a1",
        kind="direct",
        content=quote,
        quotes=(quote,),
        cue=Cue(TextSpan(10, 14, "said"), "say", "neutral"),
        source=TextSpan(0, 9, "Officials"),
        speaker_id="s1",
        hedges=(Hedge(TextSpan(29, 39, "reportedly"), "reportedly"),),
        score=Score(72, "B", (ScoreReason("named_person", 80.0, "Benny Gantz"),)),
        sieve="quote_cue_subject",
    )
    orphan = Attribution(id="a2", kind="indirect", content=TextSpan(0, 4, "Offi"))
    return Analysis(
        text=TEXT,
        attributions=(scored, orphan),
        speakers=(speaker,),
        summary=Summary(attributions=1, score=72, grade="B"),
        repairs=(Repair("space", 3, 3, "", " "),),
        warnings=(
            AnalysisWarning("unclosed_quote", "unclosed", TextSpan(3, 4, "i")),
            AnalysisWarning("not_english", "not English"),
        ),
    )


def test_dump_matches_the_contract() -> None:
    out = dump_analysis(_analysis())
    assert list(out) == ["attributions", "speakers", "summary", "repairs", "warnings"]
    a1, a2 = out["attributions"]
    assert list(a1) == [
        "id", "kind", "content", "quotes", "cue", "source", "speaker", "co_speakers",
        "hedges", "justification", "score", "sieve", "speaker_inferred", "in_headline",
    ]  # fmt: skip
    assert a1["co_speakers"] == []
    assert a1["content"] == {"text": "we will", "start": 16, "end": 23}
    assert a1["cue"] == {
        "text": "said",
        "start": 10,
        "end": 14,
        "lemma": "say",
        "stance": "neutral",
    }
    assert a1["speaker"] == {
        "id": "s1", "name": "Benny Gantz", "type": "named_person",
        "role": "defence minister", "anonymous": False,
    }  # fmt: skip
    assert a1["hedges"] == [{"text": "reportedly", "start": 29, "end": 39, "kind": "reportedly"}]
    assert a1["score"] == {
        "value": 72, "grade": "B",
        "reasons": [{"rule": "named_person", "points": 80.0, "text": "Benny Gantz"}],
    }  # fmt: skip
    assert a1["justification"] is None
    assert a2["speaker"] == NO_SPEAKER
    assert a2["cue"] is None and a2["source"] is None and a2["score"] is None
    assert out["speakers"][0]["mentions"] == [{"text": "Officials", "start": 0, "end": 9}]
    assert out["repairs"] == [
        {"kind": "space", "start": 3, "end": 3, "original": "", "replacement": " "}
    ]
    assert out["warnings"] == [
        {"code": "unclosed_quote", "message": "unclosed", "start": 3, "end": 4},
        {"code": "not_english", "message": "not English", "start": None, "end": None},
    ]
    assert out["summary"]["score"] == 72 and out["summary"]["grade"] == "B"
    assert out["summary"]["named_source_names"] == []
    assert sorted(out["summary"]) == sorted(Summary.__dataclass_fields__)
    json.dumps(out)  # JSON-ready


def test_dangling_speaker_id_keeps_the_id() -> None:
    att = Attribution(id="a", kind="direct", content=TextSpan(0, 1, "O"), speaker_id="ghost")
    out = ANALYSIS_SCHEMA.dump(Analysis(text="O", attributions=(att,)))
    assert out["attributions"][0]["speaker"]["id"] == "ghost"
    assert out["attributions"][0]["speaker"]["type"] == "unattributed"


def test_empty_analysis() -> None:
    out = dump_analysis(Analysis(text=""))
    assert out["summary"]["attributions"] == 0 and out["summary"]["grade"] is None
    assert {k: v for k, v in out.items() if k != "summary"} == {
        "attributions": [], "speakers": [], "repairs": [], "warnings": [],
    }  # fmt: skip
