"""Une valeur du mois face à sa cible : le commentaire écrit dans les comparaisons et le pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import format_count
from roadmap_app.flows.data import FlowsData
from roadmap_app.flows.series import (
    BassinSeries,
    cumulative,
    entrants_target,
    load_per_referent,
    portfolio_for,
    target_for,
)


def _n(v: float) -> str:
    return format_count(v)


def period(first: date, last: date) -> str:
    """« juil. 2024 » ou « juil. 2024 – oct. 2024 »."""
    return format_month(first) if first == last else f"{format_month(first)} – {format_month(last)}"


def signed(v: float) -> str:
    """Écart signé à la française : « +3 », « −4 », « 0 »."""
    return ("−" if v < 0 else "+" if v > 0 else "") + _n(abs(v))


@dataclass(frozen=True)
class Assessment:
    text: str
    ok: bool | None  # None : pas de cible en vigueur


def entrants_text(data: FlowsData, series: BassinSeries, month: date) -> Assessment | None:
    """Entrants du mois face à la moyenne visée (un écart, pas un échec) ; la cible se juge sur le
    cumul depuis le premier mois couvert, face à l'objectif cumulé des mêmes mois."""
    value = series.value(month, "entrants")
    t = entrants_target(data.targets, series.bassin.id, month)
    if value is None or t is None:
        return None
    y = cumulative(series, data.targets, month)
    assert y.target is not None
    ok = not y.below
    verdict = "objectif cumulé atteint" if ok else "sous l'objectif cumulé"
    return Assessment(
        f"écart du mois {signed(value - t.value)} à la moyenne visée de {_n(t.value)} par mois ; cumul "
        f"{period(y.first, y.last)} : {_n(y.actual)} pour {_n(y.target)} visés ({verdict})",
        ok,
    )


def assess(data: FlowsData, series: BassinSeries, month: date, code: str) -> Assessment | None:
    """Position de l'indicateur ``code`` du mois face à la cible en vigueur ce mois-là, si elle existe."""
    value = series.value(month, code)
    if value is None:
        return None
    bid = series.bassin.id
    if code == "entrants":
        return entrants_text(data, series, month)
    if code in ("orientes_15j", "orientes_ft"):
        total = series.value(month, "orientes")
        t = target_for(data.targets, code, bid, month)
        if not total or t is None:
            return None
        share = 100 * value / total
        ok: bool | None = share >= t.value if code == "orientes_15j" else None
        what = "en 15 jours et moins" if code == "orientes_15j" else "vers France Travail"
        tendency = "cible" if code == "orientes_15j" else "tendance attendue"
        return Assessment(
            f"{_n(round(share, 1))} % des orientés {what} ({tendency} {_n(t.value)} %)", ok
        )
    if code in ("suivis_ft", "suivis_cd"):
        org = "FT" if code == "suivis_ft" else "CD"
        who = "France Travail" if org == "FT" else "délégués"
        load = load_per_referent(series, data.portfolios, month, org)
        cap = target_for(data.targets, "charge_referent", bid, month, "max")
        if load is None:
            return None
        p = portfolio_for(data.portfolios, bid, org, month)
        if p is not None and p.doubt:
            who += f" ({p.unit} à confirmer)"
        if cap is None:
            return Assessment(f"charge {who} {_n(round(load))} par référent", None)
        ok = load <= cap.value
        return Assessment(
            f"charge {who} {_n(round(load))} par référent (plafond {_n(cap.value)}{'' if ok else ' dépassé'})",
            ok,
        )
    if code == "heures_activite":
        t = target_for(data.targets, "heures_activite", bid, month)
        if t is None:
            return None
        ok = value >= t.value
        return Assessment(
            f"cible {_n(t.value)} h par semaine : {'atteinte' if ok else 'non atteinte'}", ok
        )
    return None
