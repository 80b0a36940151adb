"""The training recipe: licence filtering and the Stanza commands it builds (no training run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from training import data, steps

MODELS = Path(__file__).resolve().parent.parent / "attribution" / "models"

DOCS = (
    "# newdoc id = GUM_news_a\n# text = A.\n1\tA\ta\tDET\tDT\t_\t0\troot\t_\t_\n\n"
    "# newdoc id = GUM_whow_b\n# text = B.\n1\tB\tb\tDET\tDT\t_\t0\troot\t_\t_\n\n"
    "# newdoc id = GUM_fiction_c\n# text = C.\n1\tC\tc\tDET\tDT\t_\t0\troot\t_\t_\n\n"
)


def test_non_commercial_gum_genres_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "gum.conllu"
    path.write_text(DOCS, encoding="utf-8")
    kept = [doc_id for doc_id, _ in data.iter_documents(path) if data.keep_document(doc_id)]
    assert kept == ["GUM_news_a"]


def test_steps_train_on_the_prepared_files_with_the_shipped_sizes(tmp_path: Path) -> None:
    d, m = tmp_path / "data", tmp_path / "models"
    tagger = steps.tagger_step(d, m, 100, "small")
    parser = steps.parser_step(d, m, 100, "small")
    for step in (tagger, parser):
        argv = step.argv
        assert argv[argv.index("--train_file") + 1] == str(d / "train.conllu")
        assert argv[argv.index("--wordvec_pretrain_file") + 1] == str(d / "en_glove50.pt")
        assert argv[argv.index("--save_dir") + 1] == str(m)
        assert step.model == m / (argv[argv.index("--save_name") + 1])
    assert tagger.argv[-6:] == steps.TAGGER_SIZES["small"]
    assert "--checkpoint_save_name" in parser.argv
    lemma = steps.lemma_step(d, m, 3)
    assert "--lang" not in lemma.argv  # Stanza's lemmatizer has no --lang flag


def test_second_stage_tags_with_the_continued_tagger_and_finetunes_the_parser(
    tmp_path: Path,
) -> None:
    d, m = tmp_path / "data", tmp_path / "models"
    m.mkdir()
    cont = steps.tagger_continue_step(d, m, 100, m / "tagger_small.pt")
    assert cont.argv[:4] == [
        "-m",
        "training.resume_tagger",
        "--init_from",
        str(m / "tagger_small.pt"),
    ]
    assert cont.argv[-6:] == steps.TAGGER_SIZES["small"]
    cont.model.write_bytes(b"")  # a second run continues from its own output
    again = steps.tagger_continue_step(d, m, 100, m / "tagger_small.pt")
    assert again.argv[3] == str(cont.model)

    tag = steps.tag_step(d, cont.model, "train")
    assert tag.argv[tag.argv.index("--mode") + 1] == "predict"
    assert tag.argv[tag.argv.index("--save_name") + 1] == cont.model.name
    assert tag.model == d / "train.tagpred.conllu"

    ft = steps.parser_finetune_step(d, m, 100, m / "parser_small.pt")
    argv = ft.argv
    assert argv[:2] == ["-m", "training.finetune_parser"]
    assert argv[argv.index("--continue_from") + 1] == str(m / "parser_small.pt")
    assert argv[argv.index("--train_file") + 1] == str(d / "train.tagpred.conllu")
    assert argv[argv.index("--eval_file") + 1] == str(d / "dev.tagpred.conllu")
    assert argv[-6:] == steps.PARSER_SIZES["small"]  # the saved model's sizes, not Stanza's


@pytest.mark.model  # reads the bundled parser's vocabulary from attribution/models/depparse.pt
def test_parser_finetuning_indexes_new_data_with_the_saved_vocabulary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stanza.models import parser as stanza_parser

    from training import finetune_parser

    seen: list[object] = []
    monkeypatch.setattr(stanza_parser, "DataLoader", lambda *a, **kw: seen.append(kw.get("vocab")))

    def fake_main(argv: list[str]) -> None:
        stanza_parser.DataLoader("train", 10, {}, None)  # built without a vocab
        stanza_parser.DataLoader("dev", 10, {}, None, vocab="dev-vocab")

    monkeypatch.setattr(stanza_parser, "main", fake_main)
    finetune_parser.main(["--continue_from", str(MODELS / "depparse.pt")])
    saved, explicit = seen
    assert explicit == "dev-vocab"
    assert "obj" in saved["deprel"]._unit2id  # the bundled parser's own label set
