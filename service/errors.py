"""Map every error to an RFC 9457 ``application/problem+json`` response.

This is the one place where exceptions become HTTP statuses:

==========================================  ======  ===============================
raised                                      status  problem ``type``
==========================================  ======  ===============================
malformed JSON (NaN too), undecodable or   400     about:blank
incomplete body
missing or wrong API key                    401     urn:attribution:problem:unauthorized
unknown path                                404     about:blank
wrong method (checked before the API key)   405     about:blank
body not sent within ATTRIBUTION_BODY_...   408     about:blank
body over ATTRIBUTION_MAX_BODY_BYTES        413     about:blank
:class:`ArticleTooLong` (article, batch)    413     urn:attribution:problem:too-long
wrong or missing Content-Type               415     about:blank
marshmallow ``ValidationError``,            422     urn:attribution:problem:validation
:class:`QueryInvalid` (bad ?id, batch big)
:class:`attribution.cms.CmsDocumentError`  422     urn:attribution:problem:document
(an ANS or WordPress document unread)
:class:`attribution.errors.InputError`      422     urn:attribution:problem:input
models missing, failed or still loading     503     urn:attribution:problem:models-unavailable
:class:`BudgetExceeded` (request budget)    503     urn:attribution:problem:budget-exceeded
:class:`Overloaded` (no thread to wait in)  503     urn:attribution:problem:busy
anything else                               500     about:blank (request id, no trace)
==========================================  ======  ===============================

Every 503 has ``Retry-After``. Errors gunicorn answers itself (a malformed
request line, a worker stopped mid-request) are written as problem documents
too, by :mod:`service.worker`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from attribution.cms import CmsDocumentError
from attribution.errors import BudgetExceeded, InputError, ModelLoadError, ModelNotFoundError

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
TYPE_PREFIX = "urn:attribution:problem:"
#: Seconds a client should wait before retrying, by problem type (every 503 has one).
RETRY_AFTER = {"models-unavailable": "5", "busy": "2", "budget-exceeded": "30"}

log = logging.getLogger("service")


class ServiceError(Exception):
    """An error the service raises on purpose, with its status and problem type."""

    status = 500
    slug = ""
    title = ""

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class ArticleTooLong(ServiceError):
    """The article, or the batch, is over a configured limit."""

    status = 413
    slug = "too-long"
    title = "Article too long"


class BatchTooLong(ArticleTooLong):
    """The batch's items hold more characters than ``BATCH_MAX_CHARS``."""

    title = "Batch too long"


class QueryInvalid(ServiceError):
    """The request is invalid in a way the schemas cannot see (bad query, batch too big)."""

    status = 422
    slug = "validation"
    title = "Validation failed"


class ModelsUnavailable(ServiceError):
    """The models are not loaded (missing, failed, or still loading)."""

    status = 503
    slug = "models-unavailable"
    title = "Models unavailable"


class Overloaded(ServiceError):
    """Every thread this worker may give to analyses is taken; the probes keep the rest."""

    status = 503
    slug = "busy"
    title = "Service busy"


class Unauthorized(ServiceError):
    """The request has no valid API key."""

    status = 401
    slug = "unauthorized"
    title = "API key required"


def request_id() -> str:
    """Return this request's id, making one up if the request has none yet."""
    if not has_request_context():
        return uuid.uuid4().hex
    rid = g.get("request_id")
    if rid is None:
        rid = g.request_id = uuid.uuid4().hex
    return str(rid)


def problem_body(
    status: int,
    detail: str,
    *,
    slug: str = "",
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """Build a problem document (a dict) for ``status``."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug if slug else "about:blank",
        "title": title or _phrase(status),
        "status": status,
        "detail": detail,
    }
    if has_request_context():
        body["instance"] = request.path
    body["request_id"] = request_id()
    if errors is not None:
        body["errors"] = errors
    body.update(extensions)
    return body


def problem(
    status: int,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Response:
    """Return an ``application/problem+json`` response."""
    body = problem_body(status, detail, **kwargs)
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def field_errors(messages: Any, pointer: str = "") -> list[dict[str, str]]:
    """Flatten marshmallow messages into ``[{"pointer": "/a/0", "detail": ...}]``."""
    out: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            where = pointer if key == "_schema" else f"{pointer}/{_escape(str(key))}"
            out.extend(field_errors(value, where))
    elif isinstance(messages, list | tuple):
        for item in messages:
            out.extend(field_errors(item, pointer))
    else:
        out.append({"pointer": pointer or "/", "detail": str(messages)})
    return out


def describe(exc: BaseException) -> dict[str, Any]:
    """Return the problem document for ``exc`` (used for batch items and responses)."""
    if isinstance(exc, ServiceError):
        return problem_body(
            exc.status, exc.detail, slug=exc.slug, title=exc.title or None, **exc.extensions
        )
    if isinstance(exc, ValidationError):
        errors = field_errors(exc.messages)
        return problem_body(
            422,
            "the request does not match the schema: " + _summary(errors),
            slug="validation",
            title="Validation failed",
            errors=errors,
        )
    if isinstance(exc, CmsDocumentError):
        return problem_body(
            422,
            f"the CMS document cannot be read: {exc}",
            slug="document",
            title="Unreadable CMS document",
            errors=[{"pointer": exc.pointer, "detail": str(exc)}],
        )
    if isinstance(exc, InputError):
        return problem_body(422, str(exc), slug="input", title="Unprocessable article")
    if isinstance(exc, BudgetExceeded):
        budget = current_app.config.get("REQUEST_BUDGET", exc.budget)
        return problem_body(
            503,
            f"the request ran past its time budget of {budget:g} s (during {exc.stage}); "
            "retry later or send a shorter text",
            slug="budget-exceeded",
            title="Time budget exceeded",
            budget=budget,
            stage=exc.stage,
        )
    if isinstance(exc, ModelNotFoundError | ModelLoadError):
        return problem_body(503, str(exc), slug="models-unavailable", title="Models unavailable")
    if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
        return problem_body(exc.code, _http_detail(exc))
    trace = (type(exc), exc, exc.__traceback__)
    log.error("unexpected error, request id %s", request_id(), exc_info=trace)
    return problem_body(
        500,
        f"an unexpected error happened; quote request id {request_id()} when reporting it",
    )


def _respond(exc: BaseException) -> Response:
    body = describe(exc)
    response = current_app.response_class(
        json.dumps(body), status=body["status"], mimetype=PROBLEM_JSON
    )
    if isinstance(exc, HTTPException):
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="attribution"'
    if body["status"] == 503:
        response.headers["Retry-After"] = retry_after(body)
    return response


def retry_after(body: Mapping[str, Any]) -> str:
    """Return the ``Retry-After`` seconds for a 503 problem document."""
    slug = str(body.get("type", "")).removeprefix(TYPE_PREFIX)
    return RETRY_AFTER.get(slug, "5")


def init_app(app: Flask) -> None:
    """Register the handlers that turn every exception into problem+json."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if isinstance(exc, InternalServerError):
            return _respond(exc.original_exception or exc)
        return _respond(exc)

    handled = (
        ServiceError, ValidationError, InputError, BudgetExceeded, ModelNotFoundError,
        ModelLoadError,
    )  # fmt: skip
    for cls in handled:
        app.register_error_handler(cls, _respond)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        return _respond(exc)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _http_detail(exc: HTTPException) -> str:
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return f"the request body is larger than the limit of {limit} bytes"
    return str(exc.description or _phrase(exc.code or 500))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _summary(errors: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
