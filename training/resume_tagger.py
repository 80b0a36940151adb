"""Continue training a saved Stanza tagger from its weights (Stanza's tagger cannot resume).

Usage: ``python -m training.resume_tagger --init_from MODEL.pt <stanza.models.tagger args>``

The first trainer the tagger builds is loaded from ``--init_from`` instead of
being initialised at random; the optimizer starts fresh. Everything else
(data, evaluation, saving the best dev model) is Stanza's own loop.
"""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str]) -> None:
    if "--init_from" not in argv:
        raise SystemExit(
            "usage: python -m training.resume_tagger --init_from MODEL.pt <tagger args>"
        )
    i = argv.index("--init_from")
    init_from = argv[i + 1]
    rest = argv[:i] + argv[i + 2 :]

    from stanza.models import tagger

    original = tagger.Trainer
    state = {"first": True}

    def trainer(*args: Any, **kwargs: Any) -> Any:
        if state["first"] and kwargs.get("model_file") is None:
            state["first"] = False
            kwargs.pop("vocab", None)
            return original(
                args=kwargs["args"],
                pretrain=kwargs.get("pretrain"),
                model_file=init_from,
                device=kwargs.get("device"),
                foundation_cache=kwargs.get("foundation_cache"),
            )
        return original(*args, **kwargs)

    tagger.Trainer = trainer  # type: ignore[assignment]
    tagger.main(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
