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
