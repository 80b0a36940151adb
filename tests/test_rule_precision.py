"""Precision slips of the rule engine on real articles (issue 11), on hand-built parses.

(a) header lines of scraped articles ("Title: ...", "Author: ...") are no
transcript labels.
"""

from __future__ import annotations

import pytest
from _engine_conllu import COLON, LABEL, doc

from attribution.lexicon import lexicon
from attribution.pipeline import extract
from attribution.records import Attribution


def run(*sents: str, text: str) -> tuple[Attribution, ...]:
    atts, _, _ = extract(doc(*sents, text=text))
    return atts


# -- (a) header lines ---------------------------------------------------------------

HEADER_FIELDS = (
    "Title",
    "Author",
    "Date",
    "Source",
    "Published",
    "Updated",
    "By",
    "Tags",
    "Category",
    "URL",
    "Photo",
    "Image",
    "Caption",
)


@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_header_field_is_no_speaker_label(field: str) -> None:
    rows = LABEL.replace("Trump Trump PROPN", f"{field} {field} PROPN", 1)
    assert run(rows, text=f"{field}: We will win big.") == ()


@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_header_field_is_in_the_word_list(field: str) -> None:
    assert field.lower() in lexicon().label_stopwords


def test_header_field_before_a_quotation_is_no_speaker() -> None:
    rows = COLON.replace("Trump Trump PROPN", "Title Title PROPN", 1)
    atts = run(rows, text="Title: “We will win big.”")
    assert all(a.source is None for a in atts)
    assert all(a.sieve != "colon" for a in atts)


def test_transcript_label_still_read() -> None:
    rows = LABEL.replace("Trump Trump PROPN", "PENCE PENCE PROPN", 1)
    (att,) = run(rows, text="PENCE: We will win big.")
    assert att.sieve == "speaker_label"
    assert att.source is not None and att.source.text == "PENCE"
