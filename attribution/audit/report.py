"""The audit's figures (``report.json``) from the Parquet tables.

:func:`compute` reads only the columns it needs and returns every figure the
report shows; :func:`build_report` writes ``report.json`` and, through
:mod:`attribution.audit.render`, ``report.html``. The anonymous share is the
articles' ``summary.anonymous`` over ``summary.sourced`` (the share of sourced
claims, ``docs/scoring.md``), summed over the articles of a month, an outlet or
a section.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from attribution.audit.rows import SUMMARY_FIELDS
from attribution.audit.store import AuditStore

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["build_report", "compute"]

GRADES = ("A", "B", "C", "D", "E")
#: Rows kept in each "by outlet"/"by section" table and chart (by sourced claims).
TOP_GROUPS = 25
#: Articles listed as relying most on anonymous sources, and attributions quoted from each.
TOP_ARTICLES = 20
WORST_PER_ARTICLE = 3
TOP_PHRASES = 25
#: Named sources per article: the histogram's last bin is this many or more.
DIVERSITY_CAP = 10
NONE_LABEL = "(none)"
#: The article columns the report reads: the metadata, then the summary's figures
#: as :mod:`attribution.audit.rows` writes them.
ARTICLE_COLUMNS = [
    "article_id",
    "outlet",
    "section",
    "url",
    "published",
    "published_at",
    "words",
    *SUMMARY_FIELDS,
    "anonymous_without_justification",
]


def build_report(store: AuditStore) -> dict[str, Any]:
    """Write ``report.json`` and ``report.html`` in the store's folder; return the figures."""
    from attribution.audit.render import render_html

    report = compute(store)
    store.report_json.write_text(json.dumps(report, indent=1, sort_keys=False) + "\n", "utf-8")
    store.report_html.write_text(render_html(report), encoding="utf-8")
    return report


def compute(store: AuditStore) -> dict[str, Any]:
    """Return every figure of the report, as JSON-ready values."""
    articles = store.read("articles", ARTICLE_COLUMNS).to_pandas()
    attributions = store.read(
        "attributions",
        [
            "article_id",
            "content",
            "source",
            "speaker_name",
            "speaker_type",
            "hedge_kinds",
            "hedge_texts",
            "justification",
            "score",
            "grade",
            "declined",
            "sourced",
            "anonymous",
        ],
    )
    errors = store.read("errors", ["article_id", "origin", "error_type", "error", "stage"])
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "folder": str(store.root),
        "totals": _totals(articles, errors),
        "run": _run(store.runs()),
        "errors": _errors(errors),
        "anonymous_share": {
            "by_month": _share_by(articles, _months(articles), sort_by_key=True),
            "by_outlet": _share_by(articles, articles["outlet"]),
            "by_section": _share_by(articles, articles["section"]),
        },
        "grades": _grades(articles, attributions),
        "justification": _justification(articles),
        "anonymity_phrases": _phrases(attributions),
        "most_anonymous_articles": _most_anonymous(articles, attributions),
        "named_source_diversity": _diversity(articles),
    }


def _int(value: Any) -> int:
    return int(value) if value == value and value is not None else 0


def _share(anonymous: int, sourced: int) -> float | None:
    return round(anonymous / sourced, 3) if sourced else None


def _totals(articles: pd.DataFrame, errors: pa.Table) -> dict[str, Any]:
    sourced, anonymous = _int(articles["sourced"].sum()), _int(articles["anonymous"].sum())
    with_anonymous = int((articles["anonymous"] > 0).sum()) if len(articles) else 0
    return {
        "articles": len(articles),
        "errors": errors.num_rows,
        "words": _int(articles["words"].sum()),
        "attributions": _int(articles["attributions"].sum()),
        "declined_to_comment": _int(articles["declined_to_comment"].sum()),
        "sourced": sourced,
        "anonymous": anonymous,
        "anonymous_share": _share(anonymous, sourced),
        "unattributed_claims": _int(articles["unattributed_claims"].sum()),
        "articles_with_anonymous": with_anonymous,
        "articles_leading_with_anonymous": int(
            articles["first_attribution_anonymous"].fillna(False).astype(bool).sum()
        ),
        "mean_article_score": _mean(articles["score"]),
    }


def _mean(column: pd.Series) -> float | None:
    values = column.dropna()
    return round(float(values.mean()), 2) if len(values) else None


def _run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = sum(float(r.get("seconds") or 0) for r in runs)
    done = sum(int(r.get("articles") or 0) + int(r.get("errors") or 0) for r in runs)
    last = runs[-1] if runs else {}
    return {
        "runs": len(runs),
        "seconds": round(seconds, 3),
        "articles_per_second": round(done / seconds, 3) if seconds else None,
        "workers": last.get("workers"),
        "scheduler": last.get("scheduler"),
        "versions": last.get("versions", {}),
        "history": [{k: v for k, v in r.items() if k != "versions"} for r in runs],
    }


def _errors(errors: pa.Table) -> dict[str, Any]:
    rows = errors.to_pylist()
    return {
        "by_type": dict(Counter(r["error_type"] for r in rows).most_common()),
        "by_stage": dict(Counter(r["stage"] for r in rows).most_common()),
        "examples": [
            {k: r[k] for k in ("article_id", "origin", "error_type", "error")} for r in rows[:20]
        ],
    }


def _months(articles: pd.DataFrame) -> pd.Series:
    import pandas as pd

    dates = pd.to_datetime(articles["published_at"], utc=True)
    return dates.dt.strftime("%Y-%m").where(dates.notna(), None)


def _share_by(
    articles: pd.DataFrame, keys: pd.Series, *, sort_by_key: bool = False
) -> list[dict[str, Any]]:
    """Return the anonymous share of sourced claims per value of ``keys``."""
    if not len(articles):
        return []
    frame = articles[["sourced", "anonymous"]].copy()
    frame["key"] = keys.fillna(NONE_LABEL).astype(str)
    grouped = frame.groupby("key").agg(
        articles=("sourced", "size"), sourced=("sourced", "sum"), anonymous=("anonymous", "sum")
    )
    rows: list[dict[str, Any]] = [
        {
            "key": str(key),
            "articles": int(row.articles),
            "sourced": int(row.sourced),
            "anonymous": int(row.anonymous),
            "share": _share(int(row.anonymous), int(row.sourced)),
        }
        for key, row in grouped.iterrows()
    ]
    if sort_by_key:
        return sorted(rows, key=lambda r: (r["key"] == NONE_LABEL, r["key"]))
    return sorted(rows, key=lambda r: (-r["sourced"], r["key"]))[:TOP_GROUPS]


def _grades(articles: pd.DataFrame, attributions: pa.Table) -> dict[str, Any]:
    claims = attributions.filter(_not(attributions.column("declined")))
    counted = Counter(g for g in claims.column("grade").to_pylist() if g)
    by_article = Counter(g for g in articles["grade"].tolist() if isinstance(g, str))
    anonymous = attributions.filter(attributions.column("anonymous"))
    by_anonymous = Counter(g for g in anonymous.column("grade").to_pylist() if g)
    return {
        "attributions": {g: counted.get(g, 0) for g in GRADES},
        "anonymous_attributions": {g: by_anonymous.get(g, 0) for g in GRADES},
        "articles": {g: by_article.get(g, 0) for g in GRADES},
    }


def _not(column: pa.ChunkedArray) -> pa.ChunkedArray:
    import pyarrow.compute as pc

    result: pa.ChunkedArray = pc.invert(pc.fill_null(column, False))
    return result


def _justification(articles: pd.DataFrame) -> dict[str, Any]:
    names = [n for names in articles["anonymous_without_justification"] for n in _listed(names)]
    sources = _int(articles["anonymous_sources"].sum())
    return {
        "anonymous_sources": sources,
        "without_justification": len(names),
        "share_without": round(len(names) / sources, 3) if sources else None,
        "articles_with_unjustified": int(
            sum(1 for names in articles["anonymous_without_justification"] if len(_listed(names)))
        ),
        "most_common": _counted((n.lower() for n in names), "name"),
    }


def _listed(value: Any) -> list[str]:
    return [] if value is None else [str(v) for v in value]


def _counted(values: Iterable[str], label: str) -> list[dict[str, Any]]:
    return [{label: k, "count": n} for k, n in Counter(values).most_common(TOP_PHRASES)]


def _phrases(attributions: pa.Table) -> dict[str, Any]:
    """Return the most common anonymity formulas, vague groups and anonymous speakers."""
    import pyarrow.compute as pc

    kinds = pc.list_flatten(attributions.column("hedge_kinds")).to_pylist()
    texts = pc.list_flatten(attributions.column("hedge_texts")).to_pylist()
    by_kind: dict[str, Counter[str]] = {"anonymous_formula": Counter(), "vague_group": Counter()}
    for kind, text in zip(kinds, texts, strict=True):
        if kind in by_kind and text:
            by_kind[kind][" ".join(text.lower().split())] += 1
    anonymous = attributions.filter(attributions.column("anonymous"))
    speakers = (n.lower() for n in anonymous.column("speaker_name").to_pylist() if n)
    return {
        "anonymity_formulas": [
            {"text": k, "count": n}
            for k, n in by_kind["anonymous_formula"].most_common(TOP_PHRASES)
        ],
        "vague_groups": [
            {"text": k, "count": n} for k, n in by_kind["vague_group"].most_common(TOP_PHRASES)
        ],
        "anonymous_speakers": _counted(speakers, "name"),
    }


def _most_anonymous(articles: pd.DataFrame, attributions: pa.Table) -> list[dict[str, Any]]:
    """Return the articles with the most anonymous sourced claims, their worst ones quoted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(articles):
        return []
    ranked = articles[articles["anonymous"] > 0].sort_values(
        ["anonymous", "anonymous_share", "article_id"], ascending=[False, False, True]
    )[:TOP_ARTICLES]
    ids = pa.array(ranked["article_id"].tolist(), pa.string())
    mask = pc.and_(
        pc.is_in(attributions.column("article_id"), value_set=ids), attributions.column("anonymous")
    )
    worst: dict[str, list[dict[str, Any]]] = {}
    rows = attributions.filter(mask).to_pylist()
    for row in sorted(rows, key=lambda r: r["score"] if r["score"] is not None else 101):
        quoted = worst.setdefault(row["article_id"], [])
        if len(quoted) < WORST_PER_ARTICLE:
            quoted.append(_quoted(row))
    return [
        _article_entry(record, worst.get(record["article_id"], []))
        for record in ranked.to_dict("records")
    ]


def _quoted(row: dict[str, Any]) -> dict[str, Any]:
    hedges = [t for t in row["hedge_texts"] or [] if t]
    return {
        "content": row["content"],
        "source": row["source"],
        "speaker": row["speaker_name"],
        "speaker_type": row["speaker_type"],
        "justification": row["justification"],
        "hedges": hedges,
        "score": row["score"],
        "grade": row["grade"],
    }


def _article_entry(record: dict[str, Any], worst: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "article_id": record["article_id"],
        "outlet": _text(record["outlet"]),
        "section": _text(record["section"]),
        "published": _text(record["published"]),
        "url": _text(record["url"]),
        "sourced": _int(record["sourced"]),
        "anonymous": _int(record["anonymous"]),
        "anonymous_share": _share(_int(record["anonymous"]), _int(record["sourced"])),
        "named_sources": _int(record["named_sources"]),
        "score": None if record["score"] != record["score"] else record["score"],
        "grade": _text(record["grade"]),
        "worst_attributions": worst,
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _diversity(articles: pd.DataFrame) -> dict[str, Any]:
    """Return how many distinct named sources articles quote: histogram, mean, by outlet."""
    counts = [min(_int(v), DIVERSITY_CAP) for v in articles["named_sources"]]
    histogram = Counter(counts)
    labels = [str(n) for n in range(DIVERSITY_CAP)] + [f"{DIVERSITY_CAP}+"]
    by_outlet: list[dict[str, Any]] = []
    if len(articles):
        frame = articles[["named_sources"]].copy()
        frame["outlet"] = articles["outlet"].fillna(NONE_LABEL)
        grouped = frame.groupby("outlet")["named_sources"].agg(["size", "mean"])
        by_outlet = [
            {"outlet": str(k), "articles": int(r["size"]), "mean": round(float(r["mean"]), 2)}
            for k, r in grouped.iterrows()
        ]
        by_outlet = sorted(by_outlet, key=lambda r: (-r["articles"], r["outlet"]))[:TOP_GROUPS]
    series = articles["named_sources"].dropna()
    return {
        "mean": _mean(articles["named_sources"]),
        "median": float(series.median()) if len(series) else None,
        "articles_without_named_source": histogram.get(0, 0),
        "histogram": {label: histogram.get(n, 0) for n, label in enumerate(labels)},
        "by_outlet": by_outlet,
    }
