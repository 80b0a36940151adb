"""Every word list of the engine, typed and loaded once from the bundled data files.

Each list is written once, in one of the files below, and read here into one
field of :class:`Lexicon`; :func:`lexicon` refuses a list defined in two files.

- ``reporting_verbs.tsv``: reporting verbs with stance, kind and frames
  (Bergler 1992; Krestel, Bergler and Witte 2008; the PolNeAR cue inventory).
- ``reporting_nouns.tsv``: nouns of saying that take a that-clause, with stance and kind.
- ``cues.yaml``: the other cue words (medium nouns, addressee verbs), time words and
  the words that are no speaker label.
- ``speakers.yaml``: speaker typing (person, group, organization, document and
  outlet nouns, outlet names, places).
- ``hedges.yaml``: hedge and anonymity signals (newsroom sourcing rules).

Entries are lower-case. Unless a field's documentation says otherwise they are
lemmas, matched on the parser's lemma, not on the surface word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from attribution.records import Stance
from attribution.resources import load_tsv, load_yaml

CueKind = Literal["speech", "writing", "thought", "perception", "intention"]

REPORTING_VERBS_FILE = "reporting_verbs.tsv"
REPORTING_NOUNS_FILE = "reporting_nouns.tsv"
#: YAML files whose top-level keys are :class:`Lexicon` fields.
WORD_LIST_FILES = ("cues.yaml", "speakers.yaml", "hedges.yaml")
#: Fields built from the two TSV files rather than from a YAML list.
TSV_FIELDS = frozenset({"reporting_verbs", "reporting_nouns"})
#: Data lists that are added to ``time_nouns`` (every time word is a time noun).
TIME_PARTS = ("weekdays", "months")


@dataclass(frozen=True, slots=True)
class ReportingWord:
    """One reporting verb or noun: its stance, kind and where its content may be.

    ``frames`` (verbs only) names the content's places besides a clausal
    complement: ``obj`` (the direct object, "cited X"), ``xcomp`` (an open
    complement, "urged X to ...") or a preposition or subordinator ("accused X
    *of* Y").
    """

    lemma: str
    stance: Stance
    kind: CueKind
    frames: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The engine's word lists: one field per list, each defined once in data."""

    # -- reporting_verbs.tsv, reporting_nouns.tsv
    #: Reporting verbs by lemma.
    reporting_verbs: Mapping[str, ReportingWord]
    #: Reporting nouns that take a that-clause ("Trump's *claim* that ..."), by lemma.
    reporting_nouns: Mapping[str, ReportingWord]

    # -- cues.yaml
    #: Heads of "in a statement"-like phrases that belong to the cue.
    medium_nouns: frozenset[str]
    #: Verbs the learned model may take for cues that make no claim ("recognised", "backs").
    not_cue_verbs: frozenset[str]
    #: Nouns the same ("a call for").
    not_cue_nouns: frozenset[str]
    #: Verbs whose object is the addressee, not the content ("told AFP that ...").
    addressee_verbs: frozenset[str]
    #: Verbs that may have up to three words (their addressee) before the quotation.
    quote_gap_verbs: frozenset[str]
    #: Days of the week.
    weekdays: frozenset[str]
    #: Month names (also names of people: "May").
    months: frozenset[str]
    #: Every time noun: ``weekdays``, ``months`` and the listed ones ("day", "week", "eve").
    time_nouns: frozenset[str]
    #: Surface words (lower-cased, not lemmas) before a line-initial colon that are no
    #: speaker ("UPDATE:", "Photo:").
    label_stopwords: frozenset[str]

    # -- speakers.yaml
    #: Heads that denote one person ("spokeswoman", "professor"; coreference, affiliation).
    person_nouns: frozenset[str]
    #: Surface words (lower-cased, plurals) of a nameless group ("officials", "some").
    group_nouns: frozenset[str]
    #: Heads of an institution ("his office", "the ministry").
    organization_nouns: frozenset[str]
    #: Heads of a written source ("the report", "a statement").
    document_nouns: frozenset[str]
    #: Heads of a news outlet ("the newspaper", "the broadcaster").
    outlet_nouns: frozenset[str]
    #: Names of news outlets (lower case; with and without "the" as written).
    outlet_names: frozenset[str]
    #: Words that make a proper name an organization ("Ratio *Petroleum*").
    organization_words: frozenset[str]
    #: Countries and capitals standing for their governments ("Rabat said").
    places: frozenset[str]
    #: Heads of a place speaking through its government ("the city said").
    place_nouns: frozenset[str]
    #: Heads that speak for a named party ("a spokeswoman *for Gantz*", "Love's *lawyers*").
    representative_nouns: frozenset[str]
    #: Negative and empty quantifiers, never a source ("no one", "nobody").
    empty_sources: frozenset[str]
    #: Determiners of an indefinite source ("a", "some", "two"); no rule reads them yet.
    indefinite_determiners: frozenset[str]

    # -- hedges.yaml
    #: Heads of plural, nameless sources ("officials say").
    vague_group_nouns: frozenset[str]
    #: Heads of a singular anonymous source ("a source", "an official").
    anonymous_nouns: frozenset[str]
    #: Quantifiers and numerals that make a group several sources.
    several_words: frozenset[str]
    #: Knowledge adjectives and the preposition of their oblique ("familiar" + "with").
    knowledge_adjectives: tuple[tuple[str, str], ...]
    #: Nouns of knowledge on a source ("people with *knowledge* of the talks").
    knowledge_nouns: frozenset[str]
    #: Verbs of direct knowledge in a clause on the source ("who *attended*").
    knowledge_verbs: frozenset[str]
    #: "not *authorized* to speak".
    authorize_verbs: frozenset[str]
    #: Verbs of speaking under an authorize or request verb ("authorized to *speak*").
    speech_verbs: frozenset[str]
    #: "*asked* not to be named".
    request_verbs: frozenset[str]
    #: "asked not to be *named*".
    naming_verbs: frozenset[str]
    #: "on condition of *anonymity*".
    anonymity_nouns: frozenset[str]
    #: Subordinators of a stated reason ("because").
    reason_markers: frozenset[str]
    #: Hedging adverbs ("reportedly").
    hedge_adverbs: frozenset[str]
    #: Agentless passive reporting verbs ("it is *understood*").
    hedge_passive_verbs: frozenset[str]
    #: Cue lemmas of opinion or speculation.
    opinion_cues: frozenset[str]
    #: Cue lemmas of a personal attack.
    attack_cues: frozenset[str]
    #: Pejorative content words.
    pejorative_words: frozenset[str]
    #: Cue lemmas by which a second source confirms a claim.
    corroboration_cues: frozenset[str]
    #: "*declined* to comment".
    decline_verbs: frozenset[str]
    #: "declined to *comment*", "did not *respond*".
    comment_verbs: frozenset[str]


def _reporting_words(name: str) -> Mapping[str, ReportingWord]:
    """Read a reporting-word TSV (lemma, stance, kind[, frames]); defaults fill short rows."""
    out: dict[str, ReportingWord] = {}
    for row in load_tsv(name):
        lemma, stance, kind, frames = (row + ("neutral", "speech", "-"))[:4]
        fr = frozenset(f for f in frames.split(",") if f and f != "-")
        out[lemma] = ReportingWord(lemma, stance, kind, fr)  # type: ignore[arg-type]
    return MappingProxyType(out)


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(w).lower() for w in values)


def word_lists() -> dict[str, tuple[str, Any]]:
    """Return every YAML list by name with the file it is defined in.

    Raises :class:`ValueError` when a list is defined in two files or names no
    :class:`Lexicon` field.
    """
    known = {f.name for f in fields(Lexicon)} - TSV_FIELDS
    out: dict[str, tuple[str, Any]] = {}
    for file in WORD_LIST_FILES:
        for key, value in (load_yaml(file) or {}).items():
            if key in out:
                raise ValueError(f"word list {key!r} is defined in {out[key][0]} and {file}")
            if key not in known:
                raise ValueError(f"{file}: {key!r} is no Lexicon field")
            out[key] = (file, value)
    return out


@cache
def lexicon() -> Lexicon:
    """Load every word list once; entries are lower-cased."""
    raw = {key: value for key, (_, value) in word_lists().items()}
    sets: dict[str, Any] = {
        key: _words(value or ()) for key, value in raw.items() if key != "knowledge_adjectives"
    }
    sets["time_nouns"] = sets["time_nouns"].union(*(sets[k] for k in TIME_PARTS))
    adjectives = tuple(
        (str(a).lower(), str(p).lower()) for a, p in (raw.get("knowledge_adjectives") or {}).items()
    )
    return Lexicon(
        reporting_verbs=_reporting_words(REPORTING_VERBS_FILE),
        reporting_nouns=_reporting_words(REPORTING_NOUNS_FILE),
        knowledge_adjectives=adjectives,
        **sets,
    )
