"""Time budget, batch caps, admission, body reading and strict validation (fake analyzer).

The gunicorn side of the same limits (real sockets, real workers) is in
``tests/test_service_gunicorn.py``.
"""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import pytest
from fakes import FakeAnalyzer
from flask import Flask
from flask.testing import FlaskClient
from test_service_errors import assert_problem
from werkzeug.test import EnvironBuilder

from service import create_app
from service.config import ConfigError, ServiceSettings

BUDGET = "urn:attribution:problem:budget-exceeded"
TOO_LONG = "urn:attribution:problem:too-long"
VALIDATION = "urn:attribution:problem:validation"


def slow_app(budget: float, slow_seconds: float, **config: Any) -> tuple[Flask, FakeAnalyzer]:
    fake = FakeAnalyzer(slow_on="SLOW", slow_seconds=slow_seconds)
    return create_app({"REQUEST_BUDGET": budget, **config}, analyzer=fake), fake


# --- the time budget -------------------------------------------------------------------


def test_budget_exceeded_is_503_problem_with_retry_after() -> None:
    app, fake = slow_app(budget=0.3, slow_seconds=30)
    started = time.monotonic()
    response = app.test_client().post(
        "/v1/attributions", json={"text": "SLOW text"}, headers={"X-Request-ID": "r-1"}
    )
    assert time.monotonic() - started < 5
    body = assert_problem(response, 503, BUDGET)
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["X-Request-ID"] == "r-1" == body["request_id"]
    assert body["budget"] == 0.3 and body["stage"] == "parse"
    assert "0.3 s" in body["detail"]


def test_the_library_gets_what_is_left_of_the_budget(fake: FakeAnalyzer) -> None:
    app = create_app({"REQUEST_BUDGET": 7.5}, analyzer=fake)
    assert app.test_client().post("/v1/attributions", json={"text": "x"}).status_code == 200
    budget = fake.budgets[-1]
    assert budget is not None and 0 < budget <= 7.5


def test_default_budget_is_well_below_the_worker_timeout() -> None:
    settings = ServiceSettings()
    assert settings.budget == 60 and settings.timeout == 120
    assert create_app(analyzer=FakeAnalyzer()).config["REQUEST_BUDGET"] == 60
    # A shorter timeout shortens the default budget with it; a set budget must stay below it.
    assert ServiceSettings.from_env({"ATTRIBUTION_TIMEOUT": "30"}).budget == 15
    with pytest.raises(ConfigError, match="ATTRIBUTION_REQUEST_BUDGET .* below"):
        ServiceSettings.from_env({"ATTRIBUTION_REQUEST_BUDGET": "120"})
    with pytest.raises(ConfigError, match="ATTRIBUTION_REQUEST_BUDGET"):
        ServiceSettings.from_env({"ATTRIBUTION_REQUEST_BUDGET": "soon"})
    for bad in ("0", "-1", "nan", "inf"):
        with pytest.raises(ConfigError, match="ATTRIBUTION_BODY_TIMEOUT"):
            ServiceSettings.from_env({"ATTRIBUTION_BODY_TIMEOUT": bad})
    with pytest.raises(ConfigError, match="ATTRIBUTION_WORKER_THREADS must be at least 2"):
        ServiceSettings.from_env({"ATTRIBUTION_WORKER_THREADS": "1"})
    env = {
        "ATTRIBUTION_REQUEST_BUDGET": "2.5",
        "ATTRIBUTION_BODY_TIMEOUT": "10",
        "ATTRIBUTION_BATCH_MAX_CHARS": "5000",
        "ATTRIBUTION_WORKER_THREADS": "4",
    }
    config = ServiceSettings.from_env(env).flask_config()
    assert (config["REQUEST_BUDGET"], config["BODY_TIMEOUT"]) == (2.5, 10.0)
    assert (config["BATCH_MAX_CHARS"], config["WORKER_THREADS"]) == (5000, 4)


def test_waiting_for_the_analyzer_counts_against_the_budget() -> None:
    # The first analysis overruns (as if the engine could not check its budget):
    # the second waits for it no longer than its own budget.
    fake = FakeAnalyzer(slow_on="SLOW", slow_seconds=1.5, honour_budget=False)
    app = create_app({"REQUEST_BUDGET": 0.5}, analyzer=fake)
    results: dict[str, Any] = {}

    def first() -> None:
        results["first"] = app.test_client().post("/v1/attributions", json={"text": "SLOW"})

    thread = threading.Thread(target=first)
    thread.start()
    deadline = time.monotonic() + 5
    while fake.running == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    second = app.test_client().post("/v1/attributions", json={"text": "quick"})
    thread.join()
    body = assert_problem(second, 503, BUDGET)
    assert body["stage"].startswith("waiting")
    assert fake.most_running == 1  # one analysis at a time per worker


# --- batches ---------------------------------------------------------------------------


def test_batch_items_share_the_budget_and_each_gets_an_answer() -> None:
    app, fake = slow_app(budget=1.0, slow_seconds=0.6)
    items = [{"text": "one", "id": "a"}, {"text": "SLOW two", "id": "b"},
             {"text": "SLOW three", "id": "c"}, {"text": "four", "id": "d"}]  # fmt: skip
    response = app.test_client().post("/v1/attributions:batch", json={"items": items})
    assert response.status_code == 200
    out = response.get_json()["items"]
    assert [o["status"] for o in out] == [200, 200, 503, 503]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert out[2]["error"]["type"] == BUDGET and out[2]["error"]["stage"] == "parse"
    assert out[3]["error"]["type"] == BUDGET and "not started" in out[3]["error"]["stage"]
    assert out[3]["error"]["instance"].endswith("#/items/3")
    assert response.get_json()["summary"] == {"total": 4, "succeeded": 2, "failed": 2}
    assert sum(b is not None for b in fake.budgets) == 3  # the last item was never started


def test_batch_over_the_character_cap_is_413_up_front(fake: FakeAnalyzer) -> None:
    app = create_app({"BATCH_MAX_CHARS": 100}, analyzer=fake)
    items = [{"text": "x" * 60}, {"text": "y" * 60}]
    body = assert_problem(
        app.test_client().post("/v1/attributions:batch", json={"items": items}), 413, TOO_LONG
    )
    assert (body["limit"], body["length"]) == (100, 120)
    assert body["errors"][0]["pointer"] == "/items"
    assert "ATTRIBUTION_BATCH_MAX_CHARS" in body["detail"]
    assert fake.analyze_calls == 0


def test_batch_cap_counts_what_would_be_analysed(fake: FakeAnalyzer) -> None:
    app = create_app({"BATCH_MAX_CHARS": 100, "MAX_CHARS": 80}, analyzer=fake)
    markup = "<div>" + "<span></span>" * 50 + "short</div>"  # long HTML, 5 characters of text
    items = [
        {"text": markup, "format": "html"},
        {"text": "z" * 90},  # over MAX_CHARS: refused alone, not counted
        {"text": "ok", "bogus": 1},  # invalid: refused alone, not counted
        {"text": "w" * 80},
    ]
    response = app.test_client().post("/v1/attributions:batch", json={"items": items})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [o["status"] for o in response.get_json()["items"]] == [200, 413, 422, 200]


def test_the_testers_batch_is_refused_up_front_with_defaults(fake: FakeAnalyzer) -> None:
    """16 items of 99,000 characters: within every per-item limit, far over the batch cap."""
    app = create_app(analyzer=fake)
    items = [{"text": ("Officials said it. " * 5300)[:99_000]} for _ in range(16)]
    response = app.test_client().post("/v1/attributions:batch", json={"items": items})
    body = assert_problem(response, 413, TOO_LONG)
    assert body["length"] == 16 * 99_000 and body["limit"] == 200_000
    assert fake.analyze_calls == 0


# --- admission: a thread always left for the probes -------------------------------------


def test_analysis_requests_past_the_admission_limit_get_503_busy() -> None:
    app, fake = slow_app(budget=10, slow_seconds=1.0, WORKER_THREADS=2)  # 1 admitted
    holder = threading.Thread(
        target=lambda: app.test_client().post("/v1/attributions", json={"text": "SLOW"})
    )
    holder.start()
    deadline = time.monotonic() + 5
    while fake.running == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    client = app.test_client()
    busy = client.post("/v1/attributions", json={"text": "quick"})
    body = assert_problem(busy, 503, "urn:attribution:problem:busy")
    assert busy.headers["Retry-After"].isdigit() and body["limit"] == 1
    assert client.get("/healthz").status_code == 200  # probes are never refused
    assert client.get("/readyz").status_code == 200
    holder.join()
    assert client.post("/v1/attributions", json={"text": "quick"}).status_code == 200


def test_admission_slots_are_given_back_on_errors(fake: FakeAnalyzer) -> None:
    client = create_app({"WORKER_THREADS": 2}, analyzer=fake).test_client()
    for _ in range(3):
        bad = client.post("/v1/attributions", data="{", content_type="application/json")
        assert bad.status_code == 400
        assert client.post("/v1/attributions", json={"text": "x"}).status_code == 200


# --- reading the body ------------------------------------------------------------------


def _environ(payload: bytes, **extra: Any) -> dict[str, Any]:
    environ = EnvironBuilder(
        path="/v1/attributions", method="POST", content_type="application/json"
    ).get_environ()
    environ.update({"wsgi.input": io.BytesIO(payload), **extra})
    return environ


def test_a_body_shorter_than_its_content_length_is_400_never_analysed(fake: FakeAnalyzer) -> None:
    app = create_app(analyzer=fake)
    for terminated in (True, False):
        environ = _environ(b'{"text": "abc"}', CONTENT_LENGTH="1000")
        environ["wsgi.input_terminated"] = terminated
        response = app.response_class.force_type(app, environ)  # type: ignore[arg-type]
        body = assert_problem(response, 400)
        assert "15 of the 1000 bytes" in body["detail"]
    assert fake.analyze_calls == 0


def test_an_unreadable_body_is_400(fake: FakeAnalyzer) -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise ValueError("Invalid chunk size")

    app = create_app(analyzer=fake)
    environ = _environ(b"")
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": Broken(), "wsgi.input_terminated": True})
    response = app.response_class.force_type(app, environ)  # type: ignore[arg-type]
    assert "could not be read" in assert_problem(response, 400)["detail"]


def test_a_slow_body_is_408(fake: FakeAnalyzer) -> None:
    class Trickle(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            time.sleep(0.05)
            return b" "

    app = create_app({"BODY_TIMEOUT": 0.2}, analyzer=fake)
    environ = _environ(b"", CONTENT_LENGTH="100000")
    environ["wsgi.input"] = Trickle()
    response = app.response_class.force_type(app, environ)  # type: ignore[arg-type]
    assert "0.2 s" in assert_problem(response, 408)["detail"]
    assert fake.analyze_calls == 0


# --- strict validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "pointer"),
    [
        ({"nonsense": True}, "/options/nonsense"),
        ({"repair": "maybe"}, "/options/repair"),
        ({"repair": "false"}, "/options/repair"),
        ({"repair": 0}, "/options/repair"),
        ({"repair": None}, "/options/repair"),
        ({"model": "false"}, "/options/model"),
        ({"model": 0}, "/options/model"),
        ({"model": 1}, "/options/model"),
        ({"model": None}, "/options/model"),
        ({"model": [False]}, "/options/model"),
        ({"rules_only": True}, "/options/rules_only"),
        ("yes", "/options"),
    ],
)
def test_unknown_or_mistyped_options_are_422_with_a_pointer(
    client: FlaskClient, fake: FakeAnalyzer, options: Any, pointer: str
) -> None:
    response = client.post("/v1/attributions", json={"text": "x", "options": options})
    body = assert_problem(response, 422, VALIDATION)
    assert [e["pointer"] for e in body["errors"]] == [pointer]
    assert fake.analyze_calls == 0


def test_batch_item_options_are_checked_per_item(client: FlaskClient) -> None:
    items = [
        {"text": "x", "options": {"repair": False}},
        {"text": "y", "options": {"x": 1}},
        {"text": "z", "options": {"model": "no"}},
        {"text": "w", "options": {"model": False}},
    ]
    out = client.post("/v1/attributions:batch", json={"items": items}).get_json()["items"]
    assert [o["status"] for o in out] == [200, 422, 422, 200]
    assert out[1]["error"]["errors"][0]["pointer"] == "/options/x"
    assert out[2]["error"]["errors"][0]["pointer"] == "/options/model"
    assert out[2]["error"]["type"] == VALIDATION


@pytest.mark.parametrize(
    "options",
    [
        None, {}, {"repair": True}, {"repair": False}, {"model": True}, {"model": False},
        {"repair": False, "model": False},
    ],
)  # fmt: skip
def test_valid_options_pass(client: FlaskClient, options: Any) -> None:
    response = client.post("/v1/attributions", json={"text": "x", "options": options})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "raw",
    ['{"text": "x", "n": NaN}', '{"text": Infinity}', '{"text": "x", "options": -Infinity}',
     '{"items": [{"text": "x", "id": NaN}]}'],
)  # fmt: skip
def test_non_standard_json_constants_are_400(client: FlaskClient, raw: str) -> None:
    path = "/v1/attributions:batch" if "items" in raw else "/v1/attributions"
    body = assert_problem(client.post(path, data=raw, content_type="application/json"), 400)
    assert "not valid JSON" in body["detail"]


def test_query_id_names_raw_bodies_only(client: FlaskClient) -> None:
    raw = client.post("/v1/attributions?id=q1", data="some text", content_type="text/plain")
    assert raw.get_json()["id"] == "q1"
    ignored = client.post("/v1/attributions?id=q1", json={"text": "x"})
    assert ignored.status_code == 200 and ignored.get_json()["id"] is None
    own = client.post("/v1/attributions?id=q1", json={"text": "x", "id": "j1"})
    assert own.get_json()["id"] == "j1"
    # Still checked, whatever the body: a bad value is a 422.
    bad = client.post("/v1/attributions?id=" + "x" * 300, json={"text": "x"})
    assert_problem(bad, 422, VALIDATION)


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/healthz"), ("post", "/readyz"), ("get", "/v1/attributions"),
     ("delete", "/v1/rubric"), ("post", "/docs")],
)  # fmt: skip
def test_with_keys_a_wrong_method_is_405_before_401(method: str, path: str) -> None:
    client = create_app({"API_KEYS": ("k",)}, analyzer=FakeAnalyzer()).test_client()
    response = getattr(client, method)(path)
    assert_problem(response, 405)
    assert response.headers["Allow"]


# --- every failure is a problem document --------------------------------------------------


def test_a_crash_outside_the_analyzer_is_a_500_problem() -> None:
    def broken_rubric() -> dict[str, Any]:
        raise KeyError("rubric")

    app = create_app({"RUBRIC_PROVIDER": broken_rubric}, analyzer=FakeAnalyzer())
    response = app.test_client().get("/v1/rubric", headers={"X-Request-ID": "crash-1"})
    body = assert_problem(response, 500)
    assert body["request_id"] == "crash-1" and "crash-1" in body["detail"]


def test_budget_entries_in_a_batch_match_the_problem_schema() -> None:
    app, _ = slow_app(budget=0.2, slow_seconds=5)
    out = app.test_client().post(
        "/v1/attributions:batch", json={"items": [{"text": "SLOW"}, {"text": "late"}]}
    )
    for item in out.get_json()["items"]:
        problem = item["error"]
        assert {"type", "title", "status", "detail", "request_id", "budget", "stage"} <= set(
            problem
        )
        json.dumps(problem)


def test_the_library_analyzer_heap_is_frozen_after_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The models' objects leave the cyclic GC's sight once loaded (production only:
    an analyzer handed in by a test is left alone)."""
    import gc

    import service.engine

    monkeypatch.setattr(service.engine, "default_analyzer", lambda *args: FakeAnalyzer())
    gc.unfreeze()
    try:
        create_app(analyzer=FakeAnalyzer()).test_client().post(
            "/v1/attributions", json={"text": "x"}
        )
        assert gc.get_freeze_count() == 0
        client = create_app().test_client()  # the engine builds its own analyzer
        assert client.post("/v1/attributions", json={"text": "x"}).status_code == 200
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
