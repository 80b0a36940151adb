"""Coreference metrics on textbook examples, and the GUM evaluation on a hand-made document."""
# ruff: noqa: E501

from __future__ import annotations

import itertools

import numpy as np
import pytest

from attribution.nlp.conllu import parse_conllu
from evaluation.gum import GumDocument, mentions_of
from evaluation.gum_coref import (
    Report,
    Scores,
    assignment,
    b_cubed,
    ceaf_e,
    evaluate_document,
    muc,
)


def clusters(*groups: str) -> list[frozenset[int]]:
    """Mentions written as letters ("abc" is one entity of mentions a, b and c)."""
    return [frozenset(ord(ch) for ch in g) for g in groups]


# Luo (2005), Figure 1 / Pradhan et al. (2014): the key has entities of 5, 2 and 5
# mentions; response (a) merges the last two.
LUO_KEY = clusters("abcde", "fg", "hijkl")
LUO_MERGED = clusters("abcde", "fghijkl")


def test_muc_on_vilain_and_luo_examples() -> None:
    # Vilain et al. (1995): key {A B C D}, response {A B} {C D}: one link missing.
    s = muc(clusters("abcd"), clusters("ab", "cd"))
    assert s.recall == pytest.approx(2 / 3)
    assert s.precision == pytest.approx(1.0)
    # Luo's merge: every key link kept; one wrong link among 10.
    s = muc(LUO_KEY, LUO_MERGED)
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(0.9)


def test_b_cubed_on_luo_example() -> None:
    s = b_cubed(LUO_KEY, LUO_MERGED)
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(16 / 21)  # (5 + 2*2/7 + 5*5/7) / 12


def test_ceaf_e_on_luo_example() -> None:
    s = ceaf_e(LUO_KEY, LUO_MERGED)
    phi = 1.0 + 2 * 5 / 12  # abcde ~ abcde, hijkl ~ fghijkl; fg is left unaligned
    assert s.recall == pytest.approx(phi / 3)
    assert s.precision == pytest.approx(phi / 2)


def test_perfect_and_disjoint_responses() -> None:
    for metric in (muc, b_cubed, ceaf_e):
        perfect = metric(LUO_KEY, LUO_KEY)
        assert perfect.f1 == pytest.approx(1.0)
        assert metric(clusters("ab", "cd"), clusters("ac", "bd")).f1 < 1.0


def test_scores_drop_singletons_and_average_to_conll() -> None:
    scores = Scores()
    scores.add(LUO_KEY + clusters("x"), LUO_MERGED + clusters("y"))
    assert scores.muc.precision == pytest.approx(0.9)
    assert scores.b3.precision == pytest.approx(16 / 21)  # x and y are not counted
    mean = (scores.muc.f1 + scores.b3.f1 + scores.ceafe.f1) / 3
    assert scores.conll == pytest.approx(mean)


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (3, 2), (4, 4), (5, 3)])
def test_assignment_matches_brute_force(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        w = rng.random(shape)
        rows, cols = shape
        if rows <= cols:
            best = max(
                sum(w[i, p[i]] for i in range(rows))
                for p in itertools.permutations(range(cols), rows)
            )
        else:
            best = max(
                sum(w[p[j], j] for j in range(cols))
                for p in itertools.permutations(range(rows), cols)
            )
        assert assignment(w) == pytest.approx(best)


# A GUM-style document: "Durham University said it would help its students.
# The university, which opened in 1832, is old." Entity 1 (the university) has
# five mentions: a name, a personal pronoun, a possessive pronoun, a definite
# description and (not annotated in GUM) the relative pronoun's antecedent.
GUM_DOC = """# newdoc id = GUM_news_x
# text = Durham University said it would help its students.
1	Durham	Durham	PROPN	NNP	Number=Sing	2	compound	_	Entity=(1-organization-new-nnnnn-cf1-1,2-coref-Durham_University
2	University	University	PROPN	NNP	Number=Sing	3	nsubj	_	Entity=1)
3	said	say	VERB	VBD	_	0	root	_	_
4	it	it	PRON	PRP	Case=Nom|Gender=Neut|Number=Sing|Person=3|PronType=Prs	6	nsubj	_	Entity=(1-organization-giv:act-nnnnn-cf1-1-ana)
5	would	would	AUX	MD	_	6	aux	_	_
6	help	help	VERB	VB	_	3	ccomp	_	_
7	its	its	PRON	PRP$	Gender=Neut|Number=Sing|Person=3|Poss=Yes|PronType=Prs	8	nmod:poss	_	Entity=(2-person-new-nnnnn-cf2-2-sgl(1-organization-giv:act-nnnnn-cf1-1-ana)
8	students	student	NOUN	NNS	Number=Plur	6	obj	_	Entity=2)|SpaceAfter=No
9	.	.	PUNCT	.	_	3	punct	_	_

# text = The university, which opened in 1832, is old.
1	The	the	DET	DT	Definite=Def|PronType=Art	2	det	_	Entity=(1-organization-giv:inact-nnnnn-cf1-2-coref
2	university	university	NOUN	NN	Number=Sing	10	nsubj	_	SpaceAfter=No
3	,	,	PUNCT	,	_	5	punct	_	_
4	which	which	PRON	WDT	PronType=Rel	5	nsubj	_	_
5	opened	open	VERB	VBD	_	2	acl:relcl	_	_
6	in	in	ADP	IN	_	7	case	_	_
7	1832	1832	NUM	CD	NumType=Card	5	obl	_	Entity=(3-time-new-nnnnn-cf3-1-sgl)|SpaceAfter=No
8	,	,	PUNCT	,	_	5	punct	_	Entity=1)
9	is	be	AUX	VBZ	_	10	cop	_	_
10	old	old	ADJ	JJ	_	0	root	_	SpaceAfter=No
11	.	.	PUNCT	.	_	10	punct	_	_
"""


def test_gum_reader_keeps_anaphoric_mentions() -> None:
    got = [(m.entity, m.start, m.end, m.chain) for m in mentions_of(GUM_DOC)]
    assert ("1", 3, 3, True) in got  # "it", marked "ana", not only "coref"
    assert ("1", 6, 6, True) in got  # "its"
    assert ("2", 6, 7, False) in got  # "its students", a singleton


def test_evaluate_document_scores_each_anaphor_class() -> None:
    doc = GumDocument("GUM_news_x", parse_conllu(GUM_DOC), tuple(mentions_of(GUM_DOC)))
    report = Report()
    evaluate_document(doc, report)
    classes = {name: (a.right, a.total) for name, a in report.classes.items()}
    assert classes["personal"] == (1, 1)
    assert classes["possessive"] == (1, 1)
    assert classes["definite"] == (1, 1)
    assert classes["relative"] == (1, 1)
    assert report.metrics()["conll_f1"] == 100.0
