"""Une valeur d'indicateur se lit par sa période : une valeur annuelle est rangée au 1er janvier,
une valeur mensuelle au 1er du mois ; « 52 % au 01/01/2025 » se lisait comme un relevé du jour de
l'An (page Indicateurs, panneau de détail, bilan)."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap_app.indicators.model import IndicatorDef, value_period, value_phrase


def _def(frequency: str, storage: str = "valeurs") -> IndicatorDef:
    return IndicatorDef(1, "X", "X", "", "%", "up", frequency, "bassin", "autre", storage, "", "", None, 1)


@pytest.mark.parametrize(
    ("frequency", "storage", "day", "period", "phrase"),
    [
        ("year", "valeurs", date(2025, 1, 1), "2025", "en 2025"),
        ("quarter", "valeurs", date(2024, 7, 1), "T3 2024", "au T3 2024"),
        ("month", "valeurs", date(2024, 9, 1), "sept. 2024", "en sept. 2024"),
        ("free", "valeurs", date(2024, 9, 30), "30/09/2024", "au 30/09/2024"),
        ("free", "flux", date(2024, 9, 1), "sept. 2024", "en sept. 2024"),  # un flux est mensuel
    ],
)
def test_a_value_reads_as_its_period(frequency, storage, day, period, phrase):
    d = _def(frequency, storage)
    assert (value_period(d, day), value_phrase(d, day)) == (period, phrase)


def test_a_target_not_yet_in_force_is_called_the_next_one():
    """Une valeur 2024 face à la cible 2025 : « sans cible » (pas encore en vigueur), et le texte
    disait « cible 2025 : 60 % — sans cible », contradictoire ; il dit « prochaine cible »."""
    from roadmap_app.indicators.model import NO_TARGET, Point, Step, compute_state, target_phrase

    d = _def("year")
    target = Step("target", None, 60.0, date(2025, 1, 1), 2025, "")
    early = compute_state(d, 3, "Lensois", {(1, 3): [Point(date(2024, 1, 1), 53.0)]}, {(1, None): [target]},
                          date(2026, 11, 15))  # fmt: skip
    assert (early.status, target_phrase(early)) == (NO_TARGET, "prochaine cible 2025 : 60 %")
    late = compute_state(d, 3, "Lensois", {(1, 3): [Point(date(2025, 1, 1), 53.0)]}, {(1, None): [target]},
                         date(2026, 11, 15))  # fmt: skip
    assert (late.status, target_phrase(late)) == ("en-dessous", "cible 2025 : 60 %")
    none = compute_state(d, 3, "Lensois", {}, {}, date(2026, 11, 15))
    assert target_phrase(none) == "sans cible"
