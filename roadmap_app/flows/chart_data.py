"""Des données enregistrées aux graphiques : quel graphique, pour quel bassin, sur quels mois."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from roadmap_app.errors import ValidationError
from roadmap_app.flows import charts
from roadmap_app.flows.service import (
    BassinSeries,
    Target,
    load_all_series,
    load_per_referent,
    load_portfolios,
    load_targets,
    target_for,
)
from roadmap_app.services.context import AppContext
from roadmap_app.services.plan import find_bassin

FIRST_MONTH = date(2024, 7, 1)


def month_range(start: date, end: date) -> list[date]:
    months, m = [], start.replace(day=1)
    while m <= end:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return months


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
    build: Callable[[AppContext, Any], Any]


def _series(ctx: AppContext, bassin: str | int) -> tuple[BassinSeries, list[Target], list[date]]:
    all_series = load_all_series(ctx)
    ref = find_bassin([s.bassin for s in all_series.values()], bassin)
    series = all_series[ref.id]
    return series, load_targets(ctx), window(series, ctx.today())


def _entrants(ctx: AppContext, bassin: Any) -> Any:
    s, targets, months = _series(ctx, bassin)
    tvals = [
        (t.value if (t := target_for(targets, "entrants", s.bassin.id, m, "monthly_min")) else None)
        for m in months
    ]
    return charts.entrants_vs_target(
        s.bassin.name, months, [s.value(m, "entrants") for m in months], tvals
    )


def _cumulative(ctx: AppContext, bassin: Any) -> Any:
    s, targets, _m = _series(ctx, bassin)
    year = max(s.months).year if s.months else ctx.today().year
    months = month_range(date(year, 1, 1), date(year, 12, 1))
    tvals = [
        (t.value if (t := target_for(targets, "entrants", s.bassin.id, m, "monthly_min")) else None)
        for m in months
    ]
    return charts.cumulative_vs_annual(
        s.bassin.name, year, months, [s.value(m, "entrants") for m in months], tvals
    )


def _orientation(ctx: AppContext, bassin: Any) -> Any:
    s, targets, months = _series(ctx, bassin)
    parts = {code: [s.value(m, code) for m in months]
             for code in ("orientes_ft", "orientes_cd_emploi", "orientes_cd_equilibre", "orientes_cd_remobilisation")}  # fmt: skip
    t = target_for(targets, "orientes_ft", s.bassin.id, months[-1]) if months else None
    return charts.orientation_split(
        s.bassin.name,
        months,
        parts,
        [s.value(m, "orientes") for m in months],
        t.value if t else None,
    )


def _fifteen(ctx: AppContext, bassin: Any) -> Any:
    s, targets, months = _series(ctx, bassin)
    t = target_for(targets, "orientes_15j", s.bassin.id, months[-1]) if months else None
    shares = [_share(s.value(m, "orientes_15j"), s.value(m, "orientes")) for m in months]
    return charts.within_15_days(s.bassin.name, months, shares, t.value if t else None)


def _load(ctx: AppContext, bassin: Any) -> Any:
    s, targets, months = _series(ctx, bassin)
    portfolios = load_portfolios(ctx)
    cap = target_for(targets, "charge_referent", s.bassin.id, months[-1], "max") if months else None
    return charts.portfolio_load(
        s.bassin.name, months, [load_per_referent(s, portfolios, m, "FT") for m in months],
        [load_per_referent(s, portfolios, m, "CD") for m in months], cap.value if cap else None,
    )  # fmt: skip


def _stock(ctx: AppContext, bassin: Any) -> Any:
    from sqlmodel import select

    from db.models import ReferenceFigure

    s, _t, months = _series(ctx, bassin)
    with ctx.store.session() as session:
        ref = session.exec(select(ReferenceFigure).where(ReferenceFigure.bassin_id == s.bassin.id,
                                                         ReferenceFigure.key == "brsa_stock")).first()  # fmt: skip
    return charts.stock_over_time(
        s.bassin.name, months, [s.value(m, "stock") for m in months], ref.value if ref else None
    )


def ytd(
    series: BassinSeries, targets: list[Target], today: date
) -> tuple[float | None, float | None, int]:
    """Entrants de janvier au dernier mois saisi de l'année en cours (ou de la dernière année saisie),
    objectif des mêmes mois (cibles en vigueur chaque mois), nombre de mois."""
    if not series.months:
        return None, None, 0
    year = (
        today.year if any(m.year == today.year for m in series.months) else max(series.months).year
    )
    last = max(m for m in series.months if m.year == year)
    months = month_range(date(year, 1, 1), last)
    actual = sum(series.value(m, "entrants") or 0 for m in months)
    target = 0.0
    for m in months:
        t = target_for(targets, "entrants", series.bassin.id, m, "monthly_min")
        target += t.value if t else 0
    return actual, target or None, len(months)


def _side_by_side(ctx: AppContext, _bassin: Any) -> Any:
    all_series = load_all_series(ctx)
    targets = load_targets(ctx)
    names, actual, target = [], [], []
    for s in all_series.values():
        a, t, _n = ytd(s, targets, ctx.today())
        names.append(s.bassin.name)
        actual.append(a)
        target.append(t)
    return charts.bassins_side_by_side(
        "Les bassins côte à côte — entrants depuis janvier et objectif", names, actual, target
    )


CHARTS: dict[str, ChartSpec] = {
    c.name: c
    for c in (
        ChartSpec("entrants", "Entrants par mois et cible", True, _entrants),
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


def build_chart(ctx: AppContext, name: str, bassin: str | int | None = None) -> Any:
    spec = CHARTS.get(name)
    if spec is None:
        raise ValidationError(f"Graphique « {name} » inconnu. Graphiques : {', '.join(CHARTS)}.")
    if spec.per_bassin and bassin is None:
        raise ValidationError(f"Le graphique « {name} » est par bassin : précisez --bassin.")
    return spec.build(ctx, bassin)
