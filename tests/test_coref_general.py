"""Coreference over any mention (hand-built parses, no model or shared data):
relative pronouns, agreement, binding, i-within-i, appositives, names, rankers."""

from __future__ import annotations

from _engine_conllu import CLINTON_SAID, OFFICE, doc

from attribution import coref
from attribution.records import Attribution, TextSpan
from attribution.types import ParsedDocument

PRS = "PronType=Prs"

# "A claim denied by Morocco which said it never bought the software." The
# parser attaches the relative clause to "claim", which cannot say anything.
CLAIM_WHICH = """
A a DET 2 det
claim claim NOUN 0 root
denied deny VERB 2 acl
by by ADP 5 case
Morocco Morocco PROPN 3 obl:agent
which which PRON 7 nsubj PronType=Rel
said say VERB 2 acl:relcl
it it PRON 10 nsubj
never never ADV 10 advmod
bought buy VERB 7 ccomp
the the DET 12 det
software software NOUN 10 obj nsp
. . PUNCT 2 punct
"""
CLAIM_TEXT = "A claim denied by Morocco which said it never bought the software."

# "The man in the car who said it left."
MAN_WHO = """
The the DET 2 det
man man NOUN 9 nsubj
in in ADP 5 case
the the DET 5 det
car car NOUN 2 nmod
who who PRON 7 nsubj PronType=Rel
said say VERB 2 acl:relcl
it it PRON 7 obj
left leave VERB 0 root nsp
. . PUNCT 9 punct
"""
MAN_TEXT = "The man in the car who said it left."

MET = """
Maria Maria PROPN 2 nsubj
met meet VERB 0 root
John John PROPN 2 obj nsp
. . PUNCT 2 punct
"""
THANKED = f"""
She she PRON 2 nsubj {PRS}|Gender=Fem
thanked thank VERB 0 root
him he PRON 2 obj nsp {PRS}|Gender=Masc
. . PUNCT 2 punct
"""
LIKES_HIMSELF = f"""
John John PROPN 2 nsubj
likes like VERB 0 root
himself himself PRON 2 obj nsp {PRS}|Reflex=Yes
. . PUNCT 2 punct
"""
SAW_HER = f"""
Maria Maria PROPN 2 nsubj
saw see VERB 0 root
her she PRON 2 obj nsp {PRS}|Gender=Fem
. . PUNCT 2 punct
"""
PEOPLE_TEXT = "Maria met John.\nShe thanked him.\nJohn likes himself.\nMaria saw her."

ATHENS = """
Athens Athens PROPN 6 nsubj nsp
, , PUNCT 4 punct
the the DET 4 det
capital capital NOUN 1 appos nsp
, , PUNCT 4 punct
grew grow VERB 0 root nsp
. . PUNCT 6 punct
"""
ITS_PORT = f"""
Its its PRON 2 nmod:poss {PRS}|Poss=Yes
port port NOUN 3 nsubj
grew grow VERB 0 root
too too ADV 3 advmod nsp
. . PUNCT 3 punct
"""
ATHENS_TEXT = "Athens, the capital, grew.\nIts port grew too."


def mention(d: ParsedDocument, sentence: int, head: int, text: str) -> coref.Mention:
    sent = d.sentences[sentence]
    start = d.text.index(text, sent.start)
    return coref.Mention(TextSpan(start, start + len(text), text), sentence, head)


def chains(table: coref.EntityTable) -> list[list[str]]:
    """The entities' mention texts, in order of creation."""
    return [[m.text for m in e.mentions] for e in table.entities]


def source_draft(d: ParsedDocument, n: int, m: coref.Mention) -> coref.Draft:
    att = Attribution(id=f"a{n}", kind="indirect", content=m.span, source=m.span)
    return coref.Draft(att, m)


def test_relative_pronoun_source_goes_to_the_noun_that_can_speak() -> None:
    d = doc(CLAIM_WHICH, text=CLAIM_TEXT)
    which = mention(d, 0, 5, "which")
    atts, speakers = coref.resolve(d, (source_draft(d, 1, which),))
    (sp,) = speakers
    assert sp.name == "Morocco"
    assert sp.type == "organization"
    assert atts[0].speaker_id == sp.id
    # Any other mention keeps the parser's attachment.
    sent = d.sentences[0]
    head, _ = coref.relative_antecedent(sent, 5, (0, 0), source=False)
    assert sent.tokens[head].text == "claim"


def test_relative_pronoun_takes_the_noun_its_clause_modifies() -> None:
    d = doc(MAN_WHO, text=MAN_TEXT)
    sent = d.sentences[0]
    for source in (True, False):
        head, span = coref.relative_antecedent(sent, 5, (0, 0), source=source)
        assert sent.tokens[head].text == "man"  # not "car", the nearer noun
        assert d.text[span[0] : span[1]] == "man"


def test_agreement_and_binding_among_all_mentions() -> None:
    d = doc(MET, THANKED, LIKES_HIMSELF, SAW_HER, text=PEOPLE_TEXT)
    mentions = [
        mention(d, 0, 0, "Maria"),
        mention(d, 0, 2, "John"),
        mention(d, 1, 0, "She"),
        mention(d, 1, 2, "him"),
        mention(d, 2, 0, "John"),
        mention(d, 2, 2, "himself"),
        mention(d, 3, 0, "Maria"),
        mention(d, 3, 2, "her"),
    ]
    table = coref.resolve_all(d, mentions)
    assert chains(table) == [
        ["Maria", "She", "Maria"],
        ["John", "him", "John", "himself"],
        ["her"],  # "Maria saw her": a co-argument cannot bind "her" (principle B)
    ]
    assert [r.pass_name for r in table.resolutions] == [
        "new",
        "new",
        "pronoun",
        "pronoun",
        "name",
        "pronoun",
        "name",
        "new",
    ]


def test_appositive_and_possessive_pronoun_and_no_i_within_i() -> None:
    d = doc(ATHENS, ITS_PORT, text=ATHENS_TEXT)
    mentions = [
        mention(d, 0, 0, "Athens, the capital,"),
        mention(d, 0, 3, "the capital"),
        mention(d, 1, 1, "Its port"),
        mention(d, 1, 0, "Its"),
    ]
    table = coref.resolve_all(d, mentions)
    assert chains(table) == [["Athens, the capital,", "the capital", "Its"], ["Its port"]]
    assert [r.pass_name for r in table.resolutions] == ["new", "construct", "new", "pronoun"]


def test_possessive_source_is_an_organization_apart_from_the_owner() -> None:
    text = "Clinton said.\nGantz will sign “a memorandum of understanding”, his office said."
    d = doc(CLINTON_SAID, OFFICE, text=text)
    drafts = (
        source_draft(d, 1, mention(d, 0, 0, "Clinton")),
        source_draft(d, 2, mention(d, 1, 11, "his office")),
    )
    _, speakers = coref.resolve(d, drafts)
    assert [(s.name, s.type) for s in speakers] == [
        ("Clinton", "named_person"),
        ("Gantz’s office", "organization"),
    ]


def _said_by(article: str) -> ParsedDocument:
    rows = f"""
{article} {article.lower()} DET 2 det
spokeswoman spokeswoman NOUN 5 nsubj
for for ADP 4 case
Gantz Gantz PROPN 2 nmod
declined decline VERB 0 root nsp
. . PUNCT 5 punct
"""
    return doc(CLINTON_SAID, rows, text=f"Clinton said.\n{article} spokeswoman for Gantz declined.")


def test_role_pass_needs_an_article_not_a_definite_looking_description() -> None:
    for article, proposed in (("A", []), ("The", ["role"])):
        d = _said_by(article)
        table = coref.EntityTable(d)
        coref.resolve_mention(table, coref.mention_context(d, mention(d, 0, 0, "Clinton")))
        m = mention(d, 1, 1, f"{article} spokeswoman for Gantz")
        ctx = coref.mention_context(d, m)
        # As describe() may mark a party's representative: definite, though "a" is not.
        desc = coref.Description(
            "description", m.span.text, "anonymous_person", None, "spokeswoman", False, True
        )
        ctx = coref.MentionContext(ctx.sentence, m, desc, True, ctx.head, ctx.agreement)
        assert [c.pass_name for c in coref.role_pass(table, ctx)] == proposed


def test_candidates_carry_features_and_a_ranker_can_choose() -> None:
    d = doc(MET, THANKED, LIKES_HIMSELF, SAW_HER, text=PEOPLE_TEXT)
    mentions = [mention(d, 0, 0, "Maria"), mention(d, 1, 0, "She")]
    table = coref.EntityTable(d)
    coref.resolve_mention(table, coref.mention_context(d, mentions[0], source=False))
    ctx = coref.mention_context(d, mentions[1], source=False)
    cands = coref.candidates(table, ctx)
    assert [c.pass_name for c in cands] == ["pronoun", "new"]
    first = dict(cands[0].features)
    assert first["pass"] == 2.0 and first["rank"] == 0.0 and first["sentences"] == 1.0
    assert coref.sieve_ranker(table, ctx, cands) is cands[0]

    def last(_: coref.EntityTable, __: coref.MentionContext, cs: object) -> coref.Candidate:
        assert isinstance(cs, list)
        return cs[-1]  # type: ignore[no-any-return]

    table = coref.resolve_all(d, mentions, ranker=last)
    assert chains(table) == [["Maria"], ["She"]]
    assert [r.pass_name for r in table.resolutions] == ["new", "new"]


def test_partial_name_match_only_between_plain_names() -> None:
    assert coref._name_matches("Benny Gantz", "Gantz")
    assert coref._plain_name("Benny Gantz") and coref._plain_name("Maddy-Weitzman")
    # "Australia" is part of "Medical Journal of Australia" but not its name.
    assert coref._name_matches("Medical Journal of Australia", "Australia")
    assert not coref._plain_name("Medical Journal of Australia")
