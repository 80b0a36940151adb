"""HTTP routes: parse the request, call the library, dump the result. No NLP here."""

from __future__ import annotations

import json as stdjson
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from attribution.document import TextTooLong, analyze_document
from service.engine import get_engine, rubric_provider
from service.errors import ArticleTooLong, QueryInvalid, describe, problem
from service.schemas import ARTICLE_SCHEMA, BATCH_SCHEMA, MAX_ID

bp = Blueprint("api", __name__)

JSON_TYPES = {"application/json"}
RAW_TYPES = {"text/plain": "text", "text/html": "html"}


def read_body() -> bytes:
    """Return the request body; 413 past ``MAX_CONTENT_LENGTH``, chunked bodies included.

    Werkzeug checks a declared Content-Length, but silently truncates a body
    sent without one (chunked) at the limit; read those here and refuse them.
    """
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    stream = request.environ["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(64 * 1024 if limit is None else min(64 * 1024, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise RequestEntityTooLarge()


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
        return stdjson.loads(data)
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
    query_id = _query_id()
    loaded = ARTICLE_SCHEMA.load(_read_json())
    if loaded["id"] is None:
        loaded["id"] = query_id
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


def analyze_article(article: dict[str, Any]) -> dict[str, Any]:
    """Analyse one validated article and return the response document."""
    engine = get_engine()
    options = article["options"]
    try:
        document = analyze_document(
            lambda text: engine.analyze(text, options),
            article["text"],
            fmt=article["format"],
            max_chars=current_app.config["MAX_CHARS"],
            versions=engine.versions,
        )
    except TextTooLong as exc:
        raise ArticleTooLong(str(exc), limit=exc.limit, length=exc.length) from None
    return {"id": article["id"], **document}


@bp.post("/v1/attributions")
def attributions() -> Response:
    """Analyse one article."""
    return jsonify(analyze_article(_read_article()))


@bp.post("/v1/attributions:batch")
def attributions_batch() -> Response:
    """Analyse several articles; each item gets its own result or its own error."""
    started = time.perf_counter()
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
    get_engine().ensure_loaded()  # models unavailable: one 503, not N item errors
    results: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        item_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            result = analyze_article(ARTICLE_SCHEMA.load(raw))
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
        return jsonify({"status": "ready", "load": engine.mode, "versions": engine.versions()})
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
