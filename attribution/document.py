"""The JSON document for one analysed article, shared by the HTTP API and the command line.

:func:`analyze_document` reads the article (extracting the text of HTML),
analyses it and returns ``{attributions, speakers, summary, repairs, warnings,
document, meta}``: the engine's result (:func:`attribution.schemas.dump_analysis`)
plus what the caller needs to read it (``document``: the format, the length and,
for HTML and the CMS formats of :mod:`attribution.cms`, the extracted text that
``start``/``end`` index) and ``meta``
(versions and the time taken). The service adds the request's ``id``.

``meta.versions`` says whether the learned attribution model ran
(:func:`analyzer_versions`, :func:`versions_for`): ``learned_model`` is its
version, or ``"off"`` when the rules ran alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from attribution.errors import InputError
from attribution.records import Analysis

__all__ = [
    "LEARNED_MODEL",
    "MODEL_OFF",
    "TextTooLong",
    "analyze_document",
    "analyzer_versions",
    "extracted_text",
    "library_version",
    "merged_versions",
    "versions_for",
]

FORMATS = ("text", "html", "ans", "wordpress")
#: The ``meta.versions`` key of the learned attribution model: its version, or :data:`MODEL_OFF`.
LEARNED_MODEL = "learned_model"
MODEL_OFF = "off"


class _Versioned(Protocol):
    def versions(self) -> Mapping[str, str]: ...


class TextTooLong(InputError):
    """The article (for HTML: its extracted text) is longer than the limit."""

    def __init__(self, length: int, limit: int, *, html: bool = False, fmt: str = "") -> None:
        what = "the text extracted from the HTML" if html else "the article"
        if fmt in ("ans", "wordpress"):
            what = f"the text extracted from the {'ANS story' if fmt == 'ans' else 'post'}"
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


def analyzer_versions(analyzer: _Versioned) -> dict[str, str]:
    """Return ``analyzer.versions()`` and whether its learned model is on.

    An analyzer with a ``model()`` method (:meth:`attribution.pipeline.Analyzer.model`)
    gets ``learned_model``: the learned model's version, or ``"off"`` when it
    runs the rules alone. Call it once the models are loaded.
    """
    out = {k: str(v) for k, v in analyzer.versions().items()}
    model = getattr(analyzer, "model", None)
    if callable(model) and LEARNED_MODEL not in out:
        learned = model()
        out[LEARNED_MODEL] = (
            MODEL_OFF if learned is None else str(getattr(learned, "version", "unknown"))
        )
    return out


def versions_for(
    versions: Mapping[str, str], options: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Return ``versions`` as they apply to one analysis run with ``options``.

    ``options["model"]`` false ran the rules alone: ``learned_model`` is then ``"off"``.
    """
    out = dict(versions)
    if LEARNED_MODEL in out and options and options.get("model", True) is False:
        out[LEARNED_MODEL] = MODEL_OFF
    return out


def extracted_text(source: str | Mapping[str, Any], fmt: str = "text") -> str:
    """Return the text an analysis of ``source`` in format ``fmt`` reads.

    Raise :class:`attribution.cms.CmsDocumentError` for a CMS document that cannot be read.
    """
    from attribution.cms import CMS_FORMATS, read_cms
    from attribution.html import html_to_text

    if fmt in CMS_FORMATS:
        return read_cms(fmt, source).text
    if not isinstance(source, str):
        raise InputError(f"a {fmt} article is a string, not {type(source).__name__}")
    return html_to_text(source).text if fmt == "html" else source


def analyze_document(
    analyze: Callable[[str], Analysis],
    text: str | Mapping[str, Any],
    *,
    fmt: str = "text",
    max_chars: int | None = None,
    versions: Callable[[], Mapping[str, str]] = merged_versions,
) -> dict[str, Any]:
    """Analyse ``text`` (``fmt`` "text" or "html") with ``analyze``; return the JSON document.

    For ``fmt`` "ans" or "wordpress", ``text`` is the CMS document (a mapping,
    :mod:`attribution.cms`): every span also gets where it sits in it, and a
    document that cannot be read raises :class:`attribution.cms.CmsDocumentError`.
    Raise :class:`TextTooLong` when the text to analyse is over ``max_chars``;
    ``versions`` is called after the analysis (the models are loaded by then).
    """
    from attribution.cms import CMS_FORMATS, add_cms_offsets, read_cms
    from attribution.html import add_html_offsets, html_to_text
    from attribution.schemas import dump_analysis

    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    started = time.perf_counter()
    cms = read_cms(fmt, text) if fmt in CMS_FORMATS else None
    if cms is not None:
        text = cms.text
    elif not isinstance(text, str):
        raise InputError(f"a {fmt} article is a string, not {type(text).__name__}")
    mapping = html_to_text(text) if fmt == "html" else None
    if mapping is not None:
        text = mapping.text
    if max_chars is not None and len(text) > max_chars:
        raise TextTooLong(len(text), max_chars, html=mapping is not None, fmt=fmt)
    result = dump_analysis(analyze(text))
    document: dict[str, Any] = {"format": fmt, "length": len(text)}
    if cms is not None:
        add_cms_offsets(result, cms)
        document = cms.describe()
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
