"""Happy paths of the HTTP API, with a fake analyzer (no models)."""

from __future__ import annotations

import io
import json
import time

import pytest
from fakes import FAKE_MODEL, FakeAnalyzer
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from service import create_app

ARTICLE = 'Officials said "we will formalise cooperation" on Tuesday.'
TWO_QUOTES = 'Officials said "we will formalise it" and "we will go" on Tuesday.'


def test_analyze_json_returns_contract_with_id_and_meta(client: FlaskClient) -> None:
    response = client.post("/v1/attributions", json={"text": ARTICLE, "id": "art-1"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["id"] == "art-1"
    assert list(body) == [
        "id", "attributions", "speakers", "summary", "repairs", "warnings", "document", "meta",
    ]  # fmt: skip
    (att,) = body["attributions"]
    assert ARTICLE[att["content"]["start"] : att["content"]["end"]] == att["content"]["text"]
    assert att["speaker"]["id"] == "s1"
    assert body["meta"]["versions"]["attribution"]
    assert body["meta"]["elapsed_ms"] >= 0
    assert body["document"] == {"format": "text", "length": len(ARTICLE)}


def test_analyze_raw_text_body(client: FlaskClient) -> None:
    response = client.post(
        "/v1/attributions?id=raw-1", data=ARTICLE.encode(), content_type="text/plain"
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["id"] == "raw-1"
    assert len(body["attributions"]) == 1


def test_analyze_raw_text_body_in_latin1(client: FlaskClient) -> None:
    text = 'Le ministre a dit "déjà" hier.'
    response = client.post(
        "/v1/attributions", data=text.encode("latin-1"), content_type="text/plain; charset=latin-1"
    )
    assert response.get_json()["attributions"][0]["content"]["text"] == "déjà"


def test_html_gives_offsets_into_html_and_text(client: FlaskClient) -> None:
    html = "<html><body><h1>Visit</h1><p>He said &ldquo;we will go&rdquo; today.</p></body></html>"
    response = client.post("/v1/attributions", json={"text": html, "format": "html"})
    body = response.get_json()
    assert response.status_code == 200
    text = body["document"]["text"]
    assert body["document"]["format"] == "html"
    assert body["document"]["html_length"] == len(html)
    (att,) = body["attributions"]
    content = att["content"]
    assert text[content["start"] : content["end"]] == "we will go" == content["text"]
    assert html[content["html_start"] : content["html_end"]] == "we will go"
    cue = att["cue"]
    assert html[cue["html_start"] : cue["html_end"]] == "said"


def test_raw_html_body(client: FlaskClient) -> None:
    html = "<p>Officials said &quot;hello&quot;.</p>"
    response = client.post("/v1/attributions", data=html, content_type="text/html")
    att = response.get_json()["attributions"][0]
    assert html[att["content"]["html_start"] : att["content"]["html_end"]] == "hello"


def test_options_reach_the_analyzer(fake: FakeAnalyzer) -> None:
    seen = {}
    original = fake.analyze

    def spy(text: str, *, options: object = None, budget: float | None = None) -> object:
        seen["options"] = options
        return original(text, options=options, budget=budget)

    fake.analyze = spy  # type: ignore[method-assign]
    app = create_app(analyzer=fake)
    app.test_client().post("/v1/attributions", json={"text": "x", "options": {"repair": False}})
    assert seen["options"] == {"repair": False}


@pytest.mark.parametrize(
    "options",
    [None, {"model": False}, {"model": True}, {"repair": False, "model": False}],
)
def test_model_option_reaches_the_analyzer(
    client: FlaskClient, fake: FakeAnalyzer, options: dict[str, bool] | None
) -> None:
    response = client.post("/v1/attributions", json={"text": ARTICLE, "options": options})
    assert response.status_code == 200
    assert fake.options[-1] == options


def test_batch_items_carry_their_own_model_option(client: FlaskClient, fake: FakeAnalyzer) -> None:
    items = [
        {"text": ARTICLE, "options": {"model": False}},
        {"text": ARTICLE},
        {"text": ARTICLE, "options": {"model": True, "repair": False}},
    ]
    response = client.post("/v1/attributions:batch", json={"items": items})
    assert [i["status"] for i in response.get_json()["items"]] == [200, 200, 200]
    assert fake.options[-3:] == [{"model": False}, None, {"model": True, "repair": False}]


def _sieves(body: dict[str, object]) -> list[str]:
    attributions = body["attributions"]
    assert isinstance(attributions, list)
    return [a["sieve"] for a in attributions]


def test_learned_model_on_and_switched_off_per_request() -> None:
    client = create_app(analyzer=FakeAnalyzer(model=True)).test_client()
    on = client.post("/v1/attributions", json={"text": TWO_QUOTES}).get_json()
    assert _sieves(on) == ["dependency", "model"]
    assert on["meta"]["versions"]["learned_model"] == FAKE_MODEL.version
    off = client.post(
        "/v1/attributions", json={"text": TWO_QUOTES, "options": {"model": False}}
    ).get_json()
    assert _sieves(off) == ["dependency", "dependency"]
    assert off["meta"]["versions"]["learned_model"] == "off"  # what ran for this article
    ready = client.get("/readyz").get_json()
    assert ready["model"] is True  # the server's: on
    assert ready["versions"]["learned_model"] == FAKE_MODEL.version
    items = [{"text": TWO_QUOTES, "options": {"model": False}}, {"text": TWO_QUOTES}]
    batch = client.post("/v1/attributions:batch", json={"items": items}).get_json()
    results = [i["result"] for i in batch["items"]]
    assert [r["meta"]["versions"]["learned_model"] for r in results] == [
        "off",
        FAKE_MODEL.version,
    ]
    assert batch["meta"]["versions"]["learned_model"] == FAKE_MODEL.version


def test_request_cannot_switch_on_a_model_the_server_runs_without(client: FlaskClient) -> None:
    body = client.post(
        "/v1/attributions", json={"text": TWO_QUOTES, "options": {"model": True}}
    ).get_json()
    assert "model" not in _sieves(body)
    assert body["meta"]["versions"]["learned_model"] == "off"
    ready = client.get("/readyz").get_json()
    assert ready["model"] is False and ready["versions"]["learned_model"] == "off"


@pytest.mark.parametrize(("env", "expected"), [("0", False), ("1", True), ("", True)])
def test_model_setting_reaches_the_librarys_analyzer(
    monkeypatch: pytest.MonkeyPatch, env: str, expected: bool
) -> None:
    import service.engine

    built: list[bool] = []

    def analyzer(stanza_dir: str | None, threads: int | None, model: bool = True) -> FakeAnalyzer:
        built.append(model)
        return FakeAnalyzer(model=model)

    monkeypatch.setattr(service.engine, "default_analyzer", analyzer)
    monkeypatch.setenv("ATTRIBUTION_MODEL", env)
    client = create_app().test_client()  # no analyzer given: the library's, from the settings
    assert client.post("/v1/attributions", json={"text": ARTICLE}).status_code == 200
    assert built == [expected]
    assert client.get("/readyz").get_json()["model"] is expected


def test_library_analyzer_gets_the_model_setting() -> None:
    from attribution.pipeline import Analyzer
    from service.engine import default_analyzer

    analyzer = default_analyzer(None, None, False)
    assert isinstance(analyzer, Analyzer) and analyzer.model() is None  # nothing to load


def test_chunked_body_under_the_limit_is_read_whole(fake: FakeAnalyzer) -> None:
    app = create_app({"MAX_BODY_BYTES": 1000}, analyzer=fake)
    payload = json.dumps({"text": ARTICLE}).encode()
    environ = EnvironBuilder(
        path="/v1/attributions", method="POST", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BytesIO(payload)
    environ["wsgi.input_terminated"] = True
    response = app.response_class.force_type(app, environ)  # type: ignore[arg-type]
    assert response.status_code == 200


def test_batch_returns_one_result_per_item(client: FlaskClient) -> None:
    items = [
        {"text": ARTICLE, "id": "a"},
        {"text": "<p>b said &quot;c&quot;</p>", "format": "html"},
    ]
    response = client.post("/v1/attributions:batch", json={"items": items})
    body = response.get_json()
    assert response.status_code == 200
    assert [i["status"] for i in body["items"]] == [200, 200]
    assert body["items"][0]["result"]["id"] == "a"
    assert "html_start" in body["items"][1]["result"]["attributions"][0]["content"]


def test_rubric(client: FlaskClient) -> None:
    response = client.get("/v1/rubric")
    assert response.status_code == 200
    assert response.get_json()["rules"]


def test_real_rubric_is_served() -> None:
    app = create_app(analyzer=FakeAnalyzer())
    response = app.test_client().get("/v1/rubric")
    assert response.status_code == 200
    assert isinstance(response.get_json(), dict)


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_lazy_is_503_until_first_analysis(client: FlaskClient, fake: FakeAnalyzer) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["load"] == "lazy"
    client.post("/v1/attributions", json={"text": ARTICLE})
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["load"] == "lazy"
    assert fake.load_calls == 1


def test_readyz_eager_loads_at_start_in_the_background() -> None:
    fake = FakeAnalyzer(load_seconds=0.3)
    app = create_app({"PRELOAD": True}, analyzer=fake)
    client = app.test_client()
    first = client.get("/readyz")
    assert first.status_code == 503 and first.get_json()["state"] == "loading"
    assert client.get("/healthz").status_code == 200
    deadline = time.monotonic() + 5
    while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["load"] == "eager"
    client.post("/v1/attributions", json={"text": ARTICLE})
    assert fake.load_calls == 1


def test_request_id_is_echoed_or_made_up(client: FlaskClient) -> None:
    mine = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert mine.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert made.headers["X-Request-ID"] != "bad id <script>"
    assert len(made.headers["X-Request-ID"]) == 32
    assert client.get("/nowhere").headers["X-Request-ID"]


def test_docs_page_points_at_the_spec(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.mimetype == "text/html"
    assert b"openapi.yaml" in response.data


def test_docs_load_nothing_from_the_network(client: FlaskClient) -> None:
    """Every asset the page names is served by the app itself (Swagger UI 5, OpenAPI 3.1)."""
    import re

    page = client.get("/docs").get_data(as_text=True)
    assert not re.search(r"(https?:)?//", page), "the page must not load anything from another host"
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert {"docs/swagger-ui.css", "docs/swagger-ui-bundle.js"} <= set(refs)
    for ref in refs:
        asset = client.get("/" + ref)
        assert asset.status_code == 200, ref
        assert asset.data and asset.headers["X-Request-ID"]
    bundle = client.get("/docs/swagger-ui-bundle.js")
    assert bundle.mimetype == "text/javascript" and b"SwaggerUIBundle" in bundle.data
    assert client.get("/docs/swagger-ui.css").mimetype == "text/css"
    assert client.get("/docs/VERSION").get_data(as_text=True).strip().startswith("v5.")
    assert b"Apache License" in client.get("/docs/LICENSE").data


@pytest.mark.parametrize("asset", ["index.html", "..%2Fflask_swagger_ui.py", "nothing.js"])
def test_docs_serve_only_the_listed_assets(client: FlaskClient, asset: str) -> None:
    response = client.get("/docs/" + asset)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_config_from_env() -> None:
    from service.config import ConfigError, ServiceSettings

    env = {
        "ATTRIBUTION_MAX_CHARS": "10",
        "ATTRIBUTION_API_KEYS": " a, b ,",
        "ATTRIBUTION_PRELOAD": "yes",
        "ATTRIBUTION_THREADS": "3",
        "ATTRIBUTION_BIND": "0.0.0.0:9000",
        "ATTRIBUTION_MAX_REQUESTS": "0",
    }
    settings = ServiceSettings.from_env(env)
    assert settings.max_chars == 10
    assert settings.api_keys == ("a", "b")
    assert settings.preload is True
    assert settings.threads == 3  # a library setting, read by the same object
    assert (settings.bind, settings.workers, settings.max_requests) == ("0.0.0.0:9000", 2, 0)
    with pytest.raises(ConfigError, match="ATTRIBUTION_BATCH_MAX"):
        ServiceSettings.from_env({"ATTRIBUTION_BATCH_MAX": "many"})
    with pytest.raises(ConfigError, match="ATTRIBUTION_PRELOAD"):
        ServiceSettings.from_env({"ATTRIBUTION_PRELOAD": "maybe"})
    with pytest.raises(ConfigError, match="ATTRIBUTION_WORKERS must be at least 1"):
        ServiceSettings.from_env({"ATTRIBUTION_WORKERS": "0"})
    assert ServiceSettings.from_env({"ATTRIBUTION_RUBRIC": "/x.yaml"}).rubric_path == "/x.yaml"
    assert ServiceSettings.from_env({}).flask_config()["RUBRIC_PROVIDER"].startswith("attribution")
    # create_app reads the environment once, through the same object
    assert ServiceSettings.from_env({"ATTRIBUTION_PRELOAD": ""}).preload is None
    assert ServiceSettings.from_env({}).model is True  # the learned model runs by default
    assert ServiceSettings.from_env({"ATTRIBUTION_MODEL": "0"}).flask_config()["MODEL"] is False
    with pytest.raises(ConfigError, match="ATTRIBUTION_MODEL"):
        ServiceSettings.from_env({"ATTRIBUTION_MODEL": "maybe"})


def test_create_app_takes_settings(fake: FakeAnalyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.config import ServiceSettings

    monkeypatch.setenv("ATTRIBUTION_MAX_CHARS", "5")
    assert create_app(analyzer=fake).config["MAX_CHARS"] == 5
    app = create_app(analyzer=fake, settings=ServiceSettings(max_chars=7, api_keys=("k",)))
    assert (app.config["MAX_CHARS"], app.config["API_KEYS"]) == (7, ("k",))
    assert app.config["SETTINGS"].max_chars == 7
    assert create_app(analyzer=fake, settings=ServiceSettings(model=False)).config["MODEL"] is False


def test_versions_name_the_library_once(client: FlaskClient) -> None:
    versions = client.post("/v1/attributions", json={"text": ARTICLE}).get_json()["meta"][
        "versions"
    ]
    assert versions["attribution"] and "library" not in versions
    assert versions["models"] == "fake"


def test_service_does_not_hold_nlp_imports() -> None:
    import service.api

    assert "torch" not in vars(service.api) and "stanza" not in vars(service.api)


def test_creating_the_app_does_not_import_torch() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; from service import create_app; create_app({'PRELOAD': False});"
        "print('torch' in sys.modules, 'stanza' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert out.stdout.split() == ["False", "False"]
