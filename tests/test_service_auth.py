"""Optional API keys."""

from __future__ import annotations

import logging

import pytest
from fakes import FakeAnalyzer
from flask.testing import FlaskClient

from service import create_app
from service.auth import key_is_valid

KEY = "s3cret-key-1"


@pytest.fixture
def keyed() -> FlaskClient:
    app = create_app({"API_KEYS": (KEY, "other-key")}, analyzer=FakeAnalyzer())
    return app.test_client()


def test_no_key_is_401_problem(keyed: FlaskClient) -> None:
    response = keyed.post("/v1/attributions", json={"text": "x"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "urn:attribution:problem:unauthorized"
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_key_is_401(keyed: FlaskClient) -> None:
    response = keyed.get("/v1/rubric", headers={"X-API-Key": "guess"})
    assert response.status_code == 401
    assert "guess" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers", [{"X-API-Key": KEY}, {"Authorization": f"Bearer {KEY}"}, {"X-API-Key": "other-key"}]
)
def test_valid_key_passes(keyed: FlaskClient, headers: dict[str, str]) -> None:
    response = keyed.post("/v1/attributions", json={"text": "x"}, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.yaml", "/docs"])
def test_probes_and_docs_stay_open(keyed: FlaskClient, path: str) -> None:
    assert keyed.get(path).status_code != 401


def test_unknown_path_needs_a_key_too(keyed: FlaskClient) -> None:
    assert keyed.get("/admin").status_code == 401


def test_non_ascii_key_does_not_crash(keyed: FlaskClient) -> None:
    response = keyed.get("/v1/rubric", headers={"X-API-Key": "clé"})
    assert response.status_code == 401


def test_keys_are_never_logged(keyed: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    keyed.post("/v1/attributions", json={"text": "x"}, headers={"X-API-Key": KEY})
    keyed.post("/v1/attributions", json={"text": "x"}, headers={"X-API-Key": "wrong-one"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert KEY not in logged and "wrong-one" not in logged


def test_key_comparison() -> None:
    assert key_is_valid("a", ("b", "a"))
    assert not key_is_valid("", ("a",))
    assert not key_is_valid("a", ())
