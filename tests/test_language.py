"""Text that is not English is flagged, and no speaker is read from another script."""

from __future__ import annotations

from _engine_conllu import doc

from attribution.language import language_warnings, latin_share
from attribution.pipeline import extract

ENGLISH = (
    "Israeli Defence Minister Benny Gantz will visit Morocco on Wednesday, officials say, "
    "a trip that will formalise cooperation between the two countries. He said the timing "
    "was not a coincidence and that the visit had been planned for months."
)
FRENCH = (
    "Le ministre de la Défense israélien Benny Gantz se rendra au Maroc mercredi pour une "
    "visite qui doit formaliser la coopération entre les deux pays, ont indiqué des responsables."
)
RUSSIAN = (
    "Министр обороны Израиля Бенни Ганц посетит Марокко в среду, сообщили официальные лица. "
    "Визит должен оформить сотрудничество между двумя странами, сказал он журналистам."
)


def test_english_gets_no_warning() -> None:
    assert language_warnings(ENGLISH) == ()


def test_french_is_flagged() -> None:
    (warning,) = language_warnings(FRENCH)
    assert warning.code == "not_english" and "English" in warning.message
    assert warning.span is None


def test_another_script_is_flagged() -> None:
    (warning,) = language_warnings(RUSSIAN)
    assert warning.code == "not_english" and "Latin script" in warning.message
    assert latin_share(RUSSIAN) < 0.2


def test_short_text_is_not_judged() -> None:
    assert language_warnings("Trump said no.") == ()


FOREIGN_SOURCE = """
שלום שלום PROPN 2 nsubj
said say VERB 0 root
the the DET 4 det
mayor mayor NOUN 2 ccomp nsp
. . PUNCT 2 punct
"""


def test_no_speaker_from_another_script() -> None:
    atts, speakers, _ = extract(doc(FOREIGN_SOURCE, text="שלום said the mayor."))
    assert not any(a.source is not None and a.source.text == "שלום" for a in atts)
    assert not any(s.name == "שלום" for s in speakers)
