"""Bases synthétiques à l'échelle 1×, 10× et 100× du plan réel, pour les mesures.

    python -m bench.generate 100 /tmp/store-100x.sqlite3

100× : environ 3 500 actions, 9 bassins, 50 instantanés, 20 000 entrées de journal (et, quand les
flux mensuels existent, 10 ans de séries), 5 indicateurs de suivi par action avec une valeur par
mois et par bassin sur le volet (``bench/indicators_data.py``). La base part du jeu initial réel ; les actions, cibles et
bassins ajoutés recopient les textes réels (codes nouveaux), avec des statuts tirés au hasard
(graine fixe : la même base à chaque génération).
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from db.models import Action, ActionBassin, ActionPilote, Bassin, Cible, JournalEntry
from roadmap_app.core.context import AppContext, open_context

EXTRA_BASSINS = [
    ("ARR", "Arrageois"), ("ART", "Artois"), ("BOU", "Boulonnais"), ("CAL", "Calaisis"),
    ("HEN", "Hénin-Carvin"), ("TER", "Ternois"),
]  # fmt: skip
STATUSES = ["a_lancer", "en_cours", "realise", "a_securiser", "reporte", "abandonne"]
WEIGHTS = [35, 30, 20, 8, 5, 2]


def bassins_for(scale: int) -> int:
    return 3 if scale < 10 else (6 if scale < 100 else 9)


def generate(scale: int, path: Path, seed: int = 62) -> dict[str, Any]:
    """Crée la base ``path`` (qui ne doit pas exister) à l'échelle ``scale`` ; renvoie ses dimensions."""
    rng = random.Random(seed)
    if path.exists():
        raise SystemExit(f"{path} existe déjà")
    ctx = open_context(path, author="Générateur")
    t0 = time.perf_counter()
    with ctx.store.transaction() as s:
        bassins = list(s.exec(select(Bassin)).all())
        for code, name in EXTRA_BASSINS[: bassins_for(scale) - 3]:
            b = Bassin(code=code, name=name, full_name=f"Bassin {name}", position=len(bassins) + 1)
            s.add(b)
            s.flush()
            bassins.append(b)
        bassin_ids = [b.id for b in bassins]
        originals = list(s.exec(select(Action)).all())
        cibles = list(s.exec(select(Cible)).all())
        pilotes = list(s.exec(select(ActionPilote)).all())
        # les bassins ajoutés reçoivent les actions réelles
        new_cells = []
        for a in originals:
            for b_id in bassin_ids[3:]:
                new_cells.append(_cell(rng, a.id, b_id))
        # copies des cibles (avec leurs actions) jusqu'à l'échelle demandée
        for k in range(2, scale + 1):
            for c in cibles:
                axe_code = c.code.split("-")[0]
                number = int(c.code.split("-")[1]) + 100 * (k - 1)
                copy = Cible(roadmap_id=c.roadmap_id, axe_id=c.axe_id, code=f"{axe_code}-{number}", title=c.title,
                             position=c.position + 100 * (k - 1), source=c.source)  # fmt: skip
                s.add(copy)
                s.flush()
                for a in [x for x in originals if x.cible_id == c.id]:
                    suffix = a.code.split(".")[-1]
                    data = a.model_dump(
                        exclude={"id", "cible_id", "code", "created_at", "updated_at"}
                    )
                    new = Action(**data, cible_id=copy.id, code=f"{copy.code}.{suffix}")
                    s.add(new)
                    s.flush()
                    for p in pilotes:
                        if p.action_id == a.id:
                            s.add(ActionPilote(action_id=new.id, organisation_id=p.organisation_id))
                    for b_id in bassin_ids:
                        new_cells.append(_cell(rng, new.id, b_id))
        if new_cells:
            s.execute(insert(ActionBassin), new_cells)
    _journal(ctx, rng, 200 * scale)
    n_snapshots = max(1, scale // 2)
    from roadmap_app.committees.snapshots import create_snapshot

    start = date(2024, 6, 1)
    for i in range(n_snapshots):
        create_snapshot(ctx, f"Comité n°{i + 1}", committee=["COPIL", "COTECH", "Comité local"][i % 3],
                        taken_on=start + timedelta(days=30 * i))  # fmt: skip
    months = _monthly_series(ctx, rng, scale)
    from bench.indicators_data import fill_indicators

    indicators = fill_indicators(ctx, rng)
    dims = _dimensions(ctx)
    dims.update(indicators)
    dims.update(
        snapshots=n_snapshots, monthly_values=months, seconds=round(time.perf_counter() - t0, 1)
    )
    ctx.close()
    return dims


def _cell(rng: random.Random, action_id: int, bassin_id: int) -> dict[str, Any]:
    status = rng.choices(STATUSES, WEIGHTS)[0]
    progress = None if status in ("a_lancer",) else rng.choice([None, 10, 25, 40, 50, 75, 90, 100])
    return {"action_id": action_id, "bassin_id": bassin_id, "status": status, "progress": progress,
            "note": "", "note_date": None, "updated_by": "Générateur", "version": 1}  # fmt: skip


def _journal(ctx: AppContext, rng: random.Random, entries: int) -> None:
    with ctx.store.transaction() as s:
        cells = [r for r in s.exec(select(ActionBassin.id)).all()]
        rows = []
        ts = datetime(2024, 6, 1, 9, tzinfo=UTC)
        for i in range(entries):
            cell = rng.choice(cells)
            old, new = rng.sample(STATUSES, 2)
            rows.append({
                "ts": ts + timedelta(minutes=7 * i), "author": rng.choice(["Cheffe de projet", "Chargé de mission", "Atelier"]),
                "operation_id": str(uuid.UUID(int=rng.getrandbits(128))), "operation_label": "Statut (génération)",
                "entity": "action_bassin", "entity_id": cell, "entity_label": "", "field": "status",
                "old_value": json.dumps(old), "new_value": json.dumps(new), "source": "bench",
                "reverts_operation_id": None, "atelier_id": None,
            })  # fmt: skip
        s.execute(insert(JournalEntry), rows)


def _monthly_series(ctx: AppContext, rng: random.Random, scale: int) -> int:
    """10 ans de séries mensuelles à 100× (un an à 1×) quand la fonctionnalité des flux est présente."""
    try:
        from bench.flows_data import fill_monthly_series
    except ImportError:
        return 0
    years = 1 if scale < 10 else (3 if scale < 100 else 10)
    return fill_monthly_series(ctx, rng, years)


def _dimensions(ctx: AppContext) -> dict[str, Any]:
    from sqlalchemy import func

    with ctx.store.session() as s:

        def count(model: Any) -> int:
            return int(s.exec(select(func.count()).select_from(model)).one())

        return {
            "actions": count(Action),
            "bassins": count(Bassin),
            "cellules": count(ActionBassin),
            "journal": count(JournalEntry),
        }


if __name__ == "__main__":
    scale = int(sys.argv[1])
    out = Path(sys.argv[2])
    print(generate(scale, out))
