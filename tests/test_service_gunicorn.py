"""Gunicorn with 2 workers under concurrent requests (fake analyzer; real one with -m model).

The fakes are served by ``tests/fake_wsgi.py`` (test-only); the model-marked
test is the fork-safety proof (stanza#570): two workers each load the real
Stanza/torch models after the fork and answer concurrent requests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from attribution.settings import shared_dir

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
    log: list[str] = []
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


def _raw(url: str, data: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


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
    # A worker that crashed or timed out would have been replaced: still exactly 2 boots.
    booted = [line for line in log if "Booting worker" in line]
    assert len(booted) == 2, "\n".join(log)
    assert not [line for line in log if "WORKER TIMEOUT" in line or "Traceback" in line]


def test_torch_in_two_workers_under_concurrent_requests() -> None:
    """Each worker imports torch after the fork, with a 2-thread pool; nothing hangs."""
    env = {"ATTRIBUTION_THREADS": "2"}
    with gunicorn("tests.fake_wsgi:torch()", env, ready_timeout=120) as (url, log):
        results = _concurrent(url, 'Officials said "we will go" today.', requests=24)
        assert [status for status, _ in results] == [200] * 24
        assert all(body["meta"]["versions"]["torch"] for _, body in results)
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
