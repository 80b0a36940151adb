"""Optional API keys: when ``ATTRIBUTION_API_KEYS`` is set, every call needs one.

Send it as ``X-API-Key: KEY`` or ``Authorization: Bearer KEY``. Keys are
compared in constant time and never logged. ``/healthz``, ``/readyz``,
``/openapi.yaml``, ``/docs`` (with its assets) and the editor's page ``/`` (with
its ``/static/`` files; its calls to the API carry the key typed in it) stay
open so probes and newcomers can reach them. A wrong method on a known path is a 405 before any
key is asked for; an unknown path needs a key (401) like the API.
"""

from __future__ import annotations

import hmac

from flask import Flask, current_app, request
from werkzeug.exceptions import MethodNotAllowed

from service.errors import Unauthorized

OPEN_ENDPOINTS = frozenset(
    {"api.healthz", "api.readyz", "docs.openapi", "docs.docs", "docs.asset", "page.index", "static"}
)


def _presented_key() -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def key_is_valid(presented: str, keys: tuple[str, ...]) -> bool:
    """Compare ``presented`` with every key in constant time."""
    given = presented.encode("utf-8", "surrogateescape")
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(given, key.encode("utf-8", "surrogateescape"))
    return ok


def check_api_key() -> None:
    """Reject the request with 401 unless it carries a valid key (when keys are set)."""
    keys: tuple[str, ...] = current_app.config["API_KEYS"]
    if not keys or request.endpoint in OPEN_ENDPOINTS:
        return
    if isinstance(request.routing_exception, MethodNotAllowed):
        return  # the method is checked first: 405 (the paths are public in openapi.yaml)
    presented = _presented_key()
    if presented is None:
        raise Unauthorized("this service needs an API key: send it as 'X-API-Key: KEY'")
    if not key_is_valid(presented, keys):
        raise Unauthorized("the API key is not valid")


def init_app(app: Flask) -> None:
    """Check the API key before every request."""
    app.before_request(check_api_key)
