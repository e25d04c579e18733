from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from db.models.base import Table
from db.types import UtcDateTime


class Bassin(Table, table=True):
    """Territoire (bassin d'emploi) de l'expérimentation."""

    __tablename__ = "bassin"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=100, unique=True)
    full_name: str = Field(default="", max_length=200)
    typology: str = Field(default="", max_length=200)
    description: str = Field(default="")
    services: str = Field(default="")
    position: int = 0
    archived: bool = False
    version: int = 1
    created_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ReferenceFigure(Table, table=True):
    """Chiffre de référence daté d'un bassin (ou de l'ensemble des bassins si ``bassin_id`` est nul).

    Une nouvelle situation s'ajoute avec une autre date ``as_of`` sans écraser la précédente.
    """

    __tablename__ = "reference_figure"

    id: int | None = Field(default=None, primary_key=True)
    bassin_id: int | None = Field(default=None, foreign_key="bassin.id", index=True)
    key: str = Field(max_length=80, index=True)
    label: str = Field(max_length=300)
    value: float
    unit: str = Field(max_length=20)
    as_of: date
    source: str = Field(default="")
    note: str = Field(default="")
