"""Montants et quantités : lecture des écritures françaises, calcul exact au centime."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap_app.core.errors import ValidationError
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance.money import (
    MAX_CENTS,
    format_amount_input,
    format_quantity,
    parse_cents,
    parse_euros,
    parse_quantity_milli,
    percent_of,
    ratio_pct,
    units_times_cost,
)
from roadmap_app.finance.period import parse_period


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("618 750,00\u00a0€", 61_875_000),
        ("148750", 14_875_000),
        ("1 650 000,00", 165_000_000),
        ("1.650.000,00", 165_000_000),
        ("1,650,000.00", 165_000_000),
        ("250 000 €", 25_000_000),
        ("148.750", 14_875_000),  # point des milliers
        ("618750.00", 61_875_000),
        ("709\u202f746,00\u00a0€", 70_974_600),  # espaces insécables (format_euros, Excel)
        ("12,5", 1_250),
        ("0,05", 5),
        ("35 000 EUR", 3_500_000),
        ("  807000  ", 80_700_000),
    ],
)
def test_french_amounts_are_read_exactly(text, cents):
    assert parse_cents(text) == cents


def test_parse_euros_gives_an_exact_decimal():
    assert parse_euros("618 750,00\u00a0€") == Decimal("618750.00")
    assert parse_euros("0,10") + parse_euros("0,20") == Decimal("0.30")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12,345", "au plus 2 chiffres après la virgule"),
        ("douze", "n'est pas un nombre"),
        ("1,2,3", "plusieurs virgules"),
        ("1.2.3", "points mal placés"),
        ("1.234,5.6", "mélangés"),
        ("-50", "doit être positif"),
        ("€", "aucun chiffre"),
        ("", "valeur manquante"),
        ("9" * 16, "trop grand"),
    ],
)
def test_unreadable_amounts_are_refused_with_the_field_named(text, message):
    with pytest.raises(ValidationError, match=message) as err:
        parse_cents(text, field="Coût unitaire")
    assert str(err.value).startswith("Coût unitaire : ")


def test_empty_amount_is_allowed_only_when_asked():
    assert parse_cents("", allow_empty=True) is None
    assert parse_cents(None, allow_empty=True) is None
    assert parse_cents("-1 350,00", allow_negative=True) == -135_000


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_every_displayed_amount_reads_back_to_the_same_cents(cents):
    assert parse_cents(format_euros(cents)) == cents
    assert parse_cents(format_amount_input(cents)) == cents
    euros, rest = divmod(cents, 100)
    assert parse_cents(f"{euros}.{rest:02d}") == cents
    assert parse_cents(f"{euros},{rest:02d} €") == cents
    assert parse_cents(f"{euros:,}".replace(",", ".") + f",{rest:02d}") == cents


@given(st.integers(min_value=0, max_value=10**9))
def test_quantities_keep_three_decimals_exactly(milli):
    assert parse_quantity_milli(format_quantity(milli)) == milli


def test_quantities():
    assert parse_quantity_milli("2,5") == 2_500
    assert parse_quantity_milli("0.2") == 200
    assert parse_quantity_milli("190") == 190_000
    assert parse_quantity_milli("") is None
    with pytest.raises(ValidationError, match="au plus 3 chiffres"):
        parse_quantity_milli("0,0001", field="Nombre d'unités")
    assert format_quantity(2_500) == "2,5"
    assert format_quantity(1_200_000) == "1\u202f200"


def test_money_arithmetic_is_exact():
    assert units_times_cost(3_000, 10) == 30  # 3 × 0,10\u00a0€ = 0,30\u00a0€ (pas 0,30000000000000004)
    assert units_times_cost(190_000, 79_000) == 15_010_000
    assert units_times_cost(2_500, 3_333) == 8_333  # 83,325 € arrondi au centime supérieur
    assert percent_of(61_875_000, 60) == 37_125_000  # avance volet 3 : 371 250 €
    assert percent_of(412_589_200, 60) == 247_553_520  # volet 2 : 2 475 535,20\u00a0€
    assert ratio_pct(15_010_000, 14_875_000) == Decimal("100.91")
    assert ratio_pct(1, None) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("15/05/2024", date(2024, 5, 15), date(2024, 5, 15)),
        ("du 01/07/2024 au 31/12/2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("01/07/2024 – 31/12/2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("2nd semestre 2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("juillet à décembre 2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("Année 2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_date_ou_periode_keeps_the_text_and_reads_the_dates(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (start, end, text)


def test_unreadable_or_reversed_periods_are_refused():
    with pytest.raises(ValidationError, match="illisible"):
        parse_period("bientôt")
    with pytest.raises(ValidationError, match="commence après sa fin"):
        parse_period("31/12/2024 au 01/07/2024")
    assert parse_period("").empty
