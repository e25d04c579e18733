"""Lecture en bloc sans la couche de résultats de SQLAlchemy, pour les grosses lectures.

La requête est construite et compilée par SQLAlchemy (mêmes tables, même dialecte) mais les
lignes sont lues directement sur le curseur du pilote : des tuples, sans traitement par colonne.
Les dates et horodatages arrivent alors tels que le pilote les rend (texte ISO sous SQLite,
objets ``date``/``datetime`` sous PostgreSQL) : ``as_date`` et ``as_utc`` les normalisent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable


def raw_rows(conn: Connection, statement: Executable) -> list[tuple[Any, ...]]:
    """Toutes les lignes de ``statement``, en tuples bruts du pilote."""
    result = conn.execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def as_date(value: Any) -> date | None:
    """Date d'une colonne DATE lue brute (``'2024-10-15'`` sous SQLite)."""
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_utc(value: Any) -> datetime | None:
    """Horodatage UTC « aware » d'une colonne ``UtcDateTime`` lue brute (cf. ``db.types``)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC)
