"""Ateliers hors ligne : métadonnées de paquet, fusions et décisions sur les conflits.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_uuid", sa.String(length=36), nullable=False),
        sa.Column("source_store_uuid", sa.String(length=36), nullable=False),
        sa.Column("source_label", sa.String(length=300), nullable=False),
        sa.Column("bassin_code", sa.String(length=20), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("app_version", sa.String(length=40), nullable=False),
        sa.Column("schema_revision", sa.String(length=40), nullable=False),
        sa.Column("base_journal_id", sa.Integer(), nullable=False),
        sa.Column("base_state", sa.LargeBinary(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("package_uuid"),
    )
    op.create_table(
        "workshop_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("merged_by", sa.String(length=100), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["atelier_id"], ["atelier.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workshop_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_merge_package_uuid"), ["package_uuid"], unique=False)
    op.create_table(
        "workshop_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_uuid", sa.String(length=36), nullable=False),
        sa.Column("cell_key", sa.String(length=120), nullable=False),
        sa.Column("theirs_value", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workshop_resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_resolution_package_uuid"), ["package_uuid"], unique=False)


def downgrade() -> None:
    op.drop_table("workshop_resolution")
    op.drop_table("workshop_merge")
    op.drop_table("workshop_package")
