"""The training recipe: licence filtering and the Stanza commands it builds (no training run)."""

from __future__ import annotations

from pathlib import Path

from training import data, steps

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
