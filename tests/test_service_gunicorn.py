"""Gunicorn with 2 workers under concurrent requests (fake analyzer; real one with -m model).

The fakes are served by ``tests/fake_wsgi.py`` (test-only); the model-marked
test is the fork-safety proof (stanza#570): two workers each load the real
Stanza/torch models after the fork and answer concurrent requests.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from attribution.settings import shared_dir

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], ready_timeout: float = 60
) -> Iterator[tuple[str, list[str]]]:
    """Run gunicorn with the repo config on a free loopback port; yield (url, log lines)."""
    port = _free_port()
    full_env = {**os.environ, **env}  # conftest cleared every ATTRIBUTION_* variable
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "service/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", app],
        cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    log: list[str] = [f"master pid {proc.pid}"]
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited: {proc.stderr.read() if proc.stderr else ''}")
            try:
                # Both workers must be ready: ask a few times, each may land anywhere.
                if all(_get(url + "/readyz")[0] == 200 for _ in range(6)):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not become ready")
            time.sleep(0.2)
        yield url, log
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        log.extend(err.splitlines())


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _post(url: str, body: bytes, content_type: str, timeout: float = 120) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {"rid": response.headers["X-Request-ID"], **json.load(response)}
    except urllib.error.HTTPError as exc:
        return exc.code, {"rid": exc.headers["X-Request-ID"], **json.load(exc)}


def _raw(url: str, data: bytes, *, end_body: bool = False, timeout: float = 10) -> bytes:
    """Send ``data`` on a new connection, read the answer until the server closes it."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        if end_body:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _rest_of_answer(sock: socket.socket, answer: bytes) -> bytes:
    """Read until the answer's head and its Content-Length of body are in (or the peer closes)."""
    sock.settimeout(5)
    while True:
        head, sep, body = answer.partition(b"\r\n\r\n")
        if sep:
            lengths = [
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            if lengths and len(body) >= lengths[0]:
                return answer
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk


def _problem(answer: bytes, status: int) -> dict:
    """Check ``answer`` is a problem+json response with an X-Request-ID; return its body."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status), answer[:300]
    headers = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in head.decode("latin-1").split("\r\n")[1:])
    }
    assert headers["content-type"] == "application/problem+json", head
    document = json.loads(body[: int(headers["content-length"])])
    assert headers["x-request-id"] == document["request_id"]
    assert document["status"] == status
    return document


def _post_head(length: int, extra: str = "") -> bytes:
    return (
        "POST /v1/attributions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _concurrent(url: str, text: str, requests: int, clients: int = 4) -> list[tuple[int, dict]]:
    body = json.dumps({"text": text}).encode()
    with ThreadPoolExecutor(clients) as pool:
        return list(
            pool.map(
                lambda _: _post(url + "/v1/attributions", body, "application/json"),
                range(requests),
            )
        )


def test_two_workers_serve_concurrent_requests_and_survive_bad_input() -> None:
    env = {"ATTRIBUTION_MAX_BODY_BYTES": "2000"}
    with gunicorn("tests.fake_wsgi:fake()", env) as (url, log):
        results = _concurrent(url, 'Officials said "we will go" today.', requests=40)
        assert [status for status, _ in results] == [200] * 40
        assert len({body["rid"] for _, body in results}) == 40
        # Chunked body over the limit, with no Content-Length: 413, not a truncated read.
        payload = json.dumps({"text": "x" * 5000}).encode()
        chunked = (
            b"POST /v1/attributions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
        )  # fmt: skip
        answer = _raw(url, chunked)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b"application/problem+json" in answer
        # Garbage and hostile requests get answers; no worker dies.
        for junk in [b"GARBAGE\r\n\r\n", b"POST /v1/attributions HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{{{",
                     b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n\r\n"]:  # fmt: skip
            _raw(url, junk)
        for path, body in [("/v1/attributions", b"[" * 1000), ("/v1/attributions:batch", b"{}")]:
            status, _ = _post(url + path, body, "application/json")
            assert 400 <= status < 500
        assert _get(url + "/healthz")[0] == 200
        # gunicorn's own answers to requests too broken for the app are problem documents.
        _problem(_raw(url, b"GARBAGE\r\n\r\n"), 400)
        _problem(_raw(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"), 400)
        _problem(_raw(url, b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n\r\n"), 414)
    # A worker that crashed or timed out would have been replaced: still exactly 2 boots.
    booted = [line for line in log if "Booting worker" in line]
    assert len(booted) == 2, "\n".join(log)
    assert not [line for line in log if "WORKER TIMEOUT" in line or "Traceback" in line]


SLOW_ENV = {
    "ATTRIBUTION_REQUEST_BUDGET": "2",
    "ATTRIBUTION_BODY_TIMEOUT": "1.5",
    "ATTRIBUTION_TIMEOUT": "30",
    "ATTRIBUTION_FAKE_SLOW": "60",  # "SLOW" texts never finish within the budget
}


def test_budget_body_deadline_and_incomplete_bodies_under_gunicorn() -> None:
    """Issue 10: no long request reaches gunicorn's timeout; no partial body is analysed."""
    with gunicorn("tests.fake_wsgi:slow()", SLOW_ENV) as (url, log):
        # Over budget: a 503 problem with Retry-After and the client's request id, in time.
        body = json.dumps({"text": 'SLOW: they said "x"'}).encode()
        started = time.monotonic()
        answer = _raw(
            url, _post_head(len(body), "X-Request-ID: slow-1\r\nConnection: close\r\n") + body
        )
        assert time.monotonic() - started < 15
        problem = _problem(answer, 503)
        assert problem["type"] == "urn:attribution:problem:budget-exceeded"
        assert problem["request_id"] == "slow-1" and b"\r\nRetry-After: " in answer
        # Declares 1000 bytes, sends 3 and waits: 408 at the body deadline, not a held worker.
        started = time.monotonic()
        problem = _problem(_raw(url, _post_head(1000) + b'{"t', timeout=20), 408)
        assert 1.4 < time.monotonic() - started < 10
        # A trickle (a byte every 0.2 s) is cut at the same absolute deadline.
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(_post_head(1000))
            started = time.monotonic()
            answer = b""
            try:
                while time.monotonic() - started < 12:
                    sock.sendall(b" ")
                    sock.settimeout(0.2)
                    try:
                        answer += sock.recv(65536)
                    except TimeoutError:
                        continue
                    if answer:
                        break
                answer = _rest_of_answer(sock, answer)
            except OSError:
                pass
        assert time.monotonic() - started < 10
        _problem(answer, 408)
        # Sends 3 of 1000 bytes and closes its side: 400, never analysed.
        problem = _problem(_raw(url, _post_head(1000) + b'{"t', end_body=True), 400)
        assert "3 of the 1000 bytes" in problem["detail"]
        assert _get(url + "/healthz")[0] == 200
    assert not [line for line in log if "WORKER TIMEOUT" in line or "Traceback" in line]
    assert len([line for line in log if "Booting worker" in line]) == 2, "\n".join(log)


def test_probes_stay_fast_while_every_worker_is_busy() -> None:
    """8 clients keep both workers computing (in Python, holding the GIL like the engine);
    /healthz and /readyz still answer at once. Bound generously for a loaded CI machine;
    benchmarks/bench_load.py measures the real figures."""
    env = {**SLOW_ENV, "ATTRIBUTION_FAKE_SLOW": "0.5", "ATTRIBUTION_FAKE_CPU": "1"}
    with gunicorn("tests.fake_wsgi:slow()", env) as (url, log):
        stop = threading.Event()
        statuses: list[int] = []
        body = json.dumps({"text": 'SLOW: they said "x"'}).encode()

        def client() -> None:
            while not stop.is_set():
                statuses.append(_post(url + "/v1/attributions", body, "application/json")[0])

        clients = [threading.Thread(target=client) for _ in range(8)]
        for thread in clients:
            thread.start()
        try:
            time.sleep(1.5)
            latencies = []
            for path in ["/healthz", "/readyz"] * 10:
                started = time.perf_counter()
                assert _get(url + path)[0] == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in clients:
                thread.join()
        latencies.sort()
        assert latencies[len(latencies) // 2] < 0.5 and latencies[-1] < 2.0, latencies
        assert statuses and set(statuses) <= {200, 503}, statuses
        assert statuses.count(200) >= len(statuses) // 2
    assert not [line for line in log if "WORKER TIMEOUT" in line or "Traceback" in line]


def test_a_worker_stopped_mid_request_answers_with_a_problem() -> None:
    """SIGABRT is what gunicorn's timeout backstop sends: the request in flight still gets
    a problem document with its request id, not a cut connection or an HTML page."""
    with gunicorn("tests.fake_wsgi:slow()", SLOW_ENV) as (url, log):
        master = int(log[0].split()[-1])
        body = json.dumps({"text": "SLOW"}).encode()
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(_post_head(len(body), "X-Request-ID: abort-1\r\n") + body)
            time.sleep(0.5)  # the request is being analysed, by one worker or the other
            for pid in _children(master):
                os.kill(pid, signal.SIGABRT)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        problem = _problem(answer, 500)
        assert problem["request_id"] == "abort-1" and "abort-1" in problem["detail"]
        deadline = time.monotonic() + 30  # the master replaces the stopped workers
        while time.monotonic() < deadline and _get(url + "/healthz")[0] != 200:
            time.sleep(0.2)
        assert _get(url + "/healthz")[0] == 200


def test_torch_in_two_workers_under_concurrent_requests() -> None:
    """Each worker imports torch after the fork, with a 2-thread pool; nothing hangs, and
    the request threads of the gthread workers leave torch at its configured threads."""
    env = {"ATTRIBUTION_THREADS": "2"}
    with gunicorn("tests.fake_wsgi:torch()", env, ready_timeout=120) as (url, log):
        results = _concurrent(url, 'Officials said "we will go" today.', requests=24)
        assert [status for status, _ in results] == [200] * 24
        assert all(body["meta"]["versions"]["torch"] for _, body in results)
        assert {body["meta"]["versions"]["torch_threads"] for _, body in results} == {"2"}
    assert len([line for line in log if "Booting worker" in line]) == 2, "\n".join(log)
    assert not [line for line in log if "WORKER TIMEOUT" in line]


@pytest.mark.model
@pytest.mark.shared
def test_real_models_in_two_workers_under_concurrent_requests() -> None:
    seed = shared_dir() / "examples" / "gantz-morocco.txt"
    if not seed.exists():
        pytest.skip(f"needs {seed}")
    with gunicorn("service.wsgi:app", {}, ready_timeout=300) as (url, log):
        results = _concurrent(url, seed.read_text(encoding="utf-8"), requests=8)
        assert [status for status, _ in results] == [200] * 8, results[0]
        assert all(body["attributions"] for _, body in results)
    assert len([line for line in log if "Booting worker" in line]) == 2
