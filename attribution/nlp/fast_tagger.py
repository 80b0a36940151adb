"""Score the tagger's XPOS and features faster, with the same tags.

Stanza's tagger predicts XPOS and each morphological feature conditioned on
the word's predicted UPOS (its ``tag_emb`` link): a biaffine classifier
(Dozat, Qi and Manning 2017) ``y = [h; 1]^T W [e(u); 1] + b`` of the word's
hidden vector ``h`` and the embedding ``e(u)`` of its UPOS tag ``u``. Done
as Stanza does it (``nn.Bilinear``), every word pays ``|h| x |e| x labels``
multiplications, for XPOS and for each of the twenty-odd feature columns.
But ``e(u)`` is one of
a few dozen rows of the UPOS embedding table. :class:`FactoredColumn` folds
every row into ``W`` once, when installed (one ``|h| x labels`` matrix per
tag, the feature columns side by side), and then scores the words of each
tag with one product by that tag's matrix. The result is the same bilinear
form summed in another order (equal to rounding; ``tests/test_levers.py``
checks the tags on real text), about fifty times fewer multiplications.

:func:`install` swaps the classifiers of a loaded pipeline's tagger.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor, nn

from attribution.nlp.fast_decode import grouped_products


def _same(a: Tensor, b: Tensor) -> bool:
    """Tell whether two tensors are the same memory (one is kept alive, so its address
    cannot be reused by another while it is compared)."""
    return a.data_ptr() == b.data_ptr() and a.shape == b.shape and a.stride() == b.stride()


def _with_one(t: Tensor) -> Tensor:
    return torch.cat([t, t.new_ones(t.size(0), 1)], 1)


class FactoredColumn:
    """The classifiers of one tag column (XPOS, or every feature) conditioned on the UPOS
    embedding, scored together and remembered for the tensors they were last given."""

    def __init__(self, scorers: Sequence[Any], table: nn.Embedding) -> None:
        self.table = table
        with torch.no_grad():
            right = _with_one(table.weight)
            # (tags, |h| + 1, labels of every classifier side by side)
            self.folded = torch.cat(
                [torch.einsum("oij,kj->kio", s.W_bilin.weight, right) for s in scorers], 2
            ).contiguous()
            self.bias = torch.cat([s.W_bilin.bias for s in scorers]).detach()
        sizes = [s.W_bilin.weight.size(0) for s in scorers]
        self.slices = [(sum(sizes[:k]), sum(sizes[: k + 1])) for k in range(len(sizes))]
        self._last: tuple[Tensor, Tensor, Tensor | None] | None = None

    def scores(self, hid: Tensor, parent: Tensor) -> Tensor | None:
        """Return every classifier's scores side by side, or ``None`` when a parent row
        is not a row of the table (then the classifiers run as Stanza wrote them)."""
        last = self._last
        if last is not None and _same(last[0], hid) and _same(last[1], parent):
            return last[2]
        out = self._compute(hid, parent)
        self._last = (hid, parent, out)
        return out

    def _compute(self, hid: Tensor, parent: Tensor) -> Tensor | None:
        same = (parent.unsqueeze(1) == self.table.weight.unsqueeze(0)).all(2)
        found, which = same.max(1)
        if not bool(found.all()):
            return None
        return grouped_products(_with_one(hid), which, self.folded) + self.bias


class FactoredBilinear(nn.Module):
    """One classifier of a :class:`FactoredColumn`: its slice of the column's scores."""

    def __init__(self, scorer: nn.Module, column: FactoredColumn, index: int) -> None:
        super().__init__()
        self.scorer = scorer
        self.column = column
        self.lo, self.hi = column.slices[index]

    def forward(self, hid: Tensor, parent: Tensor) -> Tensor:
        out = None if self.training else self.column.scores(hid, parent)
        if out is None:
            plain: Tensor = self.scorer(hid, parent)
            return plain
        return out[:, self.lo : self.hi]


def install(pipeline: Any) -> list[str]:
    """Factor ``pipeline``'s tagger classifiers conditioned on the UPOS embedding; return
    the columns handled (none for a tagger with another link, or already handled)."""
    processor = pipeline.processors.get("pos")
    model: Any = getattr(getattr(processor, "trainer", None), "model", None)
    if model is None or getattr(model, "share_hid", True) or not hasattr(model, "tag_clf"):
        return []
    if getattr(model, "link_mode", None) != "tag_emb" or not hasattr(model, "upos_emb"):
        return []
    done = []
    for name, clf in model.tag_clf.items():
        if list(model.column_parents.get(name) or ()) != ["upos"]:
            continue
        scorers = list(clf) if isinstance(clf, nn.ModuleList) else [clf]
        if not all(isinstance(getattr(c, "W_bilin", None), nn.Bilinear) for c in scorers):
            continue
        column = FactoredColumn(scorers, model.upos_emb)
        swapped = [FactoredBilinear(c, column, k) for k, c in enumerate(scorers)]
        if isinstance(clf, nn.ModuleList):
            for k, module in enumerate(swapped):
                clf[k] = module
        else:
            model.tag_clf[name] = swapped[0]
        done.append(name)
    return done
