"""Édition du plan : applicabilité d'une action à un bassin (« non applicable » = ligne archivée).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action_bassin', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('action_bassin', schema=None) as batch_op:
        batch_op.drop_column('archived')
