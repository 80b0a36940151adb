"""Reporting cues and their source and content, read off the dependency parse.

A reporting verb (Bergler 1992; Krestel, Bergler and Witte 2008) governs its
reported content as a clausal complement (``ccomp``: "said *that ...*"), a
direct object ("cited *“hostile actions”*") or, when the quotation comes first,
hangs off the quoted clause as ``parataxis`` ("“...,” *he said*"). Its source
is the subject (``nsubj``, also after the verb: "said *the professor*"), the
passive agent ("announced *by X*"), or, for a participle adjunct ("citing",
"saying") or a conjoined verb, the subject of the verb it depends on. "According
to X" puts the source in an oblique phrase and the content in the host clause.
Helpers are small functions over :class:`~attribution.types.Sentence` in the
style of textacy's ``extract.triples``.

Where a verb's content is, is decided by named rules tried in order
(:data:`VERB_CONTENT_RULES`: ``ccomp``, ``parataxis_host``,
``prepositional_frame``, ``stray_that_clause``, ``clause_right_after``,
``xcomp``, ``that_comma_clause``, ``object``); ``CueMatch.rule`` records the
one that fired. A verb the parser gave two subjects is read by
:func:`verb_subjects` (a split name, an apposition, or the fronted subject of
the content the verb interrupts). The word
lists (reporting verbs and nouns, medium nouns, addressee verbs, time nouns)
come from :func:`attribution.lexicon.lexicon`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from attribution.lexicon import CueKind, ReportingWord, lexicon
from attribution.records import Stance
from attribution.types import Sentence, Token

__all__ = ["CueKind", "CueForm", "CueMatch", "CueRule", "Verb", "find_cues", "reporting_verbs"]

SUBJECTS = frozenset({"nsubj", "nsubj:outer"})
PASSIVE_SUBJECTS = frozenset({"nsubj:pass", "csubj:pass"})
AGENTS = frozenset({"obl:agent"})
CLAUSAL_COMPLEMENTS = frozenset({"ccomp"})
OBJECTS = frozenset({"obj"})
#: Relations by which a reporting verb inherits its subject from its governor.
SUBJECT_INHERITING = frozenset({"conj", "xcomp", "advcl"})
#: Relations of a reporting verb attached to the clause it reports.
REPORTED_HOST = frozenset({"parataxis"})
PUNCT = "PUNCT"
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
#: Relative pronouns that end no source of several words (:func:`source_ids`).
TRAILING_RELATIVES = frozenset({"which", "that"})
ACCORDING_TO = ("according", "to")
#: Dependents of a source head that are not part of the source noun phrase.
NOT_IN_SOURCE = frozenset({"obl", "advmod", "advcl", "parataxis", "dep", "discourse", "vocative"})
#: Prepositions of an adjunct that completes an object content ("as", "in", "of" ...).
OBJECT_COMPANION_PREPS = frozenset({"as", "to", "of", "for", "with", "about", "in", "between"})
#: Prepositions that complete an object only when their noun is not a time ("a deal *on
#: oil*", not "a deal *on Monday*"): with "on" the parser often hangs the topic of an
#: announced object from the verb.
TOPIC_PREPS = frozenset({"on"})
#: Days of the week (``cues.yaml``); kept here for the sieves that still import it.
WEEKDAYS = lexicon().weekdays
#: Word classes a stray "that"-clause may hang from.
NOMINAL = frozenset({"NOUN", "PROPN", "NUM", "PRON"})
#: Dependents before the verb that belong to the cue ("has said", "would not comment").
CUE_AUXILIARIES = frozenset({"aux", "aux:pass"})
#: Verbs of these kinds are kept without a content: "“...,” he added."
BARE_CUE_KINDS = frozenset({"speech", "writing"})

#: How a cue was found: a reporting verb governing its content, a reporting verb
#: set inside the clause it reports ("“...,” he said"), a reporting noun, "according
#: to", and (built by the sieves) a colon or a dash before a speaker's words.
CueForm = Literal["verb", "parenthetical", "noun", "according_to", "colon", "dash"]

#: One reporting-verb lexicon entry (``reporting_verbs.tsv``).
Verb = ReportingWord


def reporting_verbs() -> Mapping[str, Verb]:
    """Return the reporting verbs by lemma (``reporting_verbs.tsv``, loaded once)."""
    return lexicon().reporting_verbs


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A reporting cue in one sentence with its source and content word sets.

    Indices are word indices within ``sentence``. ``content`` is empty when the
    content is not in this sentence (a quotation in the sentence before).
    ``rule`` names the rule that found the content (:data:`VERB_CONTENT_RULES`,
    ``NO_CONTENT`` for a bare cue, the noun and "according to" rules), or is
    empty for cues built elsewhere.
    """

    sentence: int
    cue: tuple[int, ...]
    lemma: str
    stance: Stance
    kind: CueKind
    source: tuple[int, ...]
    source_head: int | None
    content: tuple[int, ...]
    form: CueForm
    rule: str = ""


# -- small dependency helpers -------------------------------------------------


def children(sent: Sentence, i: int, rels: Iterable[str]) -> tuple[Token, ...]:
    """Return the dependents of word ``i`` whose relation is in ``rels``."""
    rs = frozenset(rels)
    return tuple(t for t in sent.tokens if t.head == i and t.deprel in rs)


def child(sent: Sentence, i: int, rels: Iterable[str]) -> Token | None:
    """Return the first dependent of ``i`` by one of ``rels``, if any."""
    found = children(sent, i, rels)
    return found[0] if found else None


def subtree_ids(sent: Sentence, i: int, exclude: Iterable[int] = ()) -> tuple[int, ...]:
    """Return the indices of ``i``'s subtree, not descending into ``exclude``."""
    ex = set(exclude)
    keep = {i}
    kids: dict[int, list[int]] = {}
    for t in sent.tokens:
        kids.setdefault(t.head, []).append(t.index)
    stack = [i]
    while stack:
        n = stack.pop()
        for k in kids.get(n, ()):
            if k not in keep and k not in ex:
                keep.add(k)
                stack.append(k)
    return tuple(sorted(keep))


def trim(sent: Sentence, ids: Iterable[int]) -> tuple[int, ...]:
    """Drop punctuation and coordinating glue from both edges of a word set."""
    out = sorted(ids)
    edge = {"PUNCT", "CCONJ"}
    while out and (sent.tokens[out[0]].upos in edge or sent.tokens[out[0]].text in "—–-"):
        out.pop(0)
    while out and (sent.tokens[out[-1]].upos in edge or sent.tokens[out[-1]].text in "—–-"):
        out.pop()
    return tuple(out)


def lead_trim(sent: Sentence, ids: tuple[int, ...]) -> tuple[int, ...]:
    """Drop what PolNeAR leaves out at a content's start.

    A preposition introducing it ("called *for* his dismissal"), a sentence
    adverb with its comma ("*However,* growth ...") and a dateline
    ("*WASHINGTON ―* Donald Trump's ...").
    """
    out = list(ids)
    if len(out) > 1:
        first = sent.tokens[out[0]]
        if first.deprel == "case" and first.upos == "ADP" and first.head != out[0]:
            out.pop(0)
    if len(out) > 2 and sent.tokens[out[0]].upos == "ADV" and sent.tokens[out[1]].text == ",":
        out = out[2:]
    for k in range(min(4, len(out) - 1)):
        t = sent.tokens[out[k]]
        if t.text in ("―", "—", "–", "--") and all(
            sent.tokens[j].text.isupper() or sent.tokens[j].upos == "PUNCT" for j in out[:k]
        ):
            out = out[k + 1 :]
            break
    return tuple(out)


def contiguous(ids: tuple[int, ...]) -> tuple[int, ...]:
    """Keep the longest run of consecutive indices (spans must be contiguous)."""
    if not ids:
        return ids
    runs: list[list[int]] = [[ids[0]]]
    best: list[int] = runs[0]
    for i in ids[1:]:
        if i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) > len(best):
            best = run
    return tuple(best)


def fill(ids: Iterable[int]) -> tuple[int, ...]:
    """Return the full range between the first and last index."""
    s = sorted(ids)
    return tuple(range(s[0], s[-1] + 1)) if s else ()


def _agent(sent: Sentence, i: int) -> Token | None:
    """Return the passive agent of ``i``: ``obl:agent``, else an oblique marked "by"."""
    agent = child(sent, i, AGENTS)
    if agent is not None:
        return agent
    for t in children(sent, i, ("obl",)):
        if any(c.deprel == "case" and c.lemma == "by" for c in sent.children(t.index)):
            return t
    return None


def _interrupts(sent: Sentence, i: int, first: Token, last: Token) -> bool:
    """Tell whether verb ``i`` is set inside a clause whose subject is ``first``.

    Either a clause of the verb lies between the two subjects ("X's grasp of
    policy is worrying, Cuban said") or a comma stands between the verb and the
    clause after it ("X's investment, Ms. Tanzer said, is ...").
    """
    for c in sent.children(i):
        if c.deprel.split(":")[0] not in ("ccomp", "parataxis"):
            continue
        if first.index < c.index < last.index:
            return True
        if c.index > i and any(t.text == "," for t in sent.tokens[i + 1 : c.index]):
            return True
    return False


#: How a second subject the parser gave a reporting verb relates to the first: the
#: rest of one name ("New Jersey | Gov. Chris Christie"), an apposition ("Clinton, |
#: the former secretary of State,"), or the speaker of a verb set inside a content
#: whose subject the first is ("X's investment, | Ms. Tanzer said, is ...").
SubjectRole = Literal["name", "apposition", "fronted"]


@dataclass(frozen=True, slots=True)
class Subjects:
    """A reporting verb's speaker subject, and the other subject the parser gave it."""

    speaker: Token | None
    other: Token | None = None
    role: SubjectRole | None = None


def _second_subject(sent: Sentence, i: int, first: Token, last: Token) -> SubjectRole | None:
    """Tell how the subject ``last``, nearer the verb ``i``, relates to ``first``."""
    first_ids = trim(sent, subtree_ids(sent, first.index))
    last_ids = trim(sent, subtree_ids(sent, last.index))
    if not first_ids or not last_ids or first_ids[-1] >= last_ids[0]:
        return None
    gap = sent.tokens[first_ids[-1] + 1 : last_ids[0]]
    if not gap:
        return "name"
    closed = any(t.text == "," for t in sent.tokens[last_ids[-1] + 1 : i])
    if [t.text for t in gap] == [","] and closed:
        return "apposition"
    return "fronted" if _interrupts(sent, i, first, last) else None


def verb_subjects(sent: Sentence, i: int) -> Subjects:
    """Return the speaker subject of word ``i`` and the other subject before it, if any.

    A word has one subject, but parsers give a reporting verb two when one is
    the rest of a name, an apposition or the fronted subject of the content
    (:data:`SubjectRole`); with none of these the first one is the speaker. A
    time word is no speaker ("Sanders on Tuesday said").
    """
    subjects = children(sent, i, SUBJECTS)
    if len(subjects) < 2:
        return Subjects(subjects[0] if subjects else None)
    time = lexicon().time_nouns
    before = [t for t in subjects if t.index < i and t.lemma.lower() not in time]
    if len(before) < 2:
        return Subjects(before[0] if before else subjects[0])
    first, last = before[0], before[-1]
    role = _second_subject(sent, i, first, last)
    if role == "apposition":
        return Subjects(first, last, role)
    if role is not None:
        return Subjects(last, first, role)
    return Subjects(first)


def subject_of(sent: Sentence, verb: int) -> Token | None:
    """Find the speaker argument of a reporting verb.

    Subject first (pre- or post-verbal: inversion; of two, the one
    :func:`verb_subjects` picks), then the passive agent ("by X"), then, for a
    participle adjunct, a conjunct or an open complement, the subject of the
    governing verb; a relative pronoun is replaced by the noun its clause
    modifies ("Morocco, *which* said ...").
    """
    seen: set[int] = set()
    i = verb
    while i >= 0 and i not in seen:
        seen.add(i)
        tok = sent.tokens[i]
        subj = verb_subjects(sent, i).speaker or _agent(sent, i)
        if subj is not None:
            if subj.text.lower() in RELATIVE_PRONOUNS and tok.deprel.startswith("acl"):
                return sent.tokens[tok.head] if tok.head >= 0 else None
            return subj
        if child(sent, i, PASSIVE_SUBJECTS) is not None:
            return None
        if tok.deprel.startswith("acl") and tok.head >= 0 and tok.feats.find("VerbForm=Part") >= 0:
            return None
        if tok.base_deprel in SUBJECT_INHERITING and tok.head >= 0:
            i = tok.head
            continue
        return None
    return None


def _object_companion(sent: Sentence, t: Token) -> bool:
    """Tell whether a dependent after the object belongs to the reported content."""
    rel = t.deprel.split(":")[0]
    if rel in ("xcomp", "ccomp"):
        return True
    if rel in ("obl", "advcl") and t.deprel not in ("obl:tmod", "obl:unmarked", "obl:npmod"):
        marks = {c.text.lower() for c in sent.children(t.index) if c.deprel in ("case", "mark")}
        time = t.upos == "NUM" or t.lemma.lower() in lexicon().time_nouns
        if marks & TOPIC_PREPS and not time:
            return True
        return bool(marks & OBJECT_COMPANION_PREPS)
    return False


def _stray_that_clause(sent: Sentence, verb: int, subj: Token | None) -> tuple[int, ...]:
    """Find a "that"-clause the parser hung on a dependent of the verb.

    "said last week that ..." is often parsed with the clause as ``acl`` of
    "week"; a finite clause marked "that"/"whether" right under a non-subject
    dependent of the reporting verb is its content.
    """
    for t in sent.tokens:
        if t.index <= verb or t.deprel.split(":")[0] not in ("acl", "advcl", "ccomp", "parataxis"):
            continue
        if not any(
            c.deprel == "mark" and c.text.lower() in ("that", "whether")
            for c in sent.children(t.index)
        ):
            continue
        # Walk up through nominals only ("said at an event in X that ...").
        path = sent.ancestors(t.index)
        k = next((n for n, a in enumerate(path) if a.index == verb), None)
        if k is None or k > 3:
            continue
        between = path[:k]
        if any(a.upos not in NOMINAL for a in between):
            continue
        if subj is not None and any(a.index == subj.index for a in between):
            continue
        if between and between[-1].deprel in SUBJECTS | AGENTS:
            continue
        return subtree_ids(sent, t.index)
    return ()


#: Relations under which a parser may hang the reported clause away from its cue.
MISATTACHED_CLAUSE = frozenset({"parataxis", "advcl", "conj", "ccomp", "acl"})
#: Dependents that show a word heads a clause of its own.
CLAUSE_SUBJECTS = SUBJECTS | {"nsubj:pass", "expl"}


def _clause_right_after(sent: Sentence, i: int) -> tuple[int, ...]:
    """Return a finite clause that starts right after the cue word ``i``, wherever it hangs.

    "began by saying he would “never” diagnose ..." or "Trump's claim that there
    have been ..." are sometimes parsed with the clause under another word (as
    ``parataxis`` or ``advcl``); a clause with its own subject whose words begin
    right after the cue (its "that" included) is still the cue's content.
    """
    for t in sent.tokens[i + 1 :]:
        if t.deprel.split(":")[0] not in MISATTACHED_CLAUSE:
            continue
        if not any(c.deprel in CLAUSE_SUBJECTS for c in sent.children(t.index)):
            continue
        ids = subtree_ids(sent, t.index)
        if ids and ids[0] == i + 1 and i not in ids:
            return ids
    return ()


def _stranded_conjuncts(sent: Sentence, verb: Token, content: tuple[int, ...]) -> tuple[int, ...]:
    """Return conjuncts of the content that the parser hung on the cue verb instead.

    "called for economic fairness, and a need to ..." or "believes Obama was born
    in X and was therefore qualified ..." are often parsed with the second
    conjunct as ``conj`` of the reporting verb. A conjunct right after the
    content (only "and", "or" and commas between) joins it when it cannot be a
    second action of the speaker: it is nominal, is marked "that", or has no
    subject and another form than the verb ("pledged to triple ..., grow ...").
    """
    out: list[int] = []
    end = max(content)
    for c in sent.children(verb.index):
        if c.deprel != "conj" or c.index <= end:
            continue
        ids = subtree_ids(sent, c.index)
        gap = [t for t in sent.tokens[end + 1 : ids[0]] if t.index not in content]
        if any(t.deprel not in ("cc", "punct") for t in gap) or ids[0] <= end:
            break
        kids = sent.children(c.index)
        marked = any(k.deprel == "mark" and k.text.lower() in ("that", "whether") for k in kids)
        own_subject = any(k.deprel in CLAUSE_SUBJECTS for k in kids)
        other_form = c.upos != verb.upos or c.xpos != verb.xpos
        if c.lemma.lower() in reporting_verbs() and not marked:
            break  # a second report by the same speaker ("... and says he will ...")
        if not (c.upos in NOMINAL or marked or (not own_subject and other_form)):
            break
        out.extend(ids)
        end = max(ids)
    return tuple(out)


def _pre_verbal_np(sent: Sentence, verb: int) -> tuple[Token, tuple[int, ...]] | None:
    """Return the head and words of a noun phrase right before ``verb``, if there is one.

    Subject-verb inversion in reporting ("“...,” said X") needs the verb right
    after the quotation or comma; words between them are the real subject.
    """
    run: list[int] = []
    for j in range(verb - 1, -1, -1):
        t = sent.tokens[j]
        if t.head == verb and t.deprel in CUE_AUXILIARIES | {"advmod"}:
            if run:
                break
            continue
        if t.upos in ("PUNCT", "VERB", "AUX", "SCONJ", "CCONJ") or t.deprel.startswith("expl"):
            break
        run.insert(0, j)
    nouns = [k for k in run if sent.tokens[k].upos in ("NOUN", "PROPN", "PRON")]
    if not nouns:
        return None
    n = nouns[0]
    while (
        sent.tokens[n].head in run
        and sent.tokens[n].head > n
        and sent.tokens[n].deprel in ("compound", "flat", "flat:name", "nmod:poss", "amod")
    ):
        n = sent.tokens[n].head
    return sent.tokens[n], tuple(run)


def source_ids(sent: Sentence, head: Token, avoid: Iterable[int] = ()) -> tuple[int, ...]:
    """Return the whole noun phrase of a source head (appositions, relatives included).

    Adjuncts the parser hung on the head ("Trump, *in particular*", "prosecutors
    *in April*") and the head's own preposition ("*by* the ministry") stay out.
    """
    skip = set(avoid) | {
        t.index
        for t in sent.children(head.index)
        if t.deprel.split(":")[0] in NOT_IN_SOURCE or time_adjunct(t)
    }
    ids = subtree_ids(sent, head.index, exclude=skip)
    ids = tuple(
        i
        for i in ids
        if not (sent.tokens[i].deprel == "case" and sent.tokens[i].head == head.index)
    )
    return _drop_trailing_relative(sent, contiguous(trim(sent, ids)))


def time_adjunct(t: Token) -> bool:
    """Tell whether a dependent of a source head is a time adjunct ("The Washington Post
    *on Thursday*", "officials *last week*"): the parser hangs it on the noun, but it
    dates the saying, not the speaker."""
    if t.deprel in ("nmod:tmod", "obl:tmod"):
        return True  # not nmod:unmarked, which also takes ages ("Jane Smith, 33,")
    return t.base_deprel == "nmod" and t.lemma.lower() in lexicon().time_nouns


def _drop_trailing_relative(sent: Sentence, ids: tuple[int, ...]) -> tuple[int, ...]:
    """Drop a relative pronoun ending a source of several words ("systems, like chatbots, *that*").

    The pronoun opens a clause the parser cut off; "some of whom", "most of
    which" keep theirs (the pronoun is the source there).
    """
    toks = sent.tokens
    if len(ids) > 1 and toks[ids[-1]].text.lower() in TRAILING_RELATIVES:
        if toks[ids[-2]].text.lower() != "of":
            return trim(sent, ids[:-1])
    return ids


def cue_ids(sent: Sentence, verb: int) -> tuple[int, ...]:
    """Return the words of a verbal cue.

    The verb with the auxiliaries, adverbs, negation and infinitival "to" right
    before it ("has also said", "would not comment", "to say") and a colon right
    after it ("declared:"), as PolNeAR marks cues.
    """
    ids = [verb]
    j = verb - 1
    while j >= 0:
        t = sent.tokens[j]
        if t.head == verb and (
            t.deprel in CUE_AUXILIARIES
            or (t.deprel == "advmod" and t.upos in ("ADV", "PART") and t.lemma != "how")
            or (t.deprel == "mark" and t.text.lower() == "to")
        ):
            ids.insert(0, j)
            j -= 1
        else:
            break
    nxt = verb + 1
    medium = lexicon().medium_nouns
    for t in sent.children(verb):
        # "said in a statement", "wrote in an email" (PolNeAR cues).
        if t.index > verb and t.deprel.startswith("obl") and t.lemma.lower() in medium:
            span = subtree_ids(sent, t.index)
            if span[0] == nxt and any(sent.tokens[k].lemma == "in" for k in span):
                ids.extend(span)
                nxt = span[-1] + 1
            break
    if nxt < len(sent.tokens) and sent.tokens[nxt].text == ":":
        ids.append(nxt)
    return tuple(ids)


def find_cues(sent: Sentence) -> tuple[CueMatch, ...]:
    """Return every reporting cue of ``sent`` with its source and content."""
    lex = lexicon()
    out: list[CueMatch] = []
    toks = sent.tokens
    for t in toks:
        lemma = t.lemma.lower()
        m: CueMatch | None = None
        if _is_according_to(sent, t):
            m = _according_to(sent, t)
        elif t.upos == "NOUN" and lemma in lex.reporting_nouns:
            m = _noun_cue(sent, t, lex.reporting_nouns[lemma])
        elif t.upos == "VERB" and lemma in lex.reporting_verbs:
            m = _verb_cue(sent, t, lex.reporting_verbs[lemma])
        if m is not None:
            out.append(m)
    return tuple(out)


def _is_according_to(sent: Sentence, t: Token) -> bool:
    """Tell whether ``t`` opens "according to"."""
    nxt = t.index + 1
    return (
        t.text.lower() == ACCORDING_TO[0]
        and nxt < len(sent.tokens)
        and sent.tokens[nxt].text.lower() == ACCORDING_TO[1]
    )


def _noun_clause(sent: Sentence, noun: Token) -> tuple[str, tuple[int, ...]]:
    """Return the rule and words of a reporting noun's that-clause.

    ``noun_that_clause``: the noun's complement clause (``acl``/``ccomp`` marked
    "that"), the usual UD analysis of "the claim *that S*" (a content clause,
    Huddleston and Pullum 2002: 964). ``noun_clause_right_after``: "that" right
    after the noun but the clause hung elsewhere by the parser.
    """
    for c in sent.children(noun.index):
        if c.deprel.split(":")[0] in ("acl", "ccomp") and any(
            g.deprel == "mark" and g.text.lower() == "that" for g in sent.children(c.index)
        ):
            return "noun_that_clause", subtree_ids(sent, c.index)
    nxt = noun.index + 1
    if nxt < len(sent.tokens) and sent.tokens[nxt].text.lower() == "that":
        return "noun_clause_right_after", _clause_right_after(sent, noun.index)
    return "", ()


def _noun_cue(sent: Sentence, noun: Token, entry: ReportingWord) -> CueMatch | None:
    """Read "Trump's claim that S": a reporting noun, its possessor and its that-clause."""
    poss = child(sent, noun.index, ("nmod:poss",))
    if poss is None or poss.upos not in ("PROPN", "NOUN", "PRON"):
        return None
    rule, ids = _noun_clause(sent, noun)
    if not ids:
        return None
    source = contiguous(tuple(k for k in subtree_ids(sent, poss.index)))
    content = contiguous(trim(sent, ids))
    return CueMatch(
        sent.index,
        (noun.index,),
        noun.lemma.lower(),
        entry.stance,
        entry.kind,
        source,
        poss.index,
        content,
        "noun",
        rule,
    )


def _according_to_spans(
    sent: Sentence, according: Token, src: Token
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the source and content words of "according to X" headed by ``src``.

    By the tree: X is the subtree of the preposition's object, the content the
    host clause it modifies. Sentence-initial "According to X, S" and final "S,
    according to X." are read off the commas, whatever the parser made of them.
    """
    toks = sent.tokens
    cue = (according.index, according.index + 1)
    source = contiguous(trim(sent, tuple(i for i in subtree_ids(sent, src.index) if i not in cue)))
    if src.head < 0:
        content = tuple(i for i in range(len(toks)) if i not in source and i not in cue)
    else:
        content = subtree_ids(sent, src.head, exclude=(src.index,))
    content = contiguous(trim(sent, tuple(i for i in content if i not in cue)))
    first = according.index
    if all(t.upos in ("PUNCT", "CCONJ") for t in toks[:first]):
        # Sentence-initial "According to X, S": the first comma after the head
        # ends X, whatever the parser made of the words in between.
        comma = next((t.index for t in toks[src.index :] if t.text == ","), None)
        if comma is not None and comma > src.index:
            source = trim(sent, tuple(range(first + 2, comma)))
            content = trim(sent, tuple(range(comma + 1, len(toks))))
    elif first > 0 and toks[first - 1].text == ",":
        # "S, according to X.": X runs to the next comma or the sentence end.
        end = next((t.index for t in toks[first + 2 :] if t.text in (",", ";")), len(toks))
        source = trim(sent, tuple(range(first + 2, end)))
        if end == len(toks) or toks[end].text == ";":
            content = trim(sent, tuple(range(0, first - 1)))
    return source, content


def _according_to(sent: Sentence, according: Token) -> CueMatch | None:
    """Read "according to X, S": X is the source, the host clause S the content.

    "According to" is a complex preposition (Quirk et al. 1985: 9.11) whose object
    names the source of the clause it modifies.
    """
    src = sent.tokens[according.head] if according.head >= 0 else None
    if src is None or src.index == according.index:
        return None
    source, content = _according_to_spans(sent, according, src)
    if not source or not content:
        return None
    toks = sent.tokens
    heads = [k for k in source if toks[k].head not in source]
    nouns = [k for k in heads if toks[k].upos in ("NOUN", "PROPN", "PRON")]
    src = toks[(nouns or heads or [src.index])[0]]
    return CueMatch(
        sent.index,
        (according.index, according.index + 1),
        "according to",
        "neutral",
        "speech",
        source,
        src.index,
        content,
        "according_to",
        "according_to",
    )


# -- where a reporting verb's content is: the content rules --------------------


@dataclass(frozen=True, slots=True)
class VerbFrame:
    """What the content rules see of one reporting verb.

    ``comp`` is its clausal complement (the first after the verb, else the
    first), unless the parser put it inside the source; ``subj`` its speaker
    argument.
    """

    sent: Sentence
    verb: Token
    entry: ReportingWord
    comps: tuple[Token, ...]
    comp: Token | None
    subj: Token | None


class CueRule(NamedTuple):
    """A named content rule: the words of the verb's content, or ``()``."""

    name: str
    find: Callable[[VerbFrame], tuple[int, ...]]


def ccomp_rule(f: VerbFrame) -> tuple[int, ...]:
    """The clausal complement: "said *that S*" (UD ``ccomp``; Bergler 1992).

    An object before the clause is a misattached subject of it ("said the timing
    of X and the signing of Y was ...") unless the verb takes an addressee
    ("told AFP that ...": ``addressee_verbs``).
    """
    if f.comp is None:
        return ()
    content = subtree_ids(f.sent, f.comp.index)
    obj = child(f.sent, f.verb.index, OBJECTS)
    if (
        obj is not None
        and obj.index < f.comp.index
        and f.verb.lemma not in lexicon().addressee_verbs
    ):
        content = fill(subtree_ids(f.sent, obj.index) + content)
    return content


def parataxis_host_rule(f: VerbFrame) -> tuple[int, ...]:
    """The clause the verb interrupts or follows: "S, officials say", "“...,” he said".

    A parenthetical reporting clause (Quirk et al. 1985: 15.53; UD ``parataxis``
    on the reporting verb) has the reported speech as its host.
    """
    if f.verb.deprel not in REPORTED_HOST or f.verb.head < 0:
        return ()
    return subtree_ids(f.sent, f.verb.head, exclude=(f.verb.index,))


def prepositional_frame_rule(f: VerbFrame) -> tuple[int, ...]:
    """A clause or phrase marked by a preposition of the verb's frame: "accused X *of* Y".

    The lexicon's ``frames`` list the prepositions each verb takes its content
    with (Levin 1993 verb classes); the dependent is ``advcl``, ``obl`` or ``xcomp``.
    """
    preps = f.entry.frames - {"obj", "xcomp"}
    for c in children(f.sent, f.verb.index, ("advcl", "obl", "xcomp")):
        if any(
            g.deprel in ("mark", "case") and g.text.lower() in preps
            for g in f.sent.children(c.index)
        ):
            return subtree_ids(f.sent, c.index)
    return ()


def stray_that_clause_rule(f: VerbFrame) -> tuple[int, ...]:
    """A "that"-clause the parser hung on a nominal dependent: "said last week *that S*"."""
    return _stray_that_clause(f.sent, f.verb.index, f.subj)


def clause_right_after_rule(f: VerbFrame) -> tuple[int, ...]:
    """A finite clause right after a speech verb, hung elsewhere: "began by saying *he would*".

    Speech verbs take a bare content clause ("said he would"; Huddleston and
    Pullum 2002: 951, "that" omitted), which parsers often attach as ``parataxis``.
    """
    if f.entry.kind != "speech":
        return ()
    return _clause_right_after(f.sent, f.verb.index)


def xcomp_rule(f: VerbFrame) -> tuple[int, ...]:
    """An open complement for verbs whose frame has one: "urged X *to resign*" (UD ``xcomp``)."""
    if "xcomp" not in f.entry.frames:
        return ()
    x = child(f.sent, f.verb.index, ("xcomp",))
    return subtree_ids(f.sent, x.index) if x is not None else ()


def that_comma_clause_rule(f: VerbFrame) -> tuple[int, ...]:
    """A clause after "that," the parser took for the object: "added *that, based on X, S*".

    An adverbial between the complementizer and its clause ("pledged that, if
    elected, he would ...") leads parsers to read "that" as a demonstrative
    object and hang the clause elsewhere (``parataxis``, ``advcl``); the
    content is "that" with the clause that starts right after its comma.
    """
    toks = f.sent.tokens
    obj = child(f.sent, f.verb.index, OBJECTS)
    if obj is None or obj.text.lower() != "that" or obj.index + 1 >= len(toks):
        return ()
    if toks[obj.index + 1].text != ",":
        return ()
    for c in f.sent.children(f.verb.index):
        if c.index <= obj.index or c.deprel.split(":")[0] not in MISATTACHED_CLAUSE:
            continue
        if not any(k.deprel in CLAUSE_SUBJECTS for k in f.sent.children(c.index)):
            continue
        ids = subtree_ids(f.sent, c.index)
        if ids[0] in (obj.index + 1, obj.index + 2):
            return fill((obj.index, *ids))
    return ()


def object_rule(f: VerbFrame) -> tuple[int, ...]:
    """The direct object with its companions, for verbs whose frame has one.

    "cited *“hostile actions”*", "described X *as Y*", "reported “2,521
    incidents” *in the city*": the object and its predicative complements or
    prepositional companions, not other adjuncts.
    """
    if "obj" not in f.entry.frames:
        return ()
    obj = child(f.sent, f.verb.index, OBJECTS)
    if obj is None:
        return ()
    keep = [obj.index] + [
        t.index
        for t in f.sent.children(f.verb.index)
        if t.index > obj.index and _object_companion(f.sent, t)
    ]
    return tuple(sorted(k for c in keep for k in subtree_ids(f.sent, c)))


#: The content rules, tried in this order; the first that finds words wins.
VERB_CONTENT_RULES: tuple[CueRule, ...] = (
    CueRule("ccomp", ccomp_rule),
    CueRule("parataxis_host", parataxis_host_rule),
    CueRule("prepositional_frame", prepositional_frame_rule),
    CueRule("stray_that_clause", stray_that_clause_rule),
    CueRule("clause_right_after", clause_right_after_rule),
    CueRule("xcomp", xcomp_rule),
    CueRule("that_comma_clause", that_comma_clause_rule),
    CueRule("object", object_rule),
)
#: ``CueMatch.rule`` of a verb kept without content ("“...,” he added.").
NO_CONTENT = "no_content"
#: The rule whose content is the host clause: its cue has the "parenthetical" form.
HOST_RULE = "parataxis_host"


def verb_content(frame: VerbFrame) -> tuple[str, tuple[int, ...]]:
    """Run :data:`VERB_CONTENT_RULES` in order; return the first rule that fires and its words."""
    for rule in VERB_CONTENT_RULES:
        content = rule.find(frame)
        if content:
            return rule.name, content
    return NO_CONTENT, ()


def _verb_frame(
    sent: Sentence, verb: Token, entry: ReportingWord
) -> tuple[VerbFrame, tuple[int, ...]]:
    """Return the verb's frame and the source words already known.

    "..., a source familiar with the visit told AFP": when the parser took a
    post-verbal addressee for the subject, the noun phrase right before the verb
    is the source.
    """
    i = verb.index
    comps = children(sent, i, CLAUSAL_COMPLEMENTS)
    later = [c for c in comps if c.index > i]
    comp = later[0] if later else (comps[0] if comps else None)
    subj = subject_of(sent, i)
    source: tuple[int, ...] = ()
    pre_np = None
    if subj is not None and subj.index > i and subj.deprel in SUBJECTS:
        pre_np = _pre_verbal_np(sent, i)
    if pre_np is not None:
        subj, source = pre_np
        if comp is not None and comp.index in source:
            comp = None
    return VerbFrame(sent, verb, entry, comps, comp, subj), source


def _verb_source(f: VerbFrame, subj: Token | None, source: tuple[int, ...]) -> tuple[int, ...]:
    """Return the source words of the speaker ``subj``.

    "Morocco, which said ...": the source words are "which", the speaker
    Morocco. "China, Pyongyang's only ally ..., said": an apposition the parser
    made a clause joins the source.
    """
    sent, i = f.sent, f.verb.index
    own = child(sent, i, SUBJECTS)
    if (
        subj is not None
        and own is not None
        and own is not subj
        and own.text.lower() in RELATIVE_PRONOUNS
        and not source
    ):
        source = (own.index,)
    if subj is not None and not source:
        source = source_ids(sent, subj, avoid=(i,))
        two = verb_subjects(sent, i)
        if two.speaker is subj and two.other is not None and two.role != "fronted":
            # "New Jersey Gov. Chris Christie", "Clinton, the former secretary of State,"
            both = source + source_ids(sent, two.other, avoid=(i,))
            source = contiguous(trim(sent, tuple(k for k in fill(both) if k < i)))
        stray = [c for c in f.comps if c is not f.comp and subj.index < c.index < i]
        if stray and source:
            source = fill(source + tuple(k for c in stray for k in subtree_ids(sent, c.index)))
            source = contiguous(trim(sent, tuple(k for k in source if k < i)))
    return source


def _clean_content(
    sent: Sentence,
    content: tuple[int, ...],
    source: tuple[int, ...],
    cue: tuple[int, ...],
    form: CueForm,
) -> tuple[int, ...]:
    """Take the source and cue out of a content and trim it to one contiguous span.

    A parenthetical's host keeps its gap (the cue) filled; a governed content
    keeps its longest run of words.
    """
    content = trim(sent, tuple(c for c in content if c not in source))
    content = contiguous(content) if form == "verb" else fill(content)
    content = tuple(c for c in content if c not in cue and c not in source)
    return lead_trim(sent, contiguous(trim(sent, content)))


def _fronted_subject(
    sent: Sentence, verb: int, subj: Token | None, content: tuple[int, ...]
) -> tuple[int, ...]:
    """Return the words of the content's fronted subject the parser gave ``verb``, if any.

    "*The company's struggle*, analysts say, reflects ...": of the verb's two
    subjects the speaker is the one next to it (:func:`verb_subjects`); the
    other begins the content.
    """
    two = verb_subjects(sent, verb)
    if two.role != "fronted" or two.other is None or two.speaker is not subj or not content:
        return ()
    ids = trim(sent, subtree_ids(sent, two.other.index))
    return ids if ids and ids[-1] < min(content) else ()


def _verb_cue(sent: Sentence, verb: Token, entry: ReportingWord) -> CueMatch | None:
    """Read a reporting verb: its speaker, then its content by the first rule that fires.

    A verb with no content is kept only for speech and writing ("“...,” he
    added."): it may introduce a quotation found later.
    """
    frame, source = _verb_frame(sent, verb, entry)
    rule, content = verb_content(frame)
    form: CueForm = "parenthetical" if rule == HOST_RULE else "verb"
    if content and form == "verb":
        content = fill(content + _stranded_conjuncts(sent, verb, content))
    fronted = _fronted_subject(sent, verb.index, frame.subj, content)
    if not content and entry.kind not in BARE_CUE_KINDS:
        return None
    subj = frame.subj
    if subj is not None and subj.index in content:
        subj, source = None, ()
    source = _verb_source(frame, subj, source)
    cue = cue_ids(sent, verb.index)
    if content:
        content = _clean_content(sent, content, source, cue, form)
    if fronted and content:
        # "X's investment, Ms. Tanzer said, is ...": the verb and its speaker
        # interrupt the content, which runs from the fronted subject on.
        content = tuple(range(fronted[0], max(content[-1], fronted[-1]) + 1))
        form = "parenthetical"
    return CueMatch(
        sent.index,
        cue,
        verb.lemma,
        entry.stance,
        entry.kind,
        source,
        subj.index if subj is not None else None,
        content,
        form,
        rule,
    )
