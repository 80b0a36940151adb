"""The bundled Stanza models: offline loading, clear errors, and the parse we rely on."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from attribution.errors import ModelLoadError, ModelNotFoundError
from attribution.nlp import stanza_parser as sp
from attribution.nlp.convert import to_document
from attribution.settings import ConfigError, Settings, reset_settings

MADDY = "Bruce Maddy-Weitzman, an Israeli expert on Morocco, said the timing was not a coincidence."


def test_bundle_manifest_lists_every_file_with_its_hash() -> None:
    manifest = sp.load_manifest()
    assert set(manifest["files"]) == {"tokenize", "mwt", "pos", "lemma", "depparse", "pretrain"}
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    assert total <= 80 * 1024 * 1024
    assert sp.verify_bundle(check_hashes=True).keys() == manifest["files"].keys()


def test_missing_manifest_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=str(tmp_path)):
        sp.load_manifest(tmp_path)


def test_corrupt_model_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pos.pt").write_bytes(b"not a model")
    manifest = {"files": {"pos": {"file": "pos.pt", "bytes": 11, "sha256": "0" * 64}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="corrupt"):
        sp.verify_bundle(tmp_path, check_hashes=True)


def test_missing_model_file_is_reported(tmp_path: Path) -> None:
    manifest = {"files": {"pos": {"file": "pos.pt", "bytes": 1, "sha256": "0" * 64}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelNotFoundError, match="pos.pt"):
        sp.verify_bundle(tmp_path)


def test_official_dir_without_english_models_says_what_to_do(tmp_path: Path) -> None:
    parser = sp.StanzaParser(sp.ParserConfig(stanza_dir=str(tmp_path)))
    with pytest.raises(ModelNotFoundError, match="stanza_resources"):
        parser.load()


def test_env_configures_dir_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sp.ENV_STANZA_DIR, "/opt/stanza_resources")
    monkeypatch.setenv(sp.ENV_THREADS, "3")
    assert sp.ParserConfig.from_env() == sp.ParserConfig("/opt/stanza_resources", 3)
    assert sp.ParserConfig.from_env(threads=2).threads == 2  # given values win


def test_settings_are_passed_explicitly_or_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    given = Settings(stanza_dir="/x", threads=4, models_dir="/m")
    assert sp.ParserConfig.from_env(settings=given) == sp.ParserConfig("/x", 4, "/m")
    monkeypatch.setenv(sp.ENV_THREADS, "5")
    assert sp.ParserConfig.from_env().threads == 5
    monkeypatch.setenv(sp.ENV_THREADS, "6")
    assert sp.ParserConfig.from_env().threads == 5  # read once per process...
    reset_settings()
    assert sp.ParserConfig.from_env().threads == 6  # ...until reset
    monkeypatch.setenv(sp.ENV_THREADS, "zero")
    reset_settings()
    with pytest.raises(ConfigError, match="ATTRIBUTION_THREADS must be a whole number"):
        sp.ParserConfig.from_env()


def test_models_dir_from_env_replaces_the_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(sp.ENV_MODELS_DIR, str(tmp_path))
    config = sp.ParserConfig.from_env()
    assert config.bundle == tmp_path
    assert sp.ParserConfig().bundle == sp.BUNDLED_DIR
    with pytest.raises(ModelNotFoundError, match=str(tmp_path / "manifest.json")):
        sp.StanzaParser(config).load()


def test_conversion_makes_ids_zero_based_and_gives_mwt_words_their_token_offsets() -> None:
    from stanza.utils.conll import CoNLL

    conllu = (
        "# text = I don't know.\n"
        "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\tstart_char=0|end_char=1\n"
        "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\tstart_char=2|end_char=7\n"
        "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_\n"
        "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n"
        "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\tstart_char=8|end_char=12\n"
        "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\tstart_char=12|end_char=13\n\n"
    )
    doc = CoNLL.conll2doc(input_str=conllu)
    parsed = to_document(doc, "I don't know.")
    toks = parsed.sentences[0].tokens
    assert [t.head for t in toks] == [3, 3, 3, -1, 3]
    assert (toks[1].start, toks[1].end) == (2, 7) == (toks[2].start, toks[2].end)
    assert parsed.sentences[0].root() is toks[3]


@pytest.mark.model
def test_bundled_pipeline_parses_the_reported_clause() -> None:
    doc = sp.get_parser()(MADDY)
    (sent,) = doc.sentences
    root = sent.root()
    assert root is not None and root.text == "said"
    subj = [t for t in sent.children(root.index) if t.deprel == "nsubj"]
    assert len(subj) == 1 and subj[0].text == "Bruce"
    name = [subj[0], *(t for t in sent.children(subj[0].index) if t.deprel == "flat")]
    span = MADDY[min(t.start for t in name) : max(t.end for t in name)]
    assert span == "Bruce Maddy-Weitzman"
    expert = next(t for t in sent.tokens if t.text == "expert")
    assert expert.deprel == "appos" and expert.head == subj[0].index
    coincidence = next(t for t in sent.tokens if t.text == "coincidence")
    assert coincidence.deprel == "ccomp" and coincidence.head == root.index
    timing = next(t for t in sent.tokens if t.text == "timing")
    assert timing.deprel.startswith("nsubj") and timing.head == coincidence.index
    for tok in sent.tokens:
        assert MADDY[tok.start : tok.end] == tok.text


@pytest.mark.model
def test_loading_and_parsing_make_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        calls.append(address)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: calls.append(a) or [])
    parser = sp.StanzaParser(sp.ParserConfig(threads=1))
    parser.load()
    assert parser("Officials said the talks would resume.").sentences
    assert calls == []
