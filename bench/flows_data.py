"""Séries mensuelles synthétiques (mesures, captures) : cohérentes avec les règles de saisie.

Jamais utilisé par l'application elle-même : une base d'utilisateur ne contient que ce qui a été
saisi ou importé. Les valeurs tournent autour des cibles réelles (36 / 63 / 177 entrants par mois)
et respectent les contrôles (parts ≤ total, aucun nombre négatif, pourcentages ≤ 100).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from db.models import Bassin, FlowValue
from db.types import utcnow
from roadmap_app.core.context import AppContext
from roadmap_app.flows.chart_data import month_range
from roadmap_app.flows.series import entrants_target, load_targets
from roadmap_app.flows.validation import check_month


def month_values(
    rng: random.Random, target: float, ft_portfolios: float, cd_etp: float
) -> dict[str, float]:
    """Un mois plausible pour un bassin dont la cible mensuelle d'entrants est ``target``."""
    entrants = max(0, round(target * rng.uniform(0.7, 1.2)))
    orientes = round(entrants * rng.uniform(0.85, 1.0))
    ft = round(orientes * rng.uniform(0.4, 0.6))
    rest = orientes - ft
    emploi = round(rest * rng.uniform(0.2, 0.4))
    equilibre = round((rest - emploi) * rng.uniform(0.4, 0.7))
    remob = rest - emploi - equilibre
    return {
        "entrants": entrants,
        "orientes": orientes,
        "orientes_ft": ft,
        "orientes_cd_emploi": emploi,
        "orientes_cd_equilibre": equilibre,
        "orientes_cd_remobilisation": remob,
        "orientes_15j": round(orientes * rng.uniform(0.6, 1.0)),
        "delai_premier_entretien": round(rng.uniform(12, 40)),
        "delai_premiere_action": round(rng.uniform(7, 30)),
        "contrats_signes": round(orientes * rng.uniform(0.5, 0.9)),
        "sortants": round(entrants * rng.uniform(0.6, 1.1)),
        "accompagnement_intensif": round(rng.uniform(20, 60), 1),
        "heures_activite": round(rng.uniform(8, 16), 1),
        "retours_emploi": round(entrants * rng.uniform(0.1, 0.3)),
        "stock": round(target * 45 * rng.uniform(0.95, 1.05)),
        "suivis_ft": round(ft_portfolios * rng.uniform(55, 78)),
        "suivis_cd": round(cd_etp * rng.uniform(50, 75)),
    }


def fill_monthly_series(
    ctx: AppContext, rng: random.Random, years: int, end: date | None = None
) -> int:
    """Remplit ``years`` années (jusqu'au mois de ``end``, par défaut aujourd'hui) pour chaque bassin ;
    renvoie le nombre de valeurs écrites. Écrit en masse (pas de journal : données de mesure)."""
    last = (end or ctx.today()).replace(day=1)
    first = date(last.year - years, last.month, 1)
    months = month_range(first, last)[1:]
    targets = load_targets(ctx)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    with ctx.store.transaction() as s:
        for b in s.exec(select(Bassin)).all():
            assert b.id is not None
            t = entrants_target(targets, b.id, last)
            target = t.value if t else 60.0
            ft, cd = max(1.0, target / 11), max(1.0, target / 13.5)
            for m in months:
                values = month_values(rng, target, ft, cd)
                assert not check_month(b.name, m, dict(values)), (b.name, m)
                rows += [
                    {
                        "bassin_id": b.id,
                        "month": m,
                        "indicator": k,
                        "value": float(v),
                        "version": 1,
                        "updated_at": now,
                        "updated_by": "Générateur",
                    }
                    for k, v in values.items()
                ]
        if rows:
            s.execute(insert(FlowValue), rows)
    return len(rows)
