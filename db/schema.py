"""Versions de schéma connues, lisibles sans importer Alembic (démarrage rapide).

Chaque migration ajoutée dans ``db/migrations/versions`` doit être ajoutée ici, dans l'ordre ;
un test vérifie que cette liste correspond exactement à la chaîne Alembic.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

#: Révisions dans l'ordre d'application ; la dernière est la version attendue par l'application.
REVISIONS: tuple[str, ...] = ("0001", "0006", "0007", "0008", "0009", "0010", "0011", "0013", "0015", "0016")
HEAD = REVISIONS[-1]


def current_revision(conn: Connection) -> str | None:
    """Révision enregistrée dans la base, ou ``None`` si la base n'a pas de table alembic_version."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def has_user_tables(conn: Connection) -> bool:
    return any(name != "alembic_version" for name in inspect(conn).get_table_names())
