"""Quote span detection: marks, apostrophes, paragraphs, unbalanced marks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attribution.quotes import find_quotes, paragraphs


def texts(text: str) -> list[str]:
    return [q.text(text) for q in find_quotes(text).quotes]


def test_curly_double_quotes() -> None:
    assert texts("He said “we will go” today.") == ["we will go"]


def test_every_mark_style() -> None:
    text = "A «un» b „zwei“ c ‹drei› d \"four\" e ``five'' f ‘six’ g 'seven'."
    assert texts(text) == ["un", "zwei", "drei", "four", "five", "six", "seven"]


def test_apostrophes_are_not_quote_marks() -> None:
    text = "Trump’s aides don’t know. The students’ bus isn't late. Rock 'n' roll."
    scan = find_quotes(text)
    assert [q.text(text) for q in scan.quotes if q.mark != "'"] == []
    assert find_quotes("Trump’s administration won’t say.").quotes == ()


def test_apostrophe_inside_a_single_quote() -> None:
    assert texts("He called it ‘Trump’s folly’ yesterday.") == ["Trump’s folly"]


def test_nested_quote_stays_inside() -> None:
    text = "“He told me ‘no’ twice,” she said."
    assert texts(text) == ["He told me ‘no’ twice,"]


def test_quotation_over_several_paragraphs() -> None:
    text = "“The first paragraph goes on.\n\n“And the second one ends,” he said.\n\nNext."
    scan = find_quotes(text)
    assert len(scan.quotes) == 1
    q = scan.quotes[0]
    assert [text[s:e] for s, e in q.pieces] == [
        "The first paragraph goes on.",
        "And the second one ends,",
    ]
    assert scan.warnings == ()


def test_unclosed_mark_closes_at_paragraph_end_with_warning() -> None:
    text = "*- ‘Benefits of recalibrating -*\nThe deals facilitated agreements.\nMore text."
    scan = find_quotes(text)
    assert [q.text(text) for q in scan.quotes] == ["Benefits of recalibrating -*"]
    assert not scan.quotes[0].closed
    (warning,) = scan.warnings
    assert warning.code == "unclosed_quote" and "unclosed" in warning.message
    assert warning.span is not None and (warning.span.start, warning.span.text) == (3, "‘")


def test_forms_tell_quotations_phrases_and_titles_apart() -> None:
    text = (
        "It will “formalise” ties, he said, after “Saturday Night Live” aired. "
        "“We are keen on this deal,” he said."
    )
    forms = [q.form for q in find_quotes(text).quotes]
    assert forms == ["phrase", "title", "quotation"]


def test_paragraphs_by_lines_or_blank_lines() -> None:
    assert paragraphs("a\nb\n\n\n") == ((0, 1), (2, 3))
    assert paragraphs("a\nb\n\nc") == ((0, 3), (5, 6))


@given(st.text(alphabet="ab “”‘’'\"«»\n.,", max_size=60))
def test_never_fails_and_spans_lie_inside_the_text(text: str) -> None:
    scan = find_quotes(text)
    for q in scan.quotes:
        assert 0 <= q.start <= q.content_start <= q.content_end <= q.end <= len(text)


def test_blanked_heading_line_keeps_one_paragraph_per_line() -> None:
    assert paragraphs("a “b\n      \nc”") == ((0, 4), (12, 14))


def test_mixed_curly_and_straight_marks_pair() -> None:
    text = 'there was “no evidence" yet. "We do not," the mayor said.'
    assert texts(text) == ["no evidence", "We do not,"]
