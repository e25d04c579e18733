from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from db.models.base import Table
from db.types import UtcDateTime


class StoreInfo(Table, table=True):
    """Identité de la base (une seule ligne) : sert à reconnaître une base et ses paquets d'atelier."""

    __tablename__ = "store_info"

    id: int | None = Field(default=None, primary_key=True)
    store_uuid: str = Field(max_length=36)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    created_by_version: str = Field(max_length=40)
