"""Cibles datées et portefeuilles du jeu initial (resources/seed/flux.json).

Utilisé à la création d'une base, et par la migration 0010 pour une base existante : les deux
aboutissent au même contenu.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.seed.files import read_seed_file


def seed_flux(conn: Connection) -> int:
    """Insère cibles et portefeuilles (bassins repérés par leur code) ; renvoie le nombre de lignes."""
    data: dict[str, Any] = read_seed_file("flux.json")
    ids = {code: bid for bid, code in conn.execute(text("SELECT id, code FROM bassin")).all()}
    if not ids:
        return 0  # base neuve : le jeu initial appellera cette fonction une fois les bassins créés
    n = 0
    for t in data["targets"]:
        if t["bassin"] is not None and t["bassin"] not in ids:
            continue
        conn.execute(
            text(
                "INSERT INTO flow_target (indicator, bassin_id, kind, value, effective_from, label, source, version) "
                "VALUES (:indicator, :bassin_id, :kind, :value, :effective_from, :label, :source, 1)"
            ),
            {
                "indicator": t["indicator"], "bassin_id": None if t["bassin"] is None else ids[t["bassin"]],
                "kind": t["kind"], "value": float(t["value"]), "effective_from": date.fromisoformat(t["effective_from"]),
                "label": t["label"], "source": t["source"],
            },
        )  # fmt: skip
        n += 1
    for p in data["portfolios"]:
        if p["bassin"] not in ids:
            continue
        conn.execute(
            text(
                "INSERT INTO portfolio (bassin_id, organisme, unit, number, capacity_per_referent, effective_from, "
                "source, version) VALUES (:bassin_id, :organisme, :unit, :number, 70, :effective_from, :source, 1)"
            ),
            {
                "bassin_id": ids[p["bassin"]], "organisme": p["organisme"], "unit": p["unit"], "number": float(p["number"]),
                "effective_from": date.fromisoformat(p["effective_from"]), "source": p["source"],
            },
        )  # fmt: skip
        n += 1
    return n
