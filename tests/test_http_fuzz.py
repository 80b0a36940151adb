"""Hypothesis over the HTTP layer (fake analyzer): adversarial bodies never get a 5xx.

Bodies: unbalanced and flooded quote marks, a 100,000-character line, right-to-left
text and direction overrides, emoji sequences, NUL and other controls, lone
surrogates as JSON ``\\ud800`` escapes, invalid UTF-8, deeply nested JSON and
HTML, in JSON articles, batches and raw ``text/plain`` / ``text/html`` bodies.
Every answer is a 200 JSON document or a problem+json document whose
``request_id`` is the ``X-Request-ID`` header. Run through the Flask test client
(many examples) and through real gunicorn workers on loopback (fewer); the
contract itself is checked by schemathesis in ``tests/test_openapi.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import FakeAnalyzer, fake_rubric
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_service_gunicorn import gunicorn

from service import create_app

QUOTES = "\"'“”„‟«»‹›‘’‚‛「」『』〝〞＂"
RTL = "\u05d0\u05de\u05e8 \u0642\u0627\u0644 \u202e\u202d\u202b\u202a\u200f\u200e\u2067\u2069"
EMOJI = "😀👍🏽👨‍👩‍👧‍👦🇫🇷🏳️‍🌈\ufe0f\u200d"
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\ufffe"
WORDS = ["said", "told", "according to", "officials", "Gantz", "\n", "\n\n", " ", ".", ":"]


def _flood(mark: str, n: int) -> str:
    return mark * n


#: Text a scraper or an attacker might send.
texts = st.one_of(
    st.text(st.sampled_from(QUOTES + " ab.\n"), max_size=400),  # unbalanced quote marks
    st.builds(_flood, st.sampled_from(QUOTES), st.integers(1, 20_000)),  # flooded
    st.lists(st.sampled_from(WORDS + list(QUOTES)), max_size=200).map("".join),
    st.text(st.sampled_from(RTL + EMOJI + CONTROLS + QUOTES + "said "), max_size=300),
    st.sampled_from(
        [
            "x" * 100_000,  # one 100k-character line: at the limit
            'He said "' + "y" * 99_990 + '"',
            "z" * 100_001,  # one over: 413
            "said " * 20_000,
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
)

#: Nested markup and JSON, as articles.
nested_html = st.integers(1, 20_000).map(
    lambda n: "<div><p>" * n + 'Officials said "hi".' + "</p></div>" * n
)
unclosed_html = st.integers(1, 20_000).map(lambda n: "<b><i><q>" * n + "said")


def _json_article(text: str, fmt: str | None, options: Any) -> bytes:
    doc: dict[str, Any] = {"text": text}
    if fmt is not None:
        doc["format"] = fmt
    if options is not None:
        doc["options"] = options
    return json.dumps(doc).encode()


def _surrogate_escapes(where: str) -> bytes:
    # json.dumps cannot make these: a lone surrogate escaped in JSON.
    return {
        "text": b'{"text": "a \\ud800 b said \\"\\udfff\\""}',
        "id": b'{"text": "ok", "id": "\\udbff"}',
        "key": b'{"text": "ok", "\\ud800": 1}',
        "options": b'{"text": "ok", "options": {"\\udc80": true}}',
        "batch": b'{"items": [{"text": "\\ud800"}, {"text": "fine", "id": "\\ud83d"}]}',
    }[where]


def _nested_json(depth: int, opener: str) -> bytes:
    closer = {"[": "]", "{": "}"}[opener]
    if opener == "{":
        return ('{"a":' * depth + "1" + closer * depth).encode()
    return (opener * depth + closer * depth).encode()


def _invalid_utf8(prefix: bytes, junk: bytes) -> bytes:
    return b'{"text": "' + prefix + junk + b'"}'


#: (path, content type, body bytes)
requests = st.one_of(
    st.tuples(
        st.just("/v1/attributions"),
        st.just("application/json"),
        st.builds(
            _json_article,
            texts | nested_html | unclosed_html,
            st.sampled_from([None, "text", "html"]),
            st.sampled_from([None, {}, {"repair": False}, {"repair": "no"}, {"x": 1}]),
        ),
    ),
    st.tuples(
        st.just("/v1/attributions:batch"),
        st.just("application/json"),
        st.lists(texts | nested_html, min_size=1, max_size=4).map(
            lambda items: json.dumps(
                {"items": [{"text": t, "id": str(i)} for i, t in enumerate(items)]}
            ).encode()
        ),
    ),
    st.tuples(
        st.sampled_from(["/v1/attributions", "/v1/attributions?id=raw-1"]),
        st.sampled_from(["text/plain", "text/html", "text/plain; charset=utf-8"]),
        (texts | nested_html | unclosed_html).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    st.tuples(
        st.sampled_from(["/v1/attributions", "/v1/attributions:batch"]),
        st.just("application/json"),
        st.sampled_from(["text", "id", "key", "options", "batch"]).map(_surrogate_escapes),
    ),
    st.tuples(
        st.sampled_from(["/v1/attributions", "/v1/attributions:batch"]),
        st.just("application/json"),
        st.builds(_nested_json, st.integers(1, 200_000), st.sampled_from(["[", "{"])),
    ),
    st.tuples(
        st.sampled_from(["/v1/attributions"]),
        st.sampled_from(["application/json", "text/plain", "text/html"]),
        st.builds(
            _invalid_utf8,
            st.sampled_from([b"", b"said ", b'\\"']),
            st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80\x80"]),
        ),
    ),
)


def check_answer(status: int, mimetype: str, request_id: str | None, body: bytes) -> None:
    """The one rule: no 5xx; a 200 JSON document or a problem document naming the request."""
    event(f"status {status}")
    assert status < 500, body[:500]
    assert request_id, "every response carries X-Request-ID"
    document = json.loads(body)
    if status == 200:
        assert mimetype == "application/json"
        return
    assert mimetype == "application/problem+json", (status, mimetype)
    assert document["status"] == status
    assert document["request_id"] == request_id
    assert isinstance(document["detail"], str) and document["detail"]


@pytest.fixture(scope="module")
def fuzz_client() -> FlaskClient:
    app = create_app({"RUBRIC_PROVIDER": fake_rubric}, analyzer=FakeAnalyzer())
    return app.test_client()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests)
def test_adversarial_bodies_never_get_a_5xx(
    fuzz_client: FlaskClient, request: tuple[str, str, bytes]
) -> None:
    path, content_type, body = request
    response = fuzz_client.post(path, data=body, content_type=content_type)
    check_answer(
        response.status_code,
        response.mimetype,
        response.headers.get("X-Request-ID"),
        response.get_data(),
    )
    if response.status_code == 200 and path == "/v1/attributions":
        result = response.get_json()
        analysed = result["document"].get("text")
        for attribution in result["attributions"]:
            span = attribution["content"]
            if analysed is not None:
                assert analysed[span["start"] : span["end"]] == span["text"]


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    with gunicorn("tests.fake_wsgi:fake()", {}) as (url, _log):
        yield url


def _http(url: str, path: str, content_type: str, body: bytes) -> tuple[int, str, str, bytes]:
    import http.client

    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        mimetype = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, mimetype, response.getheader("X-Request-ID") or "", response.read()
    finally:
        connection.close()


@pytest.mark.server
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests)
def test_adversarial_bodies_through_gunicorn(
    live_url: str, request: tuple[str, str, bytes]
) -> None:
    path, content_type, body = request
    check_answer(*_http(live_url, path, content_type, body))
