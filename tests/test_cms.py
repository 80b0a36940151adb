"""CMS formats (attribution.cms): ANS stories and WordPress posts, read and served.

Every span of an answer keeps ``start``/``end`` into ``document.text`` and adds
where it sits in the CMS document; these tests check that those places hold
the same text as the span, on a small inline article (fake analyzer) and on
the seed article (``shared``; with the real engine: ``model`` too).
"""

from __future__ import annotations

import html as htmllib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes import FakeAnalyzer, fake_rubric
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from attribution.cms import CmsDocumentError, read_ans, read_cms, read_wordpress
from attribution.document import analyze_document, extracted_text
from attribution.html import html_to_text
from attribution.settings import shared_dir
from service import create_app

_SPEC = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "openapi.yaml").read_text(encoding="utf-8")
)
RESPONSE_SCHEMA = Draft202012Validator(
    {"$ref": "#/components/schemas/AnalysisResponse", "components": _SPEC["components"]}
)

#: A small article, one paragraph a line, with quotations the fake analyzer finds.
INLINE = [
    "Israel's defence minister heads to Morocco on Tuesday, officials say.",
    "The visit will “formalise” cooperation between the two countries, his office said.",
    "“Until now there has been some level of cooperation, this truly formalises it,” "
    "the source said.",
    "Algeria cut ties with Morocco in August, citing “hostile actions” & more.",
    "Rabat denied the charge.",
]


def ans_story(paragraphs: list[str], *, decorate: bool = True) -> dict[str, Any]:
    """Wrap paragraphs as an ANS story: text elements (entities, inline tags), an image,
    a header, a list, a blockquote and a pull quote."""
    elements: list[dict[str, Any]] = []
    for i, line in enumerate(paragraphs):
        content = htmllib.escape(line, quote=False)
        if decorate:
            content = content.replace("“", "&ldquo;").replace("”", "&#8221;")
            content = content.replace("Morocco", '<a href="/tags/morocco">Morocco</a>', 1)
        if decorate and i == 1:
            elements.append({"_id": "IMG1", "type": "image", "url": "https://example.org/x.jpg"})
            elements.append({"_id": "HDR1", "type": "header", "level": 2, "content": "Ties"})
        if decorate and i == len(paragraphs) - 1:
            elements.append(
                {
                    "_id": f"Q{i}",
                    "type": "quote",
                    "subtype": "blockquote",
                    "content_elements": [{"_id": f"QT{i}", "type": "text", "content": content}],
                    "citation": {"type": "text", "content": "Moroccan officials"},
                }
            )
            continue
        if decorate and i == 2:
            elements.append(
                {
                    "_id": "L1",
                    "type": "list",
                    "list_type": "unordered",
                    "items": [{"_id": "L1a", "type": "text", "content": content}],
                }
            )
            continue
        elements.append({"_id": f"P{i}", "type": "text", "content": content})
    elements.append(
        {
            "_id": "PQ",
            "type": "quote",
            "subtype": "pullquote",
            "content_elements": [{"type": "text", "content": "“This truly formalises it”"}],
        }
    )
    return {
        "_id": "STORY1",
        "type": "story",
        "version": "0.10.9",
        "headlines": {"basic": "Gantz to visit Morocco, <i>formalising</i> ties"},
        "subheadlines": {"basic": "The first such visit"},
        "content_elements": elements,
    }


def wordpress_post(paragraphs: list[str]) -> dict[str, Any]:
    """Wrap paragraphs as a WordPress REST API post."""
    body = "\n".join(
        "<p>"
        + htmllib.escape(line, quote=False).replace("“", "&#8220;").replace("”", "&#8221;")
        + "</p>"
        for line in paragraphs
    )
    return {
        "id": 42,
        "type": "post",
        "title": {"rendered": "Gantz heads to Morocco &#8211; officials"},
        "content": {"rendered": body + "\n<!-- /wp:paragraph -->", "protected": False},
        "excerpt": {"rendered": "<p>Israel&#8217;s defence minister&hellip;</p>\n"},
    }


def _element(story: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = story
    for part in pointer.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    assert isinstance(node, dict)
    return node


def spans(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every object with integer start/end in a response, nested ones too."""
    if isinstance(node, dict):
        if type(node.get("start")) is int and type(node.get("end")) is int:
            yield node
        for value in node.values():
            yield from spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from spans(value)


def check_ans_offsets(story: dict[str, Any], body: dict[str, Any]) -> int:
    """Assert each span's ans_start/ans_end hold its text; return how many were checked."""
    text = body["document"]["text"]
    checked = 0
    for span in spans({k: body[k] for k in ("attributions", "speakers", "repairs", "warnings")}):
        want = text[span["start"] : span["end"]]
        first, last = span["ans_start"], span["ans_end"]
        first_content = _element(story, first["element"])["content"]
        if first["element"] == last["element"]:
            got = html_to_text(first_content[first["offset"] : last["offset"]]).text
            assert got == want.strip(), (span, got)
        else:  # across elements: the head of the first, the tail of the last
            head = html_to_text(first_content[first["offset"] :]).text
            last_content = _element(story, last["element"])["content"]
            tail = html_to_text(last_content[: last["offset"]]).text
            assert want.startswith(head) and want.rstrip().endswith(tail), (span, head, tail)
            assert first["index"] <= last["index"]
        for end in (first, last):
            element = _element(story, end["element"])
            assert end["id"] == element.get("_id")
            assert end["element"].startswith(f"/content_elements/{end['index']}")
        checked += 1
    return checked


def check_wordpress_offsets(post: dict[str, Any], body: dict[str, Any]) -> int:
    """Assert each span's html_start/html_end in content.rendered hold its text."""
    rendered = post["content"]["rendered"]
    text = body["document"]["text"]
    checked = 0
    for span in spans({k: body[k] for k in ("attributions", "speakers", "repairs", "warnings")}):
        want = text[span["start"] : span["end"]]
        got = html_to_text(rendered[span["html_start"] : span["html_end"]]).text
        assert got == want.strip(), (span, got)
        checked += 1
    return checked


@pytest.fixture
def cms_client(fake: FakeAnalyzer) -> FlaskClient:
    return create_app(
        {"TESTING": True, "RUBRIC_PROVIDER": fake_rubric}, analyzer=fake
    ).test_client()


# -- reading the documents ---------------------------------------------------------------


def test_ans_reads_text_elements_in_order_and_keeps_headlines_apart() -> None:
    story = ans_story(INLINE)
    cms = read_ans(story)
    assert cms.text == "\n\n".join([INLINE[0], "Ties", *INLINE[1:], "Moroccan officials"])
    assert "“This truly" not in cms.text  # the pull quote repeats the body
    assert "Gantz to visit" not in cms.text and "first such" not in cms.text
    described = cms.describe()
    assert described["headline"] == "Gantz to visit Morocco, formalising ties"
    assert described["subheadline"] == "The first such visit"
    assert described["elements"] == len(story["content_elements"])
    pointers = [p.pointer for p in cms.pieces]
    assert pointers == [
        "/content_elements/0",
        "/content_elements/2",
        "/content_elements/3",
        "/content_elements/4/items/0",
        "/content_elements/5",
        "/content_elements/6/content_elements/0",
        "/content_elements/6/citation",
    ]
    assert [p.element_id for p in cms.pieces] == ["P0", "HDR1", "P1", "L1a", "P3", "QT4", None]
    assert [p.index for p in cms.pieces] == [0, 2, 3, 4, 5, 6, 6]


def test_ans_older_blockquote_raw_html_and_nested_lists() -> None:
    story = {
        "type": "story",
        "content_elements": [
            {"type": "raw_html", "content": "<div><p>One &amp; two</p><p>three</p></div>"},
            {"type": "blockquote", "content": "“Quoted,” she said."},
            {
                "type": "list",
                "items": [
                    {"type": "text", "content": "a"},
                    {"type": "list", "items": [{"type": "text", "content": "b"}]},
                ],
            },
            {"type": "oembed_response", "raw_oembed": {"html": "<p>not text</p>"}},
        ],
    }
    cms = read_ans(story)
    assert cms.text == "One & two\n\nthree\n\n“Quoted,” she said.\n\na\n\nb"
    assert [p.pointer for p in cms.pieces][-1] == "/content_elements/2/items/1/items/0"


def test_wordpress_reads_content_and_keeps_title_and_excerpt_apart() -> None:
    post = wordpress_post(INLINE)
    cms = read_wordpress(post)
    assert cms.text == "\n\n".join(INLINE)
    assert cms.describe() == {
        "format": "wordpress",
        "length": len(cms.text),
        "text": cms.text,
        "title": "Gantz heads to Morocco – officials",
        "excerpt": "Israel’s defence minister…",
        "html_length": len(post["content"]["rendered"]),
    }
    assert extracted_text(post, "wordpress") == cms.text


@pytest.mark.parametrize(
    ("fmt", "document", "pointer", "words"),
    [
        ("ans", [], "/document", "JSON object, not an array"),
        ("ans", {"type": "video", "content_elements": []}, "/document/type", "story"),
        ("ans", {"type": "story"}, "/document/content_elements", "content_elements"),
        ("ans", {"content_elements": [3]}, "/document/content_elements/0", "JSON object"),
        ("ans", {"content_elements": [{"content": "x"}]}, "/document/content_elements/0/type",
         "'type'"),
        ("ans", {"content_elements": [{"type": "text", "content": 5}]},
         "/document/content_elements/0/content", "must be a string, not a number"),
        ("ans", {"content_elements": [{"type": "list"}]}, "/document/content_elements/0/items",
         "'items'"),
        ("ans", {"content_elements": [{"type": "image"}, {"type": "text", "content": " "}]},
         "/document", "no text"),
        ("ans", {"headlines": {"basic": 1}, "content_elements": [{"type": "text",
                 "content": "x"}]}, "/document/headlines/basic", "string"),
        ("wordpress", "post", "/document", "JSON object, not a string"),
        ("wordpress", {"title": {"rendered": "T"}}, "/document/content", "'rendered'"),
        ("wordpress", {"content": {"rendered": None}}, "/document/content/rendered", "null"),
        ("wordpress", {"content": {"rendered": "", "protected": True}},
         "/document/content/protected", "password"),
        ("wordpress", {"content": {"rendered": "<p> </p><script>x</script>"}}, "/document",
         "no text"),
    ],
)  # fmt: skip
def test_bad_documents_say_what_and_where(
    fmt: str, document: Any, pointer: str, words: str
) -> None:
    with pytest.raises(CmsDocumentError) as caught:
        read_cms(fmt, document)
    assert caught.value.pointer == pointer
    assert words in str(caught.value)


def test_analyze_document_refuses_a_mapping_for_a_text_format() -> None:
    with pytest.raises(ValueError, match="a text article is a string"):
        analyze_document(FakeAnalyzer().analyze, {"text": "x"}, fmt="text")


# -- through the API ---------------------------------------------------------------------


def test_api_ans_spans_point_at_the_same_text(cms_client: FlaskClient) -> None:
    story = ans_story(INLINE)
    response = cms_client.post(
        "/v1/attributions", json={"format": "ans", "document": story, "id": "ans-1"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert not list(RESPONSE_SCHEMA.iter_errors(body))
    assert body["id"] == "ans-1"
    assert body["document"]["format"] == "ans"
    assert body["document"]["headline"] == "Gantz to visit Morocco, formalising ties"
    assert len(body["attributions"]) == 3
    assert check_ans_offsets(story, body) >= 8
    quote = body["attributions"][1]["content"]
    assert quote["ans_start"]["element"] == "/content_elements/4/items/0"
    assert quote["ans_start"]["id"] == "L1a"


def test_api_wordpress_spans_point_at_the_same_text(cms_client: FlaskClient) -> None:
    post = wordpress_post(INLINE)
    response = cms_client.post("/v1/attributions", json={"format": "wordpress", "document": post})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert not list(RESPONSE_SCHEMA.iter_errors(body))
    assert body["document"]["title"] == "Gantz heads to Morocco – officials"
    assert len(body["attributions"]) == 3
    assert check_wordpress_offsets(post, body) >= 8
    first = body["attributions"][0]["content"]
    assert post["content"]["rendered"][first["html_start"] : first["html_end"]] == "formalise"


def test_api_bad_document_is_a_problem(cms_client: FlaskClient) -> None:
    response = cms_client.post(
        "/v1/attributions", json={"format": "ans", "document": {"type": "story"}}
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "urn:attribution:problem:document"
    assert problem["title"] == "Unreadable CMS document"
    assert "content_elements" in problem["detail"]
    assert problem["errors"] == [
        {"pointer": "/document/content_elements", "detail": problem["detail"].split(": ", 1)[1]}
    ]


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({"format": "ans"}, "/document"),
        ({"format": "wordpress", "text": "x", "document": {}}, "/text"),
        ({"format": "html", "text": "<p>x</p>", "document": {}}, "/document"),
        ({"document": {"content_elements": []}}, "/document"),
        ({"format": "ans", "document": "a story"}, "/document"),
        ({"format": "docx", "text": "x"}, "/format"),
    ],
)
def test_api_text_or_document_by_format(
    cms_client: FlaskClient, payload: dict[str, Any], pointer: str
) -> None:
    response = cms_client.post("/v1/attributions", json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)
    problem = response.get_json()
    assert problem["type"] == "urn:attribution:problem:validation"
    assert [e["pointer"] for e in problem["errors"]] == [pointer]


def test_api_cms_too_long(fake: FakeAnalyzer) -> None:
    client = create_app({"RUBRIC_PROVIDER": fake_rubric, "MAX_CHARS": 50}, analyzer=fake)
    response = client.test_client().post(
        "/v1/attributions", json={"format": "wordpress", "document": wordpress_post(INLINE)}
    )
    assert response.status_code == 413
    assert "the text extracted from the post" in response.get_json()["detail"]


def test_batch_mixes_cms_items_and_counts_their_text(cms_client: FlaskClient) -> None:
    items = [
        {"id": "a", "format": "ans", "document": ans_story(INLINE)},
        {"id": "w", "format": "wordpress", "document": wordpress_post(INLINE)},
        {"id": "bad", "format": "wordpress", "document": {"content": {}}},
    ]
    response = cms_client.post("/v1/attributions:batch", json={"items": items})
    assert response.status_code == 200
    results = response.get_json()["items"]
    assert [r["status"] for r in results] == [200, 200, 422]
    assert results[2]["error"]["type"] == "urn:attribution:problem:document"
    assert results[0]["result"]["document"]["format"] == "ans"


def test_openapi_examples_are_served_answers(cms_client: FlaskClient) -> None:
    """The request examples in openapi.yaml and docs/cms.md are documents the API reads."""
    examples = _SPEC["paths"]["/v1/attributions"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    assert {"ans", "wordpress"} <= set(examples)
    docs = (Path(__file__).resolve().parent.parent / "docs" / "cms.md").read_text("utf-8")
    for name, example in examples.items():
        value = example["value"]
        response = cms_client.post("/v1/attributions", json=value)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        if name in ("ans", "wordpress"):
            assert json.dumps(value["document"], indent=2, ensure_ascii=False) in docs, name


# -- the seed article --------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    path = shared_dir() / "examples" / "gantz-morocco.txt"
    if not path.exists():
        pytest.skip(f"needs {path}")
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.shared
def test_seed_article_as_ans_and_wordpress(seed_lines: list[str], cms_client: FlaskClient) -> None:
    story = ans_story(seed_lines)
    body = cms_client.post("/v1/attributions", json={"format": "ans", "document": story})
    assert body.status_code == 200
    assert check_ans_offsets(story, body.get_json()) >= 20
    post = wordpress_post(seed_lines)
    body = cms_client.post("/v1/attributions", json={"format": "wordpress", "document": post})
    assert body.status_code == 200
    assert check_wordpress_offsets(post, body.get_json()) >= 20


@pytest.mark.model
@pytest.mark.shared
def test_seed_article_as_ans_and_wordpress_real_engine(seed_lines: list[str]) -> None:
    """The real engine: repairs, cues, sources, hedges and mentions all map into the story."""
    # The budget covers loading the models on the first request: generous, for a busy machine.
    client = create_app({"PRELOAD": False, "REQUEST_BUDGET": 600.0}).test_client()
    story = ans_story(seed_lines)
    response = client.post("/v1/attributions", json={"format": "ans", "document": story})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert not list(RESPONSE_SCHEMA.iter_errors(body))
    assert len(body["attributions"]) >= 10 and body["repairs"]
    assert check_ans_offsets(story, body) >= 100
    post = wordpress_post(seed_lines)
    response = client.post("/v1/attributions", json={"format": "wordpress", "document": post})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert len(body["attributions"]) >= 10 and body["repairs"]
    assert check_wordpress_offsets(post, body) >= 100
