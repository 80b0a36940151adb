"""Hand-written UD parses for the engine's rule tests (no model needed).

Each sentence is written one word a line as ``form lemma UPOS head deprel``
(head 1-based, 0 for the root), with a trailing ``nsp`` when no space follows
and an optional ``feats``. :func:`doc` turns them into CoNLL-U and parses it.
"""

from __future__ import annotations

from attribution.nlp.conllu import parse_conllu
from attribution.types import ParsedDocument


def conllu(*sentences: str) -> str:
    blocks = []
    for sent in sentences:
        rows = []
        for n, line in enumerate(ln.split() for ln in sent.strip().splitlines()):
            form, lemma, upos, head, deprel, *rest = line
            misc = "SpaceAfter=No" if "nsp" in rest else "_"
            feats = next((r for r in rest if "=" in r), "_")
            rows.append(
                "\t".join([str(n + 1), form, lemma, upos, "_", feats, head, deprel, "_", misc])
            )
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def doc(*sentences: str, text: str | None = None) -> ParsedDocument:
    return parse_conllu(conllu(*sentences), text=text)


MADDY = """
Bruce Bruce PROPN 10 nsubj
Maddy-Weitzman Maddy-Weitzman PROPN 1 flat nsp
, , PUNCT 6 punct
an a DET 6 det
Israeli Israeli ADJ 6 amod
expert expert NOUN 1 appos
on on ADP 8 case
Morocco Morocco PROPN 6 nmod nsp
, , PUNCT 6 punct
said say VERB 0 root
the the DET 12 det
timing timing NOUN 16 nsubj
was be AUX 16 cop
not not PART 16 advmod
a a DET 16 det
coincidence coincidence NOUN 10 ccomp nsp
. . PUNCT 10 punct
"""

HE_SAID = """
“ “ PUNCT 4 punct nsp
It it PRON 4 nsubj nsp
’s be AUX 4 cop
possible possible ADJ 14 ccomp
that that SCONJ 8 mark
they they PRON 8 nsubj
were be AUX 8 cop
keen keen ADJ 4 ccomp
on on ADP 10 case
this this PRON 8 obl nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
he he PRON 14 nsubj
said say VERB 0 root nsp
. . PUNCT 14 punct
"""

PROFESSOR = """
“ “ PUNCT 4 punct nsp
It it PRON 4 expl
would would AUX 4 aux
seem seem VERB 14 ccomp
to to ADP 6 case
me I PRON 4 obl
that that SCONJ 11 mark
the the DET 9 det
Moroccans Moroccans PROPN 11 nsubj Number=Plur
are be AUX 11 cop
keen keen ADJ 4 ccomp nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
said say VERB 0 root
the the DET 19 det
Tel Tel PROPN 17 compound
Aviv Aviv PROPN 18 compound
University University PROPN 19 compound
professor professor NOUN 14 nsubj nsp
. . PUNCT 14 punct
"""

ACCORDING = """
According accord VERB 3 case
to to ADP 1 fixed
Maddy-Weitzman Maddy-Weitzman PROPN 7 obl nsp
, , PUNCT 3 punct
“ “ PUNCT 7 punct nsp
there there PRON 7 expl
are be VERB 0 root
too too ADV 9 advmod
many many ADJ 11 amod
other other ADJ 11 amod
interests interest NOUN 7 nsubj
in in ADP 13 case
play play NOUN 11 nmod nsp
” ” PUNCT 7 punct nsp
. . PUNCT 7 punct
"""

# "Gantz will sign “a memorandum of understanding”, his office said."
OFFICE = """
Gantz Gantz PROPN 3 nsubj
will will AUX 3 aux
sign sign VERB 13 ccomp
“ “ PUNCT 6 punct nsp
a a DET 6 det
memorandum memorandum NOUN 3 obj
of of ADP 8 case
understanding understanding NOUN 6 nmod nsp
” ” PUNCT 6 punct nsp
, , PUNCT 3 punct
his he PRON 12 nmod:poss
office office NOUN 13 nsubj
said say VERB 0 root nsp
. . PUNCT 13 punct
"""

COLON = """
Trump Trump PROPN 0 root nsp
: : PUNCT 6 punct
“ “ PUNCT 6 punct nsp
We we PRON 6 nsubj
will will AUX 6 aux
win win VERB 1 parataxis
big big ADV 6 advmod nsp
. . PUNCT 6 punct nsp
” ” PUNCT 6 punct
"""

DASH = """
“ “ PUNCT 3 punct nsp
We we PRON 3 nsubj
win win VERB 0 root
big big ADV 3 advmod nsp
. . PUNCT 3 punct nsp
” ” PUNCT 3 punct
– – PUNCT 8 punct
Donald Donald PROPN 3 parataxis
Trump Trump PROPN 8 flat
"""

PASSIVE = """
It it PRON 3 expl:pass
was be AUX 3 aux:pass
announced announce VERB 0 root
by by ADP 6 case
the the DET 6 det
ministry ministry NOUN 3 obl:agent
that that SCONJ 10 mark
talks talk NOUN 10 nsubj Number=Plur
will will AUX 10 aux
resume resume VERB 3 ccomp nsp
. . PUNCT 3 punct
"""

READY = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
are be AUX 4 cop
ready ready ADJ 8 ccomp nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
Clinton Clinton PROPN 8 nsubj
said say VERB 0 root nsp
. . PUNCT 8 punct
"""

PLAN = """
“ “ PUNCT 4 punct nsp
The the DET 3 det
plan plan NOUN 4 nsubj
works work VERB 0 root
and and CCONJ 7 cc
we we PRON 7 nsubj
act act VERB 4 conj
on on ADP 9 case
it it PRON 7 obl nsp
. . PUNCT 4 punct nsp
” ” PUNCT 4 punct
"""

SCARE = """
Critics critic NOUN 7 nsubj Number=Plur
of of ADP 5 case
the the DET 5 det
“ “ PUNCT 5 punct nsp
deal deal NOUN 1 nmod nsp
” ” PUNCT 5 punct
gathered gather VERB 0 root nsp
. . PUNCT 7 punct
"""

INNER_CUE = """
“ “ PUNCT 3 punct nsp
They they PRON 3 nsubj
said say VERB 8 ccomp
no no INTJ 3 obj nsp
, , PUNCT 3 punct nsp
” ” PUNCT 3 punct
Smith Smith PROPN 8 nsubj
recalled recall VERB 0 root nsp
. . PUNCT 8 punct
"""

PARENTHETICAL = """
Gantz Gantz PROPN 2 nsubj
heads head VERB 0 root
to to ADP 4 case
Morocco Morocco PROPN 2 obl nsp
, , PUNCT 7 punct
officials official NOUN 7 nsubj Number=Plur
say say VERB 2 parataxis nsp
. . PUNCT 2 punct
"""

GHALI = """
Polisario Polisario PROPN 2 compound
head head NOUN 5 nsubj
Brahim Brahim PROPN 2 appos
Ghali Ghali PROPN 3 flat
declared declare VERB 0 root nsp
: : PUNCT 5 punct
the the DET 8 det
movement movement NOUN 9 nsubj
decided decide VERB 5 ccomp nsp
. . PUNCT 5 punct
"""

READY_SPLIT = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
are be AUX 4 cop
ready ready ADJ 0 root nsp
. . PUNCT 4 punct nsp
” ” PUNCT 4 punct
"""

CLINTON_SAID = """
Clinton Clinton PROPN 2 nsubj
said say VERB 0 root nsp
. . PUNCT 2 punct
"""

HAS_SAID = """
She she PRON 4 nsubj
has have AUX 4 aux
also also ADV 4 advmod
said say VERB 0 root
that that SCONJ 8 mark
taxes tax NOUN 8 nsubj Number=Plur
will will AUX 8 aux
rise rise VERB 4 ccomp nsp
. . PUNCT 4 punct
"""

CLINTON_INDIRECT = """
Clinton Clinton PROPN 2 nsubj
said say VERB 0 root
the the DET 4 det
plan plan NOUN 5 nsubj
works work VERB 2 ccomp nsp
. . PUNCT 2 punct
"""

LABEL = """
Trump Trump PROPN 0 root nsp
: : PUNCT 5 punct
We we PRON 5 nsubj
will will AUX 5 aux
win win VERB 1 parataxis
big big ADV 5 advmod nsp
. . PUNCT 5 punct
"""

SPLIT_QUOTE = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
are be AUX 4 cop
ready ready ADJ 8 ccomp nsp
, , PUNCT 4 punct nsp
” ” PUNCT 4 punct
Clinton Clinton PROPN 8 nsubj
said say VERB 0 root nsp
, , PUNCT 8 punct
“ “ PUNCT 13 punct nsp
and and CCONJ 13 cc
we we PRON 13 nsubj
act act VERB 8 parataxis nsp
. . PUNCT 13 punct nsp
” ” PUNCT 13 punct
"""

CLAIM = """
Politifact Politifact PROPN 2 nsubj
checked check VERB 0 root
Trump Trump PROPN 5 nmod:poss
’s ’s PART 3 case
claim claim NOUN 2 obj
that that SCONJ 9 mark
shootings shooting NOUN 9 nsubj Number=Plur
have have AUX 9 aux
risen rise VERB 5 acl nsp
. . PUNCT 2 punct
"""

ACCORDING_FINAL = """
Talks talk NOUN 2 nsubj Number=Plur
resumed resume VERB 0 root nsp
, , PUNCT 5 punct
according accord VERB 5 case
to to ADP 4 fixed
officials official NOUN 2 obl Number=Plur nsp
. . PUNCT 2 punct
"""

# "Trump said:" then the quotation in a sentence of its own (adjacent_sentence).
SAID_COLON = """
Trump Trump PROPN 2 nsubj
said say VERB 0 root nsp
: : PUNCT 2 punct
"""

WIN = """
“ “ PUNCT 4 punct nsp
We we PRON 4 nsubj
will will AUX 4 aux
win win VERB 0 root
big big ADV 4 advmod nsp
. . PUNCT 4 punct nsp
” ” PUNCT 4 punct
"""

# A sentence between two quotations of one paragraph (same_paragraph).
LEFT = """
Then then ADV 3 advmod
she she PRON 3 nsubj
left leave VERB 0 root nsp
. . PUNCT 3 punct
"""

# The quotation hangs on the cue by a bare "dep" and an adverb breaks the pattern (bare_cue).
BARE_CUE = """
“ “ PUNCT 5 punct nsp
We we PRON 5 nsubj
will will AUX 5 aux
all all ADV 5 advmod
win win VERB 11 dep
big big ADV 5 advmod nsp
, , PUNCT 5 punct nsp
” ” PUNCT 5 punct
Trump Trump PROPN 11 nsubj
also also ADV 11 advmod
said say VERB 0 root nsp
. . PUNCT 11 punct
"""

# The quotation sits deep in the reported clause, far from the cue (dependency only).
OFFICE_FIRST = """
His his PRON 2 nmod:poss
office office NOUN 3 nsubj
said say VERB 0 root
Gantz Gantz PROPN 6 nsubj
will will AUX 6 aux
sign sign VERB 3 ccomp
“ “ PUNCT 9 punct nsp
a a DET 9 det
memorandum memorandum NOUN 6 obj
of of ADP 11 case
understanding understanding NOUN 9 nmod nsp
” ” PUNCT 9 punct
with with ADP 14 case
Rabat Rabat PROPN 6 obl nsp
. . PUNCT 3 punct
"""
