"""Courbe d'un indicateur sans valeur ni cible : l'axe du temps couvre une année lisible, pas
l'époque 0 de matplotlib (« 01/1970 » répété sous la courbe vide)."""

from __future__ import annotations

from datetime import date

import matplotlib

matplotlib.use("Agg")


def test_an_empty_indicator_chart_has_a_readable_time_axis():
    import matplotlib.dates as mdates

    from roadmap_app.flows.charts import indicator_over_time

    fig = indicator_over_time("R1 – essai", "%", {"Lensois": []}, [], end=date(2025, 12, 31))
    fig.canvas.draw()
    ax = fig.axes[0]
    lo, hi = (mdates.num2date(x).date() for x in ax.get_xlim())
    assert (lo, hi) == (date(2025, 1, 1), date(2025, 12, 31))
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and not any("1970" in t for t in labels)
    texts = [t.get_text() for t in ax.texts]
    assert "Aucune valeur saisie pour cet indicateur" in texts


def test_small_values_keep_distinct_tick_labels_and_an_empty_chart_has_none():
    """Un indicateur entre 0 et 1 (un taux saisi en fraction, un délai court) : les graduations
    se lisaient « 0 0 0 1 1 1 », arrondies à l'entier. Sans valeur, cible ni référence, l'axe des
    valeurs n'a rien à dire : il ne montre pas de graduations inventées."""
    from roadmap_app.flows.charts import indicator_over_time, tick_decimals

    assert tick_decimals([0, 0.2, 0.4, 0.6]) == 1 and tick_decimals([0, 0.25, 0.5]) == 2
    assert tick_decimals([0, 200, 400]) == 0 and tick_decimals([1 / 3]) == 3
    fig = indicator_over_time("M2 – essai", "jours", {"Lensois": [(date(2025, 1, 1), 0.3), (date(2025, 2, 1), 0.9)]},
                              [], end=date(2025, 12, 31))  # fmt: skip
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert any("," in t for t in labels)
    empty = indicator_over_time("M2 – essai", "jours", {"Lensois": []}, [], end=date(2025, 12, 31))
    empty.canvas.draw()
    assert [t.get_text() for t in empty.axes[0].get_yticklabels() if t.get_text()] == []


def _ticks(fig) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]


def test_the_time_axis_speaks_like_the_indicator_frequency():
    """Avant : « 01/2024, 04/2024, 07/2024… » sous deux valeurs annuelles (celles du 1er janvier
    2024 et 2025), comme si l'indicateur était mensuel ; « valeur 2025 » partout ailleurs."""
    from roadmap_app.flows.charts import indicator_over_time

    yearly = {"Lensois": [(date(2024, 1, 1), 40.0), (date(2025, 1, 1), 52.0)]}
    labels = _ticks(indicator_over_time("R1", "%", yearly, [(date(2025, 1, 1), 60.0, "")], frequency="year"))
    assert labels and set(labels) <= {"2023", "2024", "2025", "2026"} and "2024" in labels, labels
    quarterly = {"Lensois": [(date(2024, 7, 1), 4.0), (date(2024, 10, 1), 5.0), (date(2025, 4, 1), 7.0)]}
    labels = _ticks(indicator_over_time("Q1", "nombre", quarterly, [], frequency="quarter"))
    assert labels and all(t[0] == "T" and t[1] in "1234" and t[3:].isdigit() for t in labels), labels
    assert "T3 2024" in labels
    empty = _ticks(indicator_over_time("R1", "%", {"Lensois": []}, [], end=date(2026, 12, 3), frequency="year"))
    assert empty == ["2026"]
    monthly = {"Lensois": [(date(2024, 7, 1), 4.0), (date(2024, 9, 1), 5.0)]}
    assert all("/" in t for t in _ticks(indicator_over_time("M1", "nombre", monthly, [], frequency="month")))
