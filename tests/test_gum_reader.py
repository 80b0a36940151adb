"""GUM's ``Entity=`` brackets read into mentions (no shared data needed)."""
# ruff: noqa: E501

from __future__ import annotations

from evaluation.gum import mentions_of

CONLLU = """# newdoc id = GUM_news_x
# sent_id = x-1
1	Durham	Durham	PROPN	NNP	Number=Sing	2	compound	_	Entity=(13-organization-new-nnnnn-cf4-1,2-coref-Durham_University(14-place-new-nnnnn-cf5-1-coref-Durham)
2	University	University	PROPN	NNP	Number=Sing	3	nsubj	_	Entity=13)
3	said	say	VERB	VBD	_	0	root	_	_
4	it	it	PRON	PRP	_	3	obj	_	Entity=(13-organization-giv:act-nnnnn-cf1*-1-coref)|SpaceAfter=No
5	.	.	PUNCT	.	_	3	punct	_	_
"""


def test_nested_and_single_word_mentions() -> None:
    got = [(m.entity, m.type, m.start, m.end, m.heads, m.wiki) for m in mentions_of(CONLLU)]
    assert got == [
        ("13", "organization", 0, 1, (0, 1), "Durham_University"),
        ("14", "place", 0, 0, (0,), "Durham"),
        ("13", "organization", 3, 3, (3,), ""),
    ]
    assert all(m.chain for m in mentions_of(CONLLU))
