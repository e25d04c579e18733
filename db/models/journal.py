from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field

import db.models.contract  # noqa: F401 — tables visées par les clés étrangères
from db.models.base import Table
from db.types import UtcDateTime


class JournalEntry(Table, table=True):
    """Une modification d'un champ : qui, quand, quoi, ancienne et nouvelle valeur (JSON).

    Les entrées d'une même opération utilisateur partagent ``operation_id`` ; l'annulation
    d'une opération est elle-même une opération qui pointe vers celle qu'elle annule.
    """

    __tablename__ = "journal_entry"

    id: int | None = Field(default=None, primary_key=True)
    ts: datetime = Field(index=True, sa_type=UtcDateTime)
    author: str = Field(max_length=100)
    operation_id: str = Field(max_length=36, index=True)
    operation_label: str = Field(default="", max_length=300)
    entity: str = Field(max_length=40)
    entity_id: int
    entity_label: str = Field(default="", max_length=200)
    field: str = Field(max_length=60)
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)
    source: str = Field(default="gui", max_length=20)
    reverts_operation_id: str | None = Field(default=None, max_length=36)
    atelier_id: int | None = Field(default=None, foreign_key="atelier.id")
