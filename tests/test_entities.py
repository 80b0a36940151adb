"""Mention types learned from GUM (attribution.entities): features, the shipped weights,
loading errors, and the training recipe on a tiny synthetic corpus (no shared data)."""
# ruff: noqa: E501

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from attribution import entities as E
from attribution.errors import ModelLoadError
from attribution.nlp.conllu import parse_conllu
from attribution.types import Sentence
from evaluation.gum import GumDocument, mentions_of
from evaluation.gum_types import Item, is_named, mention_items, name_ids, score

pytestmark = pytest.mark.usefixtures("one_torch_thread")

#: Hand-parsed news sentences (UD, as our Stanza parse gives them).
NEWS = """# text = The U.S. Census Bureau said the rate rose.
1	The	the	DET	DT	_	4	det	_	_
2	U.S.	U.S.	PROPN	NNP	Number=Sing	4	compound	_	_
3	Census	Census	PROPN	NNP	Number=Sing	4	compound	_	_
4	Bureau	Bureau	PROPN	NNP	Number=Sing	5	nsubj	_	_
5	said	say	VERB	VBD	_	0	root	_	_
6	the	the	DET	DT	_	7	det	_	_
7	rate	rate	NOUN	NN	Number=Sing	8	nsubj	_	_
8	rose	rise	VERB	VBD	_	5	ccomp	_	SpaceAfter=No
9	.	.	PUNCT	.	_	5	punct	_	_

# text = Prisons are full, the Sentencing Project said in a report.
1	Prisons	prison	NOUN	NNS	Number=Plur	3	nsubj	_	_
2	are	be	AUX	VBP	_	3	cop	_	_
3	full	full	ADJ	JJ	_	8	ccomp	_	SpaceAfter=No
4	,	,	PUNCT	,	_	3	punct	_	_
5	the	the	DET	DT	_	7	det	_	_
6	Sentencing	Sentencing	PROPN	NNP	Number=Sing	7	compound	_	_
7	Project	Project	PROPN	NNP	Number=Sing	8	nsubj	_	_
8	said	say	VERB	VBD	_	0	root	_	_
9	in	in	ADP	IN	_	11	case	_	_
10	a	a	DET	DT	_	11	det	_	_
11	report	report	NOUN	NN	Number=Sing	8	obl	_	SpaceAfter=No
12	.	.	PUNCT	.	_	8	punct	_	_

# text = "It is a first step," said Bruce Maddy-Weitzman, a professor.
1	"	"	PUNCT	``	_	5	punct	_	SpaceAfter=No
2	It	it	PRON	PRP	_	5	nsubj	_	_
3	is	be	AUX	VBZ	_	5	cop	_	_
4	a	a	DET	DT	_	5	det	_	_
5	step	step	NOUN	NN	Number=Sing	8	ccomp	_	SpaceAfter=No
6	,	,	PUNCT	,	_	5	punct	_	SpaceAfter=No
7	"	"	PUNCT	''	_	5	punct	_	_
8	said	say	VERB	VBD	_	0	root	_	_
9	Bruce	Bruce	PROPN	NNP	Number=Sing	8	nsubj	_	_
10	Maddy-Weitzman	Maddy-Weitzman	PROPN	NNP	Number=Sing	9	flat	_	SpaceAfter=No
11	,	,	PUNCT	,	_	13	punct	_	_
12	a	a	DET	DT	_	13	det	_	_
13	professor	professor	NOUN	NN	Number=Sing	9	appos	_	SpaceAfter=No
14	.	.	PUNCT	.	_	8	punct	_	_

# text = Officials in Tennessee told HUD on Monday.
1	Officials	official	NOUN	NNS	Number=Plur	4	nsubj	_	_
2	in	in	ADP	IN	_	3	case	_	_
3	Tennessee	Tennessee	PROPN	NNP	Number=Sing	1	nmod	_	_
4	told	tell	VERB	VBD	_	0	root	_	_
5	HUD	HUD	PROPN	NNP	Number=Sing	4	obj	_	_
6	on	on	ADP	IN	_	7	case	_	_
7	Monday	Monday	PROPN	NNP	Number=Sing	4	obl	_	SpaceAfter=No
8	.	.	PUNCT	.	_	4	punct	_	_
"""


@pytest.fixture(scope="module")
def news() -> tuple[Sentence, ...]:
    return parse_conllu(NEWS).sentences


def test_shape_and_head(news: tuple[Sentence, ...]) -> None:
    assert [E.shape(w) for w in ("McCain", "U.S.", "HUD", "2020", "de")] == [
        "XxXx",
        "X.X.",
        "X",
        "d",
        "x",
    ]
    census, project, bruce, _ = news
    assert E.mention_head(census, [0, 1, 2, 3]) == 3
    assert E.mention_head(project, [4, 5, 6]) == 6
    assert E.mention_head(bruce, [8, 9, 10, 11, 12]) == 8
    with pytest.raises(ValueError):
        E.mention_head(bruce, [])


def test_features_describe_the_name_its_head_and_its_governor(news: tuple[Sentence, ...]) -> None:
    census, _, bruce, hud = news
    f = E.mention_features(census, [0, 1, 2, 3])
    assert {"hw=bureau", "hu=PROPN", "gov=say", "gov_rel=say_nsubj", "ch_det=the"} <= set(f)
    assert "first=the" in f and "last=bureau" in f and "c=eau>" in f
    assert "acronym=3" in E.mention_features(hud, [4])
    # the appositive is not part of the name's core: its lemma counts as an "other" word
    fb = E.mention_features(bruce, [8, 9, 10, 11, 12])
    assert "w=maddy-weitzman" in fb and "ow=professor" in fb and "w=professor" not in fb
    # the head is found when not given, and given heads are honoured
    assert fb == E.mention_features(bruce, [8, 9, 10, 11, 12], head=8)
    rows = E.hash_features(f, 1024)
    assert rows.dtype == np.int64 and rows.max() < 1024
    assert (rows == E.hash_features(f, 1024)).all()


def test_speaker_types_of_gum_types() -> None:
    assert E.speaker_type("person") == "named_person"
    assert E.speaker_type("organization") == "organization"
    assert E.speaker_type("place") == "organization"
    assert E.speaker_type("abstract") is None
    assert set(E.SPEAKER_TYPES) <= set(E.GUM_TYPES)


def test_shipped_weights_type_news_speakers(news: tuple[Sentence, ...]) -> None:
    census, project, bruce, hud = news
    cases = [
        (census, [0, 1, 2, 3], "organization"),
        (bruce, [8, 9], "person"),
        (bruce, [8, 9, 10, 11, 12], "person"),
        (hud, [2], "place"),
    ]
    for sentence, ids, want in cases:
        got = E.classify(sentence, ids)
        words = " ".join(sentence.tokens[i].text for i in ids)
        assert got.type == want, (words, got)
        assert got.probability == max(got.probabilities.values())
        assert abs(sum(got.probabilities.values()) - 1.0) < 1e-6
    assert E.classify(census, [1, 2, 3], head=3).speaker_type == "organization"
    assert E.classify(bruce, [8, 9]).speaker_type == "named_person"
    # a speaker is an agent: among person/organization/place, the Project is an organization
    # (over all GUM types it reads as an abstract "project")
    kind, p = E.classify_speaker(project, [4, 5, 6])
    assert kind == "organization" and 0.5 < p <= 1.0
    assert E.classify_speaker(bruce, [8, 9])[0] == "named_person"
    assert E.classify_speaker(hud, [2])[0] == "organization"
    assert E.load_typer() is E.load_typer()


def test_speaker_choice_renormalises_over_the_agent_types() -> None:
    probs = dict.fromkeys(E.GUM_TYPES, 0.0) | {
        "abstract": 0.9,
        "organization": 0.06,
        "person": 0.04,
    }
    kind, p = E.speaker_choice(E.MentionType("abstract", 0.9, probs))
    assert kind == "organization" and abs(p - 0.6) < 1e-9
    assert E.speaker_choice(E.MentionType("abstract", 1.0, {"abstract": 1.0}))[1] == 0.0


def test_shipped_weights_are_recorded_in_the_manifest() -> None:
    import hashlib

    manifest = json.loads((E.MODELS_DIR / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["mention_types"]
    path = E.MODELS_DIR / entry["file"]
    assert entry["bytes"] == path.stat().st_size < 5_000_000
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["classes"] == list(E.GUM_TYPES)
    assert entry["feature_version"] == E.FEATURE_VERSION


def test_broken_weights_raise_model_load_error(tmp_path: Path) -> None:
    bad = tmp_path / E.WEIGHTS_FILE
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ModelLoadError, match="mention-types"):
        E.MentionTyper.load(bad)
    with pytest.raises(ModelLoadError):
        E.load_typer(tmp_path)
    typer = E.MentionTyper(np.zeros((8, 2)), np.zeros(2), ("person", "place"))
    typer.save(bad)
    assert E.MentionTyper.load(bad).classes == ("person", "place")
    with np.load(bad) as data:
        arrays = dict(data)
    arrays["feature_version"] = np.array(E.FEATURE_VERSION + 1)
    with bad.open("wb") as fh:
        np.savez(fh, **arrays)
    with pytest.raises(ModelLoadError, match="feature version"):
        E.MentionTyper.load(bad)
    with pytest.raises(ValueError, match="power of two"):
        E.MentionTyper(np.zeros((6, 2)), np.zeros(2), ("person", "place"))


# A tiny GUM-like corpus: persons say, organizations announce, places are "in".
def _doc(i: int, person: str, org: str, place: str) -> str:
    return f"""# newdoc id = GUM_news_{i}
# sent_id = s{i}
1	{person}	{person}	PROPN	NNP	_	2	nsubj	_	Entity=(1-person-new-nnnnn-cf1-1-sgl-{person})
2	said	say	VERB	VBD	_	0	root	_	_
3	{org}	{org}	PROPN	NNP	_	4	nsubj	_	Entity=(2-organization-new-nnnnn-cf2-1-sgl)
4	grew	grow	VERB	VBD	_	2	ccomp	_	_
5	in	in	ADP	IN	_	6	case	_	_
6	{place}	{place}	PROPN	NNP	_	4	obl	_	Entity=(3-place-new-nnnnn-cf3-1-sgl)
7	.	.	PUNCT	.	_	2	punct	_	_
"""


NAMES = [
    ("Smith", "Acme", "Paris"),
    ("Jones", "Globex", "Lyon"),
    ("Brown", "Initech", "Nice"),
    ("Green", "Umbrella", "Rome"),
]


def _docs() -> list[GumDocument]:
    out = []
    for i, names in enumerate(NAMES):
        conllu = _doc(i, *names)
        out.append(GumDocument(f"GUM_news_{i}", parse_conllu(conllu), tuple(mentions_of(conllu))))
    return out


def _tiny_vectors(path: Path) -> E.Vectors:
    import torch

    words = ["<PAD>", "<UNK>", "say", "grow", "in", "smith", "paris"]
    emb = torch.randn(len(words), 4, generator=torch.Generator().manual_seed(0))
    torch.save({"vocab": {"_id2unit": words}, "emb": emb}, path)
    return E.Vectors.load(path)


def test_recipe_learns_a_tiny_corpus_and_bundles_it(tmp_path: Path) -> None:
    from training.mention_types import train as T

    docs = _docs()
    items = list(mention_items(docs, name_variants=True))
    assert [i.type for i in items[:3]] == ["person", "organization", "place"]
    assert all(i.named for i in items)
    vectors = _tiny_vectors(tmp_path / E.VECTORS_FILE)
    assert vectors.get("Smith").shape == (4,) and not vectors.get("Zork").any()
    config = T.Config(epochs=12, lr=0.3, dimensions=1 << 12, hidden=8, dense_lr=0.01)
    log = tmp_path / "log.jsonl"
    typer, record = T.fit(items[:9], items[9:], config, vectors, log)
    # held-out document: names never seen, typed from their context
    assert record["dev"]["named_pop"]["accuracy"] == 100.0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 12
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {}}), encoding="utf-8")
    dest = T.bundle(typer, tmp_path, config, record, None, {"train": 9})
    entry = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))[T.MANIFEST_KEY]
    assert entry["file"] == dest.name and entry["bytes"] == dest.stat().st_size
    assert entry["config"]["dimensions"] == 1 << 12
    loaded = E.MentionTyper.load(dest)
    assert loaded.dense is not None and loaded.vectors is not None
    for item in items:
        a = typer.classify(item.sentence, item.ids, item.head)
        b = loaded.classify(item.sentence, item.ids, item.head)
        assert a.type == b.type and abs(a.probability - b.probability) < 1e-3
    again, record2 = T.fit(items[:9], items[9:], config, vectors)
    assert record2["loss"] == record["loss"]  # fixed seed: the same run


def test_named_mentions_and_bare_names(news: tuple[Sentence, ...]) -> None:
    docs = _docs()
    m = docs[0].mentions[0]
    assert is_named(m, docs[0].doc.sentences[0])
    census, _, bruce, _ = news
    assert name_ids(census, range(4), 3) == (1, 2, 3)
    assert name_ids(bruce, range(8, 13), 8) == (8, 9)


def test_score_counts_named_types_and_confusions() -> None:
    docs = _docs()
    items = list(mention_items(docs))
    always_person = E.MentionTyper(
        np.zeros((8, len(E.GUM_TYPES))),
        np.array([5.0 if t == "person" else 0.0 for t in E.GUM_TYPES]),
        E.GUM_TYPES,
    )
    m = score(always_person, items)
    assert m["person"]["accuracy"] == 100.0 and m["place"]["accuracy"] == 0.0
    assert m["named_pop"] == {"accuracy": 33.3, "count": 12}
    assert m["speaker_type"]["accuracy"] == 33.3
    assert m["confusion"] == {"organization>person": 4, "person>person": 4, "place>person": 4}
    assert isinstance(items[0], Item)
