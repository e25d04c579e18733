"""Instantanés au format 2 (cellules de statut en listes de six champs).

Aucune table ne change : cette révision marque les bases qui peuvent contenir des instantanés
au format 2, pour qu'une version plus ancienne de l'application refuse la base avec son message
« base créée par une version plus récente » (sur un serveur partagé, par exemple) au lieu
d'échouer en lisant un instantané. Les instantanés du format 1 restent lisibles.

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
