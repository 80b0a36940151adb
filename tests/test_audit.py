"""``attribution audit`` on tiny archives in every input form, with a model-free parser.

The engine is the library's own (:class:`attribution.pipeline.Analyzer`) over
the flat stand-in parser (``tests/_flat_parser.py``), so the rules, scores and
summaries are real and no Stanza model loads. Most runs use the synchronous
scheduler (no Dask cluster); the ``cluster`` tests start a local Dask cluster
of two worker processes; the ``model`` test runs the bundled models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _flat_parser import FlatParser

from attribution import cli
from attribution.audit.inputs import Columns, open_inputs, parse_columns
from attribution.audit.store import AuditStore
from attribution.pipeline import Analyzer
from attribution.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MAX_CHARS = 2000

GOOD = {
    "anon-1": (
        'Officials said "we will formalise the agreement" on Tuesday. '
        "A source familiar with the visit said the trip was planned for weeks."
    ),
    "named-2": 'John Smith said "the talks went well" after the meeting in Rabat.',
    "plain-3": "The weather was mild. Nobody was quoted in this short item.",
}
META = {
    "anon-1": {"outlet": "Daily Planet", "published": "2024-03-05", "section": "World"},
    "named-2": {
        "outlet": "Daily Planet",
        "published": "2024-04-11T09:00:00Z",
        "section": "Politics",
    },
    "plain-3": {"outlet": "The Sentinel", "published": "Tue, 02 Apr 2024 10:00:00 +0000"},
}
BROKEN = {"binary": "not UTF-8", "empty": "empty", "huge": "limit is 2000 characters"}
IDS = set(GOOD) | set(BROKEN)


class FlatAnalyzer:
    """The library's analyzer on the flat parser; ``crash_on`` kills the process."""

    def __init__(self, crash_on: str | None = None) -> None:
        self.inner = Analyzer(parser=FlatParser(), model=False)
        self.crash_on = crash_on

    def load(self) -> None:
        self.inner.load()

    def versions(self) -> dict[str, str]:
        return {"parser": "flat"}

    def analyze(self, text: str, *, options: Any = None, budget: float | None = None) -> Any:
        if self.crash_on and self.crash_on in text:
            os._exit(17)  # a worker dying with an article, as a segfault would
        return self.inner.analyze(text, options=options, budget=budget)


class FlatFactory:
    """Build :class:`FlatAnalyzer`s; with ``log``, append this process's id per build."""

    def __init__(self, log: str | None = None, crash_on: str | None = None) -> None:
        self.log = log
        self.crash_on = crash_on

    def __call__(self, settings: Settings) -> FlatAnalyzer:
        if self.log:
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()} threads={settings.threads}\n")
        return FlatAnalyzer(self.crash_on)


def run(argv: Sequence[str], factory: FlatFactory | None = None) -> int:
    return cli.main(["audit", *argv], analyzer_factory=factory or FlatFactory())


def audit(inputs: Sequence[Path], out: Path, *extra: str) -> int:
    args = [*map(str, inputs), "--out", str(out), "--scheduler", "synchronous"]
    return run([*args, "--max-chars", str(MAX_CHARS), "--quiet", *extra])


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": k, "text": v, **META[k]} for k, v in GOOD.items()]
    rows.append({"id": "empty", "text": "   \n"})
    rows.append({"id": "huge", "text": "word " * 600})
    return rows


def make_archive(tmp: Path, form: str) -> Path:
    """Write the archive in ``form``; the binary item is undecodable bytes in each."""
    rows = _rows()
    binary = b"\xff\xfe\x00\x81 not text"
    if form == "folder":
        folder = tmp / "archive"
        (folder / "sub").mkdir(parents=True)
        for row in rows:
            (folder / "sub" / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
        (folder / "binary.txt").write_bytes(binary)
        return folder
    if form == "jsonl":
        path = tmp / "archive.jsonl"
        lines = [json.dumps(row).encode() for row in rows]
        lines.append(b'{"id": "binary", "text": "' + binary.replace(b"\x00", b"") + b'"}')
        path.write_bytes(b"\n".join(lines) + b"\n")
        return path
    if form == "csv":
        path = tmp / "archive.csv"
        header = "id,text,outlet,published,section\n"
        fields = ("id", "text", "outlet", "published", "section")
        body = "".join(",".join(_quoted(r.get(f, "")) for f in fields) + "\n" for r in rows)
        path.write_bytes((header + body).encode() + b'binary,"' + binary + b'",,,\n')
        return path
    path = tmp / "archive.parquet"
    texts = [r["text"].encode() for r in rows] + [binary]
    table = pa.table(
        {
            "id": [r["id"] for r in rows] + ["binary"],
            "text": pa.array(texts, pa.binary()),
            "outlet": [r.get("outlet") for r in rows] + [None],
            "published": [r.get("published") for r in rows] + [None],
        }
    )
    pq.write_table(table, path)
    return path


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def ids_of(out: Path) -> tuple[list[str], list[str]]:
    store = AuditStore(out)
    articles = store.read("articles", ["article_id"]).column("article_id").to_pylist()
    errors = store.read("errors", ["article_id"]).column("article_id").to_pylist()
    return [_short(i) for i in articles], [_short(i) for i in errors]


def _short(article_id: str) -> str:
    return Path(article_id).stem  # folder ids are paths: sub/anon-1.txt


@pytest.mark.parametrize("form", ["folder", "jsonl", "csv", "parquet"])
def test_every_input_form_gives_every_id_once_and_records_the_broken_ones(
    tmp_path: Path, form: str
) -> None:
    archive = make_archive(tmp_path, form)
    out = tmp_path / "out"
    assert audit([archive], out) == 0
    articles, errors = ids_of(out)
    assert sorted(articles + errors) == sorted(IDS)
    assert set(articles) == set(GOOD)
    messages = {
        _short(r["article_id"]): r["error"] for r in AuditStore(out).read("errors").to_pylist()
    }
    for broken, phrase in BROKEN.items():
        assert phrase in messages[broken], (broken, messages[broken])
    attributions = pd_frame(out, "attributions")
    assert {"anon-1", "named-2"} <= {_short(i) for i in attributions["article_id"]}


def pd_frame(out: Path, table: str) -> Any:
    import pandas as pd

    return pd.read_parquet(out / f"{table}.parquet")


def test_the_tables_carry_the_summary_metadata_and_attribution_fields(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert audit([make_archive(tmp_path, "jsonl")], out) == 0
    articles = pd_frame(out, "articles").set_index("article_id")
    anon = articles.loc["anon-1"]
    assert anon["outlet"] == "Daily Planet" and anon["section"] == "World"
    assert str(anon["published_at"]).startswith("2024-03-05")
    assert anon["anonymous"] >= 1 and anon["sourced"] >= anon["anonymous"]
    assert anon["anonymous_share"] == pytest.approx(anon["anonymous"] / anon["sourced"], abs=1e-3)
    assert str(articles.loc["plain-3"]["published_at"]).startswith("2024-04-02")
    rows = pd_frame(out, "attributions")
    named = rows[rows["article_id"] == "named-2"].iloc[0]
    assert named["speaker_name"] == "John Smith" and named["kind"] == "direct"
    assert named["content"] == "the talks went well"
    assert GOOD["named-2"][named["content_start"] : named["content_end"]] == named["content"]
    assert named["grade"] in "ABCDE" and named["score"] is not None
    assert rows["anonymous"].any() and not rows[rows["anonymous"]]["declined"].any()


def test_the_report_has_its_charts_and_the_same_numbers_as_its_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert audit([make_archive(tmp_path, "csv")], out) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert html.count("<svg") >= 5  # by month, outlet, section; grades; named sources
    assert "<script" not in html and "src=" not in html and "<link" not in html
    for title in (
        "Anonymous share of sourced claims by month",
        "Claims by sourcing grade",
        "Distinct named sources per article",
        "Articles relying most on anonymous sources",
        "Anonymous sources without justification",
    ):
        assert title in html
    totals = report["totals"]
    assert totals["articles"] == 3 and totals["errors"] == 3
    assert totals["anonymous_share"] == round(totals["anonymous"] / totals["sourced"], 3)
    months = [r["key"] for r in report["anonymous_share"]["by_month"]]
    assert months == ["2024-03", "2024-04"]
    assert report["most_anonymous_articles"][0]["article_id"] == "anon-1"
    assert report["most_anonymous_articles"][0]["worst_attributions"]
    assert report["run"]["runs"] == 1 and report["run"]["workers"] == 1
    assert sum(report["grades"]["attributions"].values()) == totals["attributions"]


def test_a_second_run_over_a_finished_audit_does_no_work(tmp_path: Path) -> None:
    out = tmp_path / "out"
    archive = make_archive(tmp_path, "folder")
    assert audit([archive], out) == 0
    parts = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.is_file()}
    report = (out / "report.json").stat().st_mtime_ns
    factory = FlatFactory(log=str(tmp_path / "loads.log"))
    argv = [str(archive), "--out", str(out), "--scheduler", "synchronous", "--resume"]
    assert run([*argv, "--max-chars", str(MAX_CHARS)], factory) == 0
    assert not (tmp_path / "loads.log").exists()  # the analyzer was not even built
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.is_file()} == parts
    assert (out / "report.json").stat().st_mtime_ns == report
    assert len(AuditStore(out).runs()) == 1


def test_an_existing_audit_is_refused_without_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    archive = make_archive(tmp_path, "jsonl")
    assert audit([archive], out) == 0
    assert audit([archive], out) == 2
    assert "--resume" in capsys.readouterr().err


def test_resume_after_partial_output_finishes_without_repeating_an_id(tmp_path: Path) -> None:
    out = tmp_path / "out"
    archive = make_archive(tmp_path, "parquet")
    assert audit([archive], out, "--partition-size", "1") == 0
    store = AuditStore(out)
    committed = store.parts("articles")
    assert len(committed) == len(IDS)
    # A run killed between renames: two partitions lost, one half-written.
    committed[-1].unlink()
    committed[-2].unlink()
    (store.table_dir("articles") / ".part-000099.parquet.tmp").write_bytes(b"partial")
    assert len(ids_of(out)[0] + ids_of(out)[1]) == len(IDS) - 2
    assert audit([archive], out, "--resume", "--partition-size", "1") == 0
    articles, errors = ids_of(out)
    assert sorted(articles + errors) == sorted(IDS)
    assert not list(out.rglob(".*.tmp"))
    attribution_ids = pd_frame(out, "attributions")[["article_id", "attribution_id"]]
    assert not attribution_ids.duplicated().any()
    assert [r["articles"] + r["errors"] for r in store.runs()] == [len(IDS), 2]


SLOW_DRIVER = """
import sys, time
sys.path.insert(0, {tests!r})
from attribution import cli
from test_audit import FlatFactory

class Slow(FlatFactory):
    def __call__(self, settings):
        analyzer = super().__call__(settings)
        inner = analyzer.analyze
        def slow(text, **kw):
            time.sleep(float({delay!r}))
            return inner(text, **kw)
        analyzer.analyze = slow
        return analyzer

sys.exit(cli.main(["audit", *sys.argv[1:]], analyzer_factory=Slow()))
"""


def test_a_killed_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    archive = tmp_path / "many.jsonl"
    rows = [{"id": f"a{i:02d}", "text": f'Officials said "item {i}" today.'} for i in range(12)]
    archive.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    driver = tmp_path / "driver.py"
    driver.write_text(SLOW_DRIVER.format(tests=str(ROOT / "tests"), delay=0.5), encoding="utf-8")
    argv = [str(archive), "--out", str(out), "--scheduler", "synchronous", "--quiet"]
    process = subprocess.Popen([sys.executable, str(driver), *argv, "--partition-size", "1"])
    store = AuditStore(out)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(store.parts("articles")) < 2:
        time.sleep(0.2)
    process.kill()
    process.wait(timeout=60)
    done = len(store.parts("articles"))
    assert 2 <= done < len(rows), "the run should be killed part-way"
    assert audit([archive], out, "--resume") == 0
    articles, errors = ids_of(out)
    assert errors == [] and sorted(articles) == [r["id"] for r in rows]


def test_repeated_ids_are_analysed_once(tmp_path: Path) -> None:
    first = tmp_path / "one.jsonl"
    second = tmp_path / "two.jsonl"
    first.write_text(json.dumps({"id": "x", "text": GOOD["named-2"]}) + "\n", encoding="utf-8")
    second.write_text(
        json.dumps({"id": "x", "text": "again"}) + "\n" + "not json\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert audit([first, second], out) == 0
    articles, errors = ids_of(out)
    assert articles == ["x"]
    assert errors == [_short(f"{second}:2")]
    error = AuditStore(out).read("errors").to_pylist()[0]
    assert "not a JSON object" in error["error"]


def test_columns_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "renamed.csv"
    path.write_text(
        'doc,body,source,date\nn1,"John Smith said ""fine"" today.",Gazette,2024-01-02\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert audit([path], out, "--columns", "id=doc,text=body,outlet=source,published=date") == 0
    row = pd_frame(out, "articles").iloc[0]
    assert (row["article_id"], row["outlet"], row["published"]) == ("n1", "Gazette", "2024-01-02")
    assert parse_columns("html=page").html == "page"
    with pytest.raises(ValueError, match="unknown field"):
        parse_columns("body=text")


def test_an_input_that_cannot_be_opened_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit([tmp_path / "missing.jsonl"], tmp_path / "out") == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    table = tmp_path / "noid.parquet"
    pq.write_table(pa.table({"key": ["a"], "text": ["x"]}), table)
    with pytest.raises(ValueError, match="no 'id' column"):
        list(open_inputs([str(table)], Columns(), max_bytes=100)[0].items())


def test_a_file_over_the_byte_limit_is_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "big.html").write_text("<p>" + "x" * 5000 + "</p>", encoding="utf-8")
    (folder / "ok.html").write_text(f"<p>{GOOD['named-2']}</p>", encoding="utf-8")
    out = tmp_path / "out"
    assert audit([folder], out, "--max-bytes", "1000") == 0
    error = AuditStore(out).read("errors").to_pylist()[0]
    assert error["article_id"] == "big.html" and "the limit is 1000 bytes" in error["error"]
    article = pd_frame(out, "articles").iloc[0]
    assert article["format"] == "html" and article["attributions"] >= 1


def _cluster_archive(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.jsonl"
    rows = [
        {"id": f"c{i}", "text": f'Officials said "point {i}" on Monday.', "outlet": "Gazette"}
        for i in range(7)
    ]
    rows.insert(3, {"id": "crash", "text": "CRASH-NOW said the engine."})
    rows.append({"id": "empty", "text": ""})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.cluster
def test_a_local_dask_cluster_loads_once_per_worker_and_survives_a_dying_worker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _cluster_archive(tmp_path)
    log = tmp_path / "loads.log"
    out = tmp_path / "out"
    argv = [str(archive), "--out", str(out), "--workers", "2", "--partition-size", "2"]
    assert run(argv, FlatFactory(log=str(log), crash_on="CRASH-NOW")) == 0
    articles, errors = ids_of(out)
    assert sorted(articles) == [f"c{i}" for i in range(7)]
    assert sorted(errors) == ["crash", "empty"]
    crash = [r for r in AuditStore(out).read("errors").to_pylist() if r["article_id"] == "crash"]
    assert crash[0]["stage"] == "worker"
    loads = log.read_text(encoding="utf-8").splitlines()
    # one build per worker process (two, plus one per restart after a crash), never per task
    assert all(line.endswith("threads=1") for line in loads)
    assert len({line.split()[0] for line in loads}) == len(loads)
    runs = AuditStore(out).runs()
    assert runs[0]["workers"] == 2 and runs[0]["scheduler"] == "local"
    assert "attribution audit: 7 articles analysed, 2 failed" in capsys.readouterr().err


@pytest.mark.model
def test_the_bundled_models_on_a_small_archive(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD["anon-1"], encoding="utf-8")
    (folder / "b.txt").write_text(GOOD["named-2"], encoding="utf-8")
    out = tmp_path / "out"
    argv = [str(folder), "--out", str(out), "--scheduler", "synchronous", "--quiet"]
    assert cli.main(["audit", *argv]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["articles"] == 2 and report["totals"]["anonymous"] >= 1
    rows = pd_frame(out, "attributions")
    assert "John Smith" in set(rows["speaker_name"])
    assert report["run"]["versions"]["stanza"]


def test_progress_is_a_bar_with_rate_and_eta_on_a_terminal_and_lines_in_a_log() -> None:
    import io

    from attribution.audit.progress import Progress

    stream = io.StringIO()
    bar = Progress(10, stream, enabled=True)
    bar.update(4, 1)
    bar.close()
    drawn = stream.getvalue()
    assert "4/10" in drawn and "article/s" in drawn and "errors=1" in drawn and "<" in drawn
    stream = io.StringIO()
    log = Progress(10, stream, enabled=False)
    log.update(10)
    log.close()
    assert "10/10 articles (100%), 0 errors" in stream.getvalue() and "ETA" in stream.getvalue()
    stream = io.StringIO()
    quiet = Progress(10, stream, quiet=True)
    quiet.update(10)
    quiet.close()
    assert stream.getvalue() == ""


def test_quiet_prints_nothing_and_the_default_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_archive(tmp_path, "jsonl")
    assert audit([archive], tmp_path / "quiet") == 0
    assert capsys.readouterr().err == ""
    argv = [str(archive), "--out", str(tmp_path / "loud"), "--scheduler", "synchronous"]
    assert run([*argv, "--max-chars", str(MAX_CHARS)]) == 0
    err = capsys.readouterr().err
    assert "3 articles analysed, 3 failed" in err and "report.html" in err


class BatchFlatParser(FlatParser):
    """The flat parser with ``parse_batch``, as the Stanza parser has; records the batches."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def parse_batch(self, texts: Sequence[str]) -> list[tuple[Any, list[Any]]]:
        self.batches.append(list(texts))
        docs = [FlatParser.__call__(self, t) for t in texts]
        self.calls -= len(texts)  # count only the parses made one text at a time
        return [(doc, []) for doc in docs]


def test_a_partition_is_parsed_by_windows_together_with_the_same_results() -> None:
    from attribution.audit.inputs import Item
    from attribution.audit.worker import PREPARE_ITEMS, Engine, EngineConfig

    texts = list(GOOD.values())
    items = [Item(f"a{k}", f"{texts[k % 3]} Item {k}.") for k in range(PREPARE_ITEMS + 3)]
    items[1] = Item("empty", "  \n")
    items[2] = Item("huge", "word " * 600)
    items[3] = Item("page", "<p>Jane Roe said “it is done” on Monday.</p>", fmt="html")
    parser = BatchFlatParser()
    batched = Engine(
        EngineConfig(factory=lambda _: Analyzer(parser=parser, model=False), max_chars=MAX_CHARS),
        "w",
    )
    alone = Engine(EngineConfig(factory=FlatFactory(), max_chars=MAX_CHARS), "w")
    batched.load()
    alone.load()
    got, want = batched.process(items), alone.process(items)
    # Two windows; the empty and the over-long article left out, the page as its text.
    assert [len(b) for b in parser.batches] == [PREPARE_ITEMS - 2, 3]
    assert "Jane Roe said “it is done” on Monday." in parser.batches[0]
    assert parser.calls == 0  # every analysis took its window's parse
    for table in ("articles", "attributions", "errors"):
        drop = [c for c in ("elapsed_ms",) if c in got[table].column_names]
        assert got[table].drop(drop).to_pylist() == want[table].drop(drop).to_pylist(), table
    assert {r["article_id"] for r in got["errors"].to_pylist()} == {"empty", "huge"}
