"""``attribution audit``: its arguments and how a run is reported on the command line.

Kept free of Dask, pandas and pyarrow imports so that ``attribution --help``
stays fast and works without the ``audit`` extra; :func:`run` imports them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from attribution.cli import positive_int
from attribution.settings import ConfigError, Settings, settings

__all__ = ["EPILOG", "add_arguments", "run"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_MODELS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEFAULT_MAX_CHARS = 100_000  # the HTTP API's default ATTRIBUTION_MAX_CHARS
DEFAULT_MAX_BYTES = 4 * 1024 * 1024  # the HTTP API's default ATTRIBUTION_MAX_BODY_BYTES
DEFAULT_BUDGET = 300.0

EPILOG = """\
inputs:
  A folder (every .txt/.html under it; the id is the relative path), JSON Lines
  (.jsonl), CSV (.csv/.tsv) or Parquet (.parquet, or a folder named *.parquet)
  with an "id" and a "text" (or "html") column, and optional "outlet",
  "published", "section", "author", "url". --columns renames them.

output (DIR; see docs/audit.md):
  attributions.parquet/, articles.parquet/, errors.parquet/ (folders of Parquet
  parts, read by pandas.read_parquet("DIR/articles.parquet") or DuckDB's
  read_parquet('DIR/articles.parquet/*.parquet')), report.html, report.json.
  Every input id is in articles or errors exactly once.

cluster:
  By default a local Dask cluster with one worker process per core (--workers N);
  --scheduler tcp://host:8786 uses a running cluster whose workers have this
  package installed; --scheduler synchronous runs in this process without Dask.

exit status:
  0 the audit is complete (failed articles are in errors.parquet); 2 bad command
  line, input or output folder; 3 the models are missing or broken; 130 interrupted
  (rerun with --resume to finish).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``audit`` subcommand's arguments to ``parser``."""
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="folder, .jsonl, .csv or .parquet"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--workers", type=positive_int, metavar="N", help="local worker processes (default: cores)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running Dask scheduler (tcp://host:8786), or 'synchronous' (no Dask)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted audit: skip ids already written",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress, only errors")
    parser.add_argument(
        "--columns",
        metavar="FIELD=COLUMN,...",
        help="input column names, e.g. id=doc_id,text=body,published=date",
    )
    parser.add_argument("--rules-only", action="store_true", help="without the learned model")
    parser.add_argument("--stanza-dir", metavar="DIR", help="folder of the Stanza models")
    parser.add_argument(
        "--max-chars",
        type=positive_int,
        default=DEFAULT_MAX_CHARS,
        metavar="N",
        help=f"longest text analysed, in characters (default: {DEFAULT_MAX_CHARS})",
    )
    parser.add_argument(
        "--max-bytes",
        type=positive_int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"largest article read, in bytes (default: {DEFAULT_MAX_BYTES})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        metavar="SECONDS",
        help=f"time one article may take (default: {DEFAULT_BUDGET:g})",
    )
    parser.add_argument(
        "--partition-size",
        type=positive_int,
        default=64,
        metavar="N",
        help="most articles per task (default: 64)",
    )


def _missing_extra() -> str | None:
    for module in ("distributed", "pyarrow", "pandas", "matplotlib", "tqdm"):
        if importlib.util.find_spec(module) is None:
            return module
    return None


def run(
    args: argparse.Namespace,
    *,
    analyzer_factory: Callable[[Settings], Any] | None = None,
    stream: TextIO | None = None,
) -> int:
    """Run ``attribution audit``; return the exit status (errors print one line)."""
    out = stream or sys.stderr
    missing = _missing_extra()
    if missing is not None:
        return _fail(
            out, f"the audit needs {missing}: pip install 'attribution[audit]'", EXIT_USAGE
        )
    from attribution.audit.inputs import InputSpecError, parse_columns
    from attribution.audit.runner import AuditOptions, NoWorkers, run_audit
    from attribution.audit.store import StoreError
    from attribution.audit.worker import EngineUnavailable, library_analyzer

    try:
        config = _engine_config(args, analyzer_factory or library_analyzer)
        columns = parse_columns(args.columns)
    except (ConfigError, InputSpecError) as exc:
        return _fail(out, str(exc), EXIT_USAGE)
    options = AuditOptions(
        inputs=args.inputs,
        out=Path(args.out),
        engine=config,
        columns=columns,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        quiet=args.quiet,
        partition_size=args.partition_size,
    )
    try:
        result = run_audit(options, out)
    except (StoreError, InputSpecError) as exc:
        return _fail(out, str(exc), EXIT_USAGE)
    except EngineUnavailable as exc:
        return _fail(out, f"the analyzer did not load: {exc}", EXIT_MODELS)
    except NoWorkers as exc:
        return _fail(out, str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        return _fail(out, "interrupted: rerun with --resume to finish", EXIT_INTERRUPTED)
    if not args.quiet and not result.nothing_to_do:
        out.write(
            f"attribution audit: {result.analysed} articles analysed, {result.errors} failed "
            f"(errors.parquet), {result.skipped} already done, {result.duplicates} repeated ids "
            f"skipped, in {result.seconds:.1f} s on {result.workers} workers; "
            f"report: {options.out / 'report.html'}\n"
        )
    return EXIT_OK


def _engine_config(args: argparse.Namespace, factory: Callable[[Settings], Any]) -> Any:
    """Return the workers' :class:`~attribution.audit.worker.EngineConfig`: one torch thread."""
    from attribution.audit.worker import EngineConfig

    base = settings()
    return EngineConfig(
        settings=base.replace(
            stanza_dir=args.stanza_dir or base.stanza_dir,
            threads=1,
            model=False if args.rules_only else base.model,
        ),
        factory=factory,
        options={"model": False} if args.rules_only else None,
        max_chars=args.max_chars,
        max_bytes=args.max_bytes,
        budget=args.budget if args.budget > 0 else None,
    )


def _fail(out: TextIO, message: str, status: int) -> int:
    out.write(f"attribution: error: {message}\n")
    out.flush()
    return status
