"""La légende d'un graphique ne cache jamais les données : elle est hors du tracé (à droite),
entière dans la figure, à la taille de la figure exportée comme à celle de l'écran (zone du
graphique d'une fenêtre de 1 280 × 720).

Avant : dans le tracé (« au mieux » pour un indicateur, « en bas à gauche » pour la charge ou le
stock) : sur les points 2024 de R1, sur la référence des entrants, sur les courbes de la charge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")

MONTHS = [date(2025, m, 1) for m in range(1, 13)]


def _indicator() -> Any:
    from roadmap_app.flows.charts import indicator_over_time

    # R1 de l'audit : trois bassins, une référence au 31/12/2023, des cibles 2025 et 2026
    series = {
        "Montreuillois": [(date(2024, 1, 1), 38.0), (date(2025, 1, 1), 44.0)],
        "Audomarois": [(date(2024, 1, 1), 41.0), (date(2025, 1, 1), 46.0)],
        "Lensois": [(date(2024, 1, 1), 33.0)],
    }
    targets = [(date(2025, 1, 1), 45.0, ""), (date(2026, 1, 1), 50.0, "")]
    return indicator_over_time("Taux de retour à l'emploi durable (R1)", "%", series, targets,
                               (date(2023, 12, 31), 35.0), date(2026, 12, 3), "year")  # fmt: skip


def _low_indicator() -> Any:
    from roadmap_app.flows.charts import indicator_over_time

    # valeurs basses en début de période : « au mieux » posait la légende dessus
    pts = [(date(2025, m, 1), 5.0 + m) for m in range(1, 13)]
    return indicator_over_time("M2", "jours", {"Lensois": pts, "Audomarois": pts[:6]},
                               [(date(2025, 1, 1), 4.0, "")], (date(2024, 12, 31), 20.0), date(2025, 12, 31), "month")  # fmt: skip


def _entrants() -> Any:
    from roadmap_app.flows.charts import entrants_vs_target

    return entrants_vs_target("Lensois", MONTHS, [180.0 + 5 * (m % 3) for m in range(12)], [177.0] * 12,
                              ("Moyenne mensuelle 2023 (2 118 ÷ 12)", 176.5))  # fmt: skip


def _cumulative() -> Any:
    from roadmap_app.flows.charts import cumulative_vs_annual

    return cumulative_vs_annual("Lensois", 2025, MONTHS, [170.0] * 10 + [None, None], [177.0] * 12)


def _orientations() -> Any:
    from roadmap_app.flows.charts import orientation_split

    parts = {k: [10.0] * 12 for k in ("ft", "emploi", "equilibre", "remob")}
    return orientation_split("Lensois", MONTHS, parts, [40.0] * 12, 50.0)


def _within_15() -> Any:
    from roadmap_app.flows.charts import within_15_days

    return within_15_days("Lensois", MONTHS, [35.0, 20.0, 30.0, 60.0] * 3, 100.0)


def _portfolio() -> Any:
    from roadmap_app.flows.charts import portfolio_load

    return portfolio_load("Lensois", MONTHS, [230.0] * 12, [90.0, 120.0] * 6, 70.0, cd_to_confirm=True)


def _stock() -> Any:
    from roadmap_app.flows.charts import stock_over_time

    return stock_over_time("Lensois", MONTHS, [9200.0, 9700.0, 9100.0] * 4, 10577.0)


def _side_by_side() -> Any:
    from roadmap_app.flows.charts import bassins_side_by_side

    return bassins_side_by_side("Entrants cumulés", ["Montreuillois", "Audomarois", "Lensois"],
                                [400.0, 700.0, 2000.0], [430.0, 750.0, 2118.0])  # fmt: skip


CHARTS: dict[str, Callable[[], Any]] = {
    "indicateur R1": _indicator,
    "indicateur bas": _low_indicator,
    "entrants": _entrants,
    "cumul": _cumulative,
    "orientations": _orientations,
    "15 jours": _within_15,
    "charge": _portfolio,
    "stock": _stock,
    "bassins": _side_by_side,
}

#: taille de la figure : exportée (pack, PDF), puis zone du graphique d'une fenêtre de 1 280 × 720
#: (≈ 1 040 × 200 px sous la grille de la page Indicateurs, ≈ 1 040 × 250 px sous celle des flux)
SIZES = {"figure": None, "écran 1280×720": (10.4, 2.2)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_the_legend_stays_out_of_the_plot_and_inside_the_figure(name, size):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = CHARTS[name]()
    if SIZES[size] is not None:
        fig.set_size_inches(*SIZES[size])
    FigureCanvasAgg(fig).draw()  # (le canevas de base d'une ``Figure`` nue ne dessine rien)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None, "chaque série est nommée"
    box = legend.get_window_extent()
    plot = ax.get_window_extent()  # la zone des données, axes compris
    overlap_w = min(box.x1, plot.x1) - max(box.x0, plot.x0)
    overlap_h = min(box.y1, plot.y1) - max(box.y0, plot.y0)
    assert overlap_w <= 0.5 or overlap_h <= 0.5, f"{name} : la légende {box} couvre le tracé {plot}"
    # aucune donnée sous la légende : ni point, ni trait de cible ou de référence
    for line in ax.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        inside = [(x, y) for x, y in xy if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1]
        assert not inside, f"{name} : {line.get_label()} passe sous la légende"
    whole = fig.bbox
    assert whole.x0 - 0.5 <= box.x0 and box.x1 <= whole.x1 + 0.5, f"{name} : légende coupée ({box}, figure {whole})"
    assert whole.y0 - 0.5 <= box.y0 and box.y1 <= whole.y1 + 0.5, f"{name} : légende coupée ({box}, figure {whole})"
    # le tracé garde l'essentiel de la largeur
    assert plot.width >= 0.55 * whole.width, f"{name} : tracé écrasé ({plot.width:.0f} px sur {whole.width:.0f})"


def test_long_labels_are_wrapped_not_cut():
    from roadmap_app.flows.charts import LEGEND_WRAP

    fig = _portfolio()
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("\n" in t for t in texts)
    assert all(len(line) <= LEGEND_WRAP + 4 for t in texts for line in t.split("\n")), texts
    assert "ETP à confirmer ⚠" in " ".join(t.replace("\n", " ") for t in texts)
