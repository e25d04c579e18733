"""Indicateurs de suivi du jeu initial (resources/seed/indicateurs.json).

Complète les indicateurs nationaux de l'annexe 4 (sens, fréquence, source « TDB national ») et
ajoute les 17 flux mensuels BRSA comme indicateurs (``storage = "flux"``). Utilisé à la création
d'une base et par la migration 0015 pour une base existante : les deux aboutissent au même
contenu ; les valeurs et cibles des flux restent où elles sont.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.seed.loader import read_seed_file

FLUX_SOURCE = "Flux mensuels BRSA par bassin (roadmap_app/flows/catalogue.py) ; codes nationaux : annexe 4"


def seed_indicators(conn: Connection) -> int:
    """Renseigne les indicateurs nationaux et ajoute les flux absents ; renvoie le nombre de flux ajoutés."""
    data: dict[str, Any] = read_seed_file("indicateurs.json")
    if conn.execute(text("SELECT COUNT(*) FROM bassin")).scalar() == 0:
        return 0  # base neuve : le jeu initial appellera cette fonction après la convention
    for code, attrs in data["national"].items():
        conn.execute(
            text(
                "UPDATE indicator_definition SET direction = :direction, frequency = :frequency, "
                "provenance = :provenance, scope = :scope, storage = 'valeurs' WHERE code = :code"
            ),
            {"code": code, **attrs},
        )
    known = {c for (c,) in conn.execute(text("SELECT code FROM indicator_definition")).all()}
    last = conn.execute(text("SELECT COALESCE(MAX(position), 0) FROM indicator_definition")).scalar()
    position = int(last or 0)
    added = 0
    for row in data["flux"]:
        if row["code"] in known:
            continue
        position += 1
        conn.execute(
            text(
                "INSERT INTO indicator_definition (code, label, category, volet, definition, unit, "
                "source, position, annexe, direction, frequency, scope, provenance, storage, "
                "roadmap_id, archived, version) VALUES (:code, :label, 'flux', 3, :definition, :unit, "
                ":source, :position, :annexe, :direction, 'month', 'bassin', :provenance, 'flux', "
                "NULL, :archived, 1)"
            ),
            {**row, "source": FLUX_SOURCE, "position": position, "archived": False},
        )
        added += 1
    return added
