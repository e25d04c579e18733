"""Indicateurs nationaux fondus dans leur flux BRSA : une seule série par mesure.

M1b, M1c, M2, M4, M5, V2-1 et V2-2 (annexe 4) mesurent exactement un flux mensuel BRSA (même
définition, unité, sens et fréquence). Leurs liens, valeurs, cibles et références passent au flux ;
leur définition nationale est archivée (rien n'est supprimé). Une valeur nationale qui contredit
la valeur du flux pour le même bassin et le même mois est écartée, le flux gardé : l'entrée du
journal de l'opération dit les deux. Voir ``db.seed.indicators.fuse_national_into_flows`` et
docs/indicateurs.md.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: figé ici (une migration ne suit pas le jeu initial) ; le même que resources/seed/indicateurs.json
FUSED = {
    "M1b": "sortants", "M1c": "contrats_signes", "M2": "delai_premier_entretien", "M4": "delai_premiere_action",
    "M5": "accompagnement_intensif", "V2-1": "entrants", "V2-2": "orientes_15j",
}  # fmt: skip


def upgrade() -> None:
    from db.seed.indicators import fuse_national_into_flows

    fuse_national_into_flows(op.get_bind(), FUSED)


def downgrade() -> None:
    # Les lignes nationales, archivées, gardent leurs valeurs : elles reviennent ; les valeurs
    # reprises par le flux y restent (une valeur de flux ne se distingue pas d'une autre).
    codes = ", ".join(f"'{c}'" for c in FUSED)
    op.execute(f"UPDATE indicator_definition SET archived = false WHERE roadmap_id IS NULL AND code IN ({codes})")
