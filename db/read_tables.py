"""Tables « légères » des lectures faites au démarrage : noms de tables et de colonnes seulement.

Définir les classes SQLModel de ``db.models`` coûte ≈ 30 ms (modèle pydantic et correspondance ORM
de chaque table), soit le quinzième du démarrage. Les lectures de l'ouverture (liste des feuilles de
route, plan) n'en ont pas besoin : elles lisent des tuples bruts (``db.rows``). Elles s'écrivent
donc avec ces ``TableClause`` de SQLAlchemy, qui se compilent dans le même SQL sans rien construire
d'autre ; les écritures gardent les classes ORM.

Seules les colonnes booléennes sont typées (``archived IS 0`` sous SQLite, ``IS false`` sous
PostgreSQL) ; les dates arrivent brutes et ``db.rows`` les normalise. ``tests/unit/test_read_tables``
vérifie que chaque colonne existe dans le schéma, avec le même type booléen.
"""

from __future__ import annotations

from sqlalchemy import Boolean, column, table
from sqlalchemy.sql.expression import TableClause


def _table(name: str, *names: str, booleans: tuple[str, ...] = ("archived",)) -> TableClause:
    return table(name, *(column(n, Boolean) if n in booleans else column(n) for n in names))


ROADMAP = _table("roadmap", "id", "code", "name", "year", "parent_id", "archived")
BASSIN = _table("bassin", "id", "code", "name", "position", "archived")
ORGANISATION = _table("organisation", "id", "code", "name", booleans=())
AXE = _table("axe", "id", "roadmap_id", "code", "title", "position", "archived", "version")
CIBLE = _table(
    "cible", "id", "roadmap_id", "axe_id", "code", "title", "position", "archived", "version"
)
ACTION = _table(
    "action", "id", "roadmap_id", "cible_id", "code", "position", "intitule",
    "actions_preexistantes", "plan_actions", "indicateurs_tdb", "indicateurs_autres",
    "echeance_label", "echeance_date", "echeance_fin", "echeance_precision", "echeance_flag",
    "pilotes_label", "commentaires", "source", "transcription_note", "version", "archived",
    "carried_from_id",
)  # fmt: skip
ACTION_PILOTE = _table("action_pilote", "action_id", "organisation_id", booleans=())
ACTION_BASSIN = _table(
    "action_bassin", "id", "action_id", "bassin_id", "status", "progress", "note", "note_date",
    "updated_at", "updated_by", "version", "archived",
)  # fmt: skip

ALL = (ROADMAP, BASSIN, ORGANISATION, AXE, CIBLE, ACTION, ACTION_PILOTE, ACTION_BASSIN)
