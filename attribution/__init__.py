"""attribution: the quotes and claims in a news article, who stands behind them, how well sourced.

    >>> from attribution import analyze
    >>> result = analyze(article_text)      # an attribution.records.Analysis

``Analyzer`` keeps one loaded parser for many articles. The names are
imported lazily so that ``import attribution.types`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Analyzer", "analyze", "__version__"]

if TYPE_CHECKING:
    from attribution.pipeline import Analyzer, analyze


def __getattr__(name: str) -> Any:
    if name in ("Analyzer", "analyze"):
        from attribution import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'attribution' has no attribute {name!r}")
