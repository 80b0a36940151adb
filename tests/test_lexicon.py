"""The one word-list loader: every list present, typed, and defined once in data."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_args

import pytest

from attribution import cues, hedges, lexicon, speakers
from attribution.records import ANONYMOUS_TYPES, SpeakerType
from attribution.resources import load_yaml


def test_every_list_is_loaded_and_non_empty() -> None:
    lex = lexicon.lexicon()
    for f in fields(lexicon.Lexicon):
        value = getattr(lex, f.name)
        assert value, f"{f.name} is empty"
        if isinstance(value, frozenset):
            assert all(w == w.lower() and w.strip() == w for w in value), f.name


def test_no_list_is_defined_twice_in_data() -> None:
    seen: dict[str, str] = {}
    for file in lexicon.WORD_LIST_FILES:
        raw: dict[str, Any] = load_yaml(file)
        for key, value in raw.items():
            assert key not in seen, f"{key} in {seen.get(key)} and {file}"
            seen[key] = file
            if isinstance(value, list):
                assert len(value) == len(set(value)), f"{file}: {key} repeats a word"
    data_fields = {f.name for f in fields(lexicon.Lexicon)} - lexicon.TSV_FIELDS
    assert set(seen) == data_fields


def test_loader_refuses_a_list_in_two_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon, "load_yaml", lambda name: {"weekdays": ["monday"]})
    with pytest.raises(ValueError, match="defined in"):
        lexicon.word_lists()


def test_time_nouns_hold_weekdays_and_months() -> None:
    lex = lexicon.lexicon()
    assert lex.weekdays | lex.months <= lex.time_nouns
    assert {"may", "monday", "week", "eve"} <= lex.time_nouns


def test_reporting_words() -> None:
    lex = lexicon.lexicon()
    assert lex.reporting_verbs["urge"].frames == frozenset({"obj", "to", "xcomp"})
    assert lex.reporting_nouns["claim"].stance == "distancing"
    assert lex.reporting_nouns["belief"].kind == "thought"
    assert cues.reporting_verbs() is lex.reporting_verbs


def test_old_entry_points_read_the_same_lists() -> None:
    lex = lexicon.lexicon()
    assert hedges.lexicon() is lex
    assert hedges.Lexicon is lexicon.Lexicon
    assert cues.WEEKDAYS == lex.weekdays


def test_speaker_type_sets_agree_with_the_rubric() -> None:
    assert speakers.ANONYMOUS_TYPES is ANONYMOUS_TYPES
    assert hedges.ANONYMOUS_TYPES is ANONYMOUS_TYPES
    rubric: dict[str, Any] = load_yaml("rubric.yaml")
    assert frozenset(rubric["anonymous_types"]) == ANONYMOUS_TYPES
    named = frozenset(get_args(SpeakerType)) - ANONYMOUS_TYPES
    assert frozenset(rubric["named_types"]) == named
