"""Serve ``openapi.yaml`` and an interactive documentation page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app
from werkzeug.exceptions import NotFound

bp = Blueprint("docs", __name__)

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>attribution API</title>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "openapi.yaml", dom_id: "#docs"});
  </script>
  <noscript>The interactive docs need JavaScript; the spec is at
    <a href="openapi.yaml">openapi.yaml</a>.</noscript>
</body>
</html>
"""


@cache
def _read(path: str) -> bytes:
    return Path(path).read_bytes()


@bp.get("/openapi.yaml")
def openapi() -> Response:
    """Return the OpenAPI 3.1 description of this service."""
    try:
        data = _read(current_app.config["OPENAPI_PATH"])
    except OSError:
        raise NotFound("openapi.yaml is not installed with this service") from None
    return current_app.response_class(data, mimetype="application/yaml")


@bp.get("/docs")
def docs() -> Response:
    """Return the interactive documentation page (Swagger UI)."""
    return current_app.response_class(DOCS_HTML, mimetype="text/html")
