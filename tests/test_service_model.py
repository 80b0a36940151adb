"""The real app, real models, on the seed article (``pytest -m model``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from attribution.settings import shared_dir
from service import create_app

pytestmark = [pytest.mark.model, pytest.mark.shared]

_SPEC = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "openapi.yaml").read_text(encoding="utf-8")
)
RESPONSE_SCHEMA = Draft202012Validator(
    {"$ref": "#/components/schemas/AnalysisResponse", "components": _SPEC["components"]}
)


@pytest.fixture(scope="module")
def seed() -> str:
    path = shared_dir() / "examples" / "gantz-morocco.txt"
    if not path.exists():
        pytest.skip(f"needs {path}")
    return path.read_text(encoding="utf-8")


def test_real_app_on_the_seed_article(seed: str) -> None:
    client = create_app({"PRELOAD": False}).test_client()
    response = client.post("/v1/attributions", json={"text": seed, "id": "gantz"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    errors = list(RESPONSE_SCHEMA.iter_errors(body))
    assert not errors, errors[0]
    assert body["id"] == "gantz"
    assert len(body["attributions"]) >= 5
    for att in body["attributions"]:
        span = att["content"]
        assert seed[span["start"] : span["end"]] == span["text"]
        assert att["speaker"]["type"]
    assert {"attribution"} <= set(body["meta"]["versions"])
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["load"] == "lazy"


def test_real_app_on_the_seed_article_as_html(seed: str) -> None:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in seed.splitlines() if line.strip())
    html = f"<html><body><article>{paragraphs}</article></body></html>"
    client = create_app().test_client()
    response = client.post("/v1/attributions", data=html.encode(), content_type="text/html")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["attributions"]
    for att in body["attributions"]:
        span = att["content"]
        assert body["document"]["text"][span["start"] : span["end"]] == span["text"]
        assert span["text"].split()[0] in html[span["html_start"] : span["html_end"]]
