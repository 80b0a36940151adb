"""The ``attribution`` command line, with a fake analyzer (no models)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from fakes import FAKE_MODEL, FakeAnalyzer
from jsonschema import Draft202012Validator

from attribution import cli
from attribution.errors import ModelNotFoundError
from attribution.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))


class Factory:
    """Build fake analyzers, remembering the settings each was built with.

    The fake's stand-in learned model is on or off as the settings say, like the library's.
    """

    def __init__(self) -> None:
        self.made: list[FakeAnalyzer] = []
        self.settings: list[Settings] = []

    def __call__(self, settings: Settings) -> FakeAnalyzer:
        self.settings.append(settings)
        self.made.append(FakeAnalyzer(model=settings.model))
        return self.made[-1]


@pytest.fixture
def factory() -> Factory:
    return Factory()


def run(argv: Sequence[str], factory: Factory | None = None) -> int:
    """Run the command line over the fake analyzer."""
    return cli.main(list(argv), analyzer_factory=factory or Factory())


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text('Officials said "we will formalise it" on Tuesday.', encoding="utf-8")
    return path


def test_one_file_prints_the_apis_json_document(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["analyze", str(article)]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert list(doc) == [
        "id", "attributions", "speakers", "summary", "repairs", "warnings", "document", "meta",
    ]  # fmt: skip
    assert doc["attributions"][0]["content"]["text"] == "we will formalise it"
    assert doc["id"] is None and "file" not in doc
    assert doc["document"] == {"format": "text", "length": len(article.read_text())}
    assert doc["meta"]["versions"]["attribution"] and "library" not in doc["meta"]["versions"]
    # The envelope is the API's (the fake's own attributions are not the engine's).
    response = SPEC["components"]["schemas"]["AnalysisResponse"]
    envelope = {
        **response,
        "properties": {k: response["properties"][k] for k in ("id", "document", "meta")},
    }
    validator = Draft202012Validator({**envelope, "components": SPEC["components"]})
    assert not list(validator.iter_errors(doc))
    assert out.count("\n") > 3  # pretty-printed


def test_several_files_print_json_lines_with_file(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "page.html"
    html.write_text("<p>He said &ldquo;hi&rdquo;</p>", encoding="utf-8")
    assert run(["analyze", "--no-progress", str(article), str(html)]) == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [json.loads(line) for line in lines]
    assert [d["file"] for d in docs] == [str(article), str(html)]
    content = docs[1]["attributions"][0]["content"]
    assert content["text"] == "hi" and "html_start" in content
    assert docs[1]["document"]["format"] == "html"


def test_models_load_once_per_run(article: Path, factory: Factory) -> None:
    assert run(["analyze", "--no-progress", str(article), str(article), str(article)], factory) == 0
    (made,) = factory.made
    assert made.load_calls == 1 and made.analyze_calls == 3


def test_settings_reach_the_analyzer(
    article: Path, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTRIBUTION_STANZA_DIR", "/opt/stanza")
    monkeypatch.setenv("ATTRIBUTION_THREADS", "3")
    assert run(["analyze", str(article)], factory) == 0
    assert (factory.settings[0].stanza_dir, factory.settings[0].threads) == ("/opt/stanza", 3)
    assert run(["analyze", "--threads", "2", "--stanza-dir", "/x", str(article)], factory) == 0
    assert (factory.settings[1].stanza_dir, factory.settings[1].threads) == ("/x", 2)


TWO_QUOTES = 'Officials said "we will formalise it" and "we will go" on Tuesday.'


@pytest.fixture
def two_quotes(tmp_path: Path) -> Path:
    path = tmp_path / "two.txt"
    path.write_text(TWO_QUOTES, encoding="utf-8")
    return path


def _sieves(doc: dict[str, object]) -> list[str]:
    attributions = doc["attributions"]
    assert isinstance(attributions, list)
    return [a["sieve"] for a in attributions]


def test_learned_model_runs_by_default(
    two_quotes: Path,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ATTRIBUTION_MODEL", "1")  # the library's default (conftest sets 0)
    assert run(["analyze", str(two_quotes)], factory) == 0
    doc = json.loads(capsys.readouterr().out)
    assert factory.settings[0].model is True
    assert factory.made[0].options == [None]  # no options: the library's defaults
    assert _sieves(doc) == ["dependency", "model"]
    assert doc["meta"]["versions"]["learned_model"] == FAKE_MODEL.version


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        (["--rules-only"], {"model": False}),
        (["--options", '{"model": false}'], {"model": False}),
        (["--rules-only", "--options", '{"repair": false}'], {"repair": False, "model": False}),
        (["--rules-only", "--options", '{"model": false}'], {"model": False}),
    ],
)
def test_rules_only_runs_without_the_learned_model(
    two_quotes: Path,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    options: dict[str, bool],
) -> None:
    monkeypatch.setenv("ATTRIBUTION_MODEL", "1")
    assert run(["analyze", *argv, str(two_quotes)], factory) == 0
    doc = json.loads(capsys.readouterr().out)
    assert factory.made[0].options == [options]  # model=false reaches analyze(options=...)
    assert factory.settings[0].model is False  # and the learned model is not even loaded
    assert "model" not in _sieves(doc)
    assert doc["meta"]["versions"]["learned_model"] == "off"


def test_rules_only_holds_for_an_analyzer_with_the_model_loaded(
    two_quotes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made: list[FakeAnalyzer] = []

    def factory(settings: Settings) -> FakeAnalyzer:
        made.append(FakeAnalyzer(model=True))  # ignores the settings
        return made[-1]

    argv = ["analyze", "--rules-only", str(two_quotes)]
    assert cli.main(argv, analyzer_factory=factory) == 0
    doc = json.loads(capsys.readouterr().out)
    assert made[0].options == [{"model": False}]
    assert "model" not in _sieves(doc)
    assert doc["meta"]["versions"]["learned_model"] == "off"  # this run's, not the analyzer's


def test_environment_switches_the_learned_model_off(
    two_quotes: Path, factory: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    # conftest sets ATTRIBUTION_MODEL=0
    assert run(["analyze", str(two_quotes)], factory) == 0
    doc = json.loads(capsys.readouterr().out)
    assert factory.settings[0].model is False and factory.made[0].options == [None]
    assert "model" not in _sieves(doc) and doc["meta"]["versions"]["learned_model"] == "off"


@pytest.mark.parametrize(
    "argv",
    [
        ["--rules-only", "--options", '{"model": true}'],
        ["--options", '{"model": "no"}'],
        ["--options", '{"model": 0}'],
        ["--options", '{"repair": null}'],
    ],
)
def test_contradictory_or_mistyped_model_option_is_a_usage_error(
    article: Path, factory: Factory, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert run(["analyze", *argv, str(article)], factory) == 2
    err = capsys.readouterr().err
    assert err.startswith("attribution: error:") and err.count("\n") == 1
    assert factory.made == []  # refused before any model loads


def test_library_analyzer_follows_the_model_setting() -> None:
    from attribution.pipeline import Analyzer

    off = cli._library_analyzer(Settings(model=False))
    assert isinstance(off, Analyzer) and off.model() is None  # nothing to load


def test_bad_setting_is_a_usage_error(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ATTRIBUTION_THREADS", "many")
    assert run(["analyze", str(article)]) == 2
    assert "ATTRIBUTION_THREADS" in capsys.readouterr().err


def test_unreadable_input_is_reported_before_the_models_load(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []

    class Recorder(FakeAnalyzer):
        def load(self) -> None:
            events.append("load")
            super().load()

    def factory(settings: Settings) -> FakeAnalyzer:
        return Recorder()

    argv = ["analyze", "--no-progress", str(article), "/no/such/file.txt", str(tmp_path)]
    assert cli.main(argv, analyzer_factory=factory) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "attribution: error: /no/such/file.txt: no such file",
        f"attribution: error: {tmp_path}: is a directory, not a file",
    ]
    assert events == ["load"]
    events.clear()
    assert cli.main(["analyze", "/no/such/file.txt"], analyzer_factory=factory) == 1
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert cli.main(["analyze", str(empty)], analyzer_factory=factory) == 1
    assert events == []  # nothing to analyse: the models never load


def test_progress_bar_goes_to_stderr(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["analyze", "--progress", str(article), str(article)]) == 0
    captured = capsys.readouterr()
    assert "2/2" in captured.err and "[" in captured.err
    assert "2/2" not in captured.out
    assert captured.err.endswith("\n")


def test_errors_get_their_own_line_under_a_progress_bar(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    argv = ["analyze", "--progress", str(article), "/no/such.txt", str(empty), str(article)]
    assert run(argv) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.split("\n") if "error:" in line]
    assert len(errors) == 2
    for line in errors:
        # What shows on the terminal is what follows the last carriage return.
        shown = line.rsplit("\r", 1)[-1]
        assert shown.startswith("attribution: error: ") and "[" not in shown
        head = line.rpartition("\r")[0]
        assert head.rpartition("\r")[2].strip() == ""  # any bar was blanked out first
    assert err.rstrip("\n").rsplit("\r", 1)[-1].startswith("[" + "#" * 30 + "] 4/4")


def test_missing_file_is_one_line_and_others_still_run(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["analyze", "--no-progress", "/no/such/file.txt", str(article)]) == 1
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
    assert run(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["analyze", str(tmp_path)]) == 1
    assert "directory" in capsys.readouterr().err


def test_bad_options_json_is_usage_error(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["analyze", "--options", "{nope", str(article)]) == 2
    assert run(["analyze", "--options", "[1]", str(article)]) == 2
    assert capsys.readouterr().err.count("\n") == 2


@pytest.mark.parametrize(
    "failure",
    [ModelNotFoundError("No model manifest at /x. Reinstall."), ImportError("no module stanza")],
)
def test_missing_models_exit_3(
    article: Path, capsys: pytest.CaptureFixture[str], failure: Exception
) -> None:
    def factory(settings: Settings) -> FakeAnalyzer:
        raise failure

    assert cli.main(["analyze", str(article)], analyzer_factory=factory) == 3
    err = capsys.readouterr().err
    assert err.startswith("attribution: error:") and err.count("\n") == 1


def test_engine_crash_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "boom.txt"
    path.write_text("BOOM", encoding="utf-8")
    status = cli.run_analyze(
        cli.build_parser().parse_args(["analyze", str(path)]), FakeAnalyzer(fail_on="BOOM")
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err and err.count("\n") == 1


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
    assert "analyze" in capsys.readouterr().err


def test_help_explains_the_basics(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["analyze", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for needle in [
        "FILE", "standard input", "exit status", "one JSON object per line",
        "--rules-only", "learned attribution model", "ATTRIBUTION_MODEL=0",
    ]:  # fmt: skip
        assert needle in out
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    assert "--rules-only" in top and "ATTRIBUTION_MODEL=0" in top


def test_library_import_does_not_import_flask() -> None:
    code = (
        "import sys, attribution.cli, attribution.pipeline, attribution.schemas, "
        "attribution.html, attribution.document, attribution.settings;"
        "print('flask' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def _run(
    module: str, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin, capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT,
        timeout=60,
    )  # fmt: skip


def test_stdin_through_a_real_process() -> None:
    result = _run("tests.fake_cli", "analyze", "-", stdin='She told AFP "no comment".')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["attributions"][0]["content"]["text"] == "no comment"


def test_rules_only_in_a_real_process() -> None:
    on = _run("tests.fake_cli", "analyze", "-", stdin=TWO_QUOTES, ATTRIBUTION_MODEL="1")
    assert on.returncode == 0, on.stderr
    assert _sieves(json.loads(on.stdout)) == ["dependency", "model"]
    off = _run(
        "tests.fake_cli", "analyze", "--rules-only", "-", stdin=TWO_QUOTES, ATTRIBUTION_MODEL="1"
    )
    assert off.returncode == 0, off.stderr
    doc = json.loads(off.stdout)
    assert "model" not in _sieves(doc) and doc["meta"]["versions"]["learned_model"] == "off"


def test_bad_input_in_a_real_process_has_no_traceback_and_loads_no_models() -> None:
    started = time.monotonic()
    result = _run("attribution", "analyze", "/definitely/missing.txt")  # the real engine
    assert result.returncode == 1
    assert result.stderr == "attribution: error: /definitely/missing.txt: no such file\n"
    assert time.monotonic() - started < 20  # loading the models takes longer than this
    usage = _run("attribution", "analyze")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def _serve(monkeypatch: pytest.MonkeyPatch, *argv: str) -> list[str]:
    """Run ``attribution serve`` with execv stubbed out; return gunicorn's argv."""
    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(argv)

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    environ = dict(os.environ)
    assert cli.main(["serve", *argv]) == 0
    assert dict(os.environ) == environ  # the command line never writes the environment
    (gunicorn_argv,) = calls
    return gunicorn_argv


def _option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def test_serve_execs_gunicorn_with_the_repo_config(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = _serve(monkeypatch, "--host", "::1", "--port", "8123", "--workers", "3")
    assert argv[1:3] == ["-m", "gunicorn"]
    assert _option(argv, "--config")[0].endswith("service/gunicorn.conf.py")
    assert _option(argv, "--bind") == ["[::1]:8123"]
    assert _option(argv, "--workers") == ["3"]
    # conftest sets ATTRIBUTION_MODEL=0
    assert _option(argv, "--env") == [
        "ATTRIBUTION_PRELOAD=1", "ATTRIBUTION_THREADS=1", "ATTRIBUTION_MODEL=0",
    ]  # fmt: skip
    assert argv[-1] == "service.wsgi:app"


def test_serve_honours_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTRIBUTION_WORKERS", "5")
    monkeypatch.setenv("ATTRIBUTION_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("ATTRIBUTION_THREADS", "2")
    argv = _serve(monkeypatch)
    assert _option(argv, "--bind") == ["0.0.0.0:9000"]
    assert _option(argv, "--workers") == ["5"]
    assert _option(argv, "--env") == [
        "ATTRIBUTION_PRELOAD=1", "ATTRIBUTION_THREADS=2", "ATTRIBUTION_MODEL=0",
    ]  # fmt: skip
    argv = _serve(monkeypatch, "--port", "8001", "--lazy")
    assert _option(argv, "--bind") == ["0.0.0.0:8001"]
    assert _option(argv, "--env")[0] == "ATTRIBUTION_PRELOAD=0"
    monkeypatch.setenv("ATTRIBUTION_BIND", "[::1]:9001")
    assert _option(_serve(monkeypatch, "--workers", "1"), "--bind") == ["[::1]:9001"]
    assert _option(_serve(monkeypatch, "--host", "127.0.0.2"), "--bind") == ["127.0.0.2:9001"]


def test_serve_rules_only_switches_the_learned_model_off_in_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ATTRIBUTION_MODEL", "1")
    assert "ATTRIBUTION_MODEL=1" in _option(_serve(monkeypatch), "--env")
    assert "ATTRIBUTION_MODEL=0" in _option(_serve(monkeypatch, "--rules-only"), "--env")


def test_serve_rules_only_reaches_the_development_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask import Flask

    monkeypatch.setenv("ATTRIBUTION_MODEL", "1")
    served: list[bool] = []
    monkeypatch.setattr(Flask, "run", lambda app, **kwargs: served.append(app.config["MODEL"]))
    # --lazy: the app loads no models before a request comes
    assert cli.main(["serve", "--dev", "--lazy", "--rules-only"]) == 0
    assert cli.main(["serve", "--dev", "--lazy"]) == 0
    assert served == [False, True]


def test_serve_refuses_a_bad_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ATTRIBUTION_WORKERS", "0")
    assert cli.main(["serve"]) == 2
    assert "ATTRIBUTION_WORKERS must be at least 1" in capsys.readouterr().err


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "70000"])
    assert exited.value.code == 2
    assert "65535" in capsys.readouterr().err
