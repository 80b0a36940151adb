"""Read an archive: folders of ``.txt``/``.html`` files, JSON Lines, CSV or Parquet.

Every input yields :class:`Item` records, streamed (an archive never has to fit
in memory): an article id, its raw content (``str``, or ``bytes`` where the
input holds bytes: a file, a Parquet binary column), its format (``text`` or
``html``), its metadata (``outlet``, ``published``, ``section``, ``author``,
``url``) and where it came from. Nothing is checked here beyond what is needed
to find the article: an empty, binary or oversized article becomes an item
whose problem is found by :func:`attribution.audit.worker.load_text`, so that
it is recorded in ``errors`` like any other failure.

Which input is which:

- a directory whose name ends in ``.parquet``, or a file ending in ``.parquet``
  or ``.pq``: Parquet;
- any other directory: a folder of articles, every ``.txt``, ``.text``,
  ``.html``, ``.htm`` and ``.xhtml`` file under it; the id is the path relative
  to the folder (``2024/05/story.html``);
- ``.jsonl``, ``.ndjson``, ``.json``: JSON Lines (one object per line);
- ``.csv``, ``.tsv``: CSV (tab-separated for ``.tsv``);
- any other file: a single article (``.html``/``.htm`` are HTML).

Column names are configurable (:class:`Columns`); a row with a ``text`` value
is analysed as text, otherwise its ``html`` value as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = [
    "ARTICLE_SUFFIXES",
    "HTML_SUFFIXES",
    "METADATA",
    "Columns",
    "InputSpecError",
    "Item",
    "Source",
    "open_inputs",
    "parse_columns",
]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
ARTICLE_SUFFIXES = frozenset({".txt", ".text"}) | HTML_SUFFIXES
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
#: The optional metadata columns, in the order they appear in the outputs.
METADATA = ("outlet", "published", "section", "author", "url")
#: Rows read at a time from CSV and Parquet.
CHUNK_ROWS = 512


class InputSpecError(ValueError):
    """An input cannot be opened at all (missing, unknown kind, no id column)."""


@dataclass(frozen=True)
class Columns:
    """The column (or JSON key) holding each field; ``--columns id=doc_id,text=body``."""

    id: str = "id"
    text: str = "text"
    html: str = "html"
    outlet: str = "outlet"
    published: str = "published"
    section: str = "section"
    author: str = "author"
    url: str = "url"

    def names(self) -> dict[str, str]:
        """Return ``{field: column}`` for every field."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def parse_columns(spec: str | None) -> Columns:
    """Return :class:`Columns` from ``field=column,field=column`` (``None``: the defaults)."""
    columns = Columns()
    if not spec:
        return columns
    known = set(columns.names())
    changes: dict[str, str] = {}
    for part in spec.split(","):
        name, sep, column = part.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not column:
            raise InputSpecError(f"--columns: expected FIELD=COLUMN, got {part.strip()!r}")
        if name not in known:
            raise InputSpecError(
                f"--columns: unknown field {name!r}; fields: {', '.join(sorted(known))}"
            )
        changes[name] = column
    return replace(columns, **changes)


@dataclass(frozen=True)
class Item:
    """One article as read from the input, not yet checked."""

    id: str
    #: The content as stored: ``str``, ``bytes``, or ``None`` when there is none to read.
    data: str | bytes | None
    fmt: str = "text"
    meta: Mapping[str, str | None] = field(default_factory=dict)
    #: Where it came from: a file, or ``file:line``/``file:row``.
    origin: str = ""
    #: Bytes of a file too large to read (its content is then not read at all).
    size: int | None = None
    #: A problem found while reading (a bad JSON line, no text column).
    problem: str | None = None

    @property
    def chars(self) -> int:
        """Return the size of the content, for sizing partitions."""
        return len(self.data) if self.data is not None else 0


class Source:
    """One input: counts its articles cheaply and streams them."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        #: Ids already written (``--resume``): a source may skip reading their content.
        self.done: Container[str] = frozenset()

    def count(self) -> int:
        """Return the number of articles (rows, files) without reading their text."""
        raise NotImplementedError

    def items(self) -> Iterator[Item]:
        """Yield every article."""
        raise NotImplementedError


class FolderSource(Source):
    """Every article file under a folder; ids are paths relative to it."""

    def __init__(self, path: Path, label: str, *, max_bytes: int) -> None:
        super().__init__(path, label)
        self.max_bytes = max_bytes

    def _files(self) -> Iterator[Path]:
        for file in sorted(self.path.rglob("*")):
            if file.suffix.lower() in ARTICLE_SUFFIXES and file.is_file():
                yield file

    def count(self) -> int:
        return sum(1 for _ in self._files())

    def items(self) -> Iterator[Item]:
        for file in self._files():
            item_id = file.relative_to(self.path).as_posix()
            if item_id in self.done:  # resuming: a file already audited is not read again
                yield Item(item_id, None, origin=str(file))
            else:
                yield read_file(file, item_id, self.max_bytes)


class FileSource(Source):
    """A single article file; its id is the path as given."""

    def __init__(self, path: Path, label: str, *, max_bytes: int) -> None:
        super().__init__(path, label)
        self.max_bytes = max_bytes

    def count(self) -> int:
        return 1

    def items(self) -> Iterator[Item]:
        yield read_file(self.path, self.label, self.max_bytes)


def read_file(path: Path, item_id: str, max_bytes: int) -> Item:
    """Return the item of one article file; a file over ``max_bytes`` is not read."""
    fmt = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Item(item_id, None, fmt, origin=origin, size=size)
        return Item(item_id, path.read_bytes(), fmt, origin=origin)
    except OSError as exc:
        return Item(item_id, None, fmt, origin=origin, problem=f"cannot read: {exc.strerror}")


class TableSource(Source):
    """Rows of JSON Lines, CSV or Parquet, read through the configured :class:`Columns`."""

    def __init__(self, path: Path, label: str, columns: Columns) -> None:
        super().__init__(path, label)
        self.columns = columns

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Yield ``(origin, row)`` for every row."""
        raise NotImplementedError

    def items(self) -> Iterator[Item]:
        for origin, row in self.rows():
            yield row_item(row, origin, self.columns)


def row_item(row: Mapping[str, Any], origin: str, columns: Columns) -> Item:
    """Return the item of one row; a row without an id is named after its origin.

    A non-empty ``text`` value is analysed as text, else a non-empty ``html`` value as
    HTML; an empty one is kept (and recorded as an empty article by the worker).
    """
    names = columns.names()
    raw_id = row.get(names["id"])
    meta = {name: _meta_value(row.get(names[name])) for name in METADATA}
    if _missing(raw_id) or str(raw_id).strip() == "":
        return Item(origin, None, meta=meta, origin=origin, problem="the row has no id")
    item_id = _clean(str(raw_id))
    text, html = row.get(names["text"]), row.get(names["html"])
    if not _missing(text) and _content(text):
        return Item(item_id, _content(text), "text", meta, origin)
    if not _missing(html):
        return Item(item_id, _content(html), "html", meta, origin)
    if not _missing(text):
        return Item(item_id, _content(text), "text", meta, origin)
    problem = f"the row has no {names['text']!r} or {names['html']!r} value"
    return Item(item_id, None, meta=meta, origin=origin, problem=problem)


def _missing(value: Any) -> bool:
    """Tell whether a cell is absent: ``None``, or pandas' NaN."""
    return value is None or (isinstance(value, float) and value != value)


def _content(value: Any) -> str | bytes:
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return str(value)


def _meta_value(value: Any) -> str | None:
    if _missing(value):
        return None
    if hasattr(value, "isoformat"):  # a date or timestamp column
        return str(value.isoformat())
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    text = _clean(str(value)).strip()
    return text or None


def _clean(text: str) -> str:
    """Return ``text`` with undecodable bytes (kept escaped) as U+FFFD: ids and metadata
    are written to Parquet, which takes valid UTF-8 only."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class JsonLinesSource(TableSource):
    def count(self) -> int:
        with self.path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                origin = f"{self.label}:{number}"
                try:  # undecodable bytes stay (escaped): the article is refused, not the line
                    row = json.loads(line.decode("utf-8", "surrogateescape"))
                except ValueError as exc:
                    row = {"__problem__": f"not a JSON object: {exc}"}
                if not isinstance(row, dict):
                    row = {"__problem__": "the line is not a JSON object"}
                yield origin, row

    def items(self) -> Iterator[Item]:
        for origin, row in self.rows():
            if "__problem__" in row:
                yield Item(origin, None, origin=origin, problem=str(row["__problem__"]))
            else:
                yield row_item(row, origin, self.columns)


class CsvSource(TableSource):
    def _reader(self, usecols: Sequence[str] | None = None) -> Iterator[Any]:
        import pandas as pd

        sep = "\t" if self.path.suffix.lower() == ".tsv" else ","
        header = pd.read_csv(
            self.path, sep=sep, nrows=0, encoding="utf-8", encoding_errors="surrogateescape"
        ).columns
        if self.columns.id not in header:
            raise InputSpecError(f"{self.label}: no {self.columns.id!r} column (see --columns)")
        wanted = [c for c in (usecols or self.columns.names().values()) if c in header]
        chunks = pd.read_csv(
            self.path,
            sep=sep,
            dtype=object,  # Python strings: they may hold escaped bytes
            keep_default_na=False,
            na_values=[],
            encoding="utf-8",
            encoding_errors="surrogateescape",
            usecols=wanted,
            chunksize=CHUNK_ROWS,
        )
        with chunks as reader:
            yield from reader

    def count(self) -> int:
        return sum(len(chunk) for chunk in self._reader([self.columns.id]))

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        number = 1  # the header is line 1; rows are numbered from 2 like a spreadsheet
        for chunk in self._reader():
            for row in chunk.to_dict("records"):
                number += 1
                yield f"{self.label}:row {number}", row


class ParquetSource(TableSource):
    def _files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(p for p in self.path.rglob("*.parquet") if p.is_file())
        return [self.path]

    def _check(self, names: Sequence[str]) -> list[str]:
        if self.columns.id not in names:
            raise InputSpecError(f"{self.label}: no {self.columns.id!r} column (see --columns)")
        return [c for c in self.columns.names().values() if c in names]

    def count(self) -> int:
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for p in self._files())

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        import pyarrow.parquet as pq

        for file in self._files():
            parquet = pq.ParquetFile(file)
            wanted = self._check(parquet.schema_arrow.names)
            label = self.label if file == self.path else f"{self.label}/{file.name}"
            number = 0
            for batch in parquet.iter_batches(batch_size=CHUNK_ROWS, columns=wanted):
                for row in batch.to_pylist():
                    number += 1
                    yield f"{label}:row {number}", row


def open_inputs(
    paths: Sequence[str], columns: Columns | None = None, *, max_bytes: int
) -> list[Source]:
    """Return a :class:`Source` for each input path; raise :class:`InputSpecError` if one is
    missing. ``max_bytes``: a file larger than this is recorded as an error, never read."""
    cols = columns or Columns()
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        suffix = path.suffix.lower()
        if not path.exists():
            raise InputSpecError(f"{raw}: no such file or folder")
        if suffix in PARQUET_SUFFIXES:
            sources.append(ParquetSource(path, raw, cols))
        elif path.is_dir():
            sources.append(FolderSource(path, raw, max_bytes=max_bytes))
        elif suffix in JSONL_SUFFIXES:
            sources.append(JsonLinesSource(path, raw, cols))
        elif suffix in CSV_SUFFIXES:
            sources.append(CsvSource(path, raw, cols))
        else:
            sources.append(FileSource(path, raw, max_bytes=max_bytes))
    return sources
