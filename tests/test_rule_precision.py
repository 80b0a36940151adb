"""Precision slips of the rule engine on real articles (issue 11), on hand-built parses.

(a) header lines of scraped articles ("Title: ...", "Author: ...") are no
transcript labels; (c) no content is the lone word "that"; (d) a quotation
that continues its speaker after the cue clause joins that attribution.
"""

from __future__ import annotations

import pytest
from _engine_conllu import COLON, LABEL, PLAN, doc

from attribution.extract.common import empty_content
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


# -- (c) a content of the lone word "that" ----------------------------------------------

# "He said that."
SAID_THAT = """
He he PRON 2 nsubj
said say VERB 0 root
that that PRON 2 obj nsp
. . PUNCT 2 punct
"""

# "Wheeler added that, based on what he saw, Curiel was fair." ("that" taken for the object)
ADDED_THAT_COMMA = """
Wheeler Wheeler PROPN 2 nsubj
added add VERB 0 root
that that PRON 2 obj nsp
, , PUNCT 5 punct
based base VERB 12 advcl
on on ADP 7 case
what what PRON 5 obl
he he PRON 9 nsubj
saw see VERB 7 acl:relcl nsp
, , PUNCT 11 punct
Curiel Curiel PROPN 12 nsubj
was be AUX 2 parataxis
fair fair ADJ 12 xcomp nsp
. . PUNCT 2 punct
"""

# "He denied it." (PolNeAR marks an anaphoric pronoun as the content)
DENIED_IT = """
He he PRON 2 nsubj
denied deny VERB 0 root
it it PRON 2 obj nsp
. . PUNCT 2 punct
"""


def test_lone_that_is_no_content() -> None:
    assert run(SAID_THAT, text="He said that.") == ()


def test_function_words_alone_are_no_content() -> None:
    sent = doc(ADDED_THAT_COMMA, text="Wheeler added that, based on what he saw, Curiel was fair.")
    s = sent.sentences[0]
    assert empty_content(s, (2,))  # "that"
    assert empty_content(s, (3, 5))  # ", on"
    assert not empty_content(s, (10, 11, 12))  # "Curiel was fair"


def test_pronoun_content_is_kept() -> None:
    (att,) = run(DENIED_IT, text="He denied it.")
    assert att.content.text == "it"


# -- (d) a quotation continuing its speaker after the cue clause ------------------------

# "“We are ready,” Clinton said at the rally on Monday."
READY_AT_RALLY = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
are be AUX 4 cop
ready ready ADJ 8 ccomp nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
Clinton Clinton PROPN 8 nsubj
said say VERB 0 root
at at ADP 11 case
the the DET 11 det
rally rally NOUN 8 obl
on on ADP 13 case
Monday Monday PROPN 8 obl nsp
. . PUNCT 8 punct
"""

# "“We are ready,” Clinton said, adding that taxes rise."
READY_ADDING = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
are be AUX 4 cop
ready ready ADJ 8 ccomp nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
Clinton Clinton PROPN 8 nsubj
said say VERB 0 root nsp
, , PUNCT 10 punct
adding add VERB 8 advcl
that that SCONJ 13 mark
taxes tax NOUN 13 nsubj Number=Plur
rise rise VERB 10 ccomp nsp
. . PUNCT 8 punct
"""


def test_quotation_after_the_cue_clause_joins_its_speaker() -> None:
    text = "“We are ready,” Clinton said at the rally on Monday. “The plan works and we act on it.”"
    (att,) = run(READY_AT_RALLY, PLAN, text=text)
    assert [q.text for q in att.quotes] == ["We are ready,", "The plan works and we act on it."]
    assert att.source is not None and att.source.text == "Clinton"
    assert att.cue is not None and att.cue.span.text == "said"
    assert att.content.text.endswith("we act on it.")
    assert att.speaker_id is not None


def test_second_cue_in_the_gap_keeps_the_quotations_apart() -> None:
    text = (
        "“We are ready,” Clinton said, adding that taxes rise. “The plan works and we act on it.”"
    )
    atts = run(READY_ADDING, PLAN, text=text)
    direct = [a for a in atts if a.kind == "direct"]
    assert len(direct) == 2
    first, second = direct
    assert second.source is None and second.sieve == "same_paragraph"
    assert second.speaker_id == first.speaker_id is not None
    assert any(a.cue is not None and a.cue.span.text == "adding" for a in atts)
