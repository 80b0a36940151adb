"""HTTP routes: parse the request, call the library, dump the result. No NLP here."""

from __future__ import annotations

import json as stdjson
import time
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from attribution.document import TextTooLong, analyze_document, extracted_text, versions_for
from attribution.errors import BudgetExceeded
from service.body import read_body
from service.engine import Clock, get_engine, request_clock, rubric_provider
from service.errors import ArticleTooLong, BatchTooLong, QueryInvalid, describe, problem
from service.schemas import ARTICLE_SCHEMA, BATCH_SCHEMA, MAX_ID

bp = Blueprint("api", __name__)

JSON_TYPES = {"application/json"}
RAW_TYPES = {"text/plain": "text", "text/html": "html"}
#: The endpoints that may run an analysis: each takes one of the worker's admission slots.
WORK_ENDPOINTS = frozenset({"api.attributions", "api.attributions_batch"})


@bp.before_request
def _admit() -> None:
    """Take an admission slot for an analysis request (503 busy when none is left)."""
    if request.endpoint in WORK_ENDPOINTS:
        get_engine().admit()
        g.admitted = True


@bp.after_request
def _leave_before_sending(response: Response) -> Response:
    """Give the slot back as soon as the answer is ready: the client may send its next
    request the moment it has read this one."""
    _leave(None)
    return response


@bp.teardown_request
def _leave(exc: BaseException | None) -> None:
    if g.pop("admitted", False):
        get_engine().leave()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (RFC 8259 has no NaN or Infinity)")


def _read_json() -> Any:
    """Return the parsed JSON body; 415 if it is not JSON, 400 if it does not parse."""
    if request.mimetype not in JSON_TYPES:
        raise UnsupportedMediaType(
            f"send Content-Type: application/json (got {request.mimetype or 'none'})"
        )
    data = read_body()
    if not data.strip():
        raise BadRequest("the request body is empty; send a JSON object")
    try:
        return stdjson.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None


def _read_article() -> dict[str, Any]:
    """Return the article from a JSON body or a raw text/plain or text/html body."""
    mimetype = request.mimetype
    if mimetype in RAW_TYPES:
        charset = request.mimetype_params.get("charset", "utf-8")
        data = read_body()
        try:
            text = data.decode(charset)
        except LookupError:
            raise UnsupportedMediaType(f"unknown charset {charset!r}; send UTF-8") from None
        except (UnicodeError, ValueError) as exc:  # some codecs raise plain UnicodeError
            raise BadRequest(f"the body is not valid {charset}: {exc}") from None
        raw: dict[str, Any] = {"text": text, "format": RAW_TYPES[mimetype]}
        loaded: dict[str, Any] = ARTICLE_SCHEMA.load(raw)
        loaded["id"] = _query_id()
        return loaded
    if mimetype not in JSON_TYPES:
        raise UnsupportedMediaType(
            "send Content-Type: application/json, text/plain or text/html "
            f"(got {mimetype or 'none'})"
        )
    _query_id()  # checked, but ignored: a JSON body names itself with "id" (see openapi.yaml)
    loaded = ARTICLE_SCHEMA.load(_read_json())
    return loaded


def _query_id() -> str | None:
    """Return the ``?id=`` query parameter, checked like the JSON ``id``."""
    value = request.args.get("id")
    if value is not None and not 1 <= len(value) <= MAX_ID:
        raise QueryInvalid(
            f"the id query parameter must have 1 to {MAX_ID} characters",
            errors=[{"parameter": "id", "detail": f"Length must be between 1 and {MAX_ID}."}],
        )
    return value


def analyze_article(article: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """Analyse one validated article within ``clock``'s budget; return the response document."""
    engine = get_engine()
    options = article["options"]
    try:
        document = analyze_document(
            lambda text: engine.analyze(text, options, clock),
            article["document"] if "document" in article else article["text"],
            fmt=article["format"],
            max_chars=current_app.config["MAX_CHARS"],
            versions=lambda: versions_for(engine.versions(), options),
        )
    except TextTooLong as exc:
        raise ArticleTooLong(str(exc), limit=exc.limit, length=exc.length) from None
    return {"id": article["id"], **document}


@bp.post("/v1/attributions")
def attributions() -> Response:
    """Analyse one article."""
    return jsonify(analyze_article(_read_article(), request_clock()))


@bp.post("/v1/attributions:batch")
def attributions_batch() -> Response:
    """Analyse several articles; each item gets its own result or its own error.

    The items share the request's time budget: each is analysed with what is
    left of it, and an item that runs out of it, or finds it spent, gets a 503
    error entry of its own. A batch over ``BATCH_MAX`` items or
    ``BATCH_MAX_CHARS`` characters is refused up front.
    """
    started = time.perf_counter()
    clock = request_clock()
    batch = BATCH_SCHEMA.load(_read_json())
    items = batch["items"]
    limit = current_app.config["BATCH_MAX"]
    if len(items) > limit:
        detail = f"the batch has {len(items)} items; the limit is {limit} items per request"
        raise QueryInvalid(
            detail,
            errors=[{"pointer": "/items", "detail": detail}],
            limit=limit,
            length=len(items),
        )
    checked: list[dict[str, Any] | BaseException] = []
    for raw in items:
        try:
            checked.append(ARTICLE_SCHEMA.load(raw))
        except Exception as exc:  # each item fails on its own
            checked.append(exc)
    _check_batch_chars(checked)
    get_engine().ensure_loaded(clock)  # models unavailable: one 503, not N item errors
    results: list[dict[str, Any]] = []
    for index, (raw, article) in enumerate(zip(items, checked, strict=True)):
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if index % PREPARE_ITEMS == 0:
            _prepare_items(checked[index : index + PREPARE_ITEMS], clock)
        try:
            if isinstance(article, BaseException):
                raise article
            if clock.remaining() <= 0:
                raise BudgetExceeded(clock.budget, "an earlier item; this one was not started")
            result = analyze_article(article, clock)
        except Exception as exc:  # each item fails on its own
            error = describe(exc)
            error["instance"] = f"{request.path}#/items/{index}"
            results.append(
                {"index": index, "id": _str_or_none(item_id), "status": error["status"],
                 "error": error}
            )  # fmt: skip
        else:
            results.append({"index": index, "id": result["id"], "status": 200, "result": result})
    ok = sum(1 for r in results if r["status"] == 200)
    return jsonify(
        {
            "items": results,
            "summary": {"total": len(results), "succeeded": ok, "failed": len(results) - ok},
            "meta": {
                "versions": get_engine().versions(),
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 3),
            },
        }
    )


#: Batch items whose texts are parsed together, ahead of their analyses (issue 13).
PREPARE_ITEMS = 8


def _prepare_items(window: list[dict[str, Any] | BaseException], clock: Clock) -> None:
    """Parse the texts of a window of valid items in one pass (``Engine.prepare``).

    Only items that repair their text (the default) take part; an item that
    cannot be read or is too long is left to fail in its own analysis. Each
    item's result is the same as without it.
    """
    max_chars = current_app.config["MAX_CHARS"]
    texts = []
    for article in window:
        if isinstance(article, BaseException) or (article["options"] or {}).get("repair") is False:
            continue
        try:
            source = article["document"] if "document" in article else article["text"]
            text = extracted_text(source, article["format"])
        except Exception:  # its own error when it is analysed
            continue
        if len(text) <= max_chars:
            texts.append(text)
    get_engine().prepare(texts, {"repair": True}, clock)


def _check_batch_chars(checked: list[dict[str, Any] | BaseException]) -> None:
    """Refuse the batch (413) when its items hold more than ``BATCH_MAX_CHARS`` characters.

    Counted: the characters each valid item would have analysed (HTML and the CMS
    formats: the extracted text); an item refused on its own (invalid, an unreadable
    CMS document, over ``MAX_CHARS``) adds nothing.
    """
    from attribution.cms import CmsDocumentError

    limit = current_app.config["BATCH_MAX_CHARS"]
    max_chars = current_app.config["MAX_CHARS"]
    total = 0
    for article in checked:
        if isinstance(article, BaseException):
            continue
        try:
            source = article["document"] if "document" in article else article["text"]
            length = len(extracted_text(source, article["format"]))
        except CmsDocumentError:
            continue  # its own 422 when it is analysed
        if length <= max_chars:
            total += length
    if total > limit:
        detail = (
            f"the batch's items hold {total} characters; the limit is {limit} characters per "
            "batch (ATTRIBUTION_BATCH_MAX_CHARS): send fewer or shorter items per request"
        )
        raise BatchTooLong(
            detail, errors=[{"pointer": "/items", "detail": detail}], limit=limit, length=total
        )


@bp.get("/v1/rubric")
def rubric() -> Response:
    """Return the scoring rules and weights in force."""
    return jsonify(rubric_provider(current_app.config["RUBRIC_PROVIDER"])())


@bp.get("/healthz")
def healthz() -> Response:
    """Say the process is alive (models or not)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Say whether the models are loaded: 200 when ready, 503 until then."""
    engine = get_engine()
    if engine.ready:
        return jsonify(
            {
                "status": "ready",
                "load": engine.mode,
                "model": engine.model,
                "versions": engine.versions(),
            }
        )
    if engine.state == "failed":
        detail = engine.error or "the models failed to load"
    elif engine.mode == "lazy":
        detail = "the models are not loaded yet; lazy mode loads them on the first analysis"
    else:
        detail = "the models are loading (eager mode: started when the worker started)"
    return problem(
        503,
        detail,
        slug="models-unavailable",
        title="Models unavailable",
        headers={"Retry-After": "5"},
        load=engine.mode,
        state=engine.state,
    )


def _str_or_none(value: Any) -> str | None:
    """Return ``value`` if it is a string that can be echoed back as UTF-8, else None."""
    if not isinstance(value, str) or len(value) > MAX_ID:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value
