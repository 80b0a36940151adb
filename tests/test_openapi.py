"""The running app and openapi.yaml agree: the spec validates and schemathesis finds nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
import schemathesis
import yaml
from fakes import FakeAnalyzer, fake_rubric
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from attribution.records import SieveName
from service import create_app
from service.schemas import OptionsSchema

RAW_MEDIA_TYPES = {"text/plain", "text/html"}
CMS_FORMATS = {"ans", "wordpress"}
SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"

# With its stand-in learned model: answers carry sieve "model" and versions.learned_model.
app = create_app({"RUBRIC_PROVIDER": fake_rubric}, analyzer=FakeAnalyzer(model=True))
schema = schemathesis.openapi.from_wsgi("/openapi.yaml", app)


def test_spec_is_valid_openapi_3_1() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_spec_lists_every_sieve_and_option() -> None:
    schemas = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    sieve = schemas["Attribution"]["properties"]["sieve"]
    assert sieve["enum"] == list(get_args(SieveName))
    assert "`model`" in sieve["description"]
    options = schemas["ArticleRequest"]["properties"]["options"]["properties"]
    assert set(options) == set(OptionsSchema().fields) == {"repair", "model"}
    assert options["model"] == {**options["model"], "type": "boolean", "default": True}


def test_served_spec_is_the_file() -> None:
    response = app.test_client().get("/openapi.yaml")
    assert response.status_code == 200
    assert response.data == SPEC.read_bytes()


def test_every_route_is_documented() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert routes == documented


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_spec(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=_excluded_checks(case))


def _excluded_checks(case: schemathesis.Case) -> list[Any]:
    excluded: list[Any] = []
    if case.media_type in RAW_MEDIA_TYPES:
        # A raw text body has no wrong "type": whatever schemathesis serialises
        # as a "negative" body is still a valid article string.
        excluded.append(negative_data_rejection)
    if isinstance(case.body, dict) and str(case.body.get("format")) in CMS_FORMATS:
        # A schema-valid story may hold no text (only images, or an empty element):
        # JSON Schema cannot say "has some text", and the API answers 422 (document).
        excluded.append(positive_data_acceptance)
    return excluded


@pytest.mark.parametrize("path", ["/docs", "/openapi.yaml"])
def test_docs_are_open(path: str) -> None:
    assert app.test_client().get(path).status_code == 200


KEY = "test-key"
keyed_app = create_app(
    {"RUBRIC_PROVIDER": fake_rubric, "API_KEYS": (KEY,)}, analyzer=FakeAnalyzer()
)
keyed_schema = schemathesis.openapi.from_wsgi("/openapi.yaml", keyed_app)


@keyed_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_with_keys_conforms_to_spec(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"X-API-Key": KEY}, excluded_checks=_excluded_checks(case))
    response = case.call(headers={"X-API-Key": "wrong"})
    if case.method.upper() == case.operation.method.upper():  # not an unsupported-method probe
        protected = case.path.startswith("/v1/")
        assert (response.status_code == 401) == protected, (case.method, case.path)
