"""Flux mensuels BRSA par bassin, cibles datées, portefeuilles (et leur jeu initial).

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flow_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bassin_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bassin_id"], ["bassin.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bassin_id", "month", "indicator", name="uq_flow_value"),
    )
    with op.batch_alter_table("flow_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_value_bassin_id"), ["bassin_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_value_month"), ["month"], unique=False)
    op.create_table(
        "flow_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("bassin_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bassin_id"], ["bassin.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flow_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_target_indicator"), ["indicator"], unique=False)
    op.create_table(
        "portfolio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bassin_id", sa.Integer(), nullable=False),
        sa.Column("organisme", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Float(), nullable=False),
        sa.Column("capacity_per_referent", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bassin_id"], ["bassin.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("portfolio", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portfolio_bassin_id"), ["bassin_id"], unique=False)
    # Base existante (déjà remplie) : mêmes cibles et portefeuilles qu'une base neuve.
    # Base neuve : la table bassin est encore vide ici, le jeu initial s'en charge ensuite.
    from db.seed.flux import seed_flux

    seed_flux(op.get_bind())


def downgrade() -> None:
    op.drop_table("portfolio")
    op.drop_table("flow_target")
    op.drop_table("flow_value")
