"""HTML to text with an offset map (attribution.html), as the service uses it."""

from __future__ import annotations

from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.html import add_html_offsets, html_to_text


def test_blocks_entities_and_skipped_elements() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<h1>Big &amp; bold</h1><script>var x = '<p>';</script>"
        "<p>He   said\n&ldquo;yes&rdquo;<br>then left.</p><!-- note --><p>caf&eacute;</p>"
    )
    result = html_to_text(html)
    assert result.text == "Big & bold\n\nHe said “yes”\nthen left.\n\ncafé"


def test_every_character_maps_back() -> None:
    html = "<p>A &amp; B said &#8220;hi&#x201D;</p>"
    result = html_to_text(html)
    for i, ch in enumerate(result.text):
        raw = html[result.html_starts[i] : result.html_ends[i]]
        assert ch == unescape(raw) or ch in unescape(raw)


def test_span_mapping() -> None:
    html = "<div><p>Gantz <b>said</b> it.</p></div>"
    result = html_to_text(html)
    start = result.text.index("said")
    hs, he = result.to_html(start, start + 4)
    assert html[hs:he] == "said"
    hs, he = result.to_html(0, len(result.text))
    assert html[hs:he] == "Gantz <b>said</b> it."
    assert result.to_html(3, 3)[0] == result.to_html(3, 3)[1]
    with pytest.raises(ValueError):
        result.to_html(0, len(result.text) + 1)


def test_plain_text_passes_through() -> None:
    assert html_to_text("no tags at all").text == "no tags at all"
    assert html_to_text("").text == ""
    assert html_to_text("<p>   </p>").text == ""


def test_broken_html_does_not_raise() -> None:
    for html in ["<", "<p", "</", "&", "&#", "&#xZZ;", "<p>a<b>b</p>c", "<!--", "<![CDATA[x"]:
        html_to_text(html)


def test_add_html_offsets_walks_nested_spans() -> None:
    html = "<p>x said y</p>"
    result = html_to_text(html)
    doc = {"a": [{"content": {"text": "said", "start": 2, "end": 6}}], "n": {"start": "no"}}
    add_html_offsets(doc, result)
    span = doc["a"][0]["content"]  # type: ignore[index]
    assert html[span["html_start"] : span["html_end"]] == "said"
    assert doc["n"] == {"start": "no"}


html_pieces = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
        st.sampled_from(
            ["<p>", "</p>", "<br>", "<br/>", "<b>", "</b>", "<script>", "</script>", "&amp;",
             "&nbsp;", "&#8220;", "&#x201d;", "&bogus;", "<!-- c -->", "  ", "\n", "<div class=x>"]
        ),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(html_pieces)
def test_map_invariants(html: str) -> None:
    result = html_to_text(html)
    n = len(result.text)
    assert len(result.html_starts) == len(result.html_ends) == n
    assert result.text == result.text.strip()
    previous = 0
    for i, ch in enumerate(result.text):
        start, end = result.html_starts[i], result.html_ends[i]
        assert 0 <= start <= end <= len(html)
        assert start >= previous
        previous = start
        if ch not in " \n":
            assert ch in unescape(html[start:end])
    if n:
        hs, he = result.to_html(0, n)
        assert 0 <= hs <= he <= len(html)
