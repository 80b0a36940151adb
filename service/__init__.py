"""HTTP service for the attribution library: ``create_app()`` builds the Flask app.

The service only parses requests, calls :mod:`attribution` and maps errors; it
holds no NLP logic. Settings come from ``ATTRIBUTION_*`` variables, read once
into a :class:`service.config.ServiceSettings` (or handed in ready-made).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

from service import api, auth, config, docs, errors, page, worker
from service.engine import AnalyzerLike, Engine

__all__ = ["create_app"]

_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _start_request() -> None:
    g.started = time.monotonic()  # the request's time budget counts from here
    incoming = request.headers.get(errors.REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    worker.track(request.environ, g.request_id)


def _finish_request(response: Response) -> Response:
    response.headers[errors.REQUEST_ID_HEADER] = errors.request_id()
    worker.untrack(request.environ)  # the response is ours to send from here
    return response


def _end_request(exc: BaseException | None) -> None:
    worker.untrack(request.environ)


def create_app(
    test_config: Mapping[str, Any] | None = None,
    analyzer: AnalyzerLike | None = None,
    *,
    settings: config.ServiceSettings | None = None,
) -> Flask:
    """Build the app.

    ``settings`` default to ``ServiceSettings.from_env()``; ``test_config``
    overrides the Flask config keys they fill (``MAX_CHARS``, ``PRELOAD``, ...);
    ``analyzer`` replaces the library's.
    """
    app = Flask(__name__)
    app.config.update((settings or config.ServiceSettings.from_env()).flask_config())
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # ASCII-escaped JSON can always be encoded, whatever a client put in a key
    # that an error message echoes (unpaired surrogates included).
    app.json.ensure_ascii = True  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]

    app.before_request(_start_request)
    auth.init_app(app)  # after the request id, so a 401 carries one too
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(page.bp)
    Engine(analyzer).init_app(app)
    return app
