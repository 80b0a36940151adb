"""``report.html``: one self-contained page (no script, no link, charts inline as SVG).

The charts are drawn with matplotlib (the non-interactive SVG backend, no
pyplot state), text kept as text so the page stays small and searchable.
Everything shown comes from the figures of :func:`attribution.audit.report.compute`,
the same numbers as ``report.json``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from typing import Any

__all__ = ["chart_svg", "render_html"]

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{padding:.25em .6em;
border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{background:#f6f6f6}
td.n{text-align:right;font-variant-numeric:tabular-nums}.chart svg{max-width:100%;height:auto}
.figures{display:flex;flex-wrap:wrap;gap:1em}.figure{background:#f6f8fa;padding:.6em 1em;
border-radius:6px}.figure b{display:block;font-size:1.4em}blockquote{margin:.3em 0 .6em 1em;
border-left:3px solid #c33;padding-left:.6em;color:#333}small{color:#666}
"""


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def chart_svg(
    kind: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    ylabel: str = "",
    percent: bool = False,
) -> str:
    """Return a chart as an inline ``<svg>`` element: ``kind`` is ``line``, ``bar`` or ``barh``."""
    import matplotlib
    from matplotlib.figure import Figure

    height = 0.9 + 0.28 * len(labels) if kind == "barh" else 3.4
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": title}):
        fig = Figure(figsize=(8.0, min(max(height, 2.5), 9.0)), layout="constrained")
        ax = fig.add_subplot()
        numbers = [
            float("nan") if v is None else float(v) * (100 if percent else 1) for v in values
        ]
        if not labels:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        elif kind == "line":
            ax.plot(list(labels), numbers, marker="o", color="#c33")
            ax.tick_params(axis="x", labelrotation=60)
        elif kind == "barh":
            ax.barh(list(labels)[::-1], numbers[::-1], color="#c33")
        else:
            ax.bar(list(labels), numbers, color="#369")
        ax.set_title(title)
        if ylabel:
            (ax.set_xlabel if kind == "barh" else ax.set_ylabel)(ylabel)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = (
        "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
        or f"<tr><td colspan={len(headers)}>none</td></tr>"
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f'<td class="n">{value:,}</td>'
            if isinstance(value, int)
            else f'<td class="n">{value}</td>'
        )
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _section(title: str, *parts: str) -> str:
    return f"<h2>{escape(title)}</h2>\n" + "\n".join(parts)


def _figures(report: dict[str, Any]) -> str:
    totals, run = report["totals"], report["run"]
    cells = [
        ("articles analysed", f"{totals['articles']:,}"),
        ("failed", f"{totals['errors']:,}"),
        ("words", f"{totals['words']:,}"),
        ("claims", f"{totals['attributions']:,}"),
        ("sourced claims", f"{totals['sourced']:,}"),
        ("anonymous share", _percent(totals["anonymous_share"])),
        ("articles with an anonymous source", f"{totals['articles_with_anonymous']:,}"),
        ("run time", f"{run['seconds']:.0f} s"),
        ("articles/s", str(run["articles_per_second"])),
        ("workers", str(run["workers"])),
    ]
    inner = "".join(f'<div class="figure"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in cells)
    return f'<div class="figures">{inner}</div>'


def _share_section(report: dict[str, Any]) -> str:
    shares = report["anonymous_share"]
    parts = []
    for key, title, kind in (
        ("by_month", "Anonymous share of sourced claims by month", "line"),
        ("by_outlet", "Anonymous share of sourced claims by outlet", "barh"),
        ("by_section", "Anonymous share of sourced claims by section", "barh"),
    ):
        rows = [r for r in shares[key] if not (kind == "line" and r["key"] == "(none)")]
        labels = [r["key"] for r in rows]
        chart = chart_svg(
            kind, labels, [r["share"] for r in rows], title=title, ylabel="%", percent=True
        )
        table = _table(
            ["", "articles", "sourced claims", "anonymous", "share"],
            [
                [r["key"], r["articles"], r["sourced"], r["anonymous"], _percent(r["share"])]
                for r in shares[key]
            ],
        )
        parts.append(f'<div class="chart">{chart}</div>{table}')
    return _section("Anonymous sourcing by month, outlet and section", *parts)


def _grades_section(report: dict[str, Any]) -> str:
    grades = report["grades"]
    chart = chart_svg(
        "bar",
        list(grades["attributions"]),
        list(grades["attributions"].values()),
        title="Claims by sourcing grade",
        ylabel="claims",
    )
    rows = [[name, *values.values()] for name, values in grades.items()]
    table = _table(["", *grades["attributions"].keys()], rows)
    return _section("Grade distribution", f'<div class="chart">{chart}</div>', table)


def _justification_section(report: dict[str, Any]) -> str:
    just = report["justification"]
    text = (
        f"<p>{just['without_justification']:,} of {just['anonymous_sources']:,} anonymous "
        f"sources ({_percent(just['share_without'])}) come with no stated justification "
        "(neither how they know nor why they are not named), in "
        f"{just['articles_with_unjustified']:,} articles.</p>"
    )
    table = _table(
        ["anonymous source", "articles"], [[r["name"], r["count"]] for r in just["most_common"]]
    )
    return _section("Anonymous sources without justification", text, table)


def _phrases_section(report: dict[str, Any]) -> str:
    phrases = report["anonymity_phrases"]
    return _section(
        "Anonymity formulas and vague groups",
        "<h3>Anonymity formulas</h3>",
        _table(
            ["formula", "count"], [[r["text"], r["count"]] for r in phrases["anonymity_formulas"]]
        ),
        "<h3>Vague groups</h3>",
        _table(["phrase", "count"], [[r["text"], r["count"]] for r in phrases["vague_groups"]]),
        "<h3>Anonymous speakers</h3>",
        _table(
            ["speaker", "claims"], [[r["name"], r["count"]] for r in phrases["anonymous_speakers"]]
        ),
    )


def _articles_section(report: dict[str, Any]) -> str:
    items = []
    for entry in report["most_anonymous_articles"]:
        where = " · ".join(
            escape(v) for v in (entry["outlet"], entry["section"], entry["published"]) if v
        )
        link = f' <a href="{escape(entry["url"])}">link</a>' if entry["url"] else ""
        quotes = "".join(
            f"<blockquote>{escape(str(q['content']))}<br><small>{escape(str(q['source']))}"
            f" ({escape(str(q['speaker_type']))}), score {q['score']} ({escape(str(q['grade']))})"
            f"{'; justification: ' + escape(q['justification']) if q['justification'] else ''}"
            "</small></blockquote>"
            for q in entry["worst_attributions"]
        )
        items.append(
            f"<li><b>{escape(entry['article_id'])}</b> {where}{link}<br>"
            f"{entry['anonymous']} of {entry['sourced']} sourced claims anonymous "
            f"({_percent(entry['anonymous_share'])}), {entry['named_sources']} named sources, "
            f"grade {escape(str(entry['grade']))}{quotes}</li>"
        )
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>No article has an anonymous source.</p>"
    return _section("Articles relying most on anonymous sources", body)


def _diversity_section(report: dict[str, Any]) -> str:
    div = report["named_source_diversity"]
    chart = chart_svg(
        "bar",
        list(div["histogram"]),
        list(div["histogram"].values()),
        title="Distinct named sources per article",
        ylabel="articles",
    )
    text = (
        f"<p>Mean {div['mean']}, median {div['median']} distinct named sources per article; "
        f"{div['articles_without_named_source']:,} articles name no source.</p>"
    )
    table = _table(
        ["outlet", "articles", "mean named sources"],
        [[r["outlet"], r["articles"], r["mean"]] for r in div["by_outlet"]],
    )
    return _section("Named-source diversity", text, f'<div class="chart">{chart}</div>', table)


def _run_section(report: dict[str, Any]) -> str:
    run, errors = report["run"], report["errors"]
    history = _table(
        ["started", "seconds", "articles", "errors", "workers", "scheduler", "articles/s"],
        [
            [h.get("started"), h.get("seconds"), h.get("articles"), h.get("errors"),
             h.get("workers"), h.get("scheduler"), h.get("articles_per_second")]
            for h in run["history"]
        ],
    )  # fmt: skip
    versions = ", ".join(f"{k} {v}" for k, v in sorted(run["versions"].items()))
    failures = _table(
        ["article", "error type", "error"],
        [[e["article_id"], e["error_type"], e["error"]] for e in errors["examples"]],
    )
    return _section(
        "The run",
        history,
        f"<p><small>{escape(versions)}</small></p>",
        "<h3>Articles that could not be analysed</h3>",
        _table(["error type", "articles"], list(errors["by_type"].items())),
        failures,
    )


def render_html(report: dict[str, Any]) -> str:
    """Return the report as one HTML page that opens offline."""
    totals = report["totals"]
    lead = (
        f"<p>{totals['anonymous']:,} of {totals['sourced']:,} sourced claims "
        f"({_percent(totals['anonymous_share'])}) rest on sources the reader cannot identify. "
        "The share counts claims with a source in the text; unattributed claims "
        f"({totals['unattributed_claims']:,}) and declined-to-comment records "
        f"({totals['declined_to_comment']:,}) are left out.</p>"
    )
    body = "\n".join(
        [
            f"<h1>Sourcing audit</h1><p><small>{escape(report['folder'])}, "
            f"{escape(report['generated'])}</small></p>",
            _figures(report),
            lead,
            _share_section(report),
            _grades_section(report),
            _justification_section(report),
            _phrases_section(report),
            _articles_section(report),
            _diversity_section(report),
            _run_section(report),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Sourcing audit</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
