"""The editor's page at ``GET /``: paste or drop an article and see its attributions on it.

Server-rendered HTML (``templates/index.html``) plus one hand-written JavaScript
module (``static/page.js``) and a style sheet (``static/page.css``), all shipped
in the package and served by Flask's static route: nothing is loaded from
another host. The Content-Security-Policy says so to the browser too. The page
calls ``POST /v1/attributions`` with ``fetch``; when the server has API keys,
it shows a key field whose value stays in the tab's ``sessionStorage``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from attribution.document import library_version

bp = Blueprint("page", __name__)

#: Everything from this origin only; the downloaded JSON is a blob: URL, the icon a data: one.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.get("/")
def index() -> Response:
    """Return the editor's page."""
    html = render_template(
        "index.html",
        keys_required=bool(current_app.config["API_KEYS"]),
        max_chars=current_app.config["MAX_CHARS"],
        version=library_version(),
    )
    response = current_app.response_class(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
