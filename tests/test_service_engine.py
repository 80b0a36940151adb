"""The service over the real engine (a hand-written parse stands in for Stanza).

Checks that what the real ``attribution.pipeline.Analyzer`` returns dumps into
JSON that matches openapi.yaml's AnalysisResponse, for text and HTML input, and
that ``options.model`` switches the learned producer on and off end to end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from attribution import pipeline
from attribution.extract import Context, Draft
from attribution.nlp.conllu import parse_conllu
from attribution.types import ParsedDocument
from service import create_app

SPEC = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "openapi.yaml").read_text(encoding="utf-8")
)
TEXT = 'Gantz said "we will cooperate."'
ROWS = [
    ("Gantz", "Gantz", "PROPN", 2, "nsubj", ""),
    ("said", "say", "VERB", 0, "root", ""),
    ('"', '"', "PUNCT", 6, "punct", "SpaceAfter=No"),
    ("we", "we", "PRON", 6, "nsubj", ""),
    ("will", "will", "AUX", 6, "aux", ""),
    ("cooperate", "cooperate", "VERB", 2, "ccomp", "SpaceAfter=No"),
    (".", ".", "PUNCT", 6, "punct", "SpaceAfter=No"),
    ('"', '"', "PUNCT", 6, "punct", ""),
]
CONLLU = (
    "\n".join(
        "\t".join([str(i + 1), form, lemma, upos, "_", "_", str(head), rel, "_", misc or "_"])
        for i, (form, lemma, upos, head, rel, misc) in enumerate(ROWS)
    )
    + "\n"
)


class OneSentenceParser:
    """Parse any text that contains TEXT as the hand-written sentence."""

    def __call__(self, text: str) -> ParsedDocument:
        if TEXT not in text:  # the service's warm-up sentence: no parse
            return ParsedDocument(text, ())
        return parse_conllu(CONLLU, text=text)


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    )


@pytest.fixture
def client() -> Any:
    analyzer = pipeline.Analyzer(parser=OneSentenceParser())
    return create_app(analyzer=analyzer).test_client()


def test_real_engine_result_matches_the_spec(client: Any) -> None:
    response = client.post("/v1/attributions", json={"text": TEXT, "options": {"repair": False}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    errors = sorted(_validator("AnalysisResponse").iter_errors(body), key=str)
    assert not errors, errors[0]
    for att in body["attributions"]:
        span = att["content"]
        assert TEXT[span["start"] : span["end"]] == span["text"]


class RedrawingModel:
    """A learned producer that claims every rule draft it is handed (``sieve: "model"``)."""

    version = "test-learned"

    def __init__(self) -> None:
        self.calls = 0

    def drafts(self, ctx: Context, rules: Sequence[Draft]) -> tuple[Draft, ...]:
        self.calls += 1
        return tuple(replace(d, attribution=replace(d.attribution, sieve="model")) for d in rules)


def test_model_option_switches_the_learned_producer_end_to_end() -> None:
    model = RedrawingModel()
    analyzer = pipeline.Analyzer(parser=OneSentenceParser(), model=model)
    client = create_app(analyzer=analyzer).test_client()
    on = client.post("/v1/attributions", json={"text": TEXT, "options": {"repair": False}})
    assert on.status_code == 200, on.get_data(as_text=True)
    body = on.get_json()
    assert body["attributions"] and {a["sieve"] for a in body["attributions"]} == {"model"}
    assert not list(_validator("AnalysisResponse").iter_errors(body))  # "model" is in the spec
    assert body["meta"]["versions"]["learned_model"] == "test-learned"
    calls = model.calls
    off = client.post("/v1/attributions", json={"text": TEXT, "options": {"model": False}})
    body = off.get_json()
    assert off.status_code == 200 and model.calls == calls  # the producer did not run
    assert body["attributions"] and "model" not in {a["sieve"] for a in body["attributions"]}
    assert body["meta"]["versions"]["learned_model"] == "off"
    ready = client.get("/readyz").get_json()
    assert ready["model"] is True and ready["versions"]["learned_model"] == "test-learned"
    assert not list(_validator_of(SPEC["paths"]["/readyz"]["get"], "200").iter_errors(ready))


def test_rules_alone_when_the_analyzer_has_no_model() -> None:
    analyzer = pipeline.Analyzer(parser=OneSentenceParser(), model=False)
    client = create_app(analyzer=analyzer).test_client()
    body = client.post("/v1/attributions", json={"text": TEXT, "options": {"model": True}})
    assert "model" not in {a["sieve"] for a in body.get_json()["attributions"]}
    assert body.get_json()["meta"]["versions"]["learned_model"] == "off"
    ready = client.get("/readyz").get_json()
    assert ready["model"] is False and ready["versions"]["learned_model"] == "off"


def _validator_of(operation: dict[str, Any], status: str) -> Draft202012Validator:
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": SPEC["components"]})


def test_real_engine_html_offsets(client: Any) -> None:
    html = "<p>" + TEXT.replace('"', "&quot;") + "</p>"
    response = client.post(
        "/v1/attributions", json={"text": html, "format": "html", "options": {"repair": False}}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["document"]["text"] == TEXT
    assert not list(_validator("AnalysisResponse").iter_errors(body))
    for att in body["attributions"]:
        span = att["content"]
        raw = html[span["html_start"] : span["html_end"]]
        assert raw.replace("&quot;", '"') == span["text"]
