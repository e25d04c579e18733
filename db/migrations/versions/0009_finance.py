"""Financement : dépenses réalisées (modèle de l'annexe 3) et versements de l'État.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 14:17:36.673449
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('state_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volet_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['volet_id'], ['volet.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('state_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_state_payment_volet_id'), ['volet_id'], unique=False)

    op.create_table('expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volet_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sa.String(length=40), nullable=False),
    sa.Column('subgroup_key', sa.String(length=40), nullable=False),
    sa.Column('nature', sa.Text(), nullable=False),
    sa.Column('unite', sa.String(length=60), nullable=False),
    sa.Column('units_milli', sa.BigInteger(), nullable=True),
    sa.Column('unit_cost_cents', sa.BigInteger(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('period_label', sa.String(length=120), nullable=False),
    sa.Column('objet', sa.Text(), nullable=False),
    sa.Column('montant_cents', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['financement_line.id'], ),
    sa.ForeignKeyConstraint(['volet_id'], ['volet.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_volet_id'), ['volet_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_volet_id'))
        batch_op.drop_index(batch_op.f('ix_expense_line_id'))

    op.drop_table('expense')
    with op.batch_alter_table('state_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_state_payment_volet_id'))

    op.drop_table('state_payment')
