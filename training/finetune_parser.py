"""Fine-tune a saved Stanza parser, keeping the vocabulary it was trained with.

Usage: ``python -m training.finetune_parser --continue_from MODEL.pt <stanza.models.parser args>``

Stanza's ``--continue_from`` loads the weights but indexes the training data
with a vocabulary rebuilt from the new training file. When that file carries a
tagger's predicted tags instead of gold ones (training on predicted tags makes
the parser rely less on tags that are wrong at run time; Chen and Manning 2014,
Dozat et al. 2017 train on jackknifed tags for this reason), a tag never
predicted would shift every later index. This wrapper hands the saved model's
vocabulary to every data loader, so the indices mean what the weights learned.
"""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str]) -> None:
    if "--continue_from" not in argv:
        raise SystemExit(
            "usage: python -m training.finetune_parser --continue_from MODEL.pt <parser args>"
        )
    model_file = argv[argv.index("--continue_from") + 1]

    import torch
    from stanza.models import parser
    from stanza.models.pos.vocab import MultiVocab

    checkpoint = torch.load(model_file, lambda storage, loc: storage, weights_only=True)
    vocab = MultiVocab.load_state_dict(checkpoint["vocab"])
    original = parser.DataLoader

    def loader(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("vocab") is None and len(args) <= 4:
            kwargs["vocab"] = vocab
        return original(*args, **kwargs)

    parser.DataLoader = loader  # type: ignore[assignment]
    parser.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
