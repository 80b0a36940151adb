"""Hand-written UD parses for the sieves that infer a quotation's speaker (issue 12).

Same format as ``_engine_conllu``: ``form lemma UPOS head deprel`` a line.
"""

from __future__ import annotations

# "Smith, a farmer, was angry.": a named person introduced with an apposition.
FARMER = """
Smith Smith PROPN 7 nsubj nsp
, , PUNCT 4 punct
a a DET 4 det
farmer farmer NOUN 1 appos nsp
, , PUNCT 4 punct
was be AUX 7 cop
angry angry ADJ 0 root nsp
. . PUNCT 7 punct
"""

LOST = """
“ “ PUNCT 3 punct nsp
We we PRON 3 nsubj
lost lose VERB 0 root
everything everything PRON 3 obj nsp
. . PUNCT 3 punct nsp
” ” PUNCT 3 punct
"""

# A heading line: a full quotation with no final stop.
LOST_HEADING = """
“ “ PUNCT 3 punct nsp
We we PRON 3 nsubj
lost lose VERB 0 root
everything everything PRON 3 obj
we we PRON 6 nsubj
had have VERB 4 acl:relcl nsp
” ” PUNCT 3 punct
"""

# "Jones made the comment on Monday.": a speech noun; "made" is no reporting verb.
COMMENT = """
Jones Jones PROPN 2 nsubj
made make VERB 0 root
the the DET 4 det
comment comment NOUN 2 obj
on on ADP 6 case
Monday Monday PROPN 2 obl nsp
. . PUNCT 2 punct
"""

# "The report made the comment on Monday.": a speech context with no person speaking.
REPORT_COMMENT = """
The the DET 2 det
report report NOUN 3 nsubj
made make VERB 0 root
the the DET 5 det
comment comment NOUN 3 obj
on on ADP 7 case
Monday Monday PROPN 3 obl nsp
. . PUNCT 3 punct
"""

# "Sanders made the following comment: “We lost everything.”": one sentence.
COLON_INTRO = """
Sanders Sanders PROPN 2 nsubj
made make VERB 0 root
the the DET 5 det
following following ADJ 5 amod
comment comment NOUN 2 obj nsp
: : PUNCT 9 punct
“ “ PUNCT 9 punct nsp
We we PRON 9 nsubj
lost lose VERB 2 parataxis
everything everything PRON 9 obj nsp
. . PUNCT 2 punct nsp
” ” PUNCT 2 punct
"""

# "Smith and Jones made the comment: “We lost everything.”": two speakers.
PAIR_INTRO = """
Smith Smith PROPN 4 nsubj
and and CCONJ 3 cc
Jones Jones PROPN 1 conj
made make VERB 0 root
the the DET 6 det
comment comment NOUN 4 obj nsp
: : PUNCT 10 punct
“ “ PUNCT 10 punct nsp
We we PRON 10 nsubj
lost lose VERB 4 parataxis
everything everything PRON 10 obj nsp
. . PUNCT 4 punct nsp
” ” PUNCT 4 punct
"""

MONEY = """
The the DET 2 det
money money NOUN 4 nsubj
is be AUX 4 cop
there there ADV 0 root nsp
. . PUNCT 4 punct
"""

# "Groups marched against “creeping normalisation with Israel and its allies”.": a slogan.
SLOGAN = """
Groups group NOUN 2 nsubj
marched march VERB 0 root
against against ADP 6 case
“ “ PUNCT 6 punct nsp
creeping creep VERB 6 amod
normalisation normalisation NOUN 2 obl
with with ADP 8 case
Israel Israel PROPN 6 nmod
and and CCONJ 12 cc
its its PRON 12 nmod:poss
allies ally NOUN 8 conj nsp
” ” PUNCT 6 punct nsp
. . PUNCT 2 punct
"""
