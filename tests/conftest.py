"""Shared fixtures: a service app with a fake analyzer, so service tests need no models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from service import create_app
from service.testing import FakeAnalyzer

# Property tests check behaviour, not speed (speed lives in benchmarks/): on a
# loaded CI machine Hypothesis's default 200 ms deadline fails them at random.
settings.register_profile("attribution", deadline=None)
settings.load_profile("attribution")


@pytest.fixture
def fake() -> FakeAnalyzer:
    """Return a fresh fake analyzer."""
    return FakeAnalyzer()


SERVICE_SETTINGS = ("API_KEYS", "PRELOAD", "MAX_CHARS", "MAX_BODY_BYTES", "BATCH_MAX")


@pytest.fixture(autouse=True)
def _service_settings_from_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the service's ATTRIBUTION_* settings out of every test's environment."""
    for name in SERVICE_SETTINGS:
        monkeypatch.delenv(f"ATTRIBUTION_{name}", raising=False)


@pytest.fixture
def app(fake: FakeAnalyzer) -> Iterator[Flask]:
    """Return the app with the fake analyzer."""
    yield create_app(
        {"TESTING": True, "RUBRIC_PROVIDER": "service.testing:fake_rubric"}, analyzer=fake
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of :func:`app`."""
    return app.test_client()
