"""Des données aux graphiques : quel graphique, pour quel bassin, sur quels mois.

Chaque graphique se construit à partir d'un ``FlowsData`` (base ou instantané figé).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import format_month
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.formatting import NBSP, format_number
from roadmap_app.flows import charts
from roadmap_app.flows.data import FlowsData, from_store
from roadmap_app.flows.series import (
    BassinSeries,
    Target,
    YearToDate,
    cumulative,
    doubt_for,
    entrants_target,
    load_per_referent,
    month_range,
    target_for,
)

__all__ = ["CHARTS", "FIRST_MONTH", "YearToDate", "build_chart", "chart_for", "month_range", "ytd"]

FIRST_MONTH = date(2024, 7, 1)


def window(series: BassinSeries, today: date, months: int = 18) -> list[date]:
    """Les mois montrés : du premier au dernier mois saisi (18 au plus) ; sans saisie, depuis juillet 2024."""
    stored = series.months
    if stored:
        start, end = min(stored), max(stored)
    else:
        start, end = FIRST_MONTH, max(FIRST_MONTH, today.replace(day=1))
    return month_range(start, end)[-months:]


def _share(part: float | None, total: float | None) -> float | None:
    return None if part is None or not total else 100 * part / total


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    per_bassin: bool
    build: Callable[[FlowsData, BassinSeries | None], Any]


def _entrants(data: FlowsData, s: Any) -> Any:
    months = window(s, data.today)
    tvals = [
        t.value if (t := entrants_target(data.targets, s.bassin.id, m)) else None for m in months
    ]
    ref = data.reference_flux.get(s.bassin.id)
    reference = None
    if (
        ref is not None
    ):  # repère : la moyenne mensuelle de l'année de référence (chiffre enregistré)
        year, total = ref
        reference = (
            # insécables : « (2 118 ÷ 12) » ne se coupe pas dans la légende
            f"Moyenne mensuelle {year} ({format_number(total)}{NBSP}÷{NBSP}12)",
            total / 12,
        )
    return charts.entrants_vs_target(
        s.bassin.name, months, [s.value(m, "entrants") for m in months], tvals, reference
    )


def _cumulative(data: FlowsData, s: Any) -> Any:
    year = max(s.months).year if s.months else data.today.year
    months = month_range(date(year, 1, 1), date(year, 12, 1))
    tvals = [
        t.value if (t := entrants_target(data.targets, s.bassin.id, m)) else None for m in months
    ]
    # Comme le tableau de bord : le cumul part du premier mois couvert par une cible.
    first = next((i for i, t in enumerate(tvals) if t is not None), 0)
    months, tvals = months[first:], tvals[first:]
    return charts.cumulative_vs_annual(
        s.bassin.name, year, months, [s.value(m, "entrants") for m in months], tvals
    )


def _orientation(data: FlowsData, s: Any) -> Any:
    months = window(s, data.today)
    parts = {code: [s.value(m, code) for m in months]
             for code in ("orientes_ft", "orientes_cd_emploi", "orientes_cd_equilibre", "orientes_cd_remobilisation")}  # fmt: skip
    t = target_for(data.targets, "orientes_ft", s.bassin.id, months[-1]) if months else None
    return charts.orientation_split(
        s.bassin.name,
        months,
        parts,
        [s.value(m, "orientes") for m in months],
        t.value if t else None,
    )


def _fifteen(data: FlowsData, s: Any) -> Any:
    months = window(s, data.today)
    t = target_for(data.targets, "orientes_15j", s.bassin.id, months[-1]) if months else None
    shares = [_share(s.value(m, "orientes_15j"), s.value(m, "orientes")) for m in months]
    return charts.within_15_days(s.bassin.name, months, shares, t.value if t else None)


def _load(data: FlowsData, s: Any) -> Any:
    months = window(s, data.today)
    cap = (
        target_for(data.targets, "charge_referent", s.bassin.id, months[-1], "max")
        if months
        else None
    )
    cd = [load_per_referent(s, data.portfolios, m, "CD") for m in months]
    doubt = any(
        v is not None and doubt_for(data.portfolios, s.bassin.id, "CD", m)
        for v, m in zip(cd, months, strict=True)
    )
    return charts.portfolio_load(
        s.bassin.name, months, [load_per_referent(s, data.portfolios, m, "FT") for m in months],
        cd, cap.value if cap else None, cd_to_confirm=doubt,
    )  # fmt: skip


def _stock(data: FlowsData, s: Any) -> Any:
    months = window(s, data.today)
    return charts.stock_over_time(
        s.bassin.name,
        months,
        [s.value(m, "stock") for m in months],
        data.reference_stock.get(s.bassin.id),
    )


def ytd(series: BassinSeries, targets: list[Target], today: date) -> YearToDate | None:
    """Entrants de l'année en cours (ou de la dernière année saisie) jusqu'au dernier mois saisi,
    face à l'objectif cumulé des mêmes mois (voir ``series.cumulative``)."""
    if not series.months:
        return None
    year = (
        today.year if any(m.year == today.year for m in series.months) else max(series.months).year
    )
    return cumulative(series, targets, max(m for m in series.months if m.year == year))


def _side_by_side(data: FlowsData, _s: Any) -> Any:
    names, actual, target, periods = [], [], [], []
    for s in data.series.values():
        y = ytd(s, data.targets, data.today)
        names.append(s.bassin.name)
        actual.append(None if y is None else y.actual)
        target.append(None if y is None else y.target)
        periods.append("" if y is None else f"{format_month(y.first)} – {format_month(y.last)}")
    return charts.bassins_side_by_side(
        "Les bassins côte à côte — entrants cumulés et objectif", names, actual, target, periods
    )


CHARTS: dict[str, ChartSpec] = {
    c.name: c
    for c in (
        ChartSpec("entrants", "Entrants par mois et moyenne visée", True, _entrants),
        ChartSpec("cumul", "Entrants cumulés et objectif annuel", True, _cumulative),
        ChartSpec(
            "orientations", "Répartition des orientations (50 % vers FT)", True, _orientation
        ),
        ChartSpec("quinze-jours", "Orientés en 15 jours et moins (cible 100 %)", True, _fifteen),
        ChartSpec("charge", "Charge par référent (plafond 70)", True, _load),
        ChartSpec("stock", "Stock de BRSA", True, _stock),
        ChartSpec("bassins", "Bassins côte à côte", False, _side_by_side),
    )
}


def chart_for(data: FlowsData, name: str, bassin: str | int | None = None) -> Any:
    """Figure matplotlib du graphique ``name`` (``bassin`` : nom, code ou id pour les graphiques par bassin)."""
    spec = CHARTS.get(name)
    if spec is None:
        raise ValidationError(f"Graphique « {name} » inconnu. Graphiques : {', '.join(CHARTS)}.")
    if spec.per_bassin and bassin is None:
        raise ValidationError(f"Le graphique « {name} » est par bassin : précisez --bassin.")
    return spec.build(data, None if bassin is None else data.bassin(bassin))


def build_chart(ctx: AppContext, name: str, bassin: str | int | None = None) -> Any:
    return chart_for(from_store(ctx), name, bassin)
