"""Indicateurs de suivi synthétiques (mesures) : 5 indicateurs par action, valeurs mensuelles.

Chaque copie du plan (35 actions) a son jeu de 10 indicateurs définis (unités, sens variés),
avec une référence au 31/12/2023 et des cibles 2024 et 2025 ; chaque action en mesure 5 ; chaque
indicateur a une valeur par mois et par bassin sur le volet (juillet 2024 à décembre 2025). À 100× :
1 000 indicateurs, 17 500 liens, 162 000 valeurs. Écrit en bloc (pas par les services : la base de
mesure n'a pas besoin du journal de ces lignes).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import insert, text

from db.models import ActionIndicator, IndicatorDefinition, IndicatorTarget, IndicatorValue
from roadmap_app.core.context import AppContext
from roadmap_app.flows.chart_data import month_range

PER_GROUP = 10
PER_ACTION = 5
UNITS = [("%", "up", 60.0), ("nombre", "up", 120.0), ("jours", "down", 30.0), ("heures", "up", 15.0),
         ("€", "up", 5000.0)]  # fmt: skip


def fill_indicators(ctx: AppContext, rng: random.Random, bassin_ids: list[int] | None = None) -> dict[str, int]:
    months = month_range(date(2024, 7, 1), date(2025, 12, 1))
    with ctx.store.transaction() as s:
        conn = s.connection()
        rm = conn.execute(text("SELECT id FROM roadmap ORDER BY id LIMIT 1")).scalar_one()
        bassins = bassin_ids or [b for (b,) in conn.execute(text("SELECT id FROM bassin WHERE NOT archived"))]
        actions = conn.execute(text(
            "SELECT a.id, c.code FROM action a JOIN cible c ON c.id = a.cible_id ORDER BY a.id"
        )).all()  # fmt: skip
        groups: dict[int, list[int]] = {}
        for aid, cible_code in actions:
            number = int(cible_code.split("-")[1])
            groups.setdefault(number // 100, []).append(aid)
        last = conn.execute(text("SELECT COALESCE(MAX(position), 0) FROM indicator_definition")).scalar_one()
        defs: list[dict[str, Any]] = []
        for g in sorted(groups):
            for i in range(PER_GROUP):
                unit, direction, level = UNITS[i % len(UNITS)]
                last += 1
                defs.append({
                    "code": f"BENCH-{g + 1}-{i + 1}", "label": f"Indicateur de mesure {i + 1} (copie {g + 1})",
                    "category": "feuille de route", "volet": 3, "definition": "Indicateur synthétique (banc).",
                    "unit": unit, "source": "banc", "position": last, "annexe": "", "direction": direction,
                    "frequency": "month", "scope": "bassin", "provenance": rng.choice(["cd", "ft", "autre"]),
                    "storage": "valeurs", "roadmap_id": rm, "archived": False, "version": 1,
                })  # fmt: skip
        conn.execute(insert(IndicatorDefinition), defs)
        ids = {code: i for i, code in conn.execute(text("SELECT id, code FROM indicator_definition"))}
        links, steps, values = [], [], []
        for g in sorted(groups):
            pool = [ids[f"BENCH-{g + 1}-{i + 1}"] for i in range(PER_GROUP)]
            for aid in groups[g]:
                for ind in rng.sample(pool, PER_ACTION):
                    links.append({"action_id": aid, "indicator_id": ind, "kind": rng.choice(["tdb", "autre"]),
                                  "active": True, "version": 1})  # fmt: skip
            for i, ind in enumerate(pool):
                _unit, _direction, level = UNITS[i % len(UNITS)]
                cap = 100.0 if _unit == "%" else None
                steps.append({"indicator_id": ind, "bassin_id": None, "kind": "baseline", "value": level * 0.8,
                              "effective_from": date(2023, 12, 31), "year": None, "label": "", "updated_by": "banc",
                              "version": 1})  # fmt: skip
                for year, factor in ((2024, 0.95), (2025, 1.0)):
                    steps.append({"indicator_id": ind, "bassin_id": None, "kind": "target", "value": level * factor,
                                  "effective_from": date(year, 1, 1), "year": year, "label": f"cible {year}",
                                  "updated_by": "banc", "version": 1})  # fmt: skip
                for b in bassins:
                    for m in months:
                        v = round(level * rng.uniform(0.7, 1.2), 1)
                        values.append({"indicator_id": ind, "bassin_id": b, "day": m,
                                       "value": min(v, cap) if cap else v, "updated_by": "banc", "version": 1})  # fmt: skip
        conn.execute(insert(ActionIndicator), links)
        conn.execute(insert(IndicatorTarget), steps)
        for start in range(0, len(values), 50_000):
            conn.execute(insert(IndicatorValue), values[start : start + 50_000])
    return {"indicateurs": len(defs), "liens": len(links), "valeurs d'indicateurs": len(values)}
