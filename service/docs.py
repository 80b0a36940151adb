"""Serve ``openapi.yaml`` and an interactive documentation page, with no network.

The page is Swagger UI 5 (it reads OpenAPI 3.1). Its assets come from the
``flask-swagger-ui`` distribution (a dependency of the ``serve`` extra), which
carries Swagger UI's ``dist`` folder and its Apache-2.0 licence: this module
only serves a handful of its files at ``/docs/<asset>``. Nothing is loaded
from a CDN, so ``/docs`` works offline and behind a firewall.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app
from werkzeug.exceptions import NotFound

bp = Blueprint("docs", __name__)

#: The files of Swagger UI's ``dist`` folder the page uses (and its licence), by media type.
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
    "LICENSE": "text/plain",
    "VERSION": "text/plain",
}

# Relative URLs: the page works behind a proxy that mounts the service under a prefix.
DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>attribution API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="docs"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "openapi.yaml", dom_id: "#docs"});
  </script>
  <noscript>The interactive docs need JavaScript; the spec is at
    <a href="openapi.yaml">openapi.yaml</a>.</noscript>
</body>
</html>
"""


@cache
def swagger_ui_dir() -> Path | None:
    """Return Swagger UI's ``dist`` folder from the installed ``flask-swagger-ui``, or None."""
    spec = importlib.util.find_spec("flask_swagger_ui")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "dist"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


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


@bp.get("/docs/<asset>")
def asset(asset: str) -> Response:
    """Return one of Swagger UI's files (shipped with the package, never from a CDN)."""
    folder = swagger_ui_dir()
    if asset not in ASSETS or folder is None:
        raise NotFound(
            f"no documentation asset {asset!r}"
            if folder is not None
            else "Swagger UI's files are not installed (pip install 'attribution[serve]')"
        )
    response = current_app.response_class(_read(str(folder / asset)), mimetype=ASSETS[asset])
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
