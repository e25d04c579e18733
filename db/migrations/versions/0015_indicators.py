"""Indicateurs de suivi : une seule notion d'indicateur (nationaux, flux BRSA, définis par
l'utilisateur), situation de référence et cibles, valeurs, liens action ↔ indicateur.

Les 17 flux mensuels deviennent des lignes de ``indicator_definition`` ; leurs valeurs et cibles
restent dans ``flow_value`` et ``flow_target`` (voir docs/indicateurs.md).

Revision ID: 0015
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_definition", schema=None) as batch_op:
        batch_op.alter_column(
            "code", existing_type=sa.String(length=20), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.add_column(sa.Column("annexe", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("direction", sa.String(length=4), server_default="up", nullable=False))
        batch_op.add_column(sa.Column("frequency", sa.String(length=10), server_default="free", nullable=False))
        batch_op.add_column(sa.Column("scope", sa.String(length=10), server_default="bassin", nullable=False))
        batch_op.add_column(sa.Column("provenance", sa.String(length=10), server_default="autre", nullable=False))
        batch_op.add_column(sa.Column("storage", sa.String(length=10), server_default="valeurs", nullable=False))
        batch_op.add_column(sa.Column("roadmap_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("archived", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key("fk_indicator_definition_roadmap_id_roadmap", "roadmap", ["roadmap_id"], ["id"])
    # une cible de flux retirée (annulation de sa création) garde sa ligne, valeur nulle
    with op.batch_alter_table("flow_target", schema=None) as batch_op:
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=True)
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("bassin_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bassin_id"], ["bassin.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("indicator_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_target_indicator_id"), ["indicator_id"], unique=False)
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("bassin_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bassin_id"], ["bassin.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index("ix_indicator_value_key", ["indicator_id", "bassin_id", "day", "value"], unique=False)
    op.create_table(
        "action_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id", "indicator_id", name="uq_action_indicator"),
    )
    with op.batch_alter_table("action_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_indicator_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_indicator_indicator_id"), ["indicator_id"], unique=False)
    # Base existante : indicateurs nationaux complétés, flux ajoutés (base neuve : le jeu initial).
    from db.seed.indicators import seed_indicators

    seed_indicators(op.get_bind())


def downgrade() -> None:
    op.drop_table("action_indicator")
    op.drop_table("indicator_value")
    op.drop_table("indicator_target")
    op.execute("DELETE FROM flow_target WHERE value IS NULL")
    with op.batch_alter_table("flow_target", schema=None) as batch_op:
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=False)
    op.execute("DELETE FROM indicator_definition WHERE storage <> 'valeurs' OR category = 'feuille de route'")
    with op.batch_alter_table("indicator_definition", schema=None) as batch_op:
        batch_op.drop_constraint("fk_indicator_definition_roadmap_id_roadmap", type_="foreignkey")
        for name in ("version", "archived", "roadmap_id", "storage", "provenance", "scope", "frequency",
                     "direction", "annexe"):
            batch_op.drop_column(name)
        batch_op.alter_column(
            "code", existing_type=sa.String(length=40), type_=sa.String(length=20), existing_nullable=False
        )
