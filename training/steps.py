"""Stanza training commands for each processor, with sizes chosen for 2-core CPUs.

Each step calls Stanza's own training module directly (the ``run_*`` wrappers
look for default pretrains and character LMs and try to download them) and is
bounded by a wall-clock budget. Stanza saves the best dev model as it goes, so
a step cut by its budget still leaves its best model on disk; the parser also
resumes from its checkpoint when rerun.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SHORTHAND = "en_combined"

# Hidden sizes: Stanza's defaults (tagger 200/400/400, parser 400/400/400) are
# too slow for 2,000 tokens/s on two CPU cores; these keep the BiLSTMs narrow.
TAGGER_SIZES = {
    "small": ["--hidden_dim", "128", "--char_hidden_dim", "128", "--deep_biaff_hidden_dim", "200"],
    "medium": ["--hidden_dim", "200", "--char_hidden_dim", "200", "--deep_biaff_hidden_dim", "300"],
}
PARSER_SIZES = {
    "small": ["--hidden_dim", "200", "--char_hidden_dim", "100", "--deep_biaff_hidden_dim", "200"],
    "medium": ["--hidden_dim", "300", "--char_hidden_dim", "200", "--deep_biaff_hidden_dim", "300"],
}


@dataclass(frozen=True)
class Step:
    """One training run: its name, the Stanza command and the model it writes."""

    name: str
    argv: list[str]
    model: Path
    env: dict[str, str] = field(default_factory=dict)


def _avg_sentence_chars(label_file: Path) -> float:
    labels = label_file.read_text(encoding="utf-8").replace("\n", "")
    ends = sum(labels.count(c) for c in "24")
    return len(labels) / max(ends, 1)


def _conllu_argv(
    module: str, data: Path, models: Path, name: str, *extra: str, files: str = ""
) -> list[str]:
    """Return the flags every CoNLL-U-trained Stanza module shares, then ``extra``.

    ``files`` picks variants of the data files: ``".tagpred"`` trains and
    evaluates on ``train.tagpred.conllu`` and ``dev.tagpred.conllu``.
    """
    return [
        "-m", f"stanza.models.{module}",
        "--train_file", str(data / f"train{files}.conllu"),
        "--eval_file", str(data / f"dev{files}.conllu"),
        "--output_file", str(models / f"{name}.dev.pred.conllu"),
        "--shorthand", SHORTHAND,
        "--save_dir", str(models),
        "--save_name", f"{name}.pt",
        *extra,
    ]  # fmt: skip


def tokenizer_step(data: Path, models: Path, steps: int) -> Step:
    seqlen = max(100, int(-(-_avg_sentence_chars(data / "train.toklabels") * 3 // 100) * 100))
    argv = [
        "-m", "stanza.models.tokenizer",
        "--label_file", str(data / "train.toklabels"),
        "--txt_file", str(data / "train.txt"),
        "--lang", "en",
        "--shorthand", SHORTHAND,
        "--max_seqlen", str(seqlen),
        "--mwt_json_file", str(data / "dev-mwt.json"),
        "--dev_txt_file", str(data / "dev.txt"),
        "--dev_label_file", str(data / "dev.toklabels"),
        "--dev_conll_gold", str(data / "dev.conllu"),
        "--conll_file", str(models / "tokenizer.dev.pred.conllu"),
        "--save_dir", str(models),
        "--save_name", "tokenizer.pt",
        "--steps", str(steps),
    ]  # fmt: skip
    return Step("tokenizer", argv, models / "tokenizer.pt")


def mwt_step(data: Path, models: Path, epochs: int) -> Step:
    argv = _conllu_argv(
        "mwt_expander", data, models, "mwt",
        "--gold_file", str(data / "dev.conllu"),
        "--lang", "en",
        "--num_epoch", str(epochs),
    )  # fmt: skip
    return Step("mwt", argv, models / "mwt.pt")


def lemma_step(data: Path, models: Path, epochs: int) -> Step:
    argv = _conllu_argv("lemmatizer", data, models, "lemma", "--num_epoch", str(epochs))
    return Step("lemma", argv, models / "lemma.pt")


def tagger_step(data: Path, models: Path, steps: int, size: str = "small") -> Step:
    name = f"tagger_{size}"
    argv = _conllu_argv(
        "tagger", data, models, name,
        "--lang", "en",
        "--wordvec_pretrain_file", str(data / "en_glove50.pt"),
        "--batch_size", "250",
        "--max_steps", str(steps),
        "--eval_interval", "500",
        "--max_steps_before_stop", "6000",
        *TAGGER_SIZES[size],
    )  # fmt: skip
    return Step(name, argv, models / f"{name}.pt")


def parser_step(data: Path, models: Path, steps: int, size: str = "small") -> Step:
    name = f"parser_{size}"
    argv = _conllu_argv(
        "parser", data, models, name,
        "--lang", "en",
        "--wordvec_pretrain_file", str(data / "en_glove50.pt"),
        "--batch_size", "5000",
        "--max_steps", str(steps),
        "--eval_interval", "500",
        "--second_optim_start_step", "4000",
        "--max_steps_before_stop", "6000",
        "--checkpoint_save_name", str(models / f"{name}_checkpoint.pt"),
        *PARSER_SIZES[size],
    )  # fmt: skip
    return Step(name, argv, models / f"{name}.pt")


def tagger_continue_step(data: Path, models: Path, steps: int, init: Path) -> Step:
    """Continue a saved tagger (batches of 100, learning rate 0.001, fresh optimizer).

    Stanza's tagger cannot resume, so ``training.resume_tagger`` loads the
    weights of ``init``; rerunning this step continues from its own output.
    """
    name = "tagger_small_cont"
    out = models / f"{name}.pt"
    argv = _conllu_argv(
        "tagger", data, models, name,
        "--lang", "en",
        "--wordvec_pretrain_file", str(data / "en_glove50.pt"),
        "--batch_size", "100",
        "--lr", "0.001",
        "--max_steps", str(steps),
        "--eval_interval", "800",
        "--max_steps_before_stop", str(steps),
        *TAGGER_SIZES["small"],
    )  # fmt: skip
    start = out if out.exists() else init
    argv = ["-m", "training.resume_tagger", "--init_from", str(start), *argv[2:]]
    return Step(name, argv, out)


def tag_step(data: Path, tagger: Path, split: str) -> Step:
    """Replace the gold UPOS, XPOS and features of ``<split>.conllu`` with ``tagger``'s."""
    out = data / f"{split}.tagpred.conllu"
    argv = [
        "-m", "stanza.models.tagger",
        "--mode", "predict",
        "--eval_file", str(data / f"{split}.conllu"),
        "--output_file", str(out),
        "--shorthand", SHORTHAND,
        "--lang", "en",
        "--save_dir", str(tagger.parent),
        "--save_name", tagger.name,
        "--wordvec_pretrain_file", str(data / "en_glove50.pt"),
        "--batch_size", "1000",
    ]  # fmt: skip
    return Step(f"tag_{split}", argv, out)


def parser_finetune_step(data: Path, models: Path, steps: int, init: Path) -> Step:
    """Fine-tune a saved parser on the predicted-tag files that :func:`tag_step` wrote.

    Training on a tagger's output rather than gold tags teaches the parser how
    far to trust tags that are wrong at run time (Chen and Manning 2014 and
    Dozat et al. 2017 use jackknifed tags; this tagger's accuracy on its own
    training data is close to its dev accuracy, so its output serves). Adam at
    Stanza's second-stage rate, model selection on dev LAS with predicted tags.
    """
    name = "parser_small_ft"
    argv = _conllu_argv(
        "parser", data, models, name,
        "--lang", "en",
        "--checkpoint_save_name", str(models / f"{name}_checkpoint.pt"),
        "--wordvec_pretrain_file", str(data / "en_glove50.pt"),
        "--optim", "adam",
        "--lr", "0.0002",
        "--no_second_optim",
        "--batch_size", "2000",
        "--eval_interval", "400",
        "--max_steps", str(steps),
        "--max_steps_before_stop", str(steps),
        "--seed", "7",
        *PARSER_SIZES["small"],
        files=".tagpred",
    )  # fmt: skip
    argv = ["-m", "training.finetune_parser", "--continue_from", str(init), *argv[2:]]
    return Step(name, argv, models / f"{name}.pt")


def run_step(step: Step, budget_s: float, log_dir: Path, threads: int = 1) -> int:
    """Run ``step`` for at most ``budget_s`` seconds, logging to ``log_dir``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        # glibc malloc settings that kept system time below user time in trials
        "MALLOC_MMAP_THRESHOLD_": "33554432",
        "MALLOC_TRIM_THRESHOLD_": "4294967296",
        "MALLOC_TOP_PAD_": "1073741824",
        **step.env,
    }
    start = time.monotonic()
    print(f"[{step.name}] start, budget {budget_s:.0f}s -> {step.model}", flush=True)
    with (log_dir / f"{step.name}.log").open("a") as log:
        proc = subprocess.Popen(
            [sys.executable, *step.argv], stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            rc = proc.wait(timeout=budget_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            try:
                rc = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
            print(f"[{step.name}] budget reached; best model so far is kept", flush=True)
            rc = 0 if step.model.exists() else 124
    print(f"[{step.name}] done rc={rc} in {time.monotonic() - start:.0f}s", flush=True)
    return rc
