"""The gunicorn hooks in service/worker.py: gunicorn's own errors and stopped workers.

End to end (real gunicorn, SIGABRT, malformed requests) in tests/test_service_gunicorn.py.
"""

from __future__ import annotations

import json
import socket

import pytest

from service import worker


def _parse(raw: bytes) -> tuple[str, dict[str, str], dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    assert int(headers["content-length"]) == len(body)
    return status, headers, json.loads(body)


def test_problem_bytes_is_a_whole_problem_response() -> None:
    status, headers, body = _parse(
        worker.problem_bytes(503, "going away", request_id="r-1", headers={"Retry-After": "5"})
    )
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-request-id"] == "r-1" == body["request_id"]
    assert headers["connection"] == "close" and headers["retry-after"] == "5"
    assert body["status"] == 503 and body["detail"] == "going away"


def test_gunicorn_error_pages_become_problem_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn import util

    monkeypatch.setattr(util, "write_error", util.write_error)  # restored after the test
    worker.install()
    left, right = socket.socketpair()
    with left, right:
        util.write_error(left, 400, "Bad Request", "Invalid Request Line 'GARBAGE'")
        left.shutdown(socket.SHUT_WR)
        status, headers, body = _parse(right.recv(65536))
    assert status.startswith("HTTP/1.1 400")
    assert headers["x-request-id"] == body["request_id"]
    assert body["detail"] == "Invalid Request Line 'GARBAGE'"


def test_requests_in_flight_are_answered_when_the_worker_stops() -> None:
    left, right = socket.socketpair()
    with left, right:
        environ = {"gunicorn.socket": left, "PATH_INFO": "/v1/attributions"}
        done = {"gunicorn.socket": left}
        worker.track(environ, "in-flight-1")
        worker.track(done, "finished-1")
        worker.untrack(done)  # its response had started: not answered again
        assert worker.answer_in_flight(500, "the worker stopped") == 1
        status, headers, body = _parse(right.recv(65536))
        assert right.recv(10) == b""  # closed after the answer
    assert status.startswith("HTTP/1.1 500")
    assert headers["x-request-id"] == "in-flight-1" == body["request_id"]
    assert body["instance"] == "/v1/attributions" and "in-flight-1" in str(body["detail"])
    assert worker.answer_in_flight(500, "again") == 0


def test_requests_without_a_gunicorn_socket_are_not_tracked() -> None:
    worker.track({"PATH_INFO": "/"}, "dev-server")
    assert worker.answer_in_flight(500, "x") == 0


def test_malloc_arenas_are_capped_unless_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import platform

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert worker.limit_malloc_arenas(2) is False  # the operator's setting wins
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert worker.limit_malloc_arenas(8) is True  # 8: glibc's own cap on a small machine
