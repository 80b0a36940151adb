"""Command line: ``attribution analyze FILE...`` and ``attribution serve``.

Run ``attribution --help`` or ``attribution analyze --help``. Errors print one
line on stderr and exit non-zero; there is never a traceback unless you ask
for one with ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from attribution.document import (
    analyze_document,
    analyzer_versions,
    library_version,
    merged_versions,
    versions_for,
)
from attribution.errors import AttributionError, ModelLoadError, ModelNotFoundError
from attribution.records import Analysis
from attribution.settings import ConfigError, Settings, settings

if TYPE_CHECKING:  # the service (Flask) is imported only by `attribution serve`
    from service.config import ServiceSettings

    _Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]  # no public name

PROG = "attribution"
EXIT_OK = 0
EXIT_INPUT = 1  # at least one file could not be read or analysed
EXIT_USAGE = 2  # bad command line (argparse's code)
EXIT_MODELS = 3  # the models are missing or failed to load
EXIT_INTERRUPTED = 130

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FORMATS = ("auto", "text", "html")
#: The engine options that take true or false (``--options``).
BOOLEAN_OPTIONS = ("repair", "model")

DESCRIPTION = """\
Find quotes and reported claims in news articles, who said them, and how well
each one is sourced.

commands:
  analyze FILE...   analyse article files and print JSON (start here)
  serve             run the HTTP API (gunicorn; see docs/service.md)
  audit INPUT...    audit the sourcing of an archive on Dask (see docs/audit.md)

examples:
  attribution analyze article.txt                 # one file: pretty JSON
  attribution analyze news/*.txt > results.jsonl  # several: one JSON per line
  curl -s https://example.org/story | attribution analyze --format html -
  attribution serve --port 8000                   # then open /docs

The rules and the learned attribution model run together by default;
--rules-only (or ATTRIBUTION_MODEL=0 in the environment) runs the rules alone.
"""

ANALYZE_EPILOG = """\
output:
  One FILE prints one JSON document, the same as the HTTP API's: {"id" (null),
  "attributions", "speakers", "summary", "repairs", "warnings", "document",
  "meta"}. Several FILEs print one JSON object per line, each with a "file"
  key. Offsets are characters (code points) into the text; for HTML input
  "start"/"end" index the extracted text (given as document.text) and
  "html_start"/"html_end" index the HTML as it is in the file.

engine:
  By default the rules and the learned attribution model run together; an
  attribution the model found or redrew has "sieve": "model", and
  meta.versions.learned_model gives the model's version. --rules-only runs the
  rules alone (learned_model "off"), as do ATTRIBUTION_MODEL=0 in the
  environment and --options '{"model": false}'.

exit status:
  0 all files analysed; 1 some file could not be read or analysed (the others
  still are); 2 bad command line; 3 the models are missing or broken.

The models load once per run, so many files in one call are much faster than
one call per file. Every file is checked before the models load.
"""


class _Analyzer(Protocol):
    def load(self) -> None: ...

    def analyze(self, text: str, *, options: Any = None) -> Analysis: ...

    def versions(self) -> dict[str, str]: ...


#: Builds the analyzer from the settings (tests hand in one that needs no models).
AnalyzerFactory = Callable[[Settings], _Analyzer]


class CliError(Exception):
    """A problem to report on one line, with the exit status to use."""

    def __init__(self, message: str, status: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for ``attribution``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {library_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show full tracebacks (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _add_analyze(sub)
    _add_serve(sub)
    _add_audit(sub)
    return parser


def _add_analyze(sub: _Subparsers) -> None:
    analyze = sub.add_parser(
        "analyze",
        help="analyse article files and print JSON",
        description="Analyse news articles and print their attributions as JSON.",
        epilog=ANALYZE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyze.add_argument(
        "files", nargs="+", metavar="FILE", help="article file (UTF-8); '-' reads standard input"
    )
    analyze.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="how to read the files; auto: html for .html/.htm, text otherwise (default: auto)",
    )
    analyze.add_argument(
        "--options",
        metavar="JSON",
        help=(
            "engine options as a JSON object, passed to the library unchanged: "
            '"repair" (default true) and "model" (default true), e.g. \'{"repair": false}\''
        ),
    )
    analyze.add_argument(
        "--rules-only",
        action="store_true",
        help=(
            "run the rules alone, without the learned attribution model (the same as "
            "--options '{\"model\": false}'; default: the rules plus the learned model, "
            "unless ATTRIBUTION_MODEL=0 switches it off)"
        ),
    )
    analyze.add_argument(
        "--stanza-dir",
        metavar="DIR",
        help="folder of the Stanza models (default: $ATTRIBUTION_STANZA_DIR, else bundled)",
    )
    analyze.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="torch threads (default: $ATTRIBUTION_THREADS, else torch's choice)",
    )
    analyze.add_argument(
        "--compact", action="store_true", help="print one line even for a single file"
    )
    progress = analyze.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on stderr (default: when several files and a terminal)",
    )
    progress.add_argument("--no-progress", dest="progress", action="store_false")


def _add_serve(sub: _Subparsers) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the HTTP API",
        description=(
            "Run the HTTP API with gunicorn (Flask's development server where gunicorn is "
            "not installed). Needs the 'serve' extra (pip install 'attribution[serve]'). "
            "Options left out come from ATTRIBUTION_* variables; see docs/service.md."
        ),
    )
    serve.add_argument(
        "--host", help="address to listen on (default: from $ATTRIBUTION_BIND, else 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=_port, help="port to listen on (default: from $ATTRIBUTION_BIND, else 8000)"
    )
    serve.add_argument(
        "--workers",
        type=positive_int,
        help="worker processes (default: $ATTRIBUTION_WORKERS, else 2)",
    )
    serve.add_argument(
        "--lazy",
        action="store_true",
        help="load the models on the first request instead of at worker start",
    )
    serve.add_argument(
        "--dev", action="store_true", help="use Flask's development server (one process)"
    )
    serve.add_argument(
        "--rules-only",
        action="store_true",
        help=(
            "run the rules alone, without the learned attribution model (default: the rules "
            "plus the learned model, unless ATTRIBUTION_MODEL=0 switches it off)"
        ),
    )


def _add_audit(sub: _Subparsers) -> None:
    from attribution.audit.command import EPILOG, add_arguments

    audit = sub.add_parser(
        "audit",
        help="audit the sourcing of an archive (Dask; needs the 'audit' extra)",
        description=(
            "Analyse every article of an archive on a Dask cluster and write Parquet tables "
            "and a report (report.html) of its sourcing."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(audit)


def main(
    argv: Sequence[str] | None = None, *, analyzer_factory: AnalyzerFactory | None = None
) -> int:
    """Run the command line; return the exit status.

    ``analyzer_factory`` builds the analyzer from the settings (default: the
    library's :class:`~attribution.pipeline.Analyzer`).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "analyze":
            return run_analyze(args, analyzer_factory=analyzer_factory)
        if args.command == "audit":
            from attribution.audit.command import run as run_audit

            return run_audit(args, analyzer_factory=analyzer_factory)
        return run_serve(args)
    except CliError as exc:
        _error(str(exc))
        return exc.status
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INPUT
    except Exception as exc:
        if args.debug:
            raise
        _error(f"unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
        return EXIT_INPUT


def run_analyze(
    args: argparse.Namespace,
    analyzer: _Analyzer | None = None,
    stdout: TextIO | None = None,
    *,
    analyzer_factory: AnalyzerFactory | None = None,
) -> int:
    """Analyse every file in ``args.files``; print results; return the exit status.

    Every file is checked (exists, is a file, readable) before the models
    load, and the models load only when a file is there to analyse.
    """
    out = stdout or sys.stdout
    options = _engine_options(args)
    files: list[str] = args.files
    if files.count("-") > 1:
        raise CliError("'-' (standard input) can be given only once", EXIT_USAGE)
    several = len(files) > 1
    show_progress = args.progress if args.progress is not None else several and _tty(sys.stderr)
    status_line = _StatusLine(sys.stderr, enabled=show_progress)
    unreadable = _check_files(files, status_line)
    engine = _LazyEngine(analyzer, analyzer_factory, _analyze_settings(args, options))
    status = EXIT_INPUT if unreadable else EXIT_OK
    try:
        for done, name in enumerate(files):
            status_line.progress(done, len(files), name)
            if several and done % PREPARE_FILES == 0 and "-" not in files:
                window = range(done, min(done + PREPARE_FILES, len(files)))
                _prepare([files[k] for k in window if k not in unreadable], args, engine, options)
            if done in unreadable:
                continue
            result = _analyze_file(name, args, engine, options, status_line)
            if result is None:
                status = EXIT_INPUT
                continue
            _write(out, result, name if several else None, compact=args.compact or several)
        status_line.progress(len(files), len(files), "")
    finally:
        status_line.close()
    return status


#: Files whose texts are parsed together (one Stanza pass for their sentences, issue 13).
PREPARE_FILES = 16


def _prepare(
    names: list[str],
    args: argparse.Namespace,
    engine: _LazyEngine,
    options: dict[str, Any] | None,
) -> None:
    """Parse the texts of ``names`` together ahead of their analyses, when the engine can.

    The analyses, and every error they report, are as without it: a file that
    fails here is simply left out, and fails in its own analysis.
    """
    from attribution.html import html_to_text

    texts = []
    for name in names:
        try:
            text = _read(name)
            texts.append(
                html_to_text(text).text if _format_of(name, args.format) == "html" else text
            )
        except (CliError, AttributionError, ValueError):
            continue
    prepare = getattr(engine.get(), "prepare", None) if len(texts) > 1 else None
    if prepare is None:
        return
    try:
        prepare(texts, options=options)
    except Exception:  # each file's own analysis reports it
        pass


def _check_files(files: list[str], status_line: _StatusLine) -> set[int]:
    """Report every file that cannot be read; return their positions."""
    unreadable: set[int] = set()
    for index, name in enumerate(files):
        try:
            _check_readable(name)
        except CliError as exc:
            status_line.error(f"{_label(name)}: {exc}")
            unreadable.add(index)
    return unreadable


def _analyze_file(
    name: str,
    args: argparse.Namespace,
    engine: _LazyEngine,
    options: dict[str, Any] | None,
    status_line: _StatusLine,
) -> dict[str, Any] | None:
    """Return the API's document for one file, or None after reporting why there is none."""
    try:
        document = analyze_document(
            lambda text: engine.get().analyze(text, options=options),
            _read(name),
            fmt=_format_of(name, args.format),
            versions=lambda: versions_for(engine.versions(), options),
        )
    except CliError as exc:
        if exc.status != EXIT_INPUT:
            raise
        message = str(exc)
    except (ModelNotFoundError, ModelLoadError) as exc:
        raise CliError(str(exc), EXIT_MODELS) from exc
    except AttributionError as exc:
        message = str(exc)
    except Exception as exc:
        if args.debug:
            raise
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    else:
        return {"id": None, **document}  # the API's document; no id on the command line
    status_line.error(f"{_label(name)}: {message}")
    return None


def run_serve(args: argparse.Namespace) -> int:
    """Start the HTTP service; only returns when it stops."""
    import importlib.util

    spec = importlib.util.find_spec("service")
    if spec is None or spec.origin is None:
        raise CliError("the 'service' package is not installed next to 'attribution'", EXIT_USAGE)
    if importlib.util.find_spec("flask") is None:
        raise CliError("the HTTP service needs Flask: pip install 'attribution[serve]'", EXIT_USAGE)
    from service.config import ServiceSettings

    try:
        config = ServiceSettings.from_env()
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    config = _serve_settings(args, config)
    service_dir = Path(spec.origin).parent
    use_gunicorn = not args.dev and importlib.util.find_spec("gunicorn") is not None
    if use_gunicorn:
        command = [
            sys.executable, "-m", "gunicorn",
            "--config", str(service_dir / "gunicorn.conf.py"),
            "--pythonpath", str(service_dir.parent),
            "--bind", config.bind,
            "--workers", str(config.workers),
        ]  # fmt: skip
        for entry in config.worker_env():
            command += ["--env", entry]
        command.append("service.wsgi:app")
        sys.stdout.flush()
        os.execv(sys.executable, command)
        return EXIT_OK  # only reached when execv is stubbed out in tests
    if not args.dev:
        _error("gunicorn is not installed (pip install gunicorn); using Flask's development server")
    from service import create_app

    host, port = _split_bind(config.bind)
    create_app(settings=config).run(host=host, port=port, threaded=False)
    return EXIT_OK


def _serve_settings(args: argparse.Namespace, config: ServiceSettings) -> ServiceSettings:
    """Return ``config`` with the command line's choices: bind, workers, eager or lazy."""
    bind = config.bind
    if args.host is not None or args.port is not None:
        host, port = _split_bind(config.bind)
        bind = _bind(args.host or host, args.port or port)
    preload = False if args.lazy else config.preload is not False  # eager unless asked
    model = False if args.rules_only else config.model
    return config.replace(
        bind=bind, workers=args.workers or config.workers, preload=preload, model=model
    )


class _LazyEngine:
    """The analyzer, built and loaded on first use (so bad input never waits for the models)."""

    def __init__(
        self,
        given: _Analyzer | None,
        factory: AnalyzerFactory | None,
        config: Settings,
    ) -> None:
        self._analyzer = given
        self._factory = factory or _library_analyzer
        self._config = config
        self._versions: dict[str, str] | None = None

    def get(self) -> _Analyzer:
        if self._analyzer is None:
            self._analyzer = _load_analyzer(self._factory, self._config)
        return self._analyzer

    def versions(self) -> dict[str, str]:
        if self._versions is None:
            self._versions = merged_versions(analyzer_versions(self.get()))
        return self._versions


def _analyze_settings(args: argparse.Namespace, options: dict[str, Any] | None) -> Settings:
    """Return the settings with the command line's choices; the learned model is not even
    loaded when the options switch it off for every file."""
    try:
        base = settings()
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    rules_only = options is not None and options.get("model") is False
    return base.replace(
        stanza_dir=args.stanza_dir or base.stanza_dir,
        threads=args.threads or base.threads,
        model=False if rules_only else base.model,
    )


def _library_analyzer(config: Settings) -> _Analyzer:
    from attribution.pipeline import Analyzer

    analyzer: _Analyzer = Analyzer(
        stanza_dir=config.stanza_dir, threads=config.threads, model=config.model
    )
    return analyzer


def _load_analyzer(factory: AnalyzerFactory, config: Settings) -> _Analyzer:
    try:
        analyzer = factory(config)
        analyzer.load()
    except (ModelNotFoundError, ModelLoadError) as exc:
        raise CliError(str(exc), EXIT_MODELS) from exc
    except ImportError as exc:
        raise CliError(f"the analysis engine is incomplete: {exc}", EXIT_MODELS) from exc
    return analyzer


def _check_readable(name: str) -> None:
    """Raise :class:`CliError` unless ``name`` is standard input or a readable file."""
    if name == "-":
        return
    path = Path(name)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CliError("no such file") from None
    except PermissionError:
        raise CliError("permission denied") from None
    except OSError as exc:
        raise CliError(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise CliError("is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise CliError("permission denied")


def _read(name: str) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            data = Path(name).read_bytes()
    except FileNotFoundError:
        raise CliError("no such file") from None
    except IsADirectoryError:
        raise CliError("is a directory, not a file") from None
    except PermissionError:
        raise CliError("permission denied") from None
    except OSError as exc:
        raise CliError(f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise CliError("the file is empty")
    return text


def _format_of(name: str, wanted: str) -> str:
    if wanted != "auto":
        return wanted
    return "html" if Path(name).suffix.lower() in HTML_SUFFIXES else "text"


def _engine_options(args: argparse.Namespace) -> dict[str, Any] | None:
    """Return the engine options of ``--options``, with ``model`` false for ``--rules-only``."""
    options = _parse_options(args.options)
    for name in BOOLEAN_OPTIONS:
        if options is not None and name in options and not isinstance(options[name], bool):
            raise CliError(f"--options: {name!r} must be true or false", EXIT_USAGE)
    if args.rules_only:
        if options is not None and options.get("model") is True:
            raise CliError(
                "--rules-only runs without the learned model, but --options asks for it "
                '("model": true): give one or the other',
                EXIT_USAGE,
            )
        options = {**(options or {}), "model": False}
    return options


def _parse_options(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise CliError(f"--options is not valid JSON: {exc}", EXIT_USAGE) from None
    if not isinstance(value, dict):
        raise CliError("--options must be a JSON object, like '{\"key\": 1}'", EXIT_USAGE)
    return value


def _write(out: TextIO, result: dict[str, Any], file: str | None, *, compact: bool) -> None:
    if file is not None:
        result = {"file": file, **result}
    # Escape non-ASCII where the output cannot take UTF-8 (a Windows pipe, say).
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    ascii_only = encoding not in {"utf8", "utf8sig"}
    if compact:
        text = json.dumps(result, ensure_ascii=ascii_only, separators=(",", ":"))
    else:
        text = json.dumps(result, ensure_ascii=ascii_only, indent=2)
    out.write(text + "\n")
    out.flush()


class _StatusLine:
    """The progress bar on stderr; error lines never land on the bar's line."""

    WIDTH = 30

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.line = ""  # the bar as last drawn; "" when none is on screen

    def progress(self, done: int, total: int, name: str) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        label = (name[:37] + "...") if len(name) > 40 else name
        self.line = f"[{bar}] {done}/{total} {label:<40}"
        self.stream.write("\r" + self.line)
        self.stream.flush()

    def error(self, message: str) -> None:
        """Write ``message`` on a line of its own, then draw the bar again below it."""
        if self.line:
            self.stream.write("\r" + " " * len(self.line) + "\r")
        _error(message, self.stream)
        if self.line:
            self.stream.write(self.line)
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line, so what follows starts on a line of its own."""
        if self.line:
            self.stream.write("\n")
            self.stream.flush()
            self.line = ""


def _label(name: str) -> str:
    return "<stdin>" if name == "-" else name


def _error(message: str, stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    out.write(f"{PROG}: error: {message}\n")
    out.flush()


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _split_bind(bind: str) -> tuple[str, int]:
    """Return the host and port of a gunicorn bind; defaults where it has none (a socket)."""
    host, port = "127.0.0.1", "8000"
    if bind.startswith(("unix:", "fd://")):
        return host, int(port)
    if bind.startswith("["):  # [IPv6]:port
        host, _, rest = bind[1:].partition("]")
        port = rest.removeprefix(":") or port
    elif bind.count(":") == 1:
        host, port = bind.split(":")
    else:
        host = bind
    return host or "127.0.0.1", int(port) if port.isdigit() else 8000


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def positive_int(value: str) -> int:
    """Parse a whole number of at least 1 (an argparse type; the audit command shares it)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _port(value: str) -> int:
    number = positive_int(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"ports go up to 65535, got {number}")
    return number
