"""Une valeur du mois face à sa cible : le commentaire écrit dans les comparaisons et le pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap_app.flows.data import FlowsData
from roadmap_app.flows.series import BassinSeries, load_per_referent, target_for


def _n(v: float) -> str:
    text = f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


@dataclass(frozen=True)
class Assessment:
    text: str
    ok: bool | None  # None : pas de cible en vigueur


def assess(data: FlowsData, series: BassinSeries, month: date, code: str) -> Assessment | None:
    """Position de l'indicateur ``code`` du mois face à la cible en vigueur ce mois-là, si elle existe."""
    value = series.value(month, code)
    if value is None:
        return None
    bid = series.bassin.id
    if code == "entrants":
        t = target_for(data.targets, "entrants", bid, month, "monthly_min")
        if t is None:
            return None
        ok: bool | None = value >= t.value
        return Assessment(
            f"cible {_n(t.value)} par mois : {'atteinte' if ok else 'non atteinte'}", ok
        )
    if code in ("orientes_15j", "orientes_ft"):
        total = series.value(month, "orientes")
        t = target_for(data.targets, code, bid, month)
        if not total or t is None:
            return None
        share = 100 * value / total
        ok = share >= t.value if code == "orientes_15j" else None
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
