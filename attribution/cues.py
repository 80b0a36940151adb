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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from attribution.records import Stance
from attribution.resources import load_tsv
from attribution.types import Sentence, Token

CueKind = Literal["speech", "writing", "thought", "perception", "intention"]

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
ACCORDING_TO = ("according", "to")
#: Head nouns of "in a statement"-like phrases that belong to the cue.
MEDIUM_NOUNS = frozenset(
    {"statement", "interview", "email", "e-mail", "tweet", "post", "letter", "speech", "release"}
    | {"op-ed", "video", "memo", "essay", "column", "message", "blog", "book", "filing"}
)
#: Dependents of a source head that are not part of the source noun phrase.
NOT_IN_SOURCE = frozenset({"obl", "advmod", "advcl", "parataxis", "dep", "discourse", "vocative"})
#: Prepositions of an adjunct that completes an object content ("as", "in", "of" ...).
OBJECT_COMPANION_PREPS = frozenset({"as", "to", "of", "for", "with", "about", "in", "between"})
#: Prepositions that complete an object only when their noun is not a time ("a deal *on
#: oil*", not "a deal *on Monday*"): with "on" the parser often hangs the topic of an
#: announced object from the verb.
TOPIC_PREPS = frozenset({"on"})
#: Days of the week, heads of time adjuncts the parser may take for arguments.
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
#: Head words of time adjuncts ("on Monday", "on 3 May").
TIME_HEADS = WEEKDAYS | frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august"}
    | {"september", "october", "november", "december", "day", "morning", "afternoon"}
    | {"evening", "night", "weekend", "occasion", "eve", "date", "anniversary"}
)
#: Nouns of saying that take a that-clause ("Trump's *claim* that ...").
NOUN_CUES = frozenset(
    {"claim", "assertion", "allegation", "statement", "argument", "contention", "suggestion"}
    | {"insistence", "belief", "warning", "promise", "pledge", "charge", "accusation", "view"}
    | {"announcement", "remark", "comment", "prediction", "admission", "denial", "assurance"}
)
#: Word classes a stray "that"-clause may hang from.
NOMINAL = frozenset({"NOUN", "PROPN", "NUM", "PRON"})
#: Verbs whose object is the addressee, not part of the content ("told AFP that").
ADDRESSEE_VERBS = frozenset(
    {"tell", "ask", "inform", "warn", "remind", "assure", "urge", "notify", "convince", "email"}
)
#: Dependents before the verb that belong to the cue ("has said", "would not comment").
CUE_AUXILIARIES = frozenset({"aux", "aux:pass"})
#: Verbs of these kinds are kept without a content: "“...,” he added."
BARE_CUE_KINDS = frozenset({"speech", "writing"})


@dataclass(frozen=True, slots=True)
class Verb:
    """One reporting-verb lexicon entry."""

    lemma: str
    stance: Stance
    kind: CueKind
    frames: frozenset[str] = frozenset()


@cache
def reporting_verbs() -> dict[str, Verb]:
    """Load ``reporting_verbs.tsv`` (lemma, stance, kind, frames) once."""
    out: dict[str, Verb] = {}
    for row in load_tsv("reporting_verbs.tsv"):
        lemma, stance, kind, frames = (row + ("neutral", "speech", "-"))[:4]
        fr = frozenset(f for f in frames.split(",") if f and f != "-")
        out[lemma] = Verb(lemma, stance, kind, fr)  # type: ignore[arg-type]
    return out


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A reporting cue in one sentence with its source and content word sets.

    Indices are word indices within ``sentence``. ``content`` is empty when the
    content is not in this sentence (a quotation in the sentence before).
    """

    sentence: int
    cue: tuple[int, ...]
    lemma: str
    stance: Stance
    kind: CueKind
    source: tuple[int, ...]
    source_head: int | None
    content: tuple[int, ...]
    form: Literal["verb", "according_to", "parenthetical"]


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


def subject_of(sent: Sentence, verb: int) -> Token | None:
    """Find the speaker argument of a reporting verb.

    Subject first (pre- or post-verbal: inversion), then the passive agent
    ("by X"), then, for a participle adjunct, a conjunct or an open complement,
    the subject of the governing verb; a relative pronoun is replaced by the
    noun its clause modifies ("Morocco, *which* said ...").
    """
    seen: set[int] = set()
    i = verb
    while i >= 0 and i not in seen:
        seen.add(i)
        tok = sent.tokens[i]
        subj = child(sent, i, SUBJECTS)
        if subj is None:
            agent = child(sent, i, AGENTS)
            if agent is None:
                for t in children(sent, i, ("obl",)):
                    if any(c.deprel == "case" and c.lemma == "by" for c in sent.children(t.index)):
                        agent = t
                        break
            subj = agent
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
        if marks & TOPIC_PREPS and t.upos != "NUM" and t.lemma.lower() not in TIME_HEADS:
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
        t.index for t in sent.children(head.index) if t.deprel.split(":")[0] in NOT_IN_SOURCE
    }
    ids = subtree_ids(sent, head.index, exclude=skip)
    ids = tuple(
        i
        for i in ids
        if not (sent.tokens[i].deprel == "case" and sent.tokens[i].head == head.index)
    )
    return contiguous(trim(sent, ids))


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
    for t in sent.children(verb):
        # "said in a statement", "wrote in an email" (PolNeAR cues).
        if t.index > verb and t.deprel.startswith("obl") and t.lemma.lower() in MEDIUM_NOUNS:
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
    verbs = reporting_verbs()
    out: list[CueMatch] = []
    toks = sent.tokens
    for t in toks:
        low = t.text.lower()
        if (
            low == "according"
            and t.index + 1 < len(toks)
            and toks[t.index + 1].text.lower() == "to"
        ):
            m = _according_to(sent, t)
            if m is not None:
                out.append(m)
            continue
        if t.upos == "NOUN" and t.lemma.lower() in NOUN_CUES:
            m = _noun_cue(sent, t)
            if m is not None:
                out.append(m)
            continue
        if t.upos not in ("VERB",) or t.lemma.lower() not in verbs:
            continue
        entry = verbs[t.lemma.lower()]
        m = _verb_cue(sent, t, entry)
        if m is not None:
            out.append(m)
    return tuple(out)


def _noun_cue(sent: Sentence, noun: Token) -> CueMatch | None:
    """Read "Trump's claim that S": a reporting noun, its possessor and its that-clause."""
    clause = next(
        (
            c
            for c in sent.children(noun.index)
            if c.deprel.split(":")[0] in ("acl", "ccomp")
            and any(g.deprel == "mark" and g.text.lower() == "that" for g in sent.children(c.index))
        ),
        None,
    )
    poss = child(sent, noun.index, ("nmod:poss",))
    if poss is None or poss.upos not in ("PROPN", "NOUN", "PRON"):
        return None
    if clause is not None:
        ids = subtree_ids(sent, clause.index)
    elif noun.index + 1 < len(sent.tokens) and sent.tokens[noun.index + 1].text.lower() == "that":
        ids = _clause_right_after(sent, noun.index)  # the clause hung elsewhere
    else:
        ids = ()
    if not ids:
        return None
    source = contiguous(tuple(k for k in subtree_ids(sent, poss.index)))
    content = contiguous(trim(sent, ids))
    stance = reporting_verbs().get(noun.lemma.lower())
    return CueMatch(
        sent.index,
        (noun.index,),
        noun.lemma.lower(),
        stance.stance if stance else "neutral",
        "speech",
        source,
        poss.index,
        content,
        "verb",
    )


def _according_to(sent: Sentence, according: Token) -> CueMatch | None:
    """Read "according to X, S": X is the source, the host clause S the content."""
    src = sent.tokens[according.head] if according.head >= 0 else None
    if src is None or src.index == according.index:
        return None
    cue = (according.index, according.index + 1)
    source = tuple(i for i in subtree_ids(sent, src.index) if i not in cue)
    source = contiguous(trim(sent, source))
    host = src.head
    if host < 0:
        content = tuple(i for i in range(len(sent.tokens)) if i not in source and i not in cue)
    else:
        content = subtree_ids(sent, host, exclude=(src.index,))
    content = contiguous(trim(sent, tuple(i for i in content if i not in cue)))
    toks = sent.tokens
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
    if not source or not content:
        return None
    heads = [k for k in source if toks[k].head not in source]
    nouns = [k for k in heads if toks[k].upos in ("NOUN", "PROPN", "PRON")]
    src = toks[(nouns or heads or [src.index])[0]]
    return CueMatch(
        sent.index,
        cue,
        "according to",
        "neutral",
        "speech",
        source,
        src.index,
        content,
        "according_to",
    )


def _verb_cue(sent: Sentence, verb: Token, entry: Verb) -> CueMatch | None:
    i = verb.index
    content: tuple[int, ...] = ()
    form: Literal["verb", "according_to", "parenthetical"] = "verb"
    comps = children(sent, i, CLAUSAL_COMPLEMENTS)
    later = [c for c in comps if c.index > i]
    comp = later[0] if later else (comps[0] if comps else None)
    subj = subject_of(sent, i)
    pre_np = None
    if subj is not None and subj.index > i and subj.deprel in SUBJECTS:
        pre_np = _pre_verbal_np(sent, i)
    source: tuple[int, ...] = ()
    if pre_np is not None:
        # "..., a source familiar with the visit told AFP": the parser took the
        # addressee for the subject; the noun phrase before the verb is the source.
        subj, source = pre_np
        if comp is not None and comp.index in source:
            comp = None
    if comp is not None:
        content = subtree_ids(sent, comp.index)
        obj = child(sent, i, OBJECTS)
        if obj is not None and obj.index < comp.index and verb.lemma not in ADDRESSEE_VERBS:
            # "said the timing of X and the signing of Y was ...": a misattached subject.
            content = fill(subtree_ids(sent, obj.index) + content)
    elif verb.deprel in REPORTED_HOST and verb.head >= 0:
        # "S, officials say" / "“...,” he said": the host clause is the content.
        host = verb.head
        content = subtree_ids(sent, host, exclude=(i,))
        form = "parenthetical"
    else:
        preps = entry.frames - {"obj", "xcomp"}
        for c in children(sent, i, ("advcl", "obl", "xcomp")):
            if any(
                g.deprel in ("mark", "case") and g.text.lower() in preps
                for g in sent.children(c.index)
            ):
                content = subtree_ids(sent, c.index)
                break
    if not content:
        content = _stray_that_clause(sent, i, subj)
    if not content and entry.kind == "speech":
        content = _clause_right_after(sent, i)
    if not content and "xcomp" in entry.frames:
        x = child(sent, i, ("xcomp",))
        if x is not None:
            content = subtree_ids(sent, x.index)
    if not content and "obj" in entry.frames:
        obj = child(sent, i, OBJECTS)
        if obj is not None:
            # The object with its predicative complements ("described X *as Y*",
            # "reported “2,521 incidents” *in the city*"), not other adjuncts.
            keep = [obj.index] + [
                t.index
                for t in sent.children(i)
                if t.index > obj.index and _object_companion(sent, t)
            ]
            content = tuple(sorted(k for c in keep for k in subtree_ids(sent, c)))
    if content and form == "verb":
        content = fill(content + _stranded_conjuncts(sent, verb, content))
    if not content and entry.kind not in BARE_CUE_KINDS:
        # A speech verb without content may still introduce a quotation found later.
        return None
    if subj is not None and subj.index in content:
        subj, source = None, ()
    own = child(sent, i, SUBJECTS)
    if (
        subj is not None
        and own is not None
        and own is not subj
        and own.text.lower() in RELATIVE_PRONOUNS
        and not source
    ):
        # "Morocco, which said ...": the source words are "which", the speaker Morocco.
        source = (own.index,)
    if subj is not None and not source:
        source = source_ids(sent, subj, avoid=(i,))
        stray = [c for c in comps if c is not comp and subj.index < c.index < i]
        if stray and source:
            # "China, Pyongyang's only ally ..., said": an apposition parsed as a clause.
            source = fill(source + tuple(k for c in stray for k in subtree_ids(sent, c.index)))
            source = contiguous(trim(sent, tuple(k for k in source if k < i)))
    cue = cue_ids(sent, i)
    if content:
        content = trim(sent, tuple(c for c in content if c not in source))
        content = contiguous(content) if form == "verb" else fill(content)
        content = tuple(c for c in content if c not in cue and c not in source)
        content = lead_trim(sent, contiguous(trim(sent, content)))
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
    )
