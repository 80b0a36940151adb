"""WSGI apps over the fake analyzers, for the tests that run real gunicorn workers.

``gunicorn -c service/gunicorn.conf.py 'tests.fake_wsgi:fake()'`` (or ``torch()``),
from the repository root. Test-only: production serves ``service.wsgi:app``.
"""

from __future__ import annotations

from flask import Flask

from service import create_app
from service.config import ServiceSettings
from tests.fakes import FakeAnalyzer, TorchAnalyzer


def fake() -> Flask:
    """Return the app over :class:`FakeAnalyzer`."""
    return create_app(analyzer=FakeAnalyzer())


def torch() -> Flask:
    """Return the app over :class:`TorchAnalyzer` (a small torch model, threads as configured)."""
    return create_app(analyzer=TorchAnalyzer(threads=ServiceSettings.from_env().threads))
