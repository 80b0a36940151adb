"""Every error case: status, media type and problem+json body shape."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fakes import FakeAnalyzer
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from attribution.errors import ModelNotFoundError
from service import create_app

PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int, type_: str = "about:blank") -> dict[str, Any]:
    """Check ``response`` is a well-formed problem document and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = json.loads(response.get_data(as_text=True))
    assert body["type"] == type_
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post("/v1/attributions", data="{nope", content_type="application/json")
    assert "not valid JSON" in assert_problem(response, 400)["detail"]


def test_empty_json_body_is_400(client: FlaskClient) -> None:
    assert_problem(client.post("/v1/attributions", content_type="application/json"), 400)


def test_deeply_nested_json_is_400_not_a_crash(client: FlaskClient) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/v1/attributions", data=body, content_type="application/json")
    assert_problem(response, 400)


def test_bad_utf8_text_body_is_400(client: FlaskClient) -> None:
    response = client.post("/v1/attributions", data=b"\xff\xfe\xfa", content_type="text/plain")
    assert_problem(response, 400)


@pytest.mark.parametrize("charset", ["punycode", "utf-16", "idna", "utf-7"])
def test_odd_charsets_never_500(client: FlaskClient, charset: str) -> None:
    response = client.post(
        "/v1/attributions", data=b"\xff\x80-abc\x00", content_type=f"text/plain; charset={charset}"
    )
    assert response.status_code < 500


def test_unknown_charset_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/v1/attributions", data=b"hello", content_type="text/plain; charset=klingon"
    )
    assert_problem(response, 415)


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data", None])
def test_wrong_media_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/v1/attributions", data="<a/>", **kwargs)
    assert_problem(response, 415)


def test_batch_needs_json(client: FlaskClient) -> None:
    response = client.post("/v1/attributions:batch", data="x", content_type="text/plain")
    assert_problem(response, 415)


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({}, "/text"),
        ({"text": ""}, "/text"),
        ({"text": "   \n"}, "/text"),
        ({"text": 5}, "/text"),
        ({"text": "ok", "format": "pdf"}, "/format"),
        ({"text": "ok", "id": ""}, "/id"),
        ({"text": "a \ud800 b"}, "/text"),
        ({"text": "ok", "id": "\udfff"}, "/id"),
        ({"text": "ok", "options": [1]}, "/options"),
        ({"text": "ok", "surprise": 1}, "/surprise"),
        ([], "/"),
        ("just a string", "/"),
    ],
)
def test_validation_is_422_with_field_errors(
    client: FlaskClient, payload: Any, pointer: str
) -> None:
    response = client.post(
        "/v1/attributions", data=json.dumps(payload), content_type="application/json"
    )
    body = assert_problem(response, 422, "urn:attribution:problem:validation")
    assert pointer in [e["pointer"] for e in body["errors"]]
    assert all(set(e) == {"pointer", "detail"} for e in body["errors"])


def test_bad_query_id_is_422(client: FlaskClient) -> None:
    response = client.post("/v1/attributions?id=" + "x" * 300, json={"text": "ok"})
    body = assert_problem(response, 422, "urn:attribution:problem:validation")
    assert body["errors"][0]["parameter"] == "id"


def test_engine_input_error_is_422(app: Flask, fake: FakeAnalyzer) -> None:
    # HTML that extracts to nothing reaches the engine as blank text.
    response = app.test_client().post(
        "/v1/attributions", json={"text": "<script>x</script>", "format": "html"}
    )
    assert_problem(response, 422, "urn:attribution:problem:input")


def test_body_over_limit_is_413(fake: FakeAnalyzer) -> None:
    app = create_app({"MAX_BODY_BYTES": 100}, analyzer=fake)
    response = app.test_client().post("/v1/attributions", json={"text": "x" * 200})
    body = assert_problem(response, 413)
    assert "100 bytes" in body["detail"]


def test_body_over_limit_without_content_length_is_413(fake: FakeAnalyzer) -> None:
    app = create_app({"MAX_BODY_BYTES": 100}, analyzer=fake)
    payload = json.dumps({"text": "x" * 500}).encode()
    # A chunked upload as gunicorn presents it: no Content-Length, terminated stream.
    environ = EnvironBuilder(
        path="/v1/attributions", method="POST", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BytesIO(payload)
    environ["wsgi.input_terminated"] = True
    response = app.response_class.force_type(app, environ)  # type: ignore[arg-type]
    assert_problem(response, 413)


def test_article_over_limit_is_413_with_limit(fake: FakeAnalyzer) -> None:
    app = create_app({"MAX_CHARS": 50}, analyzer=fake)
    response = app.test_client().post("/v1/attributions", json={"text": "y" * 51})
    body = assert_problem(response, 413, "urn:attribution:problem:too-long")
    assert "50" in body["detail"] and body["limit"] == 50 and body["length"] == 51
    assert fake.analyze_calls == 0


def test_html_limit_counts_extracted_text(fake: FakeAnalyzer) -> None:
    app = create_app({"MAX_CHARS": 50}, analyzer=fake)
    html = "<div>" + "<b></b>" * 100 + "short</div>"
    response = app.test_client().post("/v1/attributions", data=html, content_type="text/html")
    assert response.status_code == 200


def test_unknown_path_is_404(client: FlaskClient) -> None:
    assert_problem(client.get("/v2/nothing"), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/v1/attributions"), ("delete", "/v1/attributions:batch"), ("post", "/healthz")],
)
def test_wrong_method_is_405_with_allow(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert_problem(response, 405)
    assert response.headers["Allow"]


def test_unexpected_failure_is_500_without_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(analyzer=FakeAnalyzer(fail_on="BOOM"))
    response = app.test_client().post("/v1/attributions", json={"text": "BOOM goes it"})
    body = assert_problem(response, 500)
    assert body["request_id"] in body["detail"]
    assert "injected failure" not in response.get_data(as_text=True)
    assert any(body["request_id"] in r.getMessage() for r in caplog.records)


def test_models_missing_is_503() -> None:
    class Missing(FakeAnalyzer):
        def load(self) -> None:
            raise ModelNotFoundError("No model manifest at /nowhere/manifest.json")

    client = create_app(analyzer=Missing()).test_client()
    body = assert_problem(
        client.post("/v1/attributions", json={"text": "hi"}),
        503,
        "urn:attribution:problem:models-unavailable",
    )
    assert "/nowhere/manifest.json" in body["detail"]
    ready = assert_problem(client.get("/readyz"), 503, "urn:attribution:problem:models-unavailable")
    assert ready["state"] == "failed"


def test_a_crashing_model_load_is_reported_not_stuck() -> None:
    class Broken(FakeAnalyzer):
        def load(self) -> None:
            raise TypeError("bad weights")

    client = create_app(analyzer=Broken()).test_client()
    assert_problem(client.post("/v1/attributions", json={"text": "x"}), 503,
                   "urn:attribution:problem:models-unavailable")  # fmt: skip
    body = client.get("/readyz").get_json()
    assert body["state"] == "failed" and "bad weights" in body["detail"]


def test_batch_items_fail_alone(client: FlaskClient) -> None:
    items = [
        {"text": 'They said "yes".', "id": "good"},
        {"text": "", "id": "blank"},
        {"text": "z" * 200_000, "id": "long"},
        "not an object",
        {"text": "fine", "bogus": True},
    ]
    response = client.post("/v1/attributions:batch", json={"items": items})
    assert response.status_code == 200
    out = response.get_json()["items"]
    assert [o["status"] for o in out] == [200, 422, 413, 422, 422]
    assert [o["index"] for o in out] == [0, 1, 2, 3, 4]
    assert [o["id"] for o in out] == ["good", "blank", "long", None, None]
    assert out[0]["result"]["id"] == "good"
    for item in out[1:]:
        problem = item["error"]
        assert {"type", "title", "status", "detail", "request_id"} <= set(problem)
        assert problem["instance"].endswith(f"#/items/{item['index']}")
    assert response.get_json()["summary"] == {"total": 5, "succeeded": 1, "failed": 4}


@pytest.mark.parametrize("path", ["/v1/attributions", "/v1/attributions:batch"])
def test_surrogate_in_an_unknown_key_is_a_422(client: FlaskClient, path: str) -> None:
    item = '{"text": "x", "\\udc80": 1}'
    body = item if path == "/v1/attributions" else '{"items": [' + item + "]}"
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code in {200, 422}
    json.loads(response.get_data(as_text=True))


def test_batch_item_with_unencodable_id_is_not_echoed(client: FlaskClient) -> None:
    payload = json.dumps({"items": [{"text": "a", "id": "\udc80"}, {"text": "b", "id": 7}]})
    response = client.post("/v1/attributions:batch", data=payload, content_type="application/json")
    assert response.status_code == 200
    assert [(i["status"], i["id"]) for i in response.get_json()["items"]] == [(422, None)] * 2


def test_batch_unexpected_item_failure_is_500_for_that_item_only() -> None:
    app = create_app(analyzer=FakeAnalyzer(fail_on="BOOM"))
    items = [{"text": "BOOM"}, {"text": "fine"}]
    out = app.test_client().post("/v1/attributions:batch", json={"items": items}).get_json()
    assert [o["status"] for o in out["items"]] == [500, 200]
    assert "injected" not in json.dumps(out)


@pytest.mark.parametrize("payload", [{}, {"items": []}, {"items": "x"}, {"items": [], "x": 1}])
def test_batch_envelope_validation_is_422(client: FlaskClient, payload: Any) -> None:
    response = client.post("/v1/attributions:batch", json=payload)
    assert_problem(response, 422, "urn:attribution:problem:validation")


def test_batch_over_limit_is_422_with_limit(fake: FakeAnalyzer) -> None:
    app = create_app({"BATCH_MAX": 2}, analyzer=fake)
    response = app.test_client().post("/v1/attributions:batch", json={"items": [{"text": "a"}] * 3})
    body = assert_problem(response, 422, "urn:attribution:problem:validation")
    assert body["limit"] == 2 and "2" in body["detail"]
    assert fake.analyze_calls == 0


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/v1/attributions", "/v1/attributions:batch", "/v1/attributions?id=x"]),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "text/html", "text/plain; charset=utf-16",
         "application/json; charset=latin-1", "application/x-www-form-urlencoded", ""]
    ),
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.text(st.characters(exclude_categories=()), max_size=20),  # surrogates too
            lambda inner: st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["text", "id", "format", "options", "items"])
                | st.text(st.characters(exclude_categories=()), max_size=3),
                inner,
            ),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)  # fmt: skip
def test_nothing_a_client_sends_gets_a_500(
    client: FlaskClient, path: str, content_type: str, body: bytes
) -> None:
    response = client.post(path, data=body, content_type=content_type or None)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype in {"application/json", "application/problem+json"}
    json.loads(response.get_data(as_text=True))
