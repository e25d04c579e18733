"""Lecture des échéances telles qu'écrites dans la feuille de route."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.models.enums import EcheancePrecision as P
from roadmap_app.core.echeance import FLAG_UNREADABLE, parse_echeance

SEED_LABELS = [
    ("15-mai-24", date(2024, 5, 15), date(2024, 5, 15), P.DAY),
    ("1er juin 2024", date(2024, 6, 1), date(2024, 6, 1), P.DAY),
    ("01/01/25", date(2025, 1, 1), date(2025, 1, 1), P.DAY),
    ("1er janvier 2025", date(2025, 1, 1), date(2025, 1, 1), P.DAY),
    ("1er janvier 2024", date(2024, 1, 1), date(2024, 1, 1), P.DAY),
    ("Année 2024", date(2024, 1, 1), date(2024, 12, 31), P.YEAR),
    ("année 2024", date(2024, 1, 1), date(2024, 12, 31), P.YEAR),
    ("2nd semestre 2024", date(2024, 7, 1), date(2024, 12, 31), P.SEMESTER),
    ("2ème semestre 2024", date(2024, 7, 1), date(2024, 12, 31), P.SEMESTER),
]


@pytest.mark.parametrize(("label", "start", "end", "precision"), SEED_LABELS)
def test_every_label_of_the_seed_is_read_with_its_period(label, start, end, precision):
    e = parse_echeance(label, 2024)
    assert (e.start, e.end, e.precision) == (start, end, precision)
    assert e.flag is None
    assert e.label == label


def test_a_day_without_year_takes_the_roadmap_year_and_says_so():
    e = parse_echeance("1er avril", 2024)
    assert (e.start, e.end, e.precision) == (date(2024, 4, 1), date(2024, 4, 1), P.DAY)
    assert e.flag is not None and "2024" in e.flag and "déduite" in e.flag


def test_a_day_without_year_and_without_context_is_unreadable_not_guessed():
    e = parse_echeance("1er avril", None)
    assert e.start is None and e.end is None
    assert FLAG_UNREADABLE in (e.flag or "")


@pytest.mark.parametrize(
    ("label", "start", "end", "precision"),
    [
        ("juin 2024", date(2024, 6, 1), date(2024, 6, 30), P.MONTH),
        ("févr. 2025", date(2025, 2, 1), date(2025, 2, 28), P.MONTH),
        ("06/2025", date(2025, 6, 1), date(2025, 6, 30), P.MONTH),
        ("T3 2025", date(2025, 7, 1), date(2025, 9, 30), P.QUARTER),
        ("1er semestre 2025", date(2025, 1, 1), date(2025, 6, 30), P.SEMESTER),
        ("S2 2025", date(2025, 7, 1), date(2025, 12, 31), P.SEMESTER),
        ("2024-05-15", date(2024, 5, 15), date(2024, 5, 15), P.DAY),
        ("15/05/2024", date(2024, 5, 15), date(2024, 5, 15), P.DAY),
        ("  1ER JUIN 2024 ", date(2024, 6, 1), date(2024, 6, 1), P.DAY),
    ],
)
def test_other_usual_french_forms(label, start, end, precision):
    e = parse_echeance(label, 2024)
    assert (e.start, e.end, e.precision) == (start, end, precision)


@pytest.mark.parametrize("label", ["bientôt", "31/02/2024", "à définir", "Q5 2024", "13/2024"])
def test_unreadable_labels_are_kept_and_flagged(label):
    e = parse_echeance(label, 2024)
    assert e.start is None and e.end is None and e.precision is None
    assert e.label == label.strip()
    assert FLAG_UNREADABLE in (e.flag or "")


def test_empty_label_means_no_deadline_without_flag():
    e = parse_echeance("", 2024)
    assert e.empty and e.start is None and e.flag is None
    assert e.describe() == "Pas d'échéance"


def test_describe_gives_the_period_in_french():
    assert (
        parse_echeance("2nd semestre 2024", 2024).describe()
        == "Semestre : du 01/07/2024 au 31/12/2024"
    )
    assert parse_echeance("15-mai-24", 2024).describe() == "Le 15/05/2024"


@given(st.text(max_size=40), st.one_of(st.none(), st.integers(min_value=1990, max_value=2100)))
def test_the_parser_never_raises_and_is_consistent(label, year):
    e = parse_echeance(label, year)
    if e.start is not None:
        assert e.end is not None and e.start <= e.end and e.precision is not None
    else:
        assert e.end is None and (e.empty or e.flag)
