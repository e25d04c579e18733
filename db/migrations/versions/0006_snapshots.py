"""Instantanés de comité (immuables : un déclencheur refuse toute mise à jour).

Revision ID: 0006
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

NO_UPDATE = "Un instantané de comité ne peut pas être modifié."


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("committee", sa.String(length=40), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("roadmap_name", sa.String(length=200), nullable=False),
        sa.Column("app_version", sa.String(length=40), nullable=False),
        sa.Column("schema_revision", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["roadmap_id"], ["roadmap.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_roadmap_id"), ["roadmap_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER snapshot_immuable BEFORE UPDATE ON snapshot "
            f"BEGIN SELECT RAISE(ABORT, '{NO_UPDATE}'); END"
        )
    else:
        op.execute(
            "CREATE FUNCTION snapshot_immuable() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{NO_UPDATE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER snapshot_immuable BEFORE UPDATE ON snapshot "
            "FOR EACH ROW EXECUTE FUNCTION snapshot_immuable()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS snapshot_immuable")
    else:
        op.execute("DROP TRIGGER IF EXISTS snapshot_immuable ON snapshot")
        op.execute("DROP FUNCTION IF EXISTS snapshot_immuable()")
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_roadmap_id"))
    op.drop_table("snapshot")
