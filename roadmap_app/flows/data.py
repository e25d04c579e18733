"""Les flux d'un instant : séries, cibles, portefeuilles et stocks de référence, en un seul paquet.

Le même paquet se lit dans la base (état courant) ou dans un instantané figé : graphiques, pack
de comité et comparaisons utilisent donc exactement les mêmes règles dans les deux cas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from db.read_tables import BASSIN, FLOW_VALUE, REFERENCE_FIGURE
from db.rows import raw_rows
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.flows.catalogue import BY_CODE, INDICATORS
from roadmap_app.flows.series import (
    BassinSeries,
    FlowCell,
    PortfolioRef,
    Target,
    load_all_series,
    load_portfolios,
    load_targets,
)
from roadmap_app.plan.read import BassinRef, find_bassin


@dataclass
class FlowsData:
    today: date
    series: dict[int, BassinSeries]
    targets: list[Target] = field(default_factory=list)
    portfolios: list[PortfolioRef] = field(default_factory=list)
    #: stock de BRSA de référence (situation au 31/12/2023) par bassin
    reference_stock: dict[int, float] = field(default_factory=dict)
    #: flux annuel d'entrants de référence par bassin : (année, nombre), par exemple (2023, 2 118)
    reference_flux: dict[int, tuple[int, float]] = field(default_factory=dict)

    @property
    def bassins(self) -> list[BassinRef]:
        return [s.bassin for s in self.series.values()]

    def bassin(self, key: str | int) -> BassinSeries:
        return self.series[find_bassin(self.bassins, key).id]

    @property
    def has_values(self) -> bool:
        return any(s.months for s in self.series.values())


@paused_gc()
def from_store(ctx: AppContext, since: date | None = None) -> FlowsData:
    """Séries (à partir de ``since`` si donné), cibles, portefeuilles et stocks de référence."""
    series = load_all_series(ctx, since)
    r = REFERENCE_FIGURE.c
    with ctx.store.session() as s:
        figures = s.execute(
            select(r.bassin_id, r.key, r.value, r.as_of)
            .where(r.key.in_(("brsa_stock", "brsa_entrants_flux")))
            .order_by(r.as_of, r.id)  # la plus récente en dernier, même à date égale
        ).all()
    stock = {
        f.bassin_id: f.value for f in figures if f.bassin_id is not None and f.key == "brsa_stock"
    }
    flux = {
        f.bassin_id: (f.as_of.year, f.value)
        for f in figures
        if f.bassin_id is not None and f.key == "brsa_entrants_flux"
    }
    return FlowsData(ctx.today(), series, load_targets(ctx), load_portfolios(ctx), stock, flux)


# -- section « flux » d'un instantané ------------------------------------------------------------------
def state_values(ctx: AppContext) -> dict[str, dict[str, dict[str, float]]]:
    """Valeurs saisies par bassin (code) → mois (AAAA-MM) → indicateur, lues en une requête."""
    b, v = BASSIN.c, FLOW_VALUE.c
    with ctx.store.session() as s:
        codes = {b_id: code for b_id, code in s.execute(select(b.id, b.code))}
        rows = raw_rows(  # 18 360 valeurs à 100× : tuples bruts, mois lu tel quel
            s.connection(),
            select(v.bassin_id, v.month, v.indicator, v.value)
            .where(v.value.is_not(None))
            .order_by(v.bassin_id, v.month, v.indicator),
        )
    values: dict[str, dict[str, dict[str, float]]] = {code: {} for code in codes.values()}
    # lignes triées par bassin puis mois : la ligne du mois ne se cherche qu'au changement de mois
    last: tuple[Any, Any] = (None, None)
    row: dict[str, float] = {}
    for b_id, month, indicator, value in rows:
        if (b_id, month) != last:
            last = (b_id, month)
            key = month[:7] if isinstance(month, str) else month.isoformat()[:7]  # SQLite : texte ISO
            row = values[codes[b_id]].setdefault(key, {})
        row[indicator] = value
    return values


def to_state(
    data: FlowsData, values: dict[str, dict[str, dict[str, float]]] | None = None
) -> dict[str, Any]:
    """Forme figée (JSON) : bassins par code, valeurs par bassin → mois → indicateur (``values`` :
    déjà lues par ``state_values``, sinon tirées des séries de ``data``)."""
    code = {b.id: b.code for b in data.bassins}
    if values is None:
        values = {}
        for s in data.series.values():
            by_month: dict[str, dict[str, float]] = {}
            for (month, indicator), cell in sorted(s.cells.items()):
                if cell.value is not None:
                    by_month.setdefault(month.isoformat()[:7], {})[indicator] = cell.value
            values[s.bassin.code] = by_month
    return {
        "indicators": [
            {
                "code": i.code,
                "label": i.label,
                "category": "Flux mensuel par bassin",
                "volet": 3,
                "unit": i.unit,
                "definition": i.definition,
                "annexe": i.annexe,
            }
            for i in INDICATORS
        ],
        "values": values,
        "targets": [
            {
                "indicator": t.indicator,
                "bassin": None if t.bassin_id is None else code.get(t.bassin_id),
                "kind": t.kind,
                "value": t.value,
                "effective_from": t.effective_from.isoformat(),
                "label": t.label,
                "source": t.source,
            }
            for t in data.targets
        ],
        "portfolios": [
            {
                "bassin": code.get(p.bassin_id),
                "organisme": p.organisme,
                "unit": p.unit,
                "number": p.number,
                "capacity": p.capacity,
                "effective_from": p.effective_from.isoformat(),
                "source": p.source,
            }
            for p in data.portfolios
        ],
    }


def from_state(state: dict[str, Any]) -> FlowsData:
    """Relit un état figé (instantané ou état courant) ; un état sans flux donne des séries vides."""
    plan = state["plan"]
    refs = [BassinRef(i, b["code"], b["name"]) for i, b in enumerate(plan["bassins"], 1)]
    by_code = {b.code: b for b in refs}
    flux = state.get("flux") or {}
    series = {b.id: BassinSeries(b) for b in refs}
    # une cellule (immuable) par valeur distincte, partagée : à 100×, 18 360 valeurs saisies mais
    # quelques centaines de valeurs différentes (créer une classe de données gelée coûte ≈ 1 µs)
    shared: dict[float, FlowCell] = {}
    for code, months in (flux.get("values") or {}).items():
        ref = by_code.get(code)
        if ref is None:
            continue
        cells = series[ref.id].cells
        for month, row in months.items():
            m = date.fromisoformat(f"{month}-01")
            for indicator, value in row.items():
                if indicator in BY_CODE:
                    number = float(value)
                    cell = shared.get(number) if number else None  # 0.0 et -0.0 : égaux, pas pareils
                    if cell is None:
                        cell = FlowCell(0, number, 0, "", None)
                        if number:
                            shared[number] = cell
                    cells[(m, indicator)] = cell

    def bassin_id(code: str | None) -> int | None:
        return None if code is None else (by_code[code].id if code in by_code else -1)

    targets = [
        Target(
            t["indicator"],
            bassin_id(t["bassin"]),
            t["kind"],
            float(t["value"]),
            date.fromisoformat(t["effective_from"]),
            t.get("label", ""),
            t.get("source", ""),
        )
        for t in flux.get("targets") or []
    ]
    portfolios = [
        PortfolioRef(
            bassin_id(p["bassin"]) or -1,
            p["organisme"],
            p["unit"],
            float(p["number"]),
            int(p["capacity"]),
            date.fromisoformat(p["effective_from"]),
            p.get("source", ""),
        )
        for p in flux.get("portfolios") or []
    ]
    figures = sorted(state.get("reference", {}).get("figures", []), key=lambda f: f["as_of"])
    stock = {
        by_code[f["bassin"]].id: float(f["value"])
        for f in figures
        if f["key"] == "brsa_stock" and f["bassin"] in by_code
    }
    flux = {
        by_code[f["bassin"]].id: (int(f["as_of"][:4]), float(f["value"]))
        for f in figures
        if f["key"] == "brsa_entrants_flux" and f["bassin"] in by_code
    }
    return FlowsData(date.fromisoformat(plan["today"]), series, targets, portfolios, stock, flux)
