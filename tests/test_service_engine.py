"""The service over the real engine (a hand-written parse stands in for Stanza).

Checks that what the real ``attribution.pipeline.Analyzer`` returns dumps into
JSON that matches openapi.yaml's AnalysisResponse, for text and HTML input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from attribution import pipeline
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
