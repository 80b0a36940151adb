"""Summarise an article's sourcing: who is quoted, how openly, and how well overall.

The figures follow what sourcing audits of news report (the share of anonymous
attributions, distinct named sources, anonymous sources with no stated
justification: AP and NYT require one; whether the story leads on an anonymous
source). The overall score is the mean of the claim scores, graded with the
same bands as each attribution; declined-to-comment records are counted but
carry no claim, so they are left out of the shares and the overall score,
and so are attributions in the headline, which restate the story's own.

The anonymous share counts what a reader of the story would count (see
``docs/scoring.md``): of the claims that *have* a source in the text (the
``sourced`` claims: not unattributed claims, not quotations whose speaker was
never found), those whose speaker the reader cannot identify
(``anonymous_person``, ``anonymous_group``). Documents, organisations and a
named party's representatives are identified sources.
"""

from __future__ import annotations

from collections import Counter

from attribution import hedges as hk
from attribution.records import (
    ANONYMOUS_TYPES,
    NAMED_TYPES,
    UNATTRIBUTED_ID,
    UNATTRIBUTED_SPEAKER,
    Attribution,
    Speaker,
    Summary,
)
from attribution.scoring import current_rubric, grade

SHARE_DIGITS = 3


def _is_declined(att: Attribution) -> bool:
    return any(h.kind == hk.DECLINED_TO_COMMENT for h in att.hedges)


def _speaker_type(att: Attribution, by_id: dict[str, Speaker]) -> str:
    speaker = by_id.get(att.speaker_id or "")
    if speaker is not None:
        return speaker.type
    return "unattributed" if att.source is None else "unresolved"


def _sourced(att: Attribution, by_id: dict[str, Speaker]) -> bool:
    """Tell whether a claim has a source in the text (a resolved, non-unattributed speaker)."""
    return att.speaker_id in by_id and att.speaker_id != UNATTRIBUTED_ID


def _anonymous(att: Attribution, by_id: dict[str, Speaker]) -> bool:
    """Tell whether a sourced claim's speaker is one a reader cannot identify."""
    speaker = by_id[att.speaker_id or ""]
    return speaker.anonymous or speaker.type in ANONYMOUS_TYPES


def summarize(attributions: tuple[Attribution, ...], speakers: tuple[Speaker, ...]) -> Summary:
    """Return the article summary.

    Fields: ``attributions`` (the story's claims: declined-to-comment records
    and attributions in the headline excluded), ``declined_to_comment``,
    ``headline_attributions`` (a headline restates the story's claims, so
    counting it would count them twice), ``by_kind``, ``by_speaker_type``, ``by_grade``,
    ``sourced`` (claims with a resolved source), ``anonymous`` (sourced claims
    from an unidentifiable speaker) and ``anonymous_share`` (their share of the
    sourced claims), ``named_sources`` and
    ``named_source_names`` (distinct speakers after resolution, co-speakers of
    a coordinated source included),
    ``anonymous_sources``, ``anonymous_without_justification`` (speaker names),
    ``unattributed_claims``, ``first_attribution_anonymous`` (whether the first
    sourced claim in the text is anonymous; ``None`` without sourced claims),
    ``score`` (mean, ``None`` without scored claims) and ``grade``.
    """
    by_id = {UNATTRIBUTED_ID: UNATTRIBUTED_SPEAKER, **{s.id: s for s in speakers}}
    body = [a for a in attributions if not a.in_headline]
    claims = sorted((a for a in body if not _is_declined(a)), key=lambda a: a.content.start)
    declined = len(body) - len(claims)
    sourced = [a for a in claims if _sourced(a, by_id)]
    anonymous = [a for a in sourced if _anonymous(a, by_id)]
    named_ids = {
        i
        for a in claims
        for i in (a.speaker_id, *a.co_speaker_ids)
        if i in by_id and by_id[i].type in NAMED_TYPES and not by_id[i].anonymous
    }
    anon_ids = {a.speaker_id for a in anonymous if a.speaker_id and a.speaker_id != UNATTRIBUTED_ID}
    justified = {a.speaker_id for a in anonymous if a.justification is not None}
    unjustified = sorted(
        by_id[i].name if i in by_id else i for i in anon_ids - justified if i is not None
    )
    scores = [a.score.value for a in claims if a.score is not None]
    overall = round(sum(scores) / len(scores)) if scores else None
    return Summary(
        attributions=len(claims),
        declined_to_comment=declined,
        headline_attributions=len(attributions) - len(body),
        by_kind=dict(sorted(Counter(a.kind for a in claims).items())),
        by_speaker_type=dict(sorted(Counter(_speaker_type(a, by_id) for a in claims).items())),
        by_grade=dict(sorted(Counter(a.score.grade for a in claims if a.score).items())),
        sourced=len(sourced),
        anonymous=len(anonymous),
        anonymous_share=round(len(anonymous) / len(sourced), SHARE_DIGITS) if sourced else 0.0,
        named_sources=len(named_ids),
        named_source_names=tuple(sorted(by_id[i].name for i in named_ids if i is not None)),
        anonymous_sources=len(anon_ids),
        anonymous_without_justification=tuple(unjustified),
        unattributed_claims=sum(1 for a in claims if a.speaker_id == UNATTRIBUTED_ID),
        first_attribution_anonymous=_anonymous(sourced[0], by_id) if sourced else None,
        score=overall,
        grade=grade(overall, current_rubric()) if overall is not None else None,
    )
