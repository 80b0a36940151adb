"""WSGI apps over the fake analyzers, for the tests that run real gunicorn workers.

``gunicorn -c service/gunicorn.conf.py 'tests.fake_wsgi:fake()'`` (or ``torch()``),
from the repository root. Test-only: production serves ``service.wsgi:app``.
"""

from __future__ import annotations

import os

from flask import Flask

from service import create_app
from service.config import ServiceSettings
from tests.fakes import FakeAnalyzer, TorchAnalyzer


def fake() -> Flask:
    """Return the app over :class:`FakeAnalyzer`, its stand-in learned model on or off as
    ``ATTRIBUTION_MODEL`` says."""
    return create_app(analyzer=FakeAnalyzer(model=ServiceSettings.from_env().model))


def slow() -> Flask:
    """Return the app over a fake that takes ``ATTRIBUTION_FAKE_SLOW`` seconds (default 30)
    on any text containing "SLOW", checking its budget like the library; with
    ``ATTRIBUTION_FAKE_CPU=1`` it computes in Python (holding the GIL) instead of sleeping."""
    seconds = float(os.environ.get("ATTRIBUTION_FAKE_SLOW", "30"))
    cpu = os.environ.get("ATTRIBUTION_FAKE_CPU") == "1"
    return create_app(analyzer=FakeAnalyzer(slow_on="SLOW", slow_seconds=seconds, slow_cpu=cpu))


def torch() -> Flask:
    """Return the app over :class:`TorchAnalyzer` (a small torch model, threads as configured)."""
    return create_app(analyzer=TorchAnalyzer(threads=ServiceSettings.from_env().threads))
