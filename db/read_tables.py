"""Tables « légères » des lectures faites au démarrage : noms de tables et de colonnes seulement.

Définir les classes SQLModel de ``db.models`` coûte ≈ 30 ms (modèle pydantic et correspondance ORM
de chaque table), soit le quinzième du démarrage. Les lectures de l'ouverture (liste des feuilles de
route, plan) n'en ont pas besoin : elles lisent des tuples bruts (``db.rows``). Elles s'écrivent
donc avec ces ``TableClause`` de SQLAlchemy, qui se compilent dans le même SQL sans rien construire
d'autre ; les écritures gardent les classes ORM.

Sont typées les colonnes booléennes (``archived IS 0`` sous SQLite, ``IS false`` sous PostgreSQL),
les dates et horodatages (convertis par une lecture ordinaire ; les lectures en bloc du plan passent
par ``db.rows``, qui les normalise lui-même) et les nombres à virgule. ``tests/unit/test_read_tables``
vérifie que chaque colonne existe dans le schéma, et qu'une colonne typée l'est pareil.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Date, Float, column, table
from sqlalchemy.sql.expression import TableClause

from db.types import UtcDateTime


def _table(name: str, *names: str, **typed: Any) -> TableClause:
    """``_table("bassin", "id", "code", archived=Boolean)`` : colonnes sans type, puis typées."""
    return table(name, *(column(n) for n in names), *(column(n, t) for n, t in typed.items()))


ROADMAP = _table("roadmap", "id", "code", "name", "year", "parent_id", archived=Boolean)
BASSIN = _table("bassin", "id", "code", "name", "position", archived=Boolean)
ORGANISATION = _table("organisation", "id", "code", "name")
AXE = _table("axe", "id", "roadmap_id", "code", "title", "position", "version", archived=Boolean)
CIBLE = _table(
    "cible", "id", "roadmap_id", "axe_id", "code", "title", "position", "version", archived=Boolean
)
ACTION = _table(
    "action", "id", "roadmap_id", "cible_id", "code", "position", "intitule",
    "actions_preexistantes", "plan_actions", "indicateurs_tdb", "indicateurs_autres",
    "echeance_label", "echeance_date", "echeance_fin", "echeance_precision", "echeance_flag",
    "pilotes_label", "commentaires", "source", "transcription_note", "version", "carried_from_id",
    archived=Boolean, echeance_date=Date, echeance_fin=Date,
)  # fmt: skip
ACTION_PILOTE = _table("action_pilote", "action_id", "organisation_id")
ACTION_BASSIN = _table(
    "action_bassin", "id", "action_id", "bassin_id", "status", "progress", "note", "updated_by",
    "version", archived=Boolean, note_date=Date, updated_at=UtcDateTime,
)  # fmt: skip

# Tableau de bord et flux
FLOW_VALUE = _table(
    "flow_value", "id", "bassin_id", "indicator", "version", "updated_by",
    month=Date, value=Float, updated_at=UtcDateTime,
)  # fmt: skip
FLOW_TARGET = _table(
    "flow_target", "indicator", "bassin_id", "kind", "label", "source",
    value=Float, effective_from=Date,
)  # fmt: skip
PORTFOLIO = _table(
    "portfolio", "bassin_id", "organisme", "unit", "capacity_per_referent", "source",
    number=Float, effective_from=Date,
)  # fmt: skip
REFERENCE_FIGURE = _table("reference_figure", "id", "bassin_id", "key", value=Float, as_of=Date)
KEY_DATE = _table("key_date", "key", "label", "description", date=Date, end_date=Date)

ALL = (ROADMAP, BASSIN, ORGANISATION, AXE, CIBLE, ACTION, ACTION_PILOTE, ACTION_BASSIN,
       FLOW_VALUE, FLOW_TARGET, PORTFOLIO, REFERENCE_FIGURE, KEY_DATE)  # fmt: skip
