"""The sourcing benchmark's metrics and labels (no model): Spearman, MAE, name matching."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from attribution.records import Analysis, Attribution, Hedge, Speaker, Summary, TextSpan
from evaluation import sourcing as src


def test_average_ranks_share_ties() -> None:
    assert src.average_ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert src.average_ranks([0.0, 0.0, 0.0]) == [2.0, 2.0, 2.0]
    assert src.average_ranks([]) == []


def test_spearman_textbook_example() -> None:
    """Wikipedia's IQ / hours of TV example: rho = -29/165 (no ties)."""
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    assert src.spearman(iq, tv) == pytest.approx(-29 / 165)


def test_spearman_with_ties_and_edges() -> None:
    # ranks x = 1, 2.5, 2.5, 4; y = 1, 3, 2, 4: rho = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assert src.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(3 / math.sqrt(10))
    assert src.spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert src.spearman([0.1, 0.5, 0.9], [0.2, 0.3, 0.8]) == pytest.approx(1.0)
    assert src.spearman([1, 1, 1], [1, 2, 3]) == 0.0  # a constant side has no order
    with pytest.raises(ValueError):
        src.spearman([1, 2], [1])


def test_mean_absolute_error() -> None:
    assert src.mean_absolute_error([0.0, 0.5, 1.0], [0.1, 0.5, 0.7]) == pytest.approx(0.4 / 3)
    assert src.mean_absolute_error([], []) == 0.0


@pytest.mark.parametrize(
    ("gold", "kind", "got", "ok"),
    [
        ("Aleta Trauger", "named_person", ["U.S. District Judge Aleta Trauger"], True),
        ("Aleta Trauger", "named_person", ["Ms. Trauger"], True),  # surname
        ("Aleta Trauger", "named_person", ["Aleta Smith"], False),
        ("Colleen Renner and Dossie Overfield", "named_person", ["x", "Dossie Overfield"], True),
        ("city of Phoenix", "organization", ["the city"], True),  # leading article dropped
        ("U.S. Census Bureau", "organization", ["Census Bureau"], True),
        ("The Sentencing Project", "organization", ["Project"], True),
        ("HUD", "organization", ["Housing"], False),
        ("Stephen Hess", "named_person", ["he"], False),  # words, not characters
        ("a source familiar with the talks", "anonymous_person", ["source"], True),
        ("Love’s lawyers", "organization", ["Love's lawyers"], True),  # curly apostrophe
        ("officials", "anonymous_group", ["the"], False),
        ("officials", "anonymous_group", [], False),
        ("Trauger", "organization", ["Ms. Trauger"], True),
        ("Bill Simpson", "organization", ["Jane Simpson"], False),  # surnames: persons only
    ],
)
def test_name_matches(gold: str, kind: str, got: list[str], ok: bool) -> None:
    assert src.name_matches(gold, kind, got) is ok


def test_labels_are_well_formed_and_varied() -> None:
    articles = src.load_articles()
    assert len(articles) >= 16
    shares = [a.gold_share for a in articles]
    assert min(shares) == 0.0 and max(shares) >= 0.5
    for article in articles:
        assert 150 <= len(article.text.split()) <= 400, article.name
        assert article.statements, article.name
        for s in article.statements:
            assert article.text[s.start : s.end] == s.content
    kinds = {s.speaker_type for a in articles for s in a.statements}
    assert kinds == set(src.GOLD_TYPES)


def _span(text: str, snippet: str) -> TextSpan:
    start = text.index(snippet)
    return TextSpan(start, start + len(snippet), snippet)


def test_score_article_on_a_hand_made_analysis(tmp_path: Path) -> None:
    text = (
        "Head\n\nAcme said profits rose. Officials said the plant would close. "
        "A spokesman declined to comment. Prices reportedly fell."
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.json").write_text(
        '{"statements": ['
        '{"content": "profits rose", "speaker_name": "Acme", "speaker_type": "organization",'
        ' "anonymous": false},'
        '{"content": "the plant would close", "speaker_name": "officials",'
        ' "speaker_type": "anonymous_group", "anonymous": true}],'
        ' "declined": ["declined to comment"], "unattributed": ["Prices reportedly fell"]}',
        encoding="utf-8",
    )
    article = src.read_article(tmp_path / "a.txt")
    assert article.gold_share == 0.5
    speakers = (
        Speaker("s1", "Acme", "named_person"),
        Speaker("s2", "A spokesman", "anonymous_person", anonymous=True),
    )
    atts = (
        Attribution("a1", "indirect", _span(text, "profits rose"), speaker_id="s1"),
        Attribution(
            "a2",
            "indirect",
            _span(text, "declined to comment"),
            source=_span(text, "A spokesman"),
            speaker_id="s2",
            hedges=(Hedge(_span(text, "declined to comment"), "declined_to_comment"),),
        ),
        Attribution(
            "a3", "indirect", _span(text, "Prices reportedly fell"), speaker_id="unattributed"
        ),
        Attribution("a4", "indirect", _span(text, "Head"), source=_span(text, "Head")),
    )
    analysis = Analysis(text=text, attributions=atts, speakers=speakers, summary=Summary())
    result = src.score_article(article, analysis)
    first, second = result.statements
    assert first.found and first.name_right and not first.type_right
    assert first.got_type == "named_person"
    assert not second.found and second.got_type == src.MISSED
    assert result.declined_found == 1 and result.unattributed_found == 1
    assert len(result.extra) == 1 and "unresolved" in result.extra[0]
    figures = src.metrics([result])
    assert figures["found"] == 1 and figures["type_right"] == 0 and figures["name_right"] == 1
    assert figures["share_mae_max"] == 0.5
    report = src.format_report([result], figures, "t", verbose=True)
    assert "MISSED a:" in report and "EXTRA  a:" in report


def test_bad_labels_are_refused(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("X said y. X said y.", encoding="utf-8")
    (tmp_path / "b.json").write_text(
        '{"statements": [{"content": "y", "speaker_name": "X",'
        ' "speaker_type": "named_person", "anonymous": false}]}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="more than once"):
        src.read_article(tmp_path / "b.txt")
