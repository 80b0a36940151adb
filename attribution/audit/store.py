"""The audit's output folder: Parquet parts written atomically, resumable.

Layout (``docs/audit.md``)::

    DIR/attributions.parquet/part-000000.parquet ...
    DIR/articles.parquet/part-000000.parquet ...
    DIR/errors.parquet/part-000000.parquet ...
    DIR/report.html, DIR/report.json
    DIR/_audit/runs.jsonl        one line per run: when, how long, how many, workers

One partition's results are one part number in each of the three tables. Each
file is written under a hidden temporary name and renamed into place; the
``articles`` part is renamed last and is the partition's commit mark. On
``--resume`` (:meth:`AuditStore.recover`), temporary files and parts without
their ``articles`` part (a run killed between renames) are deleted, so every
id that is written is written exactly once. Readers (pandas, DuckDB, Arrow)
skip names starting with ``.`` or ``_``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attribution.audit.rows import TABLES, schema

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["AuditStore", "StoreError"]

PART = re.compile(r"^part-(\d+)\.parquet$")
#: The table whose part marks a partition as done (renamed last).
COMMIT_TABLE = "articles"
#: The table order of renames: the commit table last.
RENAME_ORDER = ("attributions", "errors", "articles")


class StoreError(RuntimeError):
    """The output folder cannot be used as asked (an audit is there and --resume was not given)."""


class AuditStore:
    """The output folder of one audit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.meta = root / "_audit"
        self.runs_file = self.meta / "runs.jsonl"
        self.report_html = root / "report.html"
        self.report_json = root / "report.json"

    def table_dir(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def exists(self) -> bool:
        """Tell whether the folder already holds (part of) an audit."""
        return self.meta.exists() or any(self.table_dir(t).exists() for t in TABLES)

    def open(self, *, resume: bool) -> None:
        """Create the folder; refuse one holding an audit unless resuming."""
        if self.exists() and not resume:
            raise StoreError(
                f"{self.root} already holds an audit: add --resume to finish it, "
                "or choose another --out"
            )
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a folder")
        for table in TABLES:
            self.table_dir(table).mkdir(parents=True, exist_ok=True)
        self.meta.mkdir(parents=True, exist_ok=True)
        self.recover()

    def _parts(self, table: str) -> dict[int, Path]:
        folder = self.table_dir(table)
        if not folder.is_dir():
            return {}
        out = {}
        for path in folder.iterdir():
            match = PART.match(path.name)
            if match:
                out[int(match.group(1))] = path
        return out

    def recover(self) -> list[Path]:
        """Delete temporary files and parts of partitions never committed; return them."""
        removed: list[Path] = []
        committed = set(self._parts(COMMIT_TABLE))
        for table in TABLES:
            folder = self.table_dir(table)
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    removed.append(path)
            removed.extend(p for n, p in self._parts(table).items() if n not in committed)
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def next_part(self) -> int:
        numbers = [n for t in TABLES for n in self._parts(t)]
        return max(numbers, default=-1) + 1

    def written_ids(self) -> set[str]:
        """Return every article id written so far (in ``articles`` or ``errors``)."""
        import pyarrow.parquet as pq

        ids: set[str] = set()
        for table in ("articles", "errors"):
            for path in self._parts(table).values():
                column = pq.read_table(path, columns=["article_id"]).column("article_id")
                ids.update(str(v) for v in column.to_pylist())
        return ids

    def write_part(self, number: int, tables: Mapping[str, pa.Table]) -> None:
        """Write one partition's three tables as part ``number``, articles last."""
        import pyarrow.parquet as pq

        name = f"part-{number:06d}.parquet"
        staged: list[tuple[Path, Path]] = []
        for table in RENAME_ORDER:
            data = tables[table].cast(schema(table))
            final = self.table_dir(table) / name
            temp = final.with_name(f".{name}.tmp")
            pq.write_table(data, temp, compression="zstd")
            staged.append((temp, final))
        for temp, final in staged:
            os.replace(temp, final)

    def parts(self, table: str) -> list[Path]:
        """Return the committed part files of ``table``, in order."""
        committed = set(self._parts(COMMIT_TABLE))
        return [p for n, p in sorted(self._parts(table).items()) if n in committed]

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """Return ``table`` (the columns asked for), empty with its schema when it has no part."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        wanted = (
            schema(table)
            if columns is None
            else pa.schema([schema(table).field(c) for c in columns])
        )
        pieces = [pq.read_table(p, columns=columns) for p in self.parts(table)]
        if not pieces:
            return wanted.empty_table()
        return pa.concat_tables([p.cast(wanted) for p in pieces])

    def add_run(self, run: Mapping[str, Any]) -> None:
        """Append one run's figures to ``_audit/runs.jsonl``."""
        self.meta.mkdir(parents=True, exist_ok=True)
        with self.runs_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(dict(run), sort_keys=True) + "\n")

    def runs(self) -> list[dict[str, Any]]:
        """Return the figures of every run so far, oldest first."""
        if not self.runs_file.exists():
            return []
        lines = self.runs_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
