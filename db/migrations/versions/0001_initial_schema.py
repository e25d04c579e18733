"""Schéma initial : feuilles de route, bassins, convention, ateliers, journal.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 13:49:08.133057
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bassin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('typology', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('services', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('indicator_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('volet', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('key_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('roadmap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['roadmap.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('store_info',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_uuid', sa.String(length=36), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_version', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('volet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('plafond_cents', sa.BigInteger(), nullable=True),
    sa.Column('total_document_cents', sa.BigInteger(), nullable=True),
    sa.Column('advance_rate_pct', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_table('atelier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bassin_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('moment', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bassin_id'], ['bassin.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('atelier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_bassin_id'), ['bassin_id'], unique=False)

    op.create_table('axe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('roadmap_id', 'code', name='uq_axe_roadmap_code')
    )
    with op.batch_alter_table('axe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_axe_roadmap_id'), ['roadmap_id'], unique=False)

    op.create_table('financement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=300), nullable=False),
    sa.Column('nature', sa.Text(), nullable=False),
    sa.Column('objet', sa.Text(), nullable=False),
    sa.Column('precisions', sa.Text(), nullable=False),
    sa.Column('existant', sa.String(length=200), nullable=False),
    sa.Column('cible', sa.String(length=200), nullable=False),
    sa.Column('delta', sa.String(length=200), nullable=False),
    sa.Column('montant_cents', sa.BigInteger(), nullable=True),
    sa.Column('financement_complementaire', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['volet_id'], ['volet.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('financement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financement_line_volet_id'), ['volet_id'], unique=False)

    op.create_table('reference_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bassin_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['bassin_id'], ['bassin.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reference_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_figure_bassin_id'), ['bassin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reference_figure_key'), ['key'], unique=False)

    op.create_table('cible',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('axe_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['axe_id'], ['axe.id'], ),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('roadmap_id', 'code', name='uq_cible_roadmap_code')
    )
    with op.batch_alter_table('cible', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cible_axe_id'), ['axe_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cible_roadmap_id'), ['roadmap_id'], unique=False)

    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ts', sa.DateTime(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('operation_id', sa.String(length=36), nullable=False),
    sa.Column('operation_label', sa.String(length=300), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('entity_label', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reverts_operation_id', sa.String(length=36), nullable=True),
    sa.Column('atelier_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['atelier_id'], ['atelier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_operation_id'), ['operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_ts'), ['ts'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('cible_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('intitule', sa.String(length=300), nullable=True),
    sa.Column('actions_preexistantes', sa.Text(), nullable=False),
    sa.Column('plan_actions', sa.Text(), nullable=False),
    sa.Column('indicateurs_tdb', sa.Text(), nullable=False),
    sa.Column('indicateurs_autres', sa.Text(), nullable=False),
    sa.Column('echeance_label', sa.String(length=100), nullable=False),
    sa.Column('echeance_date', sa.Date(), nullable=True),
    sa.Column('echeance_fin', sa.Date(), nullable=True),
    sa.Column('echeance_precision', sa.String(length=12), nullable=True),
    sa.Column('echeance_flag', sa.String(length=200), nullable=True),
    sa.Column('pilotes_label', sa.String(length=300), nullable=False),
    sa.Column('commentaires', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('transcription_note', sa.Text(), nullable=False),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("echeance_precision IS NULL OR echeance_precision IN ('jour', 'mois', 'trimestre', 'semestre', 'annee')", name='ck_action_echeance_precision'),
    sa.ForeignKeyConstraint(['carried_from_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['cible_id'], ['cible.id'], ),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('roadmap_id', 'code', name='uq_action_roadmap_code')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_cible_id'), ['cible_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_echeance_fin'), ['echeance_fin'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_roadmap_id'), ['roadmap_id'], unique=False)

    op.create_table('action_bassin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('bassin_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('note_date', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('a_lancer', 'en_cours', 'realise', 'a_securiser', 'reporte', 'abandonne')", name='ck_action_bassin_status'),
    sa.CheckConstraint('progress IS NULL OR (progress >= 0 AND progress <= 100)', name='ck_action_bassin_progress'),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['bassin_id'], ['bassin.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('action_id', 'bassin_id', name='uq_action_bassin')
    )
    with op.batch_alter_table('action_bassin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_bassin_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_bassin_bassin_id'), ['bassin_id'], unique=False)

    op.create_table('action_pilote',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('action_id', 'organisation_id')
    )


def downgrade() -> None:
    op.drop_table('action_pilote')
    with op.batch_alter_table('action_bassin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_bassin_bassin_id'))
        batch_op.drop_index(batch_op.f('ix_action_bassin_action_id'))

    op.drop_table('action_bassin')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_roadmap_id'))
        batch_op.drop_index(batch_op.f('ix_action_echeance_fin'))
        batch_op.drop_index(batch_op.f('ix_action_cible_id'))

    op.drop_table('action')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_ts'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_operation_id'))

    op.drop_table('journal_entry')
    with op.batch_alter_table('cible', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cible_roadmap_id'))
        batch_op.drop_index(batch_op.f('ix_cible_axe_id'))

    op.drop_table('cible')
    with op.batch_alter_table('reference_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_figure_key'))
        batch_op.drop_index(batch_op.f('ix_reference_figure_bassin_id'))

    op.drop_table('reference_figure')
    with op.batch_alter_table('financement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financement_line_volet_id'))

    op.drop_table('financement_line')
    with op.batch_alter_table('axe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_axe_roadmap_id'))

    op.drop_table('axe')
    with op.batch_alter_table('atelier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_bassin_id'))

    op.drop_table('atelier')
    op.drop_table('volet')
    op.drop_table('store_info')
    op.drop_table('roadmap')
    op.drop_table('organisation')
    op.drop_table('key_date')
    op.drop_table('indicator_definition')
    op.drop_table('bassin')
