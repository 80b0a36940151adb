"""Token features for the learned attribution model, read off the project's own parse.

Every feature is a small categorical id (embedded by :mod:`.network`):

- per word of the document (:func:`document_features`): the word (the
  bundled GloVe vocabulary), its lemma (the model's own vocabulary), UPOS,
  dependency relation, head direction and distance, shape, lexicon class
  (reporting verb kind, reporting noun, "according", medium noun) of the word
  and of its head, quotation state, place of its sentence in the paragraph, and
  the rule engine's own output (rule cue B/I, rule source, rule content kind),
  so the model starts from the rules and learns the corpus conventions;
- per word of a window around one cue (:func:`window_features`): whether it is
  in the cue, its sentence and word distance to the cue, its dependency relation
  to the cue's head (the branch under the cue that holds it, the branch under
  the cue's governor, or an ancestor: the SRL view of attribution of Pareti
  2016), the cue head's own relation, and whether the rules gave it to this cue
  as content or source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import torch

from attribution.extract.common import Context, Draft
from attribution.extract.learned import cue_head
from attribution.lexicon import lexicon
from attribution.types import Sentence, Token

#: Universal POS tags (UD v2), in a fixed order.
UPOS = "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
_UPOS_IDS = {tag: i + 1 for i, tag in enumerate(UPOS)}
#: Reporting-word kinds of ``reporting_verbs.tsv`` (ids 1..5 of the lexicon channel).
VERB_KINDS = ("speech", "writing", "thought", "perception", "intention")
#: Document channels, in order.
DOC_CHANNELS = (
    "word",
    "lemma",
    "upos",
    "deprel",
    "head",
    "shape",
    "lex",
    "head_lex",
    "quote",
    "para",
    "rule_cue",
    "rule_source",
    "rule_content",
)
#: Window channels added to the document channels for the argument tagger.
WINDOW_CHANNELS = ("in_cue", "rel_sent", "rel_pos", "tree", "cue_deprel", "rule_link", "same_para")
#: Document channels the argument head reads again (beside the cue tagger's states).
HEAD_DOC_CHANNELS = ("upos", "deprel", "lex", "quote", "rule_cue", "rule_source", "rule_content")
#: The argument head's channels, and their columns in a window row.
HEAD_CHANNELS = HEAD_DOC_CHANNELS + WINDOW_CHANNELS
HEAD_DOC_COLUMNS = tuple(DOC_CHANNELS.index(c) for c in HEAD_DOC_CHANNELS)
HEAD_COLUMNS = HEAD_DOC_COLUMNS + tuple(len(DOC_CHANNELS) + i for i in range(len(WINDOW_CHANNELS)))
#: Sentences on each side of the cue's sentence an argument window may hold (the
#: ``rel_sent`` ids), and the window the head was trained on.
WINDOW_SENTENCES = 3
#: Words at most on each side of the cue in a training window.
WINDOW_WORDS = 160
#: The window the head reads at run time: the training window's three sentences, 80
#: words either side. On PolNeAR dev content exact F1 60.0 against 59.9 for two
#: sentences and 100 words (held out 60.6 against 60.2; source, cue and quote figures
#: within 0.1) for 12% more window words; 60 words lost content (dev 59.7).
RUN_WINDOW = (3, 80)
TRAIN_WINDOW = (WINDOW_SENTENCES, WINDOW_WORDS)
_QUOTE_CHARS = frozenset("\"“”„‟«»'‘’")
_KIND_IDS = {"direct": 1, "partial": 2, "indirect": 3, "according_to": 4}
_DISTANCE_EDGES = (1, 2, 4, 8)
#: Words whose codes a :class:`Vocab` remembers (emptied when full).
CODES_MEMO = 50_000
#: :func:`_shape`'s id of a word made of quote marks.
_QUOTE_SHAPE = 6
_REL_EDGES = (1, 2, 3, 5, 8, 13, 21, 40)


@dataclass(frozen=True, slots=True)
class Vocab:
    """The model's string vocabularies (id 0 unknown/padding); stored with the weights."""

    words: Mapping[str, int]
    lemmas: Mapping[str, int]
    deprels: Mapping[str, int]
    #: :meth:`word_codes` remembered, by (text, lemma, UPOS).
    _codes: dict[tuple[str, str, str], tuple[int, int, int, int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def word_codes(self, tok: Token) -> tuple[int, int, int, int, int]:
        """Return the channels a word's text, lemma and tag decide: word, lemma, upos,
        shape and lexicon class (remembered: most words of an article recur)."""
        key = (tok.text, tok.lemma, tok.upos)
        codes = self._codes.get(key)
        if codes is None:
            if len(self._codes) >= CODES_MEMO:
                self._codes.clear()
            lemma = tok.lemma.lower()
            codes = (
                self.words.get(tok.text.lower(), 1),
                self.lemmas.get(lemma, 0),
                _UPOS_IDS.get(tok.upos, 0),
                _shape(tok.text),
                _lex_code(lemma, tok.upos),
            )
            self._codes[key] = codes
        return codes

    @classmethod
    def of(
        cls,
        words: Sequence[str],
        lemmas: Sequence[str],
        deprels: Sequence[str],
        index: Mapping[str, int] | None = None,
    ) -> Vocab:
        """Build from lists whose position is the id (position 0 is reserved); ``index``:
        the words' id map already built (the shared word vectors')."""
        return cls(
            index if index is not None else {w: i for i, w in enumerate(words)},
            {w: i for i, w in enumerate(lemmas)},
            {w: i for i, w in enumerate(deprels)},
        )


def channel_sizes(vocab: Vocab, words: int) -> dict[str, int]:
    """Return the number of ids of each channel (the embedding table sizes)."""
    deprels = max(vocab.deprels.values(), default=0) + 1
    return {
        "word": words,
        "lemma": max(vocab.lemmas.values(), default=0) + 1,
        "upos": len(UPOS) + 1,
        "deprel": deprels,
        "head": 2 * len(_DISTANCE_EDGES) + 3,
        "shape": 7,
        "lex": len(VERB_KINDS) + 4,
        "head_lex": len(VERB_KINDS) + 4,
        "quote": 3,
        "para": 8,
        "rule_cue": 3,
        "rule_source": 2,
        "rule_content": len(_KIND_IDS) + 1,
        "in_cue": 2,
        "rel_sent": 2 * WINDOW_SENTENCES + 1,
        "rel_pos": 2 * len(_REL_EDGES) + 3,
        "tree": 2 * deprels + 4,
        "cue_deprel": deprels,
        "rule_link": 3,
        "same_para": 2,
    }


def _bucket(n: int, edges: Sequence[int]) -> int:
    for i, edge in enumerate(edges):
        if n <= edge:
            return i
    return len(edges)


def _signed(n: int, edges: Sequence[int]) -> int:
    """Map a signed distance to an id: 0 for 0, then left and right buckets."""
    if n == 0:
        return 0
    b = _bucket(abs(n), edges) + 1
    return b if n < 0 else b + len(edges) + 1


@cache
def _rel_code(n: int) -> int:
    """:func:`_signed` over :data:`_REL_EDGES`, remembered (called for every window word)."""
    return _signed(n, _REL_EDGES)


@lru_cache(maxsize=1 << 16)
def _shape(text: str) -> int:
    if not text:
        return 0
    if all(ch in _QUOTE_CHARS for ch in text):
        return _QUOTE_SHAPE
    if text.isdigit():
        return 4
    if not any(ch.isalnum() for ch in text):
        return 5
    if text.isupper() and len(text) > 1:
        return 3
    if text[0].isupper():
        return 2
    return 1


@lru_cache(maxsize=1 << 16)
def _lex_code(lemma: str, upos: str) -> int:
    """The lexicon class of a lemma with its tag (see the module docstring), remembered."""
    lex = lexicon()
    if upos in ("VERB", "AUX") and lemma in lex.reporting_verbs:
        return 1 + VERB_KINDS.index(lex.reporting_verbs[lemma].kind)
    if upos == "NOUN" and lemma in lex.reporting_nouns:
        return len(VERB_KINDS) + 1
    if lemma == "according":
        return len(VERB_KINDS) + 2
    if lemma in lex.medium_nouns:
        return len(VERB_KINDS) + 3
    return 0


def _head_code(tok: Token) -> int:
    return 0 if tok.head < 0 else _head_offset_code(tok.head - tok.index)


@cache
def _head_offset_code(d: int) -> int:
    """The head's direction and distance bucket for a head ``d`` words away, remembered."""
    b = _bucket(abs(d), _DISTANCE_EDGES)
    return 1 + b if d < 0 else 2 + len(_DISTANCE_EDGES) + b


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """The document channels of every word, and where each sentence starts in them."""

    rows: tuple[tuple[int, ...], ...]
    sentence_offsets: tuple[int, ...]
    paragraph_of_sentence: tuple[int, ...]
    #: The sentence of every word, by its document-wide index.
    sentence_of_word: tuple[int, ...]


def _para_codes(ctx: Context) -> tuple[list[int], list[int]]:
    """Return each sentence's paragraph index and its position code (first of article: +4)."""
    paras: list[int] = []
    codes: list[int] = []
    last, count = -1, 0
    for k, sent in enumerate(ctx.doc.sentences):
        p = ctx.para_of(sent.start)
        count = count + 1 if p == last else 0
        last = p
        paras.append(p)
        codes.append(min(count, 3) + (4 if k == 0 else 0))
    return paras, codes


def _rule_marks(ctx: Context, drafts: Iterable[Draft]) -> dict[int, list[int]]:
    """Return, by word start offset, the rule channels [cue, source, content] of each word."""
    words = ctx.where.words
    marks: dict[int, list[int]] = {}
    for d in drafts:
        att = d.attribution
        kind = _KIND_IDS.get(att.kind, 0)
        spans = [(att.content.start, att.content.end, 2, kind)]
        if att.source is not None:
            spans.append((att.source.start, att.source.end, 1, 1))
        if att.cue is not None:
            spans.append((att.cue.span.start, att.cue.span.end, 0, 2))
        for start, end, channel, value in spans:
            first = True
            for i in _word_range(ctx, start, end):
                row = marks.setdefault(words[i].start, [0, 0, 0])
                if channel == 0:
                    row[0] = 1 if first else max(row[0], value)
                elif row[channel] == 0:
                    row[channel] = value
                first = False
    return marks


def _word_range(ctx: Context, start: int, end: int) -> range:
    import bisect

    w = ctx.where
    i = bisect.bisect_left(w.word_starts, start)
    j = bisect.bisect_left(w.word_starts, end)
    return range(i, j)


def document_features(ctx: Context, drafts: Sequence[Draft], vocab: Vocab) -> DocFeatures:
    """Compute the document channels of every word (in :data:`DOC_CHANNELS` order)."""
    paras, codes = _para_codes(ctx)
    marks = _rule_marks(ctx, drafts)
    rows: list[tuple[int, ...]] = []
    offsets: list[int] = []
    deprels, no_rule = vocab.deprels, (0, 0, 0)
    for k, sent in enumerate(ctx.doc.sentences):
        offsets.append(len(rows))
        static = [vocab.word_codes(tok) for tok in sent.tokens]
        for tok, (word, lemma, upos, shape, lex) in zip(sent.tokens, static, strict=True):
            rule = marks.get(tok.start, no_rule)
            rows.append(
                (
                    word,
                    lemma,
                    upos,
                    deprels.get(tok.deprel, 0),
                    _head_code(tok),
                    shape,
                    lex,
                    static[tok.head][4] if tok.head >= 0 else 0,
                    2 if shape == _QUOTE_SHAPE else 1 if ctx.in_quotation(tok) else 0,
                    codes[k],
                    rule[0],
                    rule[1],
                    rule[2],
                )
            )
    owners = tuple(k for k, s in enumerate(ctx.doc.sentences) for _ in s.tokens)
    return DocFeatures(tuple(rows), tuple(offsets), tuple(paras), owners)


# -- windows around one cue ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CueSite:
    """A cue to find the source and content of: its sentence and word indices."""

    sentence: int
    words: tuple[int, ...]

    @property
    def head(self) -> int:
        return self.words[0]


def _path_up(sent: Sentence, i: int) -> list[int]:
    out = [i]
    seen = {i}
    h = sent.tokens[i].head
    while h >= 0 and h not in seen:
        out.append(h)
        seen.add(h)
        h = sent.tokens[h].head
    return out


def _tree_codes(sent: Sentence, head: int, deprels: Mapping[str, int]) -> list[int]:
    """Return each word's relation to the cue head (see the module docstring).

    Each word's branch under the head (and under the head's governor) is found
    once for the sentence, every word on a path up taking the answer of the
    first word above it already answered (:func:`_branches`).
    """
    size = max(deprels.values(), default=0) + 1
    tokens = sent.tokens
    governor = tokens[head].head
    ancestors = set(_path_up(sent, head)[1:])
    under_head = _branches(sent, head)
    under_governor = _branches(sent, governor) if governor >= 0 else None
    codes: list[int] = []
    for i in range(len(tokens)):
        if i == head:
            codes.append(1)
        elif i in ancestors and i != governor:
            codes.append(2)
        elif i == governor:
            codes.append(3)
        elif under_head[i] >= 0:
            codes.append(4 + deprels.get(tokens[under_head[i]].deprel, 0))
        elif under_governor is not None and under_governor[i] >= 0:
            codes.append(4 + size + deprels.get(tokens[under_governor[i]].deprel, 0))
        else:
            codes.append(0)
    return codes


def _branches(sent: Sentence, top: int) -> list[int]:
    """Return, for each word, the child of ``top`` whose subtree holds it (-1: none, and
    for ``top`` itself). A path that loops without meeting ``top`` holds none."""
    tokens = sent.tokens
    unknown = -2
    below = [unknown] * len(tokens)
    for i in range(len(tokens)):
        path: list[int] = []
        j = i
        while j >= 0 and j != top and below[j] == unknown and len(path) <= len(tokens):
            path.append(j)
            j = tokens[j].head
        if j == top and path:
            value = path[-1]
        elif j >= 0 and j != top and below[j] != unknown:
            value = below[j]
        else:
            value = -1
        for k in path:
            below[k] = value
    if 0 <= top < len(below):
        below[top] = -1
    return below


@dataclass(frozen=True, slots=True)
class Window:
    """The words an argument tagger reads for one cue: global word indices and their rows."""

    first: int
    rows: tuple[tuple[int, ...], ...]


def window_bounds(
    doc_feats: DocFeatures, ctx: Context, site: CueSite, size: tuple[int, int] = RUN_WINDOW
) -> tuple[int, int]:
    """Return the [first, last) global word indices of the window around ``site``.

    ``size``: sentences and words at most on each side of the cue.
    """
    sentences, words = size
    sents = ctx.doc.sentences
    lo_s = max(0, site.sentence - sentences)
    hi_s = min(len(sents) - 1, site.sentence + sentences)
    first = doc_feats.sentence_offsets[lo_s]
    last = doc_feats.sentence_offsets[hi_s] + len(sents[hi_s].tokens)
    cue_at = doc_feats.sentence_offsets[site.sentence] + site.words[0]
    cue_end = doc_feats.sentence_offsets[site.sentence] + site.words[-1]
    return max(first, cue_at - words), min(last, cue_end + words + 1)


def window_features(
    doc_feats: DocFeatures,
    ctx: Context,
    site: CueSite,
    vocab: Vocab,
    rule_link: Mapping[int, int],
    doc_columns: Sequence[int] | None = None,
    size: tuple[int, int] = RUN_WINDOW,
) -> Window:
    """Return the window rows: document channels plus :data:`WINDOW_CHANNELS`.

    ``rule_link`` maps global word indices to 1 (content of the rule attribution
    with this cue) or 2 (its source). ``doc_columns``: only these document
    channels (by position), as the argument head reads them (:data:`HEAD_DOC_COLUMNS`).
    ``size``: the window (:data:`RUN_WINDOW`; training uses :data:`TRAIN_WINDOW`).
    """
    first, last = window_bounds(doc_feats, ctx, site, size)
    sent = ctx.doc.sentences[site.sentence]
    head = cue_head(sent, site.words)
    tree = _tree_codes(sent, head, vocab.deprels)
    base = doc_feats.sentence_offsets[site.sentence]
    cue_global = {base + i for i in site.words}
    cue_lo, cue_hi = min(cue_global), max(cue_global)
    cue_deprel = vocab.deprels.get(sent.tokens[head].deprel, 0)
    para = doc_feats.paragraph_of_sentence[site.sentence]
    sentence_of = doc_feats.sentence_of_word
    rows: list[tuple[int, ...]] = []
    for g in range(first, last):
        k = sentence_of[g]
        rel = g - cue_lo if g < cue_lo else max(0, g - cue_hi)
        same = k == site.sentence
        doc_row = doc_feats.rows[g]
        rows.append(
            (doc_row if doc_columns is None else tuple(doc_row[c] for c in doc_columns))
            + (
                1 if g in cue_global else 0,
                k - site.sentence + WINDOW_SENTENCES,
                _rel_code(rel),
                tree[g - base] if same else 0,
                cue_deprel,
                rule_link.get(g, 0),
                1 if doc_feats.paragraph_of_sentence[k] == para else 0,
            )
        )
    return Window(first, tuple(rows))


# -- the same windows as tensors, for the run-time path ---------------------------------

#: Word distances the ``rel_pos`` table covers (farther ones take its last bucket).
_REL_SPAN = 4096


@dataclass(frozen=True, slots=True)
class DocTensors:
    """A document's head columns and word positions as tensors, built once per document."""

    head_rows: torch.Tensor
    sentence_of_word: torch.Tensor
    paragraph_of_word: torch.Tensor

    @classmethod
    def of(cls, feats: DocFeatures) -> DocTensors:
        every = np.array(feats.rows, dtype=np.int64).reshape(len(feats.rows), len(DOC_CHANNELS))
        rows = np.ascontiguousarray(every[:, list(HEAD_DOC_COLUMNS)])
        sentences = torch.tensor(feats.sentence_of_word, dtype=torch.long)
        paras = torch.tensor(feats.paragraph_of_sentence, dtype=torch.long)
        return cls(
            torch.from_numpy(rows),
            sentences,
            paras[sentences] if len(sentences) else sentences,
        )


@cache
def _rel_table() -> np.ndarray:
    return np.array([_rel_code(d) for d in range(-_REL_SPAN, _REL_SPAN + 1)], dtype=np.int64)


def window_tensor(
    feats: DocFeatures,
    tensors: DocTensors,
    ctx: Context,
    site: CueSite,
    vocab: Vocab,
    rule_link: Mapping[int, int],
    size: tuple[int, int] = RUN_WINDOW,
) -> tuple[int, torch.Tensor]:
    """Return the window's first word and its head rows as a tensor (words x head channels).

    The same ids as :func:`window_features` with ``doc_columns=HEAD_DOC_COLUMNS``
    (``tests/test_learned.py`` checks it), computed with array operations
    (NumPy: a window's few small operations cost less there than as torch calls)
    instead of a Python loop over the window's words.
    """
    first, last = window_bounds(feats, ctx, site, size)
    sent = ctx.doc.sentences[site.sentence]
    head = cue_head(sent, site.words)
    base = feats.sentence_offsets[site.sentence]
    lo, hi = base + min(site.words), base + max(site.words)
    g = np.arange(first, last)
    k = tensors.sentence_of_word.numpy()[first:last]
    doc = tensors.head_rows.size(1)
    out = np.zeros((last - first, doc + len(WINDOW_CHANNELS)), dtype=np.int64)
    out[:, :doc] = tensors.head_rows.numpy()[first:last]
    out[:, doc] = (g >= lo) & (g <= hi)
    out[:, doc + 1] = k - site.sentence + WINDOW_SENTENCES
    rel = np.where(g < lo, g - lo, np.maximum(g - hi, 0)).clip(-_REL_SPAN, _REL_SPAN)
    out[:, doc + 2] = _rel_table()[rel + _REL_SPAN]
    same = np.flatnonzero(k == site.sentence)
    codes = np.array(_tree_codes(sent, head, vocab.deprels), dtype=np.int64)
    out[same, doc + 3] = codes[g[same] - base]
    out[:, doc + 4] = vocab.deprels.get(sent.tokens[head].deprel, 0)
    for word, value in rule_link.items():
        if first <= word < last:
            out[word - first, doc + 5] = value
    para = feats.paragraph_of_sentence[site.sentence]
    out[:, doc + 6] = tensors.paragraph_of_word.numpy()[first:last] == para
    return first, torch.from_numpy(out)
