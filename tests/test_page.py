"""The editor's page (``GET /``) in a real browser: Playwright driving Debian's Chromium.

Playwright's own browser download is not reachable here, so the tests launch the
system Chromium (``apt-get install -y chromium``; ``ATTRIBUTION_TEST_CHROMIUM``
names another binary). Without it they skip, saying how to install it.

The service runs in a thread on loopback over :class:`PageFake` (attributions of
every grade, three speakers, hedges, a justification, repairs and a warning,
without models); one test runs the real engine (``model``). The article is the
seed article when ``../shared`` is there, else a small inline one. Screenshots at
desktop and phone widths go to ``test-artifacts/page/`` (gitignored; not
pytest-playwright's ``test-results/``, which it empties at the start of every run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeAnalyzer, fake_rubric
from flask import Flask
from werkzeug.serving import make_server

from attribution.records import (
    Analysis,
    AnalysisWarning,
    Attribution,
    Cue,
    Hedge,
    Repair,
    Score,
    ScoreReason,
    Speaker,
    Summary,
    TextSpan,
)
from attribution.settings import shared_dir
from service import create_app

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the browser tests need Playwright: pip install -e '.[serve,test]'",
)
Page = sync_api.Page
expect = sync_api.expect

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "page"
CHROMIUM = os.environ.get("ATTRIBUTION_TEST_CHROMIUM") or shutil.which("chromium") or ""
NO_CHROMIUM = (
    "no Chromium to drive: install Debian's (apt-get install -y chromium, as .ci/run does) "
    "or set ATTRIBUTION_TEST_CHROMIUM to a Chromium binary"
)

#: A small article for a clone without ../shared: quotations the fake finds, a scraping
#: artifact ("link") to repair and an unclosed quotation at the end.
INLINE = (
    "Israel link Defence Minister Benny Gantz heads Tuesday to Moroccolink on a visit that "
    "will “formalise” cooperation, officials say.\n"
    "Gantz will sign “a memorandum of understanding”, his office said.\n"
    "“Until now there has been some level of cooperation, this truly formalises it,” "
    "Benny Gantz told AFP.\n"
    "Algeria cut ties in August, citing “hostile actions”, a source familiar with the visit "
    "said.\n"
    "Officials say the talks were “productive”. He added: “we will see.\n"
)
SEED = shared_dir() / "examples" / "gantz-morocco.txt"

GRADE_VALUES = {"A": 90, "B": 70, "C": 55, "D": 40, "E": 20}
_CUE = re.compile(r"\b(said|say|says|told)\b")
_REPAIR = re.compile(r"(?<=[a-z])link\b ?|\blink ")


def _occurrences(text: str, pattern: str) -> tuple[TextSpan, ...]:
    return tuple(
        TextSpan(m.start(), m.end(), m.group()) for m in re.finditer(pattern, text, re.IGNORECASE)
    )


def _lines(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]


def _nearest(spans: tuple[TextSpan, ...], at: int) -> TextSpan | None:
    return min(spans, key=lambda s: abs(s.start - at), default=None)


class PageFake(FakeAnalyzer):
    """The service tests' fake, dressed up for the page: every grade from A to E in turn,
    speakers with mentions (anonymous ones among them), a source and a cue for each
    attribution, hedges, a justification, repairs of "link" and an unclosed-quote warning."""

    def analyze(self, text: str, *, options: Any = None, budget: float | None = None) -> Analysis:
        base = super().analyze(text, options=options, budget=budget)
        speakers = (
            Speaker("s1", "officials", "anonymous_group", None, True,
                    _occurrences(text, r"\bofficials\b")),
            Speaker("s2", "Benny Gantz", "named_person", "defence minister", False,
                    _occurrences(text, r"\b(?:Benny )?Gantz\b")),
            Speaker("s3", "a source familiar with the visit", "anonymous_person", "source", True,
                    _occurrences(text, r"\ba source familiar with the visit")),
        )  # fmt: skip
        present = [s for s in speakers if s.mentions] or [speakers[0]]
        cues = tuple(TextSpan(m.start(), m.end(), m.group()) for m in _CUE.finditer(text))
        attributions = []
        for i, att in enumerate(base.attributions):
            attributions.append(self._dress(att, i, present[i % len(present)], cues))
        by_id = {s.id: s for s in present}
        return replace(
            base,
            attributions=tuple(attributions),
            speakers=tuple(present),
            repairs=tuple(
                Repair("link", m.start(), m.end(), m.group(), "") for m in _REPAIR.finditer(text)
            ),
            warnings=self._warnings(text),
            summary=self._summary(attributions, by_id),
        )

    @staticmethod
    def _dress(
        att: Attribution, i: int, speaker: Speaker, cues: tuple[TextSpan, ...]
    ) -> Attribution:
        grade = "ABCDE"[i % 5]
        source = _nearest(speaker.mentions, att.content.end)
        cue = _nearest(cues, att.content.end)
        hedges: tuple[Hedge, ...] = ()
        justification = None
        reasons = [ScoreReason(f"base.{speaker.type}", GRADE_VALUES[grade] + 5.0, speaker.name)]
        if speaker.anonymous:
            if source is not None:
                hedges = (Hedge(source, "vague_group"),)
            reasons.append(ScoreReason("penalty.vague_group", -5.0, speaker.name))
            if speaker.id == "s3" and source is not None:
                justification = source
        else:
            reasons.append(ScoreReason("penalty.no_role", -5.0, speaker.name))
        return replace(
            att,
            source=source,
            cue=None if cue is None else Cue(cue, "say"),
            speaker_id=speaker.id,
            hedges=hedges,
            justification=justification,
            score=Score(GRADE_VALUES[grade], grade, tuple(reasons)),  # type: ignore[arg-type]
        )

    @staticmethod
    def _warnings(text: str) -> tuple[AnalysisWarning, ...]:
        """An unclosed quotation if there is one, else the longest line as a long sentence."""
        if text.count("“") != text.count("”"):
            at = text.rindex("“")
            span = TextSpan(at, at + 1, "“")
            return (AnalysisWarning("unclosed_quote", "a quotation is not closed", span),)
        start, line = max(_lines(text), key=lambda pair: len(pair[1]))
        span = TextSpan(start, start + len(line), line)
        return (AnalysisWarning("long_sentence", "a long sentence was cut for the parser", span),)

    @staticmethod
    def _summary(attributions: list[Attribution], speakers: dict[str, Speaker]) -> Summary:
        anonymous = [a for a in attributions if speakers[a.speaker_id or ""].anonymous]
        values = [a.score.value for a in attributions if a.score is not None]
        score = round(sum(values) / len(values)) if values else None
        grade = None
        if score is not None:
            grade = next((g for g, v in GRADE_VALUES.items() if score >= v - 5), "E")
        return Summary(
            attributions=len(attributions),
            sourced=len(attributions),
            anonymous=len(anonymous),
            anonymous_share=round(len(anonymous) / len(attributions), 3) if attributions else 0.0,
            named_sources=sum(1 for s in speakers.values() if not s.anonymous),
            named_source_names=tuple(s.name for s in speakers.values() if not s.anonymous),
            anonymous_sources=sum(1 for s in speakers.values() if s.anonymous),
            anonymous_without_justification=("officials",) if "s1" in speakers else (),
            score=score,
            grade=grade,  # type: ignore[arg-type]
        )


# -- the browser and the server ------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL: each test opens its own server's. (Overrides pytest-playwright's, a
    session fixture defined as an instance method, which pytest 9 warns about.)"""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium (Playwright's download is not reachable), or skip."""
    if not CHROMIUM or not Path(CHROMIUM).exists():
        pytest.skip(NO_CHROMIUM)
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    yield from serve(create_app({"RUBRIC_PROVIDER": fake_rubric}, analyzer=PageFake()))


@pytest.fixture(scope="module")
def article() -> str:
    """The seed article when ../shared is there, else the inline one."""
    return SEED.read_text(encoding="utf-8") if SEED.exists() else INLINE


def analyse(page: Page, base: str, text: str) -> dict[str, Any]:
    """Open the page, paste ``text``, press Analyze; return the API's answer."""
    page.goto(base)
    page.fill("#article", text)
    with page.expect_response(lambda r: r.url.endswith("/v1/attributions")) as info:
        page.click("#analyze")
    response = info.value
    assert response.status == 200, response.text()
    expect(page.locator("#results")).to_be_visible()
    body: dict[str, Any] = response.json()
    return body


def grades_on_page(page: Page) -> dict[str, set[str]]:
    """Return each attribution id drawn on the article with the grades its pieces carry."""
    pairs = page.eval_on_selector_all(
        "#rendered [data-attribution-id]",
        "nodes => nodes.map(n => [n.dataset.attributionId, n.dataset.grade])",
    )
    out: dict[str, set[str]] = {}
    for att_id, grade in pairs:
        out.setdefault(att_id, set()).add(grade)
    return out


# -- the tests ------------------------------------------------------------------------


def test_every_attribution_is_highlighted_with_its_grade(
    page: Page, live: str, article: str
) -> None:
    body = analyse(page, live, article)
    assert len(body["attributions"]) >= 5
    expected = {a["id"]: {a["score"]["grade"]} for a in body["attributions"]}
    assert grades_on_page(page) == expected
    assert {g for gs in expected.values() for g in gs} == set("ABCDE")
    # the grade letter is on the page too, not only the colour
    for att in body["attributions"]:
        first = page.locator(f'mark.first[data-attribution-id="{att["id"]}"]')
        expect(first).to_have_count(1)
        expect(first.locator(".badge")).to_contain_text(att["score"]["grade"])
        expect(first).to_have_attribute("tabindex", "0")
    # the text drawn is the text analysed, cue and source marked
    drawn = page.eval_on_selector(
        "#rendered",
        "n => { const c = n.cloneNode(true); "
        "c.querySelectorAll('.badge, .repair-mark').forEach(b => b.remove()); "
        "return c.textContent; }",
    )
    assert drawn == article
    for kind, selector in (("cue", "#rendered .cue"), ("source", "#rendered .src")):
        distinct = {(a[kind]["start"], a[kind]["end"]) for a in body["attributions"] if a[kind]}
        assert len(distinct) >= 3
        assert page.locator(selector).count() >= len(distinct)  # a span cut in two is two
    summary = page.locator("#summary")
    expect(summary).to_have_attribute("data-grade", body["summary"]["grade"])
    expect(summary).to_contain_text(f"Score {body['summary']['score']} / 100")
    expect(summary).to_contain_text("Anonymous share")
    expect(summary).to_contain_text("officials")  # anonymous without justification
    speakers = page.locator("#speaker-list [data-speaker-id]")
    expect(speakers).to_have_count(len(body["speakers"]))
    anonymous = page.locator('#speaker-list [data-speaker-id="s1"]')
    expect(anonymous).to_contain_text("anonymous")
    expect(anonymous).to_contain_text("no justification")
    for warning in body["warnings"]:
        expect(page.locator("#warning-list")).to_contain_text(warning["code"].replace("_", " "))


def test_an_attribution_opens_with_its_reasons(page: Page, live: str, article: str) -> None:
    body = analyse(page, live, article)
    by_id = {a["id"]: a for a in body["attributions"]}
    anonymous = next(a for a in body["attributions"] if a["speaker"]["id"] == "s3")
    page.hover(f'mark.first[data-attribution-id="{anonymous["id"]}"] .badge')
    detail = page.locator("#detail")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text(f"Attribution {anonymous['id']}")
    expect(detail).to_contain_text("a source familiar with the visit")
    expect(detail).to_contain_text("anonymous person")
    expect(detail).to_contain_text("role: source")
    expect(detail).to_contain_text("· anonymous")
    expect(detail).to_contain_text("vague group")  # the hedge
    expect(detail).to_contain_text(f"{anonymous['score']['value']} / 100")
    rows = detail.locator("tr[data-rule]")
    expect(rows).to_have_count(len(anonymous["score"]["reasons"]))
    for row, reason in zip(rows.all(), anonymous["score"]["reasons"], strict=True):
        assert row.get_attribute("data-rule") == reason["rule"]
        points = row.locator("td.points").inner_text()
        assert float(points) == reason["points"]
        assert points.startswith("+") == (reason["points"] > 0)
    # focus shows the details too
    named = next(a for a in body["attributions"] if a["speaker"]["id"] == "s2")
    page.focus(f'mark.first[data-attribution-id="{named["id"]}"]')
    expect(detail).to_contain_text(f"Attribution {named['id']}")
    expect(detail).to_contain_text("Benny Gantz · named person · role: defence minister")
    expect(detail).to_contain_text("none stated")  # justification
    assert detail.get_attribute("data-attribution-id") in by_id


def test_keyboard_moves_between_attributions(page: Page, live: str, article: str) -> None:
    body = analyse(page, live, article)
    ids = [a["id"] for a in sorted(body["attributions"], key=lambda a: a["content"]["start"])]
    active = "() => document.activeElement.dataset.attributionId || null"
    page.keyboard.press("n")
    assert page.evaluate(active) == ids[0]
    for want in ids[1:]:
        page.keyboard.press("n")
        assert page.evaluate(active) == want
        expect(page.locator("#detail")).to_contain_text(f"Attribution {want}")
    page.keyboard.press("p")
    assert page.evaluate(active) == ids[-2]
    # Tab follows the same order
    page.focus(f'mark.first[data-attribution-id="{ids[0]}"]')
    page.keyboard.press("Tab")
    assert page.evaluate(active) == ids[1]
    page.keyboard.press("Escape")
    expect(page.locator("#detail")).to_be_hidden()
    # typing n in the text area types it
    page.focus("#article")
    page.keyboard.press("End")
    page.keyboard.press("n")
    assert page.input_value("#article").endswith("n")


def test_a_speaker_highlights_its_attributions_and_mentions(
    page: Page, live: str, article: str
) -> None:
    body = analyse(page, live, article)
    speaker = next(s for s in body["speakers"] if s["id"] == "s2")
    theirs = {a["id"] for a in body["attributions"] if a["speaker"]["id"] == "s2"}
    assert theirs and theirs != {a["id"] for a in body["attributions"]}
    entry = page.locator('#speaker-list [data-speaker-id="s2"]')
    expect(entry).to_contain_text(f"{len(theirs)} attribution")
    entry.locator("button").click()
    expect(entry.locator("button")).to_have_attribute("aria-pressed", "true")
    selected = page.eval_on_selector_all(
        "#rendered mark.att.selected", "ns => ns.map(n => n.dataset.attributionId)"
    )
    assert set(selected) == theirs
    mentions = page.locator('#rendered [data-mention-of="s2"].selected')
    assert mentions.count() >= len(speaker["mentions"])
    expect(page.locator('#rendered [data-mention-of="s1"].selected')).to_have_count(0)
    expect(page.locator("#rendered")).to_have_class(re.compile(r"\bfiltering\b"))
    # clicking a source in the text picks its speaker
    page.locator('#rendered .src[data-source-speaker="s1"]').first.click()
    expect(page.locator('#speaker-list [data-speaker-id="s1"] button')).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#rendered mark.att.selected")).to_have_count(0)
    expect(page.locator("#rendered")).not_to_have_class(re.compile(r"\bfiltering\b"))


def test_repairs_toggle_inline(page: Page, live: str, article: str) -> None:
    body = analyse(page, live, article)
    repairs = body["repairs"]
    assert repairs
    expect(page.locator("#repair-list li")).to_have_count(len(repairs))
    marks = page.locator("#rendered .repair-mark")
    assert marks.count() >= len(repairs)
    expect(marks.first).to_be_hidden()
    page.check("#show-repairs")
    expect(page.locator("#rendered")).to_have_class(re.compile(r"\bshow-repairs\b"))
    expect(marks.first).to_be_visible()
    expect(marks.first).to_have_text("removed")
    first = page.locator('#rendered .repair[data-repair-index="0"]').first
    assert first.inner_text() == article[repairs[0]["start"] : repairs[0]["end"]]
    page.uncheck("#show-repairs")
    expect(marks.first).to_be_hidden()


def test_download_the_json(page: Page, live: str, article: str) -> None:
    body = analyse(page, live, article)
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "article-attributions.json"
    saved = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert saved == body


def test_no_request_leaves_the_host(page: Page, live: str, article: str) -> None:
    requests: list[str] = []

    def record(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith(live):
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", record)
    body = analyse(page, live, article)
    page.hover("mark.first .badge")
    page.locator("#speaker-list button").first.click()
    page.check("#show-repairs")
    with page.expect_download():
        page.click("#download")
    assert body["attributions"]
    outside = [u for u in requests if not u.startswith(live)]
    assert not outside, outside
    paths = {u.removeprefix(live).split("?")[0] for u in requests}
    assert paths == {"", "static/page.css", "static/page.js", "v1/attributions"}


def test_a_file_dropped_or_chosen(page: Page, live: str, tmp_path: Path) -> None:
    html = (
        "<html><body><p>“It will be fine,” officials said.</p>\n<p>Gantz agreed.</p></body></html>"
    )
    path = tmp_path / "story.html"
    path.write_text(html, encoding="utf-8")
    page.goto(live)
    page.set_input_files("#file", str(path))
    expect(page.locator("#article")).to_have_value(html)
    expect(page.locator('input[name="format"][value="html"]')).to_be_checked()
    with page.expect_response(lambda r: r.url.endswith("/v1/attributions")) as info:
        page.click("#analyze")
    body = info.value.json()
    assert body["document"]["format"] == "html"
    expect(page.locator("#rendered")).to_contain_text("It will be fine")
    assert "<p>" not in page.locator("#rendered").inner_text()
    assert grades_on_page(page) == {a["id"]: {a["score"]["grade"]} for a in body["attributions"]}
    # a drop on the box reads the file too
    page.goto(live)
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: "text/plain"}));
            document.querySelector('#drop').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        ["story.txt", INLINE],
    )
    expect(page.locator("#article")).to_have_value(INLINE)
    expect(page.locator('input[name="format"][value="text"]')).to_be_checked()


def test_errors_are_shown(page: Page, live: str) -> None:
    page.goto(live)
    page.click("#analyze")
    expect(page.locator("#status")).to_contain_text("Paste an article")
    page.fill("#article", "   \n ")
    page.click("#analyze")
    expect(page.locator("#status")).to_have_attribute("role", "alert")


@pytest.fixture(scope="module")
def keyed() -> Iterator[str]:
    app = create_app({"RUBRIC_PROVIDER": fake_rubric, "API_KEYS": ("page-key",)}, PageFake())
    yield from serve(app)


def test_api_key_is_asked_and_kept_in_the_session(page: Page, keyed: str) -> None:
    page.goto(keyed)
    expect(page.locator("#api-key")).to_be_visible()
    page.fill("#article", INLINE)
    with page.expect_response(lambda r: r.url.endswith("/v1/attributions")) as info:
        page.click("#analyze")
    assert info.value.status == 401
    expect(page.locator("#status")).to_contain_text("401")
    page.fill("#api-key", "page-key")
    with page.expect_response(lambda r: r.url.endswith("/v1/attributions")) as info:
        page.click("#analyze")
    assert info.value.status == 200
    assert page.evaluate("sessionStorage.getItem('attribution.apiKey')") == "page-key"
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []
    page.reload()
    expect(page.locator("#api-key")).to_have_value("page-key")


def test_no_key_field_without_keys(page: Page, live: str) -> None:
    page.goto(live)
    expect(page.locator("#api-key")).to_have_count(0)


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 360])
def test_accessibility(browser: Any, live: str, article: str, width: int) -> None:
    """axe-core finds nothing on the empty page, the results, the details and a filter."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(live)
        assert _axe(page) == []
        analyse(page, live, article)
        page.locator("mark.first").nth(1).focus()
        page.locator("#speaker-list button").first.click()
        page.check("#show-repairs")
        assert _axe(page) == []
        # readable at this width: nothing wider than the window
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 900), ("phone", 360, 740)])
def test_screenshots(
    browser: Any, live: str, article: str, name: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        analyse(page, live, article)
        page.locator("mark.first").nth(2).focus()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.model
def test_the_real_engine_on_the_page(page: Page, article: str) -> None:
    """The real analyzer: every attribution it finds is drawn with its grade."""
    # The budget covers loading the models on the first request: generous, for a busy machine.
    for base in serve(create_app({"PRELOAD": False, "REQUEST_BUDGET": 600.0})):
        page.set_default_timeout(600_000)
        body = analyse(page, base, article)
        assert body["attributions"]
        expected = {
            a["id"]: {a["score"]["grade"] if a["score"] and a["score"]["grade"] else "none"}
            for a in body["attributions"]
        }
        assert grades_on_page(page) == expected
        expect(page.locator("#summary")).to_have_attribute(
            "data-grade", body["summary"]["grade"] or "none"
        )
        expect(page.locator("#speaker-list [data-speaker-id]")).to_have_count(len(body["speakers"]))
