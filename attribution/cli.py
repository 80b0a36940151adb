"""Command line: ``attribution analyze FILE...`` and ``attribution serve``.

Run ``attribution --help`` or ``attribution analyze --help``. Errors print one
line on stderr and exit non-zero; there is never a traceback unless you ask
for one with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from attribution.errors import AttributionError, InputError, ModelLoadError, ModelNotFoundError

PROG = "attribution"
EXIT_OK = 0
EXIT_INPUT = 1  # at least one file could not be read or analysed
EXIT_USAGE = 2  # bad command line (argparse's code)
EXIT_MODELS = 3  # the models are missing or failed to load
EXIT_INTERRUPTED = 130

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

DESCRIPTION = """\
Find quotes and reported claims in news articles, who said them, and how well
each one is sourced.

commands:
  analyze FILE...   analyse article files and print JSON (start here)
  serve             run the HTTP API (gunicorn; see docs/service.md)

examples:
  attribution analyze article.txt                 # one file: pretty JSON
  attribution analyze news/*.txt > results.jsonl  # several: one JSON per line
  curl -s https://example.org/story | attribution analyze --format html -
  attribution serve --port 8000                   # then open /docs
"""

ANALYZE_EPILOG = """\
output:
  One FILE prints one JSON document: {"attributions", "speakers", "summary",
  "repairs", "warnings"}. Several FILEs print one JSON object per line, each
  with a "file" key. Offsets are characters (code points) into the text; for
  HTML input "start"/"end" index the extracted text (given as document.text)
  and "html_start"/"html_end" index the HTML as it is in the file.

exit status:
  0 all files analysed; 1 some file could not be read or analysed (the others
  still are); 2 bad command line; 3 the models are missing or broken.

The models load once per run, so many files in one call are much faster than
one call per file.
"""


class _Analyzer(Protocol):
    def load(self) -> None: ...

    def analyze(self, text: str, *, options: Any = None) -> Any: ...


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show full tracebacks (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

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
        choices=("auto", "text", "html"),
        default="auto",
        help="how to read the files; auto: html for .html/.htm, text otherwise (default: auto)",
    )
    analyze.add_argument(
        "--options",
        metavar="JSON",
        help="engine options as a JSON object, passed to the library unchanged",
    )
    analyze.add_argument(
        "--stanza-dir",
        metavar="DIR",
        default=os.environ.get("ATTRIBUTION_STANZA_DIR") or None,
        help="folder of the Stanza models (default: $ATTRIBUTION_STANZA_DIR, else bundled)",
    )
    analyze.add_argument(
        "--threads",
        type=_positive_int,
        metavar="N",
        default=os.environ.get("ATTRIBUTION_THREADS") or None,
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

    serve = sub.add_parser(
        "serve",
        help="run the HTTP API",
        description=(
            "Run the HTTP API with gunicorn (Flask's development server where gunicorn is "
            "not installed). Settings come from ATTRIBUTION_* variables; see docs/service.md."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (8000)")
    serve.add_argument("--workers", type=_positive_int, default=2, help="worker processes (2)")
    serve.add_argument(
        "--lazy",
        action="store_true",
        help="load the models on the first request instead of at worker start",
    )
    serve.add_argument(
        "--dev", action="store_true", help="use Flask's development server (one process)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "analyze":
            return run_analyze(args)
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
) -> int:
    """Analyse every file in ``args.files``; print results; return the exit status."""
    from attribution.html import add_html_offsets, html_to_text
    from attribution.schemas import dump_analysis

    out = stdout or sys.stdout
    options = _parse_options(args.options)
    files: list[str] = args.files
    if files.count("-") > 1:
        raise CliError("'-' (standard input) can be given only once", EXIT_USAGE)
    several = len(files) > 1
    show_progress = args.progress if args.progress is not None else several and _tty(sys.stderr)
    engine = analyzer if analyzer is not None else _load_analyzer(args.stanza_dir, args.threads)
    status = EXIT_OK
    for done, name in enumerate(files):
        if show_progress:
            _progress(done, len(files), name)
        try:
            raw = _read(name)
            fmt = _format_of(name, args.format)
            text = raw
            mapping = None
            if fmt == "html":
                mapping = html_to_text(raw)
                text = mapping.text
            result = dump_analysis(engine.analyze(text, options=options))
            if mapping is not None:
                add_html_offsets(result, mapping)
                result["document"] = {
                    "format": "html",
                    "length": len(mapping.text),
                    "text": mapping.text,
                    "html_length": mapping.html_length,
                }
        except (InputError, CliError) as exc:
            _error(f"{_label(name)}: {exc}")
            status = EXIT_INPUT
            continue
        except (ModelNotFoundError, ModelLoadError) as exc:
            raise CliError(str(exc), EXIT_MODELS) from exc
        except AttributionError as exc:
            _error(f"{_label(name)}: {exc}")
            status = EXIT_INPUT
            continue
        except Exception as exc:
            if args.debug:
                raise
            _error(f"{_label(name)}: unexpected error: {type(exc).__name__}: {exc}")
            status = EXIT_INPUT
            continue
        _write(out, result, name if several else None, compact=args.compact or several)
    if show_progress:
        _progress(len(files), len(files), "")
        sys.stderr.write("\n")
    return status


def run_serve(args: argparse.Namespace) -> int:
    """Start the HTTP service; only returns when it stops."""
    import importlib.util

    spec = importlib.util.find_spec("service")
    if spec is None or spec.origin is None:
        raise CliError("the 'service' package is not installed next to 'attribution'", EXIT_USAGE)
    service_dir = Path(spec.origin).parent
    os.environ["ATTRIBUTION_PRELOAD"] = "0" if args.lazy else "1"
    use_gunicorn = not args.dev and importlib.util.find_spec("gunicorn") is not None
    if use_gunicorn:
        command = [
            sys.executable, "-m", "gunicorn",
            "--config", str(service_dir / "gunicorn.conf.py"),
            "--pythonpath", str(service_dir.parent),
            "--bind", _bind(args.host, args.port),
            "--workers", str(args.workers),
            "service.wsgi:app",
        ]  # fmt: skip
        sys.stdout.flush()
        os.execv(sys.executable, command)
        return EXIT_OK  # only reached when execv is stubbed out in tests
    if not args.dev:
        _error("gunicorn is not installed (pip install gunicorn); using Flask's development server")
    from service import create_app

    create_app().run(host=args.host, port=args.port, threaded=False)
    return EXIT_OK


def _load_analyzer(stanza_dir: str | None, threads: int | None) -> _Analyzer:
    spec = os.environ.get("ATTRIBUTION_ANALYZER", "attribution.pipeline:Analyzer")
    try:
        module_name, _, attr = spec.partition(":")
        factory: Callable[..., _Analyzer] = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise CliError(f"cannot load the analysis engine {spec!r}: {exc}", EXIT_MODELS) from exc
    try:
        analyzer = factory(stanza_dir=stanza_dir, threads=threads)
        analyzer.load()
    except (ModelNotFoundError, ModelLoadError) as exc:
        raise CliError(str(exc), EXIT_MODELS) from exc
    except ImportError as exc:
        raise CliError(f"the analysis engine is incomplete: {exc}", EXIT_MODELS) from exc
    return analyzer


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


def _progress(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    label = (name[:37] + "...") if len(name) > 40 else name
    sys.stderr.write(f"\r[{bar}] {done}/{total} {label:<40}")
    sys.stderr.flush()


def _label(name: str) -> str:
    return "<stdin>" if name == "-" else name


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    sys.stderr.flush()


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _port(value: str) -> int:
    number = _positive_int(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"ports go up to 65535, got {number}")
    return number


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("attribution")
    except PackageNotFoundError:
        return "0+unknown"
