"""The README's sample answer, made from the real output: ``python -m evaluation.readme_sample``.

Runs the seed article (``../shared/examples/gantz-morocco.txt``) through the
bundled models exactly as ``POST /v1/attributions`` does, abridges the document
(the first attribution whole, the rest summarised; two repairs) and compares it
with the JSON block between the README's ``sample`` markers. Exits 1 when they
differ; ``--write`` rewrites the block instead. ``meta.elapsed_ms`` is the only
field not compared (it is a timing).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Any

from attribution.document import analyze_document
from evaluation.common import REPO_ROOT, shared_dir

README = REPO_ROOT / "README.md"
START, END = "<!-- sample:start -->", "<!-- sample:end -->"
BLOCK = re.compile(re.escape(START) + r"\n```json\n(.*?)\n```\n" + re.escape(END), re.S)
#: Summary fields the sample keeps (the rest are counts a reader can get from the API).
SUMMARY_KEYS = (
    "attributions", "declined_to_comment", "anonymous_share", "named_sources",
    "anonymous_without_justification", "unattributed_claims", "first_attribution_anonymous",
    "score", "grade",
)  # fmt: skip
SHOWN_REPAIRS = 2
SHOWN_SPEAKERS = 5


def _others(document: dict[str, Any]) -> str:
    """Describe the attributions after the first: count, then a few speakers with scores."""
    rest = document["attributions"][1:]
    seen: dict[str, str] = {}
    for att in rest:
        name = att["speaker"]["name"] or "no speaker"
        if name not in seen and att["score"] is not None:
            seen[name] = f"{name} ({att['score']['value']}, {att['score']['grade']})"
    shown = list(seen.values())[:SHOWN_SPEAKERS]
    return f"... {len(rest)} more: {', '.join(shown)} ..."


def abridge(document: dict[str, Any]) -> dict[str, Any]:
    """Return the README's abridged form of a result document."""
    repairs = document["repairs"]
    return {
        "id": None,
        "attributions": [*document["attributions"][:1], _others(document)],
        "speakers": ["..."],
        "summary": {k: document["summary"][k] for k in SUMMARY_KEYS},
        "repairs": [*repairs[:SHOWN_REPAIRS], f"... {len(repairs) - SHOWN_REPAIRS} more"],
        "warnings": document["warnings"],
        "document": document["document"],
        "meta": document["meta"],
    }


def real_sample() -> dict[str, Any]:
    """Analyse the seed article with the bundled models and abridge the answer."""
    from attribution.document import analyzer_versions
    from attribution.pipeline import Analyzer

    analyzer = Analyzer(model=True)  # the product's default: rules plus the learned model
    analyzer.load()  # elapsed_ms should time the analysis, as on a warm service
    text = (shared_dir() / "examples" / "gantz-morocco.txt").read_text(encoding="utf-8")
    versions = analyzer_versions(analyzer)
    return abridge(analyze_document(analyzer.analyze, text, versions=lambda: versions))


def readme_sample() -> dict[str, Any]:
    """Return the sample JSON in the README (between the markers)."""
    found = BLOCK.search(README.read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"no {START} ... {END} block with a json fence in {README}")
    sample: dict[str, Any] = json.loads(found.group(1))
    return sample


def _comparable(sample: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in sample["meta"].items() if k != "elapsed_ms"}
    return {**sample, "meta": meta}


def differences(real: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """Return the top-level keys whose values differ (elapsed time aside)."""
    a, b = _comparable(real), _comparable(shown)
    return [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def write(sample: dict[str, Any]) -> None:
    """Replace the README's sample block with ``sample``."""
    body = json.dumps(sample, indent=1, ensure_ascii=False)
    text = README.read_text(encoding="utf-8")
    if BLOCK.search(text) is None:
        raise SystemExit(f"no {START} ... {END} block with a json fence in {README}")
    README.write_text(BLOCK.sub(lambda _: f"{START}\n```json\n{body}\n```\n{END}", text), "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite the README's sample")
    args = parser.parse_args(argv)
    real = real_sample()
    if args.write:
        write(real)
        print(f"wrote the sample into {README}")
        return 0
    diff = differences(real, readme_sample())
    if diff:
        print(f"README sample differs from the real answer in: {', '.join(diff)}")
        print("run: python -m evaluation.readme_sample --write")
        return 1
    print("README sample matches the real answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
