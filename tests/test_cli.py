"""The ``attribution`` command line, with a fake analyzer (no models)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attribution import cli

FAKE = "service.testing:FakeAnalyzer"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTRIBUTION_ANALYZER", FAKE)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text('Officials said "we will formalise it" on Tuesday.', encoding="utf-8")
    return path


def test_one_file_prints_one_json_document(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", str(article)]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert list(doc) == ["attributions", "speakers", "summary", "repairs", "warnings"]
    assert doc["attributions"][0]["content"]["text"] == "we will formalise it"
    assert "file" not in doc
    assert out.count("\n") > 3  # pretty-printed


def test_several_files_print_json_lines_with_file(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "page.html"
    html.write_text("<p>He said &ldquo;hi&rdquo;</p>", encoding="utf-8")
    assert cli.main(["analyze", "--no-progress", str(article), str(html)]) == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [json.loads(line) for line in lines]
    assert [d["file"] for d in docs] == [str(article), str(html)]
    content = docs[1]["attributions"][0]["content"]
    assert content["text"] == "hi" and "html_start" in content
    assert docs[1]["document"]["format"] == "html"


def test_models_load_once_per_run(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.testing import FakeAnalyzer

    made: list[FakeAnalyzer] = []

    def factory(**kwargs: object) -> FakeAnalyzer:
        made.append(FakeAnalyzer())
        return made[-1]

    monkeypatch.setattr(cli, "importlib", _FakeImportlib(factory))
    assert cli.main(["analyze", "--no-progress", str(article), str(article), str(article)]) == 0
    assert len(made) == 1 and made[0].load_calls == 1 and made[0].analyze_calls == 3


class _FakeImportlib:
    def __init__(self, factory: object) -> None:
        self.factory = factory

    def import_module(self, name: str) -> object:
        return type("M", (), {"FakeAnalyzer": staticmethod(self.factory)})


def test_progress_bar_goes_to_stderr(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["analyze", "--progress", str(article), str(article)]) == 0
    captured = capsys.readouterr()
    assert "2/2" in captured.err and "[" in captured.err
    assert "2/2" not in captured.out


def test_missing_file_is_one_line_and_others_still_run(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", "--no-progress", "/no/such/file.txt", str(article)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "attribution: error: /no/such/file.txt: no such file\n"
    assert json.loads(captured.out)["file"] == str(article)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe\x00bad", "not UTF-8"), (b"   \n", "empty"), (b"", "empty")],
)
def test_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert cli.main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["analyze", str(tmp_path)]) == 1
    assert "directory" in capsys.readouterr().err


def test_bad_options_json_is_usage_error(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["analyze", "--options", "{nope", str(article)]) == 2
    assert cli.main(["analyze", "--options", "[1]", str(article)]) == 2
    assert capsys.readouterr().err.count("\n") == 2


def test_missing_engine_exits_3(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ATTRIBUTION_ANALYZER", "no_such_engine_xyz:Analyzer")
    assert cli.main(["analyze", str(article)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("attribution: error:") and err.count("\n") == 1


def test_engine_crash_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "boom.txt"
    path.write_text("BOOM", encoding="utf-8")
    from service.testing import FakeAnalyzer

    status = cli.run_analyze(
        cli.build_parser().parse_args(["analyze", str(path)]), FakeAnalyzer(fail_on="BOOM")
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err and err.count("\n") == 1


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "analyze" in capsys.readouterr().err


def test_help_explains_the_basics(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["analyze", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for needle in ["FILE", "standard input", "exit status", "one JSON object per line"]:
        assert needle in out


def test_library_import_does_not_import_flask() -> None:
    code = (
        "import sys, attribution.cli, attribution.schemas, attribution.html;"
        "print('flask' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATTRIBUTION_ANALYZER": FAKE}
    return subprocess.run(
        [sys.executable, "-m", "attribution", *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_stdin_through_a_real_process() -> None:
    result = _run("analyze", "-", stdin='She told AFP "no comment".')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["attributions"][0]["content"]["text"] == "no comment"


def test_bad_input_in_a_real_process_has_no_traceback() -> None:
    result = _run("analyze", "/definitely/missing.txt")
    assert result.returncode == 1
    assert result.stderr == "attribution: error: /definitely/missing.txt: no such file\n"
    usage = _run("analyze")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_serve_execs_gunicorn_with_the_repo_config(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("gunicorn")
    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(argv)

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    monkeypatch.setenv("ATTRIBUTION_PRELOAD", "0")  # recorded, so restored after the test
    assert cli.main(["serve", "--host", "::1", "--port", "8123", "--workers", "3"]) == 0
    (argv,) = calls
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--config") + 1].endswith("service/gunicorn.conf.py")
    assert argv[argv.index("--bind") + 1] == "[::1]:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "service.wsgi:app"
    assert os.environ["ATTRIBUTION_PRELOAD"] == "1"


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "70000"])
    assert exited.value.code == 2
    assert "65535" in capsys.readouterr().err
