"""The fast parser decoder returns exactly what Stanza's own decoder returns."""

from __future__ import annotations

import numpy as np
import pytest
from stanza.models.common import chuliu_edmonds as chuliu

from attribution.nlp.fast_decode import _arc_label_scores, find_cycles, mst_one_root


def _as_sets(cycles: list[np.ndarray]) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(c).tolist()) for c in cycles}


def _arc_log_probs(rng: np.random.Generator, n: int, sharpness: float) -> np.ndarray:
    """Return a parser-like (n+1) x (n+1) matrix: row d holds log P(head | d), no self arcs."""
    scores = rng.normal(size=(n + 1, n + 1)) * sharpness
    np.fill_diagonal(scores, -np.inf)
    return scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)


def test_find_cycles_matches_tarjan_on_random_head_arrays() -> None:
    rng = np.random.default_rng(0)
    for n in range(1, 40):
        for _ in range(20):
            tree = np.concatenate(([0], rng.integers(0, n + 1, size=n)))
            assert _as_sets(find_cycles(tree)) == _as_sets(chuliu.tarjan(tree))


def test_find_cycles_sees_the_example_in_stanzas_docstring() -> None:
    assert _as_sets(find_cycles(np.array([0, 3, 1, 2]))) == {frozenset({1, 2, 3})}
    assert find_cycles(np.array([0, 2, 0, 4, 2, 2])) == []


@pytest.mark.parametrize("sharpness", [0.5, 3.0, 10.0])
def test_mst_one_root_matches_stanza_on_random_scores(sharpness: float) -> None:
    rng = np.random.default_rng(int(sharpness * 10))
    greedy_trees = 0
    for n in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89] * 6:
        scores = _arc_log_probs(rng, n, sharpness)
        ours = mst_one_root(scores)
        theirs = chuliu.chuliu_edmonds_one_root(scores)
        assert ours.tolist() == theirs.tolist()
        assert np.count_nonzero(ours[1:] == 0) == 1
        greedy_trees += int(ours[1:].tolist() == np.argmax(scores[1:], axis=1).tolist())
    assert greedy_trees > 0  # the shortcut was exercised, not only the search


def test_mst_one_root_leaves_its_input_alone() -> None:
    scores = _arc_log_probs(np.random.default_rng(3), 12, 2.0)
    before = scores.copy()
    mst_one_root(scores)
    assert np.array_equal(scores, before)


def test_arc_label_scores_equal_the_full_pairwise_scores_at_the_chosen_arcs() -> None:
    import torch
    from stanza.models.common.biaffine import DeepBiaffineScorer

    torch.manual_seed(0)
    scorer = DeepBiaffineScorer(12, 12, 10, 7, pairwise=True).eval()
    torch.nn.init.normal_(scorer.scorer.W_bilin.weight)
    torch.nn.init.normal_(scorer.scorer.W_bilin.bias)
    x = torch.randn(3, 6, 12)
    rng = np.random.default_rng(0)
    # Arcs of three sentences, with heads shared by several dependents.
    batch = [b for b in range(3) for _ in range(1, 6)]
    deps = [d for _ in range(3) for d in range(1, 6)]
    heads = [int(h) for h in rng.integers(0, 3, size=len(deps))]
    with torch.no_grad():
        full = scorer(x, x)[batch, deps, heads]
        fast = _arc_label_scores(scorer, x, batch, deps, heads)
    assert fast.shape == (15, 7)
    assert torch.allclose(fast, full, atol=1e-4)
    assert fast.argmax(1).tolist() == full.argmax(1).tolist()


@pytest.mark.model
def test_fast_decoder_parses_like_stanzas_own() -> None:
    from attribution.nlp.stanza_parser import get_parser

    text = (
        "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a "
        "coincidence. The minister, who spoke on condition of anonymity because he was not "
        "authorised to brief reporters, told AFP that talks had stalled and that officials in "
        "Rabat and Jerusalem, whose positions had hardened since the summer, would meet again "
        'only after the elections. "We will not give up," she said. Asked whether the deal was '
        "dead, the spokesman declined to comment. Critics say the plan, which was drafted in "
        "secret, gives the army, the police and the courts powers they never had."
    )
    pipeline = get_parser().pipeline
    model = pipeline.processors["depparse"].trainer.model
    assert "predict" in vars(model)  # installed on the loaded parser
    fast = [(w.head, w.deprel) for s in pipeline(text).sentences for w in s.words]
    installed = vars(model).pop("predict")
    try:
        slow = [(w.head, w.deprel) for s in pipeline(text).sentences for w in s.words]
    finally:
        model.predict = installed
    assert fast == slow
