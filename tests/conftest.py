"""Shared fixtures: a clean environment, and a service app with a fake analyzer (no models).

Plain ``pytest`` runs the fast tests only (``addopts`` in pyproject.toml
deselects the ``model`` and ``shared`` markers); ``make test`` runs
``pytest -m ""``: everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fakes import FakeAnalyzer, fake_rubric
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings

from attribution.settings import PREFIX, Settings, reset_settings
from service import create_app

# Property tests check behaviour, not speed (speed lives in benchmarks/): on a
# loaded CI machine Hypothesis's default 200 ms deadline fails them at random.
hypothesis_settings.register_profile("attribution", deadline=None)
hypothesis_settings.load_profile("attribution")

#: Where the evaluation data is, from the environment the tests were started in
#: (``ATTRIBUTION_SHARED`` or ``../shared``); kept while every other setting is cleared.
SHARED_DIR = Settings.from_env().shared_dir


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Remove every ``ATTRIBUTION_*`` variable and forget the settings read so far.

    ``ATTRIBUTION_MODEL=0``: the rules alone unless a test asks for the learned
    model. A developer's environment never leaks into a test; a test that sets a
    variable and then reads the settings sees it. ``ATTRIBUTION_SHARED`` only
    says where the evaluation data is: it is put back as it was.
    """
    for name in list(os.environ):
        if name.startswith(PREFIX):
            monkeypatch.delenv(name)
    if SHARED_DIR != Settings().shared_dir:
        monkeypatch.setenv(f"{PREFIX}SHARED", str(SHARED_DIR))
    # Rule tests run the rules alone; tests of the learned model ask for it.
    monkeypatch.setenv(f"{PREFIX}MODEL", "0")
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Run a module's tiny-tensor tests on one torch thread (fastest, and fair to a busy
    machine); the previous count comes back after the module."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def fake() -> FakeAnalyzer:
    """Return a fresh fake analyzer."""
    return FakeAnalyzer()


@pytest.fixture
def app(fake: FakeAnalyzer) -> Iterator[Flask]:
    """Return the app with the fake analyzer."""
    yield create_app({"TESTING": True, "RUBRIC_PROVIDER": fake_rubric}, analyzer=fake)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of :func:`app`."""
    return app.test_client()
