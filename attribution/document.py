"""The JSON document for one analysed article, shared by the HTTP API and the command line.

:func:`analyze_document` reads the article (extracting the text of HTML),
analyses it and returns ``{attributions, speakers, summary, repairs, warnings,
document, meta}``: the engine's result (:func:`attribution.schemas.dump_analysis`)
plus what the caller needs to read it (``document``: the format, the length and,
for HTML, the extracted text that ``start``/``end`` index) and ``meta``
(versions and the time taken). The service adds the request's ``id``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from attribution.errors import InputError
from attribution.records import Analysis

__all__ = ["TextTooLong", "analyze_document", "library_version", "merged_versions"]

FORMATS = ("text", "html")


class TextTooLong(InputError):
    """The article (for HTML: its extracted text) is longer than the limit."""

    def __init__(self, length: int, limit: int, *, html: bool = False) -> None:
        what = "the text extracted from the HTML" if html else "the article"
        super().__init__(f"{what} has {length} characters; the limit is {limit} characters")
        self.length = length
        self.limit = limit


def library_version() -> str:
    """Return the installed version of the ``attribution`` distribution."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("attribution")
    except PackageNotFoundError:
        return "0+unknown"


def merged_versions(analyzer_versions: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``{"attribution": <library version>, ...the analyzer's other versions}``."""
    out = {"attribution": library_version()}
    out.update((k, str(v)) for k, v in (analyzer_versions or {}).items() if k != "attribution")
    return out


def analyze_document(
    analyze: Callable[[str], Analysis],
    text: str,
    *,
    fmt: str = "text",
    max_chars: int | None = None,
    versions: Callable[[], Mapping[str, str]] = merged_versions,
) -> dict[str, Any]:
    """Analyse ``text`` (``fmt`` "text" or "html") with ``analyze``; return the JSON document.

    Raise :class:`TextTooLong` when the text to analyse is over ``max_chars``;
    ``versions`` is called after the analysis (the models are loaded by then).
    """
    from attribution.html import add_html_offsets, html_to_text
    from attribution.schemas import dump_analysis

    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    started = time.perf_counter()
    mapping = html_to_text(text) if fmt == "html" else None
    if mapping is not None:
        text = mapping.text
    if max_chars is not None and len(text) > max_chars:
        raise TextTooLong(len(text), max_chars, html=mapping is not None)
    result = dump_analysis(analyze(text))
    document: dict[str, Any] = {"format": fmt, "length": len(text)}
    if mapping is not None:
        add_html_offsets(result, mapping)
        document["text"] = mapping.text
        document["html_length"] = mapping.html_length
    return {
        **result,
        "document": document,
        "meta": {
            "versions": dict(versions()),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 3),
        },
    }
