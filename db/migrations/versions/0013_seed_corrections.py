"""Jeu initial relu ligne à ligne : corrections appliquées aux bases existantes.

Schéma : la règle de co-financement d'un volet (part du Département, en %, et sa source), pour
le volet 2 « co-financement à hauteur de 50 % de la part du Département … sur la globalité des
actions du volet 2 ».

Données (``db.seed.corrections``) : statuts lus dans le texte de l'action (NU-1.1, AI-1.3,
statuts écrits en minuscules), échéance douteuse d'AI-3.3, ligne de 807 000 € du volet 2 rattachée
à l'Action 2, cibles d'entrants en moyenne mensuelle, ETP de délégués à confirmer, indicateurs et
journées de lancement cités tels qu'écrits, lignes sources. Seules les valeurs encore égales au
jeu initial d'origine, et que personne n'a modifiées (journal), sont corrigées.

Revision ID: 0013
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("volet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cofinancing_rate_pct", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("cofinancing_source", sa.Text(), server_default="", nullable=False)
        )
    from db.seed.corrections import apply_corrections

    apply_corrections(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("volet", schema=None) as batch_op:
        batch_op.drop_column("cofinancing_source")
        batch_op.drop_column("cofinancing_rate_pct")
