"""The editor's page as the service serves it, without a browser (tests/test_page.py drives one).

The page, its script and its style sheet come from the package, never from another
host; the hooks integrators rely on are in the markup; the page and its files stay
open when API keys are on, while the API it calls does not.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from fakes import FakeAnalyzer, fake_rubric
from flask.testing import FlaskClient

from service import create_app

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "service" / "static"
TEMPLATES = ROOT / "service" / "templates"


def test_page_is_served_with_its_hooks(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for hook in ('id="article"', 'id="analyze"', 'id="summary"', "data-grade=", 'id="detail"'):
        assert hook in html, hook
    assert '<label for="article">' in html and '<html lang="en">' in html
    assert 'id="api-key"' not in html  # no keys on this server
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe" not in csp


def test_page_assets_come_from_the_package(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    local = [r for r in refs if r.startswith("static/")]
    assert sorted(local) == ["static/page.css", "static/page.js"]
    for ref in refs:
        assert not re.match(r"(?:https?:)?//", ref), ref  # nothing from another host
    types = {"static/page.js": "text/javascript", "static/page.css": "text/css"}
    for ref, mimetype in types.items():
        with client.get("/" + ref) as response:  # a file response: close it
            assert response.status_code == 200 and response.mimetype == mimetype
            assert response.data == (ROOT / "service" / ref).read_bytes()


@pytest.mark.parametrize("name", ["page.js", "page.css"])
def test_assets_load_nothing_from_elsewhere(name: str) -> None:
    text = (STATIC / name).read_text(encoding="utf-8")
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), name
    assert "@import" not in text and "@font-face" not in text and "import(" not in text


def test_page_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["service"]
    shipped = {p.relative_to(ROOT / "service").as_posix() for p in ROOT.glob("service/*/*")}
    for folder in (STATIC, TEMPLATES):
        for path in folder.iterdir():
            relative = path.relative_to(ROOT / "service")
            assert any(relative.match(p) for p in patterns), relative
            assert relative.as_posix() in shipped
    test_data = config["project"]["optional-dependencies"]["test"]
    assert any(d.startswith("playwright") for d in test_data)
    assert any(d.startswith("pytest-playwright") for d in test_data)


def test_page_is_open_but_the_api_is_not_with_keys() -> None:
    app = create_app({"RUBRIC_PROVIDER": fake_rubric, "API_KEYS": ("k1",)}, analyzer=FakeAnalyzer())
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert 'id="api-key"' in page.get_data(as_text=True)
    assert 'type="password"' in page.get_data(as_text=True)
    with client.get("/static/page.js") as script:
        assert script.status_code == 200
    assert client.post("/v1/attributions", json={"text": "x"}).status_code == 401
    ok = client.post("/v1/attributions", json={"text": "“x” he said"}, headers={"X-API-Key": "k1"})
    assert ok.status_code == 200
    assert client.get("/static/missing.js").status_code == 404


def test_page_allows_only_get(client: FlaskClient) -> None:
    response = client.post("/", data="x")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
