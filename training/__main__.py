"""Command line for the training recipe: ``python -m training {prepare,train,all,finetune,bundle}``.

``python -m training attribution ...`` trains the learned attribution model
(:mod:`training.attribution`), ``python -m training mention-types`` the
mention-type model (:mod:`training.mention_types`).

``finetune`` is the second stage: it continues the small tagger, tags the
training and dev files with it and fine-tunes the small parser on those tags
(``--only tagger,tags,parser`` picks among the three, in that order).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from training import steps as S


def _steps(args: argparse.Namespace) -> list[S.Step]:
    data, models = args.out / "data", args.out / "models"
    wanted = args.only.split(",") if args.only else None
    all_steps = [
        S.tokenizer_step(data, models, args.tokenizer_steps),
        S.mwt_step(data, models, args.mwt_epochs),
        S.lemma_step(data, models, args.lemma_epochs),
        *(S.tagger_step(data, models, args.tagger_steps, size) for size in args.sizes.split(",")),
        *(S.parser_step(data, models, args.parser_steps, size) for size in args.sizes.split(",")),
    ]
    return [
        s for s in all_steps if wanted is None or s.name in wanted or s.name.split("_")[0] in wanted
    ]


def cmd_prepare(args: argparse.Namespace) -> int:
    from training.data import prepare
    from training.pretrain import build_pretrain

    data = args.out / "data"
    prepare(args.ud, data)
    build_pretrain([data / "train.conllu", data / "dev.conllu"], data / "en_glove50.pt", args.vocab)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    chosen = _steps(args)
    (args.out / "models").mkdir(parents=True, exist_ok=True)
    log_dir = args.out / "logs"
    if args.parallel:
        with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
            rcs = list(pool.map(lambda s: S.run_step(s, args.budget, log_dir), chosen))
    else:
        rcs = [S.run_step(s, args.budget, log_dir) for s in chosen]
    return max(rcs, default=0)


def cmd_finetune(args: argparse.Namespace) -> int:
    data, models = args.out / "data", args.out / "models"
    wanted = args.only.split(",") if args.only else ["tagger", "tags", "parser"]
    log_dir = args.out / "logs"
    tagger = models / "tagger_small_cont.pt"
    rc = 0
    if "tagger" in wanted:
        step = S.tagger_continue_step(data, models, args.tagger_steps, models / "tagger_small.pt")
        rc = rc or S.run_step(step, args.budget, log_dir)
    if "tags" in wanted:
        if not tagger.exists():
            print(f"error: {tagger} not found: run the tagger stage first", file=sys.stderr)
            return 2
        for split in ("train", "dev"):
            rc = rc or S.run_step(S.tag_step(data, tagger, split), args.budget, log_dir)
    if "parser" in wanted:
        step = S.parser_finetune_step(data, models, args.parser_steps, models / "parser_small.pt")
        rc = rc or S.run_step(step, args.budget, log_dir)
    return rc


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["attribution"]:
        from training.attribution.cli import main as attribution_main

        return attribution_main(args[1:])
    if args[:1] == ["mention-types"]:
        from training.mention_types.train import main as mention_types_main

        return mention_types_main(args[1:])
    p = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    p.add_argument("command", choices=["prepare", "train", "all", "finetune", "bundle"])
    p.add_argument("--ud", type=Path, default=Path("../shared/data/ud-english"))
    p.add_argument("--out", type=Path, default=Path("work/train"))
    p.add_argument("--models", type=Path, default=Path("attribution/models"), help="bundle target")
    p.add_argument("--only", help="comma list of steps: tokenizer,mwt,lemma,tagger,parser")
    p.add_argument("--sizes", default="small", help="tagger/parser sizes to train: small,medium")
    p.add_argument("--tagger", default="small", help="bundle: tagger to ship (small, small_cont)")
    p.add_argument("--parser", default="small", help="bundle: parser to ship (small, small_ft)")
    p.add_argument("--budget", type=float, default=3600, help="seconds per step")
    p.add_argument("--parallel", action="store_true", help="run the steps at once (GPU box)")
    p.add_argument("--vocab", type=int, default=100_000)
    p.add_argument("--tokenizer-steps", type=int, default=20000)
    p.add_argument("--tagger-steps", type=int, default=30000)
    p.add_argument("--parser-steps", type=int, default=30000)
    p.add_argument("--mwt-epochs", type=int, default=30)
    p.add_argument("--lemma-epochs", type=int, default=60)
    args = p.parse_args(argv)
    if args.command == "prepare":
        return cmd_prepare(args)
    if args.command == "train":
        return cmd_train(args)
    if args.command == "all":
        return cmd_prepare(args) or cmd_train(args)
    if args.command == "finetune":
        return cmd_finetune(args)
    from training.bundle import bundle

    return bundle(args)


if __name__ == "__main__":
    sys.exit(main())
