"""Article summary over hand-built records."""

from __future__ import annotations

from dataclasses import replace

from _engine_conllu import doc

from attribution import hedges as hk
from attribution import scoring
from attribution.pipeline import analyze
from attribution.quotes import headline
from attribution.records import Attribution, Cue, Hedge, Speaker, TextSpan
from attribution.summary import summarize


def ts(text: str, start: int) -> TextSpan:
    return TextSpan(start, start + len(text), text)


def att(
    ident: str,
    start: int,
    speaker_id: str | None,
    kind: str = "indirect",
    hedges: tuple[str, ...] = (),
    justification: str | None = None,
) -> Attribution:
    return Attribution(
        id=ident,
        kind=kind,  # type: ignore[arg-type]
        content=ts("content", start),
        cue=Cue(ts("said", start + 10), "say"),
        source=ts("src", start + 20),
        speaker_id=speaker_id,
        hedges=tuple(Hedge(ts(k, start), k) for k in hedges),
        justification=ts(justification, start) if justification else None,
    )


SPEAKERS = (
    Speaker("mw", "Bruce Maddy-Weitzman", "named_person", role="professor"),
    Speaker("of", "Gantz's office", "organization"),
    Speaker("so", "a source", "anonymous_person", anonymous=True),
    Speaker("ol", "officials", "anonymous_group", anonymous=True),
    Speaker("sp", "a spokeswoman for Gantz", "anonymous_person", anonymous=True),
)


def article() -> tuple[Attribution, ...]:
    raw = (
        att("a1", 0, "ol", "direct", ("vague_group",)),
        att("a2", 100, "of", "direct"),
        att("a3", 200, "so", "direct", justification="familiar with the visit"),
        att("a4", 300, "so", "direct"),
        att("a5", 400, "mw"),
        att("a6", 500, "mw", "direct"),
        att("a7", 600, hk.UNATTRIBUTED_ID, hedges=("bare_hedge",)),
        att("a8", 700, "sp", hedges=("declined_to_comment",)),
    )
    return scoring.score(raw, SPEAKERS)


def test_counts_and_shares() -> None:
    out = summarize(article(), SPEAKERS)
    assert out.attributions == 7
    assert out.declined_to_comment == 1
    assert out.by_kind == {"direct": 5, "indirect": 2}
    assert out.by_speaker_type == {
        "anonymous_group": 1,
        "anonymous_person": 2,
        "named_person": 2,
        "organization": 1,
        "unattributed": 1,
    }
    # The unattributed claim a7 has no source: it is in neither side of the share.
    assert out.sourced == 6
    assert out.anonymous == 3
    assert out.anonymous_share == 0.5
    assert out.unattributed_claims == 1
    assert sum(out.by_grade.values()) == 7


def test_distinct_named_and_unjustified_anonymous_sources() -> None:
    out = summarize(article(), SPEAKERS)
    assert out.named_sources == 2
    assert out.named_source_names == ("Bruce Maddy-Weitzman", "Gantz's office")
    assert out.anonymous_sources == 2
    assert out.anonymous_without_justification == ("officials",)


def test_first_attribution_anonymous_and_overall_grade() -> None:
    atts = article()
    out = summarize(atts, SPEAKERS)
    assert out.first_attribution_anonymous is True
    claims = [a for a in atts if a.id != "a8"]
    expected = round(sum(a.score.value for a in claims if a.score) / len(claims))
    assert out.score == expected
    assert out.grade == scoring.grade(expected)


def test_order_is_by_position_not_input_order() -> None:
    atts = tuple(reversed(article()))
    assert summarize(atts, SPEAKERS).first_attribution_anonymous is True
    named_first = (att("b1", 0, "mw"), att("b2", 50, "so"))
    assert summarize(named_first, SPEAKERS).first_attribution_anonymous is False


def test_empty_article() -> None:
    out = summarize((), ())
    assert out.attributions == 0
    assert out.anonymous_share == 0.0
    assert out.first_attribution_anonymous is None
    assert out.score is None and out.grade is None


def test_anonymous_share_counts_what_a_reader_counts() -> None:
    """A hand-made article: 2 of 5 sourced claims are anonymous; documents, a
    representative of a named party, an unattributed claim and an unresolved
    quotation do not count as anonymous sources."""
    speakers = (
        Speaker("mw", "Bruce Maddy-Weitzman", "named_person"),
        Speaker("rp", "the report", "document"),
        Speaker("sp", "spokeswoman for Gantz", "organization", role="spokeswoman"),
        Speaker("so", "a source familiar with the visit", "anonymous_person", anonymous=True),
        Speaker("ol", "officials", "anonymous_group", anonymous=True),
    )
    unresolved = Attribution(id="u1", kind="direct", content=ts("content", 900))
    atts = (
        att("a1", 0, "mw"),
        att("a2", 100, "rp"),
        att("a3", 200, "sp"),
        att("a4", 300, "so"),
        att("a5", 400, "ol"),
        att("a6", 500, hk.UNATTRIBUTED_ID, hedges=("bare_hedge",)),
        unresolved,
    )
    out = summarize(scoring.score(atts, speakers), speakers)
    assert (out.attributions, out.sourced, out.anonymous) == (7, 5, 2)
    assert out.anonymous_share == 0.4
    assert out.anonymous_sources == 2
    assert out.first_attribution_anonymous is False


def test_anonymous_share_without_sourced_claims() -> None:
    only_unattributed = (att("a1", 0, hk.UNATTRIBUTED_ID, hedges=("bare_hedge",)),)
    out = summarize(only_unattributed, ())
    assert (out.attributions, out.sourced, out.anonymous_share) == (1, 0, 0.0)
    assert out.first_attribution_anonymous is None


def test_headline_attributions_are_left_out() -> None:
    speakers = (Speaker("ol", "officials", "anonymous_group", anonymous=True),)
    headline = replace(att("h1", 0, "ol"), in_headline=True)
    body = (att("a1", 100, "mw"), att("a2", 200, "ol"))
    everyone = (*SPEAKERS[:1], *speakers)
    out = summarize((headline, *body), everyone)
    assert (out.attributions, out.headline_attributions, out.sourced) == (2, 1, 2)
    assert out.anonymous_share == 0.5
    assert out.first_attribution_anonymous is False


def test_headline_is_the_short_unpunctuated_first_line() -> None:
    title = "Teachers say district ignored mold"
    assert headline(f"{title}\n\nThe district said it would act.") == (0, len(title))
    lead = "Gantz heads to Morocco, officials say.\nThe trip is short."
    assert headline(lead) is None
    assert headline("Only one line") is None
    long_line = " ".join(["word"] * 25) + "\nBody."
    assert headline(long_line) is None


HEADLINE_ROWS = """
Officials official NOUN 2 nsubj Number=Plur
said say VERB 0 root
deal deal NOUN 5 nsubj
is be AUX 5 cop
near near ADJ 2 ccomp
"""
BODY_ROWS = """
The the DET 2 det
minister minister NOUN 3 nsubj
said say VERB 0 root
the the DET 5 det
deal deal NOUN 7 nsubj
was be AUX 7 cop
near near ADJ 3 ccomp nsp
. . PUNCT 3 punct
"""


def test_engine_marks_headline_attributions() -> None:
    title = "Officials said deal is near"
    text = f"{title}\n\nThe minister said the deal was near."
    parsed = doc(HEADLINE_ROWS, BODY_ROWS, text=text)
    result = analyze(text, parser=lambda _: parsed)
    in_title = [a for a in result.attributions if a.content.start < len(title)]
    in_body = [a for a in result.attributions if a.content.start > len(title)]
    assert in_title and in_body
    assert all(a.in_headline for a in in_title)
    assert not any(a.in_headline for a in in_body)
    assert result.summary.headline_attributions == len(in_title)
    assert result.summary.attributions == len(in_body)
    assert result.summary.anonymous_share == 1.0  # the minister alone: "officials" left out
