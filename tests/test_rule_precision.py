"""Precision slips of the rule engine on real articles (issue 11), on hand-built parses.

(a) header lines of scraped articles ("Title: ...", "Author: ...") are no
transcript labels; (b) fragments are no speakers ("The company's struggle,
analysts say, ..."); (c) no content is the lone word "that"; (d) a quotation
that continues its speaker after the cue clause joins that attribution.
"""

from __future__ import annotations

import pytest
from _engine_conllu import COLON, LABEL, PLAN, doc

from attribution.cues import find_cues, source_ids
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


# -- (b) fragments taken as speakers --------------------------------------------------

# "The company’s struggle, analysts say, reflects weak demand." (two subjects of "say")
STRUGGLE = """
The the DET 4 det
company company NOUN 4 nmod:poss nsp
’s ’s PART 2 case
struggle struggle NOUN 7 nsubj nsp
, , PUNCT 4 punct
analysts analyst NOUN 7 nsubj Number=Plur
say say VERB 0 root nsp
, , PUNCT 7 punct
reflects reflect VERB 7 ccomp
weak weak ADJ 11 amod
demand demand NOUN 9 obj nsp
. . PUNCT 7 punct
"""

# "Internal testing showed gains, the company said." (two subjects of "said")
TESTING = """
Internal internal ADJ 2 amod
testing testing NOUN 8 nsubj
showed show VERB 8 ccomp
gains gain NOUN 3 obj Number=Plur nsp
, , PUNCT 3 punct
the the DET 7 det
company company NOUN 8 nsubj
said say VERB 0 root nsp
. . PUNCT 8 punct
"""

# "Clinton, the former secretary, stressed that taxes rise." (an apposition as nsubj)
APPOSITION = """
Clinton Clinton PROPN 7 nsubj nsp
, , PUNCT 1 punct
the the DET 5 det
former former ADJ 5 amod
secretary secretary NOUN 7 nsubj nsp
, , PUNCT 5 punct
stressed stress VERB 0 root
that that SCONJ 10 mark
taxes tax NOUN 10 nsubj Number=Plur
rise rise VERB 7 ccomp nsp
. . PUNCT 7 punct
"""

# "New Jersey Gov. Chris Christie said taxes rise." (the name split in two subjects)
SPLIT_NAME = """
New New PROPN 2 compound
Jersey Jersey PROPN 6 nsubj
Gov. Gov. PROPN 5 compound
Chris Chris PROPN 5 compound
Christie Christie PROPN 6 nsubj
said say VERB 0 root
taxes tax NOUN 8 nsubj Number=Plur
rise rise VERB 6 ccomp nsp
. . PUNCT 6 punct
"""

# "They warned of systems, like chatbots, that" (a relative pronoun left on the noun)
SYSTEMS = """
systems system NOUN 0 root Number=Plur nsp
, , PUNCT 4 punct
like like ADP 4 case
chatbots chatbot NOUN 1 nmod Number=Plur nsp
, , PUNCT 6 punct
that that PRON 1 nmod
"""

# "officials, most of whom"
MOST_OF_WHOM = """
most most ADJ 0 root
of of ADP 3 case
whom whom PRON 1 nmod
"""


def test_fronted_abstract_subject_is_content_not_source() -> None:
    text = "The company’s struggle, analysts say, reflects weak demand."
    (att,) = run(STRUGGLE, text=text)
    assert att.source is not None and att.source.text == "analysts"
    assert att.content.text == text.rstrip(".")
    (cue,) = find_cues(doc(STRUGGLE, text=text).sentences[0])
    assert cue.form == "parenthetical"


def test_fronted_ing_nominal_is_content_not_source() -> None:
    text = "Internal testing showed gains, the company said."
    (att,) = run(TESTING, text=text)
    assert att.source is not None and att.source.text == "the company"
    assert att.content.text == "Internal testing showed gains"


def test_apposition_parsed_as_second_subject_joins_the_source() -> None:
    text = "Clinton, the former secretary, stressed that taxes rise."
    (att,) = run(APPOSITION, text=text)
    assert att.source is not None and att.source.text == "Clinton, the former secretary"
    assert att.content.text == "that taxes rise"


def test_name_split_into_two_subjects_is_one_source() -> None:
    text = "New Jersey Gov. Chris Christie said taxes rise."
    (att,) = run(SPLIT_NAME, text=text)
    assert att.source is not None and att.source.text == "New Jersey Gov. Chris Christie"


def test_source_does_not_end_in_a_relative_pronoun() -> None:
    sent = doc(SYSTEMS, text="systems, like chatbots, that").sentences[0]
    ids = source_ids(sent, sent.tokens[0])
    assert [sent.tokens[i].text for i in ids] == ["systems", ",", "like", "chatbots"]


def test_quantified_relative_pronoun_stays_a_source() -> None:
    sent = doc(MOST_OF_WHOM, text="most of whom").sentences[0]
    ids = source_ids(sent, sent.tokens[0])
    assert [sent.tokens[i].text for i in ids] == ["most", "of", "whom"]


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


def test_that_comma_clause_is_the_content() -> None:
    text = "Wheeler added that, based on what he saw, Curiel was fair."
    (att,) = run(ADDED_THAT_COMMA, text=text)
    assert att.content.text == "that, based on what he saw, Curiel was fair"
    assert att.source is not None and att.source.text == "Wheeler"
    (cue,) = find_cues(doc(ADDED_THAT_COMMA, text=text).sentences[0])
    assert cue.rule == "that_comma_clause"


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
